"""Spec values as an implementation's adapter sees them, and back.

An adapter speaks plain Python, not verikit's runtime representation (core/types.py):

    bool, int, enum member   as is (an enum member is its name, a str)
    node id                  an int, the node's id (`Replica[1]` is 0 when Replica comes first);
                             a node's display name (`"Replica[1]"`) is accepted too
    option                   None, or the value
    record                   a Record (a hashable, read-only mapping with attribute access);
                             any mapping is accepted (a dict, say)
    message                  a Record whose "tag" is the message's name, plus its fields
    set                      a frozenset (any iterable is accepted: a list of dicts, say)
    map                      a Record (a read-only dict) of the keys with an entry (a dict,
                             or a list indexed by the key's ordinal, is accepted)
    seq                      a tuple (any sequence is accepted)
    bag                      a Record from element to count (a dict is accepted)

`from_python` raises ValueError naming where (`Replica.p[0]`) and what was expected, so a
wrong observation is an adapter error, never a traceback from inside verikit. Ints are not
checked against their range: an implementation holding a value the spec cannot is a mismatch,
reported as one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

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
    is_tuple,
    node_name,
    ordinal,
)


class Record(Mapping[Any, Any]):
    """A read-only record (`r["token"]` or `r.token`), or map; hashable, so it fits in a set."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[Any, Any]) -> None:
        object.__setattr__(self, "_fields", dict(fields))

    def __getitem__(self, key: Any) -> Any:
        return self._fields[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._fields[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[Any]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __hash__(self) -> int:
        return hash(frozenset(self._fields.items()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields.items())
        return f"Record({inner})"


def to_python(t: Type, v: Any) -> Any:
    """The adapter's view of runtime value `v` of type `t`."""
    match t:
        case OptionType(inner=inner):
            return None if v is None else to_python(inner, v)
        case RecordType(fields=fields) if is_tuple(t):  # a tuple is a Python tuple
            return tuple(to_python(ft, x) for (_, ft), x in zip(fields, v, strict=True))
        case RecordType(fields=fields):
            return Record({name: to_python(ft, x) for (name, ft), x in zip(fields, v, strict=True)})
        case MessageType():
            fields = t.variant(v[0]).fields
            body = {name: to_python(ft, x) for (name, ft), x in zip(fields, v[1:], strict=True)}
            return Record({"tag": v[0], **body})
        case SetType(elem=elem):
            return frozenset(to_python(elem, x) for x in v)
        case BagType(elem=elem):
            return Record({to_python(elem, x): n for x, n in v})
        case MapType(key=key, value=vt):
            slots = zip(domain(key), v, strict=True)
            return Record(
                {to_python(key, k): to_python(vt, x) for k, x in slots if x is not MISSING}
            )
        case SeqType(elem=elem):
            return tuple(to_python(elem, x) for x in v)
    return v


def from_python(t: Type, v: Any, where: str) -> Any:
    """The runtime value of the adapter's `v`; ValueError naming `where` when it does not fit."""
    match t:
        case BoolType():
            return _expect(v, bool, "true or false (a bool)", where)
        case IntType():
            if isinstance(v, bool) or not isinstance(v, int):
                raise _wrong(where, "an int", v)
            return v
        case EnumType(members=members):
            if v not in members:
                raise _wrong(where, f"one of {', '.join(members)}", v)
            return v
        case NodeType(groups=groups):
            return _node(groups, v, where)
        case OptionType(inner=inner):
            return None if v is None else from_python(inner, v, where)
        case RecordType(fields=fields) if is_tuple(t):
            items = _expect(v, tuple, f"a tuple of {len(fields)}", where)
            if len(items) != len(fields):
                raise _wrong(where, f"a tuple of {len(fields)}", v)
            return tuple(from_python(ft, x, f"{where}[{n}]")
                         for (n, ft), x in zip(fields, items, strict=True))  # fmt: skip
        case RecordType(fields=fields):
            record = _expect(v, Mapping, f"a record with fields {_names(fields)}", where)
            return tuple(from_python(ft, _field(record, name, where), f"{where}.{name}")
                         for name, ft in fields)  # fmt: skip
        case MessageType():
            message = _expect(v, Mapping, 'a message (a mapping with a "tag")', where)
            tag = _field(message, "tag", where)
            names = [variant.name for variant in t.variants]
            if tag not in names:
                raise _wrong(f"{where}.tag", f"one of {', '.join(names)}", tag)
            fields = t.variant(tag).fields
            return (tag, *(from_python(ft, _field(message, name, where), f"{where}.{name}")
                           for name, ft in fields))  # fmt: skip
        case SetType(elem=elem):
            items = _iterable(v, "a set", where)
            return frozenset(from_python(elem, x, f"{where} element") for x in items)
        case BagType(elem=elem):
            bag = _expect(v, Mapping, "a bag (a mapping from element to count)", where)
            out = {}
            for x, n in bag.items():
                out[from_python(elem, x, f"{where} element")] = from_python(
                    IntType(), n, f"{where}[{x!r}] count"
                )
            return frozenset((x, n) for x, n in out.items() if n > 0)
        case MapType(key=key, value=vt):
            return _map(key, vt, v, where)
        case SeqType(elem=elem):
            items = _iterable(v, "a sequence (a list or tuple)", where)
            return tuple(from_python(elem, x, f"{where}[{i}]") for i, x in enumerate(items))
    raise ValueError(f"{where}: values of type {t} cannot be observed")


def _map(key: Type, vt: Type, v: Any, where: str) -> tuple[Any, ...]:
    keys = domain(key)
    slots: list[Any] = [MISSING] * len(keys)
    if isinstance(v, Mapping):
        for k, x in v.items():
            if isinstance(k, str) and isinstance(key, IntType | NodeType) and _decimal(k):
                k = int(k)  # JSON writes every key as a string
            runtime_key = from_python(key, k, f"{where} key")
            if runtime_key not in keys:
                raise _wrong(f"{where} key", f"a key of {key}", k)
            slots[ordinal(key, runtime_key)] = from_python(vt, x, f"{where}[{k!r}]")
        return tuple(slots)
    if isinstance(v, Sequence) and not isinstance(v, str) and len(v) == len(keys):
        return tuple(from_python(vt, x, f"{where}[{i}]") for i, x in enumerate(v))
    raise _wrong(where, f"a map (a dict keyed by {key}, or a list of {len(keys)} values)", v)


def _decimal(text: str) -> bool:
    return text.removeprefix("-").isdigit()


def _node(groups: tuple[Any, ...], v: Any, where: str) -> int:
    if isinstance(v, int) and not isinstance(v, bool) and any(v in g.ids for g in groups):
        return v
    ids = [i for g in groups for i in g.ids]
    names = {node_name(groups, i): i for i in ids}
    if isinstance(v, str) and v in names:
        return int(names[v])
    shown = ", ".join(f"{i} ({node_name(groups, i)})" for i in ids)
    raise _wrong(where, f"a node id: one of {shown}", v)


def _field(record: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in record:
        raise ValueError(f"{where}: the field {name} is missing")
    return record[name]


def _iterable(v: Any, what: str, where: str) -> list[Any]:
    if isinstance(v, str | bytes | Mapping) or not hasattr(v, "__iter__"):
        raise _wrong(where, what, v)
    return list(v)


def _expect(v: Any, kind: Any, what: str, where: str) -> Any:
    if not isinstance(v, kind):
        raise _wrong(where, what, v)
    return v


def _names(fields: tuple[tuple[str, Type], ...]) -> str:
    return ", ".join(name for name, _ in fields)


def _wrong(where: str, what: str, got: Any) -> ValueError:
    return ValueError(f"{where}: expected {what}, got {got!r} ({type(got).__name__})")
