"""IR statements as symbolic state updates, and actions unrolled into concrete transitions.

A block runs on `Fork`s: (path condition, slot values, locals). An `If` runs both branches
and merges them with if-then-else when each ends in one fork; a `Require` narrows the path
condition; a `Choose` forks once per possible value of its domain (its membership joins the
path condition); a `ForEach` runs its body once per possible member, guarded by membership, in
the reference's order. Action parameters are unrolled the same way: every (action, parameter
values, fork) is one `Branch` with a condition and the slot values after it. Unrolling keeps
the enabledness of an action and the faults of a state closed formulas (no hidden existential
choices), so they can be negated, e.g. for deadlock ("no branch is enabled").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from verikit.core import ir
from verikit.core.model import Action
from verikit.core.types import (
    BagType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    within_type,
)
from verikit.symbolic.exprs import Env, Evaluator, Slots, in_range, key_hits
from verikit.symbolic.values import (
    B,
    Refusal,
    V,
    VBag,
    VElems,
    VInt,
    VMap,
    VMsg,
    VOpt,
    VRec,
    VSeq,
    VSet,
    VSlots,
    and_,
    any_of,
    cmp_int,
    coerce,
    eq_int,
    ite,
    not_,
    or_,
)


@dataclass(frozen=True, eq=False)
class Fork:
    pc: B
    slots: Slots
    env: Env = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    """One concrete way to step: an action with parameter values (runtime representation)
    and which of its `choose` forks."""

    action: int
    name: str
    params: tuple[Any, ...]
    fork: int


@dataclass(frozen=True, eq=False)
class Branch:
    label: Transition
    pc: B  # the transition is enabled
    slots: Slots  # the state after it


class Executor:
    """Runs statements symbolically; faults go to the evaluator's list."""

    def __init__(self, ev: Evaluator) -> None:
        self.ev = ev

    def block(self, stmts: tuple[ir.Stmt, ...], fork: Fork) -> list[Fork]:
        forks = [fork]
        for s in stmts:
            forks = [out for f in forks for out in self.stmt(s, f) if out.pc is not False]
        return forks

    def stmt(self, s: ir.Stmt, f: Fork) -> list[Fork]:
        try:
            return self._stmt(s, f)
        except Refusal as refusal:
            if not s.span.line:
                raise
            raise self.ev.refuse(s, refusal) from None

    def _stmt(self, s: ir.Stmt, f: Fork) -> list[Fork]:
        ev = self.ev
        match s:
            case ir.Assign():
                return [self.assign(s, f)]
            case ir.If(cond=cond, then=then, else_=else_):
                c = ev.bool(cond, f.slots, f.env, f.pc)
                return self.branch(c, then, else_, f)
            case ir.Choose(var=var, domain=dom, body=body):
                out = []
                for _, m, x in ev.iterate(dom, f.slots, f.env, f.pc):
                    inner = Fork(and_(f.pc, m), f.slots, f.env)
                    if inner.pc is not False:
                        out += self.nested(body, inner, {var: x})
                return out
            case ir.ForEach(var=var, domain=dom, body=body):
                return [self.loop(var, dom, body, f)]
            case ir.LetStmt(var=var, value=value):
                return [Fork(f.pc, f.slots, f.env | {var: ev.ev(value, f.slots, f.env, f.pc)})]
            case ir.Require(cond=cond):
                return [Fork(and_(f.pc, ev.bool(cond, f.slots, f.env, f.pc)), f.slots, f.env)]
            case ir.Assert(cond=cond):
                c = ev.bool(cond, f.slots, f.env, f.pc)
                ev.fault(f.pc, not_(c))  # the state faults; its successors then do not matter
                return [f]
        raise TypeError(f"not a core statement: {s!r}")

    def nested(self, stmts: tuple[ir.Stmt, ...], f: Fork, bound: Env) -> list[Fork]:
        """A nested block, lexically scoped: the names it binds (`bound`, then each `let`
        from where it stands) hide the enclosing block's locals, which come back after it
        with the value they had when hidden; its other assignments to them persist."""
        hidden0 = {n: f.env[n] for n in bound if n in f.env}
        runs = [(Fork(f.pc, f.slots, f.env | bound), hidden0)]
        for s in stmts:
            hides = s.var if isinstance(s, ir.LetStmt) and s.var in f.env else None
            after: list[tuple[Fork, Env]] = []
            for fork, hidden in runs:
                if hides is not None and hides not in hidden:
                    hidden = hidden | {hides: fork.env[hides]}
                after += [(out, hidden) for out in self.stmt(s, fork) if out.pc is not False]
            runs = after
        return [
            Fork(out.pc, out.slots, {n: hidden.get(n, out.env[n]) for n in f.env})
            for out, hidden in runs
        ]

    def branch(
        self, c: B, then: tuple[ir.Stmt, ...], else_: tuple[ir.Stmt, ...], f: Fork
    ) -> list[Fork]:
        yes, no = Fork(and_(f.pc, c), f.slots, f.env), Fork(and_(f.pc, not_(c)), f.slots, f.env)
        a = self.nested(then, yes, {}) if yes.pc is not False else []
        b = self.nested(else_, no, {}) if no.pc is not False else []
        if len(a) == 1 and len(b) == 1:
            return [merge(c, a[0], b[0], f.pc, yes.pc, no.pc)]
        return a + b

    def loop(self, var: str, dom: ir.Expr, body: tuple[ir.Stmt, ...], f: Fork) -> Fork:
        for _, m, x in self.ev.iterate(dom, f.slots, f.env, f.pc, distinct=True):
            inside = Fork(and_(f.pc, m), f.slots, f.env)
            if inside.pc is False:
                continue
            done = self.nested(body, inside, {var: x})
            if len(done) > 1:
                raise Refusal("a `choose` inside `for`", "loops must be deterministic")
            skip = Fork(and_(f.pc, not_(m)), f.slots, f.env)
            f = merge(m, done[0], skip, f.pc, inside.pc, skip.pc) if done else skip
        return f

    # ------------------------------------------------------------ assignment

    def assign(self, s: ir.Assign, f: Fork) -> Fork:
        ev = self.ev
        value = ev.ev_as(s.value, s.target_type, f.slots, f.env, f.pc)
        ev.fault(f.pc, out_of_range(s.target_type, value))
        value = clamp(s.target_type, value)
        keys = [
            ev.ev(step.key, f.slots, f.env, f.pc) if isinstance(step, ir.IndexStep) else None
            for step in s.path
        ]
        root = s.root
        old = f.slots[root.index] if isinstance(root, ir.StateVar) else f.env[root.name]
        new = self.update(root.type, old, s.path, keys, value, f.pc)
        if isinstance(root, ir.StateVar):
            slots = (*f.slots[: root.index], new, *f.slots[root.index + 1 :])
            return Fork(f.pc, slots, f.env)
        return Fork(f.pc, f.slots, f.env | {root.name: new})

    def update(
        self,
        t: Type,
        old: V,
        path: tuple[ir.FieldStep | ir.IndexStep, ...],
        keys: list[V | None],
        value: V,
        pc: B,
    ) -> V:
        """old with the location `path` replaced by value (faults as the reference's)."""
        if not path:
            return value
        step, rest, key = path[0], path[1:], keys[0]
        match step, old:
            case ir.FieldStep(index=index), VRec(fields=fields):
                assert isinstance(t, RecordType)
                inner = self.update(t.fields[index][1], fields[index], rest, keys[1:], value, pc)
                return VRec((*fields[:index], inner, *fields[index + 1 :]))
            case ir.FieldStep(index=index), VMsg():
                assert isinstance(t, MessageType)
                return self._update_message(t, old, index, rest, keys[1:], value, pc)
            case ir.IndexStep(), VMap():
                assert key is not None
                return self._update_map(t, old, key, rest, keys[1:], value, pc)
            case ir.IndexStep(), VSeq():
                assert isinstance(key, VInt) and isinstance(t, SeqType)
                self.ev.fault(pc, not_(in_range(key, 1, old.length)))
                elems = list(old.elems)
                for j in range(len(elems)):
                    hit = eq_int(key.i, j + 1)
                    if hit is False:
                        continue
                    inner = self.update(t.elem, elems[j], rest, keys[1:], value, and_(pc, hit))
                    elems[j] = ite(hit, inner, elems[j])
                return VSeq(old.length, tuple(elems))
        raise TypeError(f"cannot assign through {step} in {old!r}")

    def _update_message(
        self,
        t: MessageType,
        old: VMsg,
        index: int,
        rest: tuple[ir.FieldStep | ir.IndexStep, ...],
        keys: list[V | None],
        value: V,
        pc: B,
    ) -> VMsg:
        variants = list(old.variants)
        for i, rec in enumerate(t.variants):
            if index >= len(rec.fields):
                continue
            active = eq_int(old.tag, i)
            if active is False:
                continue
            field_type = rec.fields[index][1]
            fields = variants[i]
            inner = self.update(field_type, fields[index], rest, keys, value, and_(pc, active))
            variants[i] = (*fields[:index], inner, *fields[index + 1 :])
        return VMsg(old.type, old.tag, tuple(variants))

    def _update_map(
        self,
        t: Type,
        old: VMap,
        key: V,
        rest: tuple[ir.FieldStep | ir.IndexStep, ...],
        keys: list[V | None],
        value: V,
        pc: B,
    ) -> VMap:
        hits = key_hits(old, key)
        self.ev.fault(pc, not_(any_of(hits)))
        value_type = t.value  # type: ignore[union-attr]
        entries = list(old.entries)
        for i, hit in enumerate(hits):
            if hit is False:
                continue
            present, current = entries[i]
            if rest:
                self.ev.fault(pc, and_(hit, not_(present)))
            inner = self.update(value_type, current, rest, keys, value, and_(pc, hit))
            entries[i] = (or_(present, hit), ite(hit, inner, current))
        return VMap(old.key, tuple(entries))


