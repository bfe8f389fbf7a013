"""Which stores need a type check at run time, decided when the code is generated.

Storing a value outside its location's type is a runtime fault at any depth (core/stored.py).
Checking every store would cost the hot path a walk of every value stored (the whole message
soup, on each step), so a check is emitted only where the value is not already known to lie
within the target type. What is known rests on one invariant the checks themselves keep:
every value in the state lies within its variable's type. So a state variable, and any part
of it read through a field, an index or an unwrap, is within its static type; a local is
within what its binder guarantees (`Guarantee`: a type, or the constant values it ranges
over); and a constructed value (a record, a set or sequence literal, a union, an `append` …)
fits when each of its parts does. Static types alone do not say it: `R { a: n }` has type
`R` whatever `n` is, and `append` may grow a sequence past its type's `max_len`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import cache
from typing import Any, Union

from verikit.core import ir
from verikit.core.types import (
    BagType,
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    within_type,
)

# What a local is known to hold: within a type, or one of some constant values.
Guarantee = Union[Type, tuple[Any, ...]]  # noqa: UP007
Known = Mapping[str, Guarantee | None]  # None: a local known to hold nothing in particular


@cache
def unconstrained(t: Type) -> bool:
    """Every value of t's shape lies within t: no bounded int and no `max_len` inside it."""
    match t:
        case IntType(lo=lo, hi=hi):
            return lo is None and hi is None
        case OptionType(inner=inner):
            return unconstrained(inner)
        case SetType(elem=elem) | BagType(elem=elem):
            return unconstrained(elem)
        case SeqType(elem=elem, max_len=n):
            return n is None and unconstrained(elem)
        case MapType(value=value):
            return unconstrained(value)
        case RecordType(fields=fields):
            return all(unconstrained(ft) for _, ft in fields)
        case MessageType(variants=variants):
            return all(unconstrained(v) for v in variants)
    return True


@cache
def type_within(a: Type, b: Type) -> bool:
    """Every value of type a lies within type b (a value of a non-option type stored in an
    option is the value itself)."""
    if a == b or unconstrained(b) and _same_kind(a, b):
        return True
    match a, b:
        case IntType(lo=lo1, hi=hi1), IntType(lo=lo2, hi=hi2):
            low = lo2 is None or (lo1 is not None and lo1 >= lo2)
            high = hi2 is None or (hi1 is not None and hi1 <= hi2)
            return low and high
        case OptionType(inner=x), OptionType(inner=y):
            return type_within(x, y)
        case _, OptionType(inner=y):
            return type_within(a, y)
        case SetType(elem=x), SetType(elem=y):
            return type_within(x, y)
        case BagType(elem=x), BagType(elem=y):
            return type_within(x, y)
        case SeqType(elem=x, max_len=m), SeqType(elem=y, max_len=n):
            return type_within(x, y) and (n is None or (m is not None and m <= n))
        case MapType(key=k1, value=v1), MapType(key=k2, value=v2):
            return k1 == k2 and type_within(v1, v2)
        case RecordType(fields=f1), RecordType(fields=f2):
            return [n for n, _ in f1] == [n for n, _ in f2] and all(
                type_within(x, y) for (_, x), (_, y) in zip(f1, f2, strict=True)
            )
        case MessageType(variants=v1), MessageType(variants=v2):
            theirs = {v.name: v for v in v2}
            return all(v.name in theirs and type_within(v, theirs[v.name]) for v in v1)
        case NodeType(), NodeType():
            return True  # a node id is within any node type it type-checks against
    return False


def _same_kind(a: Type, b: Type) -> bool:
    return type(a) is type(b)


