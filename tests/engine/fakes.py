"""Hand-written CompiledModels for engine and trace tests, so they need no compiler.

`fake(...)` builds a CompiledModel from plain Python functions: each action maps a state to
its (parameter values, successor) pairs. `graph(...)` is a state graph given as an adjacency
list; `fair_graph(...)` one whose edges carry a fairness key (a node or message id). `two_phase(n)` is TwoPhase.tla written by hand over the same state layout as the core
model in tests/oracle/models.py (TLC: 288 states for 3 RMs). `from_reference(model)` runs a
core Model through the oracle's reference interpreter, for tests on real Models.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.oracle import reference
from verikit.compile.compiled import CompiledModel, Predicate, State, Successor
from verikit.core import ir
from verikit.core.model import Action, Fairness, Model, NetworkInfo, Param, Property, Var
from verikit.core.types import (
    BOOL,
    EnumType,
    IntType,
    MapType,
    NodeGroup,
    OptionType,
    RecordType,
    SetType,
    Type,
)
from verikit.errors import NO_SPAN, Span

Fire = Callable[[State], Iterable[tuple[tuple[Any, ...], State]]]


@dataclass(frozen=True)
class FakeAction:
    """An action as a function from a state to its (parameter values, successor) pairs."""

    name: str
    fire: Fire
    kind: str = "action"
    params: tuple[tuple[str, Type], ...] = ()
    node_param: str | None = None
    message_param: str | None = None
    span: Span = NO_SPAN


@dataclass(frozen=True)
class FakeProperty:
    """A property as a Python predicate; `reads` are the state slots its expression mentions;
    `trigger` is the P of `P leads_to Q` (then `holds` is Q)."""

    kind: str
    name: str
    holds: Predicate
    reads: tuple[int, ...] = ()
    trigger: Predicate | None = None


@dataclass(frozen=True)
class FakeFairness:
    """`fair …` over the named actions: weak or strong, per "action", "node" or "message"."""

    actions: tuple[str, ...]
    per: str = "action"
    strong: bool = False


def fake(
    vars: Sequence[Var | tuple[str, Type]],
    init: Sequence[State] | Callable[[], list[State]],
    actions: Sequence[FakeAction],
    properties: Sequence[FakeProperty] = (),
    *,
    name: str = "Fake",
    deadlock: bool = True,
    nodes: tuple[NodeGroup, ...] = (),
    network: NetworkInfo | None = None,
    fingerprint: Callable[[State], Hashable] | None = None,
    fairness: Sequence[FakeFairness] = (),
) -> CompiledModel:
    vs = tuple(v if isinstance(v, Var) else Var(v[0], v[1]) for v in vars)
    names = [a.name for a in actions]
    model = Model(
        name=name,
        consts=(),
        vars=vs,
        init=(),
        actions=tuple(_action(a) for a in actions),
        properties=tuple(_property(vs, p) for p in properties),
        nodes=nodes,
        network=network,
        deadlock=deadlock,
        fairness=tuple(_fairness(names, f) for f in fairness),
        span=Span(f"{name.lower()}.dsl", 1, 1),
    )
    hits = [0] * len(actions)

    def labelled(s: State) -> list[Successor]:
        return [Successor(i, p, t) for i, a in enumerate(actions) for p, t in a.fire(s)]

    def next_states(s: State) -> list[State]:
        out: list[State] = []
        for i, a in enumerate(actions):
            succ = [t for _, t in a.fire(s)]
            hits[i] += len(succ)
            out += succ
        return out

    return CompiledModel(
        model=model,
        source="# hand-written fake",
        init_states=init if callable(init) else lambda: list(init),
        next_states=next_states,
        labelled_successors=labelled,
        properties=tuple(zip(model.properties, (p.holds for p in properties), strict=True)),
        fingerprint=fingerprint or (lambda s: s),
        action_hits=hits,
        triggers={p.name: p.trigger for p in properties if p.trigger is not None},
    )


def _property(vs: tuple[Var, ...], p: FakeProperty) -> Property:
    trigger = None if p.trigger is None else _reads(vs, p.reads)
    return Property(p.kind, p.name, _reads(vs, p.reads), trigger=trigger)


def _fairness(names: list[str], f: FakeFairness) -> Fairness:
    strength = "strong fair" if f.strong else "fair"
    text = f"{strength} {f.per} {' '.join(f.actions)}"
    return Fairness(f.strong, tuple(names.index(a) for a in f.actions), f.per, text)


def _action(a: FakeAction) -> Action:
    params = tuple(Param(n, t, ir.Lit(frozenset(), SetType(t))) for n, t in a.params)
    return Action(a.name, a.kind, params, ir.Lit(True, BOOL), (), a.span,
                  a.node_param, a.message_param)  # fmt: skip


def _reads(vs: tuple[Var, ...], slots: tuple[int, ...]) -> ir.Expr:
    """A stand-in expression that mentions the given state slots (what trace text walks)."""
    elems = tuple(ir.StateVar(i, vs[i].name, vs[i].type) for i in slots)
    return ir.SetLit(elems, SetType(BOOL)) if elems else ir.Lit(True, BOOL)


def prop(kind: str, name: str, holds: Predicate, reads: tuple[int, ...] = (0,)) -> FakeProperty:
    return FakeProperty(kind, name, holds, reads)


def leads_to(name: str, trigger: Predicate, holds: Predicate) -> FakeProperty:
    return FakeProperty("leads_to", name, holds, (0,), trigger)


# ---------------------------------------------------------------- small graphs


def graph(
    edges: Mapping[int, Sequence[int | tuple[str, int]]],
    init: Sequence[int] = (0,),
    properties: Sequence[FakeProperty] = (),
    more_actions: Sequence[str] = (),
    **options: Any,
) -> CompiledModel:
    """States are `(node,)`; an edge is a target or (action name, target); unlabelled edges
    belong to action "go". Successor ordinals follow the adjacency lists per action;
    `more_actions` are actions without any edge."""
    labelled = {k: [e if isinstance(e, tuple) else ("go", e) for e in v] for k, v in edges.items()}
    used = [a for v in labelled.values() for a, _ in v]
    names = list(dict.fromkeys(["go", *used, *more_actions]))
    top = max([0, *edges, *init, *(t for v in labelled.values() for _, t in v)])

    def firing(action: str) -> Fire:
        return lambda s: [((t,), (t,)) for a, t in labelled.get(s[0], []) if a == action]

    at = IntType(0, top)
    actions = [FakeAction(n, firing(n), params=(("to", at),)) for n in names]
    return fake([("at", at)], [(i,) for i in init], actions, properties, **options)


Edge = int | tuple[str, int] | tuple[str, int, int]


def fair_graph(
    edges: Mapping[int, Sequence[Edge]],
    init: Sequence[int] = (0,),
    properties: Sequence[FakeProperty] = (),
    fairness: Sequence[FakeFairness] = (),
    **options: Any,
) -> CompiledModel:
    """Like `graph`, with edges (action, target, key): every action has parameters (to, key)
    and `key` is both its node_param and its message_param, so a fairness declaration per
    node or per message has one obligation per key. Unlabelled edges: action "go", key 0.
    Successor ordinals follow the order of the actions' first appearance, then the list."""
    labelled = {k: [_edge(e) for e in v] for k, v in edges.items()}
    names = list(dict.fromkeys(["go", *(a for v in labelled.values() for a, _, _ in v)]))
    names += [a for f in fairness for a in f.actions if a not in names]
    top = max([0, *edges, *init, *(t for v in labelled.values() for _, t, _ in v)])
    keys = max([0, *(key for v in labelled.values() for _, _, key in v)])

    def firing(action: str) -> Fire:
        return lambda s: [((t, key), (t,)) for a, t, key in labelled.get(s[0], []) if a == action]

    at = IntType(0, top)
    actions = [
        FakeAction(n, firing(n), params=(("to", at), ("key", IntType(0, keys))),
                   node_param="key", message_param="key")
        for n in names
    ]  # fmt: skip
    return fake([("at", at)], [(i,) for i in init], actions, properties, fairness=fairness,
                **options)  # fmt: skip


