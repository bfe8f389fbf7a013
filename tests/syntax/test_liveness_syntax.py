"""Liveness properties, lemmas and fairness declarations parse to the AST they mean and print
back to text that parses to the same AST."""

from __future__ import annotations

import pytest

from tests.syntax.helpers import decl
from verikit.errors import SpecError
from verikit.syntax import ast as a
from verikit.syntax import parse
from verikit.syntax.printer import format_spec

X, Y = a.Name("x"), a.Name("y")


def eq(name: a.Expr, value: int) -> a.BinOp:
    return a.BinOp("==", name, a.IntLit(value))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("property P: eventually x == 1", a.PropertyDecl("eventually", "P", eq(X, 1))),
        (
            "property P: always eventually x == 1",
            a.PropertyDecl("always_eventually", "P", eq(X, 1)),
        ),
        ("property P: always x == 1", a.PropertyDecl("always", "P", eq(X, 1))),
        (
            "property P: x == 1 leads_to y == 2",
            a.PropertyDecl("leads_to", "P", eq(Y, 2), trigger=eq(X, 1)),
        ),
        ("lemma L: x == 1", a.PropertyDecl("lemma", "L", eq(X, 1))),
    ],
)
def test_temporal_properties_and_lemmas(text: str, expected: a.PropertyDecl) -> None:
    assert decl(text) == expected


def test_persistence_is_eventually_always() -> None:
    assert decl("property P: eventually always x == 1") == a.PropertyDecl(
        "eventually_always", "P", eq(X, 1)
    )


def test_forall_in_front_of_a_temporal_property_binds_its_instances() -> None:
    got = decl("property P: forall p, q in S: forall v in 1..N: always eventually x == 1")
    assert isinstance(got, a.PropertyDecl) and got.kind == "always_eventually"
    assert [b.vars for b in got.binders] == [("p", "q"), ("v",)]
    assert got.binders[1].domain == a.RangeExpr(a.IntLit(1), a.Name("N"))
    assert got.expr == eq(X, 1)


def test_a_leads_to_after_forall_belongs_to_the_quantifier() -> None:
    got = decl("property P: forall p in S: p == 1 leads_to x == p")
    assert isinstance(got, a.PropertyDecl) and got.kind == "leads_to"
    assert [b.vars for b in got.binders] == [("p",)]
    assert got.trigger == a.BinOp("==", a.Name("p"), a.IntLit(1))


def test_a_forall_trigger_in_parentheses_stays_the_trigger() -> None:
    got = decl("property P: (forall p in S: p == 1) leads_to x == 2")
    assert isinstance(got, a.PropertyDecl) and not got.binders
    assert isinstance(got.trigger, a.Quantifier)


def test_a_quantified_trigger_ends_before_leads_to() -> None:
    got = decl("property P: exists p in S: p == 1 leads_to x == 2")
    assert isinstance(got, a.PropertyDecl) and got.kind == "leads_to"
    assert isinstance(got.trigger, a.Quantifier)
    assert got.expr == eq(X, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fair action tick", a.FairnessDecl("action", "tick", False)),
        ("fair action Coordinator.begin", a.FairnessDecl("action", "Coordinator.begin", False)),
        ("strong fair action tick", a.FairnessDecl("action", "tick", True)),
        ("fair node Participant", a.FairnessDecl("node", "Participant", False)),
        ("strong fair node Participant", a.FairnessDecl("node", "Participant", True)),
        ("fair delivery", a.FairnessDecl("delivery", None, True)),
        ("fair action eat(p)", a.FairnessDecl("action", "eat", False, params=("p",))),
        (
            "strong fair action Node.send(a, b)",
            a.FairnessDecl("action", "Node.send", True, params=("a", "b")),
        ),
    ],
)
def test_fairness_declarations(text: str, expected: a.FairnessDecl) -> None:
    assert decl(text) == expected


def test_new_keywords_stay_usable_as_variable_names() -> None:
    spec = parse("spec S\nvar delivery: bool = true\nvar strong: bool = false\n", "s.dsl")
    assert [d.name for d in spec.decls if isinstance(d, a.VarDecl)] == ["delivery", "strong"]


def test_liveness_declarations_print_back_to_the_same_ast() -> None:
    text = """spec S
var x: 0..2 = 0
action inc when x < 2 { x = x + 1 }
property Ev: eventually x == 2
property GF: always eventually x == 0
property LT: x == 1 leads_to x == 2
property Al: always x <= 2
property EA: eventually always x == 2
property Q: forall p, q in 1..2: forall r in S: always eventually x == p
property QL: forall p in S: x == p leads_to x == 2
property PL: (forall p in S: x == p) leads_to x == 2
lemma L: x >= 0
fair action inc
strong fair action inc
fair action inc(k)
strong fair action N.go(a, b)
fair delivery
"""
    spec = parse(text, "s.dsl")
    assert parse(format_spec(spec), "again.dsl") == spec


def test_a_property_without_a_temporal_operator_is_a_syntax_error() -> None:
    with pytest.raises(SpecError) as caught:
        parse("spec S\nproperty P: x == 1\n", "s.dsl")
    (d,) = caught.value.diagnostics
    assert (d.span.line, d.span.col) == (2, 19)
    assert "leads_to" in d.message


TEMPORAL_HINT = (
    "`eventually` and `always` are temporal operators: they go in `property Name: …` (not in "
    "an invariant or lemma) and do not nest, except `always eventually` and `eventually always`"
)


@pytest.mark.parametrize(
    ("text", "col", "hint"),
    [
        ("invariant I: eventually x == 1", 25, TEMPORAL_HINT),
        ("lemma L: always x == 1", 17, TEMPORAL_HINT),
        ("property P: always always x == 1", 27, TEMPORAL_HINT),
        ("property P: always eventually eventually x == 1", 42, TEMPORAL_HINT),
        ("property P: eventualy forall a in A: a == 1", 23, "did you mean `eventually`?"),
        ("property P: x == 0 leads_too x == 1", 20, "did you mean `leads_to`?"),
    ],
)
def test_a_misplaced_or_misspelt_temporal_word_gets_a_hint(text: str, col: int, hint: str) -> None:
    """Those words stay usable as names, so the parser trips over the token after them."""
    with pytest.raises(SpecError) as caught:
        parse("spec S\n" + text + "\n")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.col, diagnostic.hint) == (2, col, hint)
