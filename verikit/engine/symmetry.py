"""Symmetry reduction: states that differ only by a renaming of the nodes of a `symmetric`
group share one visited-set key, so the search explores one state per class (TLC, stateright).

The key of a state s is the least `fingerprint(π(s))` over every permutation π of the ids of
each symmetric group (the product over the groups). `π(s)` is computed type-directed from
`Model.vars`: a node id of a symmetric group maps to its image; a map keyed by such ids (a
node variable, the `up` map, the FIFO channels keyed by `Channel(src, dst)`) moves its slots
to the ordinals of the permuted keys; sets, bags, sequences, records, options and messages
recurse; everything else is left as it is. The search still stores and expands the states it
actually reached, so every trace is a real run; only the key is canonical.

Sound only when the spec cannot tell the nodes of a group apart: semantics rejects `G[i]` on
a symmetric group, and every property must itself be symmetric (see docs/language.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import Model, Var
from verikit.core.types import (
    MISSING,
    BagType,
    BoolType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
    ordinal,
)

Key = Callable[[State], Hashable]
Mapper = Callable[[Any], Any]
Permute = Callable[[State], State]


def canonical_key(compiled: CompiledModel) -> Key | None:
    """The visited-set key under the model's symmetry, or None when there is nothing to
    permute (no `symmetric` group of two or more nodes): then the fingerprint is the key."""
    permuters = [permuter(compiled.model, image) for image in permutations(compiled.model)]
    if not permuters:
        return None
    fingerprint = compiled.fingerprint

    def key(state: State) -> Hashable:
        first = fingerprint(state)
        if first.__class__ is not int:  # the fingerprint is the state: pick a representative
            return fingerprint(representative(state, permuters))
        keys: list[Any] = [fingerprint(permute(state)) for permute in permuters]  # ints
        keys.append(first)
        least: Hashable = min(keys)
        return least

    return key


def symmetric_groups(model: Model) -> tuple[NodeGroup, ...]:
    """The groups whose ids may be permuted (a group of one node has nothing to swap)."""
    return tuple(g for g in model.nodes if g.name in model.symmetric and g.count > 1)


def permutations(model: Model) -> Iterator[dict[int, int]]:
    """Every renaming of node ids that permutes each symmetric group within itself, as a map
    from moved ids to their images; the identity is left out."""
    groups = symmetric_groups(model)
    per_group = [list(itertools.permutations(g.ids)) for g in groups]
    for images in itertools.product(*per_group):
        image = {
            old: new
            for group, ids in zip(groups, images, strict=True)
            for old, new in zip(group.ids, ids, strict=True)
            if old != new
        }
        if image:
            yield image


def permuter(model: Model, image: Mapping[int, int]) -> Permute:
    """`state ↦ π(state)` for one renaming, built once: one mapper per slot that holds ids."""
    mappers = _Mappers(image)
    moved = [(i, f) for i, var in enumerate(model.vars) if (f := _slot_mapper(mappers, var))]

    def permute(state: State) -> State:
        out = list(state)
        for i, f in moved:
            out[i] = f(state[i])
        return tuple(out)

    return permute


def representative(state: State, permuters: Sequence[Permute]) -> State:
    """The least image of `state` in a total order that depends only on the values (hash
    first, which is cheap; `order_key` breaks ties, e.g. hash(-1) == hash(-2))."""
    images = [permute(state) for permute in permuters]
    images.append(state)
    hashes = [hash(image) for image in images]
    lowest = min(hashes)
    tied = {image for image, h in zip(images, hashes, strict=True) if h == lowest}
    return tied.pop() if len(tied) == 1 else min(tied, key=order_key)


def order_key(value: Any) -> Any:
    """A comparable stand-in for any runtime value; equal values, equal keys, and distinct
    values of one type, distinct keys (a frozenset's repr depends on its insertion history)."""
    if isinstance(value, tuple):
        return (4, tuple(map(order_key, value)))
    if isinstance(value, frozenset):
        return (5, tuple(sorted(map(order_key, value))))
    if isinstance(value, int):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (0,) if value is None else (1,) if value is MISSING else (6, repr(value))


def _slot_mapper(mappers: _Mappers, var: Var) -> Mapper | None:
    f = mappers.of(var.type)
    if f is None or var.role != "partition" or not isinstance(var.type, SetType):
        return f
    return _side_holding_lowest(f, domain(var.type.elem))


def _side_holding_lowest(f: Mapper, ids: tuple[Any, ...]) -> Mapper:
    """The `partition` slot holds the side with the lowest node id (semantics/network.py), so
    each split has one value; a permuted side without it is written as the other side."""
    lowest, everyone = ids[0], frozenset(ids)

    def side(value: Any) -> Any:
        moved = f(value)
        return everyone - moved if moved and lowest not in moved else moved

    return side


class _Mappers:
    """Type-directed mappers of values under one renaming of ids, memoised per type; None
    means that values of the type hold no permuted id (the mapper would be the identity)."""

    def __init__(self, image: Mapping[int, int]) -> None:
        self.image = image
        self.cache: dict[Type, Mapper | None] = {}

    def of(self, t: Type) -> Mapper | None:
        if t not in self.cache:
            f = self._build(t)
            if f is not None and _small(t):  # one dict lookup instead of a walk over the value
                table = {v: f(v) for v in domain(t)}
                table[MISSING] = MISSING  # so map slots need no test
                f = table.__getitem__
            self.cache[t] = f
        return self.cache[t]

    def _build(self, t: Type) -> Mapper | None:
        match t:
            case NodeType():
                table = {v: self.image.get(v, v) for v in domain(t)}
                return table.__getitem__ if any(k != v for k, v in table.items()) else None
            case OptionType(inner=inner):
                return _option(self.of(inner))
            case RecordType(fields=fields):
                return _fields([self.of(ft) for _, ft in fields])
            case MessageType(variants=variants):
                return self._message(variants)
            case SetType(elem=elem):
                return _collection(self.of(elem), frozenset)
            case SeqType(elem=elem):
                return _collection(self.of(elem), tuple)
            case BagType(elem=elem):
                return _bag(self.of(elem))
            case MapType(key=key, value=value):
                return self._map(key, value)
        return None

    def _message(self, variants: tuple[RecordType, ...]) -> Mapper | None:
        """A message is `(name, *fields)`: the variant's mapper, fields shifted by one."""
        by_name = {v.name: _fields([None, *(self.of(ft) for _, ft in v.fields)]) for v in variants}
        moved = {name: f for name, f in by_name.items() if f is not None}
        if not moved:
            return None

        def message(value: Any) -> Any:
            f = moved.get(value[0])
            return value if f is None else f(value)

        return message

    def _map(self, key: Type, value: Type) -> Mapper | None:
        """Slot j of the permuted map holds slot `source[j]` of the original, whose key is
        the one that maps to the key of slot j; values are permuted too."""
        fk, fv = self.of(key), self.of(value)
        if fv is not None and not _small(value):
            fv = _keep_missing(fv)
        if fk is None:
            return None if fv is None else _collection(fv, tuple)
        keys = domain(key)
        source = [0] * len(keys)
        for i, k in enumerate(keys):
            source[ordinal(key, fk(k))] = i
        moved: Mapper = itemgetter(*source)  # a tuple: a moved key type has 2+ values
        if fv is None:
            return moved
        return lambda slots: tuple(map(fv, moved(slots)))


TABLE_LIMIT = 1024  # values of a type up to which its mapper is a precomputed table


def _small(t: Type) -> bool:
    """Whether `domain(t)` is at most TABLE_LIMIT values and covers every runtime value of
    `t` (a map may hold MISSING slots, which its domain does not list)."""
    return (_count(t) or TABLE_LIMIT + 1) <= TABLE_LIMIT


def _count(t: Type) -> int | None:
    """How many values a table of `t` would hold; None when it cannot be tabulated."""
    match t:
        case NodeType() | EnumType() | BoolType():
            return len(domain(t))
        case IntType(lo=lo, hi=hi) if lo is not None and hi is not None:
            return hi - lo + 1
        case OptionType(inner=inner):
            n = _count(inner)
            return None if n is None else n + 1
        case RecordType(fields=fields):
            return _product([_count(ft) for _, ft in fields])
        case MessageType(variants=variants):
            counts = [_count(v) for v in variants]
            return None if None in counts else sum(c for c in counts if c is not None)
        case SetType(elem=elem):
            n = _count(elem)
            return None if n is None or n > 10 else 2**n  # 2**10 == TABLE_LIMIT
    return None


def _product(counts: list[int | None]) -> int | None:
    total = 1
    for n in counts:
        if n is None or total * n > TABLE_LIMIT:
            return None
        total *= n
    return total


def _keep_missing(f: Mapper) -> Mapper:
    """A map slot's mapper: an empty slot stays empty (tables map MISSING to itself)."""
    return lambda slot: slot if slot is MISSING else f(slot)


def _option(f: Mapper | None) -> Mapper | None:
    if f is None:
        return None
    return lambda value: None if value is None else f(value)


def _fields(fs: Sequence[Mapper | None]) -> Mapper | None:
    """A tuple whose positions have their own mappers (records; messages after the name)."""
    moved = [(i, f) for i, f in enumerate(fs) if f is not None]
    if not moved:
        return None

    def fields(value: Any) -> Any:
        out = list(value)
        for i, f in moved:
            out[i] = f(value[i])
        return tuple(out)

    return fields


def _collection(f: Mapper | None, make: Callable[[Any], Any]) -> Mapper | None:
    if f is None:
        return None
    return lambda value: make(map(f, value))


def _bag(f: Mapper | None) -> Mapper | None:
    """A bag is a frozenset of (element, count); a renaming never merges two elements."""
    if f is None:
        return None
    return lambda value: frozenset([(f(elem), count) for elem, count in value])
