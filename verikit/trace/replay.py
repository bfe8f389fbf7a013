"""Rebuild full states from a Discovery's path, and check a given state sequence is a run.

The engine keeps only one successor ordinal per state, so a trace is rebuilt here by
replaying `init_states()` and `labelled_successors()`. Replay also double-checks the model:
each labelled successor must equal (by fingerprint) the same ordinal of `next_states`, and the
last state must show what the discovery claims; a mismatch means the compiled model is not
deterministic and raises ReplayError (a bug in verikit, not in the spec).

A liveness discovery is a lasso, confirmed as a whole: the loop closes (or the behavior may
stutter at its end), it is fair, and the property fails on it as its kind says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import CompiledModel, Predicate, State, Successor
from verikit.core.model import LIVENESS_KINDS, Fairness, Model, Property, obligation_key
from verikit.engine.result import Discovery
from verikit.engine.search import initial_states
from verikit.errors import SpecFault
from verikit.trace import display
from verikit.trace.trace import Envelope, Step, Trace


class ReplayError(Exception):
    """A path does not replay the way the search saw it."""


def replay(compiled: CompiledModel, discovery: Discovery) -> Trace:
    """The Trace of `discovery`: one Step per state of its path (none for an unreached
    `reachable`)."""
    model = compiled.model
    steps: list[Step] = []
    taken: list[Successor] = []  # taken[i] led to steps[i + 1]
    if discovery.path:
        state = _initial(compiled, discovery.path[0])
        steps.append(Step(0, "init", "init", None, (), None, state,
                          display.initial_values(model, state)))  # fmt: skip
        for index, ordinal in enumerate(discovery.path[1:], 1):
            succ = _successor(compiled, state, ordinal, index)
            steps.append(_step(compiled, index, state, succ))
            taken.append(succ)
            state = succ.state
        before = steps[-2].state if len(steps) > 1 else None  # an action property's step
        _confirm(compiled, discovery, state, before)
    trigger = None
    if discovery.kind in LIVENESS_KINDS:
        trigger = _confirm_lasso(compiled, discovery, [s.state for s in steps], taken)
    return Trace(
        spec=model.name,
        steps=tuple(steps),
        property=discovery.property,
        kind=discovery.kind,
        fault=discovery.fault,
        loop_start=discovery.loop_start,
        evidence=_evidence(compiled, discovery, steps),
        trigger=trigger,
    )


def _initial(compiled: CompiledModel, ordinal: int) -> State:
    """The initial state at `ordinal`, generating no more of them than that (a spec may have
    10^9 initial states and a path needs one)."""
    states, _ = initial_states(compiled, max(ordinal, 0))
    if not 0 <= ordinal < len(states):
        raise ReplayError(f"initial state {ordinal} does not exist ({len(states)} initial states)")
    return states[ordinal]


# A recorded first state is looked for among at most this many initial states: a spec with
# more (10^9 are easy to write) would otherwise hang the replay of a trace that is not a run.
INITIAL_LOOKUP_LIMIT = 1_000_000
CLOSEST_LIMIT = 10_000  # candidates compared to name the closest


def _initial_options(compiled: CompiledModel, state: State) -> tuple[list[State], int | None, str]:
    """Initial states generated until `state` is among them (its position) or the lookup
    limit is passed; the last item says so when the limit cut the lookup short."""
    found: list[State] = []
    seen: set[State] = set()
    block = compiled.init_block
    if block is None:
        found = compiled.init_states()
        return found, next((k for k, s in enumerate(found) if s == state), None), ""

    def admit(candidate: State) -> None:
        if candidate not in seen:
            seen.add(candidate)
            found.append(candidate)
            if candidate == state or len(found) > INITIAL_LOOKUP_LIMIT:
                raise _Stop

    try:
        block(admit)
    except _Stop:
        if found[-1] == state:
            return found, len(found) - 1, ""
        del found[INITIAL_LOOKUP_LIMIT:]
        return found, None, f" among the spec's first {INITIAL_LOOKUP_LIMIT:,} (it has more)"
    return found, None, ""


class _Stop(BaseException):
    """Enough initial states were generated (a BaseException, so that generated code passes
    it on rather than reporting it as a fault)."""


def _successor(compiled: CompiledModel, state: State, ordinal: int, index: int) -> Successor:
    labelled = compiled.labelled_successors(state)
    plain = _quiet_next_states(compiled, state)
    if len(labelled) != len(plain) or not 0 <= ordinal < len(labelled):
        raise ReplayError(
            f"step {index}: successor {ordinal} of {len(plain)} "
            f"({len(labelled)} labelled) does not exist"
        )
    fp = compiled.fingerprint
    if fp(labelled[ordinal].state) != fp(plain[ordinal]):
        raise ReplayError(f"step {index}: labelled successor {ordinal} differs from next_states")
    return labelled[ordinal]


def _quiet_next_states(compiled: CompiledModel, state: State) -> list[State]:
    """next_states without disturbing the per-action counters of the last search."""
    hits = list(compiled.action_hits)
    try:
        return compiled.next_states(state)
    finally:
        compiled.action_hits[:] = hits


def _step(compiled: CompiledModel, index: int, old: State, succ: Successor) -> Step:
    model = compiled.model
    action = model.actions[succ.action]
    node, params, message = display.describe(model, succ, old)
    envelope = message if isinstance(message, Envelope) else None
    return Step(
        index=index,
        action=action.name,
        kind=action.kind,
        node=node,
        params=params,
        message=None if message is None else str(message),
        state=succ.state,
        changes=display.changes(model, old, succ.state),
        envelope=envelope,
        sent=display.sent(model, action, old, succ.state),
    )


def _confirm(
    compiled: CompiledModel, discovery: Discovery, state: State, before: State | None = None
) -> None:
    """The last state shows what the discovery says (an action property: the last step), or
    the model replays differently."""
    holds = {p.name: f for p, f in compiled.properties if p.name == discovery.property}
    if discovery.kind == "step":
        _confirm_step(discovery.property, holds.get(discovery.property), before, state)
    match discovery.kind:
        case "invariant" if holds and holds[discovery.property](state):
            raise ReplayError(f"invariant {discovery.property} holds at the end of its path")
        case "reachable" if holds and not holds[discovery.property](state):
            raise ReplayError(f"reachable {discovery.property} is false at the end of its path")
        case "deadlock" if _quiet_next_states(compiled, state):
            raise ReplayError("the last state of a deadlock has successors")
        case "fault" if not _faults_at(compiled, discovery.property, state):
            raise ReplayError(f"{discovery.property} does not fault at the end of its path")


def _confirm_step(
    name: str, holds: Predicate | None, before: State | None, after: State
) -> None:
    """An action property fails on the path's last step (a step that changes the state)."""
    if before is None:
        raise ReplayError(f"action property {name}: its path has no step")
    if holds is not None and (before == after or holds(before + after)):
        raise ReplayError(f"action property {name} holds on the last step")


