"""End to end through the parser: the two examples of LANGUAGE.md lower to models that the
reference evaluator explores with the expected outcomes."""

from __future__ import annotations

from tests.semantics.helpers import (
    GLOBAL_STYLE,
    NODE_STYLE,
    action_kinds,
    explore,
    model_of,
)

EXAMPLE_NETWORK = "network { loss: true  duplicate: true  reorder: true  max_in_flight: 6 }"


def node_style(network: str) -> str:
    return NODE_STYLE.replace(EXAMPLE_NETWORK, network)


def test_global_two_phase_reaches_as_many_states_as_tlc() -> None:
    assert explore(model_of(GLOBAL_STYLE)).distinct == 288
    assert explore(model_of(GLOBAL_STYLE, {"RMs": 4})).distinct == 1568


def test_global_two_phase_is_consistent() -> None:
    assert explore(model_of(GLOBAL_STYLE)).violations == ()


def test_node_two_phase_has_the_actions_of_its_nodes_and_network() -> None:
    assert action_kinds(model_of(NODE_STYLE)) == {
        "Coordinator.begin": "action",
        "Coordinator.on Vote": "receive",
        "Coordinator.give_up": "action",
        "Participant.on Prepare": "receive",
        "Participant.on Outcome": "receive",
        "network.drop": "drop",
        "network.duplicate": "duplicate",
    }


def test_node_two_phase_is_atomic_over_a_reordering_lossy_network() -> None:
    result = explore(
        model_of(node_style("network { loss: true reorder: true max_in_flight: 3 }"), {"N": 2})
    )
    assert (result.distinct, result.violations) == (274, ())


def test_node_two_phase_state_counts_are_stable() -> None:
    assert explore(model_of(node_style("network { }"), {"N": 2})).distinct == 93
    assert explore(model_of(node_style("network { reorder: true }"), {"N": 2})).distinct == 112


def test_a_coordinator_crash_breaks_atomicity_when_messages_reorder() -> None:
    # The restarted coordinator runs the protocol again and may abort after committing; over
    # FIFO channels the stale Prepare blocks the later Abort, over a reordering network not.
    fifo = explore(model_of(node_style("network { crash: true }"), {"N": 2}))
    bag = explore(model_of(node_style("network { crash: true reorder: true }"), {"N": 2}))
    assert {name for name, _ in fifo.violations} == set()
    assert {name for name, _ in bag.violations} == {"Atomicity"}


def test_a_bug_variant_records_the_violation_it_expects() -> None:
    variant = node_style("network { crash: true reorder: true }") + "expect violation Atomicity\n"
    assert model_of(variant).expected == ("Atomicity",)
