"""A naive liveness oracle: every lasso of an explicit graph, judged by the definitions.

Independent of verikit/engine (no strongly connected components, no pruning by fairness):
the graph is plain data, fairness obligations are recomputed here from the Fairness
docstring of core/model.py, and a property is judged on whole lassos as the team brief
defines it:

    A behavior is an infinite walk, or a finite one ending in a state without any successor
    (it stutters there). An obligation is enabled in a state with a transition that belongs
    to it and changes the state (a self-loop belongs to none, as TLA+'s `<<A>>_vars`). On
    the loop of a lasso, a weak obligation is violated when it is enabled in every loop state
    and taken by no loop edge; a strong one when it is enabled in some loop state and taken
    by no loop edge.
    eventually P: some fair behavior from an initial state never visits P.
    always_eventually P: some fair behavior visits P only finitely often (its loop avoids P).
    eventually_always P: some fair behavior visits ¬P infinitely often (its loop passes ¬P).
    P leads_to Q: some fair behavior has a P state after which (itself included) Q never holds.

Exhaustiveness without a length bound. Whether a closed walk from `entry` makes a violating
lasso depends only on its *summary*: where it is, the obligations enabled in some / in every
state it passed, the obligations it took, and whether it passed a P state (leads_to).
Extending two walks with equal summaries by the same steps gives equal summaries, so visiting
each reachable summary once enumerates every closed walk up to this equivalence, and a
summary is reached by a walk of at most |states| × (changes of the last four parts + 1)
steps. The prefix is summarised the same way, by (state, whether the P state of leads_to has
been passed with Q false since), so the shortest prefix is a plain BFS over those pairs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model

from . import reference

Obligation = tuple[int, Hashable]  # (index into Model.fairness, key)


@dataclass(frozen=True)
class Transition:
    target: Hashable | None  # None: a state outside the constraints (cut, yet it counts)
    obligations: frozenset[Obligation]


@dataclass(frozen=True)
class Graph:
    """A state graph as plain data: `init` in init order (None where the initial state lies
    outside the constraints), and every counted state's transitions in ordinal order."""

    init: tuple[Hashable | None, ...]
    transitions: Mapping[Hashable, tuple[Transition, ...]]
    strong: frozenset[int]  # indices of the strong fairness declarations

    def enabled(self, s: Hashable) -> frozenset[Obligation]:
        return frozenset().union(*(t.obligations for t in self.transitions[s]))


@dataclass(frozen=True)
class Question:
    """One liveness property over a graph: `holds` = the states where P (or Q of leads_to)
    holds, `trigger` = the states where the P of leads_to holds."""

    kind: str
    holds: frozenset[Hashable]
    trigger: frozenset[Hashable] = frozenset()


# ---------------------------------------------------------------- verdicts


def shortest_violation(graph: Graph, q: Question) -> int | None:
    """The fewest steps before the loop of any violating lasso (its loop_start), or None
    when the property holds."""
    persistence = q.kind == "eventually_always"  # any state may be on the loop
    allowed = [s for s in graph.transitions if persistence or s not in q.holds]
    best: int | None = None
    for (entry, triggered), steps in _prefixes(graph, q).items():
        if entry in q.holds and not persistence:
            continue
        if _loop_closes(graph, q, entry, triggered, frozenset(allowed)):
            best = steps if best is None else min(best, steps)
    return best


def _prefixes(graph: Graph, q: Question) -> dict[tuple[Hashable, bool], int]:
    """Shortest prefix length to each (state, triggered) summary the property allows: for
    eventually only ¬P states; for leads_to, `triggered` once a P state was passed with Q
    false in it and in every state since."""
    start: list[tuple[Hashable, bool]] = []
    for s in graph.init:
        if s is None or (q.kind == "eventually" and s in q.holds):
            continue
        start += _summaries(q, s, False)
    dist = dict.fromkeys(start, 0)
    queue = deque(dist)
    while queue:
        s, triggered = here = queue.popleft()
        for t in graph.transitions[s]:
            if t.target is None or (q.kind == "eventually" and t.target in q.holds):
                continue
            if triggered and t.target in q.holds:
                continue
            for nxt in _summaries(q, t.target, triggered):
                if nxt not in dist:
                    dist[nxt] = dist[here] + 1
                    queue.append(nxt)
    return dist


