"""Symbolic values: the runtime representation of core.types with Z3 terms at the leaves.

Every leaf is either a Python constant (bool or int) or a Z3 term, and every operation here
folds constants, so the parts of a model that do not depend on the state (literals, unrolled
parameter values, node ids) never become Z3 terms at all. That keeps formulas small: e.g. an
unrolled `envelope.dst == self` with both sides known is just `False` and the whole branch
disappears.

    VBool(b)                     bool
    VInt(i, lo, hi)              int, enum member (its ordinal), node id; lo/hi are static
                                 bounds (None: unbounded) used to enumerate ranges
    VOpt(present, inner)         option; `inner` is junk when absent
    VRec(fields)                 record
    VMsg(type, tag, variants)    message: tag = variant index, fields of every variant (only
                                 the tagged one's are meaningful)
    VSet(elem, members)          set: a finite universe of runtime values → membership
    VMap(key, entries)           map: (present, value) per key of domain(key), in order
    VSeq(length, elems)          sequence: a length and len(elems) (its capacity) elements
    VBag(elem, counts)           bag: a finite universe of runtime values → count

Universes are sets of runtime values (core.types), so sets of different static types (a set of
`P` ids and a set of any node) compare by value without conversion.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Union

import z3

from verikit.core.types import (
    MISSING,
    BagType,
    BoolType,
    EnumType,
    InfiniteDomain,
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    default_value,
    domain,
    is_finite,
    ordinal,
)
from verikit.errors import NO_SPAN, Diagnostic, Span, SpecError

B = Any  # bool | z3.BoolRef
I = Any  # int | z3.ArithRef  # noqa: E741

MAX_UNIVERSE = 4096  # values a set, bag or range may range over before we refuse to unroll it


class Unsupported(SpecError):
    """A construct the Z3 encoding cannot express exactly; rendered like any spec error
    (file:line:col, caret) and exit code 2, never approximated."""

    def __init__(self, what: str, why: str, span: Span = NO_SPAN) -> None:
        self.span = span
        self.message = f"cannot encode {what} for Z3: {why}"
        super().__init__([Diagnostic(span, self.message)])


class Refusal(Exception):
    """Raised deep inside the value layer, which knows no spans; the evaluator turns it into
    Unsupported at the IR node being encoded."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")
        self.what = what
        self.why = why


# ---------------------------------------------------------------- leaves with folding


def is_const(x: Any) -> bool:
    return isinstance(x, (bool, int))


def zb(x: B) -> Any:
    """A bool leaf as a Z3 term."""
    return z3.BoolVal(x) if isinstance(x, bool) else x


def zi(x: I) -> Any:
    """An int leaf as a Z3 term."""
    return z3.IntVal(x) if isinstance(x, int) else x


def same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if is_const(a) or is_const(b):
        return is_const(a) and is_const(b) and type(a) is type(b) and a == b
    return bool(a.eq(b))


def and_(*xs: B) -> B:
    return all_of(xs)


def all_of(xs: Iterable[B]) -> B:
    out = []
    for x in xs:
        if x is True:
            continue
        if x is False:
            return False
        out.append(x)
    if not out:
        return True
    return out[0] if len(out) == 1 else _nary(z3.Z3_mk_and, z3.BoolRef, out)


def or_(*xs: B) -> B:
    return any_of(xs)


def any_of(xs: Iterable[B]) -> B:
    out = []
    for x in xs:
        if x is False:
            continue
        if x is True:
            return True
        out.append(x)
    if not out:
        return False
    return out[0] if len(out) == 1 else _nary(z3.Z3_mk_or, z3.BoolRef, out)


def not_(x: B) -> B:
    return (not x) if isinstance(x, bool) else z3.Not(x)


def implies(a: B, b: B) -> B:
    return or_(not_(a), b)


