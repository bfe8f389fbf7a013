"""Lassos (liveness counterexamples): replayed into Traces, confirmed, and printed.

A lasso is confirmed as a whole: its loop closes (or it stutters where nothing is enabled),
the loop is fair, and the property fails on it as its kind says. A lasso that does not is a
bug in verikit and raises ReplayError, like any path that replays differently.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.engine.fakes import FakeFairness, fair_graph, graph, prop
from tests.trace.lassos import (
    as_liveness,
    commit_never_decided,
    fair,
    finish_fairly,
    request_ignored,
    retry_forever,
    retry_spec,
    spin_or_finish,
    stuck_short,
)
from verikit.compile.compiled import CompiledModel
from verikit.core.model import Fairness
from verikit.engine import Discovery
from verikit.trace import ReplayError, render_text, replay, replay_states
from verikit.trace.text import lasso_shape

# ---------------------------------------------------------------- replay


def test_a_lasso_replays_into_a_trace_with_its_loop_start() -> None:
    c, lasso = commit_never_decided()
    trace = replay(c, lasso)
    assert trace.kind == "eventually" and trace.loop_start == 1
    assert [s.action for s in trace.steps] == ["init", "Coordinator.begin", "duplicate", "drop"]
    assert trace.steps[-1].state == trace.steps[1].state  # the loop closes
    assert trace.evidence == (("Coordinator.phase", "Waiting"),)  # read where the loop starts


def test_a_stuttering_lasso_ends_in_a_state_without_successors() -> None:
    c, lasso = stuck_short()
    trace = replay(c, lasso)
    assert trace.loop_start == 2 == len(trace.steps) - 1
    assert c.labelled_successors(trace.steps[-1].state) == []


def test_leads_to_names_the_first_step_where_p_holds_and_q_never_follows() -> None:
    c, lasso = request_ignored()
    trace = replay(c, lasso)
    assert (trace.trigger, trace.loop_start) == (1, 2)
    assert trace.evidence == (("at", "2"),)


def test_a_lasso_of_a_compiled_dsl_spec_replays(tmp_path: Path) -> None:
    loaded, lasso = retry_forever(retry_spec(tmp_path), "leads_to")
    trace = replay(loaded.compiled, lasso)
    assert [s.action for s in trace.steps] == [
        "init", "Client.ping", "network.drop", "Client.retry"]  # fmt: skip
    assert trace.trigger == 1  # Sent holds from the ping on, Acked never
    assert trace.evidence == (("Client.sent", "true"), ("Client.acked", "false"))


# ---------------------------------------------------------------- confirmation


@pytest.mark.parametrize("loop_start", [0, 2, 4, None])
def test_a_loop_that_does_not_close_is_refused(loop_start: int | None) -> None:
    c, lasso = commit_never_decided()
    with pytest.raises(ReplayError, match="loop"):
        replay(c, dataclasses.replace(lasso, loop_start=loop_start))


def test_a_behavior_cannot_stutter_where_an_action_is_enabled() -> None:
    c, lasso = stuck_short()
    shorter = dataclasses.replace(lasso, path=lasso.path[:-1], loop_start=1)
    with pytest.raises(ReplayError, match="cannot stutter in state 1, it has successors"):
        replay(c, shorter)


def started() -> tuple[CompiledModel, Discovery]:
    """request_ignored's lasso with a property that holds at step 1 only (on the prefix)."""
    c = graph({0: [1], 1: [2], 2: [3, 4], 3: [2]},
              properties=[prop("reachable", "Started", lambda s: s[0] == 1)])  # fmt: skip
    return c, Discovery("Started", "eventually", (0, 0, 0, 0, 0), loop_start=2)


def test_eventually_must_be_false_on_the_prefix_too() -> None:
    c, lasso = started()
    with pytest.raises(ReplayError, match="eventually Started: its predicate holds in state 1"):
        replay(as_liveness(c, "Started", "eventually"), lasso)


def test_always_eventually_only_needs_the_loop_to_miss_it() -> None:
    c, lasso = started()
    c = as_liveness(c, "Started", "always_eventually")
    assert replay(c, dataclasses.replace(lasso, kind="always_eventually")).loop_start == 2


