"""How state slots, actions and network entries read in a trace.

A node's variable is one slot holding a map from node id to value; it is shown per node
(`Participant[2].state`), and only for the nodes whose value changed. Slots verikit adds
itself are told by the step instead: the network by its message and `sent` entries, crashes
and restarts by the action kind; only the current partition is shown as a variable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from verikit.compile.compiled import State, Successor
from verikit.core import ir
from verikit.core.model import Action, Model, Var
from verikit.core.types import (
    MISSING,
    BagType,
    MapType,
    MessageType,
    NodeType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
    format_value,
    ordinal,
)
from verikit.trace.trace import Change, Envelope

ABSENT = "—"  # a map slot without an entry
Params = tuple[tuple[str, str], ...]


def var_name(var: Var) -> str:
    return var.display or var.name


def slot_values(var: Var, value: Any, per_key: bool = False) -> Iterator[tuple[str, Any, Type]]:
    """(display name, raw value, type) of each displayed part of one slot: one per node for a
    node's variable, one per key for a global map when `per_key`, else the whole slot."""
    match var.type:
        case MapType(key=key, value=vt) if var.owner is not None:
            for node, v in zip(domain(key), value, strict=True):
                yield f"{format_value(key, node)}.{var_name(var)}", v, vt
        case MapType(key=key, value=vt) if per_key:
            for k, v in zip(domain(key), value, strict=True):
                yield f"{var_name(var)}[{format_value(key, k)}]", v, vt
        case t:
            yield var_name(var), value, t


def show(t: Type, value: Any) -> str:
    return ABSENT if value is MISSING else format_value(t, value)


def initial_values(model: Model, state: State) -> tuple[Change, ...]:
    return tuple(
        Change(name, None, show(t, v))
        for var, value in zip(model.vars, state, strict=True)
        if not _told_by_step(var)
        for name, v, t in slot_values(var, value)
    )


def changes(model: Model, old: State, new: State) -> tuple[Change, ...]:
    """The displayed parts that differ: per node, per map key, or the whole slot."""
    out = []
    for var, a, b in zip(model.vars, old, new, strict=True):
        if a == b or _told_by_step(var):
            continue
        parts = zip(slot_values(var, a, True), slot_values(var, b, True), strict=True)
        out += [_change(name, t, x, y) for (name, x, t), (_, y, _) in parts if x != y]
    return tuple(out)


def _change(name: str, t: Type, old: Any, new: Any) -> Change:
    """A Change; a set or bag also says what was added (`+ {…}`) and removed (`- {…}`)."""
    delta = None
    if isinstance(t, SetType | BagType) and MISSING not in (old, new):
        added, removed = _counts(t, new) - _counts(t, old), _counts(t, old) - _counts(t, new)
        parts = [(sign, items) for sign, items in (("+", added), ("-", removed)) if items]
        delta = " ".join(f"{sign} {show(t, _collection(t, items))}" for sign, items in parts)
    return Change(name, show(t, old), show(t, new), delta)


def _collection(t: Type, counts: Counter[Any]) -> frozenset[Any]:
    return frozenset(counts.items()) if isinstance(t, BagType) else frozenset(counts)


def values_read(
    model: Model, expr: ir.Expr | tuple[ir.Expr, ...], state: State
) -> tuple[tuple[str, str], ...]:
    """The displayed values of every slot `expr` (or any of several) reads, in slot order."""
    slots = sorted(slots_read(expr))
    return tuple(
        (name, show(t, v)) for i in slots for name, v, t in slot_values(model.vars[i], state[i])
    )


def slots_read(node: object) -> set[int]:
    """Indices of the StateVars in an IR expression or statement (any depth)."""
    match node:
        case ir.StateVar(index=index):
            return {index}
        case tuple():
            return set().union(*(slots_read(n) for n in node))
        case _ if type(node).__module__ == ir.__name__:
            skip = ("type", "span", "value") if isinstance(node, ir.Lit) else ("type", "span")
            names = [f for f in node.__dataclass_fields__ if f not in skip]  # type: ignore[attr-defined]
            return set().union(*(slots_read(getattr(node, f)) for f in names))
    return set()


# ---------------------------------------------------------------- actions and messages


def describe(
    model: Model, succ: Successor, old: State
) -> tuple[str | None, Params, Envelope | str | None]:
    """(acting node, other parameters, message) of one labelled successor of `old`."""
    action = model.actions[succ.action]
    values = {p.name: v for p, v in zip(action.params, succ.params, strict=True)}
    node: str | None = None
    message: Envelope | str | None = None
    params = []
    for param in action.params:
        value = values[param.name]
        if param.name == action.node_param:
            node = format_value(param.type, value)
        elif param.name == action.message_param:
            found = envelope(param.type, value) or _queued(model, value, values, old)
            message = found or format_value(param.type, value)
        else:
            params.append((param.name, format_value(param.type, value)))
    return node, tuple(params), message


