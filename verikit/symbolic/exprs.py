"""IR expressions → symbolic values, following tests/oracle/reference.py rule for rule.

`Evaluator.ev(expr, slots, env, pc)` returns the value of `expr` where `slots` are the state
slot values and `env` the locals; `pc` is the condition under which this evaluation happens at
all (the path so far, plus the short-circuit context: the right operand of `a and b` is
evaluated only where `a` holds). Every runtime fault the reference would raise is recorded as
the condition `pc ∧ <fault>` in `Evaluator.faults`; the value returned where a fault happens is
junk. Quantifiers, comprehensions and map literals are unrolled over the finite universe of
their domain, in the reference's iteration order (which fixes where short-circuits stop).
"""

from __future__ import annotations

import builtins
from typing import Any

from verikit.core import ir
from verikit.core.types import (
    INT,
    EnumType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
    is_finite,
)
from verikit.errors import NO_SPAN, Span
from verikit.symbolic.values import (
    NOT_CONST,
    B,
    InFlight,
    Refusal,
    Unsupported,
    V,
    VBag,
    VBool,
    VElems,
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
    bag_total,
    cmp_int,
    coerce,
    const_of,
    count_true,
    eq,
    eq_int,
    finite_domain,
    implies,
    is_value,
    ite,
    ite_leaf,
    items,
    junk,
    key_ordinal,
    keys_of,
    lift,
    member,
    not_,
    or_,
    possible,
    slot_count,
    sum_of,
    vint,
    zi,
)

Env = dict[str, V]
Slots = tuple[V, ...]


def span_of(node: Any, fallback: Span) -> Span:
    span = getattr(node, "span", NO_SPAN)
    return span if span.line else fallback


