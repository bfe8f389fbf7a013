"""Timing queries and decimal literals: how they parse, print and fail to parse."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.syntax.helpers import decl, expr
from tests.syntax.test_errors import error_of
from verikit.errors import SpecError
from verikit.syntax import ast as a
from verikit.syntax import format_spec, parse
from verikit.syntax.printer import format_expr

T, R = a.Name("t"), a.Name("rate")

QUERY = """\
spec Lease
const Rho = 0.01
query BothHold {
  real t, rate; real start
  assume 1 - Rho <= rate and rate <= 1 + Rho
  let ends = start + 10 / rate
  never start <= t and t < ends
}
"""


def test_a_query_keeps_its_members_in_written_order() -> None:
    query = parse(QUERY).decls[1]
    assert isinstance(query, a.QueryDecl)
    assert query.name == "BothHold"
    kinds = [type(m).__name__ for m in query.members]
    assert kinds == ["RealDecl", "RealDecl", "AssumeClause", "LetStmt", "NeverClause"]
    assert query.members[0] == a.RealDecl(("t", "rate"))
    assert query.members[3] == a.LetStmt(
        "ends", a.BinOp("+", a.Name("start"), a.BinOp("/", a.IntLit(10), R))
    )


def test_an_empty_query_parses_for_semantics_to_reject() -> None:
    assert decl("query Q {}") == a.QueryDecl("Q", ())


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.01", a.DecimalLit(Fraction(1, 100))),
        ("2.0", a.DecimalLit(Fraction(2))),
        ("1.50", a.DecimalLit(Fraction(3, 2))),
        ("-0.5", a.UnaryOp("-", a.DecimalLit(Fraction(1, 2)))),
    ],
)
def test_a_decimal_literal_is_an_exact_fraction(text: str, value: a.Expr) -> None:
    assert expr(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1..N", a.RangeExpr(a.IntLit(1), a.Name("N"))),
        ("1..2", a.RangeExpr(a.IntLit(1), a.IntLit(2))),
        ("0..N - 1", a.RangeExpr(a.IntLit(0), a.BinOp("-", a.Name("N"), a.IntLit(1)))),
        ("1.5..2", a.RangeExpr(a.DecimalLit(Fraction(3, 2)), a.IntLit(2))),
        ("1..2.5", a.RangeExpr(a.IntLit(1), a.DecimalLit(Fraction(5, 2)))),
    ],
)
def test_ranges_still_lex_as_int_dotdot_bound(text: str, value: a.Expr) -> None:
    assert expr(text) == value


def test_range_types_are_unaffected_by_decimals() -> None:
    declared = decl("type T = 1..3")
    assert declared == a.TypeDecl("T", a.RangeType(a.IntLit(1), a.IntLit(3)))


def test_query_keywords_stay_usable_as_names_elsewhere() -> None:
    spec = parse(
        "spec K\nvar real: bool = true\nvar never: 0..1 = 0\ninvariant I: real or never == 0"
    )
    assert [d.name for d in spec.decls if isinstance(d, a.VarDecl)] == ["real", "never"]


def test_the_printer_round_trips_a_query() -> None:
    spec = parse(QUERY)
    text = format_spec(spec)
    assert parse(text) == spec
    assert "  real t, rate\n  real start\n" in text
    assert "  never start <= t and t < ends\n}" in text


@pytest.mark.parametrize(
    ("value", "text"),
    [(Fraction(1, 100), "0.01"), (Fraction(2), "2.0"), (Fraction(123456, 1000), "123.456")],
)
def test_the_printer_writes_decimals_with_a_point(value: Fraction, text: str) -> None:
    assert format_expr(a.DecimalLit(value)) == text


DECIMALS = st.builds(
    lambda n, places: a.DecimalLit(Fraction(n, 10**places)),
    st.integers(0, 10**6),
    st.integers(1, 4),
)
LEAVES = DECIMALS | st.builds(a.IntLit, st.integers(0, 99)) | st.builds(a.Name, st.just("x"))
EXPRS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(a.BinOp, st.sampled_from(["+", "-", "*", "/", "<", "and"]), inner, inner),
        st.builds(a.RangeExpr, inner, inner),
        st.builds(a.UnaryOp, st.just("-"), inner),
        st.builds(a.FieldAccess, inner, st.just("f")),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(EXPRS)
def test_decimals_round_trip_next_to_ranges_and_fields(e: a.Expr) -> None:
    assert expr(format_expr(e)) == e


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("spec X\nquery Q {\n  x > 1\n}", 3, 3, "unexpected `x`; expected `}`, `assume`, `let`, `never` or `real`"),
        ("spec X\nquery Q { real }", 2, 16, "unexpected `}`; expected a name"),
        ("spec X\nquery Q { assume }", 2, 18, "unexpected `}`; expected an expression"),
    ],
)  # fmt: skip
def test_query_syntax_errors_say_what_was_expected(
    text: str, line: int, col: int, message: str
) -> None:
    assert error_of(text) == (line, col, message)


@pytest.mark.parametrize(
    ("text", "col", "example"), [("const c = .5", 11, "`0.5`"), ("const c = 1.", 13, "`1.0`")]
)
def test_a_decimal_without_digits_on_both_sides_gets_a_hint(
    text: str, col: int, example: str
) -> None:
    with pytest.raises(SpecError) as caught:
        parse(f"spec X\n{text}")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.col) == (2, col)
    assert diagnostic.hint == f"a decimal has digits on both sides of its point: {example}"
