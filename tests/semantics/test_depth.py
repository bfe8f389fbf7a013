"""Inlined fns nest their bodies at each call: a long chain of fns calling fns is checked
without recursion and refused, with the call's span, once inlining would nest too deep."""

from __future__ import annotations

import pytest

from verikit.errors import SpecError
from verikit.semantics import analyze
from verikit.syntax import parse
from verikit.syntax.depth import MAX_DEPTH

HEAD = "spec Chain\nvar x: 0..3 = 0\naction inc when x < 3 { x = x + 1 }\n"


def chain(count: int, reverse: bool) -> str:
    fns = ["fn f0(a: int) -> int = a"]
    fns += [f"fn f{i}(a: int) -> int = f{i - 1}(a) + 1" for i in range(1, count)]
    order = reversed(fns) if reverse else fns
    return HEAD + "\n".join(order) + f"\ninvariant I: f{count - 1}(x) >= 0\n"


@pytest.mark.parametrize("reverse", [False, True])
def test_a_chain_of_300_fns_is_refused_where_inlining_gets_too_deep(reverse: bool) -> None:
    with pytest.raises(SpecError) as caught:
        analyze(parse(chain(300, reverse), "chain.dsl"))
    first = caught.value.diagnostics[0]
    assert f"levels deep once fns are inlined (at most {MAX_DEPTH})" in first.message
    assert first.span.file == "chain.dsl"


def test_a_short_chain_of_fns_is_inlined() -> None:
    model = analyze(parse(chain(20, reverse=True)))
    assert [p.name for p in model.properties if p.kind == "invariant"] == ["I"]
