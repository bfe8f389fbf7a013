"""How state slots, actions and network entries read in a trace.

A node's variable is one slot holding a map from node id to value; it is shown per node
(`Participant[2].state`), and only for the nodes whose value changed. Slots verikit adds
itself are told by the step instead: the network by its message and `sent` entries, crashes
and restarts by the action kind; only the current partition is shown as a variable.
"""

from __future__ import annotations

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
    SetType,
    Type,
    domain,
    format_value,
)
from verikit.trace.trace import Change, Envelope

ABSENT = "—"  # a map slot without an entry
Params = tuple[tuple[str, str], ...]


def var_name(var: Var) -> str:
    return var.display or var.name


def slot_values(var: Var, value: Any) -> Iterator[tuple[str, Any, Type]]:
    """(display name, raw value, type) of each displayed part of one slot."""
    match var.type:
        case MapType(key=key, value=vt) if var.owner is not None:
            for node, v in zip(domain(key), value, strict=True):
                yield f"{format_value(key, node)}.{var_name(var)}", v, vt
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
    out = []
    for var, a, b in zip(model.vars, old, new, strict=True):
        if a == b or _told_by_step(var):
            continue
        parts = zip(slot_values(var, a), slot_values(var, b), strict=True)
        out += [Change(name, show(t, x), show(t, y)) for (name, x, t), (_, y, _) in parts if x != y]
    return tuple(out)


def _told_by_step(var: Var) -> bool:
    """Bookkeeping slots the step itself describes (network entries, crashes, restarts)."""
    if var.role == "network":
        return _entries(var) is not None
    return var.role in ("up", "crashes", "partitions")


def values_read(model: Model, expr: ir.Expr, state: State) -> tuple[tuple[str, str], ...]:
    """The displayed values of every slot `expr` reads, in slot order."""
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


def describe(model: Model, succ: Successor) -> tuple[str | None, Params, Envelope | str | None]:
    """(acting node, other parameters, message) of one labelled successor."""
    action = model.actions[succ.action]
    node: str | None = None
    message: Envelope | str | None = None
    params = []
    for param, value in zip(action.params, succ.params, strict=True):
        if param.name == action.node_param:
            node = format_value(param.type, value)
        elif param.name == action.message_param:
            message = envelope(param.type, value) or format_value(param.type, value)
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


def message_text(t: Type, value: Any) -> str:
    """`Vote { yes: true }`, but a message without fields is just its name: `Prepare`."""
    if isinstance(t, MessageType) and not t.variant(value[0]).fields:
        return str(value[0])
    return format_value(t, value)


def sent(model: Model, action: Action, old: State, new: State) -> tuple[Envelope, ...]:
    """Entries this step added to the network (what a send or broadcast did)."""
    if action.kind in ("drop", "duplicate"):
        return ()
    out: list[Envelope] = []
    for i, var in enumerate(model.vars):
        entry_type = _entries(var)
        if var.role != "network" or entry_type is None or old[i] == new[i]:
            continue
        added = _counts(var.type, new[i]) - _counts(var.type, old[i])
        for entry in sorted(added.elements(), key=repr):
            env = envelope(entry_type, entry)
            out.append(env or Envelope(format_value(entry_type, entry), "?", "?"))
    return tuple(out)


def _entries(var: Var) -> Type | None:
    """The entry type of a network slot held as a bag or set (the layouts shown by `sent`)."""
    match var.type:
        case BagType(elem=elem) | SetType(elem=elem):
            return elem
    return None


def _counts(t: Type, value: Any) -> Counter[Any]:
    return Counter(dict(value)) if isinstance(t, BagType) else Counter(value)
