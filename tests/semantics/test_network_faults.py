"""Scoped faults (issue 13): `crash: [G, …]` crashes only the nodes of the named groups,
`max_crashes: [G: k, …]` bounds crashes per group, and `drop_on_crash` closes a crashing
node's connections (messages in flight to or from it are lost; sends to it while it is down
too). Lowered models are explored with the reference evaluator."""

from __future__ import annotations

import pytest

from tests.semantics.helpers import action, errors, explore, model_of, nodes_of, reachable
from verikit.core import ir

PING = """\
spec Ping
message Ping {}
network { %s }
node A[2] {
  var sent: bool = false
  action ping when not sent { sent = true; send Ping {} to B }
}
node B {
  var got: 0..2 = 0
  on Ping { if got < 2 { got = got + 1 } }
}
terminal when true
"""


def ping(settings: str) -> str:
    return PING % settings


def crashed_nodes(settings: str) -> set[int]:
    """The node ids some reachable `crash` step takes down."""
    model = model_of(ping(settings))
    crash = action(model, "crash")
    (param,) = crash.params
    assert isinstance(param.domain, ir.Domain)
    return {node for g in param.type.groups for node in g.ids}  # type: ignore[attr-defined]


def test_crash_lists_the_groups_whose_nodes_may_crash() -> None:
    assert crashed_nodes("crash: [B]") == {2}
    assert crashed_nodes("crash: [A]") == {0, 1}
    assert crashed_nodes("crash: B") == {2}
    assert crashed_nodes("crash: true") == {0, 1, 2}


def test_nodes_that_never_crash_are_not_guarded_by_up() -> None:
    model = model_of(ping("crash: [B]"))
    ping_reads = {v.name for v in nodes_of(action(model, "A.ping").guard, ir.StateVar)}
    receive_reads = {v.name for v in nodes_of(action(model, "B.on Ping").guard, ir.StateVar)}
    assert "up" not in ping_reads and "up" in receive_reads


def test_crashing_fewer_groups_explores_fewer_states() -> None:
    everyone = explore(model_of(ping("reorder: true  max_in_flight: 2  crash: true")))
    receiver = explore(model_of(ping("reorder: true  max_in_flight: 2  crash: [B]")))
    assert receiver.distinct < everyone.distinct


def test_max_crashes_per_group_keeps_one_counter_per_group() -> None:
    model = model_of(ping("max_in_flight: 2  crash: [A, B]  max_crashes: [A: 2, B: 1]"))
    counters = {v.name: (v.type.lo, v.type.hi) for v in model.vars if v.role == "crashes"}  # type: ignore[attr-defined]
    assert counters == {"crashes.A": (0, 2), "crashes.B": (0, 1)}


def test_a_group_crashes_at_most_its_bound_and_others_keep_theirs() -> None:
    model = model_of(ping("max_in_flight: 2  crash: [A, B]  max_crashes: [A: 2, B: 1]"))
    slot = {v.name: i for i, v in enumerate(model.vars)}
    seen = reachable(model)
    assert max(s[slot["crashes.A"]] for s in seen) == 2
    assert max(s[slot["crashes.B"]] for s in seen) == 1


def test_drop_on_crash_loses_messages_to_and_from_the_node() -> None:
    model = model_of(ping("reorder: true  max_in_flight: 2  crash: [B]  drop_on_crash: true"))
    slot = {v.name: i for i, v in enumerate(model.vars)}
    from tests.oracle import reference

    seen = set(reference.init_states(model))
    todo = list(seen)
    while todo:
        state = todo.pop()
        for index, _, t in reference.successors(model, state):
            if model.actions[index].name == "crash":
                assert len(t[slot["network"]]) == 0  # every message was to B
            if not t[slot["up"]][2]:
                assert len(t[slot["network"]]) == 0  # nothing is sent to a down B
            if t not in seen:
                seen.add(t)
                todo.append(t)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("crash: [Q]", "`crash: [...]` lists node groups, and `Q` is not one"),
        ("crash: [A, A]", "node group `A` is listed twice"),
        ("crash: []", "`crash: []` lets no node crash"),
        ("crash: 3", "network setting `crash` expects true, false or [Group, …]"),
        ("crash: [A]  max_crashes: [B: 1]", "`max_crashes` bounds `B`, but `crash` does not"),
        ("crash: true  max_crashes: [A: 1]", "`max_crashes` gives no bound for `B`"),
        ("crash: true  max_crashes: [A: 1, Z: 2]", "`Z` is not a node group"),
        ("crash: true  max_crashes: [A: -1, B: 1]", "`max_crashes` expects an int >= 0"),
        ("drop_on_crash: true", "`drop_on_crash` has no effect without `crash: true`"),
        ("max_in_flight: [A: 1]", "`max_in_flight` takes one value, not a list"),
    ],
)
def test_scoped_fault_settings_are_checked(settings: str, message: str) -> None:
    found = errors(ping(settings))
    assert any(message in m and line == 3 for line, _, m in found), found


def test_max_duplicates_counts_duplicate_steps_in_a_slot_of_its_own() -> None:
    model = model_of(ping("reorder: true  max_in_flight: 2  duplicate: true  max_duplicates: 2"))
    (counter,) = [v for v in model.vars if v.role == "duplicates"]
    assert (counter.name, counter.type.lo, counter.type.hi) == ("duplicates", 0, 2)  # type: ignore[attr-defined]
    guarded = {v.name for v in nodes_of(action(model, "network.duplicate").guard, ir.StateVar)}
    assert "duplicates" in guarded


def test_fewer_duplicates_allowed_explore_fewer_states() -> None:
    def states(bound: str) -> int:
        settings = f"reorder: true  max_in_flight: 2  duplicate: true {bound}"
        return explore(model_of(ping(settings))).distinct

    assert states("max_duplicates: 0") < states("max_duplicates: 1")
    assert (
        states("max_duplicates: 0")
        == explore(model_of(ping("reorder: true  max_in_flight: 2"))).distinct
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("max_duplicates: 1", "`max_duplicates` has no effect without `duplicate: true`"),
        ("duplicate: true  max_duplicates: -1", "`max_duplicates` expects an int >= 0"),
    ],
)
def test_max_duplicates_is_checked(settings: str, message: str) -> None:
    assert any(message in m and line == 3 for line, _, m in errors(ping(settings)))


def test_a_wrong_per_group_bound_is_one_error_not_two() -> None:
    found = errors(ping("crash: [A, B]  max_crashes: [A: true, B: 1]"))
    assert [m for _, _, m in found] == ["network setting `max_crashes` expects an int >= 0"]
