"""Random simulation (engine/simulate.py) and shrinking (engine/shrink.py).

A simulation is reproducible from its seed, walks only along real successors (checked against
the reference interpreter), finds the bundled bugs, and shrinks what it finds to a trace that
is never longer than the one found and still replays.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verikit import api
from verikit.compile import build
from verikit.compile.compiled import CompiledModel
from verikit.engine.result import Verdict
from verikit.engine.shrink import Shrink
from verikit.engine.simulate import (
    SimulateOptions,
    SimulationResult,
    Walker,
    features,
    run_seed,
    simulate,
)
from verikit.trace import replay
from verikit.trace.replay import replay_states

from ..oracle.reference import init_states, successors
from ..oracle.strategies import models

SPECS = Path(__file__).resolve().parents[2] / "specs"


def compiled_spec(name: str, **consts: int) -> CompiledModel:
    return api.load(SPECS / name, consts).compiled


def run(compiled: CompiledModel, **options: Any) -> SimulationResult:
    """A simulation with the example database off (tests leave no cache behind)."""
    chosen = SimulateOptions(**{"seed": 7, "runs": 2000, **options})
    shrink = Shrink(compiled, chosen, chosen.seed or 0)
    return simulate(compiled, chosen, shrink, shrink.replay_last)


def facts(result: SimulationResult) -> tuple[Any, ...]:
    """Everything a simulation reports except the clock."""
    run = result.run
    shrinking = run.shrinking and (run.shrinking.original, run.shrinking.shrunk)
    return (result.result.violations, result.result.witnesses, run.runs, run.steps,
            run.distinct_states, run.coverage, run.found_run, run.found_seed, shrinking)  # fmt: skip


# ---------------------------------------------------------------- reproducible


def test_a_fixed_seed_reproduces_the_same_simulation() -> None:
    compiled = compiled_spec("raft_buggy.dsl")
    assert facts(run(compiled, seed=11)) == facts(run(compiled, seed=11))


def test_a_simulation_without_a_violation_is_reproducible_too() -> None:
    compiled = compiled_spec("two_phase_commit.dsl")
    first, second = run(compiled, seed=3, runs=30), run(compiled, seed=3, runs=30)
    assert facts(first) == facts(second)
    assert first.result.verdict == Verdict.INCOMPLETE and first.run.runs == 30


def test_the_printed_seed_of_the_failing_run_finds_the_same_violation_as_run_0() -> None:
    compiled = compiled_spec("raft_buggy.dsl")
    found = run(compiled, seed=11, shrink=False)
    assert found.run.found_run is not None and found.run.found_run > 0
    again = run(compiled, seed=found.run.found_seed, shrink=False)
    assert again.run.found_run == 0
    assert again.result.violations == found.result.violations


def test_run_0_walks_with_the_seed_itself_and_nearby_seeds_share_no_runs() -> None:
    assert run_seed(41, 0) == 41
    first = {run_seed(1, i) for i in range(1, 1000)}
    second = {run_seed(2, i) for i in range(1, 1000)}
    assert len(first) == 999 and not first & second
    assert all(0 <= seed < 2**63 for seed in first | second)


def test_workers_report_the_violation_one_process_finds() -> None:
    compiled = compiled_spec("raft_buggy.dsl")
    alone = run(compiled, seed=11, shrink=False)
    shared = run(compiled, seed=11, shrink=False, workers=2)
    assert shared.run.workers == 2
    assert shared.run.found_run == alone.run.found_run
    assert shared.result.violations == alone.result.violations


@pytest.mark.parametrize("spec", ["raft_buggy.dsl", "two_phase_commit_crash_buggy.dsl"])
def test_the_native_library_walks_exactly_the_runs_python_walks(spec: str) -> None:
    compiled = compiled_spec(spec)
    native = run(compiled, seed=5, shrink=False, backend="native")
    python = run(compiled, seed=5, shrink=False, backend="python")
    assert (native.run.backend, python.run.backend) == ("native", "python")
    assert facts(native) == facts(python)


def test_a_fault_the_native_library_cannot_word_is_found_again_on_python(tmp_path: Path) -> None:
    spec = tmp_path / "overflow.dsl"
    spec.write_text(
        "spec Overflow\nvar x: 0..3 = 0\naction inc { x = x + 1 }\ninvariant Small: x <= 3\n",
        encoding="utf-8",
    )
    compiled = api.load(spec).compiled
    result = run(compiled, seed=1, backend="auto")
    (fault,) = result.result.violations
    assert fault.kind == "fault" and fault.fault is not None
    assert result.run.backend == "python"
    if "gave up" not in result.run.backend_reason:  # no C compiler here: python from the start
        assert result.run.backend_reason
    replay(compiled, fault)


# ---------------------------------------------------------------- what runs find


@pytest.mark.parametrize(
    "spec",
    ["two_phase_commit_buggy.dsl", "two_phase_commit_crash_buggy.dsl", "crdt_lww_buggy.dsl",
     "lease_no_fencing.dsl", "raft_buggy.dsl"],
)  # fmt: skip
def test_every_bundled_safety_bug_is_found_shrunk_and_replays(spec: str) -> None:
    compiled = compiled_spec(spec)
    result = run(compiled)
    (violation,) = result.result.violations
    assert violation.property in compiled.model.expected
    shrinking = result.run.shrinking
    assert shrinking is not None and shrinking.shrunk <= shrinking.original
    assert shrinking.shrunk == len(violation.path) - 1
    trace = replay(compiled, violation)  # raises ReplayError when it does not show the bug
    assert replay_states(compiled, [s.state for s in trace.steps]).ok


@pytest.mark.parametrize(
    "spec", ["raft_election_split.dsl", "two_phase_commit_liveness_unfair.dsl"]
)
def test_liveness_bugs_show_as_fair_lassos_that_replay(spec: str) -> None:
    compiled = compiled_spec(spec)
    result = run(compiled)
    (violation,) = result.result.violations
    assert violation.property in compiled.model.expected
    assert violation.loop_start is not None
    shrinking = result.run.shrinking
    assert shrinking is not None and shrinking.shrunk == len(violation.path) - 1
    assert shrinking.shrunk <= shrinking.original
    replay(compiled, violation)  # confirms the loop closes, is fair and breaks the property


def test_a_spec_that_holds_ends_incomplete_with_coverage_and_witnesses() -> None:
    compiled = compiled_spec("two_phase_commit.dsl")
    result = run(compiled, runs=50)
    assert result.result.verdict == Verdict.INCOMPLETE and not result.result.violations
    assert result.run.stopped == "runs" and result.run.runs == 50
    assert result.run.distinct_states > 1 and result.run.steps > 0
    taken = {c.name: c.taken for c in result.run.coverage}
    assert taken["Coordinator.begin"] > 0
    assert all(c.taken <= c.enabled * 1_000 for c in result.run.coverage)
    assert all(c.enabled or not c.taken for c in result.run.coverage)
    for witness in result.result.witnesses:
        replay(compiled, witness)  # the reachable predicate holds at its end


CONSTRAINED = """spec Constrained
var x: 0..5 = 0
action inc when x < 5 { x = x + 1 }
terminal when x == 5
invariant Small: x <= LIMIT
constraint x <= 2
"""


@pytest.mark.parametrize(("limit", "violated"), [(3, False), (2, True)])
def test_a_state_outside_the_constraint_is_checked_then_ends_the_run(
    tmp_path: Path, limit: int, violated: bool
) -> None:
    spec = tmp_path / "constrained.dsl"
    spec.write_text(CONSTRAINED.replace("LIMIT", str(limit)), encoding="utf-8")
    result = run(api.load(spec).compiled, runs=20)
    assert bool(result.result.violations) == violated
    if not violated:
        assert result.run.distinct_states == 3 and result.run.longest == 3  # x = 0, 1, 2


def test_swarm_features_group_each_fault_kind() -> None:
    model = compiled_spec("two_phase_commit_crash_buggy.dsl").model
    kinds = [{model.actions[i].kind for i in feature} for feature in features(model)]
    assert {"crash", "restart"} in kinds
    assert all(len(k) == 1 or k == {"crash", "restart"} or k == {"partition", "heal"}
               for k in kinds)  # fmt: skip


def test_ctrl_c_ends_the_walks_and_keeps_what_they_found() -> None:
    compiled = compiled_spec("two_phase_commit.dsl")
    calls = 0

    def next_states(state: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 500:
            raise KeyboardInterrupt
        return compiled.next_states(state)

    stopping = dataclasses.replace(compiled, next_states=next_states)
    result = run(stopping, runs=10_000, backend="python")
    assert result.run.stopped == "interrupted"
    assert result.result.verdict == Verdict.INCOMPLETE
    assert 0 < result.run.runs < 10_000 and result.run.steps >= 400


def test_progress_is_reported_about_once_a_second_while_the_runs_go_on() -> None:
    seen: list[tuple[int, int, float]] = []
    options = {"runs": None, "timeout": 2.5, "depth": 10, "progress": lambda *p: seen.append(p)}
    result = run(compiled_spec("two_phase_commit.dsl"), backend="python", **options)
    assert 1 <= len(seen) <= 3
    assert [p[0] for p in seen] == sorted(p[0] for p in seen)
    assert all(0 < runs <= result.run.runs and seconds >= 1.0 for runs, _, seconds in seen)


def test_a_timeout_ends_the_walks() -> None:
    result = run(compiled_spec("two_phase_commit.dsl"), runs=None, timeout=0.2)
    assert result.run.stopped == "timeout" and result.run.runs > 0


# ---------------------------------------------------------------- shrinking


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10**6))
def test_a_shrunk_trace_is_never_longer_than_the_one_found(seed: int) -> None:
    compiled = compiled_spec("two_phase_commit_buggy.dsl")
    result = run(compiled, seed=seed, shrink_seconds=2.0)
    (violation,) = result.result.violations
    shrinking = result.run.shrinking
    assert shrinking is not None
    assert shrinking.shrunk <= shrinking.original
    replay(compiled, violation)


def test_shrinking_reaches_checks_shortest_counterexample_on_two_phase_commit() -> None:
    compiled = compiled_spec("two_phase_commit_buggy.dsl")
    shortest = api.check_file(SPECS / "two_phase_commit_buggy.dsl", backend="python")
    assert shortest.result is not None
    (bfs,) = shortest.result.violations
    (found,) = run(compiled).result.violations
    assert len(found.path) == len(bfs.path)


def test_the_example_database_replays_the_last_failure_first(tmp_path: Path) -> None:
    compiled = compiled_spec("crdt_lww_buggy.dsl")
    first = run(compiled, seed=11, database=str(tmp_path), shrink_seconds=3.0)
    assert first.result.violations and not first.run.from_database
    second = run(compiled, seed=12345, database=str(tmp_path), shrink_seconds=1.0)
    assert second.run.from_database and second.run.runs == 0
    assert second.result.violations[0].property == first.result.violations[0].property
    assert len(second.result.violations[0].path) <= len(first.result.violations[0].path)
    exact = run(compiled, seed=12345, database=str(tmp_path), replay_database=False)
    assert not exact.run.from_database  # --seed reproduces a simulation, whatever is cached


# ---------------------------------------------------------------- against the reference


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=models(), seed=st.integers(0, 2**32))
def test_every_simulated_step_is_a_successor_by_the_reference_interpreter(
    model: Any, seed: int
) -> None:
    """The walk's ordinals (into next_states) and its choices (action, index among that
    action's successors) name the same reference successor at every step."""
    compiled = build(model)
    walker = Walker(compiled, SimulateOptions(depth=15, seed=seed))
    if walker.start() is not None:
        return  # the initial states fault: nothing to walk
    for walk_seed in range(seed, seed + 3):
        _, choices, path = walker.walk(walk_seed)
        if not path:
            continue
        state = init_states(model)[path[0]]
        assert choices[0] == path[0]
        pairs = zip(choices[1::2], choices[2::2], strict=True)
        for ordinal, (action, index) in zip(path[1:], pairs, strict=True):
            expected = successors(model, state)
            of_action = [t for a, _, t in expected if a == action]
            assert expected[ordinal][2] == of_action[index]
            state = of_action[index]
