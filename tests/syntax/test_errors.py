"""Syntax errors: one diagnostic, at the offending token, saying what was found and what
was expected; never a Lark exception."""

from __future__ import annotations

import pytest

from verikit.errors import SpecError
from verikit.syntax import parse


def error_of(text: str) -> tuple[int, int, str]:
    with pytest.raises(SpecError) as caught:
        parse(text, "bad.dsl")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.span.file == "bad.dsl"
    return diagnostic.span.line, diagnostic.span.col, diagnostic.message


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("", 1, 1, "unexpected end of file; expected `spec`"),
        ("const N = 3", 1, 1, "unexpected `const`; expected `spec`"),
        ("spec X\nconst N = = 3", 2, 11, "unexpected `=`; expected an expression"),
        ("spec X\nnode A {\n  var x: int = 0\n  x = 1\n}", 4, 3,
         "unexpected `x`; expected `}` or a declaration"),
        ("spec X\naction a {\n  x = 1\n", 3, 8,
         "unexpected end of file; expected `}` or a statement"),
        ("spec X\naction a { x = @ }", 2, 16, "unexpected character `@`"),
        ("spec X\naction a { if x { y = 1 } else }", 2, 32,
         "unexpected `}`; expected `if` or `{`"),
        ("spec X\nvar x: set<int = {}", 2, 16, "unexpected `=`; expected `>` or `?`"),
        ("spec X\ninvariant: x", 2, 10, "unexpected `:`; expected a name"),
        ("spec X\naction a { x = 1 + }", 2, 20, "unexpected `}`; expected an expression"),
        ("spec X\naction a { send Vote to c }", 2, 17,
         "unexpected `Vote`; expected a record literal `Name { field: value }`"),
        ("spec X\ninvariant I: a == b == c", 2, 21,
         "unexpected `==`; expected a declaration or end of file"),
        ("spec X\nspec Y", 2, 1, "unexpected `spec`; expected a declaration or end of file"),
        ("spec X\ntype T = enum { }", 2, 17, "unexpected `}`; expected a name"),
        ("spec X\nmessage M { a: int b: int }", 2, 20,
         "unexpected `b`; expected `}`, `,` or an operator"),
        ("spec X\nfn f(x) = x", 2, 7, "unexpected `)`; expected `:` or `in`"),
        ("spec X\naction a { x = forall y: p }", 2, 24, "unexpected `:`; expected `,` or `in`"),
        ("spec X\nconst N = (1 + 2", 2, 17, "unexpected end of file; expected `)` or `,`"),
        ("spec X\nnode A { invariant I: true }", 2, 10,
         "unexpected `invariant`; expected `}` or a declaration"),
        ("spec X\nvar x: = 1", 2, 8, "unexpected `=`; expected a type"),
        ("spec X\nnetwork { loss true }", 2, 16, "unexpected `true`; expected `:`"),
        ("spec X\n\tconst N = 3 $", 2, 14, "unexpected character `$`"),
        ("spec X\nexpect Atomicity", 2, 8, "unexpected `Atomicity`; expected `violation`"),
        ("spec X\nexpect violation", 2, 17, "unexpected end of file; expected a name"),
    ],
)  # fmt: skip
def test_syntax_error_position_and_message(text: str, line: int, col: int, message: str) -> None:
    assert error_of(text) == (line, col, message)


def test_unexpected_token_span_covers_the_token() -> None:
    with pytest.raises(SpecError) as caught:
        parse("spec X\nconst N = (1 then 2)")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "unexpected `then`; expected `)` or `,`"
    span = diagnostic.span
    assert (span.line, span.col, span.end_line, span.end_col) == (2, 14, 2, 18)


def test_empty_block_after_a_name_gets_a_hint() -> None:
    with pytest.raises(SpecError) as caught:
        parse("spec X\naction a when ready {}")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "unexpected end of file; expected `{`"
    assert diagnostic.hint == (
        "`ready {}` reads as an empty record literal; write an empty block as `{ skip }`"
    )


def test_chained_comparison_gets_a_hint() -> None:
    with pytest.raises(SpecError) as caught:
        parse("spec X\ninvariant I: 0 < x < 3")
    assert caught.value.diagnostics[0].hint == "comparisons do not chain: write `a < b and b < c`"


def test_generic_closer_touching_equals_gets_a_hint() -> None:
    with pytest.raises(SpecError) as caught:
        parse("spec X\nvar q: seq<int, 3>= []")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.col) == (2, 18)
    assert diagnostic.hint == "put a space between `>` and `=`: `>=` is the comparison"


def test_map_comprehension_key_must_be_its_variable() -> None:
    assert error_of("spec X\nconst m = { k: 1 for j in S }") == (
        2, 22, "the map comprehension's key `k` must be its variable, not `j`",
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["spec", "spec 3", "spec X const", "spec X action", "spec X node N[", "spec X type T = map<",
     "spec X var x: int = {k: 1 for", "spec X invariant I: x.1", "\x00", "spec X fn f() ->"],
)  # fmt: skip
def test_truncated_or_garbled_input_is_a_spec_error(text: str) -> None:
    with pytest.raises(SpecError):
        parse(text)
