"""Flow typing of optionals: where a condition proves a `T?` is not `none`, the code it guards
reads it as a plain `T` (`if leader != none { send Ping {} to leader }`).

A narrowed place is a name or a field path on a name (`leader`, `p.leader`, `m.reply.to`),
keyed by its text. A condition narrows where it is known true (or false): the `then` branch of
an `if` (`else` for `== none`), the rest of a block after `require`, the right operand of
`and` / `implies` (left true) and of `or` (left false). An assignment that may change the
place ends the narrowing from that statement on: one to its root name or through a field of
the same name (`q.leader = none` may change `p.leader`: p may be q), as does calling a
procedure or binding the name anew.
"""

from __future__ import annotations

from verikit.syntax import ast
from verikit.syntax.printer import format_expr

NOTHING: frozenset[str] = frozenset()


def place(e: ast.Expr) -> str | None:
    """The key of a narrowable place, or None when `e` is not one."""
    match e:
        case ast.Name():
            return e.id
        case ast.FieldAccess(base=base) if place(base) is not None:
            return format_expr(e)
    return None


def not_none(cond: ast.Expr, truth: bool = True) -> frozenset[str]:
    """The places `cond` proves are not `none` where it evaluates to `truth`."""
    match cond:
        case ast.BinOp(op="!=" | "==", left=left, right=right):
            other = right if isinstance(left, ast.NoneLit) else left
            if isinstance(left, ast.NoneLit) == isinstance(right, ast.NoneLit):
                return NOTHING
            key = place(other)
            if key is None or (cond.op == "!=") != truth:
                return NOTHING
            return frozenset({key})
        case ast.BinOp(op="and", left=left, right=right) if truth:
            return not_none(left) | not_none(right)
        case ast.BinOp(op="or", left=left, right=right) if not truth:
            return not_none(left, False) | not_none(right, False)
        case ast.UnaryOp(op="not", operand=operand):
            return not_none(operand, not truth)
    return NOTHING


def assigned_roots(s: ast.Stmt) -> frozenset[str] | None:
    """The names and field names of what a statement may assign (at any depth); None when
    it may assign anything (a procedure call)."""
    match s:
        case ast.AssignStmt(target=target):
            return _target_names(target)
        case ast.CallStmt():
            return None
        case ast.IfStmt(then=then, else_=else_):
            return _all(then + else_)
        case ast.ChooseStmt(body=body) | ast.ForStmt(body=body):
            return _all(body)
    return NOTHING


def _all(stmts: tuple[ast.Stmt, ...]) -> frozenset[str] | None:
    out: frozenset[str] = NOTHING
    for s in stmts:
        more = assigned_roots(s)
        if more is None:
            return None
        out |= more
    return out


def _target_names(e: ast.Expr) -> frozenset[str]:
    match e:
        case ast.FieldAccess(base=base, name=name):
            return _target_names(base) | {name}
        case ast.IndexExpr(base=base):
            return _target_names(base)
        case ast.Name(id=name):
            return frozenset({name})
    return NOTHING


def forget(narrowed: frozenset[str], names: frozenset[str] | None) -> frozenset[str]:
    """`narrowed` without the places that mention any of `names` (all of them for None)."""
    if names is None:
        return NOTHING
    return frozenset(k for k in narrowed if names.isdisjoint(k.split(".")))
