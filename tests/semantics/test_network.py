"""The network lowered per setting: which slots and actions exist, their kinds, and how the
lowered model behaves (explored with the reference evaluator)."""

from __future__ import annotations

from tests.semantics.helpers import action, action_kinds, explore, model_of, nodes_of, violated
from verikit.core import ir
from verikit.core.types import BagType, MapType, NodeGroup, NodeType, SeqType

PING = """\
spec Ping
message Ping { n: 0..2 }
network { %s }
node A {
  var sent: 0..2 = 0
  action ping when sent < 2 { sent = sent + 1; send Ping { n: sent } to B }
}
node B {
  var got: seq<0..2, 2> = []
  durable var count: 0..5 = 0
  on Ping(m) from a when len(got) < 2 { got = append(got, m.n); count = count + 1 }
}
"""


def ping(settings: str) -> str:
    return PING % settings


def slots(text: str) -> dict[str, str]:
    return {v.name: v.role for v in model_of(text).vars if v.role != "user"}


def test_default_network_is_fifo_per_channel_without_faults() -> None:
    model = model_of(ping(""))
    assert slots(ping("")) == {"network": "network"}
    network = model.vars[-1]
    assert isinstance(network.type, MapType) and isinstance(network.type.value, SeqType)
    assert [f for f, _ in network.type.key.fields] == ["src", "dst"]  # type: ignore[union-attr]
    assert action_kinds(model) == {"A.ping": "action", "B.on Ping": "receive"}
    assert model.network is not None and not model.network.reorder
    assert model.network.slot == len(model.vars) - 1


def test_a_spec_without_nodes_has_no_network() -> None:
    model = model_of("spec S\nvar x: bool = false\naction a { x = not x }\n")
    assert model.network is None and [v.name for v in model.vars] == ["x"]


def test_reorder_keeps_envelopes_in_a_bag() -> None:
    model = model_of(ping("reorder: true"))
    network = model.vars[-1]
    assert isinstance(network.type, BagType)
    assert [f for f, _ in network.type.elem.fields] == ["src", "dst", "msg"]  # type: ignore[union-attr]


def test_a_handler_takes_self_and_the_network_entry() -> None:
    fifo = action(model_of(ping("")), "B.on Ping")
    assert [p.name for p in fifo.params] == ["self", "channel"]
    assert (fifo.node_param, fifo.message_param) == ("self", "channel")
    bag = action(model_of(ping("reorder: true")), "B.on Ping")
    assert [p.name for p in bag.params] == ["self", "envelope"]
    assert bag.message_param == "envelope"


def test_loss_and_duplicate_are_actions_of_their_own() -> None:
    for reorder in ("true", "false"):
        kinds = action_kinds(model_of(ping(f"loss: true duplicate: true reorder: {reorder}")))
        assert kinds["network.drop"] == "drop" and kinds["network.duplicate"] == "duplicate"


def test_fifo_faults_pick_a_channel_and_a_position() -> None:
    drop = action(model_of(ping("loss: true")), "network.drop")
    assert [p.name for p in drop.params] == ["channel", "position"]


def test_crash_adds_up_and_crashes_slots_and_crash_restart_actions() -> None:
    model = model_of(ping("crash: true max_crashes: 2"))
    assert slots(ping("crash: true")) == {"network": "network", "up": "up", "crashes": "crashes"}
    kinds = action_kinds(model)
    assert (kinds["crash"], kinds["restart"]) == ("crash", "restart")
    assert [v.type for v in model.vars if v.name == "crashes"][0].hi == 2  # type: ignore[union-attr]
    guarded = {v.name for v in nodes_of(action(model, "A.ping").guard, ir.StateVar)}
    assert "up" in guarded  # a crashed node does not act


def test_a_crash_resets_exactly_the_non_durable_variables() -> None:
    crash = action(model_of(ping("crash: true")), "crash")
    reset = {a.root.name for a in nodes_of(crash.body, ir.Assign)}
    assert reset == {"up", "crashes", "A.sent", "B.got"}  # not the durable B.count


