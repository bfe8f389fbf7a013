"""Builtins over node ids and relations: `closure(R)`, the transitive closure of a relation
(a set of pairs), for graph models; `index(p)`, a node id's position in its group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verikit.core import ir
from verikit.core.types import BOOL, INT, NodeType, RecordType, SetType, is_tuple, tuple_type
from verikit.errors import Span
from verikit.semantics.diagnostics import plural
from verikit.semantics.show import show
from verikit.semantics.types import error_expr, has_error, join, type_str
from verikit.syntax import ast

if TYPE_CHECKING:
    from verikit.semantics.exprs import ExprChecker

ARITY = {"closure": 1, "index": 1}


def check_graph_builtin(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    want = ARITY[e.name]
    if len(e.args) != want:
        c.error(e.span, f"`{e.name}` takes {plural(want, 'argument')}, got {len(e.args)}")
        return error_expr(e.span)
    return closure(c, e) if e.name == "closure" else index(c, e)


def closure(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """`closure(R)`: every (a, c) reachable along one or more pairs of R, as a set of pairs of
    the positions' common type."""
    (arg,) = e.args
    x = c.plain(c.check(arg))
    t = x.type
    if isinstance(t, SetType) and isinstance(t.elem, RecordType) and is_tuple(t.elem):
        fields = t.elem.fields
        node = join(fields[0][1], fields[1][1]) if len(fields) == 2 else None
        if node is not None:
            pairs = SetType(tuple_type((node, node)))
            if isinstance(x, ir.Lit):  # a constant relation: typed as its closure is
                x = ir.Lit(x.value, pairs, x.span)
            return ir.Call("closure", (x,), pairs, e.span)
    if not has_error(t):
        c.error(
            arg.span,
            f"`closure` needs a relation, a set of pairs `(a, b)` of one type: {show(arg)} is "
            f"{type_str(t)}",
        )
    return error_expr(e.span)


def index(c: ExprChecker, e: ast.CallExpr) -> ir.Expr:
    """`index(p)`: the position of node id p in its group, from 1 (`G[index(p)] == p`)."""
    found = _position(c, e.args[0], "`index`", e.span)
    return error_expr(e.span) if found is None else found[0]


def node_order(c: ExprChecker, e: ast.BinOp, op: str) -> ir.Expr:
    """`p < q` on node ids of one group: by their position in it (ids in declaration order)."""
    left = _position(c, e.left, f"`{e.op}` on node ids", e.span)
    right = _position(c, e.right, f"`{e.op}` on node ids", e.span)
    if left is None or right is None:
        return error_expr(e.span)
    if left[1] != right[1]:
        c.error(
            e.span,
            f"`{e.op}` orders node ids of one group: {show(e.left)} is a {left[1]} and "
            f"{show(e.right)} a {right[1]}",
        )
        return error_expr(e.span)
    return ir.Binary(op, left[0], right[0], BOOL, e.span)


def _position(c: ExprChecker, arg: ast.Expr, what: str, span: Span) -> tuple[ir.Expr, str] | None:
    """A node id's position in its group as an int (and the group's name); None after an
    error: not a node id, a node of several groups, or of a symmetric group."""
    x = c.plain(c.check(arg))
    t = x.type
    if not isinstance(t, NodeType) or len(t.groups) != 1:
        if not has_error(t):
            why = "a node of one group" if isinstance(t, NodeType) else "a node id"
            c.error(arg.span, f"{what} needs {why}: {show(arg)} is {type_str(t)}")
        return None
    (group,) = t.groups
    if c.env.nodes[group.name].scope.decl.symmetric:
        c.error(
            span,
            f"{what} tells the nodes of symmetric group `{group.name}` apart, whose nodes "
            "must be interchangeable (drop `symmetric` to order them)",
        )
        return None
    return ir.Binary("sub", x, ir.Lit(group.first - 1, INT, span), INT, span), group.name
