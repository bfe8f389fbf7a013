"""The api's side of timing queries: decimal `--const` values and how answers become a
spec's verdict (check's words and exit codes)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verikit import api
from verikit.report import QueryReport
from verikit.symbolic.answer import Answer


def test_decimal_const_overrides_are_exact_and_ints_stay_ints() -> None:
    consts = api.parse_const_overrides(["Rho=0.01", "N=4", "Slow=-1.5", "Loss=false"])
    assert consts == {"Rho": Fraction(1, 100), "N": 4, "Slow": Fraction(-3, 2), "Loss": False}
    assert isinstance(consts["N"], int)


@pytest.mark.parametrize("pair", ["Rho=.5", "Rho=1.", "Rho=1e-3", "Rho=1/3"])
def test_other_number_spellings_are_usage_errors(pair: str) -> None:
    with pytest.raises(api.UsageError, match="an integer, a decimal or true/false"):
        api.parse_const_overrides([pair])


def answers(*verdicts: str) -> list[Answer]:
    return [Answer(f"Q{i}", v) for i, v in enumerate(verdicts)]


@pytest.mark.parametrize(
    ("verdicts", "expected", "verdict", "code"),
    [
        ((), (), "holds", 0),
        (("impossible", "impossible"), (), "holds", 0),
        (("impossible", "possible"), (), "violated", 1),
        (("impossible", "possible"), ("Q1",), "expected", 0),
        (("impossible", "impossible"), ("Q1",), "violated", 1),  # the bug is gone
        (("vacuous",), (), "violated", 1),
        (("vacuous",), ("Q0",), "violated", 1),
        (("unknown", "impossible"), (), "incomplete", 3),
        (("unknown", "possible"), (), "violated", 1),
        (("fault", "possible"), (), "error", 2),
    ],
)  # fmt: skip
def test_answers_become_check_style_verdicts(
    verdicts: tuple[str, ...], expected: tuple[str, ...], verdict: str, code: int
) -> None:
    found = api.query_verdict(answers(*verdicts), expected)
    assert found == verdict
    assert api.exit_code([QueryReport("q.dsl", found)]) == code
