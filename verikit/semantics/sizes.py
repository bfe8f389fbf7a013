"""Sizes a search can explore: refuse a spec whose state layout, or a domain it enumerates,
is too large (docs/limits.md), at the span that makes it so and naming the constant behind it.

A domain is enumerated where the compiled model lists it: to iterate it (a quantifier, a
comprehension, a map literal, `for`, `choose`, an action parameter) or to build it as a set
(`all T` as a value). An int range is iterated lazily, never listed, so iterating one is
bounded by the search's time and state limits instead; membership (`x in 0..1000000000`) is
tested without building the set, so it is never refused either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from verikit.core import ir
from verikit.core.model import Action, Property, Var
from verikit.core.types import (
    MAX_DOMAIN,
    MAX_STATE_WIDTH,
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain_size,
    layout_width,
    size_text,
)
from verikit.errors import NO_SPAN, Span
from verikit.semantics.consts import Consts
from verikit.semantics.diagnostics import Diagnostics
from verikit.semantics.types import has_error

_BINDERS = (ir.Quant, ir.SetComp, ir.MapLit, ir.ForEach, ir.Choose)


def check_layout(slots: Iterable[Var], consts: Consts, diags: Diagnostics, at: Span) -> None:
    """Every state holds each slot's fixed layout: at most MAX_STATE_WIDTH entries in all.
    Too many is reported at the widest variable (the one to shrink), or at `at` (the network
    block, or the spec) for a slot verikit adds itself."""
    widths = [(layout_width(v.type), v) for v in slots if not has_error(v.type)]
    total = sum(w for w, _ in widths)
    if total <= MAX_STATE_WIDTH:
        return
    width, var = max(widths, key=lambda pair: pair[0])
    share = "" if width >= total else f", {size_text(width)} of them in this one"
    diags.error(
        at if var.span == NO_SPAN else var.span,
        f"a state holds {size_text(total)} entries{share} (`{var.display or var.name}`: "
        f"{var.type}){consts.naming(_numbers(var.type))}; verikit explores states of at most "
        f"{MAX_STATE_WIDTH:,} entries (docs/limits.md)",
    )


def check_domains(
    init: tuple[ir.Stmt, ...],
    actions: tuple[Action, ...],
    properties: tuple[Property, ...],
    consts: Consts,
    diags: Diagnostics,
) -> None:
    """Every enumerated domain has at most MAX_DOMAIN values."""
    walk = _Walk(consts, diags)
    walk.visit(init, NO_SPAN)
    for action in actions:
        for param in action.params:
            walk.iterated(param.domain, action.span)
            if not isinstance(param.domain, ir.Domain):
                walk.visit(param.domain, action.span)
        walk.visit((action.guard, action.body), action.span)
    for prop in properties:
        walk.visit((prop.expr, prop.trigger), prop.span)


class _Walk:
    """A walk over the IR (a DAG once fns are inlined: each node is visited once)."""

    def __init__(self, consts: Consts, diags: Diagnostics) -> None:
        self.consts = consts
        self.diags = diags
        self.seen: set[int] = set()
        self.reported: set[Type] = set()

    def visit(self, node: object, span: Span) -> None:
        if isinstance(node, tuple):
            for item in node:
                self.visit(item, span)
            return
        if type(node).__module__ != ir.__name__ or id(node) in self.seen:
            return
        self.seen.add(id(node))
        own = getattr(node, "span", NO_SPAN)
        span = own if isinstance(own, Span) and own != NO_SPAN else span
        if isinstance(node, ir.MapLit) and isinstance(node.type, MapType):
            key = node.type.key  # the map is a tuple with a slot per key: listed, whatever
            self.enumerated(ir.Domain(key, SetType(key), node.span), span)  # it iterates
        if isinstance(node, _BINDERS):
            self.iterated(node.domain, span)
            if isinstance(node.domain, ir.Domain):  # iterated, not built as a set
                self.seen.add(id(node.domain))
        elif isinstance(node, ir.Binary) and node.op == "in":
            self._membership(node, span)
            return
        elif isinstance(node, ir.Domain):
            self.enumerated(node, span)
        for f in dataclasses.fields(node):  # type: ignore[arg-type]
            if f.name not in ("span", "type", "of", "target_type"):
                self.visit(getattr(node, f.name), span)

    def _membership(self, node: ir.Binary, span: Span) -> None:
        """`x in S` lists S only when it is not an int range (see compile/exprs.py)."""
        self.visit(node.left, span)
        right = node.right
        if isinstance(right, ir.Domain) and isinstance(right.of, IntType):
            return
        if isinstance(right, ir.Call) and right.name == "range":
            self.visit(right.args, span)
            return
        self.visit(right, span)

    def iterated(self, dom: ir.Expr, span: Span) -> None:
        """A domain iterated by generated code: listed, unless it is an int range."""
        lazy = isinstance(dom, ir.Call) and dom.name == "range"
        if not lazy and not (isinstance(dom, ir.Domain) and isinstance(dom.of, IntType)):
            self.enumerated(dom, span)

    def enumerated(self, dom: ir.Expr, span: Span) -> None:
        size, numbers = _size(dom)
        if size is None or size <= MAX_DOMAIN or not isinstance(dom, ir.Domain):
            return
        own = dom.span if dom.span != NO_SPAN else span
        if dom.of in self.reported:  # once per type: its first listing says it all
            return
        self.reported.add(dom.of)
        self.diags.error(
            own,
            f"{dom.of} has {size_text(size)} values{self.consts.naming(numbers)}; verikit "
            f"lists at most {MAX_DOMAIN:,} values of a domain (docs/limits.md)",
        )


def _size(dom: ir.Expr) -> tuple[int | None, set[int]]:
    """The number of values of a listed domain (a type's values) and the numbers behind it."""
    if isinstance(dom, ir.Domain) and not has_error(dom.of):
        return domain_size(dom.of), _numbers(dom.of)
    return None, set()


def _numbers(t: Type) -> set[int]:
    """The numbers a type's size is made of (range bounds, node counts), to find the
    constants behind them."""
    match t:
        case IntType(lo=lo, hi=hi):
            return {n for n in (lo, hi) if n is not None}
        case NodeType(groups=groups):
            return {g.count for g in groups}
        case OptionType(inner=inner) | SetType(elem=inner):
            return _numbers(inner)
        case SeqType(elem=elem, max_len=n):
            return _numbers(elem) | ({n} if n is not None else set())
        case MapType(key=key, value=value):
            return _numbers(key) | _numbers(value)
        case RecordType(fields=fields):
            return set().union(*(_numbers(ft) for _, ft in fields))
        case MessageType(variants=variants):
            return set().union(*(_numbers(v) for v in variants))
    return set()