def ite_leaf(c: B, a: Any, b: Any) -> Any:
    """if c then a else b, for two bool leaves or two int leaves."""
    if c is True or same(a, b):
        return a
    if c is False:
        return b
    if isinstance(a, bool) and isinstance(b, bool):
        return c if a else not_(c)
    if isinstance(a, bool) or isinstance(b, bool) or z3.is_bool(a) or z3.is_bool(b):
        return z3.If(c, zb(a), zb(b))
    return z3.If(c, zi(a), zi(b))


def eq_bool(a: B, b: B) -> B:
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b
    if isinstance(a, bool):
        return b if a else not_(b)
    if isinstance(b, bool):
        return a if b else not_(a)
    return True if a.eq(b) else a == b


def eq_int(a: I, b: I) -> B:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if not is_const(a) and not is_const(b) and a.eq(b):
        return True
    return zi(a) == zi(b)


def cmp_int(op: str, a: I, b: I) -> B:
    if isinstance(a, int) and isinstance(b, int):
        return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]
    x, y = zi(a), zi(b)
    return {"lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[op]


def sum_of(xs: Iterable[I]) -> I:
    const = 0
    terms = []
    for x in xs:
        if isinstance(x, int):
            const += x
        else:
            terms.append(x)
    if not terms:
        return const
    total = terms[0] if len(terms) == 1 else _nary(z3.Z3_mk_add, z3.ArithRef, terms)
    return total + const if const else total


def _nary(make: Any, wrap: Any, terms: list[Any]) -> Any:
    """And/Or/+ of many terms of one sort, without the Python API's per-argument coercion
    (which dominates the encoding time of big bags and sets)."""
    ctx = terms[0].ctx
    args = (z3.Ast * len(terms))()
    for i, t in enumerate(terms):
        args[i] = t.as_ast()
    return wrap(make(ctx.ref(), len(terms), args), ctx)


def count_true(bs: Iterable[B]) -> I:
    return sum_of(int(b) if isinstance(b, bool) else z3.If(b, 1, 0) for b in bs)


# ---------------------------------------------------------------- values


@dataclass(frozen=True, eq=False)
class VBool:
    b: B


@dataclass(frozen=True, eq=False)
class VInt:
    i: I
    lo: int | None = None
    hi: int | None = None


@dataclass(frozen=True, eq=False)
class VOpt:
    present: B
    inner: V


@dataclass(frozen=True, eq=False)
class VRec:
    fields: tuple[V, ...]


@dataclass(frozen=True, eq=False)
class VMsg:
    type: MessageType
    tag: I
    variants: tuple[tuple[V, ...], ...]


@dataclass(frozen=True, eq=False)
class VSet:
    elem: Type
    members: dict[Any, B]  # runtime value → is a member


@dataclass(frozen=True, eq=False)
class VMap:
    key: Type
    entries: tuple[tuple[B, V], ...]  # (present, value) per key of domain(key)


@dataclass(frozen=True, eq=False)
class VSeq:
    length: VInt
    elems: tuple[V, ...]


@dataclass(frozen=True, eq=False)
class VBag:
    elem: Type
    counts: dict[Any, I]  # runtime value → how many
    total: I | None = None  # the sum of the counts, when known (len of a bag is common)


def bag_total(bag: VBag) -> I:
    """How many elements the bag holds (computed once per bag)."""
    if bag.total is None:
        object.__setattr__(bag, "total", sum_of(bag.counts.values()))
    return bag.total


@dataclass(frozen=True, eq=False)
class VSlots:
    """A bag held as its elements in slots 0..size-1, in no particular order (one copy per
    slot; the rest is junk): the network under `max_in_flight`, whose message domain is far
    too large for one counter per possible message."""

    elem: Type
    size: VInt
    slots: tuple[V, ...]


@dataclass(frozen=True)
class InFlight:
    """The parameter value "whatever slot j of the bag holds" (a transition's label)."""

    slot: int

    def __repr__(self) -> str:
        return f"<in flight #{self.slot + 1}>"


@dataclass(frozen=True, eq=False)
class VElems:
    """A set given by symbolic elements, possibly repeated: `bag_items` of a slot bag. Good
    for membership and for binders that do not care about order or repeats (quantifiers,
    comprehensions, parameters, choose); anything else turns it into a VSet first."""

    elem: Type
    items: tuple[tuple[B, V], ...]  # (is an element, the value)


V = Union[VBool, VInt, VOpt, VRec, VMsg, VSet, VMap, VSeq, VBag, VSlots, VElems]  # noqa: UP007

TRUE, FALSE = VBool(True), VBool(False)


def vint(i: I, lo: int | None = None, hi: int | None = None) -> VInt:
    if isinstance(i, int):
        return VInt(i, i, i)
    return VInt(i, lo, hi)


def bounds(t: Type) -> tuple[int | None, int | None]:
    """Static bounds of an int-like type's leaf (ordinal for enums, id for nodes)."""
    match t:
        case IntType(lo=lo, hi=hi):
            return lo, hi
        case EnumType(members=members):
            return 0, len(members) - 1
        case NodeType(groups=groups):
            return min(g.first for g in groups), max(g.first + g.count - 1 for g in groups)
    return None, None


# ---------------------------------------------------------------- constants


def lift(t: Type, value: Any) -> V:
    """A runtime value of type t as a (constant) symbolic value."""
    match t:
        case BoolType():
            return VBool(bool(value))
        case IntType() | NodeType():
            return vint(value)
        case EnumType(members=members):
            return vint(members.index(value))
        case OptionType(inner=inner):
            if value is None:
                return VOpt(False, junk(inner))
            return VOpt(True, lift(inner, value))
        case RecordType(fields=fields):
            return VRec(tuple(lift(ft, v) for (_, ft), v in zip(fields, value, strict=True)))
        case MessageType(variants=variants):
            tag = next(i for i, v in enumerate(variants) if v.name == value[0])
            return VMsg(
                t,
                tag,
                tuple(
                    tuple(lift(ft, x) for (_, ft), x in zip(v.fields, value[1:], strict=True))
                    if i == tag
                    else tuple(junk(ft) for _, ft in v.fields)
                    for i, v in enumerate(variants)
                ),
            )
        case SetType(elem=elem):
            return VSet(elem, dict.fromkeys(value, True))
        case MapType(key=key, value=vt):
            return VMap(
                key,
                tuple(
                    (False, junk(vt)) if v is MISSING else (True, lift(vt, v))
                    for v in _padded(value, len(_keys(key)))
                ),
            )
        case SeqType(elem=elem):
            return VSeq(vint(len(value)), tuple(lift(elem, v) for v in value))
        case BagType(elem=elem):
            return VBag(elem, {v: n for v, n in value}, sum(n for _, n in value))
    raise Refusal(f"a value of type {t}", "this type has no symbolic representation")


def _padded(value: tuple[Any, ...], n: int) -> tuple[Any, ...]:
    return value if len(value) == n else (*value, *([MISSING] * (n - len(value))))


_JUNK: dict[Type, V] = {}


def junk(t: Type) -> V:
    """Some value of type t, for positions whose value does not matter (absent options, map
    entries, other message variants, sequence positions past the end)."""
    if t not in _JUNK:
        if isinstance(t, OptionType):
            _JUNK[t] = VOpt(False, junk(t.inner))
        elif isinstance(t, SeqType):
            _JUNK[t] = VSeq(vint(0), ())
        else:
            _JUNK[t] = lift(t, default_value(t))
    return _JUNK[t]


class _NotConst:
    pass


NOT_CONST: Any = _NotConst()


def const_of(t: Type, v: V) -> Any:
    """The runtime value of v when every leaf that matters is a constant, else NOT_CONST."""
    match t, v:
        case BoolType(), VBool(b=b):
            return b if isinstance(b, bool) else NOT_CONST
        case ((IntType() | NodeType()), VInt(i=i)):
            return i if isinstance(i, int) else NOT_CONST
        case EnumType(members=members), VInt(i=i):
            return members[i] if isinstance(i, int) and 0 <= i < len(members) else NOT_CONST
        case OptionType(inner=inner), VOpt(present=p, inner=x):
            if p is False:
                return None
            return const_of(inner, x) if p is True else NOT_CONST
        case OptionType(inner=inner), _:
            return const_of(inner, v)
        case RecordType(fields=fields), VRec(fields=vs):
            out = tuple(const_of(ft, x) for (_, ft), x in zip(fields, vs, strict=True))
            return NOT_CONST if any(x is NOT_CONST for x in out) else out
        case MessageType(), VMsg(tag=tag, variants=vv):
            if not isinstance(tag, int):
                return NOT_CONST
            rec = v.type.variants[tag]
            fields = tuple(const_of(ft, x) for (_, ft), x in zip(rec.fields, vv[tag], strict=True))
            return NOT_CONST if any(x is NOT_CONST for x in fields) else (rec.name, *fields)
        case SetType(), VSet(members=members):
            if not all(isinstance(b, bool) for b in members.values()):
                return NOT_CONST
            return frozenset(u for u, b in members.items() if b)
    return NOT_CONST


# ---------------------------------------------------------------- equality and choice


def eq(a: V, b: V) -> B:
    """Value equality (junk positions ignored)."""
    if isinstance(a, VSlots) or isinstance(b, VSlots):
        return _eq_slots(as_slots(a), as_slots(b))
    if isinstance(a, VElems) or isinstance(b, VElems):
        raise Refusal("comparing the set of messages in flight", "compare the bags instead")
    if isinstance(a, VOpt) != isinstance(b, VOpt):  # a plain value stands for a present option
        a, b = (a, VOpt(True, b)) if isinstance(a, VOpt) else (VOpt(True, a), b)
    match a, b:
        case VBool(b=x), VBool(b=y):
            return eq_bool(x, y)
        case VInt(i=x), VInt(i=y):
            return eq_int(x, y)
        case VOpt(), VOpt():
            both = and_(a.present, b.present)
            return and_(eq_bool(a.present, b.present), implies(both, eq(a.inner, b.inner)))
        case VRec(fields=xs), VRec(fields=ys):
            return all_of(eq(x, y) for x, y in zip(xs, ys, strict=True))
        case VMsg(), VMsg():
            return _eq_msg(a, retype(a.type, b))
        case VSet(), VSet():
            keys = {**a.members, **b.members}
            return all_of(eq_bool(a.members.get(u, False), b.members.get(u, False)) for u in keys)
        case VMap(entries=xs), VMap(entries=ys):
            return all_of(
                and_(eq_bool(p, q), implies(and_(p, q), eq(x, y)))
                for (p, x), (q, y) in zip(xs, ys, strict=True)
            )
        case VSeq(), VSeq():
            return _eq_seq(a, b)
        case VBag(), VBag():
            keys = {**a.counts, **b.counts}
            return all_of(eq_int(a.counts.get(u, 0), b.counts.get(u, 0)) for u in keys)
    raise TypeError(f"cannot compare {a!r} and {b!r}")


def slot_count(bag: VSlots, x: V) -> I:
    """How many slots of the bag hold x."""
    return sum_of(
        ite_leaf(and_(cmp_int("lt", j, bag.size.i), eq(s, x)), 1, 0)
        for j, s in enumerate(bag.slots)
    )


def _eq_slots(a: VSlots, b: VSlots) -> B:
    """Equal multisets: same size, and each element of a as often in a as in b."""
    parts = [eq_int(a.size.i, b.size.i)]
    for j, x in enumerate(a.slots):
        parts.append(
            implies(cmp_int("lt", j, a.size.i), eq_int(slot_count(a, x), slot_count(b, x)))
        )
    return all_of(parts)


def as_slots(v: V) -> VSlots:
    """A bag as slots; a bag of counters converts only when its counts are constants."""
    if isinstance(v, VSlots):
        return v
    assert isinstance(v, VBag), v
    if not all(isinstance(n, int) for n in v.counts.values()):
        raise Refusal("a bag mixing both representations", "its counts are not constants")
    elems = tuple(lift(v.elem, u) for u, n in v.counts.items() for _ in range(n))
    return VSlots(v.elem, vint(len(elems)), elems)


def _eq_msg(a: VMsg, b: VMsg) -> B:
    parts = [eq_int(a.tag, b.tag)]
    for i, (xs, ys) in enumerate(zip(a.variants, b.variants, strict=True)):
        fields = all_of(eq(x, y) for x, y in zip(xs, ys, strict=True))
        parts.append(implies(eq_int(a.tag, i), fields))
    return all_of(parts)


def _eq_seq(a: VSeq, b: VSeq) -> B:
    parts = [eq_int(a.length.i, b.length.i)]
    for j in range(min(len(a.elems), len(b.elems))):
        parts.append(implies(cmp_int("lt", j, a.length.i), eq(a.elems[j], b.elems[j])))
    # positions only one side has: the common length cannot reach them
    shorter = min(len(a.elems), len(b.elems))
    if len(a.elems) != len(b.elems):
        parts.append(cmp_int("le", a.length.i, shorter))
    return all_of(parts)


def ite(c: B, a: V, b: V) -> V:
    """if c then a else b, for two values of one type (layouts may differ)."""
    if c is True or a is b:
        return a
    if c is False:
        return b
    if isinstance(a, VSlots) or isinstance(b, VSlots):
        a, b = as_slots(a), as_slots(b)
        n = max(len(a.slots), len(b.slots))
        xs, ys = _pad(a.slots, b.slots, n), _pad(b.slots, a.slots, n)
        size = ite(c, a.size, b.size)
        assert isinstance(size, VInt)
        return VSlots(a.elem, size, tuple(ite(c, x, y) for x, y in zip(xs, ys, strict=True)))
    if isinstance(a, VElems) or isinstance(b, VElems):
        raise Refusal("choosing between sets of messages in flight", "not supported")
    if isinstance(a, VOpt) != isinstance(b, VOpt):
        a, b = (a, VOpt(True, b)) if isinstance(a, VOpt) else (VOpt(True, a), b)
    match a, b:
        case VBool(b=x), VBool(b=y):
            return VBool(ite_leaf(c, x, y))
        case VInt(), VInt():
            return VInt(ite_leaf(c, a.i, b.i), _min(a.lo, b.lo), _max(a.hi, b.hi))
        case VOpt(), VOpt():
            return VOpt(ite_leaf(c, a.present, b.present), ite(c, a.inner, b.inner))
        case VRec(fields=xs), VRec(fields=ys):
            return VRec(tuple(ite(c, x, y) for x, y in zip(xs, ys, strict=True)))
        case VMsg(), VMsg():
            b = retype(a.type, b)
            return VMsg(
                a.type,
                ite_leaf(c, a.tag, b.tag),
                tuple(
                    tuple(ite(c, x, y) for x, y in zip(xs, ys, strict=True))
                    for xs, ys in zip(a.variants, b.variants, strict=True)
                ),
            )
        case VSet(), VSet():
            keys = {**a.members, **b.members}
            return VSet(
                a.elem,
                {u: ite_leaf(c, a.members.get(u, False), b.members.get(u, False)) for u in keys},
            )
        case VMap(entries=ea), VMap(entries=eb):
            return VMap(
                a.key,
                tuple(
                    (ite_leaf(c, p, q), ite(c, x, y)) for (p, x), (q, y) in zip(ea, eb, strict=True)
                ),
            )
        case VSeq(), VSeq():
            n = max(len(a.elems), len(b.elems))
            xs, ys = _pad(a.elems, b.elems, n), _pad(b.elems, a.elems, n)
            return VSeq(
                ite(c, a.length, b.length),  # type: ignore[arg-type]
                tuple(ite(c, x, y) for x, y in zip(xs, ys, strict=True)),
            )
        case VBag(), VBag():
            keys = {**a.counts, **b.counts}
            total = None
            if a.total is not None and b.total is not None:
                total = ite_leaf(c, a.total, b.total)
            return VBag(
                a.elem,
                {u: ite_leaf(c, a.counts.get(u, 0), b.counts.get(u, 0)) for u in keys},
                total,
            )
    raise TypeError(f"cannot choose between {a!r} and {b!r}")


def _pad(xs: tuple[V, ...], other: tuple[V, ...], n: int) -> tuple[V, ...]:
    """Extend xs to n elements with junk (the other side's elements, so ite folds them)."""
    return xs + other[len(xs) : n]


def _min(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else min(a, b)


def _max(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else max(a, b)


def retype(t: MessageType, m: VMsg) -> VMsg:
    """A message as a value of another message type (variants matched by name): a message
    literal has a type with only its own variant, the network holds any message."""
    if m.type == t:
        return m
    source = {rec.name: i for i, rec in enumerate(m.type.variants)}
    tag: Any = 0
    variants = []
    for j, rec in enumerate(t.variants):
        i = source.get(rec.name)
        if i is None:
            variants.append(tuple(junk(ft) for _, ft in rec.fields))
            continue
        variants.append(
            tuple(coerce(ft, x) for (_, ft), x in zip(rec.fields, m.variants[i], strict=True))
        )
        tag = ite_leaf(eq_int(m.tag, i), j, tag)
    return VMsg(t, tag, tuple(variants))


def coerce(t: Type, v: V) -> V:
    """v as a value of type t: a plain value where an option is expected becomes a present
    option (the runtime representation does not change, ours does)."""
    match t:
        case OptionType(inner=inner):
            if isinstance(v, VOpt):
                return VOpt(v.present, coerce(inner, v.inner))
            return VOpt(True, coerce(inner, v))
        case RecordType(fields=fields) if isinstance(v, VRec):
            return VRec(tuple(coerce(ft, x) for (_, ft), x in zip(fields, v.fields, strict=True)))
        case MessageType() if isinstance(v, VMsg):
            return retype(t, v)
        case SetType(elem=elem) if isinstance(v, VSet):
            return v if v.elem == elem else VSet(elem, v.members)
        case SeqType(elem=elem) if isinstance(v, VSeq):
            return VSeq(v.length, tuple(coerce(elem, x) for x in v.elems))
        case MapType(value=vt) if isinstance(v, VMap):
            return VMap(v.key, tuple((p, coerce(vt, x)) for p, x in v.entries))
    return v


# ---------------------------------------------------------------- enumeration


def order(elem: Type, values: Iterable[Any]) -> list[Any]:
    """Values in the order the language iterates a set of `elem` (core/ir.py ForEach): by
    value for ints and infinite types, else by ordinal in domain(elem)."""
    if isinstance(elem, IntType) or not is_finite(elem):
        return sorted(values)
    position = _position(elem)
    return sorted(values, key=lambda u: position.get(u, len(position)))


_POSITIONS: dict[Type, dict[Any, int]] = {}


def _position(t: Type) -> dict[Any, int]:
    if t not in _POSITIONS:
        _POSITIONS[t] = {v: i for i, v in enumerate(finite_domain(t))}
    return _POSITIONS[t]


def finite_domain(t: Type) -> tuple[Any, ...]:
    """domain(t), or Refusal when it is infinite or too large to unroll."""
    if not is_finite(t) or _too_big(t):
        raise Refusal(f"the values of {t}", _why_not_finite(t))
    try:
        return domain(t)
    except InfiniteDomain:
        raise Refusal(f"the values of {t}", "the type is not finite") from None


def _why_not_finite(t: Type) -> str:
    if is_finite(t):
        return f"more than {MAX_UNIVERSE} values"
    return "the type is not finite (give ints a range and sequences a maximum length)"


def _too_big(t: Type) -> bool:
    size = _size(t)
    return size is None or size > MAX_UNIVERSE


def domain_size(t: Type) -> int | None:
    """The number of values of a finite type, without enumerating them (None: infinite)."""
    return _size(t)


def _size(t: Type) -> int | None:
    """The number of values of a finite type, without enumerating them (None: infinite)."""
    match t:
        case BoolType():
            return 2
        case IntType(lo=lo, hi=hi):
            return None if lo is None or hi is None else max(hi - lo + 1, 0)
        case EnumType(members=members):
            return len(members)
        case NodeType(groups=groups):
            return sum(g.count for g in groups)
        case OptionType(inner=inner):
            n = _size(inner)
            return None if n is None else n + 1
        case RecordType(fields=fields):
            return _product(_size(ft) for _, ft in fields)
        case MessageType(variants=variants):
            sizes = [_size(v) for v in variants]
            return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)
        case SetType(elem=elem):
            n = _size(elem)
            return None if n is None or n > 64 else 2**n
        case MapType(key=key, value=value):
            k, n = _size(key), _size(value)
            return None if k is None or n is None or k > 64 else (n + 1) ** k
    return None


def _product(sizes: Iterable[int | None]) -> int | None:
    total = 1
    for s in sizes:
        if s is None:
            return None
        total *= s
    return total


def possible(t: Type, v: V) -> list[Any]:
    """Every runtime value v may hold (a superset), to build the universe of a set or bag."""
    const = const_of(t, v)
    if const is not NOT_CONST:
        return [const]
    match t, v:
        case BoolType(), _:
            return [False, True]
        case IntType(), VInt(lo=lo, hi=hi):
            # the value's static bounds, not its type's (an expression may leave its type)
            if lo is None or hi is None:
                raise Refusal("a set of unbounded ints", "give the values a static range")
            if hi - lo + 1 > MAX_UNIVERSE:
                raise Refusal(f"a set of ints {lo}..{hi}", f"more than {MAX_UNIVERSE} values")
            return list(range(lo, hi + 1))
        case OptionType(inner=inner), VOpt(present=p, inner=x):
            rest = possible(inner, x)
            return rest if p is True else [None, *rest]
        case OptionType(inner=inner), _:
            return possible(inner, v)
        case RecordType(fields=fields), VRec(fields=vs):
            options = [possible(ft, x) for (_, ft), x in zip(fields, vs, strict=True)]
            return _bounded_product(options)
        case SetType(), VSet(members=members):
            fixed = [u for u, b in members.items() if b is True]
            free = [u for u, b in members.items() if not isinstance(b, bool)]
            if len(free) > 12:
                raise Refusal(f"a set of {t}", "too many possible values to enumerate")
            return [
                frozenset((*fixed, *combo))
                for k in range(len(free) + 1)
                for combo in itertools.combinations(free, k)
            ]
    return list(finite_domain(t))


def _bounded_product(options: Sequence[list[Any]]) -> list[Any]:
    total = _product(len(o) for o in options) or 0
    if total > MAX_UNIVERSE:
        raise Refusal("a set of records", f"more than {MAX_UNIVERSE} possible values")
    return [tuple(combo) for combo in itertools.product(*options)]


def member(elem: Type, s: VSet, v: V) -> B:
    """v is in s."""
    const = const_of(elem, v)
    if const is not NOT_CONST:
        return s.members.get(const, False)
    return any_of(and_(b, eq(v, lift(elem, u))) for u, b in s.members.items() if b is not False)


def is_value(elem: Type, v: V, u: Any) -> B:
    """v equals the runtime value u."""
    return eq(v, lift(elem, u))


def items(elem: Type, s: VSet) -> list[tuple[Any, B]]:
    """The possible members of s in iteration order, with their membership conditions."""
    return [(u, s.members[u]) for u in order(elem, s.members) if s.members[u] is not False]


def _keys(key: Type) -> tuple[Any, ...]:
    return finite_domain(key)


def keys_of(key: Type) -> tuple[Any, ...]:
    """The keys of a map type, in slot order."""
    return _keys(key)


def key_ordinal(key: Type, value: Any) -> int | None:
    """The slot of a runtime key, or None when it is outside the key type."""
    try:
        position = ordinal(key, value)
    except (KeyError, TypeError):
        return None
    keys = _keys(key)
    return position if 0 <= position < len(keys) and keys[position] == value else None
