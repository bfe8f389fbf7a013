"""Rebuild full states from a Discovery's path, and check a given state sequence is a run.

The engine keeps only one successor ordinal per state, so a trace is rebuilt here by
replaying `init_states()` and `labelled_successors()`. Replay also double-checks the model:
each labelled successor must equal (by fingerprint) the same ordinal of `next_states`, and the
last state must show what the discovery claims; a mismatch means the compiled model is not
deterministic and raises ReplayError (a bug in verikit, not in the spec).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verikit.compile.compiled import CompiledModel, Predicate, State, Successor
from verikit.engine.result import Discovery
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
    if discovery.path:
        state = _initial(compiled, discovery.path[0])
        steps.append(Step(0, "init", "init", None, (), None, state,
                          display.initial_values(model, state)))  # fmt: skip
        for index, ordinal in enumerate(discovery.path[1:], 1):
            succ = _successor(compiled, state, ordinal, index)
            steps.append(_step(compiled, index, state, succ))
            state = succ.state
        _confirm(compiled, discovery, state)
    return Trace(
        spec=model.name,
        steps=tuple(steps),
        property=discovery.property,
        kind=discovery.kind,
        fault=discovery.fault,
        evidence=_evidence(compiled, discovery, steps),
    )


def _initial(compiled: CompiledModel, ordinal: int) -> State:
    states = compiled.init_states()
    if not 0 <= ordinal < len(states):
        raise ReplayError(f"initial state {ordinal} does not exist ({len(states)} initial states)")
    return states[ordinal]


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


def _confirm(compiled: CompiledModel, discovery: Discovery, state: State) -> None:
    """The last state shows what the discovery says, or the model replays differently."""
    holds = {p.name: f for p, f in compiled.properties if p.name == discovery.property}
    match discovery.kind:
        case "invariant" if holds and holds[discovery.property](state):
            raise ReplayError(f"invariant {discovery.property} holds at the end of its path")
        case "reachable" if holds and not holds[discovery.property](state):
            raise ReplayError(f"reachable {discovery.property} is false at the end of its path")
        case "deadlock" if _quiet_next_states(compiled, state):
            raise ReplayError("the last state of a deadlock has successors")
        case "fault" if not _faults(compiled, holds.get(discovery.property), state):
            raise ReplayError(f"{discovery.property} does not fault at the end of its path")


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
    if not steps or discovery.kind not in ("invariant", "reachable"):
        return ()
    for prop in compiled.model.properties:
        if prop.name == discovery.property and discovery.kind in (prop.kind, "invariant"):
            return display.values_read(compiled.model, prop.expr, steps[-1].state)
    return ()


# ---------------------------------------------------------------- checking a given run


@dataclass(frozen=True)
class ReplayResult:
    """Whether `states` is a run of the model. `path` is the Discovery-style path of the
    longest prefix that is one; `failed_at` the index of the first state that is not."""

    ok: bool
    path: tuple[int, ...]
    failed_at: int | None = None
    reason: str | None = None  # why state `failed_at` is not a step, in words

    @property
    def message(self) -> str:
        """The outcome in words (the reason of a failure)."""
        return self.reason or f"a run of {len(self.path)} states"


def replay_states(compiled: CompiledModel, states: Sequence[State]) -> ReplayResult:
    """Confirm states[0] is an initial state and each next state a successor of the one
    before (e.g. a trace read back from ITF)."""
    if not states:
        return ReplayResult(False, (), 0, "the trace has no states")
    path: list[int] = []
    options = compiled.init_states()
    for index, state in enumerate(states):
        found = next((k for k, s in enumerate(options) if s == state), None)
        if found is None:
            what = "an initial state" if index == 0 else f"a successor of state {index - 1}"
            return ReplayResult(False, tuple(path), index, f"state {index} is not {what}")
        path.append(found)
        if index + 1 < len(states):
            try:
                options = [succ.state for succ in compiled.labelled_successors(state)]
            except SpecFault as fault:
                reason = f"state {index} has no successors: {fault}"
                return ReplayResult(False, tuple(path), index + 1, reason)
    return ReplayResult(True, tuple(path))
