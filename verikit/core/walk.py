"""Walking core IR expressions: their subexpressions, the locals they read and the state
slots they read. Every back end needs these (compile, native), so they live below them."""

from __future__ import annotations

from collections.abc import Iterator

from verikit.core import ir


def children(e: ir.Expr) -> Iterator[ir.Expr]:
    """The direct subexpressions of `e`."""
    match e:
        case ir.Field(base=a) | ir.Unary(operand=a) | ir.Unwrap(operand=a):
            yield a
        case ir.Index(base=a, key=b) | ir.Binary(left=a, right=b):
            yield from (a, b)
        case ir.Cond(cond=a, then=b, else_=c):
            yield from (a, b, c)
        case ir.SetLit(elems=xs) | ir.SeqLit(elems=xs) | ir.RecordLit(fields=xs):
            yield from xs
        case ir.MessageLit(fields=xs) | ir.Call(args=xs):
            yield from xs
        case ir.MapLit(domain=d, value=v) | ir.Quant(domain=d, body=v):
            yield from (d, v)
        case ir.SetComp(domain=d, elem=v, filter=f):
            yield from (d, v, f)
        case ir.Let(value=v, body=b):
            yield from (v, b)


def free_locals(e: ir.Expr) -> frozenset[str]:
    """Names of the locals `e` reads that it does not bind itself."""
    match e:
        case ir.Local(name=name):
            return frozenset({name})
        case ir.MapLit(var=var, domain=d, value=v) | ir.Quant(var=var, domain=d, body=v):
            return free_locals(d) | (free_locals(v) - {var})
        case ir.SetComp(var=var, domain=d, elem=v, filter=f):
            return free_locals(d) | ((free_locals(v) | free_locals(f)) - {var})
        case ir.Let(var=var, value=v, body=b):
            return free_locals(v) | (free_locals(b) - {var})
    out: frozenset[str] = frozenset()
    for c in children(e):
        out |= free_locals(c)
    return out


def state_vars(e: ir.Expr) -> frozenset[int]:
    """The state slots `e` reads."""
    if isinstance(e, ir.StateVar):
        return frozenset({e.index})
    out: frozenset[int] = frozenset()
    for c in children(e):
        out |= state_vars(c)
    return out
