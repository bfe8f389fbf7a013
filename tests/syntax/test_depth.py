"""Nesting is bounded right after parsing: long operator chains are balanced, anything nested
deeper than MAX_DEPTH is a spec error with its span, and every stage (semantics, the compiled
engine, the reference evaluator, Z3, the printer, trace display) runs at the limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.oracle import reference
from verikit import api
from verikit.errors import SourceFile, SpecError
from verikit.symbolic.bmc import bmc
from verikit.syntax import ast, format_spec, parse
from verikit.syntax.depth import BALANCE_OVER, MAX_DEPTH
from verikit.trace.text import render

HEAD = "spec Deep\nvar x: 0..3 = 0\naction inc when x < 3 { x = x + 1 }\nterminal when x == 3\n"


def depth(node: Any) -> int:
    """Height of an AST, without recursion (the tree may be as deep as the input)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        n, level = stack.pop()
        deepest = max(deepest, level)
        for value in vars(n).values():
            for child in value if isinstance(value, tuple) else (value,):
                if type(child).__module__ == ast.__name__:
                    stack.append((child, level + 1))
    return deepest


def refusal(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        parse(text, "deep.dsl")
    (diagnostic,) = caught.value.diagnostics
    assert f"deeper than {MAX_DEPTH} levels" in diagnostic.message
    return str(diagnostic.span)


# ---------------------------------------------------------------- chains


@pytest.mark.parametrize("op", ["and", "or", "+", "*"])
def test_a_long_chain_of_one_operator_is_balanced(op: str) -> None:
    term = "x >= 0" if op in ("and", "or") else "x"
    chain = f" {op} ".join([f"({term})"] * 1000)
    spec = parse(HEAD + f"invariant Long: {chain}" + ("" if op in ("and", "or") else " >= 0"))
    assert depth(spec) < 20  # log2(1000) levels of the chain, not 1000


def test_a_thousand_terms_joined_by_plus_check_as_written(tmp_path: Path) -> None:
    path = tmp_path / "plus.dsl"
    path.write_text(HEAD + "invariant Small: " + " + ".join(["x"] * 1000) + " < 3000\n")
    report = api.check_file(path)
    assert report.verdict == "violated"  # 1000 * 3 is not below 3000
    assert report.traces[0].steps[-1].state == (3,)


def test_250_ands_and_250_ors_load_and_check(tmp_path: Path) -> None:
    path = tmp_path / "chains.dsl"
    ands = " and ".join(f"x != {i}" for i in range(4, 254))
    ors = " or ".join(f"x == {i}" for i in range(250))
    path.write_text(HEAD + f"invariant A: {ands}\ninvariant O: {ors}\n")
    assert api.check_file(path).verdict == "holds"


def test_short_chains_keep_the_shape_they_were_written_in() -> None:
    spec = parse(HEAD + "invariant I: " + " + ".join(["x"] * BALANCE_OVER) + " >= 0")
    e = spec.decls[-1].expr.left  # type: ignore[union-attr]
    for _ in range(BALANCE_OVER - 1):  # left-leaning, as parsed
        assert isinstance(e, ast.BinOp) and e.right == ast.Name("x")
        e = e.left
    assert e == ast.Name("x")


def test_a_balanced_chain_prints_and_parses_back_to_itself() -> None:
    spec = parse(HEAD + "invariant I: " + " + ".join(f"x * {i}" for i in range(40)) + " >= 0")
    assert parse(format_spec(spec)) == spec


def test_parenthesised_parts_of_a_long_chain_belong_to_it() -> None:
    nested = "(x + " * 500 + "x" + ")" * 500
    spec = parse(HEAD + f"invariant I: {nested} >= 0")
    assert depth(spec) < 20


def test_a_balanced_chain_keeps_the_span_of_its_operands() -> None:
    text = HEAD + "invariant I: " + " and ".join(["x >= 0"] * 20) + " and x"
    with pytest.raises(SpecError) as caught:
        api.load_source(SourceFile("chain.dsl", text))
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.span) == f"chain.dsl:5:{13 + 20 * len('x >= 0 and ') + 1}"


# ---------------------------------------------------------------- refused nesting