def out_of_range(t: Type, value: V) -> B:
    """Storing value in a location of type t faults (core/stored.py): an int outside a
    bounded range or a sequence longer than its maximum, at any depth (a record or message
    field, an option, a set or bag element, a sequence position, a map entry)."""
    match t, value:
        case IntType(lo=lo, hi=hi), VInt(i=i):
            below = lo is not None and (value.lo is None or value.lo < lo)
            above = hi is not None and (value.hi is None or value.hi > hi)
            return or_(
                cmp_int("lt", i, lo) if below else False, cmp_int("gt", i, hi) if above else False
            )
        case OptionType(inner=inner), VOpt(present=present, inner=x):
            return and_(present, out_of_range(inner, x))
        case OptionType(inner=inner), _:
            return out_of_range(inner, value)  # a value stored in an option as it is
        case RecordType(fields=fields), VRec(fields=xs):
            return any_of(out_of_range(ft, x) for (_, ft), x in zip(fields, xs, strict=True))
        case MessageType(), VMsg():
            return _message_out_of_range(t, value)
        case SeqType(elem=elem, max_len=n), VSeq(length=length, elems=elems):
            too_long: B = False
            if n is not None and (length.hi is None or length.hi > n):
                too_long = cmp_int("gt", length.i, n)
            inside = (
                and_(cmp_int("lt", j, length.i), out_of_range(elem, x)) for j, x in enumerate(elems)
            )
            return or_(too_long, any_of(inside))
        case SetType(elem=elem), VSet(members=members):
            return any_of(m for u, m in members.items() if not _within(elem, u))
        case SetType(elem=elem), VElems(items=items):
            return any_of(and_(m, out_of_range(elem, x)) for m, x in items)
        case BagType(elem=elem), VBag(counts=counts):
            return any_of(cmp_int("gt", n, 0) for u, n in counts.items() if not _within(elem, u))
        case BagType(elem=elem), VSlots(size=size, slots=slots):
            return any_of(
                and_(cmp_int("lt", j, size.i), out_of_range(elem, x)) for j, x in enumerate(slots)
            )
        case MapType(value=vt), VMap(entries=entries):
            return any_of(and_(present, out_of_range(vt, x)) for present, x in entries)
    return False


