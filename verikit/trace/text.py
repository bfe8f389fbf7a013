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

A liveness counterexample is a lasso: the headline says how long its prefix is and which
steps repeat forever; a line marks where the loop starts and one closes it:

Queue: eventually Served violated: a fair behavior never reaches it — prefix of 1 step, then steps 2–3 repeat forever
 0. initial state
 1. Client request
    ── loop starts here ──
 2. Server retry
 3. Server back_off
    ↩ back to step 2
Served is false in every state; where the loop starts (step 1):
      Client.served = false
"""

from __future__ import annotations

from verikit.trace.trace import Change, Envelope, Step, Trace

INDENT = " " * 6
LIVENESS_WORDS = {"eventually": "eventually", "always_eventually": "always eventually",
                  "eventually_always": "eventually always", "leads_to": "leads_to"}  # fmt: skip
WIDE = 48  # old + new text longer than this: a set shows what was added and removed instead


def render(trace: Trace) -> str:
    """The whole trace as text (exported as `verikit.trace.render_text`)."""
    lines = [headline(trace)]
    width = len(str(len(trace.steps) - 1))
    for step in trace.steps:  # step 0 is the initial state, so "after 3 steps" ends at 3.
        lines.append(f"{step.index:>{width + 1}}. {describe(step)}")
        lines += [INDENT + _change(step, c) for c in step.changes]
        lines += [INDENT + _send(step, e) for e in step.sent]
        lines += [" " * (width + 3) + mark for mark in _lasso_marks(trace, step.index)]
    lines += _ending(trace)
    return "\n".join(lines)


render_text = render


def headline(trace: Trace) -> str:
    moves = len(trace.steps) - 1
    after = f" after {moves} step{'s' if moves > 1 else ''}" if moves > 0 else ""
    if trace.kind in LIVENESS_WORDS:
        return f"{trace.spec}: {_liveness(trace)}"
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
        case "step":
            what = f"action property {trace.property} is violated by step {moves}"
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
    elif trace.evidence and trace.kind in LIVENESS_WORDS and trace.loop_start is not None:
        out.append(_why_never(trace, trace.loop_start))
        out += [f"{INDENT}{name} = {value}" for name, value in trace.evidence]
    elif trace.evidence:
        verdict = "is false" if trace.kind == "invariant" else "holds"
        out.append(f"{trace.property} {verdict} because")
        out += [f"{INDENT}{name} = {value}" for name, value in trace.evidence]
    return out


# ---------------------------------------------------------------- lassos


def lasso_shape(loop_start: int, last: int) -> str:
    """`prefix of 5 steps, then steps 6–9 repeat forever` (the last state is state 5 again),
    or `…, then stutters forever in step 5: no action is enabled` when 5 is the last."""
    s = "s" if loop_start > 1 else ""
    prefix = f"prefix of {loop_start} step{s}, then " if loop_start else ""
    if loop_start == last:
        where = f"in step {last}" if last else "in the initial state"
        return f"{prefix}stutters forever {where}: no action is enabled"
    first = loop_start + 1
    loop = f"step {first} repeats" if first == last else f"steps {first}–{last} repeat"
    return f"{prefix}{loop} forever"


def _liveness(trace: Trace) -> str:
    name = f"{LIVENESS_WORDS[trace.kind]} {trace.property} violated"
    match trace.kind:
        case "eventually":
            what = f"{name}: a fair behavior never reaches it"
        case "always_eventually":
            what = f"{name}: a fair behavior reaches it only finitely often"
        case "eventually_always":
            what = f"{name}: in a fair behavior it is false again and again"
        case _ if trace.trigger is not None:
            what = (
                f"{name}: triggered at step {trace.trigger}, a fair behavior never reaches its goal"
            )
        case _:
            what = f"{name}: a fair behavior never reaches its goal after its trigger"
    if trace.loop_start is None or not trace.steps:
        return what
    return f"{what} — {lasso_shape(trace.loop_start, len(trace.steps) - 1)}"


def _lasso_marks(trace: Trace, index: int) -> list[str]:
    """The lines after step `index` that show the lasso: where leads_to was triggered, where
    the loop starts, where it closes (or where the behavior stutters)."""
    start, last = trace.loop_start, len(trace.steps) - 1
    if start is None:
        return []
    marks = []
    if index == trace.trigger:
        marks.append(f"── {trace.property} triggered here: its goal never holds after ──")
    if index == start == last:
        marks.append("── stutters here forever: no action is enabled ──")
    elif index == start:
        marks.append("── loop starts here ──")
    elif index == last:
        marks.append(f"↩ back to step {start + 1}")
    return marks


def _why_never(trace: Trace, start: int) -> str:
    """The sentence before a lasso's evidence (the values where its loop starts)."""
    stutters = start == len(trace.steps) - 1
    where = "where the behavior stutters" if stutters else "where the loop starts"
    where = f"{where} (step {start})"
    match trace.kind:
        case "eventually":
            return f"{trace.property} is false in every state; {where}:"
        case "always_eventually":
            return f"{trace.property} is false from step {start} on; {where}:"
        case "eventually_always":
            return f"{trace.property} is false at some step of the loop; {where}:"
    since = start if trace.trigger is None else trace.trigger
    return f"{trace.property}: its goal is false from step {since} on; {where}:"