def envelope(t: Type, entry: Any) -> Envelope | None:
    """A network entry `(src, dst, message)` as an Envelope (None for another shape)."""
    match t:
        case RecordType(fields=((_, NodeType() as st), (_, NodeType() as dt), (_, mt))):
            src, dst, msg = entry
            return Envelope(message_text(mt, msg), format_value(st, src), format_value(dt, dst))
    return None


def _queued(model: Model, channel: Any, values: dict[str, Any], old: State) -> Envelope | None:
    """The message a FIFO step acts on: the head of `channel`'s queue, or the one at
    `position` (1-based) for a drop or duplicate."""
    fifo, network = _fifo(model), _network(model)
    if fifo is None or network is None:
        return None
    key, msg_type = fifo
    queue = old[network[0]][ordinal(key, channel)]
    position = values.get("position", 1)
    if queue is MISSING or not 1 <= position <= len(queue):
        return None
    src, dst = _channel_ends(key, channel)
    return Envelope(message_text(msg_type, queue[position - 1]), src, dst)


def message_text(t: Type, value: Any) -> str:
    """`Vote { yes: true }`, but a message without fields is just its name: `Prepare`."""
    if isinstance(t, MessageType) and not t.variant(value[0]).fields:
        return str(value[0])
    return format_value(t, value)


def sent(model: Model, action: Action, old: State, new: State) -> tuple[Envelope, ...]:
    """Messages this step put in flight (what a send or broadcast did)."""
    if action.kind in ("drop", "duplicate") or model.network is None:
        return ()
    added = in_flight(model, new) - in_flight(model, old)
    return tuple(sorted(added.elements(), key=lambda e: (_natural(e.src), _natural(e.dst), e.body)))


def in_flight(model: Model, state: State) -> Counter[Envelope]:
    """The network slot as a multiset of envelopes, whatever its layout: a bag (or set) of
    `(src, dst, message)` entries, or FIFO queues (a map from (src, dst) channel to a seq)."""
    network = _network(model)
    if network is None:
        return Counter()
    value = state[network[0]]
    match network[1].type:
        case BagType(elem=elem):
            return Counter({_shown(elem, e): n for e, n in value})
        case SetType(elem=elem):
            return Counter(_shown(elem, e) for e in value)
    fifo = _fifo(model)
    out: Counter[Envelope] = Counter()
    if fifo is not None:
        key, msg_type = fifo
        for channel, queue in zip(domain(key), value, strict=True):
            src, dst = _channel_ends(key, channel)
            out.update(Envelope(message_text(msg_type, m), src, dst) for m in queue or ())
    return out


def _told_by_step(var: Var) -> bool:
    """Bookkeeping slots the step itself describes: the network (in a layout `in_flight`
    reads), crashes and restarts, counters of faults."""
    if var.role == "network":
        return _layout_known(var.type)
    return var.role in ("up", "crashes", "partitions", "duplicates")


def _layout_known(t: Type) -> bool:
    match t:
        case BagType() | SetType():
            return True
        case MapType(key=RecordType(fields=((_, NodeType()), (_, NodeType()))), value=SeqType()):
            return True
    return False


def _network(model: Model) -> tuple[int, Var] | None:
    """(slot, Var) of the in-flight messages, if the model has a network."""
    if model.network is not None:
        return model.network.slot, model.vars[model.network.slot]
    return next(((i, v) for i, v in enumerate(model.vars) if v.role == "network"), None)


def _fifo(model: Model) -> tuple[Type, Type] | None:
    """(channel type, message type) when the network is FIFO queues per channel."""
    network = _network(model)
    if network is not None and _layout_known(network[1].type):
        match network[1].type:
            case MapType(key=RecordType() as key, value=SeqType(elem=msg_type)):
                return key, msg_type
    return None


def _channel_ends(key: Type, channel: Any) -> tuple[str, str]:
    assert isinstance(key, RecordType)
    (_, st), (_, dt) = key.fields
    return format_value(st, channel[0]), format_value(dt, channel[1])


def _shown(entry_type: Type, entry: Any) -> Envelope:
    return envelope(entry_type, entry) or Envelope(format_value(entry_type, entry), "?", "?")


def _counts(t: Type, value: Any) -> Counter[Any]:
    return Counter(dict(value)) if isinstance(t, BagType) else Counter(value)


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts `Participant[2]` before `Participant[10]`."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))