def _edge(e: Edge) -> tuple[str, int, int]:
    if isinstance(e, int):
        return "go", e, 0
    if len(e) == 2:
        return e[0], e[1], 0
    return e


def counter(n: int, **options: Any) -> CompiledModel:
    """x counts 0 .. n-1 and stops: n states, n levels, a deadlock at n-1."""
    return graph({i: [i + 1] for i in range(n - 1)}, **options)


# ---------------------------------------------------------------- TwoPhase.tla by hand

RM_STATE = EnumType("RMState", ("Working", "Prepared", "Committed", "Aborted"))
TM_STATE = EnumType("TMState", ("Init", "Committed", "Aborted"))
KIND = EnumType("Kind", ("Prepared", "Commit", "Abort"))
TWO_PHASE_ACTIONS = ("TMRcvPrepared", "TMCommit", "TMAbort", "RMPrepare", "RMChooseToAbort",
                     "RMRcvCommitMsg", "RMRcvAbortMsg")  # fmt: skip
COMMIT, ABORT = ("Commit", None), ("Abort", None)


def two_phase(n: int, fingerprint: Callable[[State], Hashable] = hash) -> CompiledModel:
    """TwoPhase.tla with RM = 1..n, state (rmState, tmState, tmPrepared, msgs) as core values."""
    rm = IntType(1, n)
    msg_t = RecordType("Msg", (("kind", KIND), ("rm", OptionType(rm))))
    rms = range(1, n + 1)
    everyone = frozenset(rms)

    def set_rm(s: State, r: int, v: str) -> tuple[Any, ...]:
        rm_state: tuple[Any, ...] = s[0]
        return rm_state[: r - 1] + (v,) + rm_state[r:]

    def successors(s: State) -> Iterable[tuple[int, tuple[Any, ...], State]]:
        rm_state, tm, prepared, msgs = s
        if tm == "Init":
            for r in rms:
                if ("Prepared", r) in msgs:
                    yield 0, (r,), (rm_state, tm, prepared | {r}, msgs)
            if prepared == everyone:
                yield 1, (), (rm_state, "Committed", prepared, msgs | {COMMIT})
            yield 2, (), (rm_state, "Aborted", prepared, msgs | {ABORT})
        for r in rms:
            if rm_state[r - 1] == "Working":
                yield 3, (r,), (set_rm(s, r, "Prepared"), tm, prepared, msgs | {("Prepared", r)})
        for r in rms:
            if rm_state[r - 1] == "Working":
                yield 4, (r,), (set_rm(s, r, "Aborted"), tm, prepared, msgs)
        if COMMIT in msgs:
            for r in rms:
                yield 5, (r,), (set_rm(s, r, "Committed"), tm, prepared, msgs)
        if ABORT in msgs:
            for r in rms:
                yield 6, (r,), (set_rm(s, r, "Aborted"), tm, prepared, msgs)

    actions = [
        FakeAction(name, _fire_one(successors, i), params=(("r", rm),) if i not in (1, 2) else ())
        for i, name in enumerate(TWO_PHASE_ACTIONS)
    ]

    def consistent(s: State) -> bool:
        return not ("Committed" in s[0] and "Aborted" in s[0])

    compiled = fake(
        [("rmState", MapType(rm, RM_STATE)), ("tmState", TM_STATE), ("tmPrepared", SetType(rm)),
         ("msgs", SetType(msg_t))],
        [(("Working",) * n, "Init", frozenset(), frozenset())],
        actions,
        [prop("invariant", "TCConsistent", consistent),
         prop("reachable", "SomeoneCommits", lambda s: "Committed" in s[0])],
        name="TwoPhase",
        deadlock=False,
        fingerprint=fingerprint,
    )  # fmt: skip
    hits = compiled.action_hits

    def next_states(s: State) -> list[State]:  # the fast path: one pass, hits per action
        out = []
        for i, _, t in successors(s):
            hits[i] += 1
            out.append(t)
        return out

    return _with(compiled, next_states=next_states)


