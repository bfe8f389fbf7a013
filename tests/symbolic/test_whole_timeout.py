"""`--timeout` bounds the whole of `bmc`, `prove` and `query`: loading the spec and building
its Z3 encoding spend it as solving does, and a run it stops ends INCOMPLETE (exit 3),
saying where it stopped. A network bag of many slots takes minutes to encode (fuzz finding
F7: `max_in_flight: 30` in crdt_lww.dsl); with a timeout it no longer hangs. Past 64 slots
the encoding is refused at once (exit 2): it would take hours."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import z3

from tests.within import finishes_within
from verikit import api
from verikit.core.model import Query
from verikit.symbolic import bmc as smt
from verikit.symbolic import query as symbolic_query
from verikit.symbolic.answer import Answer

SPECS = Path(__file__).parents[2] / "specs"


def crdt_with_in_flight(tmp_path: Path, bound: str) -> Path:
    text = (SPECS / "crdt_lww.dsl").read_text()
    assert "max_in_flight: 2 }" in text
    spec = tmp_path / "crdt.dsl"
    spec.write_text(text.replace("max_in_flight: 2 }", f"max_in_flight: {bound} }}"))
    return spec


def test_bmc_stops_at_the_timeout_while_encoding_a_big_bag(tmp_path: Path) -> None:
    spec = crdt_with_in_flight(tmp_path, "30")
    with finishes_within(30):
        report = api.bmc_file(spec, depth=3, timeout=1.0)
    assert report.verdict == "incomplete" and api.exit_code([report]) == api.EXIT_INCOMPLETE
    (warning,) = report.warnings
    assert warning.message.startswith("INCOMPLETE: timeout 1.0 s reached while encoding")


def test_prove_stops_at_the_timeout_while_encoding_a_big_bag(tmp_path: Path) -> None:
    spec = crdt_with_in_flight(tmp_path, "30")
    with finishes_within(30):
        report = api.prove_file(spec, k=2, timeout=1.0)
    assert report.verdict == "unproved" and api.prove_exit_code([report]) == api.EXIT_INCOMPLETE
    (warning,) = report.diagnostics
    assert warning.message == (
        "INCOMPLETE: timeout 1.0 s reached while encoding for Z3; the proof did not finish"
    )


TWO_QUERIES = """spec TwoQueries
query First {
  real x
  assume x > 1
  never x < 0
}
query Second {
  real y
  assume y > 1
  never y < 0
}
"""


def test_the_queries_of_a_spec_share_its_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[float | None] = []

    def undecided(query: Query, timeout: float | None = None) -> Answer:
        given.append(timeout)  # a solver that works 0.3 s (of what it is given) and gives up
        time.sleep(min(timeout or 0.3, 0.3))
        return Answer(query.name, "unknown", reason="timeout")

    monkeypatch.setattr(symbolic_query, "answer", undecided)
    spec = tmp_path / "two.dsl"
    spec.write_text(TWO_QUERIES)
    report = api.query_file(spec, timeout=0.5)
    assert report.verdict == "incomplete" and api.exit_code([report]) == api.EXIT_INCOMPLETE
    first, second = given
    assert first is not None and first <= 0.5
    assert second is not None and second <= 0.2  # what the first query left, no more


@pytest.mark.parametrize("bound", ["65", "99999999999999999999"])
def test_a_bag_too_big_to_encode_is_refused_at_once_naming_max_in_flight(
    tmp_path: Path, bound: str
) -> None:
    spec = crdt_with_in_flight(tmp_path, bound)
    with finishes_within(30):  # no --timeout: before the limit, this ran for hours
        bounded = api.bmc_file(spec, depth=1)
        proved = api.prove_file(spec, k=1)
    assert bounded.verdict == "error" and api.exit_code([bounded]) == api.EXIT_ERROR
    assert proved.verdict == "error" and api.prove_exit_code([proved]) == api.EXIT_ERROR
    (error,) = bounded.diagnostics
    assert error == proved.diagnostics[0] and error.span.line == 28  # the network block
    assert f"{int(bound):,} slots of the bag of in-flight messages (max_in_flight)" in (
        error.message
    )
    assert "more than the 64 the Z3 encoding holds" in error.message


def test_a_bag_of_64_slots_is_encoded(tmp_path: Path) -> None:
    spec = crdt_with_in_flight(tmp_path, "64")
    with finishes_within(30):
        report = api.bmc_file(spec, depth=1, timeout=0.5)
    assert report.verdict == "incomplete"  # encoding began: the timeout, not the limit, ends it


FIFO = """spec Fifo
message Ping { n: 0..1 }
network { loss: true  duplicate: true  max_in_flight: 65 }
node A[2] {
  var got: 0..1? = none
  action ping(to in A, n in 0..1) when to != self { send Ping { n: n } to to }
  on Ping(m) { got = m.n }
}
var log: seq<0..1, 100> = []
invariant Fine: true
"""


def test_a_fifo_queue_too_long_to_encode_is_refused_but_a_long_declared_sequence_is_not(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "fifo.dsl"
    spec.write_text(FIFO)
    with finishes_within(30):
        report = api.bmc_file(spec, depth=1)
    assert report.verdict == "error" and api.exit_code([report]) == api.EXIT_ERROR
    (error,) = report.diagnostics
    assert error.span.line == 3 and "65 positions of a queue (max_in_flight)" in error.message
    spec.write_text(FIFO.replace("max_in_flight: 65", "max_in_flight: 2"))
    with finishes_within(30):
        assert api.bmc_file(spec, depth=1).verdict == "holds"  # log: 100 positions, allowed


def pigeonhole(holes: int) -> z3.Solver:
    """holes + 1 pigeons in `holes` holes: unsat, and Z3 takes seconds to show it (11: ~15 s)."""
    sits = [[z3.Bool(f"p{i}h{j}") for j in range(holes)] for i in range(holes + 1)]
    solver = z3.Solver()
    for pigeon in sits:
        solver.add(z3.Or(pigeon))
    for j in range(holes):
        for i in range(holes + 1):
            for k in range(i + 1, holes + 1):
                solver.add(z3.Or(z3.Not(sits[i][j]), z3.Not(sits[k][j])))
    return solver


def test_a_long_z3_call_past_the_deadline_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[z3.CheckSatResult] = []
    real_bmc = smt.bmc

    def bmc_after_a_hard_check(*args: Any, **kwargs: Any) -> smt.BmcResult:
        answers.append(pigeonhole(11).check())  # no timeout of its own, as the encoder's
        return real_bmc(*args, **kwargs)

    monkeypatch.setattr(smt, "bmc", bmc_after_a_hard_check)
    with finishes_within(60):
        report = api.bmc_file(SPECS / "two_phase_commit.dsl", depth=2, timeout=0.5)
    assert answers == [z3.unknown]  # stopped at the deadline, not decided seconds later
    assert report.verdict == "incomplete" and api.exit_code([report]) == api.EXIT_INCOMPLETE
