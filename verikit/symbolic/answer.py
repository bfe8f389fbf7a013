"""What `verikit query` found, as plain data, and the exact evaluator that re-checks a witness
(no Z3 here, so reports can import it freely and `verikit check` never loads Z3).

One `Answer` per query:

    impossible   no values satisfy every `assume` and the `never` together: proved by Z3
    possible     `witness` holds values that do (re-checked here with exact rationals)
    vacuous      the assumes alone contradict each other, so "impossible" would prove nothing
    fault        a division may divide by zero where it is evaluated (`span`); `witness`
                 shows values for which it does
    unknown      Z3 could not decide (a timeout, or nonlinear arithmetic it gave up on)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from verikit.core import ir
from verikit.core.model import Query
from verikit.core.types import format_real
from verikit.errors import Span

VERDICTS = ("impossible", "possible", "vacuous", "fault", "unknown")

Number = Fraction | bool  # a query's runtime values: reals are exact rationals


@dataclass(frozen=True)
class WitnessValue:
    """One value of a witness: an unknown Z3 chose (`kind` "real") or a `let` computed from
    them ("let"). `exact` is None for an irrational value (Z3 may choose an algebraic number
    under nonlinear constraints); `text` then shows a decimal approximation ending in `…`."""

    name: str
    kind: str  # "real" | "let"
    exact: Number | None
    text: str


@dataclass(frozen=True)
class Answer:
    query: str
    verdict: str  # one of VERDICTS
    witness: tuple[WitnessValue, ...] = ()
    reason: str = ""  # unknown: why Z3 gave up; fault: what divides by zero
    span: Span | None = None  # fault: the division
    seconds: float = 0.0
    checked: bool = False  # possible: the witness was re-checked with exact arithmetic


def show_number(value: Number) -> str:
    """`0.99`, `10.0`, `true`; a real without a finite decimal as a rounded decimal and,
    when short, the exact fraction: `0.110010010… (= 1099/9990)`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    exact = format_real(value)
    if "/" not in exact:
        return exact
    approx = format_real(Fraction(round(value * 10**_PLACES), 10**_PLACES)) + "…"
    return f"{approx} (= {exact})" if len(exact) <= _SHORT else approx


_PLACES = 9  # decimals shown for a real without a finite decimal
_SHORT = 15  # longest `p/q` worth showing beside it


# ---------------------------------------------------------------- exact evaluation


def defs_values(query: Query, values: Mapping[str, Fraction]) -> dict[str, Number]:
    """The value of every `let` for the given unknowns (a let that divides by zero is left
    out: it is never evaluated where it would be)."""
    env: dict[str, Number] = dict(values)
    out: dict[str, Number] = {}
    for name, expr in query.defs:
        try:
            out[name] = env[name] = evaluate(expr, env, query)
        except ZeroDivisionError:
            continue
    return out


def satisfies(query: Query, values: Mapping[str, Fraction]) -> bool:
    """Do these values satisfy every assume and the never (left to right, exactly)?"""
    env: dict[str, Number] = dict(values)
    try:
        return all(evaluate(c, env, query) is True for c in (*query.assumes, query.never))
    except ZeroDivisionError:
        return False


def evaluate(e: ir.Expr, env: Mapping[str, Number], query: Query) -> Number:
    """A query expression over exact rationals; `and`/`or`/`implies` short-circuit."""
    match e:
        case ir.Lit(value=value):
            assert isinstance(value, Fraction | bool)
            return value
        case ir.Local(name=name):
            if name in env:
                return env[name]
            return evaluate(dict(query.defs)[name], env, query)
        case ir.Unary(op="not", operand=x):
            return not evaluate(x, env, query)
        case ir.Unary(op="neg", operand=x):
            return -_real(evaluate(x, env, query))
        case ir.Cond(cond=c, then=then, else_=else_):
            return evaluate(then if evaluate(c, env, query) else else_, env, query)
        case ir.Binary(op="and" | "or" | "implies" as op, left=left, right=right):
            first = evaluate(left, env, query)
            if (op == "or") == bool(first):  # `true or …`, `false and …`, `false implies …`
                return op != "and"
            return evaluate(right, env, query)
        case ir.Binary(op=op, left=left, right=right):
            return _binary(op, evaluate(left, env, query), evaluate(right, env, query))
    raise TypeError(f"not a query expression: {e!r}")


def _real(x: Number) -> Fraction:
    assert isinstance(x, Fraction)
    return x


def _binary(op: str, x: Number, y: Number) -> Number:
    if op in ("eq", "ne"):
        return (x == y) == (op == "eq")
    a, b = _real(x), _real(y)
    match op:
        case "add":
            return a + b
        case "sub":
            return a - b
        case "mul":
            return a * b
        case "div":
            return a / b  # ZeroDivisionError when b == 0
        case "lt":
            return a < b
        case "le":
            return a <= b
        case "gt":
            return a > b
        case "ge":
            return a >= b
    raise TypeError(f"not a query operator: {op}")