class Evaluator:
    """Evaluates expressions, collecting fault conditions. `where` is the span reported for an
    unsupported construct whose IR node has none (the enclosing action or property)."""

    def __init__(self, where: Span = NO_SPAN) -> None:
        self.faults: list[B] = []
        self.where = where

    def fault(self, pc: B, cond: B) -> None:
        c = and_(pc, cond)
        if c is not False:
            self.faults.append(c)

    def refuse(self, node: Any, refusal: Refusal) -> Unsupported:
        return Unsupported(refusal.what, refusal.why, span_of(node, self.where))

    # ------------------------------------------------------------ dispatch

    def ev(self, e: ir.Expr, slots: Slots, env: Env, pc: B) -> V:
        if pc is False:  # never evaluated: any value will do
            return junk(e.type)
        try:
            return self._ev(e, slots, env, pc)
        except Refusal as refusal:
            if not e.span.line:
                raise
            raise self.refuse(e, refusal) from None

    def ev_as(self, e: ir.Expr, t: Type, slots: Slots, env: Env, pc: B) -> V:
        return coerce(t, self.ev(e, slots, env, pc))

    def _ev(self, e: ir.Expr, slots: Slots, env: Env, pc: B) -> V:
        match e:
            case ir.Lit(value=value, type=t):
                return lift(t, value)
            case ir.StateVar(index=index):
                return slots[index]
            case ir.Local(name=name):
                return env[name]
            case ir.Field(base=base, index=index, name=name):
                return field(self.ev(base, slots, env, pc), index, name, e.type)
            case ir.Index(base=base, key=key):
                b = self.ev(base, slots, env, pc)
                k = self.ev(key, slots, env, pc)
                return self._index(base.type, b, k, e.type, pc)
            case ir.Unary(op="not", operand=operand):
                return VBool(not_(self.bool(operand, slots, env, pc)))
            case ir.Unary(op="neg", operand=operand):
                x = self.int(operand, slots, env, pc)
                return _neg(x)
            case ir.Binary():
                return self._binary(e, slots, env, pc)
            case ir.Cond(cond=cond, then=then, else_=else_):
                c = self.bool(cond, slots, env, pc)
                a = self.ev_as(then, e.type, slots, env, and_(pc, c))
                b = self.ev_as(else_, e.type, slots, env, and_(pc, not_(c)))
                return ite(c, a, b)
            case ir.SetLit(elems=elems, type=SetType(elem=elem)):
                values = [self.ev_as(x, elem, slots, env, pc) for x in elems]
                return set_of(elem, [(True, v) for v in values])
            case ir.SeqLit(elems=elems, type=SeqType(elem=elem)):
                elements = tuple(self.ev_as(x, elem, slots, env, pc) for x in elems)
                return VSeq(vint(len(elements)), elements)
            case ir.RecordLit(fields=fields, type=t):
                return VRec(
                    tuple(
                        self.ev_as(x, ft, slots, env, pc)
                        for x, (_, ft) in zip(fields, t.fields, strict=True)  # type: ignore[union-attr]
                    )
                )
            case ir.MessageLit(name=name, fields=fields, type=MessageType() as t):
                return self._message(t, name, fields, slots, env, pc)
            case ir.MapLit():
                return self._map_lit(e, slots, env, pc)
            case ir.SetComp():
                return self._set_comp(e, slots, env, pc)
            case ir.Quant():
                return self._quant(e, slots, env, pc)
            case ir.Domain(of=of):
                return VSet(of, dict.fromkeys(finite_domain(of), True))
            case ir.Unwrap(operand=operand):
                o = self.ev_as(operand, OptionType(e.type), slots, env, pc)
                assert isinstance(o, VOpt)
                self.fault(pc, not_(o.present))
                return o.inner
            case ir.Let(var=var, value=value, body=body):
                v = self.ev(value, slots, env, pc)
                return self.ev(body, slots, env | {var: v}, pc)
            case ir.Call():
                return self._call(e, slots, env, pc)
        raise TypeError(f"not a core expression: {e!r}")

    def bool(self, e: ir.Expr, slots: Slots, env: Env, pc: B) -> B:
        v = self.ev(e, slots, env, pc)
        assert isinstance(v, VBool), (e, v)
        return v.b

    def int(self, e: ir.Expr, slots: Slots, env: Env, pc: B) -> VInt:
        v = self.ev(e, slots, env, pc)
        assert isinstance(v, VInt), (e, v)
        return v

    def set(self, e: ir.Expr, slots: Slots, env: Env, pc: B) -> VSet:
        return as_set(self.ev(e, slots, env, pc))

    def seq(self, e: ir.Expr, slots: Slots, env: Env, pc: B) -> VSeq:
        v = self.ev(e, slots, env, pc)
        assert isinstance(v, VSeq), (e, v)
        return v

    def iterate(
        self, dom: ir.Expr, slots: Slots, env: Env, pc: B, distinct: builtins.bool = False
    ) -> list[tuple[Any, B, V]]:
        """(runtime value, is a member, as a symbolic value) for each possible member of a
        binder's domain, in the reference's iteration order. The messages in flight of a
        slot bag come as (InFlight(slot), in use, what it holds), unordered and maybe
        repeated, unless `distinct` (a loop, a map literal) asks for values in order."""
        s = self.ev(dom, slots, env, pc)
        elem = dom.type.elem  # type: ignore[union-attr]
        if isinstance(s, VElems) and not distinct:
            return [(InFlight(j), b, x) for j, (b, x) in enumerate(s.items) if b is not False]
        s = as_set(s)
        return [(u, b, lift(elem, u)) for u, b in items(elem, s)]

    # ------------------------------------------------------------ compound forms

    def _index(self, base_type: Type, b: V, k: V, t: Type, pc: B) -> V:
        if isinstance(b, VMap):
            value, missing = map_read(b, k, t)
            self.fault(pc, missing)
            return value
        assert isinstance(b, VSeq) and isinstance(k, VInt)
        self.fault(pc, not_(in_range(k, 1, b.length)))
        return seq_at(b, _add(k, vint(-1)), t)

    def _message(
        self, t: MessageType, name: str, fields: tuple[ir.Expr, ...], slots: Slots, env: Env, pc: B
    ) -> VMsg:
        tag = next(i for i, v in enumerate(t.variants) if v.name == name)
        variants = []
        for i, rec in enumerate(t.variants):
            if i == tag:
                variants.append(
                    tuple(
                        self.ev_as(x, ft, slots, env, pc)
                        for x, (_, ft) in zip(fields, rec.fields, strict=True)
                    )
                )
            else:
                variants.append(tuple(junk(ft) for _, ft in rec.fields))
        return VMsg(t, tag, tuple(variants))

    def _map_lit(self, e: ir.MapLit, slots: Slots, env: Env, pc: B) -> VMap:
        t = e.type
        assert isinstance(t, MapType)
        keys = keys_of(t.key)
        entries: list[tuple[B, V]] = [(False, junk(t.value)) for _ in keys]
        for u, m, key in self.iterate(e.domain, slots, env, pc, distinct=True):
            slot = key_ordinal(t.key, u)
            if slot is None:
                self.fault(pc, m)
                continue
            value = self.ev_as(e.value, t.value, slots, env | {e.var: key}, and_(pc, m))
            present, old = entries[slot]
            entries[slot] = (or_(present, m), ite(m, value, old))
        return VMap(t.key, tuple(entries))

    def _set_comp(self, e: ir.SetComp, slots: Slots, env: Env, pc: B) -> VSet:
        elem_type = e.type.elem  # type: ignore[union-attr]
        found: list[tuple[B, V]] = []
        for _, m, x in self.iterate(e.domain, slots, env, pc):
            inner = env | {e.var: x}
            keep = and_(m, self.bool(e.filter, slots, inner, and_(pc, m)))
            if keep is False:
                continue
            found.append((keep, self.ev_as(e.elem, elem_type, slots, inner, and_(pc, keep))))
        return set_of(elem_type, found)

    def _quant(self, e: ir.Quant, slots: Slots, env: Env, pc: B) -> VBool:
        forall = e.kind == "forall"
        result: B = forall
        for _, m, x in self.iterate(e.domain, slots, env, pc):
            reached = and_(pc, m, result if forall else not_(result))  # short-circuit so far
            body = self.bool(e.body, slots, env | {e.var: x}, reached)
            result = and_(result, implies(m, body)) if forall else or_(result, and_(m, body))
            if result is (not forall):
                break
        return VBool(result)

    # ------------------------------------------------------------ operators

    def _binary(self, e: ir.Binary, slots: Slots, env: Env, pc: B) -> V:
        op = e.op
        if op in ("and", "or", "implies"):
            a = self.bool(e.left, slots, env, pc)
            if op == "and":
                return VBool(and_(a, self.bool(e.right, slots, env, and_(pc, a))))
            if op == "or":
                return VBool(or_(a, self.bool(e.right, slots, env, and_(pc, not_(a)))))
            return VBool(implies(a, self.bool(e.right, slots, env, and_(pc, a))))
        left = self.ev(e.left, slots, env, pc)
        right = self.ev(e.right, slots, env, pc)
        match op:
            case "eq":
                return VBool(eq(left, right))
            case "ne":
                return VBool(not_(eq(left, right)))
            case "lt" | "le" | "gt" | "ge":
                assert isinstance(left, VInt) and isinstance(right, VInt)
                return VBool(cmp_int(op, left.i, right.i))
            case "add" | "sub" | "mul":
                assert isinstance(left, VInt) and isinstance(right, VInt)
                return {"add": _add, "sub": _sub, "mul": _mul}[op](left, right)
            case "div" | "mod":
                assert isinstance(left, VInt) and isinstance(right, VInt)
                self.fault(pc, eq_int(right.i, 0))
                return _divmod(op, left, right)
            case "union" | "diff" | "inter":
                left, right = as_set(left), as_set(right)
                return set_op(op, e.type.elem, left, right)  # type: ignore[union-attr]
            case "subseteq":
                left, right = as_set(left), as_set(right)
                return VBool(
                    all_of(implies(b, right.members.get(u, False)) for u, b in left.members.items())
                )
            case "in":
                elem = e.right.type.elem  # type: ignore[union-attr]
                x = coerce(elem, left)
                if isinstance(right, VElems):
                    return VBool(any_of(and_(b, eq(v, x)) for b, v in right.items))
                assert isinstance(right, VSet)
                return VBool(member(elem, right, x))
            case "concat":
                assert isinstance(left, VSeq) and isinstance(right, VSeq)
                return concat(left, right, e.type)
        raise TypeError(f"unknown binary operator {op!r}")

    # ------------------------------------------------------------ builtins

    def _pick(self, set_type: Type, s: V, pc: B) -> V:
        """The first member in the reference's iteration order; an empty set faults."""
        assert isinstance(set_type, SetType), set_type
        elem = set_type.elem
        found = [(b, lift(elem, u)) for u, b in items(elem, as_set(s)) if b is not False]
        self.fault(pc, not_(any_of(b for b, _ in found)))
        result = found[-1][1] if found else junk(elem)
        for b, x in reversed(found[:-1]):
            result = ite(b, x, result)
        return result

    def _call(self, e: ir.Call, slots: Slots, env: Env, pc: B) -> V:
        name = e.name
        args = [self.ev(a, slots, env, pc) for a in e.args]
        types = [a.type for a in e.args]
        match name, args:
            case "len", [VElems() as x]:
                return length(as_set(x))
            case "len", [x]:
                return length(x)
            case "range", [VInt() as lo, VInt() as hi]:
                return int_range(lo, hi)
            case (("min" | "max"), [VSet() as s]):
                value, empty = extreme(name, s)
                self.fault(pc, empty)
                return value
            case "pick", [s]:
                return self._pick(types[0], s, pc)
            case "closure", [s]:
                return transitive_closure(e.type, as_set(s))
            case "append", [VSeq() as s, x]:
                return append(s, coerce(types[0].elem, x))  # type: ignore[union-attr]
            case "head", [VSeq() as s]:
                self.fault(pc, cmp_int("lt", s.length.i, 1))
                return s.elems[0] if s.elems else junk(e.type)
            case "last", [VSeq() as s]:
                self.fault(pc, cmp_int("lt", s.length.i, 1))
                return seq_at(s, _add(s.length, vint(-1)), e.type)
            case "tail", [VSeq() as s]:
                return tail(s)
            case "slice", [VSeq() as s, VInt() as lo, VInt() as hi]:
                return slice_of(s, lo, hi, e.type)
            case "take", [VSeq() as s, VInt() as n]:
                return VSeq(_min(_max(n, vint(0)), s.length), s.elems)
            case "keys", [VMap() as m]:
                return VSet(
                    m.key, {k: p for k, (p, _) in zip(keys_of(m.key), m.entries, strict=True)}
                )
            case "has", [VMap() as m, k]:
                return VBool(has(m, k))
            case "delete", [VMap() as m, k]:
                return delete(m, k)
            case "to_set", [VSeq() as s]:
                elem = types[0].elem  # type: ignore[union-attr]
                found = [(cmp_int("lt", j, s.length.i), x) for j, x in enumerate(s.elems)]
                return set_of(elem, found)
            case "msg_name", [VMsg() as m]:
                return msg_name(m, e.type)
            case "total_len", [VMap() as m]:
                return _total_len(m)
            case "remove_at", [VSeq() as s, VInt() as i]:
                self.fault(pc, not_(in_range(i, 1, s.length)))
                return remove_at(s, i, e.type)
            case "insert_at", [VSeq() as s, VInt() as i, x]:
                self.fault(pc, not_(in_range(i, 1, _add(s.length, vint(1)))))
                return insert_at(s, i, coerce(types[0].elem, x), e.type)  # type: ignore[union-attr]
            case "bag_add", [VSlots() as bag, x]:
                return slots_add(bag, coerce(bag.elem, x))
            case "bag_remove", [VSlots() as bag, x]:
                x = coerce(bag.elem, x)
                self.fault(pc, eq_int(slot_count(bag, x), 0))
                return slots_remove(bag, x)
            case "bag_items", [VSlots() as bag]:
                return VElems(
                    bag.elem,
                    tuple((cmp_int("lt", j, bag.size.i), s) for j, s in enumerate(bag.slots)),
                )
            case "bag_count", [VSlots() as bag, x]:
                return vint(slot_count(bag, coerce(bag.elem, x)), 0, len(bag.slots))
            case "bag_add", [VBag() as bag, x]:
                return bag_add(bag, coerce(bag.elem, x), 1)
            case "bag_remove", [VBag() as bag, x]:
                x = coerce(bag.elem, x)
                self.fault(pc, not_(cmp_int("gt", bag_count(bag, x).i, 0)))
                return bag_add(bag, x, -1)
            case "bag_items", [VBag() as bag]:
                return VSet(bag.elem, {u: cmp_int("gt", n, 0) for u, n in bag.counts.items()})
            case "bag_count", [VBag() as bag, x]:
                return bag_count(bag, coerce(bag.elem, x))
        raise TypeError(f"unknown builtin {name}/{len(args)}")


