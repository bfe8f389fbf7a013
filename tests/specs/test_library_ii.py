"""The second spec library (issue 15), beyond the pins of tests/specs/test_specs.py: what each
counterexample shows about its bug, and which invariants `verikit prove` proves."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.specs.library_ii import LIBRARY_II_PROOFS
from verikit import api
from verikit.report import SpecReport

SPECS = Path(__file__).resolve().parents[2] / "specs"


@cache
def check(name: str) -> SpecReport:
    report = api.check_file(SPECS / name)
    assert report.result is not None, report.diagnostics
    return report


def steps(name: str) -> list[tuple[str, str | None, str | None]]:
    """The counterexample's steps after the initial state: (action, node, message received)."""
    (trace,) = check(name).traces
    return [
        (step.action, step.node, step.envelope.body if step.envelope else None)
        for step in trace.steps[1:]
    ]


def test_forgetful_acceptor_crashes_then_accepts_the_older_ballot() -> None:
    path = steps("paxos_forgetful_acceptor.dsl")
    assert path[-3:] == [
        ("crash", "Acceptor[1]", None),
        ("restart", "Acceptor[1]", None),
        ("Acceptor.on Accept", "Acceptor[1]", "Accept { bal: 1, val: 1 }"),
    ]


def test_ignoring_the_reported_value_breaks_agreement_without_any_crash() -> None:
    path = steps("paxos_ignore_accepted.dsl")
    assert all(action != "crash" for action, _, _ in path)
    report = ("Proposer.on Promise", "Proposer[2]", "Promise { bal: 2, accBal: 1, accVal: 1 }")
    assert path.index(report) < path.index(("Proposer.propose", "Proposer[2]", None))


def test_consumer_without_dedup_applies_one_delivery_twice() -> None:
    path = steps("queue_idempotent_no_dedup.dsl")
    received = ("Consumer.on Deliver", "Consumer", "Deliver { id: 1 }")
    assert path[-2:] == [received, received]


def test_dual_write_rolls_back_after_the_event_left() -> None:
    actions = [action for action, _, _ in steps("outbox_dual_write.dsl")]
    assert actions == ["Service.begin", "Service.publish", "Service.rollback", "Broker.on Publish"]


def test_outbox_invariants_are_proved_by_induction_with_their_lemma() -> None:
    report = api.prove_file(SPECS / "outbox.dsl")
    assert report.verdict == "proved"


def test_late_do_commits_after_the_saga_was_compensated() -> None:
    path = steps("saga_timeout_late_commit.dsl")
    assert path[-2:] == [
        ("Orchestrator.on UndoAck", "Orchestrator", "UndoAck"),
        ("Service.on Do", "Service[1]", "Do"),
    ]


def test_truncating_to_the_high_watermark_loses_a_record_the_leader_had_committed() -> None:
    (trace,) = check("kafka_replication_truncate_to_hw.dsl").traces
    fetched = next(s for s in trace.steps if s.action == "Replica.fetch")
    assert "committed" in {c.var for c in fetched.changes}
    truncated = trace.steps[-3]
    assert (truncated.action, truncated.node) == ("Replica.truncate", "Replica[2]")
    assert trace.steps[-1].action == "Replica.elected"


def test_write_skew_is_two_transactions_committing_from_one_snapshot() -> None:
    path = steps("mvcc_serializable_write_skew.dsl")
    assert [(a, n) for a, n, _ in path if a in ("Txn.begin", "Txn.commit")] == [
        ("Txn.begin", "Txn[1]"),
        ("Txn.begin", "Txn[2]"),
        ("Txn.commit", "Txn[1]"),
        ("Txn.commit", "Txn[2]"),
    ]


def test_last_writer_wins_drops_the_write_that_read_the_one_it_keeps() -> None:
    (trace,) = check("anti_entropy_lww.dsl").traces
    last = trace.steps[-1]
    assert (last.action, last.node) == ("Replica.write", "Replica[2]")
    assert "store" not in {c.var for c in last.changes}  # the new write is not kept


def test_exactly_once_is_proved_by_induction_with_its_lemmas() -> None:
    report = api.prove_file(SPECS / "queue_idempotent.dsl")
    assert report.verdict == "proved"


@pytest.mark.parametrize("name", sorted(LIBRARY_II_PROOFS))
def test_the_main_invariants_are_proved_by_induction_with_the_spec_s_lemmas(name: str) -> None:
    consts, invariants = LIBRARY_II_PROOFS[name]
    report = api.prove_file(SPECS / name, consts)
    assert report.verdict == "proved", report.diagnostics
    assert report.proof is not None
    proved = {o.property for o in report.proof.with_status("proved") if o.kind == "invariant"}
    assert proved == set(invariants)
