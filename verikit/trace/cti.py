"""A counterexample to induction (from `prove`) for people: the state before, the step, and
why the property fails after it.

    Atomicity: a state satisfying the lemmas and the property steps to one violating it
      before (satisfies Atomicity, OutcomeOnlyWhenDone):
          Coordinator.phase = Done
          Participant[1].state = Committed
          Participant[2].state = Prepared
          in flight: Outcome { decision: Abort } Coordinator → Participant[2]
      step: Participant[2] receives Outcome { decision: Abort } from Coordinator
          state: Prepared → Aborted
      Atomicity is false after it because
          Participant[1].state = Committed
          Participant[2].state = Aborted

The step is confirmed with the compiled model, as a trace's steps are: the state after must
be a successor of the state before by the action Z3 named, else ReplayError (a disagreement
between the two back ends, a bug in verikit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core import ir
from verikit.core.model import SAFETY_KINDS, Model
from verikit.core.types import within_type
from verikit.errors import SpecFault
from verikit.symbolic.proof import Outcome
from verikit.trace import display, text
from verikit.trace.replay import ReplayError
from verikit.trace.trace import Change, Envelope, Step


@dataclass(frozen=True)
class CtiView:
    """What the text and JSON reports show of one counterexample to induction."""

    property: str
    assumed: tuple[str, ...]  # the properties the state before satisfies
    before: tuple[tuple[str, str], ...]  # every displayed part of the state before: name, value
    in_flight: tuple[tuple[Envelope, int], ...]  # messages in flight before, with their counts
    step: Step  # the action and what it changed
    evidence: tuple[tuple[str, str], ...]  # what the property reads, after the step
    path_length: int  # states in the path Z3 found (k + 1); only the last two are shown
    networked: bool  # the model has a network (so "nothing in flight" is worth saying)
    fault: str | None = None  # for "no runtime fault": where the state after the step faults


def cti_view(compiled: CompiledModel, outcome: Outcome) -> CtiView:
    """The view of a not inductive outcome's counterexample to induction."""
    model = compiled.model
    cti = outcome.cti
    assert cti is not None
    succ = _successor(compiled, cti.pre, cti.post, cti.action)
    expr = next((p.expr for p in model.properties if p.name == outcome.property), None)
    fault = _fault_at(compiled, cti.post) if outcome.kind == "fault" else None
    return CtiView(
        property=outcome.property,
        assumed=cti.assumed,
        before=_values(model, cti.pre, range(len(model.vars))),
        in_flight=_in_flight(model, cti.pre),
        step=_step(compiled, len(cti.states) - 1, cti.pre, succ),
        evidence=() if expr is None else _evidence(model, expr, cti.post),
        path_length=len(cti.states),
        networked=model.network is not None,
        fault=fault,
    )


def _fault_at(compiled: CompiledModel, state: State) -> str:
    """Where `state` faults: a property or a transition, evaluated as the explicit search
    does (constraints and invariants, then the successors); or which of its steps stores a
    value outside its type (not a fault for `check`, but more than Z3's layout holds)."""
    try:
        for _, holds in compiled.predicates("constraint", *SAFETY_KINDS):
            holds(state)
        successors = compiled.labelled_successors(state)
    except SpecFault as fault:
        return f"{fault.span}: {fault.message}"
    model = compiled.model
    for succ in successors:
        for var, value in zip(model.vars, succ.state, strict=True):
            if not within_type(var.type, value):
                shown = display.show(var.type, value)
                return (f"its step {model.actions[succ.action].name} stores "
                        f"{display.var_name(var)} = {shown}, a value outside its type (which "
                        "Z3's layout cannot hold)")  # fmt: skip
    raise ReplayError("Z3 says the state after the counterexample to induction faults; "
                      "the compiled model disagrees")  # fmt: skip


