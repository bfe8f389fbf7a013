"""Core IR expressions as C: statements written before the use, and a C expression for it.

`CExprs.expr` returns a C rvalue (int64_t) for a scalar and an lvalue of the value's struct
for anything else; checks and loops it needs are written to the Writer first. A runtime fault
is `FAIL(VK_FAULT)`, a value the representation cannot hold `FAIL(VK_UNREPRESENTABLE)`; the
enclosing function defines FAIL. Evaluation follows core.ir's conventions: and/or/implies and
conditionals are lazy, sets are iterated in domain order (as compile iterates them), and each
fault is checked where compile's Python checks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from verikit.core import ir
from verikit.core.types import (
    BagType,
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
    domain_size,
)
from verikit.errors import Span
from verikit.native.cvalues import SCALAR, CTypes, ident, is_scalar
from verikit.native.layout import SET_LIMIT, NativeRefusal

FAULT = "FAIL(VK_FAULT);"
UNREP = "FAIL(VK_UNREPRESENTABLE);"


class Writer:
    """Lines of C with indentation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1

    def line(self, text: str) -> None:
        self.lines.append("  " * self.depth + text)

    @contextmanager
    def block(self, head: str) -> Iterator[None]:
        self.line(head + " {")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            self.line("}")

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        """Redirect the lines written inside to a fresh list (indented as here)."""
        saved = self.lines
        self.lines = []
        out = self.lines
        try:
            yield out
        finally:
            self.lines = saved


@dataclass(frozen=True)
class Scope:
    """What names mean at one point: `state` is the C lvalue of the working state struct."""

    state: str
    names: dict[str, str] = field(default_factory=dict)

    def bind(self, var: str, text: str) -> Scope:
        return replace(self, names={**self.names, var: text})


