"""Core IR expressions as inline Python expressions.

Every expression becomes one Python expression, so a guard or an assigned value runs without
a call per node. Faults are raised from the expression itself (`x if ok else fault(...)`),
binding what the check and the message need with `:=` where Python allows it; inside a
comprehension's iterable, where it does not, the checked forms call a runtime helper instead.
Set iteration that can be observed (a body that may fault) follows the contract's order.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from verikit.compile import calls
from verikit.compile.analysis import (
    Facts,
    constant_values,
    key_in_range,
    known,
    may_fault,
    slot_of,
)
from verikit.compile.rewrite import miniscope
from verikit.compile.runtime import sort_key
from verikit.compile.source import Constants, Namer, folds, literal
from verikit.core import ir
from verikit.core.types import (
    BoolType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeType,
    SetType,
    Type,
    domain,
    domain_size,
    is_finite,
)
from verikit.core.walk import children

# Python precedence levels, lowest first; an operand below its slot's level gets parentheses.
COND, OR, AND, NOT, CMP, BOR, BAND, ADD, MUL, NEG, ATOM = 1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 14

SIMPLE = re.compile(r"-?\d+|[A-Za-z_]\w*|'[^'\\]*'|\"[^\"\\]*\"")  # a name or a literal
_CMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in",
        "subseteq": "<="}  # fmt: skip
_ARITH = {"add": ("+", ADD), "sub": ("-", ADD), "mul": ("*", MUL), "union": ("|", BOR),
          "inter": ("&", BAND), "diff": ("-", ADD), "concat": ("+", ADD)}  # fmt: skip
_INLINE_DOMAIN = 64  # domains up to this size are written out as literals
_UNROLL = 16  # quantifiers over constant domains become and/or chains of up to this many terms


@dataclass(frozen=True)
class Scope:
    """What names mean at one point of a generated function."""

    slots: tuple[str, ...]  # the Python name holding each state slot's current value
    names: dict[str, str] = field(default_factory=dict)  # IR local -> Python name
    walrus: bool = True  # `:=` allowed (not inside a comprehension's iterable)
    known: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # locals' possible values

    def bind(self, var: str, name: str, values: tuple[Any, ...] | None = None) -> Scope:
        """`var` now means Python `name`; `values`: what it can hold, when known."""
        known = {k: v for k, v in self.known.items() if k != var}
        if values is not None:
            known[var] = values
        return replace(self, names={**self.names, var: name}, known=known)


@dataclass(frozen=True)
class Slot:
    """Where a map key's entry sits in the map's tuple."""

    text: str  # Python text of the slot index
    safe: bool  # the key surely lies in the key type, so the slot exists


def _minus(text: str, offset: int) -> str:
    if re.fullmatch(r"-?\d+", text):
        return str(int(text) - offset)
    if offset == 0:
        return text
    return f"{text} - {offset}" if offset > 0 else f"{text} + {-offset}"


class Exprs:
    """Compiles expressions for one generated function (its Namer hands out temporaries)."""

    def __init__(self, consts: Constants, namer: Namer, total: frozenset[int]) -> None:
        self.consts = consts
        self.namer = namer
        self.total = total  # map slots that need no MISSING check on read

    # ------------------------------------------------------------ entry points

    def expr(self, e: ir.Expr, sc: Scope, prec: int = 0) -> str:
        """Python text for `e`, parenthesised if its precedence is below `prec`."""
        text, own = self._compile(e, sc)
        return text if own >= prec else f"({text})"

    def arg(self, e: ir.Expr, sc: Scope) -> str:
        return self.expr(e, sc, COND)

    def iterate(self, e: ir.Expr, sc: Scope, ordered: bool = True) -> str:
        """Python text to loop over set `e`: constant tuples in domain order for constant sets,
        `sorted(...)` for computed ones when `ordered`, the frozenset itself otherwise."""
        match e:
            case ir.Domain(of=of):
                return self.domain_tuple(of)
            case ir.Lit() | ir.SetLit() if (values := self.constant_members(e)) is not None:
                return literal(values) if folds(values) else self.consts.value(values)
            case ir.Call(name="range", args=(lo, hi)):
                return f"range({self.arg(lo, sc)}, {self.expr(hi, sc, ADD)} + 1)"
        text = self.expr(e, sc, OR)  # a comprehension's iterable is an or_test
        if not ordered:
            return text
        key = self.sort_key_name(e.type)
        return f"sorted({text})" if key == "None" else f"sorted({text}, key={key})"

    def sort_key_name(self, set_type: Type) -> str:
        """The constant holding the key that orders a set's elements for iteration (`None`
        when Python's own order is that order)."""
        assert isinstance(set_type, SetType), set_type
        if sort_key(set_type.elem) is None:
            return "None"
        return self.consts.add("KEY", f"sort_key({self.type(set_type.elem)})")

    def domain_tuple(self, t: Type) -> str:
        if isinstance(t, IntType) and (domain_size(t) or 0) > _INLINE_DOMAIN:
            return self.consts.add("DOM", f"range({t.lo}, {t.hi} + 1)", str(t))  # never listed
        values = domain(t)
        if len(values) <= _INLINE_DOMAIN:
            return self.consts.add("DOM", literal(values), str(t))
        return self.consts.add("DOM", f"domain({self.type(t)})", str(t))

    def type(self, t: Type) -> str:
        return self.consts.type(t)

    def span(self, e: ir.Expr | ir.Stmt) -> str:
        return self.consts.span(e.span)

    def temp(self, hint: str = "_t") -> str:
        return self.namer.fresh(hint)

    def bind(self, text: str, sc: Scope) -> tuple[str, str]:
        """(first use, later uses) of a value needed twice: a simple text twice, else `:=`."""
        if SIMPLE.fullmatch(text) or not sc.walrus:
            return text, text
        t = self.temp()
        return f"({t} := {text})", t

    # ------------------------------------------------------------ dispatch

    def _compile(self, e: ir.Expr, sc: Scope) -> tuple[str, int]:
        match e:
            case ir.Lit(value=value):
                return self._lit(value)
            case ir.StateVar(index=index):
                return sc.slots[index], ATOM
            case ir.Local(name=name):
                if name not in sc.names:
                    raise TypeError(f"local {name!r} is not bound here")
                return sc.names[name], ATOM
            case ir.Field(base=base, index=index):
                at = index + 1 if isinstance(base.type, MessageType) else index
                return f"{self.expr(base, sc, ATOM)}[{at}]", ATOM
            case ir.Index(base=base) if isinstance(base.type, MapType):
                return self._map_read(e, sc)
            case ir.Index():
                return self._seq_read(e, sc)
            case ir.Unary(op="not", operand=x):
                return f"not {self.expr(x, sc, NOT)}", NOT
            case ir.Unary(op="neg", operand=x):
                return f"-{self.expr(x, sc, NEG)}", NEG
            case ir.Binary():
                return self._binary(e, sc)
            case ir.Cond(cond=c, then=a, else_=b):
                return (
                    f"{self.expr(a, sc, OR)} if {self.expr(c, sc, OR)} else {self.expr(b, sc, COND)}",
                    COND,
                )
            case ir.SetLit():
                return self._set_lit(e, sc)
            case ir.SeqLit(elems=xs) | ir.RecordLit(fields=xs):
                return self._tuple([self.arg(x, sc) for x in xs]), ATOM
            case ir.MessageLit(name=name, fields=xs):
                return self._tuple([repr(name), *(self.arg(x, sc) for x in xs)]), ATOM
            case ir.MapLit():
                return self._map_lit(e, sc)
            case ir.SetComp():
                return self._set_comp(e, sc)
            case ir.Quant():
                return self._quant(e, sc)
            case ir.Domain(of=of):
                return self._all(of), ATOM
            case ir.Unwrap(operand=x):
                first, then = self.bind(self.expr(x, sc, OR), sc)
                if first == then and not SIMPLE.fullmatch(first):
                    return f"unwrap({first}, {self.span(e)})", ATOM
                return (
                    f"{then} if {first} is not None else fault('value is none', {self.span(e)})",
                    COND,
                )
            case ir.Let():
                return self._let(e, sc)
            case ir.Call():
                return self._call(e, sc)
        raise TypeError(f"not a core expression: {e!r}")

    def _lit(self, value: object) -> tuple[str, int]:
        if folds(value):
            text = literal(value)
            return text, NEG if text.startswith("-") else ATOM
        return self.consts.value(value), ATOM

    def _all(self, t: Type) -> str:
        values = domain(t)
        if len(values) <= _INLINE_DOMAIN:
            return self.consts.add("ALL", literal(frozenset(values)), f"all {t}")
        return self.consts.add("ALL", f"frozenset({self.domain_tuple(t)})", f"all {t}")

    @staticmethod
    def _tuple(items: list[str]) -> str:
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"

    # ------------------------------------------------------------ maps and sequences

    def slot(self, key: ir.Expr, key_text: str, kt: Type, sc: Scope) -> Slot:
        """The slot of `key` (compiled as `key_text`) in a map with key type `kt`; unless the
        key is proven in range the slot may be out of range (-1 for a dict lookup)."""
        if isinstance(key, ir.Lit):
            at = slot_of(kt, key.value)
            return Slot(str(at), at >= 0)
        safe = key_in_range(key, kt, self.facts(sc))
        first = _int_offset(kt)
        if first is not None:
            return Slot(_minus(key_text, first), safe)
        ords = self._ordinals(kt)
        return Slot(f"{ords}[{key_text}]" if safe else f"{ords}.get({key_text}, -1)", safe)

    def facts(self, sc: Scope) -> Facts:
        return Facts(self.total, sc.known)

    def is_total(self, base: ir.Expr) -> bool:
        """Whether `base` is a map slot that always holds every key (reads need no check)."""
        return isinstance(base, ir.StateVar) and base.index in self.total

    def _ordinals(self, t: Type) -> str:
        if isinstance(t, EnumType):
            text = "{" + ", ".join(f"{m!r}: {i}" for i, m in enumerate(t.members)) + "}"
            return self.consts.add("ORD", text, str(t))
        return self.consts.add("ORD", f"ordinals({self.type(t)})", str(t))

    def _map_read(self, e: ir.Index, sc: Scope) -> tuple[str, int]:
        assert isinstance(e.base.type, MapType)
        base = self.expr(e.base, sc, ATOM)
        key_text, kt = self.expr(e.key, sc, ADD), e.base.type.key
        plain = self.slot(e.key, key_text, kt, sc)
        if self.is_total(e.base) and plain.safe:
            return f"{base}[{plain.text}]", ATOM
        literal_key = isinstance(e.key, ir.Lit)
        key_first, key = (key_text, key_text) if literal_key else self.bind(key_text, sc)
        slot = self.slot(e.key, key_first, kt, sc)
        span = self.span(e)
        if not (slot.safe and sc.walrus):
            return f"map_get({base}, {slot.text}, {key}, {span})", ATOM
        t = self.temp()
        return (
            f"{t} if ({t} := {base}[{slot.text}]) is not MISSING else missing_key({key}, {span})",
            COND,
        )

    def _seq_read(self, e: ir.Index, sc: Scope) -> tuple[str, int]:
        span = self.span(e)
        if not sc.walrus:
            return f"seq_get({self.arg(e.base, sc)}, {self.arg(e.key, sc)}, {span})", ATOM
        seq_first, seq = self.bind(self.arg(e.base, sc), sc)
        if isinstance(e.key, ir.Lit) and isinstance(e.key.value, int) and e.key.value >= 1:
            n = e.key.value
            return (
                f"{seq}[{n - 1}] if len({seq_first}) >= {n} else index_fault({n}, {seq}, {span})",
                COND,
            )
        i_first, i = self.bind(self.expr(e.key, sc, ADD), sc)
        return (f"{seq}[{_minus(i, 1)}] if len({seq_first}) >= {i_first} > 0 "
                f"else index_fault({i}, {seq}, {span})"), COND  # fmt: skip

    def _map_lit(self, e: ir.MapLit, sc: Scope) -> tuple[str, int]:
        assert isinstance(e.type, MapType)
        var = self.temp(e.var)
        inner = sc.bind(e.var, var, constant_values(e.domain))
        if isinstance(e.domain, ir.Domain) and e.domain.of == e.type.key:
            if isinstance(e.value, ir.Lit):
                return self._lit((e.value.value,) * len(domain(e.type.key)))
            value = self.arg(e.value, inner)
            return f"tuple([{value} for {var} in {self.domain_tuple(e.type.key)}])", ATOM
        dom = self.iterate(e.domain, replace(sc, walrus=False))
        slot = self.slot(ir.Local(e.var, _elem(e.domain.type)), var, e.type.key, inner)
        triples = f"[({slot.text}, {var}, {self.arg(e.value, inner)}) for {var} in {dom}]"
        return f"map_from({self.type(e.type.key)}, {triples}, {self.span(e)})", ATOM

    # ------------------------------------------------------------ operators

    def _binary(self, e: ir.Binary, sc: Scope) -> tuple[str, int]:
        op, left, right = e.op, e.left, e.right
        if op == "and":
            return f"{self.expr(left, sc, AND)} and {self.expr(right, sc, NOT)}", AND
        if op == "or":
            return f"{self.expr(left, sc, OR)} or {self.expr(right, sc, AND)}", OR
        if op == "implies":
            return f"not {self.expr(left, sc, NOT)} or {self.expr(right, sc, AND)}", OR
        if op in ("eq", "ne") and _is_none(right):
            return f"{self.expr(left, sc, BOR)} is{' not' if op == 'ne' else ''} None", CMP
        if op in ("eq", "ne") and _is_none(left):
            return f"{self.expr(right, sc, BOR)} is{' not' if op == 'ne' else ''} None", CMP
        if op == "in" and (interval := self._interval(right, sc)) is not None:
            return interval.format(self.expr(left, sc, BOR)), CMP
        if op in _CMP:
            return f"{self.expr(left, sc, BOR)} {_CMP[op]} {self.expr(right, sc, BOR)}", CMP
        if op in ("div", "mod"):
            return self._division(e, sc)
        sym, prec = _ARITH[op]
        if op in ("union", "inter", "diff") and isinstance(right, ir.SetLit) and right.elems:
            # frozenset <op> set is a frozenset, and a set display is the cheapest operand
            elems = ", ".join(self.arg(x, sc) for x in right.elems)
            return f"{self.expr(left, sc, prec)} {sym} {{{elems}}}", prec
        return f"{self.expr(left, sc, prec)} {sym} {self.expr(right, sc, prec + 1)}", prec

    def _interval(self, e: ir.Expr, sc: Scope) -> str | None:
        """Membership in an int range as a format string over the element, tested without
        building the set (`x in 0..1000000000` must not list a billion values)."""
        match e:
            case ir.Domain(of=IntType(lo=int() as lo, hi=int() as hi)):
                return f"{lo} <= {{}} <= {hi}"
            case ir.Call(name="range", args=(lo, hi)):
                bounds = f"{self.arg(lo, sc)}, {self.expr(hi, sc, ADD)} + 1"
                return "{} in range(" + bounds.replace("{", "{{").replace("}", "}}") + ")"
        return None

    def _division(self, e: ir.Binary, sc: Scope) -> tuple[str, int]:
        sym = "//" if e.op == "div" else "%"
        if isinstance(e.right, ir.Lit) and e.right.value != 0:
            return f"{self.expr(e.left, sc, MUL)} {sym} {self.expr(e.right, sc, MUL + 1)}", MUL
        helper = "divide" if e.op == "div" else "modulo"
        return f"{helper}({self.arg(e.left, sc)}, {self.arg(e.right, sc)}, {self.span(e)})", ATOM

    def _set_lit(self, e: ir.SetLit, sc: Scope) -> tuple[str, int]:
        if all(isinstance(x, ir.Lit) for x in e.elems):
            return self._lit(frozenset(x.value for x in e.elems if isinstance(x, ir.Lit)))
        return f"frozenset({self._tuple([self.arg(x, sc) for x in e.elems])})", ATOM

    # ------------------------------------------------------------ binders

    def _binder(self, var: str, dom: ir.Expr, body: tuple[ir.Expr, ...], sc: Scope
                ) -> tuple[str, str, Scope]:  # fmt: skip
        """(Python variable, iterable text, scope of the body) for a comprehension."""
        name = self.temp(var)
        inner = sc.bind(var, name, constant_values(dom))
        ordered = any(may_fault(b, self.facts(inner)) for b in body)
        return name, self.iterate(dom, replace(sc, walrus=False), ordered), inner

    def _set_comp(self, e: ir.SetComp, sc: Scope) -> tuple[str, int]:
        var, dom, inner = self._binder(e.var, e.domain, (e.elem, e.filter), sc)
        always = isinstance(e.filter, ir.Lit) and e.filter.value is True
        cond = "" if always else f" if {self.expr(e.filter, inner, OR)}"
        return f"frozenset([{self.arg(e.elem, inner)} for {var} in {dom}{cond}])", ATOM

    def _quant(self, e: ir.Quant, sc: Scope) -> tuple[str, int]:
        """Miniscoped first; over a small constant domain unrolled into an and/or chain (a
        generator costs far more than a few comparisons), else all()/any() of a generator."""
        q = miniscope(e, self.facts(sc))
        if not isinstance(q, ir.Quant):
            return self._compile(q, sc)
        values = self.constant_members(q.domain)
        if (
            values is not None
            and len(values) <= _UNROLL
            and len(values) * _copies(q.body) <= _UNROLL
        ):
            if not values:
                return ("True" if q.kind == "forall" else "False"), ATOM
            conn, prec = ("and", AND) if q.kind == "forall" else ("or", OR)
            terms = [
                self.expr(q.body, sc.bind(q.var, self._value(v), (v,)), prec + 1) for v in values
            ]
            return f" {conn} ".join(terms), prec
        var, dom, inner = self._binder(q.var, q.domain, (q.body,), sc)
        fn = "all" if q.kind == "forall" else "any"
        return f"{fn}({self.arg(q.body, inner)} for {var} in {dom})", ATOM

    def constant_members(self, e: ir.Expr) -> Sequence[Any] | None:
        """The elements of a constant set expression in iteration order, else None."""
        match e:
            case ir.Domain(of=IntType(lo=int() as lo, hi=int() as hi)):
                lazy = range(lo, hi + 1)  # a huge range stays lazy (len() fails past 2^63)
                return lazy if hi - lo < sys.maxsize else None
            case ir.Domain(of=of) if is_finite(of):
                return domain(of)
            case ir.Lit(value=frozenset() as value):
                return tuple(sorted(value, key=sort_key(_elem(e.type))))
            case ir.SetLit(elems=elems) if all(isinstance(x, ir.Lit) for x in elems):
                values = frozenset(x.value for x in elems if isinstance(x, ir.Lit))
                return tuple(sorted(values, key=sort_key(_elem(e.type))))
        return None

    def _value(self, value: object) -> str:
        """A constant as an atom (a bound variable's value in an unrolled quantifier)."""
        text, prec = self._lit(value)
        return text if prec == ATOM else f"({text})"

    def _let(self, e: ir.Let, sc: Scope) -> tuple[str, int]:
        """Bind with `:=`; a name or a constant is just substituted (inlined helper functions
        bind their arguments, mostly to names)."""
        if isinstance(e.value, ir.Local | ir.StateVar) or (
            isinstance(e.value, ir.Lit) and folds(e.value.value)
        ):
            alias = self.expr(e.value, sc, ATOM)
            return self._compile(e.body, sc.bind(e.var, alias, known(e.value, self.facts(sc))))
        var = self.temp(e.var)
        value = self.arg(e.value, sc)
        body = self.arg(e.body, sc.bind(e.var, var))
        if sc.walrus:
            return f"(({var} := {value}), {body})[1]", ATOM
        return f"[{body} for {var} in ({value},)][0]", ATOM

    # ------------------------------------------------------------ builtins

    def _call(self, e: ir.Call, sc: Scope) -> tuple[str, int]:
        return calls.compile_call(self, e, sc)


