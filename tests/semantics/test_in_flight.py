"""`in_flight(M { … })` and `in_flight(M { … }, src, dst)` in properties: what the network
holds, in a bag or in FIFO queues alike; no node may read it."""

from __future__ import annotations

import pytest

from tests.semantics.helpers import model_of, the_error, violated

PING = """\
spec Ping
message Ping { n: 0..2 }
network { loss: true  duplicate: true  reorder: REORDER  max_in_flight: 2 }
node A {
  var sent: bool = false
  action go when not sent { sent = true; send Ping { n: 1 } to B }
}
node B {
  var got: bool = false
  on Ping(m) { got = true }
}
terminal when true
"""


def ping(reorder: bool, *properties: str) -> str:
    return PING.replace("REORDER", str(reorder).lower()) + "\n".join(properties) + "\n"


@pytest.mark.parametrize("reorder", [True, False])
def test_a_property_sees_the_message_while_it_is_in_flight(reorder: bool) -> None:
    model = model_of(ping(
        reorder,
        "invariant NeverSent: not in_flight(Ping { n: 1 })",
        "invariant NeverFromA: not in_flight(Ping { n: 1 }, A, B)",
        "invariant OtherValue: not in_flight(Ping { n: 2 })",
        "invariant OtherWay: not in_flight(Ping { n: 1 }, B, A)",
        "invariant SentFirst: in_flight(Ping { n: 1 }, A, B) implies A.sent",
        "invariant GoneOnceGot: B.got implies not in_flight(Ping { n: 1 })",  # a duplicate stays
    ))  # fmt: skip
    assert violated(model) == {"NeverSent", "NeverFromA", "GoneOnceGot"}


def test_an_action_cannot_read_the_network() -> None:
    text = PING.replace("when not sent", "when not in_flight(Ping { n: 1 }, A, B)")
    line, _, message = the_error(text.replace("REORDER", "true"))
    assert line == 6
    assert message == "`in_flight` can only be used in properties: a node cannot see the network"


def test_a_spec_without_a_network_has_nothing_in_flight() -> None:
    _, _, message = the_error("spec S\nvar x: bool = false\ninvariant I: in_flight(x)\n")
    assert "only be used in specs with a `network`" in message


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("in_flight(3)", "`in_flight` needs a message: `3` is int"),
        ("in_flight(Ping { n: 1 }, A, 5)", "`in_flight` needs a node id: `5` is int"),
        ("in_flight(Ping { n: 1 }, A)", "`in_flight` takes 1 or 3 arguments, got 2"),
    ],
)
def test_in_flight_takes_a_message_and_optionally_both_ends(call: str, expected: str) -> None:
    _, _, message = the_error(ping(True, f"invariant I: {call}"))
    assert message == expected
