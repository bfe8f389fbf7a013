"""Action properties: `property P: always step: e`, where `x'` reads x in the next state.

An action property relates each state to its successor, so its expression is evaluated over
the pair: core.ir's convention (core/model.py, Property kind "step") is that `StateVar(i)`
reads slot i of the state before the step and `StateVar(width + i)` slot i of the state
after it. A primed expression is checked like any other, then every state variable in it is
moved to the next state's slots; so `(a + b)'` is `a' + b'`, and `p.term'` is p's term in
the next state (p itself, a local, is a value and does not change).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any

from verikit.core import ir
from verikit.core.types import Type
from verikit.semantics.types import error_expr
from verikit.syntax import ast

if TYPE_CHECKING:
    from verikit.semantics.exprs import ExprChecker


def check_primed(c: ExprChecker, e: ast.Primed, expected: Type | None) -> ir.Expr:
    width = c.ctx.step_width
    if width is None:
        c.error(e.span, "a primed expression reads the next state: only in an action property "
                "(`property P: always step: x' >= x`)")  # fmt: skip
        return error_expr(e.span)
    if c.ctx.primed:
        c.error(e.span, "this expression is primed twice: `x'` already reads the next state")
        return error_expr(e.span)
    inner = c.with_(primed=True)
    x = inner.check(e.expr) if expected is None else inner.expect(e.expr, expected)
    return next_state(x, width)


def next_state(e: ir.Expr, width: int) -> ir.Expr:
    """`e` with every state variable read in the next state (its slot moved by `width`)."""
    shifted: ir.Expr = _shift(e, width)
    return shifted


def _shift(node: Any, width: int) -> Any:
    if isinstance(node, ir.StateVar):
        return replace(node, index=node.index + width)
    if isinstance(node, tuple):
        items = tuple(_shift(x, width) for x in node)
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not is_dataclass(node) or isinstance(node, type) or not _is_ir(node):
        return node
    changes = {}
    for f in fields(node):
        value = getattr(node, f.name)
        moved = _shift(value, width)
        if moved is not value:
            changes[f.name] = moved
    return replace(node, **changes) if changes else node


def _is_ir(node: object) -> bool:
    return type(node).__module__ == ir.__name__
