"""Answering a timing query with Z3 real arithmetic (nonlinear allowed: products and quotients
of unknowns, which Z3's nlsat decides).

A query asks whether `assume₁ ∧ … ∧ assumeₙ ∧ never` is satisfiable, evaluated left to right.
At most three solver calls decide it, then a witness takes a few more to become readable; all
share the timeout:

1. division by zero: can some `a / b` be evaluated (its path condition holds: the assumes
   before it, and the `and`/`or`/`implies`/`if` around it) with `b = 0`? Then the query is
   ill-defined there ("fault"), as a runtime fault is in a search;
2. the query itself: unsat is the proof ("impossible"), sat gives a witness ("possible");
3. on unsat, the assumes alone: unsat means they contradict each other ("vacuous");
4. on sat, the witness is made readable: each unknown in turn is pinned to the shortest
   decimal near its value that keeps the rest satisfiable (Z3's own choice is often a binary
   fraction like 83970043/8388608), then re-checked with exact rationals (answer.py).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import z3

from verikit.core import ir
from verikit.core.model import Query
from verikit.errors import Span
from verikit.symbolic.answer import (
    Answer,
    Number,
    WitnessValue,
    defs_values,
    satisfies,
    show_number,
)

Z3 = Any  # z3's terms are untyped for mypy

_DECIMAL_PLACES = 6  # a witness value is pinned to at most this many decimals
_APPROX_DIGITS = 12  # decimals shown for an irrational witness value
_PIN_SECONDS = 2.0  # at most this long for each attempt to pin a witness value


def answer(query: Query, timeout: float | None = None) -> Answer:
    """Answer one query; `timeout` (seconds) bounds all of its solver calls together."""
    started = time.perf_counter()
    clock = _Clock(started, timeout)
    unknowns = {name: z3.Real(name) for name in query.unknowns}
    terms = _Terms(query, unknowns)
    clauses = terms.clauses()
    verdict = _division_fault(terms, unknowns, clock) or _solve(query, clauses, unknowns, clock)
    return _timed(verdict, query.name, time.perf_counter() - started)


@dataclass(frozen=True)
class _Verdict:
    verdict: str
    witness: tuple[WitnessValue, ...] = ()
    reason: str = ""
    span: Span | None = None
    checked: bool = False


def _timed(v: _Verdict, name: str, seconds: float) -> Answer:
    return Answer(name, v.verdict, v.witness, v.reason, v.span, seconds, v.checked)


# ---------------------------------------------------------------- solving


def _division_fault(terms: _Terms, unknowns: dict[str, Z3], clock: _Clock) -> _Verdict | None:
    """A division that may divide by zero where it is evaluated, or None when none can."""
    if not terms.divisions:
        return None
    solver = clock.solver()
    solver.add(z3.Or([z3.And(d.path, d.divisor == 0) for d in terms.divisions]))
    result = solver.check()
    if result == z3.unsat:
        return None
    if result == z3.unknown:
        return _unknown(solver, "while checking its divisions for division by zero")
    model = solver.model()
    culprit = next(
        d for d in terms.divisions if z3.is_true(model.eval(z3.And(d.path, d.divisor == 0)))
    )
    witness = tuple(_value(name, "real", model.eval(x, True)) for name, x in unknowns.items())
    reason = (
        "this division may divide by zero: its divisor can be 0 where it is evaluated "
        "(with the values below); add an `assume` before it that keeps the divisor nonzero"
    )
    return _Verdict("fault", witness, reason, culprit.span)


def _solve(query: Query, clauses: list[Z3], unknowns: dict[str, Z3], clock: _Clock) -> _Verdict:
    solver = clock.solver()
    solver.add(*clauses)
    result = solver.check()
    if result == z3.unknown:
        return _unknown(solver, "")
    if result == z3.unsat:
        return _vacuity(clauses[:-1], clock)
    model = _readable(solver, solver.model(), list(unknowns.values()), clock)
    return _witness(query, unknowns, model)


def _vacuity(assumes: list[Z3], clock: _Clock) -> _Verdict:
    solver = clock.solver()
    solver.add(*assumes)
    result = solver.check()
    if result == z3.unsat:
        return _Verdict(
            "vacuous",
            reason="no values satisfy the assumes alone: they contradict each other, so "
            "the `never` is impossible for no reason",
        )
    if result == z3.unknown:  # the proof stands; only its vacuity check is undecided
        return _Verdict(
            "impossible", reason=f"(the assumes' consistency is undecided: {_why(solver)})"
        )
    return _Verdict("impossible")


def _unknown(solver: z3.Solver, when: str) -> _Verdict:
    reason = _why(solver) + (f" ({when})" if when else "")
    return _Verdict("unknown", reason=reason)


def _why(solver: z3.Solver) -> str:
    reason = str(solver.reason_unknown())
    timeout = "Z3 hit the timeout"
    return {"timeout": timeout, "canceled": timeout}.get(reason, f"Z3 gave up: {reason}")


# ---------------------------------------------------------------- witnesses


def _readable(solver: z3.Solver, model: Z3, xs: list[Z3], clock: _Clock) -> Z3:
    """Pin each unknown in turn to the shortest decimal near its value that still has a
    solution; keeps Z3's value when none does (or time runs out)."""
    for x in xs:
        value = model.eval(x, True)
        for candidate in _candidates(_approx(value)):
            if clock.expired():
                return model
            solver.push()
            solver.add(x == z3.RealVal(candidate))
            clock.arm(solver, cap=_PIN_SECONDS)
            found = solver.check() == z3.sat
            if found:
                model = solver.model()
            solver.pop()
            if found:
                solver.add(x == z3.RealVal(candidate))
                break
        else:
            solver.add(x == model.eval(x, True))
    return model


