"""A trace as a message sequence chart, in plain data: lanes, rows and message arrows.

Kept apart from Graphviz so the story a diagram tells (who sent what, which message was lost,
which one is still in flight) is computed and tested once; `dot.py` only draws it.

Messages are found by diffing the network slot between consecutive states, so every arrow
goes from the row where its envelope appeared to the row where it disappeared: an envelope
that appears is a send by the step's node (or, in a duplicate step, a copy of one already in
flight); one that disappears is delivered (a receive) or lost (a drop, or a crash that takes
the node's messages with it). Envelopes still in the network at the end are in flight.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import State
from verikit.core.model import Model
from verikit.core.types import MISSING, BagType, MapType, SeqType, SetType, Type, domain, node_name
from verikit.trace import display
from verikit.trace.text import describe, headline
from verikit.trace.trace import Envelope, Step, Trace

# The lane of global variables: the only lane of a spec without nodes, else the last one.
GLOBAL_LANES = ("state", "globals")


@dataclass(frozen=True)
class Arrow:
    """One message: sent in row `sent` from lane `src`, ended in row `ended` at lane `dst`
    (None: still in flight when the trace ends). `copied` is the row where a duplicate step
    made this copy of a message sent in row `sent`; a copy is drawn from there."""

    src: int
    dst: int
    sent: int
    ended: int | None
    fate: str  # "delivered" | "lost" | "in flight"
    label: str
    copied: int | None = None

    @property
    def start(self) -> int:
        """The row the arrow is drawn from."""
        return self.sent if self.copied is None else self.copied


@dataclass(frozen=True)
class Row:
    """One step. `lane` is the acting node's lane (None for the network and for init);
    `notes[i]` are the changes shown in lane i (`var: old → new`), `other` the changes of
    no lane (the partition; global variables of a node-style spec)."""

    index: int
    kind: str
    title: str
    lane: int | None
    notes: tuple[tuple[str, ...], ...]
    other: tuple[str, ...]
    down: frozenset[int]  # lanes whose node is crashed after this step


@dataclass(frozen=True)
class Chart:
    """`final[i]` is lane i's state at the end: (variable, value, read by the property)."""

    headline: str
    lanes: tuple[str, ...]
    rows: tuple[Row, ...]
    arrows: tuple[Arrow, ...]
    final: tuple[tuple[tuple[str, str, bool], ...], ...]
    verdict: str
    loop_start: int | None = None  # a lasso: the rows after it repeat forever (see Trace)
    trigger: int | None = None  # leads_to: the row where P holds


def build_chart(trace: Trace, model: Model) -> Chart:
    lanes = lane_names(model)
    rows = tuple(_rows(trace, model, lanes))
    chart = Chart(
        headline=headline(trace),
        lanes=lanes,
        rows=rows,
        arrows=message_arrows(trace, model, lanes),
        final=_final(trace, model, lanes),
        verdict=verdict(trace),
        loop_start=trace.loop_start,
        trigger=trace.trigger,
    )
    return without_idle_globals(chart)


def without_idle_globals(chart: Chart) -> Chart:
    """The chart without its `globals` lane when nothing happens there: no step after the
    initial state changes a global and the property reads none. Such a lane was a column of
    dots; its initial values are told once, beside the initial state."""
    idle = len(chart.lanes) - 1
    if chart.lanes[idle] != GLOBAL_LANES[1] or not chart.rows or _busy(chart, idle):
        return chart
    first = chart.rows[0]
    rows = [dataclasses.replace(first, notes=first.notes[:idle],
                                other=first.other + first.notes[idle])]  # fmt: skip
    rows += [dataclasses.replace(row, notes=row.notes[:idle]) for row in chart.rows[1:]]
    return dataclasses.replace(
        chart, lanes=chart.lanes[:idle], rows=tuple(rows), final=chart.final[:idle]
    )


def _busy(chart: Chart, lane: int) -> bool:
    acts = any(row.lane == lane for row in chart.rows)
    changes = any(row.notes[lane] for row in chart.rows[1:])
    messages = any(lane in (a.src, a.dst) for a in chart.arrows)
    read = lane < len(chart.final) and any(read for _, _, read in chart.final[lane])
    return acts or changes or messages or read


