"""Small facts about core IR the code generator needs (what compile/analysis.py computes for
compile; native may not import compile, so the few it needs are here)."""

from __future__ import annotations

from collections.abc import Iterator

from verikit.core import ir
from verikit.core.model import Model
from verikit.core.types import (
    BagType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain_size,
)
from verikit.core.walk import children
from verikit.native.layout import NativeRefusal


def constant_nonempty(dom: ir.Expr) -> bool:
    """Whether a set expression is a constant with at least one element."""
    match dom:
        case ir.Domain(of=of):
            size = domain_size(of)  # counted, not listed
            return size is not None and size > 0
        case ir.Lit(value=frozenset() as value):
            return bool(value)
        case ir.SetLit(elems=elems):
            return bool(elems) and all(isinstance(x, ir.Lit) for x in elems)
    return False


def forks(stmts: tuple[ir.Stmt, ...]) -> bool:
    """Whether a block can end a fork early or split it (Choose or Require, at any depth)."""
    for s in stmts:
        match s:
            case ir.Choose() | ir.Require():
                return True
            case ir.If(then=then, else_=else_) if forks(then) or forks(else_):
                return True
    return False


def model_types(model: Model) -> Iterator[Type]:
    """Every type a slot, an expression or a statement of `model` has."""
    for v in model.vars:
        yield v.type
    blocks = [model.init, *(a.body for a in model.actions)]
    exprs: list[ir.Expr] = [a.guard for a in model.actions]
    exprs += [p.domain for a in model.actions for p in a.params]
    for p in model.properties:
        exprs.append(p.expr)
        if p.trigger is not None:
            exprs.append(p.trigger)
    while blocks:
        for s in blocks.pop():
            match s:
                case ir.Assign(path=path, value=value, target_type=t):
                    yield t
                    exprs.append(value)
                    exprs += [step.key for step in path if isinstance(step, ir.IndexStep)]
                case ir.If(cond=c, then=then, else_=else_):
                    exprs.append(c)
                    blocks += [then, else_]
                case ir.Choose(domain=d, body=body) | ir.ForEach(domain=d, body=body):
                    exprs.append(d)
                    blocks.append(body)
                case ir.LetStmt(value=value) | ir.Require(cond=value) | ir.Assert(cond=value):
                    exprs.append(value)
    while exprs:
        e = exprs.pop()
        yield e.type
        if isinstance(e, ir.SeqLit):  # its length bounds the sequences it stands for
            yield SeqType(e.type.elem if isinstance(e.type, SeqType) else e.type, len(e.elems))
        exprs += children(e)


def _parts(t: Type) -> Iterator[Type]:
    yield t
    match t:
        case OptionType(inner=x) | SetType(elem=x) | SeqType(elem=x) | BagType(elem=x):
            yield from _parts(x)
        case MapType(key=k, value=v):
            yield from _parts(k)
            yield from _parts(v)
        case RecordType(fields=fields):
            for _, ft in fields:
                yield from _parts(ft)
        case MessageType(variants=variants):
            for v in variants:
                yield from _parts(v)


def message_universe(model: Model) -> tuple[RecordType, ...]:
    """Every message variant of the model, in the order of its widest message type: one C
    struct holds any message, so a message read as a narrower type keeps its tag."""
    seen: dict[MessageType, None] = {}
    for t in model_types(model):
        for part in _parts(t):
            if isinstance(part, MessageType):
                seen[part] = None
    if not seen:
        return ()
    widest = max(seen, key=lambda m: len(m.variants))
    names = {v.name: v for v in widest.variants}
    extra: list[RecordType] = []
    for m in seen:
        for v in m.variants:
            if v.name not in names:
                names[v.name] = v
                extra.append(v)
            elif names[v.name] != v:
                raise NativeRefusal(f"two message types named {v.name}", model.span)
    return (*widest.variants, *extra)
