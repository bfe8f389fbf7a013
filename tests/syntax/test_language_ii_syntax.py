"""Syntax of the language II constructs of expressions and statements (issue 13): each parses
to its AST node, and survives printing and parsing again."""

from __future__ import annotations

import pytest

from tests.syntax.helpers import stmts
from verikit.errors import SpecError
from verikit.syntax import ast as a
from verikit.syntax import format_spec, parse
from verikit.syntax.parser import keywords, unusable_as_name

X, Y = a.Name("x"), a.Name("y")


def test_assert_parses_with_and_without_a_label() -> None:
    assert stmts("assert x < y") == (a.AssertStmt(a.BinOp("<", X, Y)),)
    assert stmts("assert Small: x") == (a.AssertStmt(X, "Small"),)


@pytest.mark.parametrize(
    "body",
    [
        "assert x < 3\n    assert Named: forall p in S: p > 0",
        "let (a, b) = (x, (1, true))\n    x = let y = (if a then 1 else 2) in y + (pick z in S)",
        "x = pick z in S where z > let w = 2 in w\n    x = (pick z in S where z > 1) + 1",
        "x = pick z in (if b then S else T) where (let v = z in v) > 0",
        "x = if forall e in E: let (a, b) = e in a < b then 1 else 2",
    ],
)
def test_statements_survive_print_and_parse(body: str) -> None:
    spec = parse(f"spec P\nvar x: int = 0\naction a {{\n    {body}\n}}\n")
    assert parse(format_spec(spec)) == spec


def test_deadlock_setting_survives_print_and_parse() -> None:
    spec = parse("spec D\nvar x: int = 0\ndeadlock: allowed\n")
    assert spec.decls[1] == a.DeadlockDecl("allowed")
    assert parse(format_spec(spec)) == spec


def test_tuples_as_values_types_and_bindings() -> None:
    (let,) = stmts("let (a, b) = (x, (y, 1))")
    assert let == a.LetTupleStmt(("a", "b"), a.TupleExpr((X, a.TupleExpr((Y, a.IntLit(1))))))
    spec = parse("spec T\nvar s: set<tuple<1..2, bool?>> = {}\n")
    (var,) = spec.decls
    assert isinstance(var, a.VarDecl)
    assert var.type == a.SetTypeExpr(
        a.TupleTypeExpr((a.RangeType(a.IntLit(1), a.IntLit(2)), a.OptionTypeExpr(a.NamedType("bool"))))
    )


def test_let_and_pick_expressions() -> None:
    (let,) = stmts("x = let y = x + 1 in y * y")
    assert isinstance(let, a.AssignStmt) and isinstance(let.value, a.LetExpr)
    assert let.value.value == a.BinOp("+", X, a.IntLit(1))
    (pick,) = stmts("x = pick p in S where p > x")
    assert isinstance(pick, a.AssignStmt)
    assert pick.value == a.PickExpr("p", a.Name("S"), a.BinOp(">", a.Name("p"), X))
    (bare,) = stmts("x = 1 + pick p in S")
    assert isinstance(bare, a.AssignStmt) and bare.value == a.BinOp(
        "+", a.IntLit(1), a.PickExpr("p", a.Name("S"))
    )


def test_a_let_statement_still_reads_in_as_membership() -> None:
    (let,) = stmts("let b = x in S")
    assert let == a.LetStmt("b", a.BinOp("in", X, a.Name("S")))


@pytest.mark.parametrize(
    ("body", "word"), [("x = 1\n  broadcast = 1", "broadcast"), ("send = 2", "send")]
)
def test_a_keyword_used_as_a_declared_name_gets_a_hint_to_rename_it(body: str, word: str) -> None:
    text = f"spec K\nvar {word}: int = 0\nvar x: int = 0\naction a {{\n  {body}\n}}\n"
    with pytest.raises(SpecError) as caught:
        parse(text)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.hint == (
        f"`{word}` is a keyword, so it cannot name a variable (declared at line 2); "
        f"rename it, e.g. `{word}_`"
    )


def test_a_keyword_where_only_a_name_fits_is_that_name() -> None:
    spec = parse("spec K\nvar network: int = 0\naction a {\n  x = 1\n  network = network + 1\n}\n")
    (_, action) = spec.decls
    assert isinstance(action, a.ActionDecl)
    assert action.body[1] == a.AssignStmt(a.Name("network"), a.BinOp("+", a.Name("network"), a.IntLit(1)))


def test_the_keywords_unusable_as_names_are_found_by_the_grammar() -> None:
    unusable = {w for w in keywords() if unusable_as_name(w)}
    assert {"broadcast", "send", "if", "let", "true", "none", "self"} <= unusable
    assert not {"network", "var", "to", "from", "set", "map", "when", "eventually"} & unusable
