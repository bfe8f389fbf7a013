"""The packed state vector of the native engine, and how Python values move in and out of it.

Every state slot gets a fixed number of bits that its finite type needs, written one after the
other into a little-endian bit stream of 64-bit words (a field may straddle two words):

    bool, enum, node id, int lo..hi   one field: the value's ordinal (value - lo for ints)
    option                            a present bit, then the inner value (zero when none)
    record                            its fields in declaration order
    message                           a variant tag, then every variant's fields (inactive zero)
    set                               one bit per value of the element domain (domain order)
    map                               per key of the key domain: a present bit and the value
    sequence                          its length, then max_len elements (unused ones zero)
    bag                               its number of distinct entries, then `bound` entries
                                      (element, count), sorted as compile iterates them

Unused bits are zero, so equal states have equal words. A sequence without max_len (the FIFO
network's queues) and a bag (the reordering network) hold at most max_in_flight entries: the
network blocks any send beyond it. `pack` raises `Unrepresentable` for a value outside what
its layout holds; types the layout cannot bound at all raise `NativeRefusal` when the layout
is built, naming the construct and its span.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from verikit.core.model import Model, Var
from verikit.core.types import (
    MISSING,
    BagType,
    BoolType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
    domain_size,
    is_finite,
    ordinal,
)
from verikit.errors import NO_SPAN, Span

SET_LIMIT = 1024  # the largest element domain a set's bitmask covers
MAP_LIMIT = 1024  # the largest key domain a map gets one field per key for
BAG_LIMIT = 16  # a bag outside the network: at most this many distinct elements,
BAG_COUNT = 255  # each at most this many times
FIELD_LIMIT = 62  # the widest scalar field (ints need their range in a signed 64-bit word)


class NativeRefusal(Exception):
    """The model uses something the native engine cannot encode; `construct` says what."""

    def __init__(self, construct: str, span: Span = NO_SPAN) -> None:
        super().__init__(f"{construct} ({span})" if span != NO_SPAN else construct)
        self.construct = construct
        self.span = span


class Unrepresentable(Exception):
    """A value does not fit its packed layout (the driver then falls back to Python)."""


def bits_for(count: int) -> int:
    """Bits to number `count` distinct values (0 for a single value)."""
    return max(count - 1, 0).bit_length()


# ---------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Scalar:
    """bool, enum, node id or bounded int: the value's ordinal in `count` values."""

    type: Type
    count: int

    @property
    def bits(self) -> int:
        return bits_for(self.count)


@dataclass(frozen=True)
class Opt:
    inner: Layout

    @property
    def bits(self) -> int:
        return 1 + self.inner.bits


@dataclass(frozen=True)
class Rec:
    fields: tuple[Layout, ...]

    @property
    def bits(self) -> int:
        return sum(f.bits for f in self.fields)


@dataclass(frozen=True)
class Msg:
    type: MessageType
    variants: tuple[Rec, ...]

    @property
    def tag_bits(self) -> int:
        return bits_for(len(self.variants))

    @property
    def bits(self) -> int:
        return self.tag_bits + sum(v.bits for v in self.variants)


@dataclass(frozen=True)
class SetL:
    elem: Type
    size: int  # len(domain(elem)): one bit each

    @property
    def bits(self) -> int:
        return self.size


@dataclass(frozen=True)
class MapL:
    key: Type
    size: int  # len(domain(key))
    value: Layout

    @property
    def bits(self) -> int:
        return self.size * (1 + self.value.bits)


@dataclass(frozen=True)
class SeqL:
    cap: int
    elem: Layout

    @property
    def len_bits(self) -> int:
        return bits_for(self.cap + 1)

    @property
    def bits(self) -> int:
        return self.len_bits + self.cap * self.elem.bits


@dataclass(frozen=True)
class BagL:
    cap: int  # distinct entries
    elem_type: Type
    elem: Layout
    max_count: int  # the largest count of one entry

    @property
    def len_bits(self) -> int:
        return bits_for(self.cap + 1)

    @property
    def count_bits(self) -> int:
        return bits_for(self.max_count + 1)

    @property
    def entry_bits(self) -> int:
        return self.elem.bits + self.count_bits

    @property
    def bits(self) -> int:
        return self.len_bits + self.cap * self.entry_bits


Layout = Scalar | Opt | Rec | Msg | SetL | MapL | SeqL | BagL


def scalar_count(t: Type) -> int | None:
    """How many values a scalar type has (None: not a scalar, or an unbounded int)."""
    match t:
        case BoolType():
            return 2
        case IntType(lo=lo, hi=hi):
            return None if lo is None or hi is None else max(hi - lo + 1, 1)
        case EnumType(members=members):
            return len(members)
        case NodeType():
            return domain_size(t)
    return None


