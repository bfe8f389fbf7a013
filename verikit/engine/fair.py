"""Fair cycles of a state graph: strongly connected components pruned by fairness.

The states a behavior visits infinitely often, with the edges it takes infinitely often, form
a strongly connected subgraph; whether the behavior is fair depends on that subgraph alone
(core/model.py, Fairness: a weak obligation is violated when enabled in every such state and
never taken, a strong one when enabled in some and never taken). Self-loops are stuttering
steps: graph.py labels them with no obligation and leaves them out of what a state enables,
so here they only make a one-state component a cycle. Inside one strongly connected
component C, taking every edge of C takes the most obligations, so:

* C satisfies every obligation with all its edges: a loop through all of C is fair;
* a weak obligation is enabled in every state of C and on no edge of C: every subgraph of C
  keeps it enabled everywhere and untaken, so C holds no fair cycle;
* a strong obligation is enabled in some states of C and on no edge of C: no fair cycle can
  visit those states; remove them and look again at the components of what is left.

The states that end up in a fair component are exactly the states on some fair cycle (within
the region examined), which is what makes the lasso prefix found from them the shortest.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from verikit.engine.graph import NONE, Budget, StateGraph

STEPS = 4096  # states visited between clock reads


@dataclass(frozen=True)
class FairParts:
    """`region[s]` is the tag of the fair component holding s (0: none); `members` lists
    each fair component's states by tag."""

    region: array[int]
    members: dict[int, list[int]]


def fair_components(graph: StateGraph, states: Iterable[int], budget: Budget) -> FairParts:
    """The fair components of the subgraph induced by `states` (ascending indices)."""
    region = array("i", bytes(4 * len(graph)))
    roots = list(states)
    for s in roots:
        region[s] = 1
    tarjan = _Tarjan(graph, region, budget)
    judge = _Judge(graph, region)
    tags = iter(range(2, 2**31))
    members: dict[int, list[int]] = {}
    work = [(1, roots)]
    while work:
        tag, within = work.pop()
        for scc in tarjan.components(within, tag):
            new = next(tags)
            for s in scc:
                region[s] = new
            if not _cyclic(graph, scc):
                _clear(region, scc)
                continue
            verdict = judge.verdict(scc, new)
            if verdict is None:
                members[new] = sorted(scc)
            elif verdict:
                _clear(region, verdict)
                work.append((new, sorted(set(scc) - set(verdict))))
            else:
                _clear(region, scc)
    return FairParts(region, members)


def _clear(region: array[int], states: Iterable[int]) -> None:
    for s in states:
        region[s] = 0


def _cyclic(graph: StateGraph, scc: list[int]) -> bool:
    """A component of one state is a cycle only with a self-loop."""
    if len(scc) > 1:
        return True
    s = scc[0]
    return any(graph.targets[e] == s for e in range(graph.edge_start[s], graph.edge_start[s + 1]))


