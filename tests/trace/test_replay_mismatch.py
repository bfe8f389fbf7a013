"""Replaying a saved trace against a changed spec says which action came closest to the
recorded state and the first variable that differs, with both values (it used to say only
"state 2 is not a successor of state 1")."""

from __future__ import annotations

import json
from pathlib import Path

from verikit import api

SPEC = """spec Steps
var x: 0..9 = 0
var y: 0..9 = 0
action inc when x < 3 { x = x + 1 }
action jump(n: 1..2) when x == 1 { y = n }
invariant Small: y < 2
"""


def saved_trace(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "steps.dsl"
    spec.write_text(SPEC)
    report = api.check_file(spec, backend="python")
    document = api.first_trace_itf(report)
    assert report.verdict == "violated" and document is not None
    trace = tmp_path / "trace.itf.json"
    trace.write_text(json.dumps(document))
    return spec, trace


def test_a_changed_action_is_named_with_the_first_differing_variable(tmp_path: Path) -> None:
    spec, trace = saved_trace(tmp_path)  # init, inc (x = 1), jump(2) (y = 2)
    spec.write_text(SPEC.replace("{ y = n }", "{ y = n + 2 }"))
    outcome = api.replay_file(spec, trace)
    assert not outcome.ok
    assert ("state 2 is not a successor of state 1: the closest successor, by jump(1), "
            "differs first in y: the trace has 2, the spec gives 3") in outcome.message


def test_a_changed_initial_state_names_the_variable(tmp_path: Path) -> None:
    spec, trace = saved_trace(tmp_path)
    spec.write_text(SPEC.replace("var y: 0..9 = 0", "var y: 0..9 = 1"))
    outcome = api.replay_file(spec, trace)
    assert not outcome.ok
    assert ("state 0 is not an initial state: the closest initial state differs first in y: "
            "the trace has 0, the spec gives 1") in outcome.message