def fits(e: ir.Expr, t: Type, known: Known) -> bool:
    """The value of `e` surely lies within `t` (so storing it needs no check)."""
    if unconstrained(t):
        return True
    if isinstance(t, OptionType) and not isinstance(e, ir.Lit) and not _is_option(e.type):
        t = t.inner  # an implicitly wrapped value
    match e:
        case ir.Lit(value=value):
            return _within(t, value)
        case ir.Local(name=name):
            g = known.get(name)
            if isinstance(g, tuple):
                return all(_within(t, v) for v in g)
            return g is not None and type_within(g, t)
        case ir.StateVar() | ir.Domain():
            return type_within(e.type, t)
        case ir.Field(base=base) | ir.Index(base=base) | ir.Unwrap(operand=base):
            return type_within(e.type, t) and trusted(base, known)
        case ir.Cond(then=then, else_=else_):
            return fits(then, t, known) and fits(else_, t, known)
        case ir.Let(var=var, value=value, body=body):
            return fits(body, t, {**known, var: bound(value, known)})
        case ir.Binary():
            return _binary_fits(e, t, known)
        case ir.Call():
            return _call_fits(e, t, known)
    return _constructed_fits(e, t, known)


def trusted(e: ir.Expr, known: Known) -> bool:
    """The value of `e` lies within its own static type."""
    return fits(e, e.type, known)


def elements(domain: ir.Expr, known: Known) -> Guarantee | None:
    """What a variable ranging over `domain` (a set, sequence or bag) is known to hold."""
    values = _constant_members(domain)
    if values is not None:
        return values
    t = domain.type
    if isinstance(t, SetType | SeqType | BagType) and trusted(domain, known):
        return t.elem
    return None


def bound(value: ir.Expr, known: Known) -> Guarantee | None:
    """What a `let` bound to `value` is known to hold."""
    if isinstance(value, ir.Lit):
        return (value.value,)
    return value.type if trusted(value, known) else None


def _constant_members(domain: ir.Expr) -> tuple[Any, ...] | None:
    match domain:
        case ir.Lit(value=frozenset() as value):
            return tuple(value)
        case ir.SetLit(elems=elems) if all(isinstance(x, ir.Lit) for x in elems):
            return tuple(x.value for x in elems if isinstance(x, ir.Lit))
    return None


def _constructed_fits(e: ir.Expr, t: Type, known: Known) -> bool:
    match e, t:
        case ir.SetLit(elems=elems), SetType(elem=elem):
            return all(fits(x, elem, known) for x in elems)
        case ir.SeqLit(elems=elems), SeqType(elem=elem, max_len=n):
            short = n is None or len(elems) <= n
            return short and all(fits(x, elem, known) for x in elems)
        case ir.RecordLit(fields=fields), RecordType(fields=types):
            return len(fields) == len(types) and all(
                fits(x, ft, known) for x, (_, ft) in zip(fields, types, strict=True)
            )
        case ir.MessageLit(name=name, fields=fields), MessageType(variants=variants):
            variant = next((v for v in variants if v.name == name), None)
            return (
                variant is not None
                and len(fields) == len(variant.fields)
                and all(fits(x, ft, known) for x, (_, ft) in zip(fields, variant.fields, strict=True))
            )
        case ir.MapLit(var=var, domain=dom, value=value), MapType(value=vt):
            return fits(value, vt, {**known, var: elements(dom, known)})
        case ir.SetComp(var=var, domain=dom, elem=elem), SetType(elem=et):
            return fits(elem, et, {**known, var: elements(dom, known)})
    return False


def _binary_fits(e: ir.Binary, t: Type, known: Known) -> bool:
    match e.op:
        case "union":
            return fits(e.left, t, known) and fits(e.right, t, known)
        case "concat":
            short = not isinstance(t, SeqType) or t.max_len is None
            return short and fits(e.left, t, known) and fits(e.right, t, known)
        case "diff":
            return fits(e.left, t, known)
        case "inter":
            return fits(e.left, t, known) or fits(e.right, t, known)
    return type_within(e.type, t)  # arithmetic and comparisons: int and bool, unbounded


def _call_fits(e: ir.Call, t: Type, known: Known) -> bool:
    args = e.args
    match e.name:
        case "range" | "keys" | "msg_name":
            return type_within(e.type, t)
        case "min" | "max" | "pick" | "head" | "last":
            return type_within(e.type, t) and trusted(args[0], known)
        case "tail" | "slice" | "take" | "remove_at" | "delete" | "bag_remove":
            return fits(args[0], t, known)  # a part of the argument
        case "append" | "insert_at" if isinstance(t, SeqType):
            short = t.max_len is None
            return short and fits(args[0], t, known) and fits(args[-1], t.elem, known)
        case "bag_add" if isinstance(t, BagType):
            return fits(args[0], t, known) and fits(args[1], t.elem, known)
        case "bag_items" if isinstance(t, SetType):
            return fits(args[0], BagType(t.elem), known)
        case "to_set" if isinstance(t, SetType):
            return fits(args[0], SeqType(t.elem), known)
    return type_within(e.type, t) and unconstrained(e.type)