class _Tarjan:
    """Iterative Tarjan (no recursion limit) over the states whose region equals a tag. Its
    arrays are allocated once and reset after each call for the states it touched, so the
    recursion on pruned components costs what the components cost."""

    def __init__(self, graph: StateGraph, region: array[int], budget: Budget) -> None:
        n = len(graph)
        self.graph, self.region, self.budget = graph, region, budget
        self.number = array("i", [-1]) * n
        self.low = array("i", [0]) * n
        self.on_stack = bytearray(n)

    def components(self, roots: list[int], tag: int) -> list[list[int]]:
        g, region = self.graph, self.region
        start, targets = g.edge_start, g.targets
        number, low, on_stack = self.number, self.low, self.on_stack
        found: list[list[int]] = []
        stack: list[int] = []
        touched: list[int] = []
        counter = 0
        for root in roots:
            if number[root] >= 0 or region[root] != tag:
                continue
            number[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack[root] = 1
            touched.append(root)
            calls = [(root, start[root])]
            while calls:
                v, e = calls[-1]
                end = start[v + 1]
                descended = False
                while e < end:
                    w = targets[e]
                    e += 1
                    if region[w] != tag:
                        continue
                    if number[w] < 0:
                        calls[-1] = (v, e)
                        number[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack[w] = 1
                        touched.append(w)
                        calls.append((w, start[w]))
                        if not counter % STEPS:
                            self.budget.tick()
                        descended = True
                        break
                    if on_stack[w] and number[w] < low[v]:
                        low[v] = number[w]
                if descended:
                    continue
                calls.pop()
                if calls:
                    u = calls[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == number[v]:
                    found.append(_pop_component(stack, on_stack, v))
        for s in touched:
            number[s] = -1
        return found


def _pop_component(stack: list[int], on_stack: bytearray, root: int) -> list[int]:
    scc = []
    while True:
        w = stack.pop()
        on_stack[w] = 0
        scc.append(w)
        if w == root:
            return scc


class _Judge:
    """Decides one component: None when fair with all its edges; else the states a strong
    obligation rules out (to prune and look again), or [] when no fair cycle is in it."""

    def __init__(self, graph: StateGraph, region: array[int]) -> None:
        self.graph, self.region = graph, region
        self.obligations = graph.obligations
        self.fairness = bool(graph.obligations.keys)

    def verdict(self, scc: list[int], tag: int) -> list[int] | None:
        if not self.fairness:
            return None
        g, ob = self.graph, self.obligations
        some, every = enabled_in(g, scc)
        taken = taken_in(g, scc, self.region, tag)
        if any(not ob.strong[o] for o in every - taken):
            return []
        ruled_out = frozenset(o for o in some - taken if ob.strong[o])
        if not ruled_out:
            return None
        return [s for s in scc if ob.enabled[g.enabled[s]] & ruled_out]


def enabled_in(graph: StateGraph, states: Iterable[int]) -> tuple[frozenset[int], frozenset[int]]:
    """The obligations enabled in some, and in every, of `states`."""
    sets = [graph.obligations.enabled[i] for i in {graph.enabled[s] for s in states}]
    return frozenset().union(*sets), frozenset.intersection(*sets)


def taken_in(
    graph: StateGraph, states: Iterable[int], region: array[int], tag: int
) -> frozenset[int]:
    """The obligations some edge between two states of the component belongs to."""
    start, targets, labels = graph.edge_start, graph.targets, graph.edge_labels
    used = {
        labels[e]
        for s in states
        for e in range(start[s], start[s + 1])
        if labels[e] != NONE and region[targets[e]] == tag
    }
    return frozenset().union(*(graph.obligations.labels[i] for i in used))


# ---------------------------------------------------------------- the loop of a lasso


def fair_loop(
    graph: StateGraph, parts: FairParts, entry: int, visit: bytearray | None = None
) -> list[int]:
    """A closed walk from `entry` inside its fair component, as edge indices: it takes an
    edge of every obligation it must take, passes a state where each weak one it does not
    take is disabled, and (given `visit`) passes a state marked there. Greedy: always on to
    the nearest edge or state that settles something still open, then back to `entry`."""
    tag = parts.region[entry]
    members = parts.members[tag]
    open_ = _Requirements(graph, members, visit)
    walk: list[int] = []
    here = entry
    open_.visit(here)
    while open_:
        step = _nearest(
            graph, parts.region, tag, here, open_.settled_by_state, open_.settled_by_edge
        )
        for e in step:
            open_.take(e)
            open_.visit(graph.targets[e])
        walk += step
        here = graph.targets[step[-1]] if step else here
    if walk:
        return walk + _nearest(graph, parts.region, tag, here, lambda s: s == entry, _never)
    targets = graph.targets  # nothing to settle: any cycle through entry will do
    return _nearest(graph, parts.region, tag, entry, _never, lambda e: targets[e] == entry)


def _never(_: int) -> bool:
    return False


class _Requirements:
    """What the loop still has to do: obligations to take (or, for a weak one enabled only
    in part of the component, to see disabled), and a marked state to visit."""

    def __init__(self, graph: StateGraph, members: list[int], visit: bytearray | None) -> None:
        self.graph, self.marks = graph, visit
        ob = graph.obligations
        some, every = enabled_in(graph, members)
        self.take_only = {o for o in some if ob.strong[o] or o in every}
        self.either = set(some) - self.take_only  # weak, disabled somewhere in the component
        self.need_mark = visit is not None

    def __bool__(self) -> bool:
        return bool(self.take_only or self.either or self.need_mark)

    def visit(self, s: int) -> None:
        enabled = self.graph.obligations.enabled[self.graph.enabled[s]]
        self.either -= {o for o in self.either if o not in enabled}
        if self.marks is not None and self.marks[s]:
            self.need_mark = False

    def take(self, e: int) -> None:
        label = self.graph.obligations.labels[self.graph.edge_labels[e]]
        self.take_only -= label
        self.either -= label

    def settled_by_state(self, s: int) -> bool:
        if self.marks is not None and self.need_mark and self.marks[s]:
            return True
        enabled = self.graph.obligations.enabled[self.graph.enabled[s]]
        return any(o not in enabled for o in self.either)

    def settled_by_edge(self, e: int) -> bool:
        label = self.graph.obligations.labels[self.graph.edge_labels[e]]
        return not label.isdisjoint(self.take_only) or not label.isdisjoint(self.either)


def _nearest(
    graph: StateGraph,
    region: array[int],
    tag: int,
    source: int,
    at_state: Callable[[int], bool],
    at_edge: Callable[[int], bool],
) -> list[int]:
    """The edges of a shortest walk inside the component from `source` to the first state
    with `at_state` (`source` itself counts: then no edge), or through the first edge with
    `at_edge`. The component is strongly connected and the caller asks only for what it
    holds, so something is always found."""
    start, targets = graph.edge_start, graph.targets
    via: dict[int, tuple[int, int]] = {source: (-1, -1)}  # state -> (previous state, edge)
    queue = deque([source])
    while queue:
        s = queue.popleft()
        if at_state(s):
            return _walk_to(via, s)
        for e in range(start[s], start[s + 1]):
            t = targets[e]
            if region[t] != tag:
                continue
            if at_edge(e):
                return [*_walk_to(via, s), e]
            if t not in via:
                via[t] = (s, e)
                queue.append(t)
    raise AssertionError("a fair component holds what its loop needs")


def _walk_to(via: dict[int, tuple[int, int]], s: int) -> list[int]:
    edges = []
    while via[s][1] >= 0:
        s, e = via[s]
        edges.append(e)
    return edges[::-1]
