"""Per-channel capacity (issue 13): `max_per_link: k` bounds each FIFO channel (src, dst)
next to the global `max_in_flight`; `when_full: block` (the default) makes a send into a full
channel block its step, `when_full: lose` completes the step and loses the message (Promela's
lossy channels). `full(a, b)` and `empty(a, b)` let node code ask about a channel. A broadcast
wider than max_in_flight is a diagnostic naming the bound, never a silent deadlock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.semantics.helpers import errors, model_of, reachable
from verikit.core.model import Model

PINGS = """\
spec Pings
message Ping { n: 1..3 }
network { %s }
node A {
  var sent: 0..3 = 0
  action ping when sent < 3 { sent = sent + 1; send Ping { n: sent } to B }
}
node B {
  var got: seq<1..3, 3> = []
  action read when len(got) < 3 { skip }
  on Ping(m) when len(got) < 3 and false { got = append(got, m.n) }
}
terminal when true
"""


def pings(settings: str) -> Model:
    return model_of(PINGS % settings)


def queues(model: Model, state: tuple[Any, ...]) -> list[int]:
    net = [i for i, v in enumerate(model.vars) if v.role == "network"][0]
    return [len(q) for q in state[net]]


def sent(model: Model, state: tuple[Any, ...]) -> int:
    return value(model, state, "A.sent")  # type: ignore[no-any-return]


def value(model: Model, state: tuple[Any, ...], name: str) -> Any:
    """A variable of a one-node group (a node variable is a map from the group's ids)."""
    (only,) = state[[v.name for v in model.vars].index(name)]
    return only


def test_a_full_link_blocks_the_send_by_default() -> None:
    model = pings("max_per_link: 2")
    states = reachable(model)
    assert max(max(queues(model, s)) for s in states) == 2
    assert max(sent(model, s) for s in states) == 2  # the third send never happens


def test_a_full_link_loses_the_message_under_when_full_lose() -> None:
    model = pings("max_per_link: 2  when_full: lose")
    states = reachable(model)
    assert max(max(queues(model, s)) for s in states) == 2
    assert max(sent(model, s) for s in states) == 3  # the step went on; its message is lost


def test_when_full_lose_applies_to_max_in_flight_too() -> None:
    model = pings("max_in_flight: 1  when_full: lose")
    states = reachable(model)
    assert max(sum(queues(model, s)) for s in states) == 1
    assert max(sent(model, s) for s in states) == 3


def test_the_duplicate_fault_needs_room_on_its_link() -> None:
    model = pings("max_per_link: 1  duplicate: true")
    assert max(max(queues(model, s)) for s in reachable(model)) == 1


def test_the_network_records_the_per_link_bound_and_the_most_ever_in_flight() -> None:
    info = pings("max_per_link: 2").network
    assert info is not None
    assert (info.max_per_link, info.max_in_flight, info.queue_bound()) == (2, 2 * 2 * 2, 2)
    info = pings("max_per_link: 2  max_in_flight: 3").network
    assert info is not None and (info.max_in_flight, info.queue_bound()) == (3, 2)


ASKING = """\
spec Asking
message Ping {}
network { max_per_link: 1 %s }
node A {
  var full_seen: bool = false
  var empty_seen: bool = false
  action ping when not full(self, B) { send Ping {} to B }
  action look { full_seen = full(self, B); empty_seen = empty(self, B) }
}
node B { on Ping { skip } }
terminal when true
"""


@pytest.mark.parametrize("extra", ["", "when_full: lose"])
def test_node_code_asks_whether_a_channel_is_full_or_empty(extra: str) -> None:
    model = model_of(ASKING % extra)
    for state in reachable(model):
        assert max(queues(model, state)) <= 1
        if value(model, state, "A.full_seen"):
            assert not value(model, state, "A.empty_seen")


def test_full_and_empty_read_the_current_channel() -> None:
    model = model_of(ASKING % "")
    looked = set()
    for state in reachable(model):
        looked.add((value(model, state, "A.full_seen"), value(model, state, "A.empty_seen")))
    assert looked == {(False, False), (True, False), (False, True)}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("max_per_link: 0", "`max_per_link` expects an int >= 1"),
        ("max_per_link: 1  reorder: true", "`max_per_link` bounds FIFO channels"),
        ("when_full: lose", "`when_full` has no effect without `max_in_flight` or `max_per_link`"),
        ("max_in_flight: 2  when_full: drop", "`when_full` expects `block` or `lose`"),
        ("max_per_link: [A: 1]", "`max_per_link` takes one value, not a list"),
        ("max_per_lnk: 1", "unknown network setting `max_per_lnk` — did you mean `max_per_link`?"),
    ],
)
def test_capacity_settings_are_checked(settings: str, message: str) -> None:
    found = errors(PINGS % settings)
    assert any(message in m and line == 3 for line, _, m in found), found


def test_full_and_empty_take_two_node_ids() -> None:
    text = ASKING.replace("full(self, B)", "full(self, 3)", 1) % ""
    assert any("`full(a, b)` names a channel by its two ends" in m for _, _, m in errors(text))


BROADCAST = """\
spec Wide
message Ping {}
network { max_in_flight: 2 %s }
node A {
  var sent: bool = false
  action go when not sent { sent = true; broadcast Ping {} to %s }
}
node B[3] { on Ping { skip } }
terminal when true
"""


def test_a_broadcast_to_a_group_wider_than_max_in_flight_is_an_error_naming_the_bound() -> None:
    ((line, col, message),) = errors(BROADCAST % ("", "B"))
    assert (line, col) == (6, 42)
    assert message.startswith("this broadcast sends 3 messages, more than `max_in_flight: 2`")


def test_a_broadcast_that_fits_or_loses_its_excess_is_fine() -> None:
    assert model_of(BROADCAST % ("", "{ B[1], B[2] }")).actions
    assert model_of(BROADCAST % ("when_full: lose", "B")).actions


LOOP = """\
spec Loop
message Ping { n: 1..2 }
network { max_per_link: 1 %s }
node A {
  var done: bool = false
  action burst when not done { done = true; for i in 1..2 { send Ping { n: i } to B } }
}
node B { on Ping { skip } }
terminal when true
"""


def test_sends_in_a_loop_are_checked_once_after_it() -> None:
    blocked = model_of(LOOP % "")
    assert all(not value(blocked, s, "A.done") for s in reachable(blocked))  # 2 > 1: blocks
    lossy = model_of(LOOP % "when_full: lose")
    states = reachable(lossy)
    assert any(value(lossy, s, "A.done") for s in states)
    assert max(max(queues(lossy, s)) for s in states) == 1  # the second Ping was lost
