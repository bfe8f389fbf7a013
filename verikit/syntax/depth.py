"""Bounded nesting: long operator chains are balanced, and deeper nesting is refused.

Every later stage (semantics, the compiler, the Z3 encoder, the reference evaluator, the
printer, trace display) walks expressions and blocks recursively. So that none of them can
ever exhaust Python's stack, `shape` runs right after parsing, without recursion of its own:

* a chain of one associative operator (`and`, `or`, `+`, `*`, `&`) of more than
  `BALANCE_OVER` operands is rebuilt as a balanced tree (depth log2 n instead of n). The
  operators are associative for every type they apply to and their operands are evaluated
  left to right either way (`and`/`or` still short-circuit at the first deciding operand),
  so the meaning, including which fault comes first, is unchanged. Parenthesised sub-chains
  of the same operator are part of the chain, which keeps `parse(format_spec(s)) == s`;
* then a spec nesting deeper than `MAX_DEPTH` levels is refused with the span of the first
  node beyond the limit.

A level is one node of the syntax tree: a declaration, a statement (its block's statements
sit one level below it), an operator, a call, a literal, a type constructor. docs/limits.md
states the limit; tests/syntax/test_depth.py runs every engine at it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from verikit.errors import Diagnostic, Span, SpecError
from verikit.syntax import ast as a

MAX_DEPTH = 64
BALANCE_OVER = 8  # chains this long or shorter keep the shape they were written in
ASSOCIATIVE = frozenset({"and", "or", "+", "*", "&"})


def shape(spec: a.Spec) -> a.Spec:
    """`spec` with long chains balanced; SpecError when it nests deeper than MAX_DEPTH."""
    balanced = _balance_chains(spec)
    _check_depth(balanced)
    return balanced


# ---------------------------------------------------------------- children of a node


def _is_node(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, Span | type)


def _children(node: Any) -> Iterator[Any]:
    """The AST nodes directly below `node`, in source order."""
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            yield from (v for v in value if _is_node(v))
        elif _is_node(value):
            yield value


def descendants(node: Any) -> Iterator[Any]:
    """Every AST node below `node` (without recursion)."""
    stack = list(_children(node))
    while stack:
        child = stack.pop()
        yield child
        stack += _children(child)


def _rebuilt(node: Any, done: dict[int, Any]) -> Any:
    """`node` with each child replaced by its rebuilt version (the node itself if none changed)."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            new = tuple(done.get(id(v), v) if _is_node(v) else v for v in value)
            if any(x is not y for x, y in zip(new, value, strict=True)):
                changes[f.name] = new
        elif _is_node(value) and done.get(id(value), value) is not value:
            changes[f.name] = done[id(value)]
    return dataclasses.replace(node, **changes) if changes else node


# ---------------------------------------------------------------- balancing


def _operands(chain: a.BinOp) -> list[a.Expr]:
    """The operands of a chain of `chain.op`, left to right (through parentheses)."""
    out: list[a.Expr] = []
    stack: list[a.Expr] = [chain]
    while stack:
        e = stack.pop()
        if isinstance(e, a.BinOp) and e.op == chain.op:
            stack += (e.right, e.left)
        else:
            out.append(e)
    return out


def _balance_chains(spec: a.Spec) -> a.Spec:
    """Post-order over the whole tree with an explicit stack; a chain's operands are visited
    as the children of its top node, and the chain is rebuilt once they are done."""
    done: dict[int, Any] = {}
    chains: dict[int, list[a.Expr]] = {}
    stack: list[tuple[Any, bool]] = [(spec, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if id(node) in chains:
                done[id(node)] = _chain(node, [done.get(id(x), x) for x in chains[id(node)]])
            else:
                done[id(node)] = _rebuilt(node, done)
            continue
        stack.append((node, True))
        below: list[Any]
        if isinstance(node, a.BinOp) and node.op in ASSOCIATIVE:
            below = chains[id(node)] = _operands(node)
        else:
            below = list(_children(node))
        stack += ((child, False) for child in reversed(below) if id(child) not in done)
    return done[id(spec)]  # type: ignore[no-any-return]


def _chain(top: a.BinOp, operands: list[a.Expr]) -> a.Expr:
    if len(operands) <= BALANCE_OVER:
        return _same_shape(top, iter(operands))
    return _balanced(top.op, operands, 0, len(operands))


def _same_shape(e: a.BinOp, operands: Iterator[a.Expr]) -> a.BinOp:
    """The chain `e` as written, its operands taken in order from `operands` (recursion over
    at most BALANCE_OVER levels)."""
    left, right = (
        _same_shape(x, operands) if isinstance(x, a.BinOp) and x.op == e.op else next(operands)
        for x in (e.left, e.right)
    )
    if left is e.left and right is e.right:
        return e
    return dataclasses.replace(e, left=left, right=right)


def _balanced(op: str, operands: list[a.Expr], lo: int, hi: int) -> a.Expr:
    """`operands[lo:hi]` joined by `op` as a balanced tree (recursion depth log2 n)."""
    if hi - lo == 1:
        return operands[lo]
    mid = (lo + hi) // 2
    left, right = _balanced(op, operands, lo, mid), _balanced(op, operands, mid, hi)
    return a.BinOp(op, left, right, _around(left.span, right.span))


def _around(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.col, last.end_line, last.end_col)


# ---------------------------------------------------------------- the limit


def _check_depth(spec: a.Spec) -> None:
    stack: list[tuple[Any, int]] = [(d, 1) for d in reversed(spec.decls)]
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            raise SpecError([_too_deep(node)])
        stack += ((child, level + 1) for child in reversed(list(_children(node))))


def _too_deep(node: Any) -> Diagnostic:
    start: Span = node.span
    span = Span(start.file, start.line, start.col, start.line, start.col + 1)
    return Diagnostic(
        span,
        f"nesting deeper than {MAX_DEPTH} levels (blocks, operators, parentheses, calls and "
        "types nested in one another); verikit refuses it so that no stage runs out of stack",
        hint="give inner parts a name with `let`, or split a deep block into several actions",
    )