def test_always_eventually_refuses_a_loop_through_the_property() -> None:
    c = graph({0: [1], 1: [2], 2: [1]},
              properties=[prop("reachable", "Started", lambda s: s[0] == 1)])  # fmt: skip
    c = as_liveness(c, "Started", "always_eventually")
    with pytest.raises(ReplayError, match="its predicate holds in state 1 of the lasso"):
        replay(c, Discovery("Started", "always_eventually", (0, 0, 0, 0), loop_start=1))


def test_a_leads_to_without_a_trigger_on_the_lasso_is_refused() -> None:
    c, lasso = request_ignored()
    never = dataclasses.replace(c, triggers={"Answered": lambda s: s[0] == 4})
    with pytest.raises(ReplayError, match="no state of the lasso has P"):
        replay(never, lasso)


def test_an_unfair_loop_is_refused() -> None:
    c, lasso = spin_or_finish()
    assert replay(c, lasso).loop_start == 1  # without fairness, spinning for ever is a behavior
    with pytest.raises(ReplayError, match="unfair: `fair action finish` is enabled in every"):
        replay(finish_fairly(c), lasso)


def test_a_loop_of_steps_that_change_nothing_does_not_take_the_obligation() -> None:
    # go with key 0 stutters at 0, go with key 1 reaches the goal: under `fair action go`
    # (TLA+'s WF_vars(go)) repeating the stutter starves the real step
    edges = {0: [("go", 0, 0), ("go", 1, 1)], 1: [("go", 1, 0)]}
    done = [prop("eventually", "Done", lambda s: s[0] == 1)]
    lasso = Discovery("Done", "eventually", (0, 0), loop_start=0)
    assert replay(fair_graph(edges, properties=done), lasso).loop_start == 0
    fairly = fair_graph(edges, properties=done, fairness=[FakeFairness(("go",))])
    with pytest.raises(ReplayError, match="the loop is unfair: .* is enabled in every"):
        replay(fairly, lasso)


def test_fairness_of_actions_the_loop_takes_is_kept() -> None:
    c, lasso = spin_or_finish()
    spin = [a.name for a in c.model.actions].index("spin")
    fairly = fair(c, Fairness(True, (spin,), "action", "strong fair action spin"))
    assert replay(fairly, lasso).loop_start == 1


def test_fair_delivery_excludes_losing_the_same_message_for_ever(tmp_path: Path) -> None:
    loaded, lasso = retry_forever(retry_spec(tmp_path))
    receives = tuple(i for i, a in enumerate(loaded.model.actions) if a.kind == "receive")
    delivery = Fairness(True, receives, "message", "fair delivery")
    assert replay(loaded.compiled, lasso).loop_start == 1
    with pytest.raises(
        ReplayError,
        match=r"`fair delivery` for Envelope \{ src: Client, dst: Server, msg: Ping \{\} \}",
    ):
        replay(fair(loaded.compiled, delivery), lasso)


def test_a_stuttering_end_is_always_fair() -> None:
    c, lasso = stuck_short()
    go = [a.name for a in c.model.actions].index("go")
    assert (
        replay(fair(c, Fairness(False, (go,), "action", "fair action go")), lasso).loop_start == 2
    )


# ---------------------------------------------------------------- a given run of states


def test_replay_states_checks_that_the_loop_closes() -> None:
    c, lasso = commit_never_decided()
    states = [s.state for s in replay(c, lasso).steps]
    assert replay_states(c, states, loop=1).ok
    wrong = replay_states(c, states, loop=2)
    assert (wrong.ok, wrong.failed_at) == (False, 3)
    assert wrong.reason == "the last state (3) is not state 2, where the loop starts"
    outside = replay_states(c, states, loop=4)
    assert outside.reason == "the loop starts at state 4, but the trace has states 0 to 3"


def test_replay_states_checks_that_a_stutter_has_no_successor() -> None:
    c, lasso = stuck_short()
    states = [s.state for s in replay(c, lasso).steps]
    assert replay_states(c, states, loop=2).ok
    early = replay_states(c, states[:2], loop=1)
    assert early.reason == "state 1 has successors, so the behavior cannot stutter there"


# ---------------------------------------------------------------- text


