"""Types of the core model and the runtime representation of their values.

This module is the contract shared by every back end (compiled code, the reference
evaluator in tests, Z3, trace display). A value of each type is represented as:

    BoolType      bool
    IntType       int
    EnumType      str, the member's name (members of different enums may share a name)
    NodeType      int, the node's global id (groups are numbered in declaration order)
    OptionType    None, or a value of the inner type
    RecordType    tuple of the field values, in declaration order
    MessageType   tuple (message name, *field values in declaration order)
    SetType       frozenset
    MapType       tuple of length len(domain(key)); slot i holds the value for the key
                  whose ordinal is i, or MISSING when the map has no entry for that key
    SeqType       tuple (indices in the language count from 1)
    BagType       frozenset of (element, count) pairs with count >= 1 (a multiset)
    RealType      fractions.Fraction (exact); exists only in `query` blocks, never in a state

`domain(t)` enumerates a finite type in a fixed order and `ordinal(t, v)` is the position of
`v` in it; map slots and symmetry use them. `domain_size(t)` counts the values without listing
them, so a huge type costs nothing until something would enumerate it; `domain` refuses to
list more than MAX_DOMAIN values (DomainTooLarge) rather than exhaust memory. The limits here
are documented in docs/limits.md; semantics refuses specs that exceed them, with a span.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any, Union


class _Missing:
    """The value of a map slot that has no entry. A singleton; never escapes into the language."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING = _Missing()


@dataclass(frozen=True)
class BoolType:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True)
class IntType:
    """An integer, bounded when lo and hi are given (assignments outside are runtime faults)."""

    lo: int | None = None
    hi: int | None = None

    def __str__(self) -> str:
        return "int" if self.lo is None or self.hi is None else f"{self.lo}..{self.hi}"


@dataclass(frozen=True)
class EnumType:
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or "enum { " + ", ".join(self.members) + " }"


@dataclass(frozen=True)
class NodeGroup:
    """A node group and the global ids of its members: first .. first + count - 1."""

    name: str
    first: int
    count: int

    @property
    def ids(self) -> range:
        return range(self.first, self.first + self.count)


@dataclass(frozen=True)
class NodeType:
    """The id of a node of one of `groups` (several groups for "any node", e.g. a sender)."""

    groups: tuple[NodeGroup, ...]

    def __str__(self) -> str:
        return " | ".join(g.name for g in self.groups) if len(self.groups) < 3 else "node"


@dataclass(frozen=True)
class OptionType:
    inner: Type

    def __str__(self) -> str:
        return f"{self.inner}?"


@dataclass(frozen=True)
class RecordType:
    name: str
    fields: tuple[tuple[str, Type], ...]

    def field_index(self, name: str) -> int:
        for i, (field_name, _) in enumerate(self.fields):
            if field_name == name:
                return i
        raise KeyError(name)

    def __str__(self) -> str:
        if is_tuple(self):
            return "tuple<" + ", ".join(str(t) for _, t in self.fields) + ">"
        return self.name or "record { " + ", ".join(f"{n}: {t}" for n, t in self.fields) + " }"


def tuple_type(elems: tuple[Type, ...]) -> RecordType:
    """The type of tuples `(a, b)`: an anonymous record whose fields are named 1, 2, …
    (no record field can have such a name), so every back end runs tuples as records."""
    return RecordType("", tuple((str(i), t) for i, t in enumerate(elems, 1)))


def is_tuple(t: Type) -> bool:
    return (
        isinstance(t, RecordType)
        and not t.name
        and bool(t.fields)
        and all(n == str(i) for i, (n, _) in enumerate(t.fields, 1))
    )


@dataclass(frozen=True)
class MessageType:
    """Any of the spec's messages; each variant is a record named after the message."""

    variants: tuple[RecordType, ...]

    def variant(self, name: str) -> RecordType:
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)

    def __str__(self) -> str:
        return "message"