def lane_names(model: Model) -> tuple[str, ...]:
    """One lane per node (every node of every group); one lane for a spec without nodes, or
    an extra one when a node-style spec also has global variables."""
    nodes = tuple(node_name(model.nodes, i) for g in model.nodes for i in g.ids)
    has_globals = any(v.owner is None and v.role == "user" for v in model.vars)
    if not nodes:
        return (GLOBAL_LANES[0],)
    return nodes + (GLOBAL_LANES[1],) if has_globals else nodes


def verdict(trace: Trace) -> str:
    match trace.kind:
        case "invariant":
            return f"✗ invariant {trace.property} violated"
        case "step":
            return f"✗ action property {trace.property} violated by the last step"
        case "reachable" if not trace.steps:
            return f"✗ reachable {trace.property} is never reached: the spec may be vacuous"
        case "reachable":
            return f"✓ reachable {trace.property} reached"
        case "deadlock":
            return "✗ deadlock: no action can happen"
        case "fault":
            reason = f": {trace.fault.message}" if trace.fault is not None else ""
            return f"✗ runtime fault in {trace.property}{reason}"
        case "eventually":
            return f"✗ eventually {trace.property} violated: never reached"
        case "always_eventually":
            return f"✗ always eventually {trace.property} violated: reached only finitely often"
        case "eventually_always":
            return f"✗ eventually always {trace.property} violated: false again and again"
        case "leads_to":
            when = "" if trace.trigger is None else f" at step {trace.trigger}"
            return f"✗ leads_to {trace.property} violated: triggered{when}, its goal never follows"
    return f"{trace.kind} {trace.property}"


# ---------------------------------------------------------------- rows


def _rows(trace: Trace, model: Model, lanes: tuple[str, ...]) -> Iterator[Row]:
    lane_of = {name: i for i, name in enumerate(lanes)}
    down: frozenset[int] = frozenset()
    for step in trace.steps:
        lane = _acting_lane(step, lane_of)
        if lane is not None and step.kind in ("crash", "restart"):
            down = down | {lane} if step.kind == "crash" else down - {lane}
        notes: list[list[str]] = [[] for _ in lanes]
        other: list[str] = []
        for change in step.changes:
            if _is_network(model, change.var):
                continue  # told by the arrows
            owner, var = _owner(change.var, lane_of)
            text = (
                f"{var} = {change.new}"
                if change.old is None
                else (f"{var}: {change.old} → {change.new}")
            )
            (other if owner is None else notes[owner]).append(text)
        yield Row(
            index=step.index,
            kind=step.kind,
            title=_title(step),
            lane=lane,
            notes=tuple(tuple(n) for n in notes),
            other=tuple(other),
            down=down,
        )


def _acting_lane(step: Step, lane_of: dict[str, int]) -> int | None:
    if step.node is not None:
        return lane_of.get(step.node)
    if step.kind == "action":
        return _global_lane(lane_of)  # a global action: the whole system acts
    return None


def _owner(var: str, lane_of: dict[str, int]) -> tuple[int | None, str]:
    """The lane a displayed variable belongs to, and its name within the lane."""
    node, dot, name = var.rpartition(".")
    if dot and node in lane_of:
        return lane_of[node], name
    return _global_lane(lane_of), var


def _global_lane(lane_of: dict[str, int]) -> int | None:
    return next((lane_of[name] for name in GLOBAL_LANES if name in lane_of), None)


def _title(step: Step) -> str:
    """What the step did, without the acting node (its lane says who)."""
    match step.kind:
        case "init":
            return "initial state"
        case "receive" if step.envelope is not None:
            return f"receive {step.envelope.body}"
        case "drop" | "duplicate" if step.envelope is not None:
            verb = "lost" if step.kind == "drop" else "duplicated"
            return f"{verb}: {step.envelope}"
        case "crash" | "restart":
            return step.kind
    text = describe(step)
    return text.removeprefix(f"{step.node} ") if step.node else text


