"""The printer's contract: `parse(format_spec(ast)) == ast`, with as few parentheses as the
precedence table allows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.syntax.helpers import GLOBAL_STYLE, NODE_STYLE, expr
from verikit.syntax import ast as a
from verikit.syntax import format_spec, parse
from verikit.syntax.printer import format_expr

X, Y, Z = a.Name("x"), a.Name("y"), a.Name("z")

OPS = [
    "implies", "or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "subset",
    "+", "-", "*", "/", "%", "&",
]  # fmt: skip
NAMES = st.sampled_from(["x", "y", "p1", "Foo", "_q", "self"])
VARS = st.sampled_from(["x", "k", "v2"])
FIELDS = st.sampled_from(["f", "g", "to", "from"])  # keywords are fine as field names


def _small_tuple(
    elems: st.SearchStrategy[a.Expr], max_size: int = 3
) -> st.SearchStrategy[tuple[a.Expr, ...]]:
    return st.lists(elems, max_size=max_size).map(tuple)


def _types(bounds: st.SearchStrategy[a.Expr]) -> st.SearchStrategy[a.TypeExpr]:
    leaves = st.one_of(
        st.builds(a.NamedType, st.sampled_from(["T", "bool", "int"])),
        st.builds(a.RangeType, bounds, bounds),
        st.builds(a.EnumTypeExpr, st.lists(VARS, min_size=1, max_size=2).map(tuple)),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(a.OptionTypeExpr, inner),
            st.builds(a.SetTypeExpr, inner),
            st.builds(a.MapTypeExpr, inner, inner),
            st.builds(a.SeqTypeExpr, inner, st.none() | bounds),
        ),
        max_leaves=3,
    )


def _record(children: st.SearchStrategy[a.Expr]) -> st.SearchStrategy[a.RecordExpr]:
    fields = st.dictionaries(FIELDS, children, max_size=2).map(
        lambda d: tuple(a.FieldInit(k, v) for k, v in d.items())
    )
    return st.builds(a.RecordExpr, st.sampled_from(["M", "Msg"]), fields)


def _compound(children: st.SearchStrategy[a.Expr]) -> st.SearchStrategy[a.Expr]:
    leaf = st.builds(a.Name, NAMES) | st.builds(a.IntLit, st.integers(0, 99))
    return st.one_of(
        st.builds(a.BinOp, st.sampled_from(OPS), children, children),
        st.builds(a.UnaryOp, st.sampled_from(["not", "-"]), children),
        st.builds(a.IfExpr, children, children, children),
        st.builds(
            a.Quantifier, st.sampled_from(["forall", "exists"]),
            st.lists(VARS, min_size=1, max_size=2).map(tuple), children, children,
        ),
        st.builds(a.SetExpr, _small_tuple(children)),
        st.builds(a.SeqExpr, _small_tuple(children)),
        st.builds(a.RangeExpr, children, children),
        st.builds(a.SetComprehension, children, VARS, children, st.none() | children),
        st.builds(a.MapComprehension, VARS, children, children),
        _record(children),
        st.builds(a.FieldAccess, children, FIELDS),
        st.builds(a.IndexExpr, children, children),
        st.builds(a.CallExpr, st.sampled_from(["len", "f"]), _small_tuple(children)),
        st.builds(a.AllExpr, _types(leaf)),
    )  # fmt: skip


EXPRS: st.SearchStrategy[a.Expr] = st.recursive(
    st.one_of(
        st.builds(a.Name, NAMES),
        st.builds(a.IntLit, st.integers(0, 10**30)),
        st.builds(a.BoolLit, st.booleans()),
        st.just(a.NoneLit()),
    ),
    _compound,
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(EXPRS)
def test_random_expression_survives_print_and_parse(e: a.Expr) -> None:
    assert expr(format_expr(e)) == e


@settings(max_examples=100, deadline=None)
@given(EXPRS, EXPRS)
def test_expressions_before_empty_blocks_survive(guard: a.Expr, domain: a.Expr) -> None:
    loop = a.ForStmt("v", domain, ())
    spec = a.Spec("T", (a.ActionDecl("act", (), guard, (loop, a.IfStmt(guard, ()))),))
    assert parse(format_spec(spec)) == spec


@pytest.mark.parametrize("text", [NODE_STYLE, GLOBAL_STYLE])
def test_examples_survive_print_and_parse(text: str) -> None:
    spec = parse(text)
    printed = format_spec(spec)
    assert parse(printed) == spec
    assert format_spec(parse(printed)) == printed


def test_every_declaration_kind_survives_print_and_parse() -> None:
    text = """spec All
    const N = 2
    type T = record { f: seq<int, 3>, g: map<1..N, bool?> }
    message M { a: T }
    network { loss: true }
    var x: int = any
    durable var y: bool = false
    init { choose v in 1..N { x = v } }
    action a(p: T, q in 1..N) when x > 0 { for v in {1} { let w = v; require w > 0 } }
    fn pure(k: int) -> int = k * 2
    fn proc() { if x == 1 { skip } else if x == 2 { x = 3 } else { send M { a: x } to self } }
    symmetric node G[N] { var z: int = 0 on M(m) from s when z == 0 { broadcast M {} to G } }
    invariant I: x >= 0
    reachable R: x == 1
    constraint x < 5
    constraint C: x < 6
    terminal when x == 2
    expect violation I
    """
    spec = parse(text)
    assert parse(format_spec(spec)) == spec


@pytest.mark.parametrize(
    ("e", "text"),
    [
        (a.BinOp("*", a.BinOp("+", X, Y), Z), "(x + y) * z"),
        (a.BinOp("+", X, a.BinOp("*", Y, Z)), "x + y * z"),
        (a.BinOp("-", X, a.BinOp("-", Y, Z)), "x - (y - z)"),
        (a.BinOp("implies", a.BinOp("implies", X, Y), Z), "(x implies y) implies z"),
        (a.BinOp("==", a.BinOp("==", X, Y), Z), "(x == y) == z"),
        (a.UnaryOp("not", a.Quantifier("exists", ("p",), X, Y)), "not exists p in x: y"),
        (a.BinOp("and", a.Quantifier("forall", ("p",), X, Y), Z), "(forall p in x: y) and z"),
        (a.BinOp("and", Z, a.Quantifier("forall", ("p",), X, Y)), "z and forall p in x: y"),
        (a.FieldAccess(a.UnaryOp("-", X), "f"), "(-x).f"),
        (a.RecordExpr("M", ()), "M {}"),
        (a.AllExpr(a.RangeType(a.IntLit(1), X)), "all (1..x)"),
    ],
)  # fmt: skip
def test_parentheses_only_where_precedence_needs_them(e: a.Expr, text: str) -> None:
    assert format_expr(e) == text


def test_empty_block_after_a_name_is_kept_apart_from_a_record() -> None:
    spec = a.Spec("T", (a.ActionDecl("act", (), a.Name("ready"), ()),))
    assert format_spec(spec) == "spec T\n\naction act when (ready) {}\n"