@dataclass(frozen=True)
class SetType:
    elem: Type

    def __str__(self) -> str:
        return f"set<{self.elem}>"


@dataclass(frozen=True)
class MapType:
    key: Type
    value: Type

    def __str__(self) -> str:
        return f"map<{self.key}, {self.value}>"


@dataclass(frozen=True)
class SeqType:
    elem: Type
    max_len: int | None = None

    def __str__(self) -> str:
        return f"seq<{self.elem}>"


@dataclass(frozen=True)
class BagType:
    elem: Type

    def __str__(self) -> str:
        return f"bag<{self.elem}>"


@dataclass(frozen=True)
class RealType:
    """A real number (a rational at runtime: `Fraction`). Only real constants and the
    expressions of `query` blocks have it; no state slot, action or property does."""

    def __str__(self) -> str:
        return "real"


Type = Union[  # noqa: UP007 - a runtime alias used in isinstance-free pattern matching
    BoolType,
    IntType,
    EnumType,
    NodeType,
    OptionType,
    RecordType,
    MessageType,
    SetType,
    MapType,
    SeqType,
    BagType,
    RealType,
]

BOOL = BoolType()
INT = IntType()
REAL = RealType()


MAX_NODES = 1_000  # nodes in one node group
MAX_DOMAIN = 1_000_000  # values of a domain that is enumerated (iterated, listed or chosen from)
MAX_STATE_WIDTH = 10_000  # entries of a state's fixed layout (map slots, record fields)
MAX_RENAMINGS = 5_040  # node renamings symmetry tries per state (7!: one group of 7 nodes)
BEYOND = 10**18  # domain_size saturates here: "more than 10^18" is all a message needs


class DomainTooLarge(Exception):
    """Raised by `domain` for a finite type with more than MAX_DOMAIN values."""

    def __init__(self, type_: Type, size: int) -> None:
        super().__init__(
            f"type {type_} has {size_text(size)} values; at most {MAX_DOMAIN:,} can be listed"
        )
        self.type = type_
        self.size = size


def size_text(size: int) -> str:
    """A count as a message shows it: `100,000`, or `more than 10^18` once it saturates."""
    return "more than 10^18" if size >= BEYOND else f"{size:,}"


class InfiniteDomain(Exception):
    """Raised by `domain` for a type whose values cannot be enumerated."""

    def __init__(self, type_: Type) -> None:
        super().__init__(f"values of type {type_} cannot be enumerated")
        self.type = type_


def is_finite(t: Type) -> bool:
    match t:
        case BoolType() | EnumType() | NodeType():
            return True
        case IntType(lo=lo, hi=hi):
            return lo is not None and hi is not None
        case OptionType(inner=inner) | SetType(elem=inner):
            return is_finite(inner)
        case RecordType(fields=fields):
            return all(is_finite(ft) for _, ft in fields)
        case MessageType(variants=variants):
            return all(is_finite(v) for v in variants)
        case MapType(key=k, value=v):
            return is_finite(k) and is_finite(v)
        case _:
            return False


@cache
def domain(t: Type) -> tuple[Any, ...]:
    """Every value of a finite type, in a fixed order (the order ordinals refer to); a type
    with more than MAX_DOMAIN values is DomainTooLarge, never a MemoryError."""
    size = domain_size(t)
    if size is not None and size > MAX_DOMAIN:
        raise DomainTooLarge(t, size)
    return tuple(_enumerate(t))


