"""The facts docs/language.md's "Good to know" section states, each checked on a small spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from verikit import api

DOC = Path(__file__).parents[2] / "docs" / "language.md"


def check(tmp_path: Path, text: str, backend: str = "python") -> api.SpecReport:
    path = tmp_path / "spec.dsl"
    path.write_text(text)
    return api.check_file(path, backend=backend)


def violated(report: api.SpecReport) -> set[str]:
    assert report.result is not None
    return {d.property for d in report.result.violations}


def test_the_section_exists() -> None:
    assert "## Good to know" in DOC.read_text()


def test_assignments_run_in_order(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        """spec Order
var x: 0..1 = 0
var y: 0..1 = 0
action step when x == 0 { x = 1; y = x }
terminal when x == 1
invariant YSeesNewX: x == 0 or y == 1
""",
    )
    assert report.verdict == "holds"


def test_require_in_init_discards_initial_states(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        """spec InitRequire
var x: 0..3 = 0
init { choose v in 0..3 { require v != 2; x = v } }
terminal when true
invariant NeverTwo: x != 2
""",
    )
    assert report.verdict == "holds"
    assert report.result is not None
    assert report.result.stats.distinct_states == 3


@pytest.mark.parametrize("backend", ["python", "native"])
def test_transitions_plus_initial_states_is_tlcs_states_generated(backend: str) -> None:
    """TLC reports 1,146 states generated and 288 distinct states for TwoPhase with 3 RMs."""
    spec = Path(__file__).parents[2] / "specs" / "reference" / "tla_two_phase.dsl"
    if backend == "native":
        pytest.importorskip("verikit.native")
    report = api.check_file(spec, consts={"RMs": 3}, backend=backend)
    assert report.result is not None
    assert report.result.stats.distinct_states == 288
    assert report.result.stats.transitions + 1 == 1146


SEVERAL = """spec Several
var x: 0..3 = 0
action up when x < 3 { x = x + 1 }
terminal when x == 3
invariant BelowTwo: x < 2
invariant BelowThree: x < 3
{expect}
"""


def test_several_expect_violation_lines_accept_any_named_violation(tmp_path: Path) -> None:
    text = SEVERAL.replace("{expect}", "expect violation BelowTwo\nexpect violation BelowThree")
    assert check(tmp_path, text).verdict == "expected"


def test_a_violation_of_an_unnamed_property_fails_a_bug_variant(tmp_path: Path) -> None:
    text = SEVERAL.replace("{expect}", "expect violation BelowThree")
    report = check(tmp_path, text)
    assert report.verdict == "violated"
    assert violated(report) == {"BelowTwo"}


def test_invariants_are_checked_outside_a_constraint(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        """spec Outside
var x: 0..5 = 0
action up when x < 5 { x = x + 1 }
constraint x <= 2
terminal when true
invariant BelowThree: x < 3
""",
    )
    assert violated(report) == {"BelowThree"}


def test_a_reply_sent_before_a_crash_is_delivered_after_the_restart(tmp_path: Path) -> None:
    """The client crashes after the server received its request; the reply still arrives."""
    report = check(
        tmp_path,
        """spec Reply
message Req {}
message Resp {}
network { crash: true  max_crashes: 1  max_in_flight: 2 }
node Client {
  var waiting: bool = false
  var late: bool = false
  action ask when not waiting { waiting = true; send Req {} to Server }
  on Resp { if not waiting { late = true } }
}
node Server {
  on Req from c { send Resp {} to c }
}
terminal when true
invariant NoLateReply: not Client.late
""",
    )
    assert violated(report) == {"NoLateReply"}