def test_an_eventually_lasso_reads_as_a_prefix_and_a_loop_that_repeats() -> None:
    c, lasso = commit_never_decided()
    assert render_text(replay(c, lasso)).splitlines() == [
        "MiniCommit: eventually Decided violated: a fair behavior never reaches it"
        " — prefix of 1 step, then steps 2–3 repeat forever",
        " 0. initial state",
        "      Coordinator.phase = Init",
        "      Coordinator.yes = {}",
        "      Participant[1].state = Working",
        "      Participant[2].state = Working",
        " 1. Coordinator begin",
        "      phase: Init → Waiting",
        "      sends Prepare to Participant[1]",
        "      sends Prepare to Participant[2]",
        "    ── loop starts here ──",
        " 2. network duplicates Prepare Coordinator → Participant[1]",
        " 3. network drops Prepare Coordinator → Participant[1]",
        "    ↩ back to step 2",
        "Decided is false in every state; where the loop starts (step 1):",
        "      Coordinator.phase = Waiting",
    ]


def test_a_stutter_says_nothing_is_enabled_any_more() -> None:
    c, lasso = stuck_short()
    assert render_text(replay(c, lasso)).splitlines() == [
        "Fake: eventually Far violated: a fair behavior never reaches it"
        " — prefix of 2 steps, then stutters forever in step 2: no action is enabled",
        " 0. initial state",
        "      at = 0",
        " 1. go(to: 1)",
        "      at: 0 → 1",
        " 2. go(to: 2)",
        "      at: 1 → 2",
        "    ── stutters here forever: no action is enabled ──",
        "Far is false in every state; where the behavior stutters (step 2):",
        "      at = 2",
    ]


def test_a_leads_to_lasso_marks_the_step_where_it_was_triggered() -> None:
    c, lasso = request_ignored()
    assert render_text(replay(c, lasso)).splitlines() == [
        "Fake: leads_to Answered violated: triggered at step 1, a fair behavior never reaches"
        " its goal — prefix of 2 steps, then steps 3–4 repeat forever",
        " 0. initial state",
        "      at = 0",
        " 1. go(to: 1)",
        "      at: 0 → 1",
        "    ── Answered triggered here: its goal never holds after ──",
        " 2. go(to: 2)",
        "      at: 1 → 2",
        "    ── loop starts here ──",
        " 3. go(to: 3)",
        "      at: 2 → 3",
        " 4. go(to: 2)",
        "      at: 3 → 2",
        "    ↩ back to step 3",
        "Answered: its goal is false from step 1 on; where the loop starts (step 2):",
        "      at = 2",
    ]


def test_always_eventually_says_the_property_stops_holding() -> None:
    c, lasso = request_ignored()
    lines = render_text(replay(c, dataclasses.replace(lasso, kind="always_eventually")))
    assert lines.splitlines()[0] == (
        "Fake: always eventually Answered violated: a fair behavior reaches it only finitely"
        " often — prefix of 2 steps, then steps 3–4 repeat forever"
    )
    assert lines.splitlines()[-2] == (
        "Answered is false from step 2 on; where the loop starts (step 2):"
    )


@pytest.mark.parametrize(
    ("loop_start", "last", "shape"),
    [
        (5, 9, "prefix of 5 steps, then steps 6–9 repeat forever"),
        (1, 2, "prefix of 1 step, then step 2 repeats forever"),
        (0, 3, "steps 1–3 repeat forever"),
        (5, 5, "prefix of 5 steps, then stutters forever in step 5: no action is enabled"),
        (0, 0, "stutters forever in the initial state: no action is enabled"),
    ],
)
def test_the_shape_of_a_lasso_in_words(loop_start: int, last: int, shape: str) -> None:
    assert lasso_shape(loop_start, last) == shape


def test_a_loop_back_to_the_initial_state_has_no_prefix() -> None:
    far = prop("reachable", "Far", lambda s: False)
    c = as_liveness(graph({0: [1], 1: [0]}, properties=[far]), "Far", "eventually")
    text = render_text(replay(c, Discovery("Far", "eventually", (0, 0, 0), loop_start=0)))
    assert text.splitlines()[0] == (
        "Fake: eventually Far violated: a fair behavior never reaches it — steps 1–2 repeat forever"
    )
    assert text.splitlines()[1:4] == [
        " 0. initial state",
        "      at = 0",
        "    ── loop starts here ──",
    ]