def test_delivery_needs_the_receiver_up_and_both_ends_on_one_side() -> None:
    receive = action(model_of(ping("crash: true partition: true")), "B.on Ping")
    read = {v.name for v in nodes_of(receive.guard, ir.StateVar)}
    assert {"up", "partition", "network"} <= read
    calls = {c.name for c in nodes_of(receive.guard, ir.Call)}
    assert "msg_name" in calls


def test_partition_adds_its_slots_and_actions() -> None:
    model = model_of(ping("partition: true"))
    assert slots(ping("partition: true")) == {
        "network": "network", "partition": "partition", "partitions": "partitions"
    }  # fmt: skip
    kinds = action_kinds(model)
    assert (kinds["partition"], kinds["heal"]) == ("partition", "heal")
    assert [p.name for p in action(model, "partition").params] == ["S"]


def test_max_in_flight_requires_after_each_send_and_after_a_broadcast_loop() -> None:
    text = (
        "spec S\nmessage M {}\nnetwork { max_in_flight: 2 }\n"
        "node A[2] { action b { broadcast M {} to A }\n action f { for n in A { send M {} to n } } }\n"
    )
    model = model_of(text)
    for name in ("A.b", "A.f"):
        body = action(model, name).body
        assert [type(s) for s in body] == [ir.ForEach, ir.Require], name
        assert not any(isinstance(s, ir.Require) for s in body[0].body)  # type: ignore[union-attr]


def test_broadcast_skips_the_sender() -> None:
    text = "spec S\nmessage M {}\nnode A[3] { action b { broadcast M {} to A } }\n"
    loop = action(model_of(text), "A.b").body[0]
    assert isinstance(loop, ir.ForEach) and isinstance(loop.domain, ir.Binary)
    assert loop.domain.op == "diff"
    assert loop.domain.right == ir.SetLit(
        (ir.Local("self", NodeType((NodeGroup("A", 0, 3),))),), loop.domain.type
    )


# ---------------------------------------------------------------- behaviour


def never(name: str, condition: str) -> str:
    """An invariant that is violated exactly when `condition` is reachable."""
    return f"invariant {name}: not ({condition})\n"


def test_fifo_delivers_in_order_and_reorder_does_not() -> None:
    in_order = "invariant InOrder: len(B.got) < 2 or B.got[1] < B.got[2]\n"
    assert "InOrder" not in violated(model_of(ping("") + in_order))
    assert "InOrder" in violated(model_of(ping("reorder: true") + in_order))


def test_a_lost_message_is_never_delivered() -> None:
    lost = "terminal when A.sent == 2 and len(B.got) == 2\n"  # else a deadlock
    assert "deadlock" in violated(model_of(ping("reorder: true loss: true") + lost))
    assert "deadlock" not in violated(model_of(ping("reorder: true") + lost))


def test_a_duplicated_message_may_be_delivered_twice() -> None:
    twice = never("Twice", "B.count == 2 and A.sent == 1")
    assert "Twice" in violated(model_of(ping("duplicate: true max_in_flight: 2") + twice))
    assert "Twice" not in violated(model_of(ping("max_in_flight: 2") + twice))


def test_a_crash_resets_volatile_state_and_keeps_durable_state() -> None:
    forgot = never("Forgot", "B.count == 1 and len(B.got) == 0")
    assert "Forgot" in violated(model_of(ping("crash: true") + forgot))
    assert "Forgot" not in violated(model_of(ping("") + forgot))


def test_max_in_flight_blocks_a_send() -> None:
    two = never("TwoInFlight", "A.sent == 2 and len(B.got) == 0")
    assert "TwoInFlight" in violated(model_of(ping("max_in_flight: 2") + two))
    assert "TwoInFlight" not in violated(model_of(ping("max_in_flight: 1") + two))


def test_a_partition_delays_delivery_until_healed() -> None:
    spec = ping("partition: true max_partitions: 1")
    delivered = "terminal when A.sent == 2 and len(B.got) == 2\n"  # else a deadlock
    assert "deadlock" not in violated(model_of(spec + delivered))
    assert explore(model_of(spec)).distinct > explore(model_of(ping(""))).distinct
