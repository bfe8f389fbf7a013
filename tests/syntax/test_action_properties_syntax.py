"""`property P: always step: e` with primed expressions `x'` (the next state) parses to the
AST it means and prints back to text that parses to the same AST."""

from __future__ import annotations

import pytest

from tests.syntax.helpers import decl
from verikit.errors import SpecError
from verikit.syntax import ast as a
from verikit.syntax import parse
from verikit.syntax.printer import format_spec


def test_always_step_is_an_action_property_over_primed_expressions() -> None:
    got = decl("property P: always step: term' >= term")
    assert got == a.PropertyDecl(
        "always_step", "P", a.BinOp(">=", a.Primed(a.Name("term")), a.Name("term"))
    )


def test_a_prime_binds_like_a_field_or_an_index() -> None:
    got = decl("property P: always step: s.log'[1] == (a + b)'")
    assert isinstance(got, a.PropertyDecl)
    assert got.expr == a.BinOp(
        "==",
        a.IndexExpr(a.Primed(a.FieldAccess(a.Name("s"), "log")), a.IntLit(1)),
        a.Primed(a.BinOp("+", a.Name("a"), a.Name("b"))),
    )


def test_quantified_action_properties_print_back_to_the_same_ast() -> None:
    text = """spec S
var term: 0..3 = 0
property Mono: always step: term' >= term
property Each: forall s in 1..2: always step: (term + s)' >= term + s
property Keep: always step: term' == term or term' == term + 1
"""
    spec = parse(text, "s.dsl")
    assert parse(format_spec(spec), "again.dsl") == spec


def test_step_needs_its_colon() -> None:
    with pytest.raises(SpecError) as caught:
        parse("spec S\nproperty P: always step x' >= x\n", "s.dsl")
    (d,) = caught.value.diagnostics
    assert (d.span.line, d.span.col) == (2, 25)  # at x: `step` must be followed by `:`
