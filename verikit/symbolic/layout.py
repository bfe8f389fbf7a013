"""How one state slot is held by Z3 variables, and how values move in and out of that shape.

A slot's layout follows its type: a Bool or Int per scalar (enums by ordinal, node ids as
is), options as (present, value), one Bool per element of a set's element domain, one
(present, value) per map key, a length and `max_len` elements per sequence, one count per
possible bag element. The FIFO network's queues have no declared bound; they get
`max_in_flight` positions (a send beyond it blocks the step, so nothing longer is stored), and
the bag of a reordering network under `max_in_flight` is held as that many slots (`VSlots`)
rather than one counter per possible message.

`normalize` brings a computed value into the slot's shape and says whether it fits (a set
member outside the element domain, or a sequence longer than the layout, cannot be held: that
is reported as an encoding overflow, never dropped silently).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import z3

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
)
from verikit.symbolic.values import (
    B,
    Refusal,
    V,
    VBag,
    VBool,
    VInt,
    VMap,
    VMsg,
    VOpt,
    VRec,
    VSeq,
    VSet,
    VSlots,
    all_of,
    and_,
    any_of,
    as_slots,
    bounds,
    cmp_int,
    domain_size,
    eq_int,
    finite_domain,
    implies,
    keys_of,
    not_,
)

Evaluate = Callable[[Any], Any]  # a Z3 leaf → its Python value in a model


def check_layout(t: Type, cap: int | None = None) -> None:
    """Refusal when a slot of type t cannot be held by finitely many variables. `cap` bounds
    the network's queues (a map's sequence values) or its bag, nothing nested deeper."""
    match t:
        case OptionType(inner=inner):
            check_layout(inner)
        case RecordType(fields=fields):
            for _, ft in fields:
                check_layout(ft)
        case MessageType(variants=variants):
            for v in variants:
                check_layout(v)
        case SetType(elem=elem):
            finite_domain(elem)
        case MapType(key=key, value=value):
            keys_of(key)
            check_layout(value, cap)
        case SeqType(elem=elem, max_len=max_len):
            if max_len is None and cap is None:
                raise Refusal(f"a variable of type {t}", "the sequence has no maximum length")
            if max_len is None:  # a network queue, as long as max_in_flight
                _check_positions(t, cap, "positions of a queue")
            check_layout(elem)
        case BagType(elem=elem) if slotted(elem, cap):
            _check_positions(t, cap, "slots of the bag of in-flight messages")
            check_layout(elem)
        case BagType(elem=elem):
            finite_domain(elem)


MAX_POSITIONS = 64  # slots of a bag, positions of a FIFO queue: Z3 values per network entry
# encoding time grows about as the cube of these (crdt_lww.dsl: 2.5 s at 10, 17 s at 20),
# so past this many the encoding would take hours; docs/limits.md

COUNTS_UP_TO = 256  # a bag of at most this many possible elements may be held as counters
SLOTS_UP_TO = 2  # ... but with at most this many slots, slots are cheaper still


def _check_positions(t: Type, count: int | None, what: str) -> None:
    """Refusal when the layout would hold more than MAX_POSITIONS values of one queue or bag:
    the encoding would take hours to build (`verikit check` explores such a spec)."""
    if count is not None and count > MAX_POSITIONS:
        why = (
            f"{count:,} {what} (max_in_flight) is more than the {MAX_POSITIONS} the Z3 "
            "encoding holds (docs/limits.md); lower max_in_flight, or use `verikit check`"
        )
        raise Refusal(f"a variable of type {t}", why)


def slotted(elem: Type, cap: int | None) -> bool:
    """Slots or counters for a bounded bag? Counters (one per possible element) are canonical,
    but a message type with a few fields has hundreds of values; slots are few, but every
    ordering of the same messages is another assignment of them, and Z3 pays for those
    orderings when it must show there is no bad state. Measured on the bundled specs: slots
    win when at most two messages are in flight or messages have many values."""
    if cap is None:
        return False
    size = domain_size(elem)
    return size is None or size > COUNTS_UP_TO or cap <= SLOTS_UP_TO


def seq_cap(t: SeqType, cap: int | None) -> int:
    n = t.max_len if t.max_len is not None else cap
    assert n is not None, "check_layout refuses sequences without a bound"
    return n


# ---------------------------------------------------------------- fresh variables


def fresh(t: Type, name: str, cap: int | None = None) -> V:
    """A value of type t whose leaves are new Z3 variables named after `name`."""
    match t:
        case BoolType():
            return VBool(z3.Bool(name))
        case IntType() | EnumType() | NodeType():
            lo, hi = bounds(t)
            return VInt(z3.Int(name), lo, hi)
        case OptionType(inner=inner):
            return VOpt(z3.Bool(f"{name}#some"), fresh(inner, f"{name}#value"))
        case RecordType(fields=fields):
            return VRec(tuple(fresh(ft, f"{name}.{fn}") for fn, ft in fields))
        case MessageType(variants=variants):
            return VMsg(
                t,
                z3.Int(f"{name}#tag"),
                tuple(
                    tuple(fresh(ft, f"{name}#{v.name}.{fn}") for fn, ft in v.fields)
                    for v in variants
                ),
            )
        case SetType(elem=elem):
            return VSet(elem, {u: z3.Bool(f"{name}{{{u!r}}}") for u in finite_domain(elem)})
        case MapType(key=key, value=value):
            return VMap(
                key,
                tuple(
                    (z3.Bool(f"{name}[{k!r}]#has"), fresh(value, f"{name}[{k!r}]", cap))
                    for k in keys_of(key)
                ),
            )
        case SeqType(elem=elem):
            n = seq_cap(t, cap)
            return VSeq(
                VInt(z3.Int(f"{name}#len"), 0, n),
                tuple(fresh(elem, f"{name}[{j + 1}]") for j in range(n)),
            )
        case BagType(elem=elem) if cap is not None and slotted(elem, cap):
            return VSlots(
                elem,
                VInt(z3.Int(f"{name}#size"), 0, cap),
                tuple(fresh(elem, f"{name}#slot{j + 1}") for j in range(cap)),
            )
        case BagType(elem=elem):
            return VBag(elem, {u: z3.Int(f"{name}{{|{u!r}|}}") for u in finite_domain(elem)})
    raise Refusal(f"a variable of type {t}", "this type has no symbolic representation")


def leaves(v: V) -> list[Any]:
    """Every leaf of a value in layout shape, in a fixed order."""
    out: list[Any] = []
    _collect(v, out)
    return out


def _collect(v: V, out: list[Any]) -> None:
    match v:
        case VBool(b=b):
            out.append(b)
        case VInt(i=i):
            out.append(i)
        case VOpt(present=p, inner=inner):
            out.append(p)
            _collect(inner, out)
        case VRec(fields=fields):
            for x in fields:
                _collect(x, out)
        case VMsg(tag=tag, variants=variants):
            out.append(tag)
            for fields in variants:
                for x in fields:
                    _collect(x, out)
        case VSet(members=members):
            out.extend(members.values())
        case VMap(entries=entries):
            for p, x in entries:
                out.append(p)
                _collect(x, out)
        case VSeq(length=length, elems=elems):
            out.append(length.i)
            for x in elems:
                _collect(x, out)
        case VBag(counts=counts):
            out.extend(counts.values())
        case VSlots(size=size, slots=slots):
            out.append(size.i)
            for x in slots:
                _collect(x, out)


# ---------------------------------------------------------------- constraints


def domain(t: Type, v: V, trust: bool = False) -> B:
    """v is a value of t: ints within their range, a sequence within its capacity, counts not
    negative (junk positions are left free). With `trust`, an int whose static bounds lie in
    its range needs no constraint: right for a value computed from a state already known to
    be in its domain (a successor), wrong for a frame's own variables (their bounds are the
    type's, assumed)."""
    match t, v:
        case ((IntType() | EnumType()), VInt(i=i)):
            lo, hi = bounds(t)
            low = lo is None or (trust and v.lo is not None and v.lo >= lo)
            high = hi is None or (trust and v.hi is not None and v.hi <= hi)
            return and_(
                True if low else cmp_int("ge", i, lo), True if high else cmp_int("le", i, hi)
            )
        case NodeType(groups=groups), VInt(i=i):
            return any_of(
                and_(cmp_int("ge", i, g.first), cmp_int("lt", i, g.first + g.count)) for g in groups
            )
        case OptionType(inner=inner), VOpt(present=p, inner=x):
            return implies(p, domain(inner, x, trust))
        case RecordType(fields=fields), VRec(fields=vs):
            return all_of(domain(ft, x, trust) for (_, ft), x in zip(fields, vs, strict=True))
        case MessageType(variants=variants), VMsg(tag=tag, variants=vv):
            parts = [cmp_int("ge", tag, 0), cmp_int("lt", tag, len(variants))]
            for i, (rec, xs) in enumerate(zip(variants, vv, strict=True)):
                parts.append(implies(eq_int(tag, i), domain(rec, VRec(xs), trust)))
            return all_of(parts)
        case MapType(value=vt), VMap(entries=entries):
            return all_of(implies(p, domain(vt, x, trust)) for p, x in entries)
        case SeqType(elem=elem), VSeq(length=length, elems=elems):
            parts = [cmp_int("ge", length.i, 0), cmp_int("le", length.i, len(elems))]
            for j, x in enumerate(elems):
                parts.append(implies(cmp_int("lt", j, length.i), domain(elem, x, trust)))
            return all_of(parts)
        case BagType(), VBag(counts=counts):
            return all_of(cmp_int("ge", n, 0) for n in counts.values())
        case BagType(elem=elem), VSlots(size=size, slots=slots):
            parts = [cmp_int("ge", size.i, 0), cmp_int("le", size.i, len(slots))]
            for j, x in enumerate(slots):
                parts.append(implies(cmp_int("lt", j, size.i), domain(elem, x, trust)))
            return all_of(parts)
    return True


