"""`property P: forall p in D: …` lowers to one property per value of p, each named with its
value and remembering the declared name; `eventually always` is a liveness kind of its own."""

from __future__ import annotations

from tests.semantics.helpers import NODE_STYLE, errors, model_of
from verikit.core import ir

COUNTER = """\
spec Counter
const N = 3
type P = 1..N
var done: map<P, bool> = { p: false for p in P }
action finish(p: P) when not done[p] { done[p] = true }
"""


def test_each_value_of_the_quantified_variable_is_one_instance() -> None:
    model = model_of(COUNTER + "property Each: forall p in P: eventually done[p]\n")
    assert [(p.name, p.family, p.binding) for p in model.liveness] == [
        ("Each(p=1)", "Each", (("p", "1"),)),
        ("Each(p=2)", "Each", (("p", "2"),)),
        ("Each(p=3)", "Each", (("p", "3"),)),
    ]
    first = model.liveness[0].expr
    assert isinstance(first, ir.Let) and first.value == ir.Lit(1, first.value.type)


def test_nested_quantifiers_give_every_combination_outermost_first() -> None:
    model = model_of(
        COUNTER + "property Chain: forall p in 1..2: forall q in 2..3: done[p] leads_to done[q]\n"
    )
    assert [p.name for p in model.liveness] == [
        "Chain(p=1, q=2)", "Chain(p=1, q=3)", "Chain(p=2, q=2)", "Chain(p=2, q=3)",
    ]  # fmt: skip
    assert all(p.kind == "leads_to" and p.trigger is not None for p in model.liveness)


def test_a_node_group_gives_one_instance_per_node_named_as_the_spec_names_it() -> None:
    text = NODE_STYLE + (
        "property Decides: forall p in Participant: "
        "eventually p.state == Committed or p.state == Aborted\n"
    )
    names = [p.name for p in model_of(text).liveness if p.family == "Decides"]
    assert names == [f"Decides(p=Participant[{i}])" for i in (1, 2, 3)]


def test_an_expected_quantified_property_expects_each_instance() -> None:
    model = model_of(
        COUNTER + "property Each: forall p in P: eventually done[p]\nexpect violation Each\n"
    )
    assert set(model.expected_properties) >= {"Each(p=1)", "Each(p=2)", "Each(p=3)"}


def test_the_domain_must_be_fixed_when_the_spec_is_analysed() -> None:
    bad = "property Bad: forall p in { q for q in P if done[q] }: eventually done[p]\n"
    found = errors(COUNTER + bad)
    assert [(line, col) for line, col, _ in found] == [(6, 27)]
    assert "ranges over a fixed set" in found[0][2]


def test_persistence_is_its_own_liveness_kind() -> None:
    model = model_of(COUNTER + "property Stays: eventually always done[1]\n")
    assert [(p.name, p.kind) for p in model.liveness] == [("Stays", "eventually_always")]