def _faults_at(compiled: CompiledModel, name: str, state: State) -> bool:
    """Does what `name` names fault on `state`? A fault's name is a property (its predicate,
    or a `leads_to`'s trigger), an action or "next" (the next-state relation); an action may
    share a property's name, so each reading is tried."""
    predicates: list[Predicate | None] = [f for p, f in compiled.properties if p.name == name]
    trigger = compiled.triggers.get(name)
    if trigger is not None:
        predicates.append(trigger)
    predicates.append(None)  # the next-state relation
    return any(_faults(compiled, predicate, state) for predicate in predicates)


def _faults(compiled: CompiledModel, predicate: Predicate | None, state: State) -> bool:
    """Does evaluating `predicate` (or, without one, the next-state relation) fault?"""
    try:
        if predicate is None:
            _quiet_next_states(compiled, state)
        else:
            predicate(state)
    except SpecFault:
        return True
    return False


def _evidence(
    compiled: CompiledModel, discovery: Discovery, steps: list[Step]
) -> tuple[tuple[str, str], ...]:
    """The values the property reads: at the end of the path, or where a lasso's loop starts
    (for `P leads_to Q`, those P and Q read)."""
    model = compiled.model
    if not steps:
        return ()
    if discovery.kind in LIVENESS_KINDS and discovery.loop_start is not None:
        prop = _property(model, discovery.property)
        if prop is None:
            return ()
        exprs = prop.expr if prop.trigger is None else (prop.trigger, prop.expr)
        return display.values_read(model, exprs, steps[discovery.loop_start].state)
    if discovery.kind not in ("invariant", "reachable"):
        return ()
    for prop in model.properties:
        if prop.name == discovery.property and discovery.kind in (prop.kind, "invariant"):
            return display.values_read(model, prop.expr, steps[-1].state)
    return ()


def _property(model: Model, name: str) -> Property | None:
    return next((p for p in model.properties if p.name == name), None)


# ---------------------------------------------------------------- lassos