# ---------------------------------------------------------------- ints


def _bound(f: Any, *xs: int | None) -> int | None:
    return None if any(x is None for x in xs) else f(*xs)


def _known(f: Any, *xs: int | None) -> int | None:
    """f of the bounds that are known: min of upper bounds (or max of lower ones) is a bound
    even when one side is unbounded."""
    known = [x for x in xs if x is not None]
    return f(known) if known else None


def _add(a: VInt, b: VInt) -> VInt:
    if isinstance(a.i, int) and isinstance(b.i, int):
        return vint(a.i + b.i)
    return VInt(
        zi(a.i) + zi(b.i),
        _bound(lambda x, y: x + y, a.lo, b.lo),
        _bound(lambda x, y: x + y, a.hi, b.hi),
    )


def _sub(a: VInt, b: VInt) -> VInt:
    if isinstance(a.i, int) and isinstance(b.i, int):
        return vint(a.i - b.i)
    return VInt(
        zi(a.i) - zi(b.i),
        _bound(lambda x, y: x - y, a.lo, b.hi),
        _bound(lambda x, y: x - y, a.hi, b.lo),
    )


def _neg(a: VInt) -> VInt:
    if isinstance(a.i, int):
        return vint(-a.i)
    return VInt(-a.i, None if a.hi is None else -a.hi, None if a.lo is None else -a.lo)


