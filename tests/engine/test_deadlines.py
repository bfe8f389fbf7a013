"""`--timeout` and `--max-states` stop every phase of a search, not only the loop over BFS
levels: the clock is read by work done (states expanded and successors generated), so a
state with thousands of successors cannot outlast the deadline by a minute; generated code
that runs long in one call (the initial states, one state's successors, the liveness graph)
is interrupted at the deadline; and a state limit stops the initial states being generated
once more of them exist than the limit."""

from __future__ import annotations

import dataclasses
import itertools
import signal
import time
from collections.abc import Callable

import pytest

from tests.engine.fakes import FakeAction, fake, prop
from tests.within import finishes_within
from verikit.compile import build
from verikit.compile.compiled import CompiledModel, State
from verikit.core.types import IntType
from verikit.engine import CheckOptions, Verdict, check, liveness
from verikit.engine import search as search_module
from verikit.engine.deadline import DeadlineExpired, interrupt_at
from verikit.engine.result import CheckResult, Stats
from verikit.semantics import analyze
from verikit.syntax import parse


def compiled(text: str) -> CompiledModel:
    return build(analyze(parse(text, "spec.dsl")))


class FakeClock:
    """`time` as the search sees it: every reading is `step` seconds after the previous one."""

    def __init__(self, step: float) -> None:
        self.ticks = itertools.count()
        self.step = step

    def monotonic(self) -> float:
        return next(self.ticks) * self.step


def wide(fanout: int) -> CompiledModel:
    """A tree: every state has `fanout` new successors."""
    fire = FakeAction(
        "grow", lambda s: [((i,), (s[0] * fanout + i,)) for i in range(1, fanout + 1)]
    )
    return fake([("x", IntType())], [(0,)], [fire])


def test_the_clock_is_read_by_successors_generated_not_only_by_states_expanded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_module, "time", FakeClock(0.5))
    result = check(wide(2000), CheckOptions(timeout=2.0))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == "timeout 2.0 s"
    # the clock reads 0.5 s later each time: at the start, at the initial states, at levels
    # 1 and 2, and after the first state of level 2 made 2,000 successors, when it is over;
    # reading it every 1,024 states only, level 2 would have expanded 1,024 states
    assert result.stats.distinct_states == 1 + 2000 + 2000


def test_a_deadline_passed_before_a_level_begins_stops_the_search() -> None:
    def slow_invariant(s: State) -> bool:
        time.sleep(0.3)  # checking the initial state outlasts the timeout
        return True

    step = FakeAction("inc", lambda s: [((), (s[0] + 1,))])
    model = fake([("x", IntType())], [(0,)], [step], [prop("invariant", "Slow", slow_invariant)])
    result = check(model, CheckOptions(timeout=0.1))
    assert (result.verdict, result.incomplete_reason) == (Verdict.INCOMPLETE, "timeout 0.1 s")
    assert result.stats.distinct_states == 1


SLOW_STEP = """\
spec SlowStep
var x: 0..1 = 0
action a(i: 0..999999) when x == 0 and exists j in 0..999999: j * 3 == i * 3 + 7 { x = 1 }
"""


def test_a_state_whose_successors_outlast_the_timeout_is_stopped_mid_call() -> None:
    model = compiled(SLOW_STEP)  # 10^12 steps to expand the initial state
    with finishes_within(10):
        result = check(model, CheckOptions(timeout=0.5))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == "timeout 0.5 s"
    assert result.stats.distinct_states == 1


HUGE_INVARIANT = """\
spec HugeInvariant
type Huge = 0..99999999999999999999
var x: 0..1 = 0
action a when x == 0 { x = 1 }
invariant Everywhere: forall i in RANGE: i >= x
"""


@pytest.mark.parametrize("huge", ["0..99999999999999999999", "Huge"])
def test_an_invariant_over_a_huge_range_stops_at_the_timeout_even_on_the_initial_state(
    huge: str,
) -> None:
    model = compiled(HUGE_INVARIANT.replace("RANGE", huge))  # lazily: 10^20 steps for a state
    with finishes_within(10):
        result = check(model, CheckOptions(timeout=0.5))
    assert (result.verdict, result.incomplete_reason) == (Verdict.INCOMPLETE, "timeout 0.5 s")


MANY_INITIAL = """\
spec ManyInitial
var a: 0..999 = any
var b: 0..999 = any
var c: 0..999 = any
action reset when a > 0 { a = 0 }
"""


def test_the_timeout_stops_computing_the_initial_states() -> None:
    model = compiled(MANY_INITIAL)  # 10^9 initial states
    with finishes_within(3):  # not longer: without the deadline, memory grows meanwhile
        result = check(model, CheckOptions(timeout=0.5))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == "timeout 0.5 s while computing the initial states"
    assert result.stats.distinct_states == 0


def test_the_state_limit_stops_generating_initial_states() -> None:
    model = compiled(MANY_INITIAL)
    assert model.init_block is not None
    generated = 0
    block = model.init_block

    def counting(append: Callable[[State], None]) -> None:
        def admit(state: State) -> None:
            nonlocal generated
            generated += 1
            append(state)

        block(admit)

    with finishes_within(10):
        result = check(dataclasses.replace(model, init_block=counting), CheckOptions(max_states=10))
    assert (result.verdict, result.incomplete_reason) == (
        Verdict.INCOMPLETE,
        "max states 10 reached",
    )
    assert result.stats.distinct_states == 10
    assert generated == 11  # one beyond the limit shows that there are more


def test_initial_states_cut_by_the_limit_are_the_first_ones_in_order() -> None:
    model = compiled(MANY_INITIAL.replace("999", "2"))  # 27 initial states
    complete = check(model, CheckOptions(max_states=1000, deadlock=False))
    limited = check(model, CheckOptions(max_states=5, deadlock=False))
    assert complete.stats.distinct_states == 27
    assert limited.stats.distinct_states == 5


SLOW_LIVENESS = SLOW_STEP + "property Done: eventually x == 1\n"


def test_the_liveness_pass_stops_at_the_deadline_even_inside_one_expansion() -> None:
    model = compiled(SLOW_LIVENESS)
    holds = CheckResult(Verdict.HOLDS, Stats(1, 0, 1, 0.0, 0.0, 1), (), (), (), ())
    with finishes_within(10):
        result = liveness.extend(model, CheckOptions(timeout=0.5), holds)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.liveness_undecided == "timeout 0.5 s (liveness)"
    assert result.liveness_checked == ()


def test_the_deadline_interrupts_once_however_slowly_the_work_unwinds() -> None:
    """A second alarm while the first DeadlineExpired unwinds (through lark, say) escaped the
    handler that would have caught it and killed the process with SIGALRM."""
    again = 0
    deadline = time.monotonic() + 0.05
    with finishes_within(5), pytest.raises(DeadlineExpired), interrupt_at(deadline):
        try:
            while True:
                pass
        except DeadlineExpired:
            try:
                time.sleep(0.2)  # unwinding slowly: ten retry periods
            except DeadlineExpired:
                again += 1
            raise
    assert again == 0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
