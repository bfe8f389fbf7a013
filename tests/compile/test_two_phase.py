"""TwoPhase.tla compiled: TLC's state counts by a plain BFS over next_states, successor order,
labels and per-action hit counters."""

from __future__ import annotations

from collections.abc import Hashable

import pytest

from tests.oracle.reference import successors as reference_successors
from verikit.compile import CompiledModel, build

from .models import two_phase

State = tuple[object, ...]


def bfs(compiled: CompiledModel) -> list[State]:
    """Every reachable state, breadth first, deduplicated by fingerprint."""
    level = compiled.init_states()
    seen: set[Hashable] = {compiled.fingerprint(s) for s in level}
    order = list(level)
    while level:
        fresh = []
        for state in level:
            for succ in compiled.next_states(state):
                key = compiled.fingerprint(succ)
                if key not in seen:
                    seen.add(key)
                    fresh.append(succ)
        order += fresh
        level = fresh
    return order


@pytest.mark.parametrize(("rms", "count"), [(3, 288), (4, 1568)])
def test_bfs_reaches_tlc_state_counts(rms: int, count: int) -> None:
    states = bfs(build(two_phase(rms)))
    assert len(states) == count
    assert len(set(states)) == count  # the fingerprint merged no distinct states


def test_invariant_holds_and_commit_is_reachable() -> None:
    compiled = build(two_phase(3))
    states = bfs(compiled)
    [(_, consistent)] = compiled.predicates("invariant")
    [(_, commits)] = compiled.predicates("reachable")
    assert all(consistent(s) for s in states)
    assert any(commits(s) for s in states)
    assert not commits(compiled.init_states()[0])


def test_initial_state_has_every_rm_working() -> None:
    assert build(two_phase(2)).init_states() == [
        (("Working", "Working"), "Init", frozenset(), frozenset())]  # fmt: skip


def test_next_states_and_labelled_successors_agree_in_order() -> None:
    compiled = build(two_phase(3))
    for state in bfs(compiled):
        labelled = compiled.labelled_successors(state)
        assert [s.state for s in labelled] == compiled.next_states(state)


def test_successors_come_in_action_then_parameter_order() -> None:
    m = two_phase(2)
    compiled = build(m)
    init = compiled.init_states()[0]
    labels = [(m.actions[s.action].name, s.params) for s in compiled.labelled_successors(init)]
    assert labels == [
        ("TMAbort", ()),
        ("RMPrepare", (1,)), ("RMPrepare", (2,)),
        ("RMChooseToAbort", (1,)), ("RMChooseToAbort", (2,)),
    ]  # fmt: skip
    for state in bfs(compiled):
        got = [(s.action, s.params, s.state) for s in compiled.labelled_successors(state)]
        assert got == reference_successors(m, state)


def test_action_hits_count_the_successors_of_next_states_per_action() -> None:
    m = two_phase(3)
    compiled = build(m)
    states = bfs(compiled)
    compiled.action_hits[:] = [0] * len(m.actions)
    expected = [0] * len(m.actions)
    for state in states:
        compiled.next_states(state)
        for s in compiled.labelled_successors(state):  # labelled calls leave the counters alone
            expected[s.action] += 1
    assert compiled.action_hits == expected
    assert all(expected)