def _confirm_lasso(
    compiled: CompiledModel, discovery: Discovery, states: list[State], taken: list[Successor]
) -> int | None:
    """Check a lasso the way its Discovery describes it; for `leads_to`, the step where P
    holds and Q never does again (the first such, so a reader sees it soonest)."""
    what = f"{discovery.kind} {discovery.property}"
    k, last = discovery.loop_start, len(states) - 1
    if k is None or not 0 <= k <= last:
        raise ReplayError(f"{what}: loop start {k} is not a state of its {len(states)}-state path")
    if k == last and _quiet_next_states(compiled, states[k]):
        raise ReplayError(f"{what}: the behavior cannot stutter in state {k}, it has successors")
    if k < last and states[last] != states[k]:
        raise ReplayError(f"{what}: the last state does not return to state {k}, the loop's start")
    _confirm_fair(compiled, states[k:last] or states[k:], taken[k:last], what)
    return _confirm_fails(compiled, discovery, states, k)


def _confirm_fails(
    compiled: CompiledModel, discovery: Discovery, states: list[State], k: int
) -> int | None:
    """The property fails on the lasso: Q (the property's predicate) is false on the loop,
    and also on the prefix for `eventually`; `eventually always Q` needs Q false somewhere
    on the loop; `P leads_to Q` needs a P state after which Q
    stays false. A property the model does not have (a saved trace of an older spec) is
    not checked."""
    holds = dict((p.name, f) for p, f in compiled.properties).get(discovery.property)
    if holds is None:
        return None
    what = f"{discovery.kind} {discovery.property}"
    if discovery.kind == "eventually_always":  # the loop must pass a state where P is false
        if all(holds(s) for s in states[k:]):
            raise ReplayError(f"{what}: its predicate holds in every state of the loop")
        return None
    first = 0 if discovery.kind == "eventually" else k
    reached = next((i for i in range(first, len(states)) if holds(states[i])), None)
    if reached is not None:
        raise ReplayError(f"{what}: its predicate holds in state {reached} of the lasso")
    if discovery.kind != "leads_to":
        return None
    trigger = compiled.triggers.get(discovery.property)
    if trigger is None:
        raise ReplayError(f"{what}: the model has no compiled trigger (the P of P leads_to Q)")
    since = len(states)  # Q is false in states since..end
    while since > 0 and not holds(states[since - 1]):
        since -= 1
    found = next((i for i in range(since, len(states)) if trigger(states[i])), None)
    if found is None:
        raise ReplayError(f"{what}: no state of the lasso has P with Q false from there on")
    return found


def _confirm_fair(
    compiled: CompiledModel, loop: list[State], steps: list[Successor], what: str
) -> None:
    """No fairness obligation is starved on the loop: a weak one enabled in every loop state,
    a strong one in some, must be taken by some step of the loop. Only a step that changes
    the state enables or takes an obligation (TLA+'s `<<A>>_vars`): a self-loop does
    neither. A stuttering end has no step and nothing enabled, so it is always fair."""
    if not steps:
        return
    model = compiled.model
    fp = compiled.fingerprint
    outgoing = [
        [x for x in compiled.labelled_successors(state) if fp(x.state) != fp(state)]
        for state in loop
    ]
    moves = [x for x, state in zip(steps, loop, strict=True) if fp(x.state) != fp(state)]
    for decl in model.fairness:
        enabled = [{_obligation(model, decl, x) for x in out if x.action in decl.actions}
                   for out in outgoing]  # fmt: skip
        done = {_obligation(model, decl, x) for x in moves if x.action in decl.actions}
        starved = (set.union if decl.strong else set.intersection)(*enabled) - done
        if starved:
            shown = sorted(_show_obligation(model, decl, key) for key in starved)
            which = f" for {shown[0]}" if decl.per != "action" else ""
            where = "some" if decl.strong else "every"
            raise ReplayError(f"{what}: the loop is unfair: `{decl.text}`{which} is enabled "
                              f"in {where} state of the loop and never taken")  # fmt: skip


def _show_obligation(model: Model, decl: Fairness, key: Any) -> str:
    """An obligation's key as the spec would write it (a node, a message in flight, or the
    parameter values of `fair action X(p, q)`: `p = 1, q = 2`)."""
    for index in decl.actions:
        action = model.actions[index]
        params = [p for n in decl.key_names(action) for p in action.params if p.name == n]
        if len(params) == 1 and decl.per != "params":
            return display.show(params[0].type, key)
        if params:
            values = key if len(params) > 1 else (key,)
            return ", ".join(f"{p.name} = {display.show(p.type, v)}"
                             for p, v in zip(params, values, strict=True))  # fmt: skip
    return repr(key)


