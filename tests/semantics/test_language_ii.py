"""Semantics of the language II constructs of expressions and statements (issue 13): what
they mean in the core IR, and the located errors of their misuse."""

from __future__ import annotations

from tests.semantics.helpers import model_of, the_error
from verikit.core import ir


def test_assert_lowers_to_an_ir_assert_naming_it() -> None:
    model = model_of("spec A\nvar x: 0..3 = 0\naction a { assert Low: x < 3\n x = 1 }\n")
    (first, _) = model.actions[0].body
    assert isinstance(first, ir.Assert) and first.message == "assertion Low failed: x < 3"
    assert (first.span.line, first.span.col) == (3, 12)


def test_an_assert_needs_a_condition() -> None:
    line, col, message = the_error("spec A\nvar x: 0..3 = 0\naction a { assert x + 1 }\n")
    assert (line, col) == (3, 19)
    assert message == "`x + 1` is int, expected bool after `assert`"
