"""engine.check and trace.replay on models built by the real compiler (compile.build)."""

from __future__ import annotations

import pytest

from tests.engine.fakes import from_reference
from tests.engine.fakes import two_phase as hand_written
from tests.oracle.models import two_phase
from verikit.compile import build
from verikit.engine import CheckOptions, Verdict, check
from verikit.trace import from_itf, render_text, replay, replay_states, to_itf


@pytest.mark.parametrize(("rms", "states", "depth"), [(3, 288, 11), (4, 1568, 14)])
def test_compiled_two_phase_reaches_tlc_state_counts(rms: int, states: int, depth: int) -> None:
    result = check(build(two_phase(rms)))
    assert result.verdict is Verdict.HOLDS
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)
    assert result.never_enabled == ()


def test_compiled_hand_written_and_reference_searches_agree() -> None:
    compiled, oracle = check(build(two_phase(3))), check(from_reference(two_phase(3)))
    by_hand = check(hand_written(3))
    assert compiled.stats.transitions == oracle.stats.transitions == by_hand.stats.transitions
    assert compiled.witnesses == oracle.witnesses == by_hand.witnesses


def test_a_compiled_witness_replays_to_text_and_through_itf() -> None:
    compiled = build(two_phase(3))
    (witness,) = check(compiled).witnesses
    trace = replay(compiled, witness)
    assert render_text(trace).splitlines()[0] == (
        "TwoPhase: reachable SomeoneCommits is reached after 8 steps"
    )
    states = from_itf(to_itf(trace, compiled.model), compiled.model)
    assert replay_states(compiled, states).path == witness.path


def test_limits_on_a_compiled_model_give_incomplete() -> None:
    result = check(build(two_phase(4)), CheckOptions(max_states=100))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.stats.distinct_states == 100
