"""Liveness: `eventually`, `always_eventually` and `leads_to` under fairness, as lassos.

Runs after a complete safety search, on a graph of its own (engine/graph.py). Per property a
violation is a fair behavior that stays, from some point on, in a region of the graph:

    eventually P          ¬P states, reached from an initial ¬P state through ¬P states only
    always_eventually P   ¬P states, reached any way
    eventually_always P   any states, the loop passing a ¬P state
    P leads_to Q          ¬Q states, entered at a P∧¬Q state (the trigger) and never left

Such a behavior either ends in a state without successors (it stutters there) or circles in a
fair component of the region (engine/fair.py). The counterexample is a lasso whose prefix is
as short as the property allows (BFS depth of the loop's entry, over the states the prefix may
use), and whose loop is fair.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Property
from verikit.engine.deadline import DeadlineExpired, interrupt_at
from verikit.engine.fair import FairParts, fair_components, fair_loop
from verikit.engine.graph import Budget, Interrupted, StateGraph, explore
from verikit.engine.options import CheckOptions
from verikit.engine.result import CheckResult, Discovery, DiscoveryKind, Verdict
from verikit.engine.store import ROOT

ENTER = -2  # parent marker: the path continues in the tree below, at the same state
HALTING = ("invariant", "deadlock", "fault")  # discoveries that stop a stop_at_first search


GraphSource = Callable[[Budget], StateGraph]  # the state graph, within the budget's limits


def extend(
    compiled: CompiledModel,
    options: CheckOptions,
    result: CheckResult,
    source: GraphSource | None = None,
) -> CheckResult:
    """`result` of the safety search with the liveness properties decided (when they can be),
    on the graph `source` gives (default: engine/graph.py explores it)."""
    reason = _undecidable(options, result)
    if reason is not None:
        return replace(result, liveness_undecided=reason)
    started = time.monotonic()
    left = None if options.timeout is None else max(0.0, options.timeout - result.stats.seconds)
    if options.timeout is not None and options.started is not None:  # loading counted too
        left = max(0.0, options.started + options.timeout - started)
    own = options.liveness_timeout
    budget = Budget(options, own if left is None or (own is not None and own < left) else left)
    own_limit = own is not None and (left is None or own < left)  # its expiry is liveness's
    found: list[Discovery] = []
    checked: list[str] = []
    undecided: str | None = None
    graph: StateGraph | None = None
    try:
        with interrupt_at(budget.deadline):  # stops generated code too; the pass is discarded
            graph = explore(compiled, budget) if source is None else source(budget)
        for prop in compiled.model.liveness:
            lasso = violation(graph, prop, budget)
            checked.append(prop.name)
            if lasso is not None:
                found.append(lasso)
                if options.stop_at_first:
                    break
        if options.stop_at_first and found and len(checked) < len(compiled.model.liveness):
            undecided = "stopped at the first violation"
    except Interrupted as stop:
        undecided = stop.reason
        if own_limit and stop.reason.startswith("timeout"):
            undecided = f"liveness timeout {own} s"
        if stop.fault is not None:
            found.append(stop.fault)
    except DeadlineExpired:
        undecided = f"liveness timeout {own} s" if own_limit else (
            f"timeout {options.timeout} s (liveness)")  # fmt: skip
    violations = result.violations + tuple(found)
    limit = undecided if undecided is not None and not found else None
    verdict = Verdict.VIOLATED if violations else Verdict.INCOMPLETE if limit else result.verdict
    return replace(
        result,
        verdict=verdict,
        violations=violations,
        incomplete_reason=result.incomplete_reason or limit,
        safety_established=limit is not None and result.verdict == Verdict.HOLDS,
        liveness_checked=tuple(checked),
        liveness_undecided=undecided,
        liveness_states=len(graph) if graph is not None else 0,
        liveness_transitions=graph.transitions if graph is not None else 0,
        liveness_cut_off=graph.cut_off() if graph is not None else 0,
        liveness_cut_by=tuple(sorted(graph.cut_by)) if graph is not None else (),
        liveness_seconds=time.monotonic() - started,
    )


def _undecidable(options: CheckOptions, result: CheckResult) -> str | None:
    """Why the safety search's outcome leaves liveness undecided, if it does."""
    if result.incomplete_reason is not None:
        return result.incomplete_reason
    if any(v.kind == "fault" for v in result.violations):
        return "the spec faulted"
    if options.stop_at_first and any(v.kind in HALTING for v in result.violations):
        return "stopped at the first violation"
    return None