def layout_of(t: Type, span: Span = NO_SPAN, bound: int | None = None) -> Layout:
    """The layout of a value of type `t`; `bound` holds sequences without max_len and bags."""
    match t:
        case BoolType() | EnumType() | NodeType() | IntType():
            count = scalar_count(t)
            if count is None:
                raise NativeRefusal(f"an unbounded int ({t})", span)
            if bits_for(count) > FIELD_LIMIT:
                raise NativeRefusal(f"an int range too wide for 62 bits ({t})", span)
            return Scalar(t, count)
        case OptionType(inner=inner):
            return Opt(layout_of(inner, span, bound))
        case RecordType(fields=fields):
            return Rec(tuple(layout_of(ft, span, bound) for _, ft in fields))
        case MessageType(variants=variants):
            recs = tuple(layout_of(v, span, bound) for v in variants)
            return Msg(t, tuple(r for r in recs if isinstance(r, Rec)))
        case SetType(elem=elem):
            size = finite_size(elem, SET_LIMIT)
            if size is None:
                raise NativeRefusal(f"a set over {elem} (more than {SET_LIMIT} values)", span)
            return SetL(elem, size)
        case MapType(key=key, value=value):
            size = finite_size(key, MAP_LIMIT)
            if size is None:
                raise NativeRefusal(f"a map keyed by {key} (more than {MAP_LIMIT} keys)", span)
            return MapL(key, size, layout_of(value, span, bound))
        case SeqType(elem=elem, max_len=max_len):
            cap = max_len if max_len is not None else bound
            if cap is None:
                raise NativeRefusal(f"a sequence without max_len ({t})", span)
            return SeqL(cap, layout_of(elem, span, bound))
        case BagType(elem=elem):
            if bound is not None:
                return BagL(bound, elem, layout_of(elem, span, bound), bound)
            size = finite_size(elem, BAG_LIMIT)
            if size is None:
                raise NativeRefusal(f"a bag without max_in_flight over {elem} (more than "
                                    f"{BAG_LIMIT} values)", span)  # fmt: skip
            return BagL(size, elem, layout_of(elem, span, bound), BAG_COUNT)
    raise NativeRefusal(f"a value of type {t}", span)


def finite_size(t: Type, limit: int) -> int | None:
    """len(domain(t)) when `t` is finite with at most `limit` values (without enumerating a
    huge domain), else None."""
    size = _size(t)
    return size if size is not None and size <= limit else None


def _size(t: Type) -> int | None:
    if not is_finite(t):
        return None
    match t:
        case OptionType(inner=inner):
            n = _size(inner)
            return None if n is None else n + 1
        case RecordType(fields=fields):
            total = 1
            for _, ft in fields:
                n = _size(ft)
                if n is None or n * total > 1 << 40:
                    return None
                total *= n
            return total
        case MessageType(variants=variants):
            sizes = [_size(v) for v in variants]
            return None if any(n is None for n in sizes) else sum(n for n in sizes if n)
        case SetType(elem=elem):
            n = _size(elem)
            return None if n is None or n > 40 else 1 << n
        case MapType(key=key, value=value):
            k, v = _size(key), _size(value)
            if k is None or v is None or (v > 1 and k * v.bit_length() > 40):
                return None
            return int(v**k)
    return scalar_count(t)


# ---------------------------------------------------------------- order of bag entries


@cache
def sort_key(t: Type) -> Callable[[Any], Any]:
    """The order compile iterates values of `t` in (domain order for a finite type, value order
    otherwise); bag entries are stored in it, so the native code walks them in that order."""
    return _key(t, is_finite(t))


def _key(t: Type, by_ordinal: bool) -> Callable[[Any], Any]:
    match t:
        case BoolType() | IntType():
            return _same
        case EnumType(members=members):
            ranks = {m: i for i, m in enumerate(members)}
            return ranks.__getitem__ if by_ordinal else _same
        case NodeType():
            return (lambda v: ordinal(t, v)) if by_ordinal else _same
        case OptionType(inner=inner):
            k = _key(inner, by_ordinal)
            return lambda v: (0,) if v is None else (1, k(v))
        case RecordType(fields=fields):
            ks = [_key(ft, by_ordinal) for _, ft in fields]
            return lambda v: tuple(k(x) for k, x in zip(ks, v, strict=True))
        case MessageType(variants=variants):
            fks = {v.name: _key(v, by_ordinal) for v in variants}
            order = {v.name: i for i, v in enumerate(variants)}
            if by_ordinal:
                return lambda m: (order[m[0]], fks[m[0]](m[1:]))
            return lambda m: (m[0], fks[m[0]](m[1:]))
        case SetType(elem=elem):
            k = _key(elem, by_ordinal)
            return lambda s: (len(s), tuple(sorted(k(x) for x in s)))
        case BagType(elem=elem):
            k = _key(elem, by_ordinal)
            return lambda b: tuple(sorted((k(x), n) for x, n in b))
        case MapType(value=value):
            k = _key(value, by_ordinal)
            return lambda m: tuple((0,) if v is MISSING else (1, k(v)) for v in m)
        case SeqType(elem=elem):
            k = _key(elem, by_ordinal)
            return lambda s: tuple(k(v) for v in s)
    raise TypeError(t)


