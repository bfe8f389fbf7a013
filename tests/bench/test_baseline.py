"""The hand-written TwoPhase baseline explores exactly TLC's state space.

Besides pinning TLC's counts, it is compared state by state with a literal, slow transcription
of TwoPhase.tla (records as tuples, sets as frozensets), so the bit encoding cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import two_phase_baseline as baseline

TlaState = tuple[tuple[str, ...], str, frozenset[int], frozenset[tuple[str, int | None]]]


def _tla_next(s: TlaState, rms: int) -> Iterator[TlaState]:
    """TwoPhase.tla's Next, action by action, as written there."""
    rm_state, tm_state, tm_prepared, msgs = s

    def with_rm(r: int, value: str) -> tuple[str, ...]:
        return rm_state[:r] + (value,) + rm_state[r + 1 :]

    for r in range(rms):
        if tm_state == "init" and ("Prepared", r) in msgs:  # TMRcvPrepared(r)
            yield rm_state, tm_state, tm_prepared | {r}, msgs
    if tm_state == "init" and tm_prepared == frozenset(range(rms)):  # TMCommit
        yield rm_state, "committed", tm_prepared, msgs | {("Commit", None)}
    if tm_state == "init":  # TMAbort
        yield rm_state, "aborted", tm_prepared, msgs | {("Abort", None)}
    for r in range(rms):
        if rm_state[r] == "working":  # RMPrepare(r), RMChooseToAbort(r)
            yield with_rm(r, "prepared"), tm_state, tm_prepared, msgs | {("Prepared", r)}
            yield with_rm(r, "aborted"), tm_state, tm_prepared, msgs
        if ("Commit", None) in msgs:  # RMRcvCommitMsg(r)
            yield with_rm(r, "committed"), tm_state, tm_prepared, msgs
        if ("Abort", None) in msgs:  # RMRcvAbortMsg(r)
            yield with_rm(r, "aborted"), tm_state, tm_prepared, msgs


def _tla_reachable(rms: int) -> set[TlaState]:
    init: TlaState = (("working",) * rms, "init", frozenset(), frozenset())
    seen, todo = {init}, [init]
    while todo:
        for t in _tla_next(todo.pop(), rms):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _as_tla(rms: int, encoded: int) -> TlaState:
    d = baseline.decode(rms, encoded)
    return d["rmState"], d["tmState"], d["tmPrepared"], d["msgs"]


@pytest.mark.parametrize(("rms", "count"), [(3, 288), (4, 1568), (5, 8832)])
def test_baseline_reaches_tlc_state_counts(rms: int, count: int) -> None:
    result = baseline.explore(rms)
    assert result.distinct_states == count
    assert result.violation is None


@pytest.mark.parametrize("rms", [3, 4])
def test_baseline_states_are_exactly_those_of_twophase_tla(rms: int) -> None:
    decoded = {_as_tla(rms, s) for s in baseline.reachable(rms)}
    assert decoded == _tla_reachable(rms)


def test_initial_state_decodes_to_tpinit() -> None:
    assert _as_tla(3, 0) == (("working",) * 3, "init", frozenset(), frozenset())


def test_longest_shortest_path_grows_by_three_per_rm() -> None:
    # each RM adds RMPrepare, TMRcvPrepared and RMRcvCommitMsg to the longest run
    assert [baseline.explore(n).depth for n in (3, 4, 5)] == [10, 13, 16]