@cache
def domain_size(t: Type) -> int | None:
    """How many values `domain(t)` has, without listing them (None: infinite). Saturates at
    BEYOND, so a type like set<set<1..100>> costs no astronomically large int."""
    match t:
        case BoolType():
            return 2
        case IntType(lo=lo, hi=hi):
            return None if lo is None or hi is None else _capped(max(0, hi - lo + 1))
        case EnumType(members=members):
            return len(members)
        case NodeType(groups=groups):
            return _capped(sum(g.count for g in groups))
        case OptionType(inner=inner):
            return _sum([1, domain_size(inner)])
        case RecordType(fields=fields):
            return _product([domain_size(ft) for _, ft in fields])
        case MessageType(variants=variants):
            return _sum([domain_size(v) for v in variants])
        case SetType(elem=elem):
            n = domain_size(elem)
            return None if n is None else _capped(2**n) if n < 64 else BEYOND
        case MapType(key=key, value=value):
            keys, values = domain_size(key), domain_size(value)
            if keys is None or values is None:
                return None
            return _power(values, keys)  # total maps, as `_enumerate` lists them
    return None


def _capped(n: int) -> int:
    return min(n, BEYOND)


def _sum(sizes: list[int | None]) -> int | None:
    return None if any(n is None for n in sizes) else _capped(sum(n or 0 for n in sizes))


def _product(sizes: list[int | None]) -> int | None:
    total = 1
    for n in sizes:
        if n is None:
            return None
        total = _capped(total * n)
    return total


def _power(base: int, exponent: int) -> int:
    if exponent == 0:
        return 1
    if base <= 1:
        return base
    return BEYOND if exponent >= 64 else _capped(base**exponent)


def layout_width(t: Type) -> int:
    """Entries a value of `t` occupies in a state's fixed layout: a map holds one slot per
    key (each as wide as its value), a record its fields; anything else one entry (a set or
    sequence grows with its content, which the search's limits bound). Saturates at BEYOND."""
    match t:
        case MapType(key=key, value=value):
            keys = domain_size(key)
            return BEYOND if keys is None else _capped(keys * layout_width(value))
        case RecordType(fields=fields):
            return _capped(sum(layout_width(ft) for _, ft in fields))
        case OptionType(inner=inner):
            return layout_width(inner)
    return 1


@cache
def _ordinals(t: Type) -> dict[Any, int]:
    return {v: i for i, v in enumerate(domain(t))}


def ordinal(t: Type, value: Any) -> int:
    """Position of `value` in `domain(t)`; fast paths for the common key types."""
    match t:
        case IntType(lo=lo) if lo is not None:
            return int(value) - lo
        case BoolType():
            return int(value)
        case NodeType(groups=(group,)):
            return int(value) - group.first
        case _:
            return _ordinals(t)[value]


def _enumerate(t: Type) -> Iterator[Any]:
    match t:
        case BoolType():
            yield from (False, True)
        case IntType(lo=lo, hi=hi) if lo is not None and hi is not None:
            yield from range(lo, hi + 1)
        case EnumType(members=members):
            yield from members
        case NodeType(groups=groups):
            for g in groups:
                yield from g.ids
        case OptionType(inner=inner):
            yield None
            yield from domain(inner)
        case RecordType(fields=fields):
            yield from itertools.product(*(domain(ft) for _, ft in fields))
        case MessageType(variants=variants):
            for v in variants:
                for values in domain(v):
                    yield (v.name, *values)
        case SetType(elem=elem):
            elems = domain(elem)
            for size in range(len(elems) + 1):
                for combo in itertools.combinations(elems, size):
                    yield frozenset(combo)
        case MapType(key=key, value=value):
            yield from itertools.product(domain(value), repeat=len(domain(key)))
        case _:
            raise InfiniteDomain(t)


def within_type(t: Type, value: Any) -> bool:
    """Does `value` (runtime representation) lie within `t`, at any depth? Storing a value
    that does not is a runtime fault (core/ir.py; core/stored.py says why in words)."""
    match t:
        case IntType(lo=lo, hi=hi):
            return (lo is None or value >= lo) and (hi is None or value <= hi)
        case OptionType(inner=inner):
            return value is None or within_type(inner, value)
        case RecordType(fields=fields):
            return all(within_type(ft, v) for (_, ft), v in zip(fields, value, strict=True))
        case MessageType():
            fields = t.variant(value[0]).fields
            return all(within_type(ft, v) for (_, ft), v in zip(fields, value[1:], strict=True))
        case SetType(elem=elem):
            return all(within_type(elem, v) for v in value)
        case SeqType(elem=elem, max_len=n):
            return (n is None or len(value) <= n) and all(within_type(elem, v) for v in value)
        case MapType(value=vt):
            return all(v is MISSING or within_type(vt, v) for v in value)
        case BagType(elem=elem):
            return all(within_type(elem, v) for v, _ in value)
    return True  # bool, enum, node id, real: within by construction


