"""Everything generated code may call: the contract between the code generator and its output.

Generated modules start with ``from verikit.compile.runtime import …`` naming only entries of
`EXPORTED`. The hot paths (map reads, set unions, record rebuilds) are inlined by the code
generator; what lives here is either cold (raising a fault) or too long to inline readably
(bags, sequence surgery). Fault messages match the reference evaluator's wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from verikit.compile.compiled import Successor as Successor
from verikit.core.stored import outside_type
from verikit.core.types import MISSING as MISSING
from verikit.core.types import BagType as BagType
from verikit.core.types import BoolType as BoolType
from verikit.core.types import EnumType as EnumType
from verikit.core.types import IntType as IntType
from verikit.core.types import MapType as MapType
from verikit.core.types import MessageType as MessageType
from verikit.core.types import NodeGroup as NodeGroup
from verikit.core.types import NodeType as NodeType
from verikit.core.types import OptionType as OptionType
from verikit.core.types import RecordType as RecordType
from verikit.core.types import SeqType as SeqType
from verikit.core.types import SetType as SetType
from verikit.core.types import Type, is_finite
from verikit.core.types import domain as domain
from verikit.core.types import within_type as within_type
from verikit.errors import Span as Span
from verikit.errors import SpecFault

Tup = tuple[Any, ...]
Bag = frozenset[tuple[Any, int]]
SortKey = Callable[[Any], Any]

# ---------------------------------------------------------------- faults


def fault(message: str, span: Span) -> NoReturn:
    """Raise a runtime fault; usable inside an expression (`x if ok else fault(...)`)."""
    raise SpecFault(message, span)


def missing_key(key: Any, span: Span) -> NoReturn:
    raise SpecFault(f"missing map key {key!r}", span)


def index_fault(i: Any, seq: Tup, span: Span) -> NoReturn:
    raise SpecFault(f"sequence index {i} out of range 1..{len(seq)}", span)


def type_fault(value: Any, t: Type, span: Span) -> NoReturn:
    """Storing `value` where `t` is expected, outside it (`within_type` said so)."""
    raise SpecFault(outside_type(t, value) or f"value {value!r} out of its type {t}", span)


def internal_fault(exc: Exception, what: str, span: Span) -> SpecFault:
    """An unexpected Python error inside generated code, reported against the spec text being
    executed (never a raw traceback); the original stays chained as `__cause__`."""
    return SpecFault(f"internal error in {what}: {type(exc).__name__}: {exc}", span)


# ---------------------------------------------------------------- checked reads (slow paths)


def map_get(m: Tup, slot: int, key: Any, span: Span) -> Any:
    """m[key] where `slot` is the key's ordinal, or -1 for a key outside the key type."""
    if 0 <= slot < len(m) and (value := m[slot]) is not MISSING:
        return value
    missing_key(key, span)


def seq_get(seq: Tup, i: int, span: Span) -> Any:
    if 1 <= i <= len(seq):
        return seq[i - 1]
    index_fault(i, seq, span)


def unwrap(value: Any, span: Span) -> Any:
    if value is None:
        fault("value is none", span)
    return value


def divide(a: int, b: int, span: Span) -> int:
    if b == 0:
        fault("division by zero", span)
    return a // b


def modulo(a: int, b: int, span: Span) -> int:
    if b == 0:
        fault("division by zero", span)
    return a % b


# ---------------------------------------------------------------- builtins


def set_min(s: frozenset[Any], span: Span) -> Any:
    if not s:
        fault("min of an empty set", span)
    return min(s)


def set_max(s: frozenset[Any], span: Span) -> Any:
    if not s:
        fault("max of an empty set", span)
    return max(s)


PICK_NOTHING = "pick: no element qualifies"


def set_pick(s: frozenset[Any], key: SortKey | None, span: Span) -> Any:
    """The first element of `s` in iteration order (`key`: sort_key of its element type)."""
    if not s:
        fault(PICK_NOTHING, span)
    return min(s) if key is None else min(s, key=key)


def closure(pairs: frozenset[Tup]) -> frozenset[Tup]:
    """The transitive closure of a relation: from each node, everything its successors reach."""
    succ: dict[Any, set[Any]] = {}
    for a, b in pairs:
        succ.setdefault(a, set()).add(b)
    out: set[Tup] = set()
    for start in succ:
        seen, todo = set(), list(succ[start])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(succ.get(x, ()))
        out.update((start, x) for x in seen)
    return frozenset(out)


def seq_head(seq: Tup, span: Span) -> Any:
    return seq[0] if seq else index_fault(1, seq, span)


def seq_last(seq: Tup, span: Span) -> Any:
    return seq[-1] if seq else index_fault(0, seq, span)