def _is_none(e: ir.Expr) -> bool:
    return isinstance(e, ir.Lit) and e.value is None


def _copies(e: ir.Expr) -> int:
    """How many copies of its innermost body unrolling the quantifiers inside `e` would make
    (an upper bound: nested quantifiers over small constant domains multiply)."""
    inner = max((_copies(c) for c in children(e)), default=1)
    if isinstance(e, ir.Quant):
        size = _constant_size(e.domain)
        return inner * size if size is not None and size <= _UNROLL else inner
    return inner


def _constant_size(e: ir.Expr) -> int | None:
    match e:
        case ir.Domain(of=of) if is_finite(of):
            return domain_size(of)
        case ir.Lit(value=frozenset() as value):
            return len(value)
        case ir.SetLit(elems=elems) if all(isinstance(x, ir.Lit) for x in elems):
            return len(elems)
    return None


def _elem(t: Type) -> Type:
    assert isinstance(t, SetType), t
    return t.elem


def _int_offset(kt: Type) -> int | None:
    """For keys whose ordinal is `key - offset` (ints, bools, one block of node ids)."""
    match kt:
        case IntType(lo=lo) if lo is not None:
            return lo
        case BoolType():
            return 0
        case NodeType():
            ids = list(domain(kt))
            return ids[0] if ids == list(range(ids[0], ids[0] + len(ids))) else None
    return None
