"""Real values (query constants and witnesses) print exactly: a decimal when there is one,
always with its point so it reads back as a real; otherwise a fraction."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verikit.core.types import REAL, format_real, format_value
from verikit.symbolic.answer import show_number

F = Fraction


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(1, 100), "0.01"), (F(2), "2.0"), (F(0), "0.0"), (F(-1, 2), "-0.5"),
        (F(15432, 125), "123.456"), (F(-7, 8), "-0.875"), (F(1, 3), "1/3"), (F(-22, 7), "-22/7"),
    ],
)  # fmt: skip
def test_format_real(value: Fraction, text: str) -> None:
    assert format_real(value) == text
    assert format_value(REAL, value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(999, 1000), "0.999"),
        (F(100999, 9990), "10.11001001… (= 100999/9990)"),
        (F(10**20 + 1, 3), "33333333333333333333.666666667…"),  # too long to show exactly
        (True, "true"),
    ],
)
def test_a_witness_value_shows_a_decimal_and_the_fraction_when_short(
    value: Fraction | bool, text: str
) -> None:
    assert show_number(value) == text
