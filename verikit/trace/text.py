"""A Trace as text for the terminal: a headline, numbered steps, and why the property breaks.

TwoPhaseCommit: invariant Atomicity is violated after 6 steps
 0. initial state
      Coordinator.phase = Init
 1. Coordinator begin
      phase: Init → Waiting
      sends Prepare to Participant[1]
 2. Participant[2] receives Prepare from Coordinator
      state: Working → Prepared
 3. network drops Vote { yes: true } Participant[1] → Coordinator
Atomicity is false because
      Participant[1].state = Committed
      Participant[2].state = Aborted
"""

from __future__ import annotations

from verikit.trace.trace import Change, Envelope, Step, Trace

INDENT = " " * 6
WIDE = 48  # old + new text longer than this: a set shows what was added and removed instead


def render(trace: Trace) -> str:
    """The whole trace as text (exported as `verikit.trace.render_text`)."""
    lines = [headline(trace)]
    width = len(str(len(trace.steps) - 1))
    for step in trace.steps:  # step 0 is the initial state, so "after 3 steps" ends at 3.
        lines.append(f"{step.index:>{width + 1}}. {describe(step)}")
        lines += [INDENT + _change(step, c) for c in step.changes]
        lines += [INDENT + _send(step, e) for e in step.sent]
    lines += _ending(trace)
    return "\n".join(lines)


render_text = render


def headline(trace: Trace) -> str:
    moves = len(trace.steps) - 1
    after = f" after {moves} step{'s' if moves > 1 else ''}" if moves > 0 else ""
    match trace.kind:
        case "invariant":
            what = f"invariant {trace.property} is violated{after}"
        case "reachable" if not trace.steps:
            what = f"reachable {trace.property} is never reached: the spec may be vacuous"
        case "reachable":
            what = f"reachable {trace.property} is reached{after}"
        case "deadlock":
            what = f"deadlock{after}: no action can happen and no terminal condition holds"
        case "fault":
            what = f"runtime fault in {trace.property}{after}"
        case other:
            what = f"{other} {trace.property}"
    return f"{trace.spec}: {what}"


def describe(step: Step) -> str:
    """What happened in one step, in words: `Participant[2] receives Prepare from Coordinator`."""
    who = step.node or "network"
    args = ", ".join(f"{n}: {v}" for n, v in step.params)
    match step.kind:
        case "init":
            return "initial state"
        case "receive" if step.envelope is not None:
            return f"{who} receives {step.envelope.body} from {step.envelope.src}"
        case "receive":
            return f"{who} receives {step.message}"
        case "drop" | "duplicate":
            verb = "drops" if step.kind == "drop" else "duplicates"
            return f"network {verb} {step.message}"
        case "crash":
            return f"{who} crashes"
        case "restart":
            return f"{who} restarts"
        case "partition":
            return f"network partitions ({args})" if args else "network partitions"
        case "heal":
            return "network heals"
    name = step.action.rsplit(".", 1)[-1] if step.node else step.action
    call = f"{name}({args})" if args else name
    return f"{step.node} {call}" if step.node else call


def _change(step: Step, change: Change) -> str:
    """`state: Working → Prepared`; a large set shows only its delta: `msgs: + {…}`."""
    own = f"{step.node}."
    name = change.var[len(own) :] if step.node and change.var.startswith(own) else change.var
    if change.old is None:
        return f"{name} = {change.new}"
    if change.delta and len(change.old) + len(change.new) > WIDE:
        return f"{name}: {change.delta}"
    return f"{name}: {change.old} → {change.new}"


def _send(step: Step, envelope: Envelope) -> str:
    if envelope.src == step.node:
        return f"sends {envelope.body} to {envelope.dst}"
    return f"sends {envelope}"


def _ending(trace: Trace) -> list[str]:
    out = []
    if trace.kind == "fault" and trace.fault is not None:
        out.append(f"{trace.fault.span}: {trace.fault.message}")
    elif trace.evidence:
        verdict = "is false" if trace.kind == "invariant" else "holds"
        out.append(f"{trace.property} {verdict} because")
        out += [f"{INDENT}{name} = {value}" for name, value in trace.evidence]
    return out
