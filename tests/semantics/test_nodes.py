"""Node style lowers to plain slots and actions: `G.x` map slots, `G.a` actions with a
`self` parameter, handlers as `receive` actions, initialisers run for every node."""

from __future__ import annotations

from tests.semantics.helpers import NODE_STYLE, action, errors, model_of, nodes_of
from verikit.core import ir
from verikit.core.model import Param
from verikit.core.types import (
    BOOL,
    EnumType,
    IntType,
    MapType,
    NodeGroup,
    NodeType,
    OptionType,
    SetType,
)

COORD = NodeGroup("Coordinator", 0, 1)
PART = NodeGroup("Participant", 1, 3)
C, P = NodeType((COORD,)), NodeType((PART,))


def test_groups_are_numbered_in_declaration_order() -> None:
    assert model_of(NODE_STYLE).nodes == (COORD, PART)


def test_node_variables_become_maps_from_node_ids() -> None:
    model = model_of(NODE_STYLE)
    slots = {v.name: v for v in model.vars if v.owner is not None}
    assert list(slots) == ["Coordinator.phase", "Coordinator.yes", "Coordinator.decision",
                           "Participant.state"]  # fmt: skip
    decision = slots["Coordinator.decision"]
    assert decision.type == MapType(C, OptionType(EnumType("Decision", ("Commit", "Abort"))))
    assert (decision.owner, decision.display, decision.durable) == ("Coordinator", "decision", True)
    assert slots["Coordinator.yes"].type == MapType(C, SetType(P))
    assert not slots["Coordinator.phase"].durable


def test_node_actions_take_self_first() -> None:
    begin = action(model_of(NODE_STYLE), "Coordinator.begin")
    assert begin.kind == "action" and begin.node_param == "self"
    assert begin.params == (Param("self", C, ir.Domain(C, SetType(C))),)


def test_user_parameters_follow_self() -> None:
    text = "spec S\nnode P[2] { var x: 0..3 = 0\n action set(v: 0..3, q in {1, 2}) { x = v } }\n"
    names = [p.name for p in action(model_of(text), "P.set").params]
    assert names == ["self", "v", "q"]


def test_a_bare_variable_inside_a_node_is_this_nodes_entry() -> None:
    model = model_of(NODE_STYLE)
    guard = action(model, "Coordinator.begin").guard
    slot = ir.StateVar(0, "Coordinator.phase", model.vars[0].type)
    phase = EnumType("", ("Init", "Waiting", "Done"))
    assert guard == ir.Binary(
        "eq", ir.Index(slot, ir.Local("self", C), phase), ir.Lit("Init", phase), BOOL
    )


def test_other_nodes_variables_are_read_through_their_ids() -> None:
    text = (
        "spec S\nnode Leader { var term: 0..2 = 0 }\nnode F[2] { var seen: 0..2 = 0\n"
        "  action sync { seen = Leader.term }\n  action copy { seen = F[2].seen } }\n"
        "invariant I: forall f in F: f.seen <= Leader.term\n"
    )
    model = model_of(text)
    sync = action(model, "F.sync").body[0]
    assert isinstance(sync, ir.Assign) and isinstance(sync.value, ir.Index)
    assert sync.value.key == ir.Lit(0, NodeType((NodeGroup("Leader", 0, 1),)))
    copy = action(model, "F.copy").body[0]
    assert isinstance(copy, ir.Assign) and isinstance(copy.value, ir.Index)
    assert copy.value.key == ir.Lit(2, NodeType((NodeGroup("F", 1, 2),)))


def test_node_initialisers_run_for_every_node() -> None:
    model = model_of(NODE_STYLE)
    loops = [s for s in model.init if isinstance(s, ir.ForEach)]
    assert [s.domain for s in loops][-1] == ir.Domain(P, SetType(P))
    state = loops[-1].body[0]
    assert isinstance(state, ir.Assign) and state.path == (ir.IndexStep(ir.Local("self", P)),)


def test_any_for_a_node_variable_chooses_the_whole_map() -> None:
    text = "spec S\nnode P[2] { var c: bool = any }\n"
    model = model_of(text)
    choose = model.init[-1]
    assert isinstance(choose, ir.Choose)
    assert choose.domain == ir.Domain(model.vars[0].type, SetType(model.vars[0].type))


def test_node_init_blocks_run_once_per_node_with_self_bound() -> None:
    text = "spec S\nnode P[2] { var x: 0..3 = 0\n init { x = 1 } }\n"
    blocks = [s for s in model_of(text).init if isinstance(s, ir.If)]
    group = NodeType((NodeGroup("P", 0, 2),))
    assert [b.then[0] for b in blocks] == [ir.LetStmt("self", ir.Lit(0, group)),
                                         ir.LetStmt("self", ir.Lit(1, group))]  # fmt: skip


def test_the_sender_of_a_handler_has_the_type_of_the_groups_that_send() -> None:
    model = model_of(NODE_STYLE)
    senders = [
        x for x in nodes_of(action(model, "Coordinator.on Vote").body, ir.Local) if x.name == "p"
    ]
    assert senders and {x.type for x in senders} == {P}  # only Participants send Vote
    coordinators = [x for x in nodes_of(action(model, "Participant.on Prepare").body, ir.Local)
                    if x.name == "c"]  # fmt: skip
    assert coordinators and {x.type for x in coordinators} == {C}


def test_a_singleton_group_name_is_its_node_where_a_node_is_expected() -> None:
    text = (
        "spec S\nmessage Ping {}\nnode Server { on Ping from c { skip } }\n"
        "node Client { action go { send Ping {} to Server } }\n"
    )
    go = action(model_of(text), "Client.go")
    channels = [r for r in nodes_of(go.body, ir.RecordLit) if r.type.name == "Channel"]  # type: ignore[union-attr]
    server = NodeType((NodeGroup("Server", 0, 1),))
    assert channels and channels[0].fields[1] == ir.Lit(0, server)


def test_a_node_variable_may_not_be_read_from_another_group_by_bare_name() -> None:
    text = "spec S\nnode A { var x: bool = false }\nnode B { action b when x { skip } }\n"
    assert errors(text) == [(3, 24, "unknown variable `x`")]


def test_int_node_variable_types_are_precise() -> None:
    text = "spec S\nnode P[2] { var n: 0..3 = 0\n action inc when n < 3 { n = n + 1 } }\n"
    inc = action(model_of(text), "P.inc").body[0]
    assert isinstance(inc, ir.Assign) and inc.target_type == IntType(0, 3)


def test_symmetric_groups_are_recorded() -> None:
    text = "spec S\nsymmetric node P[2] { var x: bool = false }\nnode Q { var y: bool = false }\n"
    assert model_of(text).symmetric == ("P",)


def test_naming_one_node_of_a_symmetric_group_is_rejected() -> None:
    text = "spec S\nsymmetric node P[2] { var x: bool = false }\ninvariant I: P[1].x or true\n"
    found = errors(text)
    assert [(line, col) for line, col, _ in found] == [(3, 14)]
    assert found[0][2].startswith("`P[…]` names one node of symmetric group `P`")