class CExprs:
    """Compiles expressions for the functions of one generated file."""

    def __init__(self, ct: CTypes, w: Writer) -> None:
        self.ct = ct
        self.w = w
        self._n = 0

    # ------------------------------------------------------------ helpers

    def fresh(self, hint: str = "t") -> str:
        self._n += 1
        return f"{hint}{self._n}"

    def temp(self, t: Type, span: Span, zero: bool = True) -> str:
        """A new variable of `t`'s C type (zeroed for aggregates)."""
        name = self.fresh()
        ctype = self.ct.c(t, span)
        if ctype == SCALAR:
            self.w.line(f"int64_t {name} = 0;")
        elif zero:
            self.w.line(f"{ctype} {name}; memset(&{name}, 0, sizeof {name});")
        else:
            self.w.line(f"{ctype} {name};")
        return name

    def scalar(self, text: str) -> str:
        """Bind a scalar C expression to a variable (to use it more than once)."""
        if text.isidentifier() or text.lstrip("-").isdigit():
            return text
        name = self.fresh()
        self.w.line(f"int64_t {name} = {text};")
        return name

    def copy(self, t: Type, text: str, span: Span) -> str:
        """A private copy of a value (a snapshot that later statements cannot change)."""
        if is_scalar(t):
            return self.scalar(text)
        name = self.fresh()
        self.w.line(f"{self.ct.c(t, span)} {name} = {text};")
        return name

    def convert_set(self, text: str, have: SetType, want: SetType, span: Span, drop: bool,
                    outside: str = UNREP) -> str:  # fmt: skip
        """The set `text` of type `have` as a set of type `want` (elements re-numbered)."""
        self.check_same(have.elem, want.elem, span)
        out = self.temp(want, span)
        src = self.copy(have, text, span)
        k = self.ct.set_words(have, span)
        j, m = self.fresh("j"), self.fresh("m")
        words = self.w.block(f"for (int {j} = 0; {j} < {k}; {j}++)")
        bits = self.w.block(f"for (uint64_t {m} = {src}.w[{j}]; {m}; {m} &= {m} - 1)")
        with words, bits:
            x = self._decoded(have.elem, f"({j} * 64 + __builtin_ctzll({m}))", span)
            o = self.ordinal(want.elem, x, span)
            if drop:
                self.w.line(f"if ({o} < 0) continue;")
            else:
                self.w.line(f"if ({o} < 0) {_outside(want, outside)}")
            self.w.line(f"{out}.w[{o} >> 6] |= 1ULL << ({o} & 63);")
        return out

    def check_same(self, have: Type, want: Type, span: Span) -> None:
        if ident(have) != ident(want):
            raise NativeRefusal(f"a value of type {have} where {want} is expected", span)

    def value(
        self, e: ir.Expr, want: Type, sc: Scope, drop: bool = False, outside: str = UNREP
    ) -> str:
        """`e` as a value of type `want` (same representation required, but for options and
        sets). A set element outside want's domain is left out when `drop`, else `outside`
        (the statement for it: unrepresentable, or a fault where the value is stored)."""
        if isinstance(e, ir.Lit) and isinstance(want, SetType) and isinstance(e.value, frozenset):
            if drop:
                ords = [self.ct.ordinal(want.elem, self.ct.const(e.type.elem, x), e.span)  # type: ignore[union-attr]
                        for x in e.value] if is_scalar(want.elem) else None  # fmt: skip
                if ords is not None:
                    out = self.temp(want, e.span)
                    for o in ords:
                        o = self.scalar(o)
                        self.w.line(f"if ({o} >= 0) {out}.w[{o} >> 6] |= 1ULL << ({o} & 63);")
                    return out
            if ident(e.type) != ident(want) and isinstance(e.type, SetType):
                return self.convert_set(self.expr(e, sc), e.type, want, e.span, drop, outside)
        if isinstance(e, ir.Lit) and not is_scalar(want):
            return self.ct.const(want, e.value, e.span)
        if isinstance(e, ir.SetLit) and isinstance(want, SetType):
            return self._set_lit(e, want, sc, drop, outside)
        if outside != UNREP and isinstance(e, ir.Binary) and e.op == "union":
            assert isinstance(want, SetType)  # a stored union: built in the stored type
            a = self.value(e.left, want, sc, outside=outside)
            b = self.value(e.right, want, sc, outside=outside)
            out = self.temp(want, e.span, zero=False)
            for j in range(self.ct.set_words(want, e.span)):
                self.w.line(f"{out}.w[{j}] = {a}.w[{j}] | {b}.w[{j}];")
            return out
        if (
            isinstance(want, SetType)
            and isinstance(e.type, SetType)
            and ident(e.type) != ident(want)
        ):
            return self.convert_set(self.expr(e, sc), e.type, want, e.span, drop, outside)
        if isinstance(want, OptionType) and not isinstance(e.type, OptionType):
            inner = self.value(e, want.inner, sc)  # a value of the inner type is an option
            out = self.temp(want, e.span, zero=False)
            self.w.line(f"{out}.has = 1; {out}.v = {inner};")
            return out
        self.check_same(e.type, want, e.span)
        return self.expr(e, sc)

    def ordinal(self, t: Type, text: str, span: Span) -> str:
        """Bound variable: the ordinal of `text` in domain(t), -1 outside it."""
        return self.scalar(self.ct.ordinal(t, text, span))

    # ------------------------------------------------------------ dispatch

    def expr(self, e: ir.Expr, sc: Scope) -> str:
        match e:
            case ir.Lit(value=value):
                if value is None and not isinstance(e.type, OptionType):
                    # a placeholder (the value of an empty map literal): never evaluated
                    self.w.line(UNREP)
                    return "0" if is_scalar(e.type) else self.temp(e.type, e.span)
                return self.ct.const(e.type, value, e.span)
            case ir.StateVar(index=index):
                return f"{sc.state}.v{index}"
            case ir.Local(name=name):
                return sc.names[name]
            case ir.Field():
                return self._field(e, sc)
            case ir.Index(base=base) if isinstance(base.type, MapType):
                return self._map_read(e, sc)
            case ir.Index():
                return self._seq_read(e, sc)
            case ir.Unary(op="not", operand=x):
                return f"(!{self.expr(x, sc)})"
            case ir.Unary(op="neg", operand=x):
                v = self.scalar(self.expr(x, sc))
                self.w.line(f"if ({v} == INT64_MIN) {UNREP}")
                return f"(-({v}))"
            case ir.Binary():
                return self._binary(e, sc)
            case ir.Cond():
                return self._cond(e, sc)
            case ir.SetLit():
                assert isinstance(e.type, SetType)
                return self._set_lit(e, e.type, sc)
            case ir.SeqLit(elems=elems):
                assert isinstance(e.type, SeqType)
                if len(elems) > self.ct.seq_cap:
                    raise NativeRefusal("a sequence literal longer than any sequence", e.span)
                out = self.temp(e.type, e.span)
                for i, x in enumerate(elems):
                    self.w.line(f"{out}.v[{i}] = {self.value(x, e.type.elem, sc)};")
                self.w.line(f"{out}.len = {len(elems)};")
                return out
            case ir.RecordLit(fields=fields):
                assert isinstance(e.type, RecordType)
                out = self.temp(e.type, e.span)
                for i, (x, (_, ft)) in enumerate(zip(fields, e.type.fields, strict=True)):
                    self.w.line(f"{out}.f{i} = {self.value(x, ft, sc)};")
                return out
            case ir.MessageLit(name=name, fields=fields):
                assert isinstance(e.type, MessageType)
                tag = self.ct.utag[name]
                variant = e.type.variant(name)
                out = self.temp(e.type, e.span)
                self.w.line(f"{out}.tag = {tag};")
                for i, (x, (_, ft)) in enumerate(zip(fields, variant.fields, strict=True)):
                    self.w.line(f"{out}.v{tag}.f{i} = {self.value(x, ft, sc)};")
                return out
            case ir.MapLit():
                return self._map_lit(e, sc)
            case ir.SetComp():
                return self._set_comp(e, sc)
            case ir.Quant():
                return self._quant(e, sc)
            case ir.Domain(of=of):
                size = domain_size(of)
                if size is None or size > SET_LIMIT:  # a set native cannot hold: do not list it
                    raise NativeRefusal(f"the set of all values of {of}", e.span)
                return self.ct.const(ir_set(of), frozenset(domain(of)), e.span)
            case ir.Unwrap(operand=x):
                v = self.expr(x, sc)
                if not isinstance(x.type, OptionType):  # a plain value is never none
                    return v
                self.w.line(f"if (!{v}.has) {FAULT}")
                return f"{v}.v"
            case ir.Let(var=var, value=value, body=body):
                text = self.expr(value, sc)
                if is_scalar(value.type):
                    text = self.scalar(text)
                return self.value(body, e.type, sc.bind(var, text))
            case ir.Call():
                from verikit.native.ccalls import call

                return call(self, e, sc)
        raise NativeRefusal(f"the expression {type(e).__name__}", e.span)

    # ------------------------------------------------------------ records, messages

    def _field(self, e: ir.Field, sc: Scope) -> str:
        base = self.expr(e.base, sc)
        bt = e.base.type
        if isinstance(bt, RecordType):
            return f"{base}.f{e.index}"
        assert isinstance(bt, MessageType), bt
        universe = self.ct.universe
        fits = [
            i
            for i, v in enumerate(universe)
            if e.index < len(v.fields) and ident(v.fields[e.index][1]) == ident(e.type)
        ]
        if not fits:
            raise NativeRefusal(f"field {e.name} of a message", e.span)
        out = self.temp(e.type, e.span, zero=False)
        with self.w.block(f"switch ({base}.tag)"):
            for i in fits:
                self.w.line(f"case {i}: {out} = {base}.v{i}.f{e.index}; break;")
            short = [i for i, v in enumerate(universe) if e.index >= len(v.fields)]
            for i in short:  # compile indexes past the message's fields: an internal fault
                self.w.line(f"case {i}: {FAULT}")
            self.w.line(f"default: {UNREP}")
        return out

    # ------------------------------------------------------------ maps and sequences

    def _map_read(self, e: ir.Index, sc: Scope) -> str:
        mt = e.base.type
        assert isinstance(mt, MapType)
        base = self.expr(e.base, sc)
        o = self.ordinal(mt.key, self.expr(e.key, sc), e.key.span)
        self.w.line(f"if ({o} < 0 || !{base}.has[{o}]) {FAULT}")
        return f"{base}.v[{o}]"

    def _seq_read(self, e: ir.Index, sc: Scope) -> str:
        base = self.expr(e.base, sc)
        i = self.scalar(self.expr(e.key, sc))
        self.w.line(f"if ({i} < 1 || {i} > {base}.len) {FAULT}")
        return f"{base}.v[{i} - 1]"

    def _map_lit(self, e: ir.MapLit, sc: Scope) -> str:
        mt = e.type
        assert isinstance(mt, MapType)
        out = self.temp(mt, e.span)
        with self.loop(e.domain, sc, e.span) as x:
            inner = sc.bind(e.var, x)
            v = self.value(e.value, mt.value, inner)
            if isinstance(e.domain, ir.Domain) and e.domain.of == mt.key:
                o = self.ordinal(mt.key, x, e.span)
            else:
                o = self.ordinal(mt.key, x, e.span)
                self.w.line(f"if ({o} < 0) {FAULT}")
            self.w.line(f"{out}.has[{o}] = 1; {out}.v[{o}] = {v};")
        return out

    # ------------------------------------------------------------ operators

    def _lazy(self, e: ir.Expr, sc: Scope) -> tuple[list[str], str]:
        with self.w.capture() as lines:
            text = self.expr(e, sc)
        return lines, text

    def _binary(self, e: ir.Binary, sc: Scope) -> str:
        op, left, right = e.op, e.left, e.right
        if op in ("and", "or", "implies"):
            a = self.expr(left, sc)
            lines, b = self._lazy(right, sc)
            if not lines:
                conn = {"and": "&&", "or": "||"}.get(op)
                return f"(!{a} || {b})" if op == "implies" else f"({a} {conn} {b})"
            out = self.fresh()
            first = {"and": f"({a}) != 0", "or": f"({a}) != 0", "implies": f"!({a})"}[op]
            self.w.line(f"int64_t {out} = {first};")
            run = f"!{out}" if op in ("or", "implies") else out
            with self.w.block(f"if ({run})"):
                self.w.lines += lines
                self.w.line(f"{out} = ({b}) != 0;")
            return out
        if op in ("eq", "ne"):
            return self._equal(e, sc)
        if op == "in":
            return self._member(e, sc)
        if op in ("lt", "le", "gt", "ge"):
            sym = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
            return f"({self.expr(left, sc)} {sym} {self.expr(right, sc)})"
        if op in ("add", "sub", "mul"):
            a, b = self.expr(left, sc), self.expr(right, sc)
            out = self.fresh()
            self.w.line(f"int64_t {out};")
            self.w.line(f"if (__builtin_{op}_overflow({a}, {b}, &{out})) {UNREP}")
            return out
        if op in ("div", "mod"):
            a, b = self.scalar(self.expr(left, sc)), self.scalar(self.expr(right, sc))
            self.w.line(f"if ({b} == 0) {FAULT}")
            self.w.line(f"if ({a} == INT64_MIN && {b} == -1) {UNREP}")
            return f"vk_floor{op}({a}, {b})"
        if op in ("union", "inter", "diff", "subseteq"):
            return self._set_op(e, sc)
        if op == "concat":
            return self._concat(e, sc)
        raise NativeRefusal(f"the operator {op}", e.span)

    def _equal(self, e: ir.Binary, sc: Scope) -> str:
        neg = e.op == "ne"
        left, right = e.left, e.right
        if isinstance(left, ir.Lit) and left.value is None:
            left, right = right, left
        if isinstance(right, ir.Lit) and right.value is None:
            v = self.expr(left, sc)
            if not isinstance(left.type, OptionType):  # a plain value is never none
                return "1" if neg else "0"
            return f"({v}.has != 0)" if neg else f"({v}.has == 0)"
        if isinstance(right.type, OptionType) and not isinstance(left.type, OptionType):
            left, right = right, left
        t = left.type
        a = self.expr(left, sc)
        b = self.value(right, t, sc)
        if is_scalar(t):
            return f"({a} {'!=' if neg else '=='} {b})"
        return f"(memcmp(&{a}, &{b}, sizeof {a}) {'!=' if neg else '=='} 0)"

    def _member(self, e: ir.Binary, sc: Scope) -> str:
        x, s = e.left, e.right
        match s:
            case ir.Call(name="bag_items", args=(bag,)):
                from verikit.native.ccalls import bag_find

                b = self.expr(bag, sc)
                assert isinstance(bag.type, BagType)
                v = self.value(x, bag.type.elem, sc)
                return f"({bag_find(self, bag.type, b, v, e.span)} >= 0)"
            case ir.Call(name="range", args=(lo, hi)):
                v = self.scalar(self.expr(x, sc))
                return f"({self.expr(lo, sc)} <= {v} && {v} <= {self.expr(hi, sc)})"
            case ir.Domain(of=of):
                return f"({self.ordinal(of, self.expr(x, sc), e.span)} >= 0)"
        st = s.type
        assert isinstance(st, SetType), st
        v = self.value(x, st.elem, sc)
        if isinstance(s, ir.SetLit) and is_scalar(st.elem):  # `x in {a, b}`: comparisons
            v = self.scalar(v)
            terms = [f"{v} == {self.expr(y, sc)}" for y in s.elems]
            return "(" + " || ".join(terms or ["0"]) + ")"
        setv = self.expr(s, sc)
        o = self.ordinal(st.elem, v, e.span)
        return f"({o} >= 0 && (({setv}.w[{o} >> 6] >> ({o} & 63)) & 1))"

    def _set_op(self, e: ir.Binary, sc: Scope) -> str:
        st = e.left.type
        assert isinstance(st, SetType)
        if e.op == "subseteq":
            st = e.right.type
            assert isinstance(st, SetType)
            a, b = self.value(e.left, st, sc), self.expr(e.right, sc)
            k = self.ct.set_words(st, e.span)
            terms = [f"({a}.w[{j}] & ~{b}.w[{j}]) == 0" for j in range(k)]
            return "(" + " && ".join(terms) + ")"
        st = e.type
        assert isinstance(st, SetType)
        a = self.value(e.left, st, sc)
        # elements of the right operand outside the result's domain cannot matter
        b = self.value(e.right, st, sc, drop=e.op in ("diff", "inter"))
        k = self.ct.set_words(st, e.span)
        sym = {"union": "|", "inter": "&", "diff": "& ~"}[e.op]
        out = self.temp(e.type, e.span, zero=False)
        for j in range(k):
            self.w.line(f"{out}.w[{j}] = {a}.w[{j}] {sym}{b}.w[{j}];")
        return out

    def _concat(self, e: ir.Binary, sc: Scope) -> str:
        st = e.type
        assert isinstance(st, SeqType)
        a = self.value(e.left, st, sc)
        b = self.value(e.right, st, sc)
        out = self.temp(st, e.span, zero=False)
        self.w.line(f"{out} = {a};")
        self.w.line(f"if ({a}.len + {b}.len > {self.ct.seq_cap}) {UNREP}")
        self.w.line(f"for (int64_t j = 0; j < {b}.len; j++) {out}.v[{out}.len + j] = {b}.v[j];")
        self.w.line(f"{out}.len += {b}.len;")
        return out

    def _cond(self, e: ir.Cond, sc: Scope) -> str:
        c = self.expr(e.cond, sc)
        then_lines, a = self._lazy_value(e.then, e.type, sc)
        else_lines, b = self._lazy_value(e.else_, e.type, sc)
        if is_scalar(e.type) and not then_lines and not else_lines:
            return f"({c} ? {a} : {b})"
        out = self.temp(e.type, e.span, zero=False)
        with self.w.block(f"if ({c})"):
            self.w.lines += then_lines
            self.w.line(f"{out} = {a};")
        with self.w.block("else"):
            self.w.lines += else_lines
            self.w.line(f"{out} = {b};")
        return out

    def _lazy_value(self, e: ir.Expr, t: Type, sc: Scope) -> tuple[list[str], str]:
        self.w.depth += 1
        with self.w.capture() as lines:
            text = self.value(e, t, sc)
        self.w.depth -= 1
        return lines, text

    # ------------------------------------------------------------ sets

    def _set_lit(self, e: ir.SetLit, st: SetType, sc: Scope, drop: bool = False,
                 outside: str = UNREP) -> str:  # fmt: skip
        """`{a, b, ...}` as a set of type `st`; `drop`: leave out elements outside its
        domain (else they are unrepresentable)."""
        out = self.temp(st, e.span)
        for x in e.elems:
            self._set_bit(out, st, x, sc, drop, outside)
        return out

    def _set_bit(self, out: str, st: SetType, x: ir.Expr, sc: Scope, drop: bool = False,
                 outside: str = UNREP) -> None:  # fmt: skip
        """Add `x` to the set `out`; an element outside the domain is unrepresentable."""
        o = self.ordinal(st.elem, self.value(x, st.elem, sc), x.span)
        if drop:
            self.w.line(f"if ({o} >= 0) {out}.w[{o} >> 6] |= 1ULL << ({o} & 63);")
            return
        self.w.line(f"if ({o} < 0) {_outside(st, outside)}")
        self.w.line(f"{out}.w[{o} >> 6] |= 1ULL << ({o} & 63);")

    def _set_comp(self, e: ir.SetComp, sc: Scope) -> str:
        st = e.type
        assert isinstance(st, SetType)
        out = self.temp(st, e.span)
        with self.loop(e.domain, sc, e.span) as x:
            inner = sc.bind(e.var, x)
            always = isinstance(e.filter, ir.Lit) and e.filter.value is True
            if always:
                self._set_bit(out, st, e.elem, inner)
            else:
                with self.w.block(f"if ({self.expr(e.filter, inner)})"):
                    self._set_bit(out, st, e.elem, inner)
        return out

    def _quant(self, e: ir.Quant, sc: Scope) -> str:
        out, end = self.fresh(), self.fresh("q_end")
        forall = e.kind == "forall"
        self.w.line(f"int64_t {out} = {1 if forall else 0};")
        with self.loop(e.domain, sc, e.span) as x:
            body = self.expr(e.body, sc.bind(e.var, x))
            cond = f"!{body}" if forall else body
            self.w.line(f"if ({cond}) {{ {out} = {0 if forall else 1}; goto {end}; }}")
        self.w.line(f"{end}:;")
        return out

    # ------------------------------------------------------------ iteration

    @contextmanager
    def loop(self, dom: ir.Expr, sc: Scope, span: Span, snapshot: bool = False
             ) -> Iterator[str]:  # fmt: skip
        """Loop over the elements of set expression `dom` in compile's order (domain order);
        yields the C text of the element inside the loop. `snapshot`: the body may change the
        state, so a set read from it is copied first."""
        w = self.w
        match dom:
            case ir.Domain(of=of):
                n = domain_size(of)  # counted, not listed: `0..1000000000` is one bound
                if n is None or n > 1 << 20:
                    raise NativeRefusal(f"iterating over all values of {of}", span)
                o = self.fresh("o")
                with w.block(f"for (int64_t {o} = 0; {o} < {n}; {o}++)"):
                    yield self._decoded(of, o, span)
                return
            case ir.Call(name="range", args=(lo, hi)):
                a, b = self.scalar(self.expr(lo, sc)), self.scalar(self.expr(hi, sc))
                w.line(f"if ({b} == INT64_MAX) {UNREP}")  # the loop's x++ would overflow
                x = self.fresh("x")
                with w.block(f"for (int64_t {x} = {a}; {x} <= {b}; {x}++)"):
                    yield x
                return
            case ir.Call(name="bag_items", args=(bag,)):
                assert isinstance(bag.type, BagType)
                b = self.expr(bag, sc)
                if snapshot:
                    b = self.copy(bag.type, b, span)
                i = self.fresh("i")
                with w.block(f"for (int64_t {i} = 0; {i} < {b}.n; {i}++)"):
                    yield f"{b}.v[{i}]"
                return
        st = dom.type
        assert isinstance(st, SetType), st
        s = self.expr(dom, sc)
        if snapshot or isinstance(dom, ir.StateVar | ir.Local):
            s = self.copy(st, s, span)
        size = self.ct.set_size(st, span)
        k = self.ct.set_words(st, span)
        j, m, o = self.fresh("j"), self.fresh("m"), self.fresh("o")
        assert size > 0
        words = w.block(f"for (int {j} = 0; {j} < {k}; {j}++)")
        bits = w.block(f"for (uint64_t {m} = {s}.w[{j}]; {m}; {m} &= {m} - 1)")
        with words, bits:
            w.line(f"int64_t {o} = {j} * 64 + __builtin_ctzll({m});")
            yield self._decoded(st.elem, o, span)

    def _decoded(self, t: Type, o: str, span: Span) -> str:
        if is_scalar(t):
            x = self.fresh("x")
            self.w.line(f"int64_t {x} = {self.ct.decode_expr(t, o)};")
            return x
        x = self.temp(t, span, zero=False)
        self.w.line(self.ct.decode(t, o, x, span))
        return x


def _outside(st: SetType, outside: str) -> str:
    """What an element outside a stored set's domain means: a fault when only an int out of
    its range can put it there (a value outside its type), else unrepresentable (a node id of
    another group lies within a node type but not in the bitmask)."""
    return outside if outside == UNREP or not _has_node(st.elem) else UNREP


def _has_node(t: Type) -> bool:
    match t:
        case NodeType():
            return True
        case OptionType(inner=x) | SetType(elem=x) | SeqType(elem=x) | BagType(elem=x):
            return _has_node(x)
        case MapType(key=k, value=v):
            return _has_node(k) or _has_node(v)
        case RecordType(fields=fields):
            return any(_has_node(ft) for _, ft in fields)
        case MessageType(variants=variants):
            return any(_has_node(v) for v in variants)
    return False


def ir_set(t: Type) -> SetType:
    return SetType(t)


def elem_type(t: Type) -> Type:
    assert isinstance(t, SetType | SeqType | BagType), t
    return t.elem


__all__ = ["CExprs", "Scope", "Writer", "FAULT", "UNREP", "EnumType", "IntType", "elem_type"]
