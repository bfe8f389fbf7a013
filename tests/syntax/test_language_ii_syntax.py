"""Syntax of the language II constructs of expressions and statements (issue 13): each parses
to its AST node, and survives printing and parsing again."""

from __future__ import annotations

import pytest

from tests.syntax.helpers import stmts
from verikit.syntax import ast as a
from verikit.syntax import format_spec, parse

X, Y = a.Name("x"), a.Name("y")


def test_assert_parses_with_and_without_a_label() -> None:
    assert stmts("assert x < y") == (a.AssertStmt(a.BinOp("<", X, Y)),)
    assert stmts("assert Small: x") == (a.AssertStmt(X, "Small"),)


@pytest.mark.parametrize(
    "body",
    [
        "assert x < 3\n    assert Named: forall p in S: p > 0",
    ],
)
def test_statements_survive_print_and_parse(body: str) -> None:
    spec = parse(f"spec P\nvar x: int = 0\naction a {{\n    {body}\n}}\n")
    assert parse(format_spec(spec)) == spec
