"""trace.itf: the Informal Trace Format out and back in, value by value."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.fakes import two_phase
from tests.trace.models import ANY_NODE, ENTRY, MSG, PART_T, TO_SERVER, fifo_ping, mini_commit
from tests.trace.test_replay import action, walk
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    BagType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
)
from verikit.engine import Discovery, check
from verikit.trace import from_itf, replay, replay_states, to_itf
from verikit.trace.itf import ItfError, consts_of, decode, encode

COLOR = EnumType("Color", ("Red", "Green"))


def roundtrip(t: Type, value: Any) -> Any:
    return decode(t, json.loads(json.dumps(encode(t, value))))


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("t", "value", "itf"),
    [
        (INT, 5, {"#bigint": "5"}),
        (INT, -(2**70), {"#bigint": str(-(2**70))}),
        (BOOL, True, True),
        (COLOR, "Green", "Green"),
        (PART_T, 2, "Participant[2]"),
        (ANY_NODE, 0, "Coordinator"),
        (SetType(IntType(1, 3)), frozenset({3, 1}), {"#set": [{"#bigint": "1"}, {"#bigint": "3"}]}),
        (MapType(IntType(1, 3), BOOL), (True, MISSING, False),
         {"#map": [[{"#bigint": "1"}, True], [{"#bigint": "3"}, False]]}),
        (SeqType(COLOR), ("Red", "Red"), ["Red", "Red"]),
        (RecordType("P", (("x", INT), ("ok", BOOL))), (1, False), {"x": {"#bigint": "1"}, "ok": False}),
        (MSG, ("Vote", True), {"tag": "Vote", "value": {"yes": True}}),
        (MSG, ("Prepare",), {"tag": "Prepare", "value": {}}),
        (OptionType(INT), None, {"tag": "None", "value": {"#tup": []}}),
        (OptionType(INT), 7, {"tag": "Some", "value": {"#bigint": "7"}}),
        (BagType(COLOR), frozenset({("Red", 2)}), {"#map": [["Red", {"#bigint": "2"}]]}),
    ],
)  # fmt: skip
def test_values_encode_as_itf_and_decode_back(t: Type, value: Any, itf: Any) -> None:
    assert encode(t, value) == itf
    assert roundtrip(t, value) == value


def test_plain_json_numbers_are_accepted_for_ints() -> None:
    assert decode(INT, 12) == 12


@pytest.mark.parametrize(
    ("t", "itf", "message"),
    [
        (COLOR, "Blue", "expected one of Red, Green"),
        (PART_T, "Participant[3]", "expected a node"),
        (BOOL, 1, "expected true or false"),
        (OptionType(INT), {"tag": "Maybe", "value": 1}, "expected variant Some"),
        (SetType(INT), [1], '{"#set": […]}'),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused(t: Type, itf: Any, message: str) -> None:
    with pytest.raises(ItfError, match=message.replace("[", r"\[").replace("]", r"\]")):
        decode(t, itf)


# ---------------------------------------------------------------- whole traces


def test_a_trace_round_trips_through_itf_json_and_replays_as_a_run() -> None:
    c = mini_commit()
    trace = replay(c, check(c).violations[0])
    doc = json.loads(json.dumps(to_itf(trace, c.model)))
    states = from_itf(doc, c.model)
    assert states == [step.state for step in trace.steps]
    assert replay_states(c, states).path == check(c).violations[0].path


def test_a_fifo_trace_round_trips_with_channels_as_map_keys() -> None:
    c = fifo_ping()
    path = walk(c, action(c, "Client.send"), action(c, "Client.send"), action(c, "Server.on Ping"))
    trace = replay(c, Discovery("(a walk)", "reachable", path))
    doc = json.loads(json.dumps(to_itf(trace, c.model)))
    assert doc["states"][2]["network"]["#map"][TO_SERVER] == [
        {"src": "Client", "dst": "Server"},
        [
            {"tag": "Ping", "value": {"n": {"#bigint": "1"}}},
            {"tag": "Ping", "value": {"n": {"#bigint": "2"}}},
        ],
    ]
    assert from_itf(doc, c.model) == [step.state for step in trace.steps]


def test_itf_document_carries_format_vars_and_step_labels() -> None:
    c = mini_commit()
    doc = to_itf(replay(c, check(c).violations[0]), c.model)
    meta = doc["#meta"]
    assert meta["format"] == "ITF" and meta["source"] == "minicommit.dsl"
    assert meta["verikit"] == {
        "spec": "MiniCommit",
        "property": "NotBothPrepared",
        "kind": "invariant",
        "consts": {},
    }
    assert doc["vars"] == [v.name for v in c.model.vars]
    assert doc["states"][0]["#meta"] == {"index": 0, "action": "init", "kind": "init"}
    assert doc["states"][2]["#meta"] == {
        "index": 2,
        "action": "Participant.on_Prepare",
        "kind": "receive",
        "node": "Participant[1]",
        "message": "Prepare Coordinator → Participant[1]",
    }
    assert doc["states"][0]["Participant.state"] == {
        "#map": [["Participant[1]", "Working"], ["Participant[2]", "Working"]]
    }
    assert "loop" not in doc


def test_global_action_parameters_are_kept_in_the_state_meta() -> None:
    c = two_phase(3)
    doc = to_itf(replay(c, check(c).witnesses[0]), c.model)
    assert doc["states"][1]["#meta"]["params"] == {"r": "1"}


def test_a_missing_variable_is_refused_with_its_state() -> None:
    c = mini_commit()
    doc = to_itf(replay(c, check(c).violations[0]), c.model)
    del doc["states"][1]["crashes"]
    with pytest.raises(ItfError, match="state 1: variable crashes is missing"):
        from_itf(doc, c.model)
    doc["states"][1]["crashes"] = {"#bigint": "x"}
    with pytest.raises(ItfError, match="state 1, variable crashes"):
        from_itf(doc, c.model)


# ---------------------------------------------------------------- any value of any core type

GROUPS = (NodeGroup("Solo", 0, 1), NodeGroup("Peer", 1, 3))
SCALARS: list[Type] = [
    BOOL,
    INT,
    IntType(-2, 2),
    COLOR,
    EnumType("", ("A", "B", "C")),
    NodeType(GROUPS),
    NodeType(GROUPS[1:]),
]
KEYS: list[Type] = [
    BOOL,
    IntType(-1, 2),
    COLOR,
    NodeType(GROUPS),
    RecordType("Channel", (("src", NodeType(GROUPS)), ("dst", NodeType(GROUPS)))),
]


def types() -> st.SearchStrategy[Type]:
    def compound(inner: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
        fields = st.lists(inner, max_size=3).map(
            lambda ts: tuple((f"f{i}", t) for i, t in enumerate(ts))
        )
        variants = st.lists(fields, min_size=1, max_size=3).map(
            lambda vs: MessageType(tuple(RecordType(f"M{i}", f) for i, f in enumerate(vs)))
        )
        return st.one_of(
            inner.filter(lambda t: not isinstance(t, OptionType)).map(OptionType),
            st.builds(RecordType, st.sampled_from(["", "R"]), fields),
            variants,
            inner.map(SetType),
            inner.map(BagType),
            inner.map(SeqType),
            st.builds(MapType, st.sampled_from(KEYS), inner),
        )

    return st.recursive(st.sampled_from(SCALARS), compound, max_leaves=6)


def values(t: Type) -> st.SearchStrategy[Any]:
    match t:
        case IntType(lo=None):
            return st.integers()
        case OptionType(inner=inner):
            return st.none() | values(inner)
        case RecordType(fields=fields):
            return st.tuples(*(values(ft) for _, ft in fields))
        case MessageType(variants=vs):
            return st.one_of(*(values(v).map(_tagged(v.name)) for v in vs))
        case SetType(elem=elem):
            return st.frozensets(values(elem), max_size=3)
        case BagType(elem=elem):
            counts = st.dictionaries(values(elem), st.integers(1, 4), max_size=3)
            return counts.map(lambda d: frozenset(d.items()))
        case SeqType(elem=elem):
            return st.lists(values(elem), max_size=3).map(tuple)
        case MapType(key=key, value=vt):
            slot = st.just(MISSING) | values(vt)
            return st.tuples(*(slot for _ in domain(key)))
    return st.sampled_from(domain(t))


def _tagged(name: str) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    return lambda fields: (name, *fields)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_every_value_of_every_core_type_round_trips(data: st.DataObject) -> None:
    t = data.draw(types())
    value = data.draw(values(t))
    assert roundtrip(t, value) == value


def test_network_entries_round_trip() -> None:
    entry = (1, 0, ("Vote", False))
    assert roundtrip(ENTRY, entry) == entry
    assert encode(ENTRY, entry) == {
        "src": "Participant[1]",
        "dst": "Coordinator",
        "msg": {"tag": "Vote", "value": {"yes": False}},
    }


def test_the_constants_of_a_run_travel_with_its_trace() -> None:
    c = mini_commit()
    model = dataclasses.replace(c.model, consts=(("N", 2), ("Fast", True)))
    doc = json.loads(json.dumps(to_itf(replay(c, check(c).violations[0]), model)))
    assert consts_of(doc) == {"N": 2, "Fast": True}
    assert consts_of({"states": []}) == {}
    doc["#meta"]["verikit"]["consts"]["N"] = "{{1, 2}}"  # a set constant, as its text
    assert consts_of(doc)["N"] == "{{1, 2}}"
    doc["#meta"]["verikit"]["consts"]["N"] = [1, 2]
    with pytest.raises(ItfError, match="constant N must be an int, a bool or a set's text"):
        consts_of(doc)
