"""Typing of the builtin functions (core.ir.BUILTINS minus the network's own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verikit.core import ir
from verikit.core.types import (
    BOOL,
    INT,
    IntType,
    MapType,
    MessageType,
    NodeType,
    SeqType,
    SetType,
    Type,
)
from verikit.semantics.diagnostics import plural
from verikit.semantics.show import show
from verikit.semantics.types import error_expr, has_error, strip_option, type_str
from verikit.syntax import ast

if TYPE_CHECKING:
    from verikit.semantics.exprs import ExprChecker

BUILTIN_ARITY: dict[str, tuple[int, ...]] = {
    "len": (1,), "range": (2,), "min": (1, 2), "max": (1, 2), "append": (2,), "head": (1,),
    "tail": (1,), "last": (1,), "slice": (3,), "take": (2,), "keys": (1,), "has": (2,),
    "delete": (2,), "to_set": (1,), "remove_at": (2,), "insert_at": (3,), "in_flight": (1, 3),
    "full": (2,), "empty": (2,), "crashed": (1,),
}  # fmt: skip


def check_builtin(c: ExprChecker, e: ast.CallExpr, expected: Type | None) -> ir.Expr:
    arities = BUILTIN_ARITY[e.name]
    if len(e.args) not in arities:
        if len(arities) == 1:
            want = plural(arities[0], "argument")
        else:
            want = " or ".join(str(n) for n in arities) + " arguments"
        c.error(e.span, f"`{e.name}` takes {want}, got {len(e.args)}")
        return error_expr(e.span)
    name, args, span = e.name, e.args, e.span
    if name == "range":
        return c.range_of(args[0], args[1], span)
    if name in ("min", "max"):
        return _min_max(c, e)
    if name == "in_flight":
        return _in_flight(c, e)
    if name == "crashed":
        return _crashed(c, e)
    if name in ("full", "empty"):
        return _channel_state(c, e)
    if name in ("len", "keys", "to_set"):
        return _sizes(c, e)
    if name in ("has", "delete"):
        m = _collection(c, e, args[0], MapType, None)
        if not isinstance(m.type, MapType):
            return error_expr(span)
        key = c.expect(args[1], m.type.key, " as a key")
        return ir.Call(name, (m, key), BOOL if name == "has" else m.type, span)
    seq = _collection(c, e, args[0], SeqType, expected)
    if not isinstance(seq.type, SeqType):
        return error_expr(span)
    elem, rest = seq.type.elem, args[1:]
    match name:
        case "head" | "last":
            return ir.Call(name, (seq,), elem, span)
        case "tail":
            return ir.Call(name, (seq,), seq.type, span)
        case "append":
            return ir.Call(
                name, (seq, c.expect(rest[0], elem, " (appended element)")), seq.type, span
            )
        case "insert_at":
            position = c.integer(rest[0], " as a position")
            return ir.Call(
                name,
                (seq, position, c.expect(rest[1], elem, " (inserted element)")),
                seq.type,
                span,
            )
    positions = tuple(c.integer(a, " as a position") for a in rest)
    return ir.Call(name, (seq, *positions), seq.type, span)  # slice, take, remove_at


def _collection(
    c: ExprChecker, e: ast.CallExpr, arg: ast.Expr, kind: type, expected: Type | None
) -> ir.Expr:
    want = strip_option(expected) if expected is not None else None
    x = c.plain(c.check(arg, want if isinstance(want, kind) else None))
    if not isinstance(x.type, kind) and not has_error(x.type):
        word = "a sequence" if kind is SeqType else "a map"
        c.error(arg.span, f"`{e.name}` needs {word}: {show(arg)} is {type_str(x.type)}")
    return x


def _sizes(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """len (set, seq, map), keys (map), to_set (seq)."""
    arg = e.args[0]
    x = c.plain(c.check(arg))
    match e.name, x.type:
        case "len", SetType() | SeqType() | MapType():
            return ir.Call("len", (x,), INT, e.span)
        case "keys", MapType(key=key):
            return ir.Call("keys", (x,), SetType(key), e.span)
        case "to_set", SeqType(elem=elem):
            return ir.Call("to_set", (x,), SetType(elem), e.span)
    if not has_error(x.type):
        needs = {"len": "a set, sequence or map", "keys": "a map", "to_set": "a sequence"}
        c.error(arg.span, f"`{e.name}` needs {needs[e.name]}: {show(arg)} is {type_str(x.type)}")
    return error_expr(e.span)


def _min_max(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """`min(S)` of a set of ints, or `min(a, b)` of two ints (a conditional)."""
    if len(e.args) == 2:
        a, b = (c.integer(x, f" (argument of `{e.name}`)") for x in e.args)
        op = "le" if e.name == "min" else "ge"
        return ir.Cond(ir.Binary(op, a, b, BOOL, e.span), a, b, INT, e.span)
    arg = e.args[0]
    x = c.plain(c.check(arg))
    match x.type:
        case SetType(elem=IntType() as elem):
            return ir.Call(e.name, (x,), elem, e.span)
    if not has_error(x.type):
        c.error(
            arg.span,
            f"`{e.name}` needs a set of ints or two ints: {show(arg)} is {type_str(x.type)}",
        )
    return error_expr(e.span)


def _channel_state(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """`full(a, b)`: a send from a to b would not fit now (its channel holds max_per_link
    messages, or max_in_flight are in flight); `empty(a, b)`: nothing is in flight from a to
    b. Unlike `in_flight`, node code may ask: a sender knows its send buffer is full, as a
    Promela process tests `full(ch)`."""
    network = c.env.network
    if network is None:
        c.error(e.span, f"`{e.name}` needs a `network`: it asks about the channel from a to b")
        return error_expr(e.span)
    ends = [c.plain(c.check(a, network.any_node)) for a in e.args]
    for arg, x in zip(e.args, ends, strict=True):
        if not isinstance(x.type, NodeType) and not has_error(x.type):
            c.error(
                arg.span,
                f"`{e.name}(a, b)` names a channel by its two ends, node ids: "
                f"{show(arg)} is {type_str(x.type)}",
            )
    if any(has_error(x.type) or not isinstance(x.type, NodeType) for x in ends):
        return error_expr(e.span)
    if e.name == "full":
        return network.full(ends[0], ends[1], e.span)
    return network.empty(ends[0], ends[1], e.span)


def _crashed(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """`crashed(p)`: node p is down (crashed and not restarted). Properties only, as
    `in_flight`: a node cannot tell a crashed peer from a slow one."""
    network = c.env.network
    if not c.ctx.in_property or network is None or "up" not in network.slot:
        why = ("a property: a node cannot tell a crashed peer from a slow one"
               if c.ctx.in_property is False else "a spec whose network has `crash`")  # fmt: skip
        c.error(e.span, f"`crashed` can only be used in {why}")
        return error_expr(e.span)
    node = c.plain(c.check(e.args[0], network.any_node))
    if not isinstance(node.type, NodeType):
        if not has_error(node.type):
            c.error(e.args[0].span,
                    f"`crashed` needs a node id: {show(e.args[0])} is {type_str(node.type)}")  # fmt: skip
        return error_expr(e.span)
    if not network.may_crash(node):  # a group that never crashes
        return ir.Lit(False, BOOL, e.span)
    return ir.Unary("not", network.is_up(node), BOOL, e.span)


def network_empty(c: ExprChecker, e: ast.FieldAccess) -> ir.Expr:
    """`network.empty`: no message is in flight. Properties only, as `in_flight`."""
    network = c.env.network
    if not c.ctx.in_property or network is None or e.name != "empty":
        if network is None:
            c.error(e.span, "`network.empty` needs a `network` declaration")
        elif e.name != "empty":
            c.error(e.span, f"`network.{e.name}`: a property can read `network.empty` only")
        else:
            c.error(e.span, "`network.empty` can only be used in properties: a node cannot "
                    "see the network")  # fmt: skip
        return error_expr(e.span)
    return ir.Binary("eq", network.in_flight(), ir.Lit(0, INT), BOOL, e.span)


def _in_flight(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """`in_flight(M { … })`: a copy of that message is in flight (between any two nodes);
    `in_flight(M { … }, src, dst)`: from src to dst. Properties only: lemmas that prove a
    protocol by induction must say what the network may hold, but a node reading the network
    would model something no node can do."""
    network = c.env.network
    if not c.ctx.in_property or network is None:
        why = "properties" if network is not None else "specs with a `network`"
        c.error(e.span, f"`in_flight` can only be used in {why}: a node cannot see the network")
        return error_expr(e.span)
    msg = c.plain(c.check(e.args[0], network.messages))
    if not isinstance(msg.type, MessageType) and not has_error(msg.type):
        c.error(
            e.args[0].span,
            f"`in_flight` needs a message: {show(e.args[0])} is {type_str(msg.type)}",
        )
    ends = [c.plain(c.check(a, network.any_node)) for a in e.args[1:]]
    for arg, x in zip(e.args[1:], ends, strict=True):
        if not isinstance(x.type, NodeType) and not has_error(x.type):
            c.error(arg.span, f"`in_flight` needs a node id: {show(arg)} is {type_str(x.type)}")
    if any(has_error(x.type) for x in (msg, *ends)):
        return error_expr(e.span)
    return network.holds(msg, (ends[0], ends[1]) if ends else None, e.span)
