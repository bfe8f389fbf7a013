"""Hypothesis strategies: random small, well-typed core Models and states.

`models()` draws a Model with 1–3 state slots (bool, int ranges, enums, node ids, sets, maps,
bounded sequences, options, a record, a message, a bag), an init block (defaults, assignments,
nondeterministic choices), one action per slot that starts by updating it plus 0–2 more, each
with 0–2 parameters, a guard and a body (assignments through paths, if, choose, for, let,
require), and properties, all made of random depth-limited expressions. Everything is well
typed by construction, while runtime faults (values out of a slot's range, missing map keys,
sequence positions out of range, unwrap of none, division by zero, min of nothing, bag_remove
of an absent element) stay possible on purpose, so back ends are compared on them too.
`states(model)` draws arbitrary well-typed states, reachable or not.

State spaces stay finite and small: the product of the slot domain sizes is at most
STATE_BUDGET, a value stored outside its type faults (so no state holds one, however deep),
every sequence stored is cut to its max_len with `take`, and bags hold each element at most
MAX_COPIES times.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from hypothesis import strategies as st

from verikit.core import ir
from verikit.core.model import Action, Model, Param, Property, Var
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    BagType,
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
)

from .pretty import show_model

E2 = EnumType("E2", ("B", "A"))  # neither enum is in alphabetical order,
E3 = EnumType("E3", ("Z", "A", "M"))  # and both have a member "A"
SMALL = IntType(0, 2)
R = RecordType("R", (("f", BOOL), ("g", SMALL)))
MSG = MessageType((RecordType("Ping", ()), RecordType("Vote", (("yes", BOOL), ("n", SMALL)))))
PING = ir.Lit(("Ping",), MSG)
_C, _P = NodeGroup("C", 0, 1), NodeGroup("P", 1, 2)
P = NodeType((_P,))  # node ids 1 and 2
NODE = NodeType((_P, _C))  # any node, in the order 1, 2, 0 (not the order of the ids)
MAP_TYPES = (MapType(IntType(0, 1), BOOL), MapType(SMALL, BOOL), MapType(P, BOOL))
SLOT_TYPES: tuple[Type, ...] = (
    BOOL, SMALL, IntType(-1, 1), IntType(1, 3), IntType(-2, 0), E2, E3, P, NODE,
    SetType(E2), SetType(E3), SetType(NODE), SetType(MSG), *MAP_TYPES, MapType(IntType(0, 1), R),
    SeqType(BOOL, 1), SeqType(BOOL, 2), SeqType(BOOL, 3),
    OptionType(E3), OptionType(SMALL), OptionType(BOOL), OptionType(P), R, MSG, BagType(E2),
)  # fmt: skip
MAX_COPIES = 2  # a bag holds each element at most twice (bag_add is guarded by bag_count)
BINDER_TYPES: tuple[Type, ...] = (BOOL, E2, E3, SMALL, INT, P, NODE, MSG)  # what binders range over
LET_TYPES: tuple[Type, ...] = (BOOL, INT, E3, P, SetType(E2), SeqType(BOOL, 2))
STATE_BUDGET = 2000

T = TypeVar("T")


def size(t: Type) -> int:
    """How many values a slot of type t can hold."""
    match t:
        case SeqType(max_len=int(n)):
            return sum(len(domain(t.elem)) ** k for k in range(n + 1))
        case MapType(key=k, value=v):
            return (len(domain(v)) + 1) ** len(domain(k))  # +1: no entry
        case BagType(elem=elem):
            return (MAX_COPIES + 1) ** len(domain(elem))
    return len(domain(t))


def fits(have: Type, want: Type) -> bool:
    """A value of type `have` may stand where `want` is expected (ints by range inclusion)."""
    match want:
        case IntType(lo=None):
            return isinstance(have, IntType)
        case IntType(lo=lo, hi=hi):
            bounded = isinstance(have, IntType) and have.lo is not None and have.hi is not None
            return bounded and lo <= have.lo <= have.hi <= hi
        case SeqType(elem=elem):
            return isinstance(have, SeqType) and have.elem == elem
        case SetType(elem=elem):
            return isinstance(have, SetType) and fits(have.elem, elem)
        case NodeType(groups=groups):
            return isinstance(have, NodeType) and set(have.groups) <= set(groups)
        case OptionType(inner=inner):
            if isinstance(have, OptionType):
                return fits(have.inner, inner)
            return fits(have, inner)
    return have == want


@dataclass(frozen=True)
class Scope:
    """The locals visible at a point: all readable, those from LetStmt also assignable."""

    locals: tuple[ir.Local, ...] = ()
    assignable: frozenset[str] = frozenset()
    in_loop: bool = False  # inside a ForEach, where Choose and Require are not allowed
    static_ints: bool = False  # ints with static bounds only: no bag counts or sizes (Z3
    # enumerates a range, so its ends need bounds, and a bag's counters have none)

    def bind(self, local: ir.Local, assignable: bool = False) -> Scope:
        """`local` in scope, hiding any visible local of the same name."""
        kept = tuple(v for v in self.locals if v.name != local.name)
        names = self.assignable - {local.name}
        return replace(
            self, locals=(*kept, local), assignable=names | {local.name} if assignable else names
        )


def le(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    return ir.Binary("le", a, b, BOOL)


def eq(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    return ir.Binary("eq", a, b, BOOL)


class _Gen:
    """Draws typed IR; every method returns a well-typed node of the type asked for."""

    def __init__(self, draw: st.DrawFn, slots: tuple[ir.StateVar, ...]) -> None:
        self.draw = draw
        self.slots = slots
        self.names = itertools.count()

    def fresh(self, t: Type) -> ir.Local:
        return ir.Local(f"x{next(self.names)}", t)

    def pick(self, options: list[Callable[[], T]]) -> T:
        """Run one of the options; shrinking prefers the first (keep leaves first)."""
        return options[self.draw(st.integers(0, len(options) - 1))]()

    def pick_weighted(self, options: list[tuple[int, Callable[[], T]]]) -> T:
        """Run one of the options, each as likely as its weight says."""
        return self.pick([thunk for weight, thunk in options for _ in range(weight)])

    def num(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def chance(self, n: int) -> bool:
        """True one time in n; false for the simplest draw, so shrinking turns it off."""
        return self.num(1, n) == n

    def type_of(self, choices: tuple[Type, ...]) -> Type:
        return self.draw(st.sampled_from(choices))

    # ------------------------------------------------------------ expressions

    def expr(self, t: Type, depth: int, sc: Scope) -> ir.Expr:
        """A leaf (a variable more often than a literal), else an operation on values of this
        type, now and then a generic form (if-then-else, let, field, unwrap)."""
        names = [v for v in (*self.slots, *sc.locals) if fits(v.type, t)]
        options: list[tuple[int, Callable[[], ir.Expr]]] = [(1, lambda: ir.Lit(self.value(t), t))]
        if names:
            options.append((3, lambda: self.draw(st.sampled_from(names))))
        if depth > 0:
            specific = self.specific(t, depth - 1, sc)
            if specific:
                options.append((4, lambda: self.pick(specific)))
            options.append((1, lambda: self.pick(self.generic(t, depth - 1, sc))))
        return self.pick_weighted(options)

    def value(self, t: Type) -> Any:
        """A random runtime value of type t (unbounded ints stay small)."""
        match t:
            case IntType(lo=None):
                return self.num(-1, 3)
            case SeqType(elem=elem, max_len=n):
                return tuple(self.value(elem) for _ in range(self.num(0, n or 2)))
            case MapType(value=v):
                return tuple(
                    self.draw(st.sampled_from((MISSING, *domain(v)))) for _ in domain(t.key)
                )
            case SetType(elem=IntType(lo=None)):
                return frozenset(self.value(INT) for _ in range(self.num(0, 2)))
            case BagType():
                return self.draw(values(t))
            case OptionType(inner=inner):
                return None if self.draw(st.booleans()) else self.value(inner)
        return self.draw(st.sampled_from(domain(t)))

    def specific(self, t: Type, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        options: list[Callable[[], ir.Expr]] = []
        match t:
            case IntType(lo=None):
                options += self.int_exprs(d, sc)
            case IntType():
                options.append(lambda: self.wrap(self.expr(INT, d, sc), t))
            case SetType(elem=elem):
                options += self.set_exprs(elem, d, sc)
            case MapType():
                options += self.map_exprs(t, d, sc)
            case SeqType():
                options += self.seq_exprs(t, d, sc)
            case OptionType(inner=inner):
                options.append(lambda: self.expr(inner, d, sc))
            case RecordType(fields=fields):
                options.append(
                    lambda: ir.RecordLit(tuple(self.expr(ft, d, sc) for _, ft in fields), t)
                )
            case MessageType(variants=variants):
                options.append(lambda: ir.MessageLit("Ping", (), t))
                vote = variants[1].fields
                options.append(
                    lambda: ir.MessageLit("Vote", tuple(self.expr(ft, d, sc) for _, ft in vote), t)
                )
            case BagType(elem=elem):  # no bag_add here: it could exceed MAX_COPIES
                options.append(
                    lambda: ir.Call("bag_remove", (self.expr(t, d, sc), self.expr(elem, d, sc)), t)
                )
        if t == BOOL:
            options += self.bool_exprs(d, sc)
        return options

    def generic(self, t: Type, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        options: list[Callable[[], ir.Expr]] = [
            lambda: ir.Cond(self.expr(BOOL, d, sc), self.expr(t, d, sc), self.expr(t, d, sc), t),
            lambda: self.let(t, d, sc),
        ]
        if t == BOOL or (isinstance(t, IntType) and fits(SMALL, t)):  # a field of R or of a Vote
            index = 0 if t == BOOL else 1
            name, field_type = R.fields[index]
            options.append(lambda: ir.Field(self.expr(R, d, sc), index, name, field_type))
            options.append(lambda: self.message_field(index, d, sc))
        if isinstance(t, (IntType, EnumType, NodeType)) or t == BOOL:
            options.append(lambda: self.unwrap(t, d, sc))
        return options

    def unwrap(self, t: Type, d: int, sc: Scope) -> ir.Expr:
        """`o!`, half of them as `if o != none then o! else e` so that not all of them fault."""
        option = self.expr(OptionType(t), d, sc)
        read = ir.Unwrap(option, t)
        if self.chance(2):
            return read
        present = ir.Binary("ne", option, ir.Lit(None, OptionType(t)), BOOL)
        return ir.Cond(present, read, self.expr(t, d, sc), t)

    def let(self, t: Type, d: int, sc: Scope) -> ir.Expr:
        local = self.fresh(self.type_of(LET_TYPES))
        value = self.expr(local.type, d, sc)
        return ir.Let(local.name, value, self.expr(t, d, sc.bind(local)), t)

    def wrap(self, e: ir.Expr, t: IntType) -> ir.Expr:
        """`lo + (e - lo) mod n`: any int folded into lo..hi."""
        assert t.lo is not None and t.hi is not None
        lo = ir.Lit(t.lo, INT)
        folded = ir.Binary("mod", ir.Binary("sub", e, lo, INT), ir.Lit(t.hi - t.lo + 1, INT), INT)
        return ir.Binary("add", lo, folded, t)

    def bool_exprs(self, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        def logic() -> ir.Expr:
            op = self.draw(st.sampled_from(("and", "or", "implies")))
            return ir.Binary(op, self.expr(BOOL, d, sc), self.expr(BOOL, d, sc), BOOL)

        def compare() -> ir.Expr:
            t = self.type_of((INT, BOOL, E3, *(s.type for s in self.slots)))
            op = self.draw(
                st.sampled_from(("eq", "ne") if t != INT else ("eq", "ne", "lt", "le", "gt", "ge"))
            )
            return ir.Binary(op, self.expr(t, d, sc), self.expr(t, d, sc), BOOL)

        def member() -> ir.Expr:
            elem = self.type_of(BINDER_TYPES)
            return ir.Binary("in", self.expr(elem, d, sc), self.expr(SetType(elem), d, sc), BOOL)

        def subset() -> ir.Expr:
            s = SetType(self.type_of((E2, E3)))
            return ir.Binary("subseteq", self.expr(s, d, sc), self.expr(s, d, sc), BOOL)

        def quant() -> ir.Expr:
            dom, local = self.binder(d, sc)
            kind = self.draw(st.sampled_from(("forall", "exists")))
            return ir.Quant(kind, local.name, dom, self.expr(BOOL, d, sc.bind(local)), BOOL)

        return [
            lambda: ir.Unary("not", self.expr(BOOL, d, sc), BOOL),
            logic, compare, member, subset, quant,
            lambda: self.seq_read(d, sc),
            lambda: self.map_read(d, sc),
        ]  # fmt: skip

    def seq_read(self, d: int, sc: Scope) -> ir.Expr:
        """`s[i]`, `head(s)` or `last(s)`; half of them behind a length check (`and`
        short-circuits), so that not every read of a short sequence faults."""
        s = self.expr(SeqType(BOOL, 3), d, sc)
        i = self.expr(INT, d, sc)
        length = ir.Call("len", (s,), INT)
        one = ir.Lit(1, INT)
        if self.draw(st.booleans()):
            read: ir.Expr = ir.Index(s, i, BOOL)
            ok = ir.Binary("and", le(one, i), le(i, length), BOOL)
        else:
            read = ir.Call(self.draw(st.sampled_from(("head", "last"))), (s,), BOOL)
            ok = le(one, length)
        return read if self.chance(2) else ir.Binary("and", ok, read, BOOL)

    def map_read(self, d: int, sc: Scope) -> ir.Expr:
        """`m[k]` or `has(m, k)`, the key in the key type or any int (then maybe outside)."""
        m = self.draw(st.sampled_from(MAP_TYPES))
        key = self.key(m.key, d, sc)
        if self.draw(st.booleans()):
            return ir.Call("has", (self.expr(m, d, sc), key), BOOL)
        return ir.Index(self.expr(m, d, sc), key, BOOL)

    def key(self, t: Type, d: int, sc: Scope) -> ir.Expr:
        """A map key of type t, or for int keys any int (then maybe outside the key type)."""
        return self.expr(self.type_of((t, INT)) if isinstance(t, IntType) else t, d, sc)

    def message_field(self, index: int, d: int, sc: Scope) -> ir.Expr:
        """`m.yes` or `m.n` of a Vote, read only where the message is not a Ping."""
        name, t = MSG.variant("Vote").fields[index]
        m = self.expr(MSG, d, sc)
        vote = ir.Binary("ne", m, PING, BOOL)
        return ir.Cond(vote, ir.Field(m, index, name, t), self.expr(t, d, sc), t)

    def int_exprs(self, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        def arith() -> ir.Expr:
            op = self.draw(st.sampled_from(("add", "sub", "mul", "div", "mod")))
            return ir.Binary(op, self.expr(INT, d, sc), self.expr(INT, d, sc), INT)

        def length() -> ir.Expr:
            sized = (SetType(E3), SeqType(BOOL, 3), MapType(SMALL, BOOL))
            t = self.type_of(sized if sc.static_ints else (*sized, BagType(E2)))
            return ir.Call("len", (self.expr(t, d, sc),), INT)

        def count() -> ir.Expr:
            bag = self.expr(BagType(E2), d, sc)
            return ir.Call("bag_count", (bag, self.expr(E2, d, sc)), INT)

        def extreme() -> ir.Expr:
            name = self.draw(st.sampled_from(("min", "max")))
            return ir.Call(name, (self.expr(SetType(INT), d, sc),), INT)

        options = [arith, lambda: ir.Unary("neg", self.expr(INT, d, sc), INT), length, extreme]
        return options if sc.static_ints else [*options, count]

    def set_exprs(self, elem: Type, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        t = SetType(elem)

        def setop() -> ir.Expr:
            op = self.draw(st.sampled_from(("union", "diff", "inter")))
            return ir.Binary(op, self.expr(t, d, sc), self.expr(t, d, sc), t)

        def comprehension() -> ir.Expr:
            dom, local = self.binder(d, sc)
            inner = sc.bind(local)
            return ir.SetComp(
                local.name, dom, self.expr(elem, d, inner), self.expr(BOOL, d, inner), t
            )

        options = [
            lambda: ir.SetLit(tuple(self.expr(elem, d, sc) for _ in range(self.num(0, 2))), t),
            setop,
            comprehension,
        ]
        if elem == INT:
            small = Scope(static_ints=True)  # ends from literals and slots: sets stay small
            options.append(
                lambda: ir.Call("range", (self.expr(INT, 1, small), self.expr(INT, 1, small)), t)
            )
        else:
            options.append(lambda: ir.Domain(elem, t))
        if elem == E2:
            options.append(lambda: ir.Call("bag_items", (self.expr(BagType(E2), d, sc),), t))
        if elem == BOOL:
            options.append(lambda: ir.Call("to_set", (self.expr(SeqType(BOOL, 3), d, sc),), t))
        for m in MAP_TYPES:
            if fits(m.key, elem):
                options.append(lambda m=m: ir.Call("keys", (self.expr(m, d, sc),), t))
        return options

    def map_exprs(self, t: MapType, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        def literal() -> ir.Expr:
            local = self.fresh(t.key)
            keys = self.expr(SetType(t.key), d, sc)  # a subset of the key type
            return ir.MapLit(local.name, keys, self.expr(t.value, d, sc.bind(local)), t)

        return [
            literal,
            lambda: ir.Call("delete", (self.expr(t, d, sc), self.key(t.key, d, sc)), t),
        ]

    def seq_exprs(self, t: SeqType, d: int, sc: Scope) -> list[Callable[[], ir.Expr]]:
        def s() -> ir.Expr:
            return self.expr(t, d, sc)

        def n() -> ir.Expr:
            return self.expr(INT, d, sc)

        def b() -> ir.Expr:
            return self.expr(t.elem, d, sc)

        def call(name: str, *args: ir.Expr) -> ir.Expr:
            return ir.Call(name, args, t)

        return [
            lambda: ir.SeqLit(tuple(b() for _ in range(self.num(0, t.max_len or 2))), t),
            lambda: self.append(t, s(), b()),
            lambda: call("tail", s()),
            lambda: call("slice", s(), n(), n()),
            lambda: call("take", s(), n()),
            lambda: (
                call("remove_at", s(), n())
                if self.draw(st.booleans())
                else call("insert_at", s(), n(), b())
            ),
            lambda: ir.Binary("concat", s(), s(), t),
        ]

    def append(self, t: SeqType, seq: ir.Expr, x: ir.Expr) -> ir.Expr:
        """`append(seq, x)`; storing it past the target's max_len faults on both sides."""
        return ir.Call("append", (seq, x), t)

    def binder(self, d: int, sc: Scope) -> tuple[ir.Expr, ir.Local]:
        """A set to range over and a fresh local of its element type; often a set held in the
        state, whose iteration order the compiled code must then get right."""
        held = [v for v in self.slots if isinstance(v.type, SetType)]
        if held and self.chance(2):
            dom: ir.Expr = self.draw(st.sampled_from(held))
            return dom, self.fresh(dom.type.elem)
        elem = self.type_of(BINDER_TYPES)
        return self.expr(SetType(elem), d, sc), self.fresh(elem)

    def stored(self, t: Type, d: int, sc: Scope) -> ir.Expr:
        """A value to store in a location of type t: for an int, top-level or nested in a
        record, message, option or set element, maybe out of range (storing it faults); for
        a sequence cut to its max_len."""
        match t:
            case IntType(lo=int()) if self.chance(3):
                return self.expr(INT, d, sc)
            case SeqType(max_len=int(n)):
                return ir.Call("take", (self.expr(t, d, sc), ir.Lit(n, INT)), t)
            case OptionType(inner=IntType(lo=int())) if self.chance(3):
                return self.expr(INT, d, sc)
            case RecordType(fields=fields) if self.chance(3):
                return ir.RecordLit(tuple(self.loose(ft, d, sc) for _, ft in fields), t)
            case MessageType() if self.chance(3):
                return self.loose_vote(t, d, sc)
            case SetType(elem=MessageType() as elem) if self.chance(3):
                vote = ir.SetLit((self.loose_vote(elem, d, sc),), t)
                return ir.Binary("union", self.expr(t, d, sc), vote, t)
        return self.expr(t, d, sc)

    def loose(self, t: Type, d: int, sc: Scope) -> ir.Expr:
        """An expression for a part of type t; for a bounded int, half the time any int."""
        if isinstance(t, IntType) and t.lo is not None and self.chance(2):
            return self.expr(INT, d, sc)
        return self.expr(t, d, sc)

    def loose_vote(self, t: MessageType, d: int, sc: Scope) -> ir.Expr:
        fields = tuple(self.loose(ft, d, sc) for _, ft in t.variants[1].fields)
        return ir.MessageLit("Vote", fields, t)

    # ------------------------------------------------------------ statements

    def block(self, d: int, sc: Scope, lo: int, hi: int) -> tuple[ir.Stmt, ...]:
        stmts = []
        for _ in range(self.num(lo, hi)):
            stmt, sc = self.stmt(d, sc)
            stmts.append(stmt)
        return tuple(stmts)

    def stmt(self, d: int, sc: Scope) -> tuple[ir.Stmt, Scope]:
        options: list[tuple[int, Callable[[], tuple[ir.Stmt, Scope]]]] = [
            (4, lambda: (self.mutate(d, sc), sc)),
            (2, lambda: (self.assign_slot(d, sc), sc)),
            (1, lambda: self.let_stmt(d, sc)),
        ]
        if sc.assignable:
            options.append((1, lambda: (self.assign_local(d, sc), sc)))
        if not sc.in_loop:
            options.append((1, lambda: (ir.Require(self.expr(BOOL, d + 1, sc)), sc)))
        if d > 0:
            options.append((2, lambda: (self.if_stmt(d - 1, sc), sc)))
            options.append((2, lambda: (self.loop(d - 1, sc), sc)))
        return self.pick_weighted(options)

    def let_stmt(self, d: int, sc: Scope) -> tuple[ir.Stmt, Scope]:
        """A new local; now and then one that hides a visible local of the same name (its
        value may read the hidden one), which must come back after the block ends."""
        local = self.fresh(self.type_of(LET_TYPES))
        if sc.locals and self.chance(3):
            local = ir.Local(self.draw(st.sampled_from([v.name for v in sc.locals])), local.type)
        return ir.LetStmt(local.name, self.expr(local.type, d + 1, sc)), sc.bind(local, True)

    def assign_local(self, d: int, sc: Scope) -> ir.Stmt:
        local = self.draw(st.sampled_from([v for v in sc.locals if v.name in sc.assignable]))
        return ir.Assign(local, (), self.stored(local.type, d + 1, sc), local.type)

    def assign_slot(self, d: int, sc: Scope) -> ir.Stmt:
        slot = self.draw(st.sampled_from(self.slots))
        path: list[ir.FieldStep | ir.IndexStep] = []
        target = slot.type
        while self.draw(st.booleans()):
            match target:
                case MapType(key=key, value=value):
                    path.append(ir.IndexStep(self.key(key, d, sc)))
                    target = value
                case SeqType(elem=elem):
                    path.append(ir.IndexStep(self.expr(INT, d, sc)))
                    target = elem
                case RecordType(fields=fields):
                    index = self.num(0, len(fields) - 1)
                    path.append(ir.FieldStep(index))
                    target = fields[index][1]
                case _:
                    break
        return ir.Assign(slot, tuple(path), self.stored(target, d + 1, sc), target)

    def mutate(self, d: int, sc: Scope, slot: ir.StateVar | None = None) -> ir.Stmt:
        """An update that reads the slot it writes (`x = x + 1`, `s = s + {e}`, `m[k] = not
        m[k]`): what makes random models reach more than a handful of states."""
        slot = slot or self.draw(st.sampled_from(self.slots))
        t = slot.type
        match t:
            case MapType():
                return self.mutate_entry(slot, t, d, sc)
            case RecordType():
                flip = ir.Unary("not", ir.Field(slot, 0, "f", BOOL), BOOL)
                return ir.Assign(slot, (ir.FieldStep(0),), flip, BOOL)
            case MessageType():  # a Vote flips its vote, a Ping becomes a Vote
                flip = ir.Unary("not", ir.Field(slot, 0, "yes", BOOL), BOOL)
                fields = (self.expr(BOOL, d, sc), self.expr(SMALL, d, sc))
                return ir.If(
                    ir.Binary("ne", slot, PING, BOOL),
                    (ir.Assign(slot, (ir.FieldStep(0),), flip, BOOL),),
                    (ir.Assign(slot, (), ir.MessageLit("Vote", fields, t), t),),
                )
        return ir.Assign(slot, (), self.next_value(slot, d, sc), t)

    def next_value(self, slot: ir.StateVar, d: int, sc: Scope) -> ir.Expr:
        t = slot.type
        match t:
            case IntType():
                step = ir.Binary("add", slot, self.expr(INT, d, sc), INT)
                return step if self.chance(4) else self.wrap(step, t)
            case EnumType() | NodeType():  # the next value in domain order, cyclically
                values = domain(t)
                value: ir.Expr = ir.Lit(values[0], t)
                for this, after in reversed(tuple(zip(values, values[1:], strict=False))):
                    value = ir.Cond(eq(slot, ir.Lit(this, t)), ir.Lit(after, t), value, t)
                return value
            case SetType(elem=elem):
                op = self.draw(st.sampled_from(("union", "diff")))
                return ir.Binary(op, slot, ir.SetLit((self.expr(elem, d, sc),), t), t)
            case SeqType(max_len=int(n)):
                grown = self.append(t, slot, self.expr(BOOL, d, sc))
                value = ir.Call("tail", (slot,), t) if self.chance(3) else grown
                return ir.Call("take", (value, ir.Lit(n, INT)), t)
            case OptionType(inner=inner):
                none = ir.Lit(None, t)
                return ir.Cond(eq(slot, none), self.expr(inner, d, sc), none, t)
            case BagType(elem=elem):
                x = self.expr(elem, d, sc)
                if self.chance(3):
                    return ir.Call("bag_remove", (slot, x), t)
                count = ir.Call("bag_count", (slot, x), INT)
                room = ir.Binary("lt", count, ir.Lit(MAX_COPIES, INT), BOOL)
                return ir.Cond(room, ir.Call("bag_add", (slot, x), t), slot, t)
        return ir.Unary("not", slot, BOOL)

    def mutate_entry(self, m: ir.StateVar, t: MapType, d: int, sc: Scope) -> ir.Stmt:
        """Flip the bool in (or of the record at) one key where present, else set it."""
        k = self.expr(t.key, d, sc)
        present = ir.Call("has", (m, k), BOOL)
        entry = ir.Index(m, k, t.value)
        if t.value == BOOL:
            flip = ir.Cond(present, ir.Unary("not", entry, BOOL), self.expr(BOOL, d, sc), BOOL)
            return ir.Assign(m, (ir.IndexStep(k),), flip, BOOL)
        flip = ir.Unary("not", ir.Field(entry, 0, "f", BOOL), BOOL)
        return ir.If(
            present,
            (ir.Assign(m, (ir.IndexStep(k), ir.FieldStep(0)), flip, BOOL),),
            (ir.Assign(m, (ir.IndexStep(k),), self.expr(t.value, d, sc), t.value),),
        )

    def if_stmt(self, d: int, sc: Scope) -> ir.Stmt:
        cond = self.expr(BOOL, d + 1, sc)
        return ir.If(cond, self.block(d, sc, 1, 2), self.block(d, sc, 0, 2))

    def loop(self, d: int, sc: Scope) -> ir.Stmt:
        """A Choose, or (always inside a loop) a ForEach."""
        dom, local = self.binder(d, sc)
        if sc.in_loop or self.draw(st.booleans()):
            body = self.block(d, replace(sc.bind(local), in_loop=True), 1, 2)
            return ir.ForEach(local.name, dom, body)
        return ir.Choose(local.name, dom, self.block(d, sc.bind(local), 1, 2))

    # ------------------------------------------------------------ model parts

    def init_for(self, slot: ir.StateVar) -> tuple[ir.Stmt, ...]:
        options: list[Callable[[], tuple[ir.Stmt, ...]]] = [
            lambda: (),
            lambda: (ir.Assign(slot, (), self.stored(slot.type, 1, Scope()), slot.type),),
        ]
        if size(slot.type) <= 8 and not isinstance(slot.type, (MapType, SeqType)):
            local = self.fresh(slot.type)
            choice = ir.Assign(slot, (), local, slot.type)
            options.append(
                lambda: (
                    ir.Choose(local.name, ir.Domain(slot.type, SetType(slot.type)), (choice,)),
                )
            )
        return self.pick(options)

    def action(self, index: int, driven: ir.StateVar | None = None) -> Action:
        """Guarded statements with 0–2 parameters (a second one's domain may mention the first);
        an action driving a slot starts by updating it, so that every slot changes somewhere."""
        sc = Scope()
        params: tuple[Param, ...] = ()
        for _ in range(self.draw(st.sampled_from((0, 1, 1, 2)))):
            dom, local = self.binder(1, sc)
            params, sc = (*params, Param(local.name, local.type, dom)), sc.bind(local)
        guard = self.expr(BOOL, 2, sc) if self.chance(2) else ir.Lit(True, BOOL)
        first = (self.mutate(1, sc, driven),) if driven else ()
        return Action(
            f"a{index}", "action", params, guard, first + self.block(2, sc, 1 - len(first), 3)
        )

    def properties(self) -> tuple[Property, ...]:
        props = [Property("invariant", "inv", self.expr(BOOL, 2, Scope()))]
        for kind in ("constraint", "reachable", "terminal"):
            if self.chance(6):
                props.append(Property(kind, kind[:4], self.expr(BOOL, 2, Scope())))
        return tuple(props)


