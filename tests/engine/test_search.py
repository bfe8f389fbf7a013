"""engine.check on small hand-written graphs whose answers are known by hand."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.engine.fakes import (
    FakeAction,
    FakeProperty,
    counter,
    fake,
    from_reference,
    graph,
    prop,
    two_phase,
)
from tests.oracle.models import two_phase as two_phase_model
from verikit.compile.compiled import CompiledModel, Predicate, State
from verikit.core.types import IntType
from verikit.engine import CheckOptions, Progress, Verdict, check
from verikit.engine import search as search_module
from verikit.errors import Span, SpecFault


def is_at(*nodes: int) -> Predicate:
    return lambda s: s[0] in nodes


def never_at(name: str, *nodes: int) -> FakeProperty:
    return prop("invariant", name, lambda s: s[0] not in nodes)


# ---------------------------------------------------------------- counting


def test_counter_counts_each_state_once_and_each_level_as_depth() -> None:
    result = check(counter(5, deadlock=False))
    assert result.verdict is Verdict.HOLDS
    assert (result.stats.distinct_states, result.stats.depth) == (5, 5)
    assert result.stats.transitions == 4


def test_model_with_only_initial_states_has_depth_one() -> None:
    result = check(graph({}, init=(0, 1, 2), deadlock=False))
    assert (result.stats.distinct_states, result.stats.depth, result.stats.transitions) == (3, 1, 0)


def test_a_state_reached_twice_is_counted_once_but_both_transitions_count() -> None:
    diamond = graph({0: [1, 2], 1: [3], 2: [3], 3: [3]})
    stats = check(diamond).stats
    assert (stats.distinct_states, stats.depth, stats.transitions) == (4, 3, 5)


def test_duplicate_initial_states_are_counted_once() -> None:
    result = check(graph({}, init=(4, 4, 5), deadlock=False))
    assert result.stats.distinct_states == 2


def test_peak_queue_is_the_widest_level() -> None:
    fan = graph({0: [1, 2, 3], 1: [4], 2: [4], 3: [4]}, deadlock=False)
    assert check(fan).stats.peak_queue == 3


def test_two_phase_reaches_tlc_state_counts() -> None:
    for n, states, depth in [(3, 288, 11), (4, 1568, 14), (5, 8832, 17)]:
        stats = check(two_phase(n)).stats
        assert (stats.distinct_states, stats.depth) == (states, depth)


def test_reference_interpreter_and_hand_written_two_phase_agree_step_by_step() -> None:
    by_hand, by_oracle = check(two_phase(3)), check(from_reference(two_phase_model(3)))
    assert by_hand.stats.distinct_states == by_oracle.stats.distinct_states == 288
    assert by_hand.stats.transitions == by_oracle.stats.transitions
    assert by_hand.witnesses == by_oracle.witnesses


# ---------------------------------------------------------------- invariants and paths


def test_counterexample_is_a_shortest_path() -> None:
    # 0 -> 1 -> 2 -> 3 -> 9 (long way) and 0 -> 5 -> 9 (short way)
    g = graph({0: [1, 5], 1: [2], 2: [3], 3: [9], 5: [9]}, properties=[never_at("Safe", 9)])
    result = check(g)
    assert result.verdict is Verdict.VIOLATED
    (found,) = result.violations
    assert (found.property, found.kind, found.path) == ("Safe", "invariant", (0, 1, 0))


def test_path_starts_with_the_initial_state_ordinal_then_successor_ordinals() -> None:
    edges = {7: [1, 2, 3], 3: [8]}
    g = graph(edges, init=(6, 7), properties=[never_at("Safe", 8)], deadlock=False)
    (found,) = check(g).violations
    assert found.path == (1, 2, 0)


def test_an_initial_state_is_checked_against_the_invariants() -> None:
    (found,) = check(graph({}, init=(0, 3), properties=[never_at("Safe", 3)])).violations
    assert found.path == (1,)


def test_stop_at_first_ends_the_search_at_the_first_violation() -> None:
    g = graph({0: [1], 1: [2], 2: [3]}, properties=[never_at("A", 1), never_at("B", 2)])
    result = check(g)
    assert [v.property for v in result.violations] == ["A"]
    assert result.never_enabled == ()  # the search was not complete


def test_without_stop_at_first_each_property_reports_its_shortest_violation() -> None:
    g = graph({0: [1], 1: [2], 2: [3, 1]}, properties=[never_at("A", 1, 3), never_at("B", 2)])
    result = check(g, CheckOptions(stop_at_first=False))
    found = [(v.property, v.path) for v in result.violations]
    assert found == [("A", (0, 0)), ("B", (0, 0, 0)), ("deadlock", (0, 0, 0, 0))]
    assert result.stats.distinct_states == 4


# ---------------------------------------------------------------- constraints


def test_a_state_outside_the_constraint_is_checked_but_neither_counted_nor_explored() -> None:
    within = prop("constraint", "Small", lambda s: s[0] < 3)
    g = graph({0: [1], 1: [2], 2: [3], 3: [4]}, properties=[within, never_at("No4", 4)])
    result = check(g)
    assert result.verdict is Verdict.HOLDS  # 4 lies beyond 3, which is never explored
    assert (result.stats.distinct_states, result.stats.depth) == (3, 3)


def test_an_invariant_broken_outside_the_constraint_is_a_violation() -> None:
    within = prop("constraint", "Small", lambda s: s[0] < 3)
    g = graph({0: [1], 1: [2], 2: [3]}, properties=[within, never_at("No3", 3)])
    (found,) = check(g).violations
    assert (found.property, found.path) == ("No3", (0, 0, 0, 0))


def test_a_state_outside_the_constraint_is_not_a_deadlock() -> None:
    within = prop("constraint", "Small", lambda s: s[0] < 2)
    result = check(graph({0: [1], 1: [2]}, properties=[within]))
    assert result.verdict is Verdict.HOLDS


def test_every_constraint_must_hold() -> None:
    a = prop("constraint", "A", lambda s: s[0] != 1)
    b = prop("constraint", "B", lambda s: s[0] != 2)
    result = check(graph({0: [1, 2, 3]}, properties=[a, b], deadlock=False))
    assert result.stats.distinct_states == 2


# ---------------------------------------------------------------- deadlock


def test_a_state_without_successors_is_a_deadlock() -> None:
    (found,) = check(counter(4)).violations
    assert (found.property, found.kind, found.path) == ("deadlock", "deadlock", (0, 0, 0, 0))


def test_a_terminal_state_is_not_a_deadlock() -> None:
    done = prop("terminal", "Done", is_at(3))
    assert check(counter(4, properties=[done])).verdict is Verdict.HOLDS
    other = prop("terminal", "Other", is_at(2))
    assert check(counter(4, properties=[other])).verdict is Verdict.VIOLATED


def test_a_self_loop_is_not_a_deadlock() -> None:
    assert check(graph({0: [0]})).verdict is Verdict.HOLDS


def test_deadlock_detection_can_be_off_in_the_spec_or_the_options() -> None:
    assert check(counter(4, deadlock=False)).verdict is Verdict.HOLDS
    assert check(counter(4), CheckOptions(deadlock=False)).verdict is Verdict.HOLDS


# ---------------------------------------------------------------- limits


def endless() -> CompiledModel:
    """x counts up forever."""
    fire = FakeAction("inc", lambda s: [((), (s[0] + 1,))])
    return fake([("x", IntType())], [(0,)], [fire])


def test_max_states_stops_the_search_as_incomplete() -> None:
    result = check(endless(), CheckOptions(max_states=1000))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == "max states 1000 reached"
    assert result.stats.distinct_states == 1000
    assert result.unreached == () and result.never_enabled == ()


def test_max_states_equal_to_the_state_count_completes() -> None:
    assert check(counter(5, deadlock=False), CheckOptions(max_states=5)).verdict is Verdict.HOLDS


def test_max_depth_stops_the_search_as_incomplete() -> None:
    result = check(counter(10, deadlock=False), CheckOptions(max_depth=5))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == "max depth 5"
    assert (result.stats.distinct_states, result.stats.depth) == (5, 5)


def test_max_depth_equal_to_the_depth_completes_and_still_finds_deadlocks() -> None:
    assert check(counter(5, deadlock=False), CheckOptions(max_depth=5)).verdict is Verdict.HOLDS
    (found,) = check(counter(5), CheckOptions(max_depth=5)).violations
    assert found.kind == "deadlock"


def test_a_violation_found_before_a_limit_is_still_a_violation() -> None:
    g = graph({i: [i + 1] for i in range(50)}, properties=[never_at("Safe", 3)])
    result = check(g, CheckOptions(max_states=20, stop_at_first=False))
    assert result.verdict is Verdict.VIOLATED
    assert result.incomplete_reason == "max states 20 reached"


class FakeClock:
    """`time` as the search sees it: every reading is `step` seconds after the previous one."""

    def __init__(self, step: float) -> None:
        self.ticks = itertools.count()
        self.step = step

    def monotonic(self) -> float:
        return next(self.ticks) * self.step


def test_timeout_stops_the_search_as_incomplete(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "time", FakeClock(0.5))
    result = check(endless(), CheckOptions(timeout=2.0))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == "timeout 2.0 s"
    assert result.stats.distinct_states == 3  # one state per clock reading (one per level)


def test_progress_is_reported_about_once_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "time", FakeClock(0.25))
    seen: list[Progress] = []
    check(endless(), CheckOptions(max_states=20, progress=seen.append))
    # the clock reads 0.25 s later at each level (one state each): a report every 4th level
    assert [p.distinct_states for p in seen] == [3, 7, 11, 15, 19]
    assert seen[0] == Progress(
        distinct_states=3, depth=3, states_per_second=3.0, queue=1, seconds=1.0
    )


@pytest.mark.parametrize(
    "options", [{"max_states": 0}, {"max_depth": 0}, {"timeout": 0.0}, {"max_states": -1}]
)
def test_options_reject_limits_that_allow_nothing(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CheckOptions(**options)


# ---------------------------------------------------------------- faults


FAULT_SPAN = Span("f.dsl", 3, 5)


def faulty_at(bad: int, span: Span = FAULT_SPAN) -> FakeAction:
    def fire(s: State) -> list[tuple[tuple[int, ...], State]]:
        if s[0] == bad:
            raise SpecFault("integer out of range", span)
        return [((), (s[0] + 1,))]

    return FakeAction("inc", fire, span=Span("f.dsl", 2, 1, 4, 2))


def test_a_fault_in_an_action_is_reported_with_the_path_to_the_faulting_state() -> None:
    result = check(fake([("x", IntType())], [(0,)], [faulty_at(2)]))
    assert result.verdict is Verdict.VIOLATED
    (found,) = result.violations
    assert (found.kind, found.property, found.path) == ("fault", "inc", (0, 0, 0))
    assert found.fault is not None and found.fault.message == "integer out of range"


def test_a_fault_outside_every_action_span_is_named_next() -> None:
    action = faulty_at(1, span=Span("f.dsl", 30, 1))
    (found,) = check(fake([("x", IntType())], [(0,)], [action])).violations
    assert found.property == "next"


def test_a_fault_in_a_property_names_the_property() -> None:
    def unwrap(s: State) -> bool:
        if s[0] == 2:
            raise SpecFault("value is none")
        return True

    result = check(counter(5, properties=[prop("invariant", "Inv", unwrap)]))
    (found,) = result.violations
    assert (found.kind, found.property, found.path) == ("fault", "Inv", (0, 0, 0))


def test_a_fault_in_the_initial_states_has_an_empty_path() -> None:
    def init() -> list[State]:
        raise SpecFault("integer literal out of range")

    (found,) = check(fake([("x", IntType())], init, [])).violations
    assert (found.kind, found.property, found.path) == ("fault", "init", ())


def test_without_stop_at_first_the_search_goes_on_past_a_fault() -> None:
    branch = graph({0: [1, 2], 2: [3]}, deadlock=False)
    broken = dataclasses.replace(branch, next_states=_raise_on(1, branch.next_states))
    result = check(broken, CheckOptions(stop_at_first=False))
    assert result.stats.distinct_states == 4
    assert [v.kind for v in result.violations] == ["fault"]


def _raise_on(
    bad: int, next_states: Callable[[State], list[State]]
) -> Callable[[State], list[State]]:
    def wrapped(s: State) -> list[State]:
        if s[0] == bad:
            raise SpecFault("boom")
        return next_states(s)

    return wrapped


# ---------------------------------------------------------------- reachable and never enabled


def test_a_reached_reachable_has_a_shortest_witness() -> None:
    g = graph({0: [1, 2], 1: [3], 2: [0]}, properties=[prop("reachable", "R", is_at(2, 3))])
    result = check(g, CheckOptions(deadlock=False))
    assert result.verdict is Verdict.HOLDS
    (witness,) = result.witnesses
    assert (witness.property, witness.kind, witness.path) == ("R", "reachable", (0, 1))


def test_a_reachable_never_reached_makes_the_spec_vacuous() -> None:
    result = check(counter(3, properties=[prop("reachable", "Far", is_at(7))], deadlock=False))
    assert result.verdict is Verdict.VIOLATED
    assert result.unreached == ("Far",)
    (found,) = result.violations
    assert (found.property, found.kind, found.path) == ("Far", "reachable", ())


def test_an_unreached_reachable_in_an_incomplete_search_is_not_a_violation() -> None:
    g = counter(9, properties=[prop("reachable", "Far", is_at(7))], deadlock=False)
    result = check(g, CheckOptions(max_states=3))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.unreached == ("Far",) and result.violations == ()


def test_actions_that_never_produce_a_successor_are_listed() -> None:
    g = graph({0: [("go", 1), ("jump", 2)], 1: [("go", 2)]}, more_actions=("fly",), deadlock=False)
    g.action_hits[:] = [7, 7, 7]  # stale counts from an earlier run are reset
    assert check(g).never_enabled == ("fly",)


def test_two_phase_has_no_never_enabled_action_and_a_commit_witness() -> None:
    result = check(two_phase(3))
    assert result.never_enabled == ()
    (witness,) = result.witnesses
    assert len(witness.path) == 9  # 3 prepares, 3 TM receipts, commit, one RM commits, + init


def test_stats_report_rate_and_time() -> None:
    stats = check(two_phase(3)).stats
    assert stats.seconds > 0 and stats.states_per_second > 0