def _final(
    trace: Trace, model: Model, lanes: tuple[str, ...]
) -> tuple[tuple[tuple[str, str, bool], ...], ...]:
    """Each lane's variables at the end, those the violated property reads marked."""
    out: list[list[tuple[str, str, bool]]] = [[] for _ in lanes]
    if not trace.steps:
        return ()
    lane_of = {name: i for i, name in enumerate(lanes)}
    evidence = {name for name, _ in trace.evidence}
    for change in display.initial_values(model, trace.steps[-1].state):
        if _is_network(model, change.var):
            continue
        owner, var = _owner(change.var, lane_of)
        if owner is not None:
            out[owner].append((var, change.new, change.var in evidence))
    return tuple(tuple(values) for values in out)


def _is_network(model: Model, name: str) -> bool:
    return model.network is not None and name == display.var_name(model.vars[model.network.slot])


# ---------------------------------------------------------------- messages


def message_arrows(trace: Trace, model: Model, lanes: tuple[str, ...]) -> tuple[Arrow, ...]:
    """Pair each envelope's appearance with its disappearance, oldest first (FIFO order)."""
    lane_of = {name: i for i, name in enumerate(lanes)}
    arrows: list[Arrow] = []
    pending: dict[Envelope, list[int]] = defaultdict(list)  # envelope -> open arrows
    before: Counter[Envelope] = Counter()
    for row, step in enumerate(trace.steps):
        now = in_flight(model, step.state)
        fate = "delivered" if step.kind == "receive" else "lost"
        for env in _ordered(before - now):
            if pending[env]:
                i = pending[env].pop(0)
                arrows[i] = _end(arrows[i], row, fate)
        for env in _ordered(now - before):
            src, dst = lane_of.get(env.src, 0), lane_of.get(env.dst, 0)
            if step.kind == "duplicate" and pending[env]:
                original = arrows[pending[env][0]]
                arrow = Arrow(src, dst, original.sent, None, "in flight", env.body, copied=row)
            else:
                arrow = Arrow(src, dst, row, None, "in flight", env.body)
            pending[env].append(len(arrows))
            arrows.append(arrow)
        before = now
    return tuple(arrows)


def _end(arrow: Arrow, row: int, fate: str) -> Arrow:
    return Arrow(arrow.src, arrow.dst, arrow.sent, row, fate, arrow.label, arrow.copied)


def _ordered(envelopes: Counter[Envelope]) -> list[Envelope]:
    return sorted(envelopes.elements(), key=lambda e: (e.src, e.dst, e.body))


def in_flight(model: Model, state: State) -> Counter[Envelope]:
    """The network slot as a multiset of envelopes, whatever its layout: a bag (or set) of
    `(src, dst, message)` entries, or FIFO channels (a map from channel to a sequence)."""
    if model.network is None:
        return Counter()
    var = model.vars[model.network.slot]
    value = state[model.network.slot]
    match var.type:
        case BagType(elem=elem):
            return Counter({_envelope(elem, e): n for e, n in value})
        case SetType(elem=elem):
            return Counter(_envelope(elem, e) for e in value)
        case MapType(key=key, value=SeqType(elem=msg_type)):
            return Counter(_fifo_envelopes(key, msg_type, value))
    return Counter()


def _envelope(entry_type: Type, entry: Any) -> Envelope:
    env = display.envelope(entry_type, entry)
    return env or Envelope(display.show(entry_type, entry), "?", "?")


def _fifo_envelopes(key: Type, msg_type: Type, channels: Any) -> Iterator[Envelope]:
    for channel, queue in zip(domain(key), channels, strict=True):
        if queue is MISSING:
            continue
        src, dst = (display.show(key, channel), "?")
        if isinstance(channel, tuple) and len(channel) == 2:
            src, dst = (_node(key, 0, channel[0]), _node(key, 1, channel[1]))
        for message in queue:
            yield Envelope(display.message_text(msg_type, message), src, dst)


def _node(key: Type, position: int, node_id: Any) -> str:
    """A channel end's display name; the channel key is a record (src, dst) of node ids."""
    fields = getattr(key, "fields", None)
    if fields is not None and len(fields) == 2:
        return display.show(fields[position][1], node_id)
    return str(node_id)