def violation(graph: StateGraph, prop: Property, budget: Budget) -> Discovery | None:
    """The shortest-prefix lasso violating `prop`, or None when it holds."""
    unmet = bytearray(not b for b in graph.holds[prop.name])  # ¬P (¬Q for leads_to)
    search = {
        "eventually": _eventually,
        "always_eventually": _always_eventually,
        "eventually_always": _eventually_always,
    }
    parts, entries = search.get(prop.kind, _leads_to)(graph, prop, unmet, budget)
    return _lasso(graph, prop, parts, entries)


def _eventually(
    graph: StateGraph, prop: Property, not_p: bytearray, budget: Budget
) -> tuple[FairParts, list[_Entry]]:
    """¬P from the start: prefix and loop inside the ¬P states reached from initial ones."""
    tree = _bfs(graph, _initial_seeds(graph), not_p)
    region = _reached(tree)
    parts = fair_components(graph, _members(region), budget)
    return parts, [_Entry(tree.dist[s], s, tree) for s in _entries(graph, region, parts)]


def _always_eventually(
    graph: StateGraph, prop: Property, not_p: bytearray, budget: Budget
) -> tuple[FairParts, list[_Entry]]:
    """¬P from some point on: any prefix, a loop inside the ¬P states."""
    base = _graph_tree(graph)
    parts = fair_components(graph, _members(not_p), budget)
    return parts, [_Entry(base.dist[s], s, base) for s in _entries(graph, not_p, parts)]


def _eventually_always(
    graph: StateGraph, prop: Property, not_p: bytearray, budget: Budget
) -> tuple[FairParts, list[_Entry]]:
    """¬P again and again: any prefix, a fair loop through a ¬P state (or a ¬P state
    without successors, where the behavior stutters)."""
    base = _graph_tree(graph)
    parts = fair_components(graph, range(len(graph)), budget)
    looping = {tag for tag, states in parts.members.items() if any(not_p[s] for s in states)}
    entries = []
    for s in range(len(graph)):
        if parts.region[s] in looping:
            entries.append(_Entry(base.dist[s], s, base, not_p))
        elif graph.ends[s] and not_p[s]:
            entries.append(_Entry(base.dist[s], s, base))
    return parts, entries


def _leads_to(
    graph: StateGraph, prop: Property, not_q: bytearray, budget: Budget
) -> tuple[FairParts, list[_Entry]]:
    """A trigger (P∧¬Q) followed by ¬Q forever: either the trigger lies before the loop
    (prefix: any way to it, then ¬Q states to the entry), or on the loop itself (prefix:
    any way to the entry; the loop must pass a trigger), whichever gives the shorter prefix."""
    triggers = graph.triggers[prop.name]
    base = _graph_tree(graph)
    seeds = [(base.dist[s], s, ENTER, 0) for s in _members(not_q) if triggers[s]]
    after = _bfs(graph, seeds, not_q, base)
    region = _reached(after)
    parts = fair_components(graph, _members(region), budget)
    looping = {tag for tag, states in parts.members.items() if any(triggers[s] for s in states)}
    entries = []
    for s in _entries(graph, region, parts):
        if parts.region[s] in looping:
            entries.append(_Entry(base.dist[s], s, base, triggers))
        elif graph.ends[s] and triggers[s]:
            entries.append(_Entry(base.dist[s], s, base))
        else:
            entries.append(_Entry(after.dist[s], s, after))
    return parts, entries


# ---------------------------------------------------------------- lassos


@dataclass(frozen=True)
class _Entry:
    """A candidate loop entry: the length of its shortest admissible prefix, the tree that
    holds that prefix, and the states the loop must pass (if any)."""

    cost: int
    state: int
    tree: Tree
    visit: bytearray | None = None


