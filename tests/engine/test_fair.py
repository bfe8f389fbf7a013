"""Fair components and fair loops, on graphs whose components are known by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tests.engine.fakes import Edge, FakeFairness, fair_graph
from verikit.engine import CheckOptions
from verikit.engine.fair import FairParts, fair_components, fair_loop
from verikit.engine.graph import Budget, StateGraph, explore


def analyse(
    edges: Mapping[int, Sequence[Edge]], fairness: Sequence[FakeFairness] = ()
) -> tuple[StateGraph, FairParts, dict[int, int]]:
    """The graph, its fair components over all states, and graph index -> node."""
    compiled = fair_graph(edges, fairness=fairness, deadlock=False)
    budget = Budget(CheckOptions(), None)
    g = explore(compiled, budget)
    nodes = {}
    for s in range(len(g)):  # replay the BFS tree to name the indices
        path = [s]
        while g.parents[path[-1]] >= 0:
            path.append(g.parents[path[-1]])
        node = compiled.init_states()[g.ordinals[path[-1]]]
        for t in reversed(path[:-1]):
            node = compiled.labelled_successors(node)[g.ordinals[t]].state
        nodes[s] = node[0]
    return g, fair_components(g, range(len(g)), budget), nodes


def components(parts: FairParts, nodes: dict[int, int]) -> set[frozenset[int]]:
    return {frozenset(nodes[s] for s in states) for states in parts.members.values()}


def test_every_cycle_is_fair_without_fairness() -> None:
    _, parts, nodes = analyse({0: [1], 1: [2, 0], 2: [3], 3: [3], 4: [4]})
    assert components(parts, nodes) == {frozenset({0, 1}), frozenset({3})}


def test_a_state_alone_without_a_self_loop_is_no_component() -> None:
    _, parts, _ = analyse({0: [1], 1: [2], 2: []})
    assert parts.members == {}


def test_weak_fairness_removes_a_whole_component() -> None:
    # "out" is enabled at 0 and 1 and never taken inside {0, 1}
    edges = {0: [1, ("out", 2)], 1: [0, ("out", 2)], 2: [2]}
    _, parts, nodes = analyse(edges, [FakeFairness(("out",))])
    assert components(parts, nodes) == {frozenset({2})}


def test_strong_fairness_removes_the_states_that_enable_it_and_looks_again() -> None:
    # "out" is enabled at 2 only: {0, 1, 2} loses 2, and {0, 1} remains a fair cycle
    edges = {0: [1], 1: [0, 2], 2: [0, ("out", 3)], 3: [3]}
    _, parts, nodes = analyse(edges, [FakeFairness(("out",), strong=True)])
    assert components(parts, nodes) == {frozenset({0, 1}), frozenset({3})}


def test_pruning_may_leave_nothing() -> None:
    # both states of the cycle enable the strong "out"
    edges = {0: [1, ("out", 2)], 1: [0, ("out", 2)], 2: []}
    _, parts, _ = analyse(edges, [FakeFairness(("out",), strong=True)])
    assert parts.members == {}


def test_a_component_taking_every_obligation_is_fair() -> None:
    edges = {0: [("a", 1, 0)], 1: [("a", 0, 1)]}
    _, parts, nodes = analyse(edges, [FakeFairness(("a",), "node", strong=True)])
    assert components(parts, nodes) == {frozenset({0, 1})}


def test_the_fair_loop_returns_to_its_entry_and_takes_what_it_must() -> None:
    # {0, 1, 2}: node 1's "a" only on 2 -> 0; the shortest cycle 0 <-> 1 would starve it
    edges = {0: [("a", 1, 0)], 1: [("a", 0, 0), ("b", 2, 0)], 2: [("a", 0, 1)]}
    g, parts, nodes = analyse(edges, [FakeFairness(("a",), "node", strong=True)])
    (entry,) = [s for s, node in nodes.items() if node == 0]
    loop = fair_loop(g, parts, entry)
    assert g.targets[loop[-1]] == entry
    visited = [nodes[g.targets[e]] for e in loop]
    assert 2 in visited and visited[-1] == 0


def test_without_requirements_the_loop_is_a_shortest_cycle() -> None:
    g, parts, nodes = analyse({0: [1, 0], 1: [0]})
    (entry,) = [s for s, node in nodes.items() if node == 0]
    assert [nodes[g.targets[e]] for e in fair_loop(g, parts, entry)] == [0]
