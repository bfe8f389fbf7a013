"""`crashed(p)` and `network.empty` in properties read the crash and network bookkeeping the
network lowering keeps; every engine (compiled, reference, native C, Z3's bmc) evaluates them
alike, and each finds the violation it makes possible at the same depth."""

from __future__ import annotations

import pytest

from tests.engine.agreement import every_engine_agrees

SPEC = """\
spec Crashy
message Ping {}
network { reorder: true  loss: true  crash: true  max_in_flight: 2 }
node Client {
  var sent: bool = false
  action ping when not sent { sent = true; send Ping {} to Server }
}
node Server {
  var got: bool = false
  on Ping { got = true }
}
terminal when true
invariant Checked: PROPERTY
"""

CASES = {
    # a crash is one step: the shortest run to a crashed server
    "not crashed(Server)": 1,
    # a ping in flight to a crashed server: send, then crash
    "crashed(Server) implies not in_flight(Ping {})": 2,
    # the server heard a ping, and a second one is in flight after the client restarted
    "Server.got implies network.empty": 5,
}


@pytest.mark.parametrize(("prop", "steps"), list(CASES.items()), ids=list(CASES))
def test_every_engine_agrees_on_the_violation(prop: str, steps: int) -> None:
    agreed = every_engine_agrees(SPEC.replace("PROPERTY", prop), budget=steps)
    (violation,) = agreed.result.violations
    assert violation.property == "Checked" and len(violation.path) - 1 == steps


def test_they_hold_where_they_should() -> None:
    # a crash resets `got`; Ping is the only message, so the network is empty or holds one
    text = SPEC.replace(
        "PROPERTY",
        "(crashed(Server) implies not Server.got) and (network.empty or in_flight(Ping {}))",
    )
    agreed = every_engine_agrees(text, budget=4)
    assert agreed.result.violations == ()
    assert agreed.result.stats.distinct_states == 18
