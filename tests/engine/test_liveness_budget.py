"""The liveness pass has a budget of its own (CheckOptions.liveness_timeout, and whatever is
left of `timeout`): when it runs out after a complete safety search, the result is INCOMPLETE
with the safety search's findings established, never "nothing proved" and never HOLDS."""

from __future__ import annotations

import time
from dataclasses import replace

from tests.engine.agreement import load
from tests.native.handwritten import needs_compiler
from verikit.engine import CheckOptions, check, liveness, native
from verikit.engine.result import Verdict

SPEC = """\
spec Budget
var x: 0..3 = 0
action up when x < 3 { x = x + 1 }
action down when x == 3 { x = 0 }
fair action up
fair action down
invariant Small: x <= 3
property Returns: always eventually x == 0
"""


def test_a_spent_liveness_budget_leaves_safety_established() -> None:
    compiled = load(SPEC).compiled
    result = check(compiled, CheckOptions(liveness_timeout=1e-9))
    assert result.verdict == Verdict.INCOMPLETE
    assert result.safety_established
    assert result.stats.distinct_states == 4 and not result.violations
    assert result.liveness_checked == ()
    assert result.liveness_undecided == result.incomplete_reason == "liveness timeout 1e-09 s"


def test_the_whole_run_timeout_spent_in_liveness_says_so_too() -> None:
    compiled = load(SPEC).compiled
    safety_only = replace(check(compiled, CheckOptions()), liveness_checked=())
    past = CheckOptions(timeout=1.0, started=time.monotonic() - 10)  # nothing left
    result = liveness.extend(compiled, past, safety_only)
    assert result.verdict == Verdict.INCOMPLETE and result.safety_established
    assert result.liveness_undecided == "timeout 1.0 s (liveness)"


def test_with_budget_enough_liveness_is_decided() -> None:
    result = check(load(SPEC).compiled, CheckOptions(liveness_timeout=600))
    assert result.verdict == Verdict.HOLDS and not result.safety_established
    assert result.liveness_checked == ("Returns",)


def test_a_safety_violation_is_not_hidden_behind_the_liveness_budget() -> None:
    broken = SPEC.replace("x <= 3", "x <= 2")
    result = check(load(broken).compiled, CheckOptions(liveness_timeout=1e-9))
    assert result.verdict == Verdict.VIOLATED and not result.safety_established
    assert [d.property for d in result.violations] == ["Small"]


@needs_compiler
def test_the_native_backend_splits_the_same_way() -> None:
    compiled = load(SPEC).compiled
    options = CheckOptions(liveness_timeout=1e-9)
    result = native.check(compiled, options, "native", 1)
    expected = check(compiled, options)
    assert result.backend is not None and result.backend.name == "native"
    assert (result.verdict, result.safety_established, result.liveness_undecided) == (
        expected.verdict, expected.safety_established, expected.liveness_undecided
    )
    assert result.stats.distinct_states == expected.stats.distinct_states
