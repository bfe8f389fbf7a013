"""The specs/ library: each spec reaches its pinned state count and verdict.

The TwoPhase reference model must match TLC's distinct-state counts exactly. The node-style 2PC
must hold with every witness reached, and explore exactly the states of a hand-written model of
the same protocol and network (hand_two_phase_commit.py). Its buggy variant must break
Atomicity with the shortest counterexample: begin, a no vote, a yes vote, the yes voter's
timeout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.specs.hand_two_phase_commit import TwoPhaseCommit, count_states
from verikit import api
from verikit.engine import CheckOptions, Verdict

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize(("rms", "count"), [(3, 288), (4, 1568), (5, 8832)])
def test_two_phase_reference_reaches_tlc_state_counts(rms: int, count: int) -> None:
    report = api.check_file(SPECS / "reference" / "tla_two_phase.dsl", {"RMs": rms})
    assert report.verdict == "holds"
    assert report.result is not None
    assert report.result.stats.distinct_states == count
    assert report.result.never_enabled == ()


def test_two_phase_commit_keeps_atomicity_over_a_faulty_network() -> None:
    report = api.check_file(SPECS / "two_phase_commit.dsl")
    assert report.verdict == "holds", report.diagnostics or report.result
    assert report.result is not None
    assert report.result.stats.distinct_states == 44_095  # as the hand-written model (N=3)
    assert report.result.unreached == ()
    assert report.result.never_enabled == ()


@pytest.mark.parametrize(
    ("spec", "buggy"), [("two_phase_commit", False), ("two_phase_commit_buggy", True)]
)
def test_two_phase_commit_explores_what_a_hand_written_model_does(spec: str, buggy: bool) -> None:
    options = CheckOptions(stop_at_first=False)
    report = api.check_file(SPECS / f"{spec}.dsl", {"N": 2}, options)
    assert report.result is not None
    stats = report.result.stats
    hand = count_states(TwoPhaseCommit(n=2, max_in_flight=4, timeout_commits=buggy))
    assert (stats.distinct_states, stats.depth) == hand


def test_participant_that_commits_on_timeout_breaks_atomicity_in_four_steps() -> None:
    report = api.check_file(SPECS / "two_phase_commit_buggy.dsl")
    assert report.result is not None
    assert report.result.verdict == Verdict.VIOLATED
    (violation,) = report.result.violations
    assert (violation.kind, violation.property) == ("invariant", "Atomicity")
    assert len(violation.path) - 1 == 4
