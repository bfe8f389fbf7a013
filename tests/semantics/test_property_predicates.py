"""`crashed(p)` and `network.empty` are for properties: a node cannot see who is down or what
is in flight. Each misuse is an error at its span saying why."""

from __future__ import annotations

from tests.semantics.helpers import errors, model_of

BASE = """\
spec S
message Ping {}
network { reorder: true  crash: true  max_in_flight: 1 }
node A {
  var sent: bool = false
  action ping when not sent { sent = true; send Ping {} to B }
}
node B {
  var got: bool = false
  on Ping { got = true }
}
"""


def test_both_read_the_network_in_a_property() -> None:
    model = model_of(BASE + "invariant I: crashed(B) or network.empty or B.got\n")
    assert [p.name for p in model.props("invariant")] == ["I"]


def test_node_code_may_not_ask() -> None:
    text = BASE.replace("{ got = true }", "{ got = crashed(A) or network.empty }")
    found = errors(text)
    assert [(line, col) for line, col, _ in found] == [(10, 19), (10, 33)]
    assert "`crashed` can only be used in a property" in found[0][2]
    assert "`network.empty` can only be used in properties" in found[1][2]


def test_crashed_needs_a_crashing_network_and_a_node_id() -> None:
    no_crash = BASE.replace("crash: true  ", "") + "invariant I: not crashed(B)\n"
    assert "a spec whose network has `crash`" in errors(no_crash)[0][2]
    bad = BASE + "invariant I: not crashed(3)\n"
    assert errors(bad)[0][2] == "`crashed` needs a node id: `3` is int"


def test_only_empty_is_readable_and_a_variable_named_network_wins() -> None:
    assert "can read `network.empty` only" in errors(BASE + "invariant I: network.size\n")[0][2]
    text = BASE.replace("node A {", "var network: bool = true\nnode A {")
    # a spec's own `network` variable keeps its meaning (it has no field `empty`)
    assert model_of(text + "invariant I: network\n").props("invariant")
