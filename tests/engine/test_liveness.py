"""Liveness on small hand-made graphs whose answers are known by hand.

Graphs come from `fair_graph`: states are `(node,)`, an edge is a target, (action, target) or
(action, target, key); the key is what fairness per node or per message distinguishes. A
lasso is read back by replaying its ordinals (`walk`), so every test also checks that the
path replays and that the loop returns to its entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from tests.engine.fakes import (
    FakeFairness,
    FakeProperty,
    fair_graph,
    leads_to,
    prop,
)
from tests.semantics.helpers import model_of
from verikit.compile import build
from verikit.compile.compiled import CompiledModel, Predicate
from verikit.engine import CheckOptions, CheckResult, Discovery, Progress, Verdict, check
from verikit.engine import graph as graph_module
from verikit.errors import Span, SpecFault


def at(*nodes: int) -> Predicate:
    return lambda s: s[0] in nodes


def eventually(*nodes: int, name: str = "Reach") -> FakeProperty:
    return prop("eventually", name, at(*nodes))


def always_eventually(*nodes: int, name: str = "Often") -> FakeProperty:
    return prop("always_eventually", name, at(*nodes))


def weak(*actions: str, per: str = "action") -> FakeFairness:
    return FakeFairness(actions, per)


def strong(*actions: str, per: str = "action") -> FakeFairness:
    return FakeFairness(actions, per, strong=True)


def walk(compiled: CompiledModel, found: Discovery) -> tuple[list[int], list[int]]:
    """The nodes of the lasso's prefix (up to and including the loop entry) and of its loop
    (the states after the entry, back to the entry; [] when it stutters)."""
    state = compiled.init_states()[found.path[0]]
    nodes = [state[0]]
    for k in found.path[1:]:
        state = compiled.labelled_successors(state)[k].state
        nodes.append(state[0])
    assert found.loop_start is not None
    entry = found.loop_start
    if entry == len(nodes) - 1:
        assert not compiled.labelled_successors(state), "stutters only without successors"
    else:
        assert nodes[-1] == nodes[entry], "the loop returns to its entry"
    return nodes[: entry + 1], nodes[entry + 1 :]


def actions_on_loop(compiled: CompiledModel, found: Discovery) -> list[tuple[str, int]]:
    """(action, key) of every step of the loop."""
    state = compiled.init_states()[found.path[0]]
    steps = []
    for k in found.path[1:]:
        succ = compiled.labelled_successors(state)[k]
        steps.append((compiled.model.actions[succ.action].name, succ.params[1]))
        state = succ.state
    assert found.loop_start is not None
    return steps[found.loop_start :]


def liveness(compiled: CompiledModel, **options: object) -> CheckResult:
    return check(compiled, CheckOptions(**options))  # type: ignore[arg-type]


def only(result: CheckResult) -> Discovery:
    (found,) = result.violations
    return found


# ---------------------------------------------------------------- eventually


def test_eventually_holds_when_every_behavior_reaches_the_goal() -> None:
    g = fair_graph({0: [1, 2], 1: [3], 2: [3], 3: [3]}, properties=[eventually(3)])
    result = check(g)
    assert result.verdict is Verdict.HOLDS
    assert result.liveness_checked == ("Reach",)
    assert (result.liveness_states, result.liveness_transitions) == (4, 5)


def test_a_violation_that_only_a_cycle_shows() -> None:
    # no path ends before the goal, but 0 -> 1 -> 2 -> 0 can go round for ever
    g = fair_graph({0: [1], 1: [2], 2: [0, 3], 3: [3]}, properties=[eventually(3)])
    found = only(check(g))
    assert (found.property, found.kind) == ("Reach", "eventually")
    assert walk(g, found) == ([0], [1, 2, 0])


def test_a_self_loop_is_a_cycle() -> None:
    found = only(check(fair_graph({0: [0, 1], 1: [1]}, properties=[eventually(1)])))
    assert (found.path, found.loop_start) == ((0, 0), 0)


def test_a_state_without_successors_stutters_for_ever() -> None:
    g = fair_graph({0: [1], 1: []}, properties=[eventually(2)], deadlock=False)
    found = only(check(g))
    assert (found.path, found.loop_start) == ((0, 0), 1)
    assert walk(g, found) == ([0, 1], [])


def test_stuttering_in_the_goal_is_fine() -> None:
    g = fair_graph({0: [1], 1: []}, properties=[eventually(1)], deadlock=False)
    assert check(g).verdict is Verdict.HOLDS


def test_the_prefix_of_eventually_never_passes_the_goal() -> None:
    # 0 -> 1 (goal) -> 2 loops, but that behavior did reach the goal; the violation is the
    # longer way round 0 -> 3 -> 4 -> 2
    g = fair_graph({0: [1, 3], 1: [2], 2: [2], 3: [4], 4: [2]}, properties=[eventually(1)])
    assert walk(g, only(check(g))) == ([0, 3, 4, 2], [2])


def test_an_initial_goal_state_satisfies_eventually() -> None:
    g = fair_graph({0: [0], 1: [1]}, init=(0, 1), properties=[eventually(0)])
    found = only(check(g))
    assert found.path[0] == 1 and walk(g, found) == ([1], [1])


def test_the_lasso_has_the_shortest_prefix() -> None:
    # a far loop first in BFS order of edges, a nearer one later
    g = fair_graph({0: [1, 5], 1: [2], 2: [3], 3: [3], 5: [6], 6: [5]}, properties=[eventually(9)])
    found = only(check(g))
    assert found.loop_start == 1
    assert walk(g, found) == ([0, 5], [6, 5])


# ---------------------------------------------------------------- fairness


def test_weak_fairness_rules_out_a_loop_that_ignores_an_always_enabled_action() -> None:
    edges = {0: [("stay", 0), ("leave", 1)], 1: [1]}
    assert check(fair_graph(edges, properties=[eventually(1)])).verdict is Verdict.VIOLATED
    fair = fair_graph(edges, properties=[eventually(1)], fairness=[weak("leave")])
    assert check(fair).verdict is Verdict.HOLDS


def test_strong_fairness_rules_out_a_loop_that_weak_fairness_allows() -> None:
    # "leave" is enabled at 1 only: the loop 0 <-> 1 keeps disabling it
    edges = {0: [("step", 1)], 1: [("step", 0), ("leave", 2)], 2: [2]}
    found = only(check(fair_graph(edges, properties=[eventually(2)], fairness=[weak("leave")])))
    assert walk(fair_graph(edges), found)[1] == [1, 0]
    fair = fair_graph(edges, properties=[eventually(2)], fairness=[strong("leave")])
    assert check(fair).verdict is Verdict.HOLDS


def test_strong_fairness_prunes_part_of_a_component_and_a_fair_cycle_remains() -> None:
    # component {1, 2, 3}; "leave" is enabled at 3 only, so strong fairness rules out every
    # loop through 3, but 1 <-> 2 never enables it and stays a fair cycle
    edges = {0: [1], 1: [2], 2: [1, 3], 3: [2, ("leave", 4)], 4: [4]}
    g = fair_graph(edges, properties=[eventually(4)], fairness=[strong("leave")])
    prefix, loop = walk(g, only(check(g)))
    assert prefix == [0, 1] and loop == [2, 1]


def test_a_weak_obligation_disabled_somewhere_on_the_loop_is_satisfied() -> None:
    # "leave" is enabled at 1 only, so a fair loop must pass 2 where it is disabled:
    # the self-loop at 1 is unfair, 1 -> 2 -> 1 is fair
    edges = {0: [1], 1: [("stay", 1), ("step", 2), ("leave", 3)], 2: [("step", 1)], 3: [3]}
    g = fair_graph(edges, properties=[eventually(3)], fairness=[weak("leave")])
    prefix, loop = walk(g, only(check(g)))
    assert prefix == [0, 1] and loop == [2, 1]


def test_the_loop_takes_every_obligation_it_must() -> None:
    # in component {1, 2, 3}, strong "a" is enabled at 2 and weak "b" everywhere: the loop
    # must take an "a" edge and a "b" edge
    edges = {0: [1], 1: [("b", 2)], 2: [("a", 3), ("b", 1)], 3: [("b", 1)]}
    g = fair_graph(edges, properties=[eventually(9)], fairness=[strong("a"), weak("b")])
    loop = actions_on_loop(g, only(check(g)))
    assert {a for a, _ in loop} >= {"a", "b"}


def test_weak_fairness_per_node_rules_out_a_starved_node() -> None:
    # node 0 keeps acting, 1 <-> 3, while node 1 could move to the goal from either
    edges = {0: [1], 1: [("act", 3, 0), ("act", 2, 1)], 3: [("act", 1, 0), ("act", 2, 1)],
             2: [2]}  # fmt: skip
    per_action = fair_graph(edges, properties=[eventually(2)], fairness=[weak("act")])
    assert check(per_action).verdict is Verdict.VIOLATED  # "act" is taken, by node 0
    per_node = fair_graph(edges, properties=[eventually(2)], fairness=[weak("act", per="node")])
    assert check(per_node).verdict is Verdict.HOLDS


# ---------------------------------------------------------------- stuttering steps


def test_a_step_that_changes_nothing_does_not_discharge_weak_fairness() -> None:
    # go(false) is a self-loop at 0, go(true) moves to the goal: as in TLA+'s WF_vars(go),
    # only the real step counts, so the behavior repeating go(false) is unfair
    edges = {0: [("go", 0, 0), ("go", 1, 1)], 1: [("go", 1, 0), ("go", 1, 1)]}
    unfair = fair_graph(edges, properties=[eventually(1)])
    assert walk(unfair, only(check(unfair))) == ([0], [0])
    fair = fair_graph(edges, properties=[eventually(1)], fairness=[weak("go")])
    assert check(fair).verdict is Verdict.HOLDS


def test_another_node_stuttering_does_not_take_a_per_action_obligation() -> None:
    # node 0's act changes nothing at 1; node 1's act would reach the goal
    edges = {0: [1], 1: [("act", 1, 0), ("act", 2, 1)], 2: [2]}
    per_action = fair_graph(edges, properties=[eventually(2)], fairness=[weak("act")])
    assert check(per_action).verdict is Verdict.HOLDS


def test_an_obligation_whose_only_step_is_a_self_loop_is_not_enabled() -> None:
    # "poke" only stutters, at 0 and at 1: it is never enabled, so the fair loop 0 <-> 1
    # need not take it
    edges = {0: [("step", 1), ("poke", 0)], 1: [("step", 0), ("poke", 1)]}
    g = fair_graph(edges, properties=[eventually(9)], fairness=[weak("poke"), weak("step")])
    assert {a for a, _ in actions_on_loop(g, only(check(g)))} == {"step"}


def test_strong_fairness_is_not_discharged_by_a_stutter() -> None:
    # strong "a" is enabled for real at 1 only (at 0 it stutters); weak "b" forces 0 -> 1:
    # every fair behavior must take a at 1 sometime and reach the goal 2
    edges = {0: [("a", 0), ("b", 1)], 1: [("c", 0), ("a", 2)], 2: [2]}
    g = fair_graph(edges, properties=[eventually(2)], fairness=[strong("a"), weak("b")])
    assert check(g).verdict is Verdict.HOLDS
    weak_only = fair_graph(edges, properties=[eventually(2)], fairness=[weak("b")])
    assert walk(weak_only, only(check(weak_only)))[1] == [1, 0]


def test_a_state_with_only_self_loops_stutters_fairly() -> None:
    # at 1 every step changes nothing: nothing is enabled there, so staying is fair
    edges = {0: [("go", 1)], 1: [("go", 1)]}
    g = fair_graph(edges, properties=[eventually(2)], fairness=[strong("go")])
    assert walk(g, only(check(g))) == ([0, 1], [1])


def test_strong_fairness_per_message_delivers_each_message() -> None:
    # message 1 can be delivered at 1 only, message 0 everywhere: looping 1 <-> 2 by
    # delivering message 0 (a duplicate) starves message 1
    edges = {0: [1], 1: [("recv", 2, 0), ("recv", 3, 1)], 2: [("recv", 1, 0)], 3: [3]}
    weak_fair = fair_graph(edges, properties=[eventually(3)],
                           fairness=[weak("recv", per="message")])  # fmt: skip
    assert check(weak_fair).verdict is Verdict.VIOLATED
    strong_fair = fair_graph(edges, properties=[eventually(3)],
                             fairness=[strong("recv", per="message")])  # fmt: skip
    assert check(strong_fair).verdict is Verdict.HOLDS


def test_a_cut_transition_counts_for_enabledness_but_cannot_be_taken() -> None:
    # "leave" goes from 1 to 5, outside the constraint: weak fairness then rules out staying
    # at 1, and no behavior can leave either, so no fair behavior misses the goal 2
    within = prop("constraint", "Small", lambda s: s[0] < 5)
    edges = {0: [1], 1: [("stay", 1), ("leave", 5)]}
    unfair = fair_graph(edges, properties=[within, eventually(2)])
    assert walk(unfair, only(check(unfair))) == ([0, 1], [1])
    fair = fair_graph(edges, properties=[within, eventually(2)], fairness=[weak("leave")])
    assert check(fair).verdict is Verdict.HOLDS


def test_a_state_whose_successors_are_all_cut_does_not_stutter() -> None:
    within = prop("constraint", "Small", lambda s: s[0] < 5)
    g = fair_graph({0: [1], 1: [5]}, properties=[within, eventually(2)])
    result = check(g)
    assert result.verdict is Verdict.HOLDS
    assert (result.liveness_states, result.liveness_transitions) == (2, 1)


# ---------------------------------------------------------------- always_eventually


def test_always_eventually_allows_the_prefix_through_the_goal() -> None:
    g = fair_graph({0: [1], 1: [2], 2: [1, 3], 3: [3]}, properties=[always_eventually(0)])
    assert walk(g, only(check(g))) == ([0, 1], [2, 1])


def test_always_eventually_holds_when_every_cycle_passes_the_goal() -> None:
    g = fair_graph({0: [1], 1: [2, 0], 2: [0]}, properties=[always_eventually(0)])
    assert check(g).verdict is Verdict.HOLDS


def test_always_eventually_is_violated_by_stuttering_off_the_goal() -> None:
    g = fair_graph({0: [1, 0], 1: []}, properties=[always_eventually(0)], deadlock=False)
    found = only(check(g))
    assert (found.kind, found.path, found.loop_start) == ("always_eventually", (0, 0), 1)


# ---------------------------------------------------------------- leads_to


def test_leads_to_is_triggered_mid_path() -> None:
    # Q holds at 0, before the trigger 2; after 2 it never holds again
    rule = leads_to("Answered", at(2), at(0))
    g = fair_graph({0: [1], 1: [2], 2: [3], 3: [3]}, properties=[rule])
    found = only(check(g))
    assert (found.property, found.kind) == ("Answered", "leads_to")
    assert walk(g, found) == ([0, 1, 2, 3], [3])


def test_leads_to_holds_when_q_follows_every_trigger() -> None:
    rule = leads_to("Answered", at(1), at(3))
    g = fair_graph({0: [1], 1: [2], 2: [3, 1], 3: [0]}, properties=[rule],
                   fairness=[strong("go")])  # fmt: skip
    assert check(g).verdict is Verdict.VIOLATED  # one action: going round 1 -> 2 -> 1 is fair
    g = fair_graph({0: [1], 1: [2], 2: [("done", 3), 1], 3: [0]}, properties=[rule],
                   fairness=[strong("done")])  # fmt: skip
    assert check(g).verdict is Verdict.HOLDS


def test_a_state_satisfying_both_p_and_q_needs_nothing_more() -> None:
    rule = leads_to("Answered", at(1), at(1))
    assert check(fair_graph({0: [1], 1: [1]}, properties=[rule])).verdict is Verdict.HOLDS


def test_leads_to_with_the_trigger_on_the_loop_takes_the_shorter_prefix() -> None:
    # 0 -> 1 -> 2 -> 1: the trigger 2 lies on the loop, so the lasso may enter the loop at 1
    rule = leads_to("Answered", at(2), at(9))
    g = fair_graph({0: [1], 1: [2], 2: [1]}, properties=[rule])
    found = only(check(g))
    assert found.loop_start == 1
    assert walk(g, found) == ([0, 1], [2, 1])


def test_leads_to_loop_passes_a_trigger_when_its_component_holds_one() -> None:
    # component {1, 2, 3} with the trigger 3; the shortest cycle through 1 is 1 <-> 2
    rule = leads_to("Answered", at(3), at(9))
    g = fair_graph({0: [1], 1: [2], 2: [1, 3], 3: [1]}, properties=[rule])
    prefix, loop = walk(g, only(check(g)))
    assert prefix == [0, 1] and 3 in loop


def test_leads_to_stutters_after_the_trigger() -> None:
    rule = leads_to("Answered", at(1), at(0))
    g = fair_graph({0: [1], 1: [2], 2: []}, properties=[rule], deadlock=False)
    found = only(check(g))
    assert (found.path, found.loop_start) == ((0, 0, 0), 2)


# ---------------------------------------------------------------- the pass as a whole


def test_each_liveness_property_is_reported_without_stop_at_first() -> None:
    props = [eventually(5, name="A"), always_eventually(5, name="B"), eventually(0, name="C")]
    g = fair_graph({0: [1], 1: [1]}, properties=props)
    assert [v.property for v in check(g).violations] == ["A"]
    result = liveness(g, stop_at_first=False)
    assert [v.property for v in result.violations] == ["A", "B"]
    assert result.liveness_checked == ("A", "B", "C")


def test_stop_at_first_reports_the_first_liveness_violation_and_says_the_rest_was_not_checked() -> None:  # fmt: skip
    props = [eventually(5, name="A"), eventually(0, name="B")]
    result = check(fair_graph({0: [1], 1: [1]}, properties=props))
    assert result.liveness_checked == ("A",)
    assert result.liveness_undecided == "stopped at the first violation"


def test_a_model_without_liveness_properties_skips_the_pass() -> None:
    result = check(fair_graph({0: [0]}))
    assert (result.liveness_checked, result.liveness_undecided, result.liveness_states) == (
        (), None, 0,
    )  # fmt: skip


def test_liveness_is_not_decided_when_the_safety_search_hit_a_limit() -> None:
    g = fair_graph({0: [1], 1: [2], 2: [2]}, properties=[eventually(2)])
    result = liveness(g, max_states=2)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.liveness_undecided == "max states 2 reached"
    assert result.liveness_checked == ()


def test_liveness_is_not_checked_after_a_safety_violation_with_stop_at_first() -> None:
    never_two = prop("invariant", "NotTwo", lambda s: s[0] != 2)
    g = fair_graph({0: [1], 1: [2], 2: [2]}, properties=[never_two, eventually(7)])
    result = check(g)
    assert [v.property for v in result.violations] == ["NotTwo"]
    assert result.liveness_undecided == "stopped at the first violation"
    both = liveness(g, stop_at_first=False)
    assert [v.property for v in both.violations] == ["NotTwo", "Reach"]


def test_liveness_runs_after_a_deadlock_without_stop_at_first() -> None:
    g = fair_graph({0: [1, 2], 1: [], 2: [2]}, properties=[eventually(2)])
    result = liveness(g, stop_at_first=False)
    assert [(v.kind, v.path, v.loop_start) for v in result.violations] == [
        ("deadlock", (0, 0), None),
        ("eventually", (0, 0), 1),
    ]


def test_a_fault_in_a_liveness_predicate_is_reported_with_its_path() -> None:
    def goal(s: tuple[int, ...]) -> bool:
        if s[0] == 2:
            raise SpecFault("division by zero", Span("f.dsl", 3, 1))
        return False

    g = fair_graph({0: [1], 1: [2], 2: [2]}, properties=[prop("eventually", "Goal", goal)])
    found = only(check(g))
    assert (found.property, found.kind, found.path) == ("Goal", "fault", (0, 0, 0))


class FakeClock:
    """time.monotonic advancing `step` seconds per call."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now


