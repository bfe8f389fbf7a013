"""Typing of the unary and binary operators: logic, comparison, membership, arithmetic, and
`+ - &` on sets and sequences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verikit.core import ir
from verikit.core.types import BOOL, INT, IntType, MapType, NodeType, SeqType, SetType, Type
from verikit.semantics.show import show
from verikit.semantics.types import (
    comparable,
    error_expr,
    has_error,
    join,
    strip_option,
    type_str,
)
from verikit.syntax import ast

if TYPE_CHECKING:
    from verikit.semantics.exprs import ExprChecker

LOGIC = {"and": "and", "or": "or", "implies": "implies", "=>": "implies"}
ORDER = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
ARITH = {"*": "mul", "/": "div", "%": "mod"}
SET_OPS = {"+": "union", "-": "diff", "&": "inter"}


def check_unary(c: ExprChecker, e: ast.UnaryOp) -> ir.Expr:
    if e.op == "not":
        return ir.Unary("not", c.condition(e.operand, " after `not`"), BOOL, e.span)
    operand = c.integer(e.operand, " after `-`")
    if isinstance(operand, ir.Lit) and isinstance(operand.value, int):
        return ir.Lit(-operand.value, INT, e.span)
    return ir.Unary("neg", operand, INT, e.span)


def check_binary(c: ExprChecker, e: ast.BinOp, expected: Type | None) -> ir.Expr:
    op, span = e.op, e.span
    if op in LOGIC:
        what = f" (operand of `{op}`)"
        after = c.narrow(e.left, LOGIC[op] != "or")  # where the right operand is evaluated
        left, right = c.condition(e.left, what), after.condition(e.right, what)
        return ir.Binary(LOGIC[op], left, right, BOOL, span)
    if op in ("==", "!="):
        return _equality(c, e)
    if op in ("in", "not in"):
        test = _membership(c, e)
        return ir.Unary("not", test, BOOL, span) if op == "not in" else test
    if op in ORDER and isinstance(strip_option(c.check(e.left).type), NodeType):
        from verikit.semantics.graphs import node_order

        return node_order(c, e, ORDER[op])
    if op in ORDER or op in ARITH:
        what = f" (operand of `{op}`)"
        if op == "<=" and isinstance(c.check(e.left).type, SetType):
            what += "; for sets write `subset`"
        left, right = c.integer(e.left, what), c.integer(e.right, what)
        if op in ORDER:
            return ir.Binary(ORDER[op], left, right, BOOL, span)
        return ir.Binary(ARITH[op], left, right, INT, span)
    if op in SET_OPS or op == "subset":
        return _collection_op(c, e, expected)
    c.error(span, f"unknown operator `{op}`")
    return error_expr(span)


def _equality(c: ExprChecker, e: ast.BinOp) -> ir.Expr:
    if isinstance(e.left, ast.NoneLit) or isinstance(e.right, ast.NoneLit):
        c = c.with_(narrowed=frozenset())  # `x == none` compares the optional itself
    left, right = c.pair(e.left, e.right, None)
    if not comparable(left.type, right.type):
        lt, rt = type_str(left.type), type_str(right.type)
        c.error(e.span, f"{show(e.left)} is {lt}, cannot compare with {rt}")
    return ir.Binary("eq" if e.op == "==" else "ne", left, right, BOOL, e.span)


def _membership(c: ExprChecker, e: ast.BinOp) -> ir.Expr:
    if c.needs_context(e.left):
        coll = c.plain(c.check(e.right))
        elem_type = _element_type(coll.type)
        elem = c.check(e.left, elem_type)
    else:
        elem = c.check(e.left)
        coll = c.plain(c.check(e.right, SetType(elem.type)))
    match coll.type:
        case SetType(elem=t) | SeqType(elem=t) if comparable(elem.type, t):
            if isinstance(coll.type, SeqType):
                coll = ir.Call("to_set", (coll,), SetType(t), coll.span)
            return ir.Binary("in", elem, coll, BOOL, e.span)
        case MapType(key=key) if comparable(elem.type, key):
            return ir.Call("has", (coll, elem), BOOL, e.span)
    if not has_error(coll.type) and not has_error(elem.type):
        if isinstance(coll.type, SetType | SeqType | MapType):
            c.error(
                e.span,
                f"{show(e.left)} is {type_str(elem.type)}, cannot be an element of {show(e.right)} ({type_str(coll.type)})",
            )
        else:
            c.error(
                e.right.span,
                f"{show(e.right)} is {type_str(coll.type)}, expected a set, sequence or map after `{e.op}`",
            )
    return error_expr(e.span)


def _collection_op(c: ExprChecker, e: ast.BinOp, expected: Type | None) -> ir.Expr:
    """`+ - &` on ints, sets (union, difference, intersection) or sequences (`+`), and
    `subset`."""
    left, right = c.pair(e.left, e.right, expected)
    left, right = c.plain(left), c.plain(right)
    lt, rt = left.type, right.type
    if has_error(lt) or has_error(rt):
        return error_expr(e.span)
    match lt, rt:
        case IntType(), IntType() if e.op in ("+", "-"):
            return ir.Binary("add" if e.op == "+" else "sub", left, right, INT, e.span)
        case SetType(), SetType() if join(lt, rt) is not None:
            if e.op == "subset":
                return ir.Binary("subseteq", left, right, BOOL, e.span)
            result = lt if e.op != "+" else join(lt, rt)
            assert result is not None
            return ir.Binary(SET_OPS[e.op], left, right, result, e.span)
        case SeqType(), SeqType() if e.op == "+" and join(lt, rt) is not None:
            result = join(lt, rt)
            assert result is not None
            return ir.Binary("concat", left, right, result, e.span)
    for kind, word in ((IntType, "int"), (SetType, "set"), (SeqType, "sequence")):
        if isinstance(lt, kind) != isinstance(rt, kind):
            bad, t = (e.right, rt) if isinstance(lt, kind) else (e.left, lt)
            c.error(
                bad.span,
                f"{show(bad)} is {type_str(t)}, expected {_article(word)} (operand of `{e.op}`)",
            )
            return error_expr(e.span)
    c.error(
        e.span,
        f"`{e.op}` needs {_operands(e.op)}: {show(e.left)} is {type_str(lt)} and "
        f"{show(e.right)} is {type_str(rt)}",
    )
    return error_expr(e.span)


def _element_type(t: Type) -> Type | None:
    match t:
        case SetType(elem=elem) | SeqType(elem=elem):
            return elem
        case MapType(key=key):
            return key
    return None


def _article(word: str) -> str:
    return f"an {word}" if word == "int" else f"a {word}"


def _operands(op: str) -> str:
    if op == "&" or op == "subset":
        return "two sets"
    if op == "-":
        return "two ints or two sets"
    return "two ints, two sets or two sequences"