def _mul(a: VInt, b: VInt) -> VInt:
    if isinstance(a.i, int) and isinstance(b.i, int):
        return vint(a.i * b.i)
    corners = None
    if None not in (a.lo, a.hi, b.lo, b.hi):
        corners = [x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]  # type: ignore[operator]
    return VInt(
        zi(a.i) * zi(b.i),
        None if corners is None else min(corners),
        None if corners is None else max(corners),
    )


def _divmod(op: str, a: VInt, b: VInt) -> VInt:
    """Python's floor division and modulo (a fault for zero is recorded by the caller)."""
    if isinstance(a.i, int) and isinstance(b.i, int):
        if b.i == 0:
            return vint(0)
        return vint(a.i // b.i if op == "div" else a.i % b.i)
    import z3

    x, y = zi(a.i), zi(b.i)
    q = z3.If(y > 0, x / y, (-x) / (-y))
    if op == "div":
        lo, hi = _div_bounds(a, b)
        return VInt(q, lo, hi)
    lo, hi = _mod_bounds(b)
    return VInt(x - y * q, lo, hi)


def _div_bounds(a: VInt, b: VInt) -> tuple[int | None, int | None]:
    if a.lo is None or a.hi is None:
        return None, None
    if isinstance(b.i, int) and b.i != 0:
        ends = [a.lo // b.i, a.hi // b.i]
        return min(ends), max(ends)
    m = max(abs(a.lo), abs(a.hi))
    return -m, m


def _mod_bounds(b: VInt) -> tuple[int | None, int | None]:
    if b.lo is None or b.hi is None:
        return None, None
    if b.lo > 0:
        return 0, b.hi - 1
    if b.hi < 0:
        return b.lo + 1, 0
    m = max(abs(b.lo), abs(b.hi))
    return -(m - 1), m - 1


def _min(a: VInt, b: VInt) -> VInt:
    if isinstance(a.i, int) and isinstance(b.i, int):
        return vint(min(a.i, b.i))
    return VInt(
        ite_leaf(cmp_int("le", a.i, b.i), a.i, b.i),
        _bound(min, a.lo, b.lo),
        _known(min, a.hi, b.hi),
    )


def _max(a: VInt, b: VInt) -> VInt:
    if isinstance(a.i, int) and isinstance(b.i, int):
        return vint(max(a.i, b.i))
    return VInt(
        ite_leaf(cmp_int("ge", a.i, b.i), a.i, b.i),
        _known(max, a.lo, b.lo),
        _bound(max, a.hi, b.hi),
    )


def in_range(i: VInt, lo: int, hi: VInt) -> B:
    return and_(cmp_int("ge", i.i, lo), cmp_int("le", i.i, hi.i))


def _candidates(i: VInt, lo: int, hi: int) -> range:
    """The values i may take within lo..hi (its static bounds cut the range)."""
    a = lo if i.lo is None else max(lo, i.lo)
    b = hi if i.hi is None else min(hi, i.hi)
    return range(a, b + 1)


# ---------------------------------------------------------------- sets


def set_of(elem: Type, found: list[tuple[B, V]]) -> VSet:
    """The set of the values `v` whose condition holds."""
    members: dict[Any, B] = {}
    for cond, v in found:
        const = const_of(elem, v)
        if const is not NOT_CONST:
            members[const] = or_(members.get(const, False), cond)
            continue
        for u in possible(elem, v):
            hit = and_(cond, is_value(elem, v, u))
            if hit is not False:
                members[u] = or_(members.get(u, False), hit)
    return VSet(elem, members)


def set_op(op: str, elem: Type, a: VSet, b: VSet) -> VSet:
    if op == "union":
        keys = {**a.members, **b.members}
        return VSet(elem, {u: or_(a.members.get(u, False), b.members.get(u, False)) for u in keys})
    if op == "diff":
        return VSet(elem, {u: and_(m, not_(b.members.get(u, False))) for u, m in a.members.items()})
    return VSet(elem, {u: and_(m, b.members.get(u, False)) for u, m in a.members.items()})


def int_range(lo: VInt, hi: VInt) -> VSet:
    first, last = lo.lo, hi.hi
    if first is None or last is None:
        raise Refusal("a range with unbounded ends", "give its bounds a static range")
    if last - first + 1 > 4096:
        raise Refusal(f"the range {first}..{last}", "more than 4096 values")
    return VSet(
        INT,
        {u: and_(cmp_int("le", lo.i, u), cmp_int("le", u, hi.i)) for u in range(first, last + 1)},
    )


def transitive_closure(t: Type, s: VSet) -> VSet:
    """Warshall's algorithm over the pairs of a finite type: (i, j) is in the closure when a
    path of pairs of s joins i to j (positions of s outside t's domain join nothing)."""
    assert isinstance(t, SetType) and isinstance(t.elem, RecordType), t
    node = t.elem.fields[0][1]
    if not is_finite(node):
        raise Refusal(f"closure over {node}", "its values cannot be listed")
    nodes = domain(node)
    r = {(i, j): s.members.get((i, j), False) for i in nodes for j in nodes}
    for k in nodes:
        r = {(i, j): or_(r[i, j], and_(r[i, k], r[k, j])) for i in nodes for j in nodes}
    return VSet(t.elem, r)


def extreme(name: str, s: VSet) -> tuple[VInt, B]:
    """(min or max of s, s is empty)."""
    values = sorted(s.members, reverse=name == "max")
    result: Any = 0
    for u in reversed(values):
        result = ite_leaf(s.members[u], u, result)
    lo = min(values) if values else 0
    hi = max(values) if values else 0
    empty = not_(any_of(s.members.values()))
    return vint(result, lo, hi) if not isinstance(result, int) else vint(result), empty


def length(x: V) -> VInt:
    match x:
        case VSet(members=members):
            return vint(count_true(members.values()), 0, len(members))
        case VSeq(length=n):
            return n
        case VMap(entries=entries):
            return vint(count_true(p for p, _ in entries), 0, len(entries))
        case VBag():
            return vint(bag_total(x), 0, None)
        case VSlots(size=size):
            return size
    raise TypeError(f"len of {x!r}")


# ---------------------------------------------------------------- maps


def map_read(m: VMap, k: V, t: Type) -> tuple[V, B]:
    """(m[k], reading it faults): the key has no entry or is outside the key type."""
    keys = keys_of(m.key)
    const = const_of(m.key, k) if not isinstance(m.key, IntType) else _int_const(k)
    if const is not NOT_CONST:
        slot = key_ordinal(m.key, const)
        if slot is None:
            return junk(t), True
        present, value = m.entries[slot]
        return value, not_(present)
    hits = [is_value(m.key, k, u) for u in keys]
    value = m.entries[-1][1] if m.entries else junk(t)
    for hit, (_, v) in reversed(list(zip(hits[:-1], m.entries[:-1], strict=True))):
        value = ite(hit, v, value)
    missing = not_(any_of(and_(h, p) for h, (p, _) in zip(hits, m.entries, strict=True)))
    return value, missing


def _int_const(k: V) -> Any:
    return k.i if isinstance(k, VInt) and isinstance(k.i, int) else NOT_CONST


def key_hits(m: VMap, k: V) -> list[B]:
    """Per slot of m: k is that slot's key."""
    const = _int_const(k) if isinstance(m.key, IntType) else const_of(m.key, k)
    keys = keys_of(m.key)
    if const is not NOT_CONST:
        slot = key_ordinal(m.key, const)
        return [i == slot for i in range(len(keys))]
    return [is_value(m.key, k, u) for u in keys]


def has(m: VMap, k: V) -> B:
    return any_of(and_(h, p) for h, (p, _) in zip(key_hits(m, k), m.entries, strict=True))


def delete(m: VMap, k: V) -> VMap:
    hits = key_hits(m, k)
    return VMap(
        m.key, tuple((and_(p, not_(h)), v) for h, (p, v) in zip(hits, m.entries, strict=True))
    )


def _total_len(m: VMap) -> VInt:
    parts: list[Any] = []
    hi: int | None = 0
    for p, v in m.entries:
        assert isinstance(v, VSeq)
        parts.append(ite_leaf(p, v.length.i, 0))
        hi = None if hi is None or v.length.hi is None else hi + v.length.hi
    return vint(sum_of(parts), 0, hi)


# ---------------------------------------------------------------- sequences


def seq_at(s: VSeq, p: VInt, t: Type) -> V:
    """The element at 0-based position p (junk outside the sequence)."""
    if isinstance(p.i, int):
        return s.elems[p.i] if 0 <= p.i < len(s.elems) else junk(t)
    positions = list(_candidates(p, 0, len(s.elems) - 1))
    if not positions:
        return junk(t)
    value = s.elems[positions[-1]]
    for j in reversed(positions[:-1]):
        value = ite(eq_int(p.i, j), s.elems[j], value)
    return value


def append(s: VSeq, x: V) -> VSeq:
    cap = len(s.elems)
    elems = tuple(ite(eq_int(s.length.i, j), x, s.elems[j]) for j in range(cap)) + (x,)
    return VSeq(_add(s.length, vint(1)), elems)


def tail(s: VSeq) -> VSeq:
    if not s.elems:
        return s
    n = s.length
    shorter = _max(_add(n, vint(-1)), vint(0))
    return VSeq(shorter, s.elems[1:])


def slice_of(s: VSeq, lo: VInt, hi: VInt, t: Type) -> VSeq:
    """Positions lo..hi (1-based, inclusive), clamped to the sequence."""
    start = _max(lo, vint(1))
    end = _min(hi, s.length)
    n = _max(_add(_sub(end, start), vint(1)), vint(0))
    cap = len(s.elems)
    elems = tuple(seq_at(s, _add(start, vint(j - 1)), t.elem) for j in range(cap))  # type: ignore[union-attr]
    return VSeq(VInt(n.i, 0, cap) if not isinstance(n.i, int) else n, elems)


def remove_at(s: VSeq, i: VInt, t: Type) -> VSeq:
    cap = len(s.elems)
    elems = tuple(
        ite(
            cmp_int("lt", j, _add(i, vint(-1)).i),
            s.elems[j],
            s.elems[j + 1] if j + 1 < cap else s.elems[j],
        )
        for j in range(max(cap - 1, 0))
    )
    return VSeq(_max(_add(s.length, vint(-1)), vint(0)), elems)


def insert_at(s: VSeq, i: VInt, x: V, t: Type) -> VSeq:
    cap = len(s.elems)
    at = _add(i, vint(-1)).i  # 0-based position of x
    elems = []
    for j in range(cap + 1):
        before = s.elems[j] if j < cap else x
        after = s.elems[j - 1] if j >= 1 else x
        elems.append(ite(cmp_int("lt", j, at), before, ite(eq_int(j, at), x, after)))
    return VSeq(_add(s.length, vint(1)), tuple(elems))


def concat(a: VSeq, b: VSeq, t: Type) -> VSeq:
    cap = len(a.elems) + len(b.elems)
    elem_type = t.elem  # type: ignore[union-attr]
    elems = []
    for j in range(cap):
        # position j holds a[j] when j < len(a), else b[j - len(a)]
        from_b = seq_at(b, _sub(vint(j), a.length), elem_type)
        elems.append(
            ite(cmp_int("lt", j, a.length.i), a.elems[j], from_b) if j < len(a.elems) else from_b
        )
    return VSeq(_add(a.length, b.length), tuple(elems))


# ---------------------------------------------------------------- bags and messages


def bag_count(bag: VBag, x: V) -> VInt:
    """How many copies of x; bounded when every count is known (a bag literal), since a
    range up to a count is only enumerable with a static upper end."""
    known = [n for n in bag.counts.values() if isinstance(n, int)]
    hi = max(known, default=0) if len(known) == len(bag.counts) else None
    const = const_of(bag.elem, x)
    if const is not NOT_CONST:
        return vint(bag.counts.get(const, 0), 0, hi)
    return vint(
        sum_of(ite_leaf(is_value(bag.elem, x, u), n, 0) for u, n in bag.counts.items()), 0, hi
    )


def bag_add(bag: VBag, x: V, delta: int) -> VBag:
    const = const_of(bag.elem, x)
    counts = dict(bag.counts)
    if const is not NOT_CONST:
        counts[const] = counts.get(const, 0) + delta
        return VBag(bag.elem, counts, _plus(bag_total(bag), delta))
    for u in possible(bag.elem, x):
        hit = is_value(bag.elem, x, u)
        if hit is False:
            continue
        old = counts.get(u, 0)
        counts[u] = ite_leaf(hit, old + delta, old)
    return VBag(bag.elem, counts, _plus(bag_total(bag), delta))


def _plus(total: Any, delta: int) -> Any:
    return total + delta


def slots_add(bag: VSlots, x: V) -> VSlots:
    """One more element: x goes into the first free slot (one more slot than before)."""
    cap = len(bag.slots)
    slots = tuple(ite(eq_int(bag.size.i, j), x, bag.slots[j]) for j in range(cap)) + (x,)
    return VSlots(bag.elem, _add(bag.size, vint(1)), slots)


def slots_remove(bag: VSlots, x: V) -> VSlots:
    """One copy of x fewer: the last element moves into the first slot holding x (where x
    is absent the caller records a fault)."""
    last = seq_at(VSeq(bag.size, bag.slots), _add(bag.size, vint(-1)), bag.elem)
    found: B = False
    slots = []
    for j, s in enumerate(bag.slots):
        hit = and_(not_(found), cmp_int("lt", j, bag.size.i), eq(s, x))
        slots.append(ite(hit, last, s))
        found = or_(found, hit)
    return VSlots(bag.elem, _max(_add(bag.size, vint(-1)), vint(0)), tuple(slots))


def as_set(v: V) -> VSet:
    """A set as a VSet (elements of a VElems enumerated over their possible values)."""
    if isinstance(v, VElems):
        return set_of(v.elem, list(v.items))
    assert isinstance(v, VSet), v
    return v


def field(base: V, index: int, name: str, t: Type) -> V:
    """`base.name`: a record's field, or the field at `index` of the message's variant."""
    if isinstance(base, VRec):
        return base.fields[index]
    assert isinstance(base, VMsg), base
    variants = base.type.variants
    named = [
        i for i, v in enumerate(variants) if index < len(v.fields) and v.fields[index][0] == name
    ]
    chosen = named or [i for i, v in enumerate(variants) if index < len(v.fields)]
    if not chosen:
        return junk(t)
    if isinstance(base.tag, int):
        i = base.tag if base.tag in chosen else chosen[-1]
        return base.variants[i][index]
    value = base.variants[chosen[-1]][index]
    for i in reversed(chosen[:-1]):
        value = ite(eq_int(base.tag, i), base.variants[i][index], value)
    return value


def msg_name(m: VMsg, t: Type) -> VInt:
    assert isinstance(t, EnumType)
    names = [v.name for v in m.type.variants]
    if list(t.members) == names:
        return vint(m.tag, 0, len(names) - 1) if not isinstance(m.tag, int) else vint(m.tag)
    ordinals = [t.members.index(n) for n in names]
    if isinstance(m.tag, int):
        return vint(ordinals[m.tag])
    value: Any = ordinals[-1]
    for i in reversed(range(len(names) - 1)):
        value = ite_leaf(eq_int(m.tag, i), ordinals[i], value)
    return vint(value, 0, len(t.members) - 1)
