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


# ---------------------------------------------------------------- per-channel capacity

SPECS = Path(__file__).parents[2] / "specs"


def test_lossy_links_of_one_message_agree_in_every_engine() -> None:
    text = (SPECS / "reference" / "two_phase_lossy_links.dsl").read_text(encoding="utf-8")
    agreed = every_engine_agrees(text, budget=4, limit=900)
    assert agreed.faults == () and agreed.result.stats.distinct_states == 836


def test_flow_control_with_full_and_empty_agrees_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/channel_full_and_empty.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 10


def test_a_message_lost_to_a_full_channel_is_found_by_every_engine() -> None:
    agreed = every_engine_agrees(corpus("violated/lossy_send_loses_a_message.dsl"))
    assert ("NoGap", 5) in violation_lengths(agreed.result)


BLOCKING_LINKS = """spec BlockingLinks
message Ping { n: 1..3 }
network { max_per_link: 2  duplicate: true  loss: true }
node A[2] {
  var sent: 0..3 = 0
  action ping when sent < 3 { sent = sent + 1; send Ping { n: sent } to B }
  action both when sent == 0 { sent = 1; broadcast Ping { n: 1 } to all B }
}
node B {
  var got: 0..3 = 0
  on Ping(m) from a { got = m.n }
  action stuffed when full(A[1], self) or empty(A[2], self) { skip }
}
terminal when true
"""


def test_blocking_links_duplicates_and_channel_questions_agree_in_every_engine() -> None:
    agreed = every_engine_agrees(BLOCKING_LINKS)
    assert agreed.faults == () and not agreed.result.violations


def test_a_broadcast_too_wide_at_run_time_is_the_same_fault_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("error/broadcast_wider_at_run_time.dsl"))
    ((message, line, col),) = agreed.faults
    assert (line, col) == (12, 41) and "`max_in_flight: 2`" in message


# ---------------------------------------------------------------- bounded duplicates


def test_bounded_duplicates_agree_in_every_engine() -> None:
    agreed = every_engine_agrees(corpus("holds/bounded_duplicates.dsl"))
    assert agreed.faults == () and agreed.result.stats.distinct_states == 13


def test_a_second_duplicate_is_found_by_every_engine() -> None:
    agreed = every_engine_agrees(corpus("violated/two_duplicates_overcredit.dsl"))
    assert ("AtMostOneExtra", 6) in violation_lengths(agreed.result)


def test_bounded_duplicates_on_fifo_channels_agree_in_every_engine() -> None:
    text = corpus("holds/bounded_duplicates.dsl").replace("reorder: true  ", "")
    assert "reorder" not in text
    agreed = every_engine_agrees(text)
    assert agreed.faults == () and not agreed.result.violations