def _message_out_of_range(t: MessageType, m: VMsg) -> B:
    """Some field of the message's variant lies outside its type in t."""
    theirs = {v.name: v for v in t.variants}
    parts: list[B] = []
    for i, (rec, xs) in enumerate(zip(m.type.variants, m.variants, strict=True)):
        target = theirs.get(rec.name)
        if target is None:
            continue
        bad = any_of(out_of_range(ft, x) for (_, ft), x in zip(target.fields, xs, strict=True))
        parts.append(and_(eq_int(m.tag, i), bad))
    return any_of(parts)


def _within(t: Type, value: Any) -> bool:
    try:
        return within_type(t, value)
    except (TypeError, KeyError, IndexError, ValueError):
        return False


def clamp(t: Type, value: V) -> V:
    """A stored value within its location's range, as far as we know it statically: where it
    is not, the assignment faults and what is stored does not matter. (So a sequence grown by
    `append` fits its slot again, and no encoding overflow is suspected.)"""
    match t, value:
        case IntType(lo=lo, hi=hi), VInt(i=i):
            if lo is not None and hi is not None and not isinstance(i, int):
                return VInt(
                    i,
                    lo if value.lo is None else max(lo, value.lo),
                    hi if value.hi is None else min(hi, value.hi),
                )
        case SeqType(max_len=int(n)), VSeq(length=length, elems=elems) if len(elems) > n:
            hi = n if length.hi is None else min(n, length.hi)
            return VSeq(VInt(length.i, length.lo, hi), elems[:n])
    return value


def merge(c: B, a: Fork, b: Fork, pc: B, pc_a: B, pc_b: B) -> Fork:
    """One fork for `if c then a else b`; a and b started from pc ∧ c and pc ∧ ¬c."""
    # when neither branch narrowed its path, together they cover pc
    merged_pc = pc if a.pc is pc_a and b.pc is pc_b else or_(a.pc, b.pc)
    slots = tuple(ite(c, x, y) for x, y in zip(a.slots, b.slots, strict=True))
    env = {n: ite(c, a.env[n], b.env[n]) for n in a.env}
    return Fork(merged_pc, slots, env)


def branches(index: int, action: Action, slots: Slots, ev: Evaluator) -> list[Branch]:
    """Every concrete transition of one action from the state `slots`, in the reference's
    order (parameters in domain order, the first varying slowest, then forks)."""
    out: list[Branch] = []
    executor = Executor(ev)

    def expand(k: int, env: Env, pc: B, values: tuple[Any, ...]) -> None:
        if k == len(action.params):
            enabled = and_(pc, ev.bool(action.guard, slots, env, pc))
            if enabled is False:
                return
            forks = executor.block(action.body, Fork(enabled, slots, env))
            for j, done in enumerate(forks):
                out.append(Branch(Transition(index, action.name, values, j), done.pc, done.slots))
            return
        param = action.params[k]
        for u, m, x in ev.iterate(param.domain, slots, env, pc):
            inner = and_(pc, m)
            if inner is not False:
                expand(k + 1, env | {param.name: coerce(param.type, x)}, inner, (*values, u))

    expand(0, {}, True, ())
    return out