@st.composite
def slot_types(draw: st.DrawFn) -> tuple[Type, ...]:
    """1–3 slot types whose value counts multiply to at most STATE_BUDGET."""
    types: list[Type] = []
    for _ in range(draw(st.integers(1, 3))):
        room = STATE_BUDGET // max(1, _product(types))
        fitting = [t for t in SLOT_TYPES if size(t) <= room]
        if not fitting:
            break
        types.append(draw(st.sampled_from(fitting)))
    return tuple(types)


def _product(types: list[Type]) -> int:
    result = 1
    for t in types:
        result *= size(t)
    return result


@dataclass(frozen=True, repr=False)
class RandomModel(Model):
    """A Model that prints as DSL-like text, so that a falsifying example can be read."""

    def __repr__(self) -> str:
        return show_model(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's pretty printer
        printer.text(show_model(self))


@st.composite
def models(draw: st.DrawFn) -> Model:
    types = draw(slot_types())
    slots = tuple(ir.StateVar(i, f"s{i}", t) for i, t in enumerate(types))
    gen = _Gen(draw, slots)
    init = tuple(stmt for slot in slots for stmt in gen.init_for(slot))
    drivers = [gen.action(i, slot) for i, slot in enumerate(slots)]
    others = [gen.action(len(slots) + i) for i in range(draw(st.integers(0, 2)))]
    actions = tuple(drivers + others)
    return RandomModel(
        name="Random",
        consts=(),
        vars=tuple(Var(s.name, s.type) for s in slots),
        init=init,
        actions=actions,
        properties=gen.properties(),
        deadlock=draw(st.booleans()),
    )


def values(t: Type) -> st.SearchStrategy[Any]:
    """Any value of a slot type (a map may lack entries; a sequence is at most max_len long)."""
    match t:
        case SeqType(elem=elem, max_len=n):
            return st.lists(values(elem), max_size=n or 2).map(tuple)
        case MapType(key=key, value=value):
            slot = st.one_of(st.just(MISSING), values(value))
            return st.tuples(*(slot for _ in domain(key)))
        case BagType(elem=elem):
            counts = st.tuples(*(st.integers(0, MAX_COPIES) for _ in domain(elem)))
            return counts.map(
                lambda ns: frozenset((x, n) for x, n in zip(domain(elem), ns, strict=True) if n)
            )
    return st.sampled_from(domain(t))


def states(model: Model) -> st.SearchStrategy[tuple[Any, ...]]:
    """Any well-typed state of the model, reachable or not."""
    return st.tuples(*(values(v.type) for v in model.vars))