def test_a_timeout_during_the_liveness_pass_leaves_the_result_incomplete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = fair_graph({0: [1], 1: [2], 2: [2]}, properties=[eventually(2)])
    monkeypatch.setattr(graph_module, "time", FakeClock(10.0))
    result = liveness(g, timeout=5.0)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason == result.liveness_undecided == "timeout 5.0 s (liveness)"


TOKENS = """spec Tokens
symmetric node P[3] {
  var s: enum { Idle, Trying, Done } = Idle
  var n: 0..2 = 0
  action try when s == Idle { s = Trying }
  action finish when s == Trying { s = Done; n = if n < 2 then n + 1 else n }
  action reset when s == Done { s = Idle }
}
reachable SomeoneTwice: exists p in P: p.n == 2
"""


def test_the_liveness_pass_ignores_symmetry() -> None:
    model = model_of(TOKENS)
    (twice,) = model.properties
    live = dataclasses.replace(twice, kind="always_eventually", name="TwiceForEver")
    compiled = build(dataclasses.replace(model, properties=(twice, live)))
    result = check(compiled)
    assert result.verdict is Verdict.HOLDS  # every behavior finishes some P twice
    assert result.symmetry == ("P",)
    full = check(compiled, CheckOptions(symmetry=False)).stats.distinct_states
    assert result.stats.distinct_states < result.liveness_states == full


