"""Sizes the search cannot explore are refused while loading (docs/limits.md): a node group,
a state layout, an enumerated domain or a symmetric group too large. Each error names the
size and the constant behind it, at the span that makes it so. Before these limits, such a
spec looped for ever in lowering or ran out of memory before its first state."""

from __future__ import annotations

import pytest

from tests.semantics.helpers import model_of, the_error
from tests.within import finishes_within
from verikit.errors import SpecError
from verikit.semantics import analyze
from verikit.syntax import parse

NODES = """\
spec Big
const N = 3
node P[N] {
  var x: bool = false
  init { x = false }
  action go when not x { x = true }
}
"""


def test_a_node_group_too_large_is_refused_at_its_count_naming_the_option() -> None:
    with finishes_within(10):
        line, col, message = the_error(NODES, {"N": 10**20})
    assert (line, col) == (3, 8)
    assert "node group `P` has 100,000,000,000,000,000,000 nodes" in message
    assert "(N = 100000000000000000000, from --const N)" in message
    assert "at most 1,000 nodes in a group" in message


def test_a_node_group_limit_names_a_declared_constant_too() -> None:
    with finishes_within(10):
        line, col, message = the_error(NODES.replace("const N = 3", "const N = 5000"))
    assert (line, col, "(N = 5000)" in message) == (3, 8, True)


WIDE = """\
spec Wide
const RMs = 3
type RM = 1..RMs
var rmState: map<RM, bool> = { r: false for r in RM }
var done: bool = false
action finish(r: RM) when not rmState[r] { rmState[r] = true }
"""


def test_a_state_layout_too_wide_is_refused_at_its_widest_variable() -> None:
    with finishes_within(10):
        line, col, message = the_error(WIDE, {"RMs": 100_000})
    assert (line, col) == (4, 1)
    assert message.startswith("a state holds 100,001 entries, 100,000 of them in this one")
    assert "(RMs = 100000, from --const RMs)" in message
    assert "states of at most 10,000 entries" in message


def test_a_layout_within_the_limit_loads() -> None:
    assert len(model_of(WIDE, {"RMs": 9_999}).vars) == 2


LISTED = """\
spec Listed
type Pair = record { a: 0..2000, b: 0..2000 }
var last: Pair? = none
action pick(p: Pair) when last == none { last = p }
"""


def test_a_domain_too_large_to_list_is_refused_where_it_is_iterated() -> None:
    with finishes_within(10):
        line, col, message = the_error(LISTED)
    assert (line, col) == (4, 13)
    assert message.startswith("Pair has 4,004,001 values")
    assert "lists at most 1,000,000 values of a domain" in message


@pytest.mark.parametrize(
    "expr",
    [
        "forall i in 0..5000000: i >= 0",
        "forall i in Big: i >= 0",
        "{ i for i in 0..5000000 if i < x } == {}",
        "x in 0..1000000000 and x in Big and x in 0..x + 1000000000",
    ],
)
def test_an_int_range_is_iterated_lazily_or_tested_for_membership_never_listed(
    expr: str,
) -> None:
    text = (
        "spec Lazy\ntype Big = 0..1000000000\nvar x: 0..3 = 0\n"
        f"action inc when x < 3 {{ x = x + 1 }}\ninvariant I: {expr}\n"
    )
    with finishes_within(10):
        assert [p.name for p in model_of(text).properties] == ["I"]


def test_a_map_literal_over_a_huge_key_type_is_refused() -> None:
    text = "spec M\nvar x: 0..3 = 0\ninvariant I: { i: 0 for i in 0..1000000000 } != {}\n"
    with finishes_within(10):
        line, col, message = the_error(text)
    assert line == 3 and "0..1000000000 has 1,000,000,001 values" in message


def test_all_of_a_huge_range_as_a_set_value_is_refused() -> None:
    text = "spec All\ntype Big = 0..1000000000\nvar s: set<Big> = {}\ninvariant I: s != all Big\n"
    with finishes_within(10):
        line, col, message = the_error(text)
    assert (line, col) == (4, 19) and "0..1000000000 has 1,000,000,001 values" in message


def test_a_symmetric_group_with_too_many_renamings_is_refused() -> None:
    text = NODES.replace("node P", "symmetric node P")
    assert len(model_of(text, {"N": 7}).nodes) == 1  # 5,040 renamings: allowed
    line, col, message = the_error(text, {"N": 8})
    assert (line, col) == (3, 18)
    assert "gives 40,320 renamings to try on every state" in message
    assert "drop `symmetric`" in message


def test_a_constant_from_elsewhere_than_the_command_line_is_named_by_its_source() -> None:
    spec = parse(NODES, "spec.dsl")
    with finishes_within(10), pytest.raises(SpecError) as caught:
        analyze(spec, {"N": 10**6}, {"N": "trace.json's #meta"})
    (diagnostic,) = caught.value.diagnostics
    assert "(N = 1000000, from `N` in trace.json's #meta)" in diagnostic.message
    with pytest.raises(SpecError) as caught:
        analyze(spec, {"N": True}, {"N": "trace.json's #meta"})
    message = caught.value.diagnostics[0].message
    assert message == "`N` in trace.json's #meta must be int like its declaration, got bool"
