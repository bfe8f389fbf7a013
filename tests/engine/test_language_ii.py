"""Language II constructs of expressions and statements (issue 13) run the same in every
engine: compiled Python, the reference interpreter, native C and Z3 (tests/engine/agreement.py)."""

from __future__ import annotations

from pathlib import Path

from tests.engine.agreement import every_engine_agrees

CORPUS = Path(__file__).parents[1] / "corpus"


def corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- assert


def test_a_failing_assert_is_the_same_fault_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("error/assert_fails.dsl"))
    assert agreed.faults == (("assertion Conserved failed: a + b == 4", 9, 3),)
    (fault,) = [d for d in agreed.result.violations if d.kind == "fault"]
    assert len(fault.path) - 1 == 4


def test_an_assert_that_holds_changes_nothing() -> None:
    agreed = every_engine_agrees(corpus("holds/assert_holds.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 5


def test_an_unlabelled_assert_inside_a_loop_and_a_fn_quotes_its_condition() -> None:
    text = """spec Loop
var m: map<1..3, 0..3> = { k: 0 for k in 1..3 }
fn bump(k: 1..3) { m[k] = m[k] + 1; assert m[k] <= 2 }
action all_up { for k in 1..3 { bump(k) } }
"""
    agreed = every_engine_agrees(text)
    assert agreed.faults == (("assertion failed: m[k] <= 2", 3, 37),)


# ---------------------------------------------------------------- optionals, flow-typed


def test_a_guarded_optional_node_id_runs_the_same_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/optional_flow_typing.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 23


def test_an_unguarded_optional_node_id_is_unwrapped_and_none_faults() -> None:
    text = """spec Unguarded
message Ping {}
node A[2] {
  var to: A? = none
  action go { send Ping {} to to }
}
network { max_in_flight: 1 }
"""
    agreed = every_engine_agrees(text)
    assert agreed.faults == (("value is none", 5, 31),)


# ---------------------------------------------------------------- tuples


def test_tuples_run_the_same_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/tuples.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 39


def test_a_tuple_stored_outside_its_type_faults_at_its_position() -> None:
    text = """spec Out
var t: tuple<0..2, bool> = (0, false)
action up { t = (t[1] + 1, not t[2]) }
"""
    agreed = every_engine_agrees(text)
    assert agreed.faults == (("value 3 out of range 0..2 in tuple position 1", 3, 13),)


# ---------------------------------------------------------------- let … in, pick


def test_let_and_pick_run_the_same_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/let_and_pick.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 12


def test_pick_with_nothing_to_pick_is_the_same_fault_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("error/pick_nothing.dsl"))
    assert agreed.faults == (("pick: no element qualifies", 6, 13),)


def test_pick_takes_the_least_element_in_set_order_of_any_finite_type() -> None:
    text = """spec Order
type Color = enum { Red, Green, Blue }
node G[3] { var c: Color = Blue }
var chosen: set<tuple<Color, G>> = {}
var first: tuple<Color, G>? = none
action mark(p in G, c: Color) when (c, p) not in chosen and len(chosen) < 2 {
  chosen = chosen + {(c, p)}
  first = pick x in chosen
}
network { max_in_flight: 1 }
invariant Member: first == none or first in chosen
"""
    agreed = every_engine_agrees(text, budget=3)
    assert agreed.faults == ()


# ---------------------------------------------------------------- set constants, closure


def test_set_constants_and_closure_run_the_same_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/graph_closure.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 8


def test_closure_finds_a_cycle_in_every_engine_at_the_same_depth() -> None:
    agreed = every_engine_agrees(corpus("violated/graph_cycle.dsl"))
    (found,) = [d for d in agreed.result.violations if d.property == "Acyclic"][:1]
    assert len(found.path) - 1 == 2


def test_a_set_constant_from_the_command_line_replaces_the_declared_one() -> None:
    agreed = every_engine_agrees(
        corpus("holds/graph_closure.dsl"), {"Edges": frozenset({(1, 2), (2, 1)})}
    )
    assert "Acyclic" in {d.property for d in agreed.result.violations}


# ---------------------------------------------------------------- node ids: index and order


def test_index_and_order_of_node_ids_run_the_same_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/node_order.dsl"), budget=3)
    assert agreed.faults == () and agreed.result.stats.distinct_states == 314


# ---------------------------------------------------------------- deadlock: allowed


def test_deadlock_allowed_is_the_same_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/deadlock_allowed.dsl"))
    assert agreed.result.violations == () and agreed.result.stats.distinct_states == 4
    reported = corpus("holds/deadlock_allowed.dsl").replace("allowed", "reported")
    found = every_engine_agrees(reported).result.violations
    assert [(d.kind, len(d.path) - 1) for d in found][:1] == [("deadlock", 2)]