def _same(v: Any) -> Any:
    return v


# ---------------------------------------------------------------- Python pack / unpack


class _Writer:
    def __init__(self) -> None:
        self.acc = 0
        self.pos = 0

    def put(self, value: int, bits: int) -> None:
        if not 0 <= value < (1 << bits):
            raise Unrepresentable(f"{value} does not fit {bits} bits")
        self.acc |= value << self.pos
        self.pos += bits


class _Reader:
    def __init__(self, acc: int) -> None:
        self.acc = acc
        self.pos = 0

    def get(self, bits: int) -> int:
        value = (self.acc >> self.pos) & ((1 << bits) - 1)
        self.pos += bits
        return value


def scalar_code(t: Type, value: Any) -> int:
    """The field value of a scalar (its ordinal); Unrepresentable outside the type."""
    match t:
        case BoolType():
            return int(bool(value))
        case IntType(lo=lo, hi=hi):
            assert lo is not None and hi is not None
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise Unrepresentable(f"{value!r} outside {t}")
            return value - lo
        case EnumType(members=members):
            if value not in members:
                raise Unrepresentable(f"{value!r} outside {t}")
            return members.index(value)
        case NodeType():
            if value not in _ordinals(t):
                raise Unrepresentable(f"{value!r} outside {t}")
            return _ordinals(t)[value]
    raise TypeError(t)


@cache
def _ordinals(t: Type) -> dict[Any, int]:
    return {v: i for i, v in enumerate(domain(t))}


def _pack(lay: Layout, value: Any, w: _Writer) -> None:
    match lay:
        case Scalar(type=t):
            w.put(scalar_code(t, value), lay.bits)
        case Opt(inner=inner):
            w.put(0 if value is None else 1, 1)
            _pack_or_zero(inner, value, w)
        case Rec(fields=fields):
            if not isinstance(value, tuple) or len(value) != len(fields):
                raise Unrepresentable(f"{value!r} is not a record of {len(fields)} fields")
            for f, v in zip(fields, value, strict=True):
                _pack(f, v, w)
        case Msg(type=mt, variants=variants):
            names = [v.name for v in mt.variants]
            if not isinstance(value, tuple) or not value or value[0] not in names:
                raise Unrepresentable(f"{value!r} is not a message")
            tag = names.index(value[0])
            w.put(tag, lay.tag_bits)
            for i, rec in enumerate(variants):
                _pack_or_zero(rec, value[1:] if i == tag else None, w)
        case SetL(elem=elem, size=size):
            mask = 0
            for x in value:
                if x not in _ordinals(elem):
                    raise Unrepresentable(f"{x!r} outside {elem}")
                mask |= 1 << _ordinals(elem)[x]
            w.put(mask, size)
        case MapL(size=size, value=vl):
            if len(value) != size:
                raise Unrepresentable("a map of the wrong size")
            for v in value:
                w.put(0 if v is MISSING else 1, 1)
                _pack_or_zero(vl, None if v is MISSING else v, w)
        case SeqL(cap=cap, elem=el):
            if len(value) > cap:
                raise Unrepresentable(f"a sequence of length {len(value)} over {cap}")
            w.put(len(value), lay.len_bits)
            for i in range(cap):
                _pack_or_zero(el, value[i] if i < len(value) else None, w, i < len(value))
        case BagL(cap=cap, elem_type=et, elem=el):
            entries = sorted(value, key=lambda item: sort_key(et)(item[0]))
            if len(entries) > cap or any(not 1 <= n <= lay.max_count for _, n in entries):
                raise Unrepresentable(f"a bag beyond {cap} entries")
            w.put(len(entries), lay.len_bits)
            for i in range(cap):
                present = i < len(entries)
                _pack_or_zero(el, entries[i][0] if present else None, w, present)
                w.put(entries[i][1] if present else 0, lay.count_bits)


def _pack_or_zero(lay: Layout, value: Any, w: _Writer, present: bool | None = None) -> None:
    if present is None:
        present = value is not None
    if present:
        _pack(lay, value, w)
    else:
        w.pos += lay.bits