# ---------------------------------------------------------------- computed values into slots


def normalize(t: Type, v: V, base: V) -> tuple[V, B]:
    """v in the layout shape of `base` (a slot value of type t), and whether v fits in it
    (set and bag members within the universe, lengths within the capacity; whether ints are
    in range is `domain` of the result). Junk positions take base's leaves, so they do not
    count as changed."""
    match t, base:
        case OptionType(inner=inner), VOpt():
            if not isinstance(v, VOpt):
                v = VOpt(True, v)
            x, fit = normalize(inner, v.inner, base.inner)
            return VOpt(v.present, x), implies(v.present, fit)
        case RecordType(fields=fields), VRec():
            assert isinstance(v, VRec)
            parts = [
                normalize(ft, x, b)
                for (_, ft), x, b in zip(fields, v.fields, base.fields, strict=True)
            ]
            return VRec(tuple(x for x, _ in parts)), all_of(f for _, f in parts)
        case MessageType(variants=variants), VMsg():
            assert isinstance(v, VMsg)
            out, fits = [], []
            for i, (rec, xs, bs) in enumerate(
                zip(variants, v.variants, base.variants, strict=True)
            ):
                parts = [
                    normalize(ft, x, b) for (_, ft), x, b in zip(rec.fields, xs, bs, strict=True)
                ]
                out.append(tuple(x for x, _ in parts))
                fits.append(implies(eq_int(v.tag, i), all_of(f for _, f in parts)))
            return VMsg(t, v.tag, tuple(out)), all_of(fits)
        case SetType(), VSet():
            assert isinstance(v, VSet)
            outside = [b for u, b in v.members.items() if u not in base.members]
            return (
                VSet(base.elem, {u: v.members.get(u, False) for u in base.members}),
                all_of(not_(b) for b in outside),
            )
        case MapType(value=vt), VMap():
            assert isinstance(v, VMap)
            entries, fits = [], []
            for (p, x), (_, b) in zip(v.entries, base.entries, strict=True):
                y, fit = normalize(vt, x, b)
                entries.append((p, y))
                fits.append(implies(p, fit))
            return VMap(base.key, tuple(entries)), all_of(fits)
        case SeqType(elem=elem), VSeq():
            assert isinstance(v, VSeq)
            cap = len(base.elems)
            elems, fits = [], []
            for j in range(cap):
                if j < len(v.elems):
                    y, fit = normalize(elem, v.elems[j], base.elems[j])
                    elems.append(y)
                    fits.append(implies(cmp_int("lt", j, v.length.i), fit))
                else:
                    elems.append(base.elems[j])
            if len(v.elems) > cap:
                fits.append(cmp_int("le", v.length.i, cap))
            length = VInt(v.length.i, 0, cap)
            return VSeq(length, tuple(elems)), all_of(fits)
        case BagType(elem=elem), VSlots():
            v = as_slots(v)
            cap = len(base.slots)
            slots, fits = [], []
            for j in range(cap):
                if j < len(v.slots):
                    y, fit = normalize(elem, v.slots[j], base.slots[j])
                    slots.append(y)
                    fits.append(implies(cmp_int("lt", j, v.size.i), fit))
                else:
                    slots.append(base.slots[j])
            if len(v.slots) > cap:
                fits.append(cmp_int("le", v.size.i, cap))
            return VSlots(elem, VInt(v.size.i, 0, cap), tuple(slots)), all_of(fits)
        case BagType(), VBag():
            assert isinstance(v, VBag)
            outside = [n for u, n in v.counts.items() if u not in base.counts]
            return (
                VBag(base.elem, {u: v.counts.get(u, 0) for u in base.counts}, v.total),
                all_of(eq_int(n, 0) for n in outside),
            )
    if isinstance(v, VOpt) and not isinstance(base, VOpt):  # cannot happen in typed IR
        raise Refusal(f"a value of type {t}", "an option where a plain value is stored")
    return v, True