def _candidates(value: Fraction) -> list[Fraction]:
    """Decimals near `value`, shortest first, stopping at `value` itself."""
    out: list[Fraction] = []
    for places in range(_DECIMAL_PLACES + 1):
        scale = 10**places
        for rounded in (round(value * scale), math.floor(value * scale), math.ceil(value * scale)):
            candidate = Fraction(rounded, scale)
            if candidate not in out:
                out.append(candidate)
            if candidate == value:
                return out
    return out


def _witness(query: Query, unknowns: dict[str, Z3], model: Z3) -> _Verdict:
    values = {name: model.eval(x, True) for name, x in unknowns.items()}
    real = [_value(name, "real", v) for name, v in values.items()]
    exact = {w.name: w.exact for w in real if isinstance(w.exact, Fraction)}
    if len(exact) < len(real):  # irrational values: the lets as Z3 computes them
        terms = _Terms(query, unknowns)
        lets = [_value(n, "let", model.eval(terms.term(e), True)) for n, e in query.defs]
        return _Verdict("possible", tuple(real + lets))
    if not satisfies(query, exact):
        reason = "Z3's witness does not satisfy the query when re-checked exactly"
        return _Verdict("unknown", tuple(real), reason=reason)
    defs = defs_values(query, exact)
    lets = [WitnessValue(n, "let", v, show_number(v)) for n, v in defs.items()]
    return _Verdict("possible", tuple(real + lets), checked=True)


def _value(name: str, kind: str, v: Z3) -> WitnessValue:
    if z3.is_true(v) or z3.is_false(v):
        exact: Number = z3.is_true(v)
        return WitnessValue(name, kind, exact, show_number(exact))
    if z3.is_rational_value(v):
        number = Fraction(v.numerator_as_long(), v.denominator_as_long())
        return WitnessValue(name, kind, number, show_number(number))
    return WitnessValue(name, kind, None, v.as_decimal(_APPROX_DIGITS).rstrip("?") + "…")


def _approx(v: Z3) -> Fraction:
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    r = v.approx(_APPROX_DIGITS)
    return Fraction(r.numerator_as_long(), r.denominator_as_long())


# ---------------------------------------------------------------- translation


@dataclass(frozen=True)
class _Division:
    span: Span
    path: Z3  # when this division is evaluated
    divisor: Z3


@dataclass
class _Terms:
    """Query expressions as Z3 terms; records every division with its path condition."""

    query: Query
    unknowns: dict[str, Z3]
    divisions: list[_Division] = field(default_factory=list)

    def clauses(self) -> list[Z3]:
        """The assumes then the never, each evaluated only where the ones before it hold."""
        out, path = [], z3.BoolVal(True)
        for clause in (*self.query.assumes, self.query.never):
            out.append(self.term(clause, path))
            path = z3.And(path, out[-1])
        return out

    def term(self, e: ir.Expr, path: Z3 | None = None) -> Z3:
        path = z3.BoolVal(True) if path is None else path
        match e:
            case ir.Lit(value=bool(value)):
                return z3.BoolVal(value)
            case ir.Lit(value=value):
                return z3.RealVal(value)
            case ir.Local(name=name) if name in self.unknowns:
                return self.unknowns[name]
            case ir.Local(name=name):
                return self.term(dict(self.query.defs)[name], path)
            case ir.Unary(op="not", operand=x):
                return z3.Not(self.term(x, path))
            case ir.Unary(op="neg", operand=x):
                return -self.term(x, path)
            case ir.Cond(cond=c, then=then, else_=else_):
                cond = self.term(c, path)
                yes = self.term(then, z3.And(path, cond))
                return z3.If(cond, yes, self.term(else_, z3.And(path, z3.Not(cond))))
            case ir.Binary(op="and" | "or" | "implies" as op, left=left, right=right):
                a = self.term(left, path)
                b = self.term(right, z3.And(path, z3.Not(a) if op == "or" else a))
                return {"and": z3.And, "or": z3.Or, "implies": z3.Implies}[op](a, b)
            case ir.Binary(op="div", left=left, right=right):
                a, b = self.term(left, path), self.term(right, path)
                if not _nonzero_constant(b):
                    self.divisions.append(_Division(e.span, path, b))
                return a / b
            case ir.Binary(op=op, left=left, right=right):
                return _OPS[op](self.term(left, path), self.term(right, path))
        raise TypeError(f"not a query expression: {e!r}")


def _nonzero_constant(term: Z3) -> bool:
    value = z3.simplify(term)
    return bool(z3.is_rational_value(value)) and value.numerator_as_long() != 0


_OPS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
}  # fmt: skip


# ---------------------------------------------------------------- time


@dataclass(frozen=True)
class _Clock:
    started: float
    timeout: float | None

    def remaining(self) -> float | None:
        if self.timeout is None:
            return None
        return self.timeout - (time.perf_counter() - self.started)

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def solver(self) -> z3.Solver:
        solver = z3.Solver()
        self.arm(solver)
        return solver

    def arm(self, solver: z3.Solver, cap: float | None = None) -> None:
        """Limit the solver's next checks to the time left (and to `cap` seconds)."""
        left = self.remaining()
        limits = [t for t in (left, cap) if t is not None]
        if limits:
            solver.set("timeout", max(1, int(min(limits) * 1000)))