def _summaries(q: Question, s: Hashable, triggered: bool) -> list[tuple[Hashable, bool]]:
    """Arriving at s: a P∧¬Q state may start (or not) the ¬Q suffix of leads_to."""
    if q.kind == "leads_to" and not triggered and s in q.trigger and s not in q.holds:
        return [(s, False), (s, True)]
    return [(s, triggered)]


def _loop_closes(
    graph: Graph, q: Question, entry: Hashable, triggered: bool, allowed: frozenset[Hashable]
) -> bool:
    """Some fair behavior goes on from `entry` forever inside `allowed` (and passes a P
    state, for a leads_to not yet triggered)."""
    if q.kind == "eventually_always":  # the loop must pass a ¬P state
        if not graph.transitions[entry]:
            return entry not in q.holds
        marks = frozenset(s for s in graph.transitions if s not in q.holds)
        return any(
            _fair(graph, some, every, taken) and passed
            for some, every, taken, passed in closed_walks(graph, entry, allowed, marks)
        )
    if not graph.transitions[entry]:  # it stutters at entry
        return q.kind != "leads_to" or triggered
    need_trigger = q.kind == "leads_to" and not triggered
    return any(
        _fair(graph, some, every, taken) and (passed or not need_trigger)
        for some, every, taken, passed in closed_walks(graph, entry, allowed, q.trigger)
    )


def closed_walks(
    graph: Graph, entry: Hashable, allowed: frozenset[Hashable], marks: frozenset[Hashable]
) -> set[tuple[frozenset[Obligation], frozenset[Obligation], frozenset[Obligation], bool]]:
    """The summaries (enabled in some state, enabled in every state, taken, passed a mark)
    of every walk of at least one step from `entry` back to it through `allowed` states."""
    first = (entry, graph.enabled(entry), graph.enabled(entry), frozenset(), entry in marks)
    seen = {first}
    queue = deque([first])
    closed = set()
    while queue:
        s, some, every, taken, passed = queue.popleft()
        for t in graph.transitions[s]:
            if t.target is None or t.target not in allowed:
                continue
            on = graph.enabled(t.target)
            nxt = (t.target, some | on, every & on, taken | t.obligations,
                   passed or t.target in marks)  # fmt: skip
            if t.target == entry:
                closed.add(nxt[1:])
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return closed


def _fair(
    graph: Graph,
    some: frozenset[Obligation],
    every: frozenset[Obligation],
    taken: frozenset[Obligation],
) -> bool:
    weak_broken = any(o[0] not in graph.strong for o in every - taken)
    strong_broken = any(o[0] in graph.strong for o in some - taken)
    return not weak_broken and not strong_broken


# ---------------------------------------------------------------- one lasso


def lasso_problem(graph: Graph, q: Question, path: Sequence[int], loop_start: int) -> str | None:
    """Why the lasso (init ordinal, successor ordinals; the loop from position `loop_start`)
    does not show a violation of q, or None when it does."""
    if not path or graph.init[path[0]] is None:
        return "the path does not start at a counted initial state"
    states = [graph.init[path[0]]]
    taken_edges: list[Transition] = []
    for k in path[1:]:
        options = graph.transitions[states[-1]]
        if not 0 <= k < len(options) or options[k].target is None:
            return f"no step {k} from {states[-1]!r}"
        taken_edges.append(options[k])
        states.append(options[k].target)
    if not 0 <= loop_start < len(states):
        return f"loop_start {loop_start} outside the path"
    if loop_start == len(states) - 1:
        if graph.transitions[states[-1]]:
            return "stutters at a state with successors"
        loop_states = [states[-1]]
    else:
        if states[-1] != states[loop_start]:
            return "the loop does not return to its entry"
        loop_states = states[loop_start + 1 :]
        loop = taken_edges[loop_start:]
        enabled = [graph.enabled(s) for s in loop_states]
        taken = frozenset().union(*(t.obligations for t in loop))
        if not _fair(graph, frozenset().union(*enabled), frozenset.intersection(*enabled), taken):
            return "the loop is unfair"
    return None if _violates(q, states, loop_states) else "the lasso satisfies the property"


