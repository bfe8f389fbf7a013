"""Constants: `const N = expr` evaluated at analysis time, with `--const` overrides.

Constant expressions are ints, reals and bools combined with arithmetic, comparison, logic
and `if … then … else`; they may name other constants (in any order, but not cyclically).
Range bounds, node counts, sequence bounds and network settings are constant expressions too.
A constant may also be a set or a tuple of those (`const Quorums = {{1, 2}, {2, 3}, {1, 3}}`,
`const Edges = {(1, 2), (2, 3)}`), built from literals, ranges, `+ - &` between sets and
other constants; its elements must all have one shape (`value_shape`).

A constant is real when its expression involves a decimal (`0.01`) or a real constant; it is
kept exact as a `Fraction`, and `/` between reals is exact division (between two ints it
stays floor division). Real values exist only inside `query` blocks.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from verikit.core.types import format_real
from verikit.errors import Span, SpecError
from verikit.semantics.diagnostics import Diagnostics, did_you_mean
from verikit.semantics.scope import Declarations, declare
from verikit.syntax import ast, parse

Value = int | bool | Fraction | frozenset[Any] | tuple[Any, ...]
Number = int | Fraction


class NotConstant(Exception):
    """Raised inside evaluation; carries the offending node's span and why."""

    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


def type_word(value: Value) -> str:
    if isinstance(value, Fraction):
        return "real"
    if isinstance(value, frozenset | tuple):
        return value_shape(value) or "a set of mixed elements"
    return "bool" if isinstance(value, bool) else "int"


def value_shape(value: Value) -> str | None:
    """The shape of a constant's value, as its type would be written (`set<set<int>>`,
    `tuple<int, bool>`); `?` stands for the elements of an empty set; None for a set whose
    elements differ in shape."""
    match value:
        case bool():
            return "bool"
        case int():
            return "int"
        case Fraction():
            return "real"
        case tuple():
            parts = [value_shape(x) for x in value]
            return None if None in parts else "tuple<" + ", ".join(map(str, parts)) + ">"
        case frozenset():
            elem = _unified(value_shape(x) for x in value)
            return None if elem is None else f"set<{elem}>"
    return None


def _unified(shapes: Iterable[str | None]) -> str | None:
    """One shape for all (`?` gives way to any other), None when two differ."""
    out = "?"
    for shape in shapes:
        if shape is None:
            return None
        merged = _merge(out, shape)
        if merged is None:
            return None
        out = merged
    return out


def _merge(a: str, b: str) -> str | None:
    if a == b or b == "?":
        return a
    if a == "?":
        return b
    if a.startswith("set<") and b.startswith("set<"):  # set<?> inside: `{{}, {1}}`
        inner = _merge(a[4:-1], b[4:-1])
        return None if inner is None else f"set<{inner}>"
    return None


def const_text(value: object) -> str:
    """A constant's value as a spec would write it (`{{1, 2}, {2, 3}}`, `(1, true)`, `0.01`);
    `--const NAME=TEXT` reads it back."""
    match value:
        case bool():
            return "true" if value else "false"
        case frozenset():
            return "{" + ", ".join(const_text(x) for x in sorted(value, key=_order)) + "}"
        case tuple():
            return "(" + ", ".join(const_text(x) for x in value) + ")"
        case Fraction():
            return format_real(value)
    return str(value)


def literal_value(text: str) -> Value:
    """The value of a constant written as text (`--const Q={{1, 2}, {2, 3}}`): literals,
    ranges, sets and tuples; ValueError saying why when it is not one."""
    try:
        spec = parse(f"spec Literal\nconst Value = {text}\n", "--const")
    except SpecError as error:
        raise ValueError(error.diagnostics[0].message) from None
    diags = Diagnostics()
    consts = Consts(declare(spec, diags), {}, diags)
    value = consts.const("Value")
    if value is None or diags.items:
        raise ValueError(diags.items[0].message if diags.items else "not a constant")
    return value


def _order(value: object) -> Any:
    """Sets of a constant in a stable order: by size, then elements (as compile orders them)."""
    if isinstance(value, frozenset):
        return (len(value), sorted(_order(x) for x in value))
    if isinstance(value, tuple):
        return tuple(_order(x) for x in value)
    return value


