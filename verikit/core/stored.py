"""What a location may hold: the runtime fault of storing a value outside its type.

core/ir.py: storing a value outside the type of the location it is stored in (`Assign`'s
`target_type`) is a runtime fault at any depth: an int out of its range, a sequence longer
than its `max_len`, and the same inside a record field, a message field, an option, a set or
bag element, a sequence position or a map entry. Every engine reports it with the message
`outside_type` gives, so that they agree word for word.
"""

from __future__ import annotations

from typing import Any

from verikit.core.types import (
    MISSING,
    BagType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
    format_value,
    is_tuple,
)


def outside_type(t: Type, value: Any) -> str | None:
    """Why storing `value` (runtime representation) where `t` is expected is a fault, or None
    when it lies within `t`. The first offending part is named, outermost first: `value 5
    out of range 0..2 in field a`, `sequence of length 4 exceeds its maximum 3 in position 2`."""
    return _outside(t, value, ())


def _outside(t: Type, value: Any, where: tuple[str, ...]) -> str | None:
    match t:
        case IntType(lo=lo, hi=hi):
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                return f"value {value} out of range {t}{_at(where)}"
        case OptionType(inner=inner):
            return None if value is None else _outside(inner, value, where)
        case RecordType(fields=fields):
            word = "tuple position" if is_tuple(t) else "field"
            return _first(
                _outside(ft, v, (*where, f"{word} {name}"))
                for (name, ft), v in zip(fields, value, strict=True)
            )
        case MessageType():
            variant = t.variant(value[0])
            return _first(
                _outside(ft, v, (*where, f"field {name} of {variant.name}"))
                for (name, ft), v in zip(variant.fields, value[1:], strict=True)
            )
        case SetType(elem=elem):
            return _first(_outside(elem, v, (*where, "an element")) for v in _sorted(value))
        case BagType(elem=elem):
            items = _sorted(v for v, _ in value)
            return _first(_outside(elem, v, (*where, "an element")) for v in items)
        case SeqType(elem=elem, max_len=n):
            if n is not None and len(value) > n:
                return f"sequence of length {len(value)} exceeds its maximum {n}{_at(where)}"
            return _first(
                _outside(elem, v, (*where, f"position {i}")) for i, v in enumerate(value, 1)
            )
        case MapType(key=key, value=vt):
            return _first(
                _outside(vt, v, (*where, f"the entry for {_key(key, k)}"))
                for k, v in zip(domain(key), value, strict=True)
                if v is not MISSING
            )
    return None  # bool, enum, node id, real: within by construction


def _at(where: tuple[str, ...]) -> str:
    return f" in {' of '.join(reversed(where))}" if where else ""


def _first(problems: Any) -> str | None:
    return next((p for p in problems if p is not None), None)


def _sorted(values: Any) -> list[Any]:
    """A set's elements in a fixed order, so the element named is the same every time."""
    items = list(values)
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _key(t: Type, k: Any) -> str:
    try:
        return format_value(t, k)
    except (KeyError, TypeError, IndexError, ValueError):
        return repr(k)
