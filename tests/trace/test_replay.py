"""trace.replay: rebuilding the steps of a discovery, and checking that states form a run."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from tests.engine.fakes import FakeAction, counter, fake, graph, prop, two_phase
from tests.trace.models import INITIAL, fifo_ping, mini_commit
from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core.types import IntType, SetType
from verikit.engine import CheckOptions, Discovery, check
from verikit.errors import Span, SpecFault
from verikit.trace import Change, Envelope, ReplayError, Step, replay, replay_states

Pick = Callable[[Successor], bool]


def walk(compiled: CompiledModel, *picks: Pick) -> tuple[int, ...]:
    """A path from the first initial state taking, at each step, the first successor `pick`s."""
    state, path = compiled.init_states()[0], [0]
    for pick in picks:
        succs = compiled.labelled_successors(state)
        k = next(i for i, s in enumerate(succs) if pick(s))
        path.append(k)
        state = succs[k].state
    return tuple(path)


def action(compiled: CompiledModel, name: str, *params: object) -> Pick:
    index = [a.name for a in compiled.model.actions].index(name)
    return lambda s: s.action == index and s.params[: len(params)] == params


def trace_of(compiled: CompiledModel, *picks: Pick) -> list[Step]:
    """The steps of `walk` (a reachable of an unknown name: replay checks nothing at the end)."""
    return list(replay(compiled, Discovery("(a walk)", "reachable", walk(compiled, *picks))).steps)


# ---------------------------------------------------------------- steps


def test_the_first_step_is_the_initial_state_with_every_shown_variable() -> None:
    c = mini_commit()
    (init,) = trace_of(c)
    assert (init.index, init.action, init.kind, init.node, init.state) == (
        0,
        "init",
        "init",
        None,
        INITIAL,
    )
    assert init.changes == (
        Change("Coordinator.phase", None, "Init"),
        Change("Coordinator.yes", None, "{}"),
        Change("Participant[1].state", None, "Working"),
        Change("Participant[2].state", None, "Working"),
    )


def test_a_step_names_the_acting_node_and_shows_only_what_changed() -> None:
    c = mini_commit()
    _, begin, receive = trace_of(
        c, action(c, "Coordinator.begin"), action(c, "Participant.on_Prepare", 2)
    )
    assert (begin.action, begin.kind, begin.node, begin.params) == (
        "Coordinator.begin", "action", "Coordinator", ())  # fmt: skip
    assert begin.changes == (Change("Coordinator.phase", "Init", "Waiting"),)
    assert [str(e) for e in begin.sent] == [
        "Prepare Coordinator → Participant[1]",
        "Prepare Coordinator → Participant[2]",
    ]
    assert receive.node == "Participant[2]" and receive.kind == "receive"
    assert receive.message == "Prepare Coordinator → Participant[2]"
    assert receive.envelope == Envelope("Prepare", "Coordinator", "Participant[2]")
    assert receive.changes == (Change("Participant[2].state", "Working", "Aborted"),)
    assert receive.sent == (Envelope("Vote { yes: false }", "Participant[2]", "Coordinator"),)


def test_a_dropped_message_is_its_own_step() -> None:
    c = mini_commit()
    steps = trace_of(c, action(c, "Coordinator.begin"), action(c, "drop"))
    drop = steps[-1]
    assert (drop.kind, drop.node, drop.params) == ("drop", None, ())
    assert drop.message == "Prepare Coordinator → Participant[1]"
    assert drop.changes == () and drop.sent == ()


def test_a_duplicated_message_is_not_reported_as_sent() -> None:
    c = mini_commit()
    dup = trace_of(c, action(c, "Coordinator.begin"), action(c, "duplicate"))[-1]
    assert dup.kind == "duplicate" and dup.sent == ()
    assert dup.message == "Prepare Coordinator → Participant[1]"


def test_a_crash_shows_the_lost_state_but_not_the_bookkeeping() -> None:
    c = mini_commit()
    steps = trace_of(
        c,
        action(c, "Coordinator.begin"),
        action(c, "Participant.on_Prepare", 1),
        action(c, "crash", 1),
    )
    crash = steps[-1]
    assert (crash.kind, crash.node) == ("crash", "Participant[1]")
    assert crash.changes == (Change("Participant[1].state", "Aborted", "Working"),)


def test_a_global_action_shows_its_parameters_and_each_changed_map_key() -> None:
    c = two_phase(3)
    step = trace_of(c, action(c, "RMPrepare", 2))[-1]
    assert (step.node, step.params, step.message) == (None, (("r", "2"),), None)
    assert step.changes == (
        Change("rmState[2]", "Working", "Prepared"),
        Change(
            "msgs", "{}", "{Msg { kind: Prepared, rm: 2 }}", "+ {Msg { kind: Prepared, rm: 2 }}"
        ),
    )


def test_a_set_change_says_what_was_added_and_removed() -> None:
    swap = FakeAction("swap", lambda s: [((), (frozenset({2, 3}),))])
    c = fake([("s", SetType(IntType(1, 3)))], [(frozenset({1, 2}),)], [swap])
    step = trace_of(c, lambda _: True)[-1]
    assert step.changes == (Change("s", "{1, 2}", "{2, 3}", "+ {3} - {1}"),)


# ---------------------------------------------------------------- what the trace ends with


def test_an_invariant_trace_carries_the_values_the_property_reads() -> None:
    c = mini_commit()
    (violation,) = check(c).violations
    trace = replay(c, violation)
    assert (trace.spec, trace.property, trace.kind, trace.fault) == (
        "MiniCommit", "NotBothPrepared", "invariant", None)  # fmt: skip
    assert len(trace.steps) == len(violation.path) == 4
    assert trace.evidence == (
        ("Participant[1].state", "Prepared"),
        ("Participant[2].state", "Prepared"),
    )


def test_a_fault_trace_ends_in_the_state_where_evaluation_failed() -> None:
    def inc(s: State) -> list[tuple[tuple[int, ...], State]]:
        if s[0] == 2:
            raise SpecFault("integer out of range", Span("f.dsl", 3, 5))
        return [((), (s[0] + 1,))]

    c = fake(
        [("x", IntType(0, 2))], [(0,)], [FakeAction("inc", inc, span=Span("f.dsl", 2, 1, 4, 1))]
    )
    (found,) = check(c).violations
    trace = replay(c, found)
    assert trace.kind == "fault" and trace.property == "inc"
    assert trace.steps[-1].state == (2,)
    assert trace.fault is found.fault


def test_an_unreached_reachable_has_an_empty_trace() -> None:
    c = counter(2, properties=[prop("reachable", "Far", lambda s: False)], deadlock=False)
    (found,) = check(c).violations
    trace = replay(c, found)
    assert trace.steps == () and trace.kind == "reachable" and trace.evidence == ()


def test_replay_leaves_the_action_counters_of_the_search_alone() -> None:
    c = two_phase(3)
    result = check(c)
    before = list(c.action_hits)
    replay(c, result.witnesses[0])
    assert c.action_hits == before


# ---------------------------------------------------------------- replay double-checks the model


def test_a_path_past_the_successors_is_an_error() -> None:
    with pytest.raises(ReplayError, match="successor 3 of 1"):
        replay(counter(4), Discovery("deadlock", "deadlock", (0, 3)))
    with pytest.raises(ReplayError, match="initial state 1"):
        replay(counter(4), Discovery("deadlock", "deadlock", (1,)))


def test_labelled_successors_that_disagree_with_next_states_are_an_error() -> None:
    c = graph({0: [1, 2]})
    swapped = dataclasses.replace(c, next_states=lambda s: list(reversed(c.next_states(s))))
    with pytest.raises(ReplayError, match="differs from next_states"):
        replay(swapped, Discovery("deadlock", "deadlock", (0, 0)))


def test_a_discovery_the_last_state_does_not_show_is_an_error() -> None:
    c = graph({0: [1]}, properties=[prop("invariant", "Inv", lambda s: s[0] != 1)])
    with pytest.raises(ReplayError, match="holds at the end"):
        replay(c, Discovery("Inv", "invariant", (0,)))
    with pytest.raises(ReplayError, match="has successors"):
        replay(c, Discovery("deadlock", "deadlock", (0,)))
    with pytest.raises(ReplayError, match="does not fault"):
        replay(c, Discovery("go", "fault", (0,)))


# ---------------------------------------------------------------- replay_states


def test_replay_states_accepts_a_run_and_finds_its_path() -> None:
    c = mini_commit()
    witness = check(c, CheckOptions()).violations[0]
    states = [step.state for step in replay(c, witness).steps]
    result = replay_states(c, states)
    assert result.ok and result.path == witness.path and result.failed_at is None


def test_replay_states_reports_the_first_state_that_is_not_a_step() -> None:
    c = counter(5, deadlock=False)
    assert replay_states(c, [(0,), (1,), (3,), (4,)]).failed_at == 2
    bad_start = replay_states(c, [(1,), (2,)])
    assert (bad_start.ok, bad_start.failed_at, bad_start.path) == (False, 0, ())
    assert bad_start.reason == bad_start.message == (
        "state 0 is not an initial state: the closest initial state differs first in at: "
        "the trace has 1, the spec gives 0"
    )
    assert replay_states(c, []).failed_at == 0


def test_replay_states_reports_a_fault_before_the_end() -> None:
    def boom(s: State) -> list[tuple[tuple[int, ...], State]]:
        raise SpecFault("boom")

    c = fake([("x", IntType(0, 3))], [(0,)], [FakeAction("boom", boom)])
    result = replay_states(c, [(0,), (1,)])
    assert (result.ok, result.failed_at, result.path) == (False, 1, (0,))
    assert replay_states(c, [(0,)]).ok


# ---------------------------------------------------------------- FIFO networks


def test_a_fifo_receive_shows_the_head_of_its_channel() -> None:
    c = fifo_ping()
    steps = trace_of(
        c, action(c, "Client.send"), action(c, "Client.send"), action(c, "Server.on Ping")
    )
    send, receive = steps[1], steps[3]
    assert send.sent == (Envelope("Ping { n: 1 }", "Client", "Server"),)
    assert send.changes == (Change("Client.sent", "0", "1"),)  # the queues are not a variable
    assert receive.envelope == Envelope("Ping { n: 1 }", "Client", "Server")
    assert receive.params == () and receive.sent == ()


def test_a_fifo_drop_shows_the_message_at_its_position() -> None:
    c = fifo_ping()
    steps = trace_of(
        c, action(c, "Client.send"), action(c, "Client.send"), action(c, "network.drop", (0, 1), 2)
    )
    drop = steps[-1]
    assert drop.message == "Ping { n: 2 } Client → Server"
    assert drop.params == (("position", "2"),) and drop.changes == ()