def test_250_nots_are_refused_at_the_first_level_beyond_the_limit() -> None:
    where = refusal(HEAD + "invariant N: " + "not " * 250 + "(x >= 0)")
    # the declaration is level 1, so the 64th `not` (at column 14 + 4 * 63) is level 65
    assert where == f"deep.dsl:5:{14 + 4 * (MAX_DEPTH - 1)}"


def test_98_nested_ifs_are_refused_with_their_span() -> None:
    body = "x = 1"
    for _ in range(98):
        body = f"if x < 3 {{ {body} }}"
    assert refusal(f"spec Deep\nvar x: 0..3 = 0\naction a {{ {body} }}").startswith("deep.dsl:3:")


@pytest.mark.parametrize("count", [1000, 20_000])
def test_deep_parentheses_are_refused_without_recursion(count: int) -> None:
    refusal(HEAD + "invariant P: " + "(x - " * count + "x" + ")" * count + " >= 0")


def test_deeply_nested_types_are_refused() -> None:
    refusal("spec Deep\nvar s: " + "set<" * 100 + "bool" + ">" * 100 + " = {}")


# ---------------------------------------------------------------- every stage at the limit


def _load(text: str) -> object:
    return api.load_source(SourceFile("deep.dsl", text))


def _largest(make: Callable[[int], str]) -> str:
    """The deepest spec `make` builds that loading accepts (and check the next is refused
    for its depth)."""
    lo, hi = 1, 4 * MAX_DEPTH
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            _load(make(mid))
            lo = mid
        except SpecError:
            hi = mid - 1
    with pytest.raises(SpecError, match=f"deeper than {MAX_DEPTH}|at most {MAX_DEPTH}"):
        _load(make(lo + 1))
    return make(lo)


def _nots(n: int) -> str:
    return HEAD + "invariant N: " + "not " * n + "(x == 3)"


def _minus(n: int) -> str:
    value = 0 if n % 2 else 3  # x - (x - (x - x)) == 0, x - (x - x) == x: both reach it
    return HEAD + "invariant M: " + "(x - " * n + "x" + ")" * n + f" != {value}"


def _if_exprs(n: int) -> str:
    e = "x < 3"
    for i in range(n):
        e = (
            f"if x == {i % 4} then x < 3 else {e}"
            if i % 2
            else f"if x != {i % 4} then {e} else x < 3"
        )
    return HEAD + f"invariant C: {e}"


def _if_stmts(n: int) -> str:
    body = "x = x + 1"
    for _ in range(n):
        body = f"if x < 3 {{ {body} }}"
    return f"spec Deep\nvar x: 0..3 = 0\naction inc when x < 3 {{ {body} }}\ninvariant I: x < 3"


def _quantifiers(n: int) -> str:
    e = "x < 3"
    for i in range(n):
        e = f"forall q{i} in 0..0: {e}"
    return HEAD + f"invariant Q: {e}"


def _fns(n: int) -> str:
    """A chain of n fns, each calling the one before, called deep inside an expression."""
    fns = "fn f0(a: int) -> int = a\n" + "".join(
        f"fn f{i}(a: int) -> int = -f{i - 1}(0 - a)\n" for i in range(1, n + 1)
    )
    nots = "not " * (MAX_DEPTH - 6)
    return HEAD + fns + f"invariant F: {nots}(f{n}(x) * {1 - 2 * (n % 2)} == 3)"


@pytest.mark.parametrize("make", [_nots, _minus, _if_exprs, _if_stmts, _quantifiers, _fns])
def test_every_engine_runs_a_spec_at_the_limit(tmp_path: Path, make: Callable[[int], str]) -> None:
    text = _largest(make)
    spec = parse(text, "deep.dsl")
    assert parse(format_spec(spec)) == spec  # the printer
    path = tmp_path / "deep.dsl"
    path.write_text(text)
    report = api.check_file(path)  # semantics, the compiled engine, replay
    assert report.verdict == "violated"
    assert render(report.traces[0])  # trace display explains the broken property
    compiled = report.loaded.compiled  # type: ignore[union-attr]
    model = compiled.model
    (state,) = reference.init_states(model)  # the reference evaluator agrees on every state
    for _ in range(4):
        for prop, predicate in compiled.properties:
            assert reference.holds(prop, state) == predicate(state)
        successors = reference.successors(model, state)
        assert [t for _, _, t in successors] == compiled.next_states(state)
        state = successors[0][2] if successors else state
    assert bmc(model, 3).bad is not None  # Z3
