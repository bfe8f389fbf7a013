"""The liveness graph: BFS numbering, edges, cut transitions, obligations, limits, faults."""

from __future__ import annotations

import pytest

from tests.engine.fakes import FakeAction, FakeFairness, fair_graph, fake, prop
from verikit.compile.compiled import CompiledModel
from verikit.core.types import IntType
from verikit.engine import CheckOptions
from verikit.engine.graph import NONE, Budget, Interrupted, StateGraph, explore
from verikit.engine.store import ROOT
from verikit.errors import Span, SpecFault


def build(compiled: CompiledModel, **options: object) -> StateGraph:
    return explore(compiled, Budget(CheckOptions(**options), None))  # type: ignore[arg-type]


def edges(g: StateGraph, s: int) -> list[tuple[int, int]]:
    """(target, ordinal) of the edges of state s."""
    span = range(g.edge_start[s], g.edge_start[s + 1])
    return [(g.targets[e], g.edge_ordinals[e]) for e in span]


def obligations_of(g: StateGraph, s: int) -> list[set[tuple[int, object]]]:
    """Per edge of s, its obligations as (declaration, key)."""
    span = range(g.edge_start[s], g.edge_start[s + 1])
    ob = g.obligations
    return [{ob.keys[o] for o in ob.labels[g.edge_labels[e]]} for e in span]


def enabled_at(g: StateGraph, s: int) -> set[tuple[int, object]]:
    return {g.obligations.keys[o] for o in g.obligations.enabled[g.enabled[s]]}


def test_states_are_numbered_in_bfs_order_with_parent_and_ordinal() -> None:
    g = build(fair_graph({0: [3, 1], 3: [1, 2], 1: [1]}))
    # 0 -> index 0; its successors 3, 1 -> 1, 2; then 2 (node 2) from 3
    assert list(g.parents) == [ROOT, 0, 0, 1]
    assert list(g.ordinals) == [0, 0, 1, 1]
    assert edges(g, 0) == [(1, 0), (2, 1)]
    assert edges(g, 1) == [(2, 0), (3, 1)]
    assert edges(g, 2) == [(2, 0)]
    assert list(g.depths()) == [0, 1, 1, 2]


def test_repeated_and_excluded_initial_states_are_no_extra_nodes() -> None:
    within = prop("constraint", "Small", lambda s: s[0] < 5)
    g = build(fair_graph({4: [4]}, init=(4, 7, 4), properties=[within]))
    assert len(g) == 1 and list(g.ordinals) == [0]
    assert edges(g, 0) == [(0, 0)]


def test_a_transition_out_of_the_constraint_is_cut_but_still_counts() -> None:
    within = prop("constraint", "Small", lambda s: s[0] < 5)
    g = build(
        fair_graph({0: [("leave", 5), ("stay", 1)], 1: []}, properties=[within],
                   fairness=[FakeFairness(("leave",))]),
    )  # fmt: skip
    assert edges(g, 0) == [(1, 1)]  # ordinal 0 led outside
    assert not g.ends[0] and g.ends[1]
    assert enabled_at(g, 0) == {(0, None)} and enabled_at(g, 1) == set()


def test_obligations_are_keyed_per_node_message_or_action() -> None:
    fairness = [FakeFairness(("a",), "node"), FakeFairness(("a", "b"), "action", strong=True),
                FakeFairness(("b",), "message")]  # fmt: skip
    g = build(fair_graph({0: [("a", 1, 1), ("b", 1, 1), ("a", 1, 0)], 1: [1]},
                         fairness=fairness))  # fmt: skip
    assert obligations_of(g, 0) == [{(0, 1), (1, None)}, {(0, 0), (1, None)}, {(1, None), (2, 1)}]
    assert enabled_at(g, 0) == {(0, 0), (0, 1), (1, None), (2, 1)}
    strong = {g.obligations.keys[o] for o, flag in enumerate(g.obligations.strong) if flag}
    assert strong == {(1, None)}


def test_a_self_loop_belongs_to_no_obligation_and_enables_none() -> None:
    # TLA+'s <<A>>_vars: a step that changes nothing is a stutter, not a step of A
    fairness = [FakeFairness(("a",), "node"), FakeFairness(("a",), strong=True)]
    g = build(fair_graph({0: [("a", 0, 0), ("a", 1, 1)], 1: [("a", 1, 0)]}, fairness=fairness))
    assert edges(g, 0) == [(0, 0), (1, 1)]
    assert obligations_of(g, 0) == [set(), {(0, 1), (1, None)}]
    assert enabled_at(g, 0) == {(0, 1), (1, None)}
    assert obligations_of(g, 1) == [set()] and enabled_at(g, 1) == set()


def test_edges_with_equal_obligations_share_one_label() -> None:
    g = build(fair_graph({0: [("a", 1, 0), ("a", 2, 0)], 1: [("a", 0, 0)], 2: []},
                         fairness=[FakeFairness(("a",), "node")]))  # fmt: skip
    assert len(set(g.edge_labels)) == 1 and NONE not in set(g.edge_labels)


def test_without_fairness_edges_carry_no_obligation() -> None:
    g = build(fair_graph({0: [1, 0], 1: [0]}))
    assert set(g.edge_labels) == {NONE} and set(g.enabled) == {NONE}


def test_predicate_bits_per_liveness_property() -> None:
    p = prop("eventually", "Two", lambda s: s[0] == 2)
    g = build(fair_graph({0: [1], 1: [2], 2: [2]}, properties=[p]))
    assert list(g.holds["Two"]) == [0, 0, 1]


def test_more_states_than_max_states_interrupts() -> None:
    with pytest.raises(Interrupted, match="max states 2 reached"):
        build(fair_graph({0: [1], 1: [2], 2: [2]}), max_states=2)


def test_a_fault_in_a_transition_interrupts_with_a_fault_discovery() -> None:
    def boom(s: tuple[int, ...]) -> list[tuple[tuple[()], tuple[int, ...]]]:
        if s[0] == 1:
            raise SpecFault("missing map key 3", Span("f.dsl", 9, 1))
        return [((), (s[0] + 1,))]

    compiled = fake([("x", IntType(0, 3))], [(0,)], [FakeAction("step", boom)])
    with pytest.raises(Interrupted) as stop:
        build(compiled)
    assert stop.value.fault is not None
    assert (stop.value.fault.property, stop.value.fault.path) == ("next", (0, 0))