def _fire_one(successors: Callable[[State], Iterable[tuple[int, Any, State]]], index: int) -> Fire:
    return lambda s: [(p, t) for i, p, t in successors(s) if i == index]


def _with(compiled: CompiledModel, **changes: Any) -> CompiledModel:
    fields = {f: getattr(compiled, f) for f in compiled.__dataclass_fields__}
    return CompiledModel(**(fields | changes))


# ---------------------------------------------------------------- the oracle as a back end


def from_reference(model: Model) -> CompiledModel:
    """A CompiledModel whose callables are the reference interpreter's (slow, obviously right)."""
    hits = [0] * len(model.actions)

    def next_states(s: State) -> list[State]:
        out = []
        for i, _, t in reference.successors(model, s):
            hits[i] += 1
            out.append(t)
        return out

    def labelled(s: State) -> list[Successor]:
        return [Successor(i, p, t) for i, p, t in reference.successors(model, s)]

    def predicate(p: Property) -> Predicate:
        return lambda s: reference.holds(p, s)

    return CompiledModel(
        model=model,
        source="# reference interpreter",
        init_states=lambda: reference.init_states(model),
        next_states=next_states,
        labelled_successors=labelled,
        properties=tuple((p, predicate(p)) for p in model.properties),
        fingerprint=lambda s: s,
        action_hits=hits,
    )
