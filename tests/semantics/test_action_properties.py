"""`property P: always step: e` lowers to a core Property of kind "step" whose expression
reads the state after the step as slots len(vars) + i; a prime anywhere else is an error."""

from __future__ import annotations

from tests.semantics.helpers import NODE_STYLE, errors, model_of
from verikit.core import ir
from verikit.core.walk import state_vars

TERMS = """\
spec Terms
var term: 0..3 = 0
var log: seq<0..3, 2> = []
action bump when term < 3 { term = term + 1 }
"""


def test_a_primed_variable_reads_the_next_state() -> None:
    model = model_of(TERMS + "property Mono: always step: term' >= term\n")
    (prop,) = model.props("step")
    width = len(model.vars)
    assert prop.kind == "step" and width == 2
    assert isinstance(prop.expr, ir.Binary)
    assert prop.expr.left == ir.StateVar(width + 0, "term", prop.expr.left.type)
    assert prop.expr.right == ir.StateVar(0, "term", prop.expr.right.type)


def test_priming_an_expression_primes_every_variable_in_it() -> None:
    model = model_of(TERMS + "property P: always step: (term + len(log))' >= term\n")
    (prop,) = model.props("step")
    assert state_vars(prop.expr) == {0, 2, 3}


def test_a_node_variable_through_a_quantified_node_is_primed_not_the_node() -> None:
    text = NODE_STYLE + (
        "property Final: forall p in Participant: always step: "
        "p.state == Committed implies p.state' == Committed\n"
    )
    props = model_of(text).props("step")
    assert [p.name for p in props] == [f"Final(p=Participant[{i}])" for i in (1, 2, 3)]


def test_a_prime_outside_an_action_property_is_an_error() -> None:
    found = errors(TERMS + "invariant I: term' >= 0\nproperty L: eventually term' == 3\n")
    assert [(line, col) for line, col, _ in found] == [(5, 14), (6, 24)]
    assert all("only in an action property" in message for _, _, message in found)


def test_priming_twice_is_an_error() -> None:
    ((line, col, message),) = errors(TERMS + "property P: always step: (term' + 1)' > term\n")
    assert (line, col) == (5, 27) and "primed twice" in message


def test_a_prime_in_an_action_body_is_an_error() -> None:
    found = errors(TERMS.replace("term = term + 1", "term = term' + 1"))
    assert [(line, col) for line, col, _ in found] == [(4, 36)]
