"""Generated code stays within CPython's limits: a guard of thousands of conjuncts is
balanced, and an action that would need more nested loops or indentation than CPython
compiles is a spec error at the action, never an internal error."""

from __future__ import annotations

import pytest

from verikit.compile import build
from verikit.compile.source import MAX_BLOCKS, MAX_INDENT
from verikit.errors import SpecError
from verikit.semantics import analyze
from verikit.syntax import parse


def compiled(text: str) -> object:
    return build(analyze(parse(text, "code.dsl")))


def test_a_guard_of_3000_conjuncts_compiles() -> None:
    guard = " and ".join(["x >= 0"] * 3000)
    model = compiled(f"spec G\nvar x: 0..3 = 0\naction inc when {guard} and x < 3 {{ x = x + 1 }}")
    assert model.next_states((0,)) == [(1,)]  # type: ignore[attr-defined]


def nested_chooses(count: int) -> str:
    body = "x = 1"
    for i in range(count):
        body = f"choose c{i} in bool {{ {body} }}"
    return f"spec C\nvar x: 0..1 = 0\n\naction pick {{ {body} }}"


def sequential_chooses(count: int) -> str:
    body = " ".join(f"choose c{i} in bool {{ skip }}" for i in range(count))
    return f"spec C\nvar x: 0..1 = 0\n\naction pick {{ {body} x = 1 }}"


@pytest.mark.parametrize("make", [nested_chooses, sequential_chooses])
def test_more_nested_loops_than_cpython_allows_are_refused_at_the_action(make: object) -> None:
    compiled(make(MAX_BLOCKS - 1))  # type: ignore[operator]  # `try` + 19 loops: fine
    with pytest.raises(SpecError) as caught:
        compiled(make(MAX_BLOCKS))  # type: ignore[operator]
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.span) == "code.dsl:4:1"
    assert f"more than {MAX_BLOCKS} nested loops" in diagnostic.message


def test_more_indentation_than_cpython_allows_is_refused_at_the_action() -> None:
    requires = " ".join("if x < 3 { require x >= 0 }" for _ in range(60))  # each nests the rest
    with pytest.raises(SpecError) as caught:
        compiled(f"spec R\nvar x: 0..3 = 0\n\naction step {{ {requires} x = 1 }}")
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.span) == "code.dsl:4:1"
    assert f"more than {MAX_INDENT} levels of indentation" in diagnostic.message