def _is_option(t: Type) -> bool:
    return isinstance(t, OptionType)


def _within(t: Type, value: Any) -> bool:
    try:
        return within_type(t, value)
    except (TypeError, KeyError, IndexError, ValueError):
        return False


# ---------------------------------------------------------------- checking a part only

Part = tuple[str, ir.Expr, Type]  # a hoisted sub-expression: local name, expression, its type


def split(
    e: ir.Expr, t: Type, known: Known, may_fault: Callable[[ir.Expr], bool]
) -> tuple[ir.Expr, list[Part]] | None:
    """`e` with the sub-expressions that may not fit replaced by fresh locals, and those parts
    with the type each must lie within: so that a message added to the network is checked,
    not the whole network. None when no such split is known (check the whole value). A part
    is hoisted only out of places always evaluated (constructor arguments, not a branch),
    and only past siblings that cannot fault, so the first fault stays the same."""
    parts: list[Part] = []
    out = _split(e, t, known, may_fault, parts)
    return None if out is None else (out, parts)


def _split(
    e: ir.Expr, t: Type, known: Known, may_fault: Callable[[ir.Expr], bool], parts: list[Part]
) -> ir.Expr | None:
    if fits(e, t, known):
        return e
    match e, t:
        case ir.Call(name="bag_add", args=(bag, x)), BagType(elem=elem) if fits(bag, t, known):
            return _children(e, [bag, x], [None, elem], known, may_fault, parts)
        case ir.Binary(op="union", left=left, right=right), SetType() if fits(left, t, known):
            return _children(e, [left, right], [None, t], known, may_fault, parts)
        case ir.SetLit(elems=elems), SetType(elem=elem):
            return _children(e, list(elems), [elem] * len(elems), known, may_fault, parts)
        case ir.RecordLit(fields=fields), RecordType(fields=types) if len(fields) == len(types):
            want = [ft for _, ft in types]
            return _children(e, list(fields), want, known, may_fault, parts)
        case ir.MessageLit(name=name, fields=fields), MessageType(variants=variants):
            variant = next((v for v in variants if v.name == name), None)
            if variant is None or len(variant.fields) != len(fields):
                return None
            want = [ft for _, ft in variant.fields]
            return _children(e, list(fields), want, known, may_fault, parts)
    return None


def _children(
    e: ir.Expr,
    children: list[ir.Expr],
    types: Sequence[Type | None],
    known: Known,
    may_fault: Callable[[ir.Expr], bool],
    parts: list[Part],
) -> ir.Expr | None:
    """e with each child that may not fit its type (None: it fits, said the caller) split in
    turn, or hoisted whole; None when a child left in place could fault before a hoisted
    one (evaluated left to right, the first fault would change)."""
    out: list[ir.Expr] = []
    start = len(parts)
    risky = False  # a child left in place before this one may fault
    for child, want in zip(children, types, strict=True):
        if want is None or fits(child, want, known):
            out.append(child)
            risky = risky or may_fault(child)
            continue
        if risky:
            del parts[start:]
            return None
        before = len(parts)
        inner = _split(child, want, known, may_fault, parts)
        if inner is None:
            del parts[before:]
            name = f"·part{len(parts)}"
            parts.append((name, child, want))
            inner = ir.Local(name, child.type, child.span)
        out.append(inner)
    return _rebuilt(e, out)


def _rebuilt(e: ir.Expr, children: list[ir.Expr]) -> ir.Expr:
    match e:
        case ir.Call():
            return replace(e, args=tuple(children))
        case ir.Binary():
            return replace(e, left=children[0], right=children[1])
        case ir.SetLit():
            return replace(e, elems=tuple(children))
        case ir.RecordLit() | ir.MessageLit():
            return replace(e, fields=tuple(children))
    raise TypeError(f"cannot rebuild {e!r}")