def _obligation(model: Model, decl: Fairness, succ: Successor) -> Any:
    """The key of the obligation of `decl` a transition belongs to (see Fairness)."""
    return obligation_key(succ.params, decl.key_positions(model.actions[succ.action]))


# ---------------------------------------------------------------- checking a given run


@dataclass(frozen=True)
class ReplayResult:
    """Whether `states` is a run of the model. `path` is the Discovery-style path of the
    longest prefix that is one; `failed_at` the index of the first state that is not (or,
    for a lasso that does not close, the state that breaks the loop)."""

    ok: bool
    path: tuple[int, ...]
    failed_at: int | None = None
    reason: str | None = None  # why state `failed_at` is not a step, in words

    @property
    def message(self) -> str:
        """The outcome in words (the reason of a failure)."""
        return self.reason or f"a run of {len(self.path)} states"


def replay_states(
    compiled: CompiledModel, states: Sequence[State], loop: int | None = None
) -> ReplayResult:
    """Confirm states[0] is an initial state and each next state a successor of the one
    before (e.g. a trace read back from ITF). With `loop`, the states are a lasso (see
    Discovery.loop_start): the last state must equal state `loop`, or, when `loop` is the
    last state, have no successor at all."""
    run = _replay_run(compiled, states)
    if not run.ok or loop is None:
        return run
    last = len(states) - 1
    if not 0 <= loop <= last:
        return ReplayResult(False, run.path, last, f"the loop starts at state {loop}, "
                            f"but the trace has states 0 to {last}")  # fmt: skip
    if loop < last and states[last] != states[loop]:
        reason = f"the last state ({last}) is not state {loop}, where the loop starts"
        return ReplayResult(False, run.path, last, reason)
    if loop == last:
        try:
            stuck = not compiled.labelled_successors(states[last])
        except SpecFault as fault:
            return ReplayResult(False, run.path, last, f"state {last} faults: {fault}")
        if not stuck:
            reason = f"state {last} has successors, so the behavior cannot stutter there"
            return ReplayResult(False, run.path, last, reason)
    return run


def _replay_run(compiled: CompiledModel, states: Sequence[State]) -> ReplayResult:
    if not states:
        return ReplayResult(False, (), 0, "the trace has no states")
    path: list[int] = []
    options, found, cut = _initial_options(compiled, states[0])
    labelled: list[Successor] = []
    for index, state in enumerate(states):
        if index > 0:
            found = next((k for k, s in enumerate(options) if s == state), None)
        if found is None:
            what = f"an initial state{cut}" if index == 0 else f"a successor of state {index - 1}"
            closest = _closest(compiled.model, state, options, labelled)
            return ReplayResult(False, tuple(path), index, f"state {index} is not {what}{closest}")
        path.append(found)
        if index + 1 < len(states):
            try:
                labelled = compiled.labelled_successors(state)
                options = [succ.state for succ in labelled]
            except SpecFault as fault:
                reason = f"state {index} has no successors: {fault}"
                return ReplayResult(False, tuple(path), index + 1, reason)
    return ReplayResult(True, tuple(path))


def _closest(
    model: Model, state: State, options: Sequence[State], labelled: Sequence[Successor]
) -> str:
    """Why a recorded state is not among `options` (a changed spec, usually): the option
    closest to it (fewest differing variables), its action, and the first variable that
    differs, both values shown."""
    if not options:
        return ": the state before it has no successors"

    def differing(option: State) -> list[tuple[str, str, str]]:
        return [(name, display.show(t, mine), display.show(t, theirs))
                for var, a, b in zip(model.vars, state, option, strict=True) if a != b
                for (name, mine, t), (_, theirs, _) in zip(display.slot_values(var, a),
                                                          display.slot_values(var, b),
                                                          strict=True) if mine != theirs]  # fmt: skip
    candidates = range(min(len(options), CLOSEST_LIMIT))  # the first ones of 10^6 will do
    best = min(candidates, key=lambda k: len(differing(options[k])))
    diffs = differing(options[best])
    if not diffs:
        return ""
    name, mine, theirs = diffs[0]
    more = f" (and {len(diffs) - 1} more)" if len(diffs) > 1 else ""
    if labelled:
        succ = labelled[best]
        action = model.actions[succ.action]
        params = ", ".join(display.show(p.type, v)
                           for p, v in zip(action.params, succ.params, strict=True))  # fmt: skip
        by = f"the closest successor, by {action.name}{f'({params})' if params else ''},"
    else:
        by = "the closest initial state"
    return f": {by} differs first in {name}: the trace has {mine}, the spec gives {theirs}{more}"