def default_value(t: Type) -> Any:
    """The value a variable of this type holds before anything is assigned (also after a crash
    for variables without an initialiser): false, lo or 0, the first member, none, empty."""
    match t:
        case BoolType():
            return False
        case IntType(lo=lo):
            if lo is not None and lo > 0:
                return lo
            return t.hi if t.hi is not None and t.hi < 0 else 0
        case EnumType(members=members):
            return members[0]
        case NodeType(groups=groups):
            return groups[0].first
        case OptionType():
            return None
        case RecordType(fields=fields):
            return tuple(default_value(ft) for _, ft in fields)
        case SetType() | BagType():
            return frozenset()
        case MapType(key=key):
            return (MISSING,) * (domain_size(key) or 0)
        case SeqType():
            return ()
        case MessageType(variants=variants):
            return (variants[0].name, *default_value(variants[0]))
    raise TypeError(t)


def format_value(t: Type, value: Any) -> str:
    """A value as the spec would write it: `{1, 2}`, `Vote { yes: true }`, `[3, 4]`."""
    match t:
        case BoolType():
            return "true" if value else "false"
        case NodeType(groups=groups):
            return node_name(groups, value)
        case OptionType(inner=inner):
            return "none" if value is None else format_value(inner, value)
        case RecordType(fields=fields) if is_tuple(t):
            items = [format_value(ft, v) for (_, ft), v in zip(fields, value, strict=True)]
            return "(" + ", ".join(items) + ")"
        case RecordType(name=name, fields=fields):
            body = ", ".join(
                f"{n}: {format_value(ft, v)}" for (n, ft), v in zip(fields, value, strict=True)
            )
            braces = f"{{ {body} }}" if body else "{}"
            return f"{name} {braces}" if name else braces
        case MessageType():
            variant = t.variant(value[0])
            return format_value(variant, value[1:])
        case SetType(elem=elem):
            return "{" + ", ".join(sorted(format_value(elem, v) for v in value)) + "}"
        case BagType(elem=elem):
            items = sorted(format_value(elem, v) + (f" ×{n}" if n > 1 else "") for v, n in value)
            return "{|" + ", ".join(items) + "|}"
        case MapType(key=key, value=vt):
            pairs = [
                f"{format_value(key, k)}: {format_value(vt, v)}"
                for k, v in zip(domain(key), value, strict=True)
                if v is not MISSING
            ]
            return "{" + ", ".join(pairs) + "}"
        case SeqType(elem=elem):
            return "[" + ", ".join(format_value(elem, v) for v in value) + "]"
        case RealType():
            return format_real(value)
    return str(value)


def format_real(value: Fraction) -> str:
    """A rational as a decimal when it has a finite one (`0.01`, `2.0`), else `p/q` (`1/3`).
    A decimal always shows its point, so it reads back as the same real, never as an int."""
    value = Fraction(value)
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives, 1)
    scaled = abs(value.numerator) * (10**places // value.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}".rstrip("0")
    text = text + "0" if text.endswith(".") else text
    return ("-" if value < 0 else "") + text


def node_name(groups: tuple[NodeGroup, ...], node_id: int) -> str:
    """`Coordinator` for a singleton group, `Participant[2]` (counting from 1) otherwise."""
    for g in groups:
        if node_id in g.ids:
            return g.name if g.count == 1 else f"{g.name}[{node_id - g.first + 1}]"
    return f"node#{node_id}"