def seq_slice(seq: Tup, lo: int, hi: int) -> Tup:
    """Positions lo..hi inclusive (1-based), clamped to the sequence."""
    lo, hi = max(lo, 1), min(hi, len(seq))
    return seq[lo - 1 : hi] if lo <= hi else ()


def seq_take(seq: Tup, n: int) -> Tup:
    return seq[: max(n, 0)]


def remove_at(seq: Tup, i: int, span: Span) -> Tup:
    if not 1 <= i <= len(seq):
        index_fault(i, seq, span)
    return seq[: i - 1] + seq[i:]


def insert_at(seq: Tup, i: int, x: Any, span: Span) -> Tup:
    if not 1 <= i <= len(seq) + 1:
        fault(f"insert position {i} out of range 1..{len(seq) + 1}", span)
    return (*seq[: i - 1], x, *seq[i - 1 :])


def map_len(m: Tup) -> int:
    return len(m) - m.count(MISSING)


def total_len(m: Tup) -> int:
    """The summed lengths of a map's sequence entries (messages in flight on FIFO channels)."""
    return sum(len(v) for v in m if v is not MISSING)


def map_keys(m: Tup, keys: Tup) -> frozenset[Any]:
    """The keys (in `keys`, the key type's domain) whose slot holds an entry."""
    return frozenset(k for k, v in zip(keys, m, strict=True) if v is not MISSING)


def map_has(m: Tup, slot: int) -> bool:
    """has(m, key) for a key that may lie outside the key type (`slot` out of range)."""
    return 0 <= slot < len(m) and m[slot] is not MISSING


def map_put(m: Tup, slot: int, value: Any, key: Any, span: Span) -> Tup:
    """`m[key] = value` where `slot` may be -1 (a key outside the key type: a fault)."""
    if not 0 <= slot < len(m):
        missing_key(key, span)
    return (*m[:slot], value, *m[slot + 1 :])


def map_delete(m: Tup, slot: int) -> Tup:
    """The map without the entry at `slot` (-1, a key outside the key type, keeps it)."""
    return (*m[:slot], MISSING, *m[slot + 1 :]) if 0 <= slot < len(m) else m


def map_from(key_type: Type, pairs: Iterable[tuple[int, Any, Any]], span: Span) -> Tup:
    """A map from (slot, key, value) triples; slots not given stay MISSING."""
    size = len(domain(key_type))
    slots: list[Any] = [MISSING] * size
    for slot, key, value in pairs:
        if not 0 <= slot < size:
            fault(f"map key {key!r} outside {key_type}", span)
        slots[slot] = value
    return tuple(slots)


def bag_add(bag: Bag, x: Any) -> Bag:
    for item in bag:
        if item[0] == x:
            return (bag - {item}) | {(x, item[1] + 1)}
    return bag | {(x, 1)}


def bag_remove(bag: Bag, x: Any, span: Span) -> Bag:
    for item in bag:
        if item[0] == x:
            rest = bag - {item}
            return rest | {(x, item[1] - 1)} if item[1] > 1 else rest
    fault(f"bag_remove: {x!r} is not in the bag", span)


def bag_items(bag: Bag) -> frozenset[Any]:
    """Memoised by the bag object itself, not by equality: `1 == True`, so a bag of another
    spec (or another type) can equal this one and must not lend it its elements."""
    memo = _ITEMS.get(bag)
    if memo is not None and memo[0] is bag:
        return memo[1]
    items = frozenset(x for x, _ in bag)
    _ITEMS[bag] = (bag, items)
    return items


def bag_count(bag: Bag, x: Any) -> int:
    for y, n in bag:
        if y == x:
            return n
    return 0


def bag_len(bag: Bag) -> int:
    total = _LENGTHS.get(bag)
    if total is None:
        total = _LENGTHS[bag] = sum(count for _, count in bag)
    return total


class _Bounded(dict[Any, Any]):
    """A memo that forgets everything when it grows too large. Network bags recur in state
    after state (and a frozenset caches its hash), so these lookups replace a loop per call."""

    LIMIT = 1 << 16

    def __setitem__(self, key: Any, value: Any) -> None:
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(key, value)


_ITEMS: dict[Bag, tuple[Bag, frozenset[Any]]] = _Bounded()
_LENGTHS: dict[Bag, int] = _Bounded()


# ---------------------------------------------------------------- deterministic order


def ordinals(t: Type) -> dict[Any, int]:
    """value -> position in domain(t); for map keys that are not plain ints."""
    return {v: i for i, v in enumerate(domain(t))}


