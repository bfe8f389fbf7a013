"""Mermaid sequence diagrams of counterexamples, checked against the grammar subset verikit
writes (tests/report/mermaid_grammar.py): losses, duplicates, crashes, a lasso's loop and the
violated property are all shown; an empty lane takes no column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.mermaid_grammar import Diagram, parse
from verikit import api
from verikit.report import to_mermaid
from verikit.report.mermaid import chart_to_mermaid, escape
from verikit.trace.chart import Chart, Row

SPECS = Path(__file__).resolve().parents[2] / "specs"


def diagram_of(spec: str) -> Diagram:
    report = api.check_file(SPECS / f"{spec}.dsl", backend="python")
    assert report.loaded is not None and report.traces
    return parse(to_mermaid(report.traces[0], report.loaded.model))


@pytest.fixture(scope="module")
def duplicate() -> Diagram:
    return diagram_of("queue_idempotent_no_dedup")


def test_nodes_are_participants_in_declaration_order(duplicate: Diagram) -> None:
    assert list(duplicate.participants.values()) == ["Broker", "Consumer", "globals"]


def test_a_duplicate_is_a_note_and_its_copy_an_arrow_of_its_own(duplicate: Diagram) -> None:
    assert any("2. duplicated: Deliver { id: 1 }" in text for _, text in duplicate.notes)
    delivered = [m for m in duplicate.messages if m[1] == "->>"]
    assert [m[3] for m in delivered] == ["3. Deliver { id: 1 } (sent at 1)",
                                         "4. Deliver { id: 1 } (copy made at 2)"]  # fmt: skip


def test_the_violated_property_and_what_it_read_close_the_chart(duplicate: Diagram) -> None:
    lanes, text = duplicate.notes[-1]
    assert duplicate.order[-1] == "note" and lanes == "Note over L0,L2"
    assert text == "✗ invariant ExactlyOnce violated<br/>globals.applied = {1: 2, 2: 0}"


def test_a_crash_is_a_note_on_the_crashed_node() -> None:
    diagram = diagram_of("two_phase_commit_crash_buggy")
    crash = [text for lanes, text in diagram.notes if "💥 crash" in text]
    assert len(crash) == 1 and crash[0].startswith("7. 💥 crash<br/>phase: Sent → Idle")
    in_flight = [m for m in diagram.messages if m[1] == "--)"]
    assert in_flight and all(m[3].startswith("in flight: ") for m in in_flight)


def test_a_lasso_loops_and_a_lost_message_is_crossed() -> None:
    diagram = diagram_of("two_phase_commit_liveness_unfair")
    (loop,) = diagram.loops
    assert any("-xL" in s and "lost: Prepare" in s for s in loop)
    assert diagram.order.index("loop") < diagram.order.index("end") < len(diagram.order) - 1


def test_an_empty_lane_takes_no_column() -> None:
    row = Row(0, "init", "initial state", None, (("x = 0",), (), ()), (), frozenset())
    chart = Chart("S: invariant P is violated", ("A", "B", "globals"), (row,), (),
                  ((("x", "0", True),), (), ()), "✗ invariant P violated")  # fmt: skip
    assert list(parse(chart_to_mermaid(chart)).participants.values()) == ["A"]


def test_labels_never_carry_raw_mermaid_syntax() -> None:
    assert escape("a;b#c<d>\ne") == "a#59;b#35;c#lt;d#gt; e"
