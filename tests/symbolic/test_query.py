"""Timing queries answered by Z3: proofs, witnesses that hold when re-evaluated with exact
rationals, division by zero, vacuity, timeouts, and the lease spec's safe region matching
its closed form on both sides of the boundary."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from verikit import api
from verikit.core.model import Query
from verikit.semantics import analyze
from verikit.symbolic.answer import Answer, WitnessValue, satisfies
from verikit.symbolic.query import answer
from verikit.syntax import parse

SPECS = Path(__file__).resolve().parents[2] / "specs"
F = Fraction


def query_of(body: str, consts: str = "") -> Query:
    model = analyze(parse(f"spec S\n{consts}\nquery Q {{\n{body}\n}}\n", "spec.dsl"))
    (query,) = model.queries
    return query


def answer_of(body: str, consts: str = "", timeout: float | None = None) -> Answer:
    return answer(query_of(body, consts), timeout)


def values(a: Answer, kind: str = "real") -> dict[str, Fraction | bool | None]:
    return {w.name: w.exact for w in a.witness if w.kind == kind}


def test_an_impossible_situation_is_proved() -> None:
    a = answer_of("real x\n assume x > 1\n never x < 0")
    assert (a.verdict, a.witness, a.reason) == ("impossible", (), "")


def test_a_possible_situation_comes_with_a_witness_that_holds_exactly() -> None:
    body = "real x, y\n assume 0 < x and x < y\n assume x * y == 7\n never y - x < 1 / 3"
    a = answer_of(body)
    assert a.verdict == "possible" and a.checked
    v = values(a)
    x, y = v["x"], v["y"]
    assert isinstance(x, Fraction) and isinstance(y, Fraction)
    assert 0 < x < y and x * y == 7 and y - x < F(1, 3)  # evaluated here, not by verikit


def test_witness_values_are_pinned_to_short_decimals_when_possible() -> None:
    a = answer_of("real start, ends\n assume ends - start >= 10.25\n never start > 2")
    v = values(a)
    assert all(isinstance(x, Fraction) and (x * 10**6).denominator == 1 for x in v.values())
    assert v["start"] is not None and v["start"] > 2


def test_lets_are_part_of_the_witness() -> None:
    a = answer_of("real a, b\n let sum = a + b\n let big = sum > 10\n never big and a == b")
    lets = values(a, "let")
    real = values(a)
    assert lets["sum"] == real["a"] + real["b"]  # type: ignore[operator]
    assert lets["big"] is True
    assert [w.text for w in a.witness if w.name == "big"] == ["true"]


def test_contradicting_assumes_are_reported_as_vacuous_not_proved() -> None:
    a = answer_of("real x\n assume x > 1\n assume x < 0\n never x == 5")
    assert a.verdict == "vacuous"
    assert "contradict each other" in a.reason


def test_a_division_by_a_value_that_can_be_zero_is_a_fault_at_the_division() -> None:
    a = answer_of("real x\n assume x >= 0\n never 1 / x > 2")
    assert a.verdict == "fault"
    assert a.span is not None and (a.span.line, a.span.col) == (6, 8)
    assert values(a) == {"x": 0}


@pytest.mark.parametrize(
    "body",
    [
        "real x\n assume x > 0\n never 1 / x > 2",  # an earlier assume keeps x away from 0
        "real x\n never x != 0 and 1 / x > 2",  # so does the left operand of `and`
        "real x\n never x == 0 or 1 / x > 2",  # of `or`
        "real x\n never x != 0 implies 1 / x > 2",  # of `implies`
        "real x\n never (if x == 0 then 0 else 1 / x) > 2",  # and the condition of `if`
    ],
)
def test_a_guarded_division_is_fine(body: str) -> None:
    a = answer_of(body)
    assert (a.verdict, a.checked) == ("possible", True), a.reason


def test_a_division_evaluated_before_its_guard_is_a_fault() -> None:
    assert answer_of("real x\n never 1 / x > 2 or x == 0").verdict == "fault"


def test_a_constant_divisor_is_a_fault_only_when_it_is_zero() -> None:
    assert answer_of("real x\n never x / 2 > 1").verdict == "possible"
    assert answer_of("real x\n never x / (2 - 2) > 1").verdict == "fault"
    assert answer_of("real x\n never x / Z > 1", consts="const Z = 0.0").verdict == "fault"


def test_an_irrational_witness_is_shown_approximately_and_not_claimed_exact() -> None:
    a = answer_of("real x\n assume x > 0\n never x * x == 2")
    assert a.verdict == "possible" and not a.checked
    (w,) = a.witness
    assert w == WitnessValue("x", "real", None, w.text)
    assert w.text.startswith("1.41421356") and w.text.endswith("…")


HARD = (
    "real x, y\n never x * x * x * y + y * y * x == 7 and x * y * y * y - x * x > 3"
    " and x * x * x * x * x + y * y * y * y * y * y * y == 13 * x * y + 1"
)


def test_a_timeout_gives_unknown_with_the_reason() -> None:
    a = answer_of(HARD, timeout=0.01)
    assert (a.verdict, a.reason) == ("unknown", "Z3 hit the timeout")


def test_nonlinear_lease_arithmetic_is_decided() -> None:
    a = answer_of("real r, t\n assume 0.99 <= r and r <= 1.01\n never t * r > 10 and t < 10")
    assert a.verdict == "possible" and a.checked
    v = values(a)
    assert v["t"] * v["r"] > 10 and v["t"] < 10  # type: ignore[operator]


# ---------------------------------------------------------------- the lease spec


def safe_guard(length: Fraction, rho: Fraction, delay: Fraction) -> Fraction:
    """The closed form (docs/specs/lease_timing.md): the smallest safe guard."""
    return (1 + rho) * delay + 2 * rho * length / (1 - rho)


POINTS = [  # (L, Rho, D)
    (F(10), F("0.001"), F("0.1")),
    (F(30), F("0.01"), F("0.5")),
    (F(5000), F("0.00001"), F("0.001")),
    (F("0.5"), F("0.1"), F("0.02")),
]


@pytest.mark.parametrize(("length", "rho", "delay"), POINTS)
def test_z3_agrees_with_the_closed_form_on_both_sides_of_the_boundary(
    length: Fraction, rho: Fraction, delay: Fraction
) -> None:
    boundary = safe_guard(length, rho, delay)
    for guard, verdict in [
        (boundary, "impossible"),  # the boundary itself is safe: the lease is [start, end)
        (boundary + F(1, 10**6), "impossible"),
        (boundary - F(1, 10**9), "possible"),
        (boundary / 2, "possible"),
    ]:
        consts = {"L": length, "Rho": rho, "D": delay, "Guard": guard}
        report = api.query_file(SPECS / "lease_timing.dsl", consts)
        (a,) = report.answers
        assert a.verdict == verdict, (consts, a)


def test_the_lease_witness_is_a_real_double_holding() -> None:
    """Re-derive the overlap from the witness by hand, independently of verikit."""
    report = api.query_file(SPECS / "lease_timing_no_drift_margin.dsl")
    (a,) = report.answers
    assert report.verdict == "expected" and a.verdict == "possible" and a.checked
    w = values(a)
    length, rho, delay, guard = F(10), F("0.001"), F("0.1"), F("0.1")
    for rate in ("rate_s", "rate_a", "rate_b"):
        assert 1 - rho <= w[rate] <= 1 + rho  # type: ignore[operator]
    assert 0 <= w["recv_a"] - w["grant_a"] <= delay  # type: ignore[operator]
    assert 0 <= w["recv_b"] - w["grant_b"] <= delay  # type: ignore[operator]
    assert (w["grant_b"] - w["grant_a"]) * w["rate_s"] >= length + guard  # type: ignore[operator]
    t = w["t"]
    assert w["recv_a"] <= t < w["recv_a"] + length / w["rate_a"]  # type: ignore[operator]
    assert w["recv_b"] <= t < w["recv_b"] + length / w["rate_b"]  # type: ignore[operator]
    assert report.model is not None
    assert satisfies(report.model.queries[0], {k: v for k, v in w.items() if v is not None})