class Consts:
    """Evaluates constant expressions; the declared constants lazily, overrides applied."""

    def __init__(
        self,
        decls: Declarations,
        overrides: Mapping[str, Value],
        diags: Diagnostics,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self.decls = decls
        self.overrides = dict(overrides)
        self.diags = diags
        self.sources = dict(sources or {})  # override -> where it is from, if not --const
        self.values: dict[str, Value | None] = {}
        self.active: list[str] = []
        self._check_overrides()

    def _check_overrides(self) -> None:
        spec = self.decls.spec
        for name, value in self.overrides.items():
            if name not in self.decls.consts:
                hint = did_you_mean(name, self.decls.consts)
                where = self.sources.get(name, "--const")
                self.diags.error(spec.span, f"unknown constant `{name}` in {where}{hint}")
                continue
            declared = self._declared(name)
            if declared is not None and not _fits(value, declared):
                want, got = type_word(declared), type_word(value)
                self.diags.error(
                    spec.span,
                    f"{self.source(name)} must be {want} like its declaration, got {got}",
                )

    def _declared(self, name: str) -> Value | None:
        decl = self.decls.consts[name]
        return self.evaluate(decl.value)

    def const(self, name: str) -> Value | None:
        """The final value of a declared constant (override applied); None if it is broken."""
        if name in self.values:
            return self.values[name]
        if name in self.active:
            cycle = " → ".join([*self.active[self.active.index(name) :], name])
            decl = self.decls.consts[name]
            self.diags.error(
                decl.span, f"constant `{name}` is defined in terms of itself ({cycle})"
            )
            return None
        self.active.append(name)
        try:
            declared = self._declared(name)
        finally:
            self.active.pop()
        value = self.overrides.get(name, declared)
        if value is not None and declared is not None:
            if not _fits(value, declared):
                value = None  # reported by _check_overrides
            elif isinstance(declared, Fraction) and isinstance(value, int):
                value = Fraction(value)  # `--const Rho=0` for a real constant
        self.values[name] = value
        return value

    def source(self, name: str) -> str:
        """An override as messages name it: `--const N`, or `N in <where it came from>`."""
        where = self.sources.get(name)
        return f"--const {name}" if where is None else f"`{name}` in {where}"

    def naming(self, numbers: set[int]) -> str:
        """The constants that give a size its value, for a message: ` (N = 100000, from
        --const N)`; empty when no constant has one of `numbers` as its value."""
        numbers = {n for n in numbers if abs(n) > 1}  # 0 and 1 would name every flag
        matches = [
            name
            for name in self.decls.consts
            if type(value := self.values.get(name)) is int and value in numbers
        ]
        overridden = [name for name in matches if name in self.overrides]
        found = [f"{name} = {self.values[name]}" for name in overridden or matches]
        origin = f", from {', '.join(self.source(n) for n in overridden)}" if overridden else ""
        return f" ({', '.join(found)}{origin})" if found else ""

    def final(self) -> tuple[tuple[str, object], ...]:
        """Every constant with its final value, in declaration order (broken ones left out)."""
        pairs = ((name, self.const(name)) for name in self.decls.consts)
        return tuple((name, value) for name, value in pairs if value is not None)

    def evaluate(self, expr: ast.Expr) -> Value | None:
        """The value of a constant expression, or None after reporting why it is not one."""
        try:
            return self._eval(expr)
        except NotConstant as problem:
            self.diags.error(problem.span, problem.message)
            return None
        except _Broken:
            return None

    def try_evaluate(self, expr: ast.Expr) -> Value | None:
        """Like `evaluate` but silent: None when the expression is not constant."""
        quiet = Diagnostics()
        saved, self.diags = self.diags, quiet
        try:
            return self._eval(expr)
        except (NotConstant, _Broken):
            return None
        finally:
            self.diags = saved

    def int_value(self, expr: ast.Expr, what: str) -> int | None:
        """A constant int (`what` says where one is needed, e.g. "a range bound")."""
        value = self.evaluate(expr)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.diags.error(expr.span, f"{what} must be an int, got {type_word(value)}")
            return None
        return value

    def _eval(self, expr: ast.Expr) -> Value:
        match expr:
            case ast.IntLit(value=value) | ast.BoolLit(value=value) | ast.DecimalLit(value=value):
                return value
            case ast.Name(id=name):
                return self._name(name, expr.span)
            case ast.UnaryOp(op="not", operand=operand):
                return not self._bool(operand)
            case ast.UnaryOp(op="-", operand=operand):
                return -self._number(operand)
            case ast.BinOp(op=op, left=left, right=right):
                return self._binary(op, left, right, expr.span)
            case ast.IfExpr(cond=cond, then=then, else_=else_):
                return self._eval(then) if self._bool(cond) else self._eval(else_)
            case ast.CallExpr(name="min" | "max" as fn, args=(a, b)):
                x, y = _promote(self._number(a), self._number(b))
                return min(x, y) if fn == "min" else max(x, y)
            case ast.SetExpr(elems=elems):
                return self._set([self._eval(x) for x in elems], expr.span)
            case ast.TupleExpr(elems=elems):
                return tuple(self._eval(x) for x in elems)
            case ast.RangeExpr(lo=lo, hi=hi):
                first, last = self._number(lo), self._number(hi)
                if isinstance(first, Fraction) or isinstance(last, Fraction):
                    raise NotConstant(expr.span, "a range needs int bounds")
                if last - first > MAX_CONST_SET:
                    raise NotConstant(
                        expr.span, f"a constant set holds at most {MAX_CONST_SET:,} elements"
                    )
                return frozenset(range(first, last + 1))
        raise NotConstant(
            expr.span, "constant expression expected (numbers, bools, sets, tuples and constants)"
        )

    def _set(self, elems: Iterable[Value], span: Span) -> frozenset[Any]:
        """A constant set of `elems`, all of one shape (checked before they merge: 1 == true
        in a Python set)."""
        elems = list(elems)
        if _unified(value_shape(x) for x in elems) is None:
            shapes = sorted({str(value_shape(x)) for x in elems})
            raise NotConstant(span, f"the elements of a constant set differ: {' and '.join(shapes)}")
        return frozenset(elems)

    def _name(self, name: str, span: Span) -> Value:
        if name in self.decls.consts:
            value = self.const(name)
            if value is None:
                raise _Broken
            return value
        if name in self.decls.vars:
            raise NotConstant(span, f"constant expression expected: `{name}` is a variable")
        hint = did_you_mean(name, self.decls.consts)
        raise NotConstant(span, f"unknown constant `{name}`{hint}")

    def _number(self, expr: ast.Expr) -> Number:
        value = self._eval(expr)
        if isinstance(value, bool | frozenset | tuple):
            raise NotConstant(expr.span, f"expected a number, got {type_word(value)}")
        return value

    def _bool(self, expr: ast.Expr) -> bool:
        value = self._eval(expr)
        if not isinstance(value, bool):
            raise NotConstant(expr.span, f"expected a bool constant, got {type_word(value)}")
        return value

    def _binary(self, op: str, left: ast.Expr, right: ast.Expr, span: Span) -> Value:
        if op in ("and", "or", "implies", "=>"):
            a, b = self._bool(left), self._bool(right)
            return {"and": a and b, "or": a or b}.get(op, (not a) or b)
        if op in ("==", "!="):
            x, y = self._eval(left), self._eval(right)
            if _merge(str(value_shape(x)), str(value_shape(y))) is None:
                raise NotConstant(span, f"cannot compare {type_word(x)} with {type_word(y)}")
            return (x == y) == (op == "==")
        if op in _SET_OPS:
            s1, s2 = self._eval(left), self._eval(right)
            if isinstance(s1, frozenset) and isinstance(s2, frozenset):
                return self._set(_SET_OPS[op](s1, s2), span)
        a2, b2 = _promote(self._number(left), self._number(right))
        if op in ("/", "%") and b2 == 0:
            raise NotConstant(span, "division by zero in a constant expression")
        if op not in _ARITHMETIC:
            raise NotConstant(span, f"`{op}` is not allowed in a constant expression")
        if isinstance(a2, Fraction):
            if op == "%":
                raise NotConstant(span, "`%` needs ints, not reals")
            if op == "/":
                return a2 / b2  # exact
        return _ARITHMETIC[op](a2, b2)


def _promote(a: Number, b: Number) -> tuple[Number, Number]:
    """Two numbers of one kind: both reals when either is (so min/max keep the type)."""
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return Fraction(a), Fraction(b)
    return a, b


def _fits(value: Value, declared: Value) -> bool:
    """May `--const` give `value` to a constant declared as `declared`? An int fits a real;
    a set or tuple must have the declared one's shape (an empty set fits any set)."""
    if isinstance(declared, Fraction) and isinstance(value, int) and not isinstance(value, bool):
        return True
    if isinstance(value, frozenset | tuple) or isinstance(declared, frozenset | tuple):
        a, b = value_shape(value), value_shape(declared)
        return a is not None and b is not None and _merge(a, b) is not None
    return type_word(value) == type_word(declared)


MAX_CONST_SET = 1_000_000  # elements of a constant range set (docs/limits.md: listed domains)
_SET_OPS: dict[str, Callable[[frozenset[Any], frozenset[Any]], frozenset[Any]]] = {
    "+": operator.or_, "-": operator.sub, "&": operator.and_,
}  # fmt: skip


_ARITHMETIC: dict[str, Callable[[Number, Number], Value]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.floordiv,
    "%": operator.mod, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


class _Broken(Exception):
    """A constant this expression needs is itself broken (already reported)."""
