"""The network's fault and capacity settings (issue 13) run the same in every engine:
compiled Python, the reference interpreter, native C and Z3 (tests/engine/agreement.py)."""

from __future__ import annotations

from pathlib import Path

from tests.engine.agreement import every_engine_agrees

CORPUS = Path(__file__).parents[1] / "corpus"


def corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def violation_lengths(agreed_result: object) -> list[tuple[str, int]]:
    violations = getattr(agreed_result, "violations", ())
    return [(d.property, len(d.path) - 1) for d in violations if d.path]


# ---------------------------------------------------------------- scoped crashes


def test_connections_closed_by_a_crash_agree_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/crash_drops_connections.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 41
    assert not agreed.result.violations


def test_a_stale_reply_after_a_restart_is_found_by_every_engine() -> None:
    agreed = every_engine_agrees(corpus("violated/crash_keeps_stale_reply.dsl"))
    assert ("NoStaleReply", 5) in violation_lengths(agreed.result)


FIFO_GROUPS = """spec FifoGroups
message Ping { n: 0..1 }
network {
  crash: [A, C]  max_crashes: [A: 1, C: 2]  drop_on_crash: true  max_in_flight: 3
}
node A[2] {
  var sent: 0..1 = 0
  action go when sent == 0 { sent = 1; send Ping { n: 1 } to B }
}
node B {
  var got: 0..3 = 0
  on Ping(m) from a { if got < 3 { got = got + 1 }; send Ping { n: 0 } to C }
}
node C {
  var heard: bool = false
  on Ping { heard = true }
}
terminal when true
"""


def test_per_group_crash_budgets_and_closed_fifo_queues_agree_in_every_engine() -> None:
    agreed = every_engine_agrees(FIFO_GROUPS)
    assert agreed.faults == () and not agreed.result.violations