def _unpack(lay: Layout, r: _Reader) -> Any:
    match lay:
        case Scalar(type=t):
            code = r.get(lay.bits)
            if isinstance(t, IntType):
                assert t.lo is not None
                return t.lo + code
            return domain(t)[code]
        case Opt(inner=inner):
            return _unpack(inner, r) if r.get(1) else _skip(inner, r)
        case Rec(fields=fields):
            return tuple(_unpack(f, r) for f in fields)
        case Msg(type=mt, variants=variants):
            tag = r.get(lay.tag_bits)
            values = [_unpack(v, r) if i == tag else _skip(v, r) for i, v in enumerate(variants)]
            return (mt.variants[tag].name, *values[tag])
        case SetL(elem=elem, size=size):
            mask = r.get(size)
            return frozenset(x for i, x in enumerate(domain(elem)) if mask >> i & 1)
        case MapL(size=size, value=vl):
            out = []
            for _ in range(size):
                out.append(_unpack(vl, r) if r.get(1) else _skip(vl, r, MISSING))
            return tuple(out)
        case SeqL(cap=cap, elem=el):
            n = r.get(lay.len_bits)
            items = [_unpack(el, r) if i < n else _skip(el, r) for i in range(cap)]
            return tuple(items[:n])
        case BagL(cap=cap, elem=el):
            n = r.get(lay.len_bits)
            entries = []
            for i in range(cap):
                x = _unpack(el, r) if i < n else _skip(el, r)
                entries.append((x, r.get(lay.count_bits)))
            return frozenset(entries[:n])
    raise TypeError(lay)


def _skip(lay: Layout, r: _Reader, value: Any = None) -> Any:
    """Pass over an absent value's (zero) bits."""
    r.pos += lay.bits
    return value


# ---------------------------------------------------------------- the state layout


@dataclass(frozen=True)
class StateLayout:
    """The layouts of a model's state slots, in order, and their place in the bit stream."""

    slots: tuple[Layout, ...]

    @property
    def bits(self) -> int:
        return sum(s.bits for s in self.slots)

    @property
    def words(self) -> int:
        return max(1, (self.bits + 63) // 64)

    def offsets(self) -> tuple[int, ...]:
        out, pos = [], 0
        for s in self.slots:
            out.append(pos)
            pos += s.bits
        return tuple(out)

    def pack(self, state: Sequence[Any]) -> tuple[int, ...]:
        """The words of `state` (a tuple of slot values); Unrepresentable if one does not fit."""
        w = _Writer()
        for lay, value in zip(self.slots, state, strict=True):
            _pack(lay, value, w)
        return tuple((w.acc >> (64 * i)) & ((1 << 64) - 1) for i in range(self.words))

    def unpack(self, words: Sequence[int]) -> tuple[Any, ...]:
        acc = 0
        for i, word in enumerate(words):
            acc |= int(word) << (64 * i)
        r = _Reader(acc)
        return tuple(_unpack(lay, r) for lay in self.slots)


def _no_messages(t: Type) -> bool:
    """The network's type holds messages of a spec that declares none."""
    match t:
        case MapType(value=SeqType(elem=MessageType(variants=()))):
            return True
        case BagType(elem=RecordType(fields=fields)):
            return any(isinstance(ft, MessageType) and not ft.variants for _, ft in fields)
    return False


def var_span(model: Model, v: Var) -> Span:
    """Where a state variable was declared: the network's slots (the messages in flight,
    `up`, the partition) at the `network` declaration; else the spec's."""
    if v.span != NO_SPAN:
        return v.span
    if model.network is not None and v.role != "user" and model.network.span != NO_SPAN:
        return model.network.span
    return model.span


def state_layout(model: Model) -> StateLayout:
    """The layout of every slot of `model`'s state; NativeRefusal for what cannot be bounded."""
    bound = model.network.max_in_flight if model.network is not None else None
    slots = []
    for i, v in enumerate(model.vars):
        net = model.network is not None and i == model.network.slot
        span = var_span(model, v)
        if net and bound is None and _no_messages(v.type):
            bound = 0  # a spec without messages: nothing is ever in flight
        held = bound
        if net and model.network is not None and not model.network.reorder and bound is not None:
            per_queue = model.network.queue_bound()  # one FIFO queue's positions
            held = bound if per_queue is None else min(bound, per_queue)
        try:
            slots.append(layout_of(v.type, span, held if net else None))
        except NativeRefusal as refusal:
            if net and bound is None:  # the FIFO queues (or a bag over a large domain)
                raise NativeRefusal("a network without max_in_flight", span) from refusal
            raise
    return StateLayout(tuple(slots))
