"""trace.render_text: a trace people can read in a terminal."""

from __future__ import annotations

from tests.engine.fakes import FakeAction, counter, fake, prop, two_phase
from tests.trace.models import mini_commit
from tests.trace.test_replay import action, walk
from verikit.compile.compiled import State
from verikit.core.types import IntType
from verikit.engine import Discovery, check
from verikit.errors import Span, SpecFault
from verikit.trace import Change, Step, Trace, render_text, replay


def test_an_invariant_counterexample_reads_as_numbered_steps_and_the_breaking_values() -> None:
    c = mini_commit()
    text = render_text(replay(c, check(c).violations[0]))
    assert text == "\n".join(
        [
            "MiniCommit: invariant NotBothPrepared is violated after 3 steps",
            " 0. initial state",
            "      Coordinator.phase = Init",
            "      Coordinator.yes = {}",
            "      Participant[1].state = Working",
            "      Participant[2].state = Working",
            " 1. Coordinator begin",
            "      phase: Init → Waiting",
            "      sends Prepare to Participant[1]",
            "      sends Prepare to Participant[2]",
            " 2. Participant[1] receives Prepare from Coordinator",
            "      state: Working → Prepared",
            "      sends Vote { yes: true } to Coordinator",
            " 3. Participant[2] receives Prepare from Coordinator",
            "      state: Working → Prepared",
            "      sends Vote { yes: true } to Coordinator",
            "NotBothPrepared is false because",
            "      Participant[1].state = Prepared",
            "      Participant[2].state = Prepared",
        ]
    )


def test_network_faults_and_crashes_read_as_their_own_steps() -> None:
    c = mini_commit()
    path = walk(
        c,
        action(c, "Coordinator.begin"),
        action(c, "duplicate"),
        action(c, "drop"),
        action(c, "crash", 2),
    )
    lines = render_text(replay(c, Discovery("(a walk)", "reachable", path))).splitlines()
    steps = [line for line in lines if line[:3].strip().endswith(".")]
    assert steps[2:] == [
        " 2. network duplicates Prepare Coordinator → Participant[1]",
        " 3. network drops Prepare Coordinator → Participant[1]",
        " 4. Participant[2] crashes",
    ]


def test_a_global_action_reads_as_a_call_with_its_parameters() -> None:
    c = two_phase(3)
    (witness,) = check(c).witnesses
    text = render_text(replay(c, witness))
    lines = text.splitlines()
    assert lines[6:11] == [
        " 1. RMPrepare(r: 1)",
        "      rmState[1]: Working → Prepared",
        "      msgs: {} → {Msg { kind: Prepared, rm: 1 }}",
        " 2. TMRcvPrepared(r: 1)",
        "      tmPrepared: {} → {1}",
    ]
    assert "      msgs: + {Msg { kind: Commit, rm: none }}" in lines  # a long set shows its delta
    assert "      tmState: Init → Committed" in lines
    assert text.splitlines()[0] == "TwoPhase: reachable SomeoneCommits is reached after 8 steps"
    assert text.splitlines()[-2:] == [
        "SomeoneCommits holds because",
        "      rmState = {1: Committed, 2: Prepared, 3: Prepared}",
    ]


def test_a_deadlock_says_nothing_can_happen() -> None:
    c = counter(3)
    text = render_text(replay(c, check(c).violations[0]))
    assert text.splitlines()[0] == (
        "Fake: deadlock after 2 steps: no action can happen and no terminal condition holds"
    )
    assert text.splitlines()[-1] == "      at: 1 → 2"


def test_a_fault_ends_with_the_spec_location_and_message() -> None:
    def inc(s: State) -> list[tuple[tuple[int, ...], State]]:
        if s[0] == 1:
            raise SpecFault("integer out of range: 4 is not in 0..3", Span("f.dsl", 7, 9))
        return [((), (s[0] + 1,))]

    c = fake(
        [("x", IntType(0, 3))], [(0,)], [FakeAction("inc", inc, span=Span("f.dsl", 6, 1, 8, 2))]
    )
    lines = render_text(replay(c, check(c).violations[0])).splitlines()
    assert lines[0] == "Fake: runtime fault in inc after 1 step"
    assert lines[-1] == "f.dsl:7:9: integer out of range: 4 is not in 0..3"


def test_an_unreached_reachable_says_the_spec_may_be_vacuous() -> None:
    c = counter(2, properties=[prop("reachable", "Far", lambda s: False)], deadlock=False)
    text = render_text(replay(c, check(c).violations[0]))
    assert text == "Fake: reachable Far is never reached: the spec may be vacuous"


def test_only_the_acting_node_s_own_variables_drop_the_node_name() -> None:
    changes = (Change("Participant[1].state", "A", "B"), Change("Coordinator.phase", "X", "Y"))
    step = Step(1, "Coordinator.tick", "action", "Coordinator", (), None, (), changes)
    lines = render_text(Trace("S", (step,), "P", "reachable")).splitlines()
    assert lines[1:] == [
        " 1. Coordinator tick",
        "      Participant[1].state: A → B",
        "      phase: X → Y",
    ]


def test_a_receive_without_a_structured_envelope_shows_the_message() -> None:
    step = Step(1, "on_Ping", "receive", "Server", (), "Ping", (), ())
    assert render_text(Trace("S", (step,), "P", "reachable")).splitlines()[1] == (
        " 1. Server receives Ping"
    )