def _entries(graph: StateGraph, region: bytearray, parts: FairParts) -> list[int]:
    """States of the region where a fair behavior can stay: on a fair cycle, or without
    successors (it stutters there)."""
    return [s for s in _members(region) if parts.region[s] or graph.ends[s]]


def _lasso(
    graph: StateGraph, prop: Property, parts: FairParts, entries: list[_Entry]
) -> Discovery | None:
    """The lasso into the cheapest entry, or None when there is none."""
    if not entries:
        return None
    entry = min(entries, key=lambda e: (e.cost, e.state))
    prefix = entry.tree.path(entry.state)
    kind = cast(DiscoveryKind, prop.kind)
    if graph.ends[entry.state]:  # it stutters there: the loop is the last state alone
        return Discovery(prop.name, kind, prefix, loop_start=len(prefix) - 1)
    loop = fair_loop(graph, parts, entry.state, entry.visit)
    path = prefix + tuple(graph.edge_ordinals[e] for e in loop)
    return Discovery(prop.name, kind, path, loop_start=len(prefix) - 1)


def _reached(tree: Tree) -> bytearray:
    return bytearray(d >= 0 for d in tree.dist)


def _members(region: bytearray) -> list[int]:
    return [s for s, inside in enumerate(region) if inside]


# ---------------------------------------------------------------- prefixes


@dataclass(frozen=True)
class Tree:
    """Shortest paths found by a BFS: `dist[s]` (-1: not reached), and per state the parent
    (ROOT for an initial state; ENTER: the path goes on in `below` at the same state) and the
    ordinal of the step into it (the init ordinal for an initial state)."""

    dist: array[int]
    parents: array[int]
    ordinals: array[int]
    below: Tree | None = None

    def path(self, s: int) -> tuple[int, ...]:
        """Init ordinal, then successor ordinals, to state s."""
        steps: list[int] = []
        tree: Tree | None = self
        while tree is not None:
            parent = tree.parents[s]
            if parent == ENTER:
                tree = tree.below
                continue
            steps.append(tree.ordinals[s])
            if parent == ROOT:
                break
            s = parent
        return tuple(reversed(steps))


def _graph_tree(graph: StateGraph) -> Tree:
    """The BFS tree the graph was built with: every state, shortest paths from the start."""
    return Tree(graph.depths(), graph.parents, graph.ordinals)


def _initial_seeds(graph: StateGraph) -> list[tuple[int, int, int, int]]:
    return [(0, s, ROOT, graph.ordinals[s]) for s in range(len(graph)) if graph.parents[s] == ROOT]


def _bfs(
    graph: StateGraph,
    seeds: list[tuple[int, int, int, int]],
    region: bytearray,
    below: Tree | None = None,
) -> Tree:
    """BFS inside `region` from seeds (distance, state, parent, ordinal) that may start at
    different distances: a seed joins the frontier when the search reaches its distance."""
    n = len(graph)
    dist = array("i", [-1]) * n
    parents = array("i", [ROOT]) * n
    ordinals = array("i", [0]) * n
    start, targets, edge_ordinals = graph.edge_start, graph.targets, graph.edge_ordinals
    seeds = sorted(seeds)
    level: list[int] = []
    d = i = 0
    while level or i < len(seeds):
        if not level:
            d = max(d, seeds[i][0])
        while i < len(seeds) and seeds[i][0] <= d:
            _, s, parent, ordinal = seeds[i]
            i += 1
            if dist[s] < 0 and region[s]:
                dist[s], parents[s], ordinals[s] = d, parent, ordinal
                level.append(s)
        nxt = []
        for s in level:
            for e in range(start[s], start[s + 1]):
                t = targets[e]
                if dist[t] < 0 and region[t]:
                    dist[t], parents[t], ordinals[t] = d + 1, s, edge_ordinals[e]
                    nxt.append(t)
        level = nxt
        d += 1
    return Tree(dist, parents, ordinals, below)