# ---------------------------------------------------------------- decoding


def decode(t: Type, v: V, value: Evaluate) -> Any:
    """The runtime value (core.types) of a slot in a Z3 model."""
    match t, v:
        case BoolType(), VBool(b=b):
            return bool(value(b))
        case ((IntType() | NodeType()), VInt(i=i)):
            return int(value(i))
        case EnumType(members=members), VInt(i=i):
            return members[int(value(i))]
        case OptionType(inner=inner), VOpt(present=p, inner=x):
            return decode(inner, x, value) if value(p) else None
        case RecordType(fields=fields), VRec(fields=vs):
            return tuple(decode(ft, x, value) for (_, ft), x in zip(fields, vs, strict=True))
        case MessageType(variants=variants), VMsg(tag=tag, variants=vv):
            i = int(value(tag))
            rec = variants[i]
            return (
                rec.name,
                *(decode(ft, x, value) for (_, ft), x in zip(rec.fields, vv[i], strict=True)),
            )
        case SetType(), VSet(members=members):
            return frozenset(u for u, b in members.items() if value(b))
        case MapType(value=vt), VMap(entries=entries):
            return tuple(decode(vt, x, value) if value(p) else MISSING for p, x in entries)
        case SeqType(elem=elem), VSeq(length=length, elems=elems):
            n = int(value(length.i))
            return tuple(decode(elem, x, value) for x in elems[:n])
        case BagType(), VBag(counts=counts):
            pairs = ((u, int(value(n))) for u, n in counts.items())
            return frozenset((u, n) for u, n in pairs if n > 0)
        case BagType(elem=elem), VSlots(size=size, slots=slots):
            held = Counter(decode(elem, x, value) for x in slots[: int(value(size.i))])
            return frozenset(held.items())
    raise TypeError(f"cannot decode {v!r} as {t}")


def evaluator(model: Any) -> Evaluate:
    """Leaf → Python value in `model` (constants pass through; unconstrained leaves take a
    default)."""

    def value(leaf: Any) -> Any:
        if isinstance(leaf, (bool, int)):
            return leaf
        result = model.eval(leaf, model_completion=True)
        if z3.is_true(result) or z3.is_false(result):
            return z3.is_true(result)
        return result.as_long()

    return value