def test_the_liveness_graph_may_exceed_max_states_that_symmetry_kept_the_search_within() -> None:
    model = model_of(TOKENS)
    (twice,) = model.properties
    live = dataclasses.replace(twice, kind="always_eventually", name="TwiceForEver")
    compiled = build(dataclasses.replace(model, properties=(twice, live)))
    reduced = check(compiled).stats.distinct_states
    result = check(compiled, CheckOptions(max_states=reduced))
    assert result.stats.distinct_states == reduced
    assert result.verdict is Verdict.INCOMPLETE
    reason = f"max states {reduced} reached (liveness, without symmetry)"
    assert result.incomplete_reason == result.liveness_undecided == reason


def test_the_liveness_pass_reports_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    reports: list[Progress] = []
    monkeypatch.setattr(graph_module, "time", FakeClock(2.0))
    g = fair_graph({0: [1], 1: [2], 2: [2]}, properties=[eventually(2)])
    check(g, CheckOptions(progress=reports.append))
    assert reports and all(p.distinct_states >= 1 for p in reports)
    assert {p.phase for p in reports} == {"liveness"}  # the counts restart: say which pass


# ---------------------------------------------------------------- scale


@pytest.mark.parametrize("n", [30_000])
def test_a_long_cycle_needs_no_recursion(n: int) -> None:
    edges: dict[int, Sequence[int]] = {i: [i + 1] for i in range(n - 1)}
    edges[n - 1] = [0]
    g = fair_graph(edges, properties=[always_eventually(n // 2)])
    assert check(g).verdict is Verdict.HOLDS
    found = only(check(fair_graph(edges, properties=[always_eventually(n)])))
    assert found.loop_start == 0 and len(found.path) == n + 1
