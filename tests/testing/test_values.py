"""Spec values cross to an adapter as plain Python and come back exactly; a wrong one is an
error that names where it is and what was expected."""

import pytest

from verikit.api import load
from verikit.testing.values import Record, from_python, to_python

CRDT = "specs/crdt_counter.dsl"


def test_every_reachable_value_round_trips():
    compiled = load(CRDT).compiled
    state = compiled.init_states()[0]
    seen = 0
    for _ in range(6):
        successors = compiled.labelled_successors(state)
        for succ in successors:
            for var, value in zip(compiled.model.vars, succ.state, strict=True):
                assert from_python(var.type, to_python(var.type, value), var.name) == value
                seen += 1
        state = successors[-1].state
    assert seen > 100


def test_records_are_hashable_read_only_mappings():
    record = Record({"token": 2, "counts": Record({0: 1})})
    assert record.token == 2 and record["counts"][0] == 1
    assert len({record, Record({"counts": Record({0: 1}), "token": 2})}) == 1


def test_a_total_map_may_be_a_list_and_a_node_its_display_name():
    model = load(CRDT).model
    p = model.vars[0].type  # Replica.p: map<Replica, map<Replica, 0..1>>
    assert from_python(p, {"Replica[1]": [1, 0], 1: {0: 0, 1: 1}}, "p") == ((1, 0), (0, 1))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({0: [1, "x"], 1: [0, 0]}, "p[0][1]: expected an int, got 'x' (str)"),
        ({7: [0, 0]}, "p key: expected a node id: one of 0 (Replica[1]), 1 (Replica[2]), got 7"),
        ([[0, 0]], "p: expected a map"),
        ({0: [True, 0], 1: [0, 0]}, "p[0][0]: expected an int, got True (bool)"),
    ],
)
def test_a_wrong_value_names_where_and_what_was_expected(value, message):
    p = load(CRDT).model.vars[0].type
    with pytest.raises(ValueError) as error:
        from_python(p, value, "p")
    assert message in str(error.value)


def test_ints_out_of_range_come_back_to_be_compared_not_rejected():
    p = load(CRDT).model.vars[0].type
    assert from_python(p, {0: [2, 0], 1: [0, 0]}, "p") == ((2, 0), (0, 0))


def test_a_tuple_crosses_as_a_python_tuple():
    from verikit.core.types import BOOL, IntType, SetType, tuple_type

    pairs = SetType(tuple_type((IntType(1, 3), BOOL)))
    value = frozenset({(1, True), (3, False)})
    assert to_python(pairs, value) == value
    assert from_python(pairs, to_python(pairs, value), "edges") == value
    with pytest.raises(ValueError, match=r"edges"):
        from_python(pairs, frozenset({(1, True, 2)}), "edges")
