"""Real constants and `query` blocks: exact values, typed real arithmetic, and a clear error
wherever a real value strays into the state machine."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.semantics.helpers import errors, model_of, the_error
from verikit.core import ir
from verikit.core.types import BOOL, REAL
from verikit.symbolic.answer import satisfies

HEADER = """\
spec Q
const L = 10
const Rho = 0.01
const Slow = 1 - Rho
const Third = 1.0 / 3
const Half = 7 / 2
const Loss = false
"""

QUERY = (
    HEADER
    + """\
query Overlap {
  real rate, start, t
  assume Slow <= rate and rate <= 1 + Rho
  let ends = start + L / rate
  let holds = start <= t and t < ends
  never holds and not Loss
}
"""
)


def real(x: object) -> ir.Lit:
    return ir.Lit(Fraction(x), REAL)  # type: ignore[arg-type]


def test_a_decimal_makes_a_real_constant_kept_exact() -> None:
    consts = dict(model_of(HEADER).consts)
    assert consts["Rho"] == Fraction(1, 100) and isinstance(consts["Rho"], Fraction)
    assert consts["Slow"] == Fraction(99, 100)
    assert consts["Third"] == Fraction(1, 3)  # real division is exact
    assert consts["Half"] == 3 and isinstance(consts["Half"], int)  # ints keep floor division


def test_a_real_constant_may_be_overridden_by_a_decimal_or_an_int() -> None:
    assert dict(model_of(HEADER, {"Rho": Fraction(1, 50)}).consts)["Slow"] == Fraction(49, 50)
    overridden = dict(model_of(HEADER, {"Rho": 0}).consts)["Rho"]
    assert overridden == 0 and isinstance(overridden, Fraction)


def test_an_int_constant_may_not_be_overridden_by_a_decimal() -> None:
    assert the_error(HEADER, {"L": Fraction(21, 2)}) == (
        1, 1, "--const L must be int like its declaration, got real"
    )  # fmt: skip


def test_min_and_max_of_an_int_and_a_real_are_real() -> None:
    consts = dict(model_of("spec M\nconst A = min(0.5, 1)\nconst B = max(2.5, 1)").consts)
    assert consts == {"A": Fraction(1, 2), "B": Fraction(5, 2)}
    low = dict(model_of("spec M\nconst A = min(2.5, 1)").consts)["A"]
    assert low == 1 and isinstance(low, Fraction)


def test_a_query_lowers_to_typed_real_arithmetic_with_constants_folded() -> None:
    (query,) = model_of(QUERY).queries
    assert (query.name, query.unknowns) == ("Overlap", ("rate", "start", "t"))
    assert [name for name, _ in query.defs] == ["ends", "holds"]
    ends = dict(query.defs)["ends"]
    assert ends == ir.Binary(
        "add",
        ir.Local("start", REAL),
        ir.Binary("div", real(10), ir.Local("rate", REAL), REAL),
        REAL,
    )
    (assume,) = query.assumes
    assert assume.type == BOOL
    assert isinstance(assume, ir.Binary) and assume.left.left == real(Fraction(99, 100))  # type: ignore[attr-defined]
    assert query.never.type == BOOL
    assert query.consts == (
        ("L", 10), ("Rho", Fraction(1, 100)), ("Slow", Fraction(99, 100)), ("Loss", False),
    )  # fmt: skip


@pytest.mark.parametrize(("a", "b"), [(1, 2), (2, 1), (-3, Fraction(1, 2)), (0, 0)])
def test_min_max_and_abs_mean_what_they_say(a: int, b: int) -> None:
    spec = "spec M\nquery Q { real a, b, lo, hi, d\n never lo == min(a, b) and hi == max(a, b) and d == abs(a - b) }"
    (query,) = model_of(spec).queries
    lo, hi = sorted((Fraction(a), Fraction(b)))
    values = {"a": Fraction(a), "b": Fraction(b), "lo": lo, "hi": hi, "d": hi - lo}
    assert satisfies(query, values)
    assert not satisfies(query, {**values, "d": hi - lo + 1})


def test_a_query_name_may_be_expected_to_be_violated() -> None:
    model = model_of(QUERY + "expect violation Overlap\n")
    assert model.expected == ("Overlap",)
    assert model.expected_properties == ()


def test_a_spec_of_queries_alone_cannot_deadlock() -> None:
    assert model_of(QUERY).deadlock is False
    assert model_of("spec S\nvar x: bool = true\naction a { x = true }").deadlock is True


@pytest.mark.parametrize(
    ("line", "col", "message"),
    [
        ("var x: 0..Rho = 0", 11, "a range bound must be an int, got real"),
        ("var x: 0..3 = 0\naction a when x < Rho { x = 1 }", 19,
         "`Rho` is a real constant: real values exist only inside `query` blocks"),
        ("var x: 0..3 = 0\ninvariant I: x <= 2.5", 19,
         "`2.5` is a real number: real values exist only inside `query` blocks"),
        ("node P[Rho] {}", 8, "a node count must be an int, got real"),
        ("network { max_in_flight: Rho }", 26, "network setting `max_in_flight` expects an int >= 1"),
        ("const Bad = Rho % 2", 13, "`%` needs ints, not reals"),
    ],
)  # fmt: skip
def test_a_real_value_in_the_state_machine_is_an_error(line: str, col: int, message: str) -> None:
    text = HEADER + line
    found = [(c, m) for _, c, m in errors(text)]
    assert (col, message) in found


@pytest.mark.parametrize(
    ("body", "col", "message"),
    [
        ("real a\n  never x > a", 9,
         "`x` is a state variable; a query reasons about its `real` unknowns, its `let`s and constants only"),
        ("real a\n  never a > b", 13, "unknown name `b` in query `Q` — declare it with `real b` or `let b = …`"),
        ("real rate, a\n  never a > rat", 13, "unknown name `rat` in query `Q` — did you mean `rate`?"),
        ("real a\n  assume a + 1\n  never a > 0", 10, "`a + 1` is real, expected bool (`assume` needs a condition)"),
        ("real a\n  never a % 2 == 0", 9,
         "`%` cannot be used in a query: a query has only real arithmetic: + - * /, comparisons, "
         "and/or/not/implies, if-then-else, min, max and abs"),
        ("real a\n  never a in {a}", 9,
         "`in` cannot be used in a query: a query has only real arithmetic: + - * /, comparisons, "
         "and/or/not/implies, if-then-else, min, max and abs"),
        ("real a\n  never len(a) > 0", 9,
         "`len(…)` cannot be used in a query: a query has only real arithmetic: + - * /, "
         "comparisons, and/or/not/implies, if-then-else, min, max and abs"),
        ("real a\n  never Loss == a", 17, "`a` is real, expected bool (compared with `Loss`)"),
        ("real a\n  never if a > 0 then a else a > 1", 30,
         "`a > 1` is bool, expected real (the other branch of `if`, `a`, is real)"),
        ("real a, a\n  never a > 0", 3, "`a` is declared twice in query `Q`"),
        ("real Rho\n  never Rho > 0", 3, "`Rho` is a constant; a query's unknowns and lets need other names"),
        ("real a\n  never max(a) > 0", 9, "in a query `max` takes 2 arguments"),
        ("real a", 1, "query `Q` needs exactly one `never` clause (the situation that must be impossible), found 0"),
        ("real a\n  never a > 0\n  never a < 0", 3,
         "query `Q` needs exactly one `never` clause (the situation that must be impossible), found 2"),
    ],
)  # fmt: skip
def test_query_errors_point_at_the_offending_expression(body: str, col: int, message: str) -> None:
    text = HEADER + "var x: bool = true\nquery Q {\n  " + body + "\n}\n"
    _, found_col, found = the_error(text)
    assert (found_col, found) == (col, message)


def test_a_let_cannot_refer_to_itself() -> None:
    text = HEADER + "query Q {\n  let a = a + 1\n  never a > 0\n}\n"
    assert the_error(text)[2].startswith("unknown name `a` in query `Q`")