def sort_key(t: Type) -> SortKey | None:
    """A key ordering values of `t` as `domain(t)` does for a finite type, by value otherwise
    (the iteration order of core.ir); None when Python's own order of the values already is
    that order, so `sorted(s)` needs no key. Keys are memoised: the same few messages are
    sorted in every state, and a dict lookup is far cheaper than rebuilding a nested key."""
    key = _key(t, is_finite(t))
    if key is None or isinstance(t, EnumType):
        return key
    return _Memo(key).__getitem__


class _Memo(_Bounded):
    """value -> key(value), computed on first use."""

    def __init__(self, key: SortKey) -> None:
        super().__init__()
        self.key = key

    def __missing__(self, value: Any) -> Any:
        result = self[value] = self.key(value)
        return result


def _key(t: Type, by_ordinal: bool) -> SortKey | None:
    """by_ordinal: follow domain(t) (a finite type); else value order, made total where Python's
    is not (none before values, sets by size then elements, MISSING before entries)."""
    match t:
        case BoolType() | IntType():
            return None
        case EnumType(members=members):
            return {m: i for i, m in enumerate(members)}.__getitem__ if by_ordinal else None
        case NodeType():
            ids = list(domain(t))
            return None if ids == sorted(ids) or not by_ordinal else ordinals(t).__getitem__
        case OptionType(inner=inner):
            k = _key(inner, by_ordinal) or _same
            return lambda v: (0,) if v is None else (1, k(v))
        case RecordType(fields=fields):
            return _fields_key([ft for _, ft in fields], by_ordinal)
        case MessageType(variants=variants):
            return _message_key(variants, by_ordinal)
        case SetType(elem=elem):
            k = _key(elem, by_ordinal) or _same
            return lambda s: (len(s), tuple(sorted(k(x) for x in s)))
        case BagType(elem=elem):
            k = _key(elem, by_ordinal) or _same
            return lambda b: tuple(sorted((k(x), n) for x, n in b))
        case MapType(value=value):
            k = _key(value, by_ordinal) or _same
            return lambda m: tuple((0,) if v is MISSING else (1, k(v)) for v in m)
        case SeqType(elem=elem):
            ek = _key(elem, by_ordinal)
            return None if ek is None else (lambda s: tuple(ek(v) for v in s))
    raise TypeError(t)


def _same(v: Any) -> Any:
    return v


def _fields_key(types: list[Type], by_ordinal: bool) -> SortKey | None:
    """Records come in domain order field by field (itertools.product): lexicographic."""
    keys = [_key(ft, by_ordinal) for ft in types]
    if all(k is None for k in keys):
        return None
    ks = [k or _same for k in keys]
    return lambda v: tuple(k(x) for k, x in zip(ks, v, strict=True))


def _message_key(variants: tuple[RecordType, ...], by_ordinal: bool) -> SortKey | None:
    """Domain order lists the variants in declaration order, each variant's values in record
    order; by value a message tuple compares its name first."""
    fields = {v.name: _fields_key([ft for _, ft in v.fields], by_ordinal) for v in variants}
    if not by_ordinal and all(k is None for k in fields.values()):
        return None
    order = {v.name: i for i, v in enumerate(variants)} if by_ordinal else None

    def key(m: Tup) -> Any:
        k = fields[m[0]]
        return (order[m[0]] if order else m[0], k(m[1:]) if k else m[1:])

    return key


def identity(state: Tup) -> Tup:
    """The fingerprint of a state that may hold a negative int (see load.fingerprint_for)."""
    return state


EXPORTED = (
    "MISSING",
    "Successor",
    "Span",
    "SpecFault",
    # types, so type constants in generated source can be written as their repr
    "BagType",
    "BoolType",
    "EnumType",
    "IntType",
    "MapType",
    "MessageType",
    "NodeGroup",
    "NodeType",
    "OptionType",
    "RecordType",
    "SeqType",
    "SetType",
    "domain",
    "within_type",
    # faults
    "fault",
    "missing_key",
    "index_fault",
    "type_fault",
    "internal_fault",
    # checked reads
    "map_get",
    "seq_get",
    "unwrap",
    "divide",
    "modulo",
    # builtins
    "set_min",
    "set_max",
    "set_pick",
    "closure",
    "seq_head",
    "seq_last",
    "seq_slice",
    "seq_take",
    "remove_at",
    "insert_at",
    "map_len",
    "total_len",
    "map_keys",
    "map_has",
    "map_put",
    "map_delete",
    "map_from",
    "bag_add",
    "bag_remove",
    "bag_items",
    "bag_count",
    "bag_len",
    # order
    "ordinals",
    "sort_key",
    "identity",
)
__all__ = list(EXPORTED)
