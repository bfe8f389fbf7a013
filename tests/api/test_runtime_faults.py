"""A runtime fault is reported as one, wherever it happens: in a `leads_to`'s trigger as in its
goal, and in an action that shares its name with a property. The report names the fault's
location and exits 2; replay confirms the fault instead of tripping over the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from verikit import api

COUNTER = """spec S
var x: 0..3 = 0
var q: seq<int, 2> = []
action a when x < 3 { x = x + 1 }
action r when x == 3 { x = 0 }
"""

CASES = {
    "leads_to trigger": (COUNTER + "property L: head(q) == 1 leads_to x == 0\n", "L", 6, 13),
    "leads_to goal": (COUNTER + "property L: x == 0 leads_to head(q) == 1\n", "L", 6, 29),
    "action named like an invariant": (
        """spec S
var q: seq<int, 2> = []
var x: 0..2 = 0
action step when x < 2 { x = x + 1  if x == 2 { x = head(q) } }
invariant step: x <= 2
""",
        "step",
        4,
        53,
    ),
}


@pytest.mark.parametrize(("text", "name", "line", "col"), CASES.values(), ids=CASES.keys())
def test_a_fault_is_reported_at_its_location_with_exit_2(
    tmp_path: Path, text: str, name: str, line: int, col: int
) -> None:
    path = tmp_path / "fault.dsl"
    path.write_text(text, encoding="utf-8")
    report = api.check_file(path)
    assert report.verdict == "error" and api.exit_code([report]) == 2
    (trace,) = report.traces
    assert trace.kind == "fault" and trace.property == name
    assert trace.fault is not None
    assert (trace.fault.span.line, trace.fault.span.col) == (line, col)