def _values(model: Model, state: State, slots: Iterable[int]) -> tuple[tuple[str, str], ...]:
    """Display name and value of every part of `slots`, bookkeeping (which nodes are up)
    included: a state out of nowhere has no steps to tell it. The network is listed apart."""
    return tuple(
        (name, display.show(t, v))
        for i in slots
        if model.vars[i].role != "network"
        for name, v, t in display.slot_values(model.vars[i], state[i])
    )


def _in_flight(model: Model, state: State) -> tuple[tuple[Envelope, int], ...]:
    counts = display.in_flight(model, state)
    return tuple(sorted(counts.items(), key=lambda item: str(item[0])))


def _evidence(model: Model, expr: ir.Expr, state: State) -> tuple[tuple[str, str], ...]:
    """The values `expr` reads after the step; the network, if it reads it, one message a line.
    (An action property reads slot i after the step as len(vars) + i: those are shown.)"""
    n = len(model.vars)
    slots = sorted({i % n for i in display.slots_read(expr)})
    out = _values(model, state, slots)
    if any(model.vars[i].role == "network" for i in slots):
        out += tuple(("in flight", _count(e, n)) for e, n in _in_flight(model, state))
    return out


def _count(envelope: Envelope, n: int) -> str:
    return str(envelope) if n == 1 else f"{n} × {envelope}"


def _step(compiled: CompiledModel, index: int, pre: State, succ: Successor) -> Step:
    model = compiled.model
    action = model.actions[succ.action]
    node, params, message = display.describe(model, succ, pre)
    return Step(
        index=index,
        action=action.name,
        kind=action.kind,
        node=node,
        params=params,
        message=None if message is None else str(message),
        state=succ.state,
        changes=display.changes(model, pre, succ.state),
        envelope=message if isinstance(message, Envelope) else None,
        sent=display.sent(model, action, pre, succ.state),
    )


def _successor(compiled: CompiledModel, pre: State, post: State, action: str) -> Successor:
    """The transition pre → post by `action` (any parameters), from the compiled model."""
    try:
        successors = compiled.labelled_successors(pre)
    except SpecFault as fault:
        raise ReplayError(
            f"the state before the counterexample to induction faults: {fault}"
        ) from None
    names = [compiled.model.actions[s.action].name for s in successors]
    found = [s for s, name in zip(successors, names, strict=True) if s.state == post]
    for succ in found:
        if compiled.model.actions[succ.action].name == action:
            return succ
    what = f"by {action}" if not found else f"by {action} (only by another action)"
    raise ReplayError(f"the counterexample to induction does not replay: the state after "
                      f"is not a successor of the state before {what}")  # fmt: skip


def render(view: CtiView, indent: str = "    ") -> str:
    """The state before, the step, and the values that break the property, as text."""
    deeper = indent + "    "
    assumed = ", ".join(view.assumed)
    earlier = view.path_length - 2
    if earlier:
        states = "state" if earlier == 1 else f"{earlier} distinct states"
        assumed += f"; so do{'es' if earlier == 1 else ''} the {states} Z3 found leading to it"
    lines = [f"{indent}before (satisfies {assumed}):"]
    lines += [f"{deeper}{name} = {value}" for name, value in view.before]
    lines += [f"{deeper}in flight: {_count(e, n)}" for e, n in view.in_flight]
    if view.networked and not view.in_flight:
        lines.append(f"{deeper}nothing in flight")
    lines.append(f"{indent}step: {text.describe(view.step)}")
    lines += [f"{deeper}{_change(c)}" for c in view.step.changes]
    lines += [f"{deeper}sends {e}" for e in view.step.sent]
    if view.fault is not None:
        lines.append(f"{indent}after it: {view.fault}")
        return "\n".join(lines)
    lines.append(f"{indent}{view.property} is false after it because")
    lines += [f"{deeper}{name} = {value}" for name, value in view.evidence]
    return "\n".join(lines)


def _change(change: Change) -> str:
    return f"{change.var}: {change.old} → {change.new}"