def _violates(q: Question, states: list[Hashable], loop: list[Hashable]) -> bool:
    if q.kind == "eventually":
        return not any(s in q.holds for s in states)
    if q.kind == "always_eventually":
        return not any(s in q.holds for s in loop)
    if q.kind == "eventually_always":
        return any(s not in q.holds for s in loop)
    if any(s in q.holds for s in loop):
        return False
    trigger_on_loop = any(s in q.trigger for s in loop)
    rest_clear = [all(t not in q.holds for t in states[i:]) for i in range(len(states))]
    return trigger_on_loop or any(
        s in q.trigger and clear for s, clear in zip(states, rest_clear, strict=True)
    )


# ---------------------------------------------------------------- graphs


Successors = Callable[[Any], list[tuple[int, tuple[Any, ...], Any]]]


def model_graph(model: Model, limit: int = 10_000) -> Graph:
    """The graph of a core Model by the reference interpreter."""
    constraints = model.props("constraint")
    return _explore(
        model,
        reference.init_states(model),
        lambda s: reference.successors(model, s),
        lambda s: all(reference.holds(p, s) for p in constraints),
        limit,
    )


def compiled_graph(compiled: CompiledModel, limit: int = 10_000) -> Graph:
    """The graph of a CompiledModel (e.g. a hand-written fake): its labelled successors and
    constraint predicates; obligations recomputed here from its Model."""
    constraints = [f for _, f in compiled.predicates("constraint")]
    return _explore(
        compiled.model,
        compiled.init_states(),
        lambda s: [(x.action, x.params, x.state) for x in compiled.labelled_successors(s)],
        lambda s: all(f(s) for f in constraints),
        limit,
    )


def _explore(
    model: Model, init: list[Any], successors: Successors, counted: Callable[[Any], bool],
    limit: int,
) -> Graph:  # fmt: skip
    """Counted states (inside every constraint) reachable from the counted initial states,
    each with all its transitions, a transition into an uncounted state cut (target None).
    A transition back to its own state is a stuttering step: as in TLA+ (`<<A>>_vars`), it
    belongs to no obligation, so it neither enables nor takes one."""
    starts = tuple(s if counted(s) else None for s in init)
    transitions: dict[Hashable, tuple[Transition, ...]] = {}
    queue = deque(s for s in starts if s is not None)
    while queue:
        s = queue.popleft()
        if s in transitions:
            continue
        if len(transitions) >= limit:
            raise RuntimeError(f"more than {limit} states")
        out = []
        for action, params, t in successors(s):
            inside = counted(t)
            moves = frozenset() if t == s else obligations(model, action, params)
            out.append(Transition(t if inside else None, moves))
            if inside and t not in transitions:
                queue.append(t)
        transitions[s] = tuple(out)
    strong = frozenset(i for i, f in enumerate(model.fairness) if f.strong)
    return Graph(starts, transitions, strong)


def obligations(model: Model, action: int, params: tuple[Any, ...]) -> frozenset[Obligation]:
    """Per the Fairness docstring: (declaration, value of the action's node_param /
    message_param / the tuple of the values of the declared params / None) for every
    declaration covering the action."""
    found = set()
    a = model.actions[action]
    values = {p.name: v for p, v in zip(a.params, params, strict=True)}
    for i, f in enumerate(model.fairness):
        if action in f.actions:
            if f.per == "params":
                found.add((i, tuple(values[n] for n in f.params if n in values)))
                continue
            name = {"node": a.node_param, "message": a.message_param}.get(f.per)
            found.add((i, values.get(name) if name is not None else None))
    return frozenset(found)


def model_question(graph: Graph, model: Model, name: str) -> Question:
    """The property `name` of `model` as state sets over `graph` (reference evaluation)."""
    (prop,) = [p for p in model.properties if p.name == name]
    trigger = prop.trigger
    return Question(
        prop.kind,
        frozenset(s for s in graph.transitions if reference.holds(prop, s)),
        frozenset(s for s in graph.transitions if trigger and reference.eval_expr(trigger, s, {})),
    )


def compiled_question(graph: Graph, compiled: CompiledModel, name: str) -> Question:
    """The property `name` of `compiled` as state sets over `graph`."""
    ((prop, holds),) = [(p, f) for p, f in compiled.properties if p.name == name]
    trigger = compiled.triggers.get(name)
    return Question(
        prop.kind,
        frozenset(s for s in graph.transitions if holds(s)),
        frozenset(s for s in graph.transitions if trigger and trigger(s)),
    )
