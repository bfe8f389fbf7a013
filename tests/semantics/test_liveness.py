"""Liveness properties lower to core properties (a leads_to keeps its trigger, `always` is an
invariant) and `fair …` declarations to obligations over the lowered actions."""

from __future__ import annotations

from tests.semantics.helpers import NODE_STYLE, errors, model_of
from verikit.core.model import Fairness

COUNTER = """\
spec Counter
var x: 0..2 = 0
action inc when x < 2 { x = x + 1 }
action reset(k in {0, 1}) when x == 2 { x = k }
"""


def index(model_text: str, name: str) -> int:
    names = [a.name for a in model_of(model_text).actions]
    return names.index(name)


def test_temporal_properties_keep_their_kind_and_always_is_an_invariant() -> None:
    model = model_of(
        COUNTER
        + "property Ev: eventually x == 2\n"
        + "property GF: always eventually x == 0\n"
        + "property LT: x == 1 leads_to x == 2\n"
        + "property Al: always x <= 2\n"
        + "lemma Pos: x >= 0\n"
    )
    kinds = {p.name: p.kind for p in model.properties}
    assert kinds == {
        "Ev": "eventually", "GF": "always_eventually", "LT": "leads_to",
        "Al": "invariant", "Pos": "lemma",
    }  # fmt: skip
    (lt,) = model.props("leads_to")
    assert lt.trigger is not None and lt.trigger != lt.expr
    assert [p.name for p in model.liveness] == ["Ev", "GF", "LT"]


def test_temporal_operands_must_be_conditions() -> None:
    assert errors(COUNTER + "property P: x leads_to x == 2\n") == [
        (5, 13, "`x` is 0..2, expected bool (leads_to `P`)")
    ]


def test_fair_global_action_is_one_obligation_for_all_its_parameters() -> None:
    model = model_of(COUNTER + "fair action inc\nstrong fair action reset\n")
    inc, reset = index(COUNTER, "inc"), index(COUNTER, "reset")
    assert [(f.strong, f.actions, f.per, f.text) for f in model.fairness] == [
        (False, (inc,), "action", "fair action inc"),
        (True, (reset,), "action", "strong fair action reset"),
    ]


def test_fair_action_with_parameters_is_one_obligation_per_value_of_them() -> None:
    model = model_of(COUNTER + "strong fair action reset(k)\n")
    (fair,) = model.fairness
    assert fair == Fairness(
        True, (index(COUNTER, "reset"),), "params", "strong fair action reset(k)", params=("k",)
    )
    reset = model.actions[index(COUNTER, "reset")]
    assert fair.key_names(reset) == ("k",) and fair.key_positions(reset) == (0,)


def test_a_node_action_with_parameters_is_keyed_by_the_node_first() -> None:
    text = NODE_STYLE + "fair action Participant.vote(b)\n"
    vote = "node Participant[N] {\n  action vote(b: bool) { skip }"
    text = text.replace("node Participant[N] {", vote)
    (fair,) = model_of(text).fairness
    assert (fair.per, fair.params) == ("params", ("self", "b"))


def test_the_parameters_of_a_fair_action_must_be_its_own() -> None:
    text = COUNTER + "fair action reset(j)\nfair action inc(k)\nfair action reset(k, k)\n"
    assert errors(text) == [
        (5, 1, "`fair action reset(j)`: `reset` has no parameter `j` (its parameters are k)"),
        (6, 1, "`fair action inc(k)`: `inc` has no parameter `k` (it has no parameters)"),
        (7, 1, "`fair action reset(k, k)`: parameter `k` is named twice"),
    ]


def test_fair_node_action_is_one_obligation_per_node() -> None:
    model = model_of(NODE_STYLE + "fair action Coordinator.begin\n")
    (fair,) = model.fairness
    assert fair == Fairness(
        False, (index(NODE_STYLE, "Coordinator.begin"),), "node", "fair action Coordinator.begin"
    )


def test_fair_node_covers_its_actions_and_handlers_but_no_faults() -> None:
    model = model_of(NODE_STYLE + "strong fair node Participant\n")
    (fair,) = model.fairness
    covered = {model.actions[k].name for k in fair.actions}
    assert covered == {a.name for a in model.actions if a.name.startswith("Participant.")}
    assert all(model.actions[k].kind in ("action", "receive") for k in fair.actions)
    assert (fair.strong, fair.per) == (True, "node")


def test_fair_delivery_is_strong_per_message_over_every_receive() -> None:
    model = model_of(NODE_STYLE + "fair delivery\n")
    (fair,) = model.fairness
    assert {model.actions[k].kind for k in fair.actions} == {"receive"}
    assert len(fair.actions) == sum(a.kind == "receive" for a in model.actions)
    assert (fair.strong, fair.per) == (True, "message")


def test_fairness_names_must_exist() -> None:
    assert errors(COUNTER + "fair action incc\nfair node Server\nfair delivery\n") == [
        (5, 1, "`fair action incc`: no action named `incc` — did you mean `inc`? "
               "(a node's action is `Node.action`)"),
        (6, 1, "`fair node Server`: no node named `Server`"),
        (7, 1, "`fair delivery` needs a `network` (there are no messages)"),
    ]  # fmt: skip


def test_a_bug_variant_may_expect_a_liveness_violation() -> None:
    model = model_of(COUNTER + "property Ev: eventually x == 2\nexpect violation Ev\n")
    assert model.expected == ("Ev",)


def test_a_fairness_or_expectation_declared_twice_is_an_error() -> None:
    text = COUNTER + (
        "fair action inc\nstrong fair action inc\nfair action inc\n"
        "property Ev: eventually x == 2\nexpect violation Ev\nexpect violation Ev\n"
    )
    assert errors(text) == [
        (7, 1, "`fair action inc` is declared twice (first at line 5)"),
        (10, 1, "`expect violation Ev` is declared twice (first at line 9)"),
    ]
