"""The native backend agrees with engine/search.py exactly, and says which backend ran and why.

These tests drive the native search with the hand-written TwoPhase model
(tests/native/twophase_handwritten.c) so they do not depend on the code generator; variants of
the spec text and of the C (-D switches) give violations, deadlocks and faults."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from verikit.api import load
from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model
from verikit.engine import native
from verikit.engine import search as python_search
from verikit.engine.options import CheckOptions
from verikit.engine.result import CheckResult, Verdict
from verikit.native import codegen
from verikit.native.build import HasC, build
from verikit.native.library import Event, EventKind, SearchOutcome, Status

from ..native.handwritten import SPEC, needs_compiler, twophase_c

pytestmark = needs_compiler
BUGGY = Path(__file__).resolve().parents[2] / "specs" / "two_phase_commit_buggy.dsl"


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIKIT_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@dataclass(frozen=True)
class Source:
    c: str


def handwritten(rms: int, *defines: str) -> native.Generator:
    def generate(model: Model) -> HasC:
        return Source(twophase_c(rms, *defines))

    return generate


def compiled(rms: int, tmp_path: Path | None = None, *edits: tuple[str, str]) -> CompiledModel:
    """TwoPhase with `RMs = rms`, its text edited (old, new) first."""
    text = SPEC.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = SPEC
    if edits:
        assert tmp_path is not None
        path = tmp_path / "variant.dsl"
        path.write_text(text)
    return load(path, {"RMs": rms}).compiled


def facts(result: CheckResult) -> tuple[object, ...]:
    """Everything both engines must agree on (timings aside)."""
    s = result.stats
    faults = tuple((str(d.fault), d.fault.span) if d.fault else None for d in result.violations)
    return (
        result.verdict, s.distinct_states, s.transitions, s.depth, s.peak_queue,
        tuple((d.property, d.kind, d.path) for d in result.violations), faults,
        result.witnesses, result.unreached, result.never_enabled, result.incomplete_reason,
    )  # fmt: skip


def agree(model: CompiledModel, generate: native.Generator, options: CheckOptions) -> CheckResult:
    expected = facts(python_search.check(model, options))
    results = [native.check(model, options, "native", w, generate) for w in (1, 2, 3)]
    for workers, result in enumerate(results, 1):
        assert result.backend is not None and result.backend.name == "native"
        assert facts(result) == expected, f"{workers} workers"
    return results[0]


LIMITS = [
    CheckOptions(),
    CheckOptions(max_states=1),
    CheckOptions(max_states=100),
    CheckOptions(max_depth=1),
    CheckOptions(max_depth=5),
    CheckOptions(stop_at_first=False, max_states=500),
]


@pytest.mark.parametrize("options", LIMITS, ids=repr)
def test_counts_depth_and_witnesses_match_the_python_engine(options: CheckOptions) -> None:
    agree(compiled(4), handwritten(4), options)


def test_the_shortest_counterexample_is_the_python_engines_whatever_the_workers(
    tmp_path: Path,
) -> None:
    strict = ("invariant TCConsistent:\n  not exists r1, r2 in RM: rmState[r1] == Aborted and "
              "rmState[r2] == Committed", "invariant TCConsistent: forall r in RM: "
              "rmState[r] != Committed")  # fmt: skip
    model = compiled(4, tmp_path, strict)
    for options in (CheckOptions(), CheckOptions(stop_at_first=False)):
        result = agree(model, handwritten(4, "VK_TEST_STRICT"), options)
        assert [d.property for d in result.violations] == ["TCConsistent"]


def test_a_deadlock_is_found_at_the_same_state(tmp_path: Path) -> None:
    never = [(f"action {a}(r: RM) when Msg", f"action {a}(r: RM) when false and Msg")
             for a in ("RMRcvCommitMsg", "RMRcvAbortMsg")]  # fmt: skip
    model = compiled(3, tmp_path, *never)
    result = agree(model, handwritten(3, "VK_TEST_NO_RECEIVE"), CheckOptions())
    assert [d.kind for d in result.violations] == ["deadlock"]
    agree(model, handwritten(3, "VK_TEST_NO_RECEIVE"), CheckOptions(deadlock=False))


def test_a_runtime_fault_has_pythons_path_name_and_message(tmp_path: Path) -> None:
    boom = ("var msgs: set<Msg> = {}", "var msgs: set<Msg> = {}\nvar boom: 0..1 = 0")
    commit = ("  tmState = Committed\n", "  tmState = Committed\n  boom = boom + 2\n")
    model = compiled(3, tmp_path, boom, commit)
    for options in (CheckOptions(), CheckOptions(stop_at_first=False)):
        result = agree(model, handwritten(3, "VK_TEST_FAULT"), options)
        fault = result.violations[0]
        assert (fault.property, fault.kind) == ("TMCommit", "fault")


def test_a_value_native_cannot_hold_reruns_on_python_with_a_note() -> None:
    model = compiled(3)
    result = native.check(
        model, CheckOptions(), "auto", 2, handwritten(3, "VK_TEST_UNREPRESENTABLE")
    )
    assert result.backend is not None and result.backend.name == "python"
    assert "does not fit the native state layout" in result.backend.reason
    assert facts(result) == facts(python_search.check(model))


def test_without_a_compiler_auto_runs_python_and_native_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-anywhere")
    result = native.check(compiled(3), CheckOptions(), "auto", 1, handwritten(3))
    assert result.backend is not None and result.backend.name == "python"
    assert "no C compiler found" in result.backend.reason
    with pytest.raises(native.BackendUnavailable, match="--backend native: no C compiler"):
        native.check(compiled(3), CheckOptions(), "native", 1, handwritten(3))


def test_a_spec_the_generator_refuses_runs_on_python_naming_the_construct() -> None:
    def refuse(model: Model) -> HasC:
        raise native.NativeRefused("a set over a domain of 4096 values", None)

    result = native.check(compiled(3), CheckOptions(), "auto", 1, refuse)
    assert result.backend is not None and result.backend.name == "python"
    assert result.backend.reason == "native cannot encode a set over a domain of 4096 values"
    with pytest.raises(native.BackendUnavailable, match="4096 values"):
        native.check(compiled(3), CheckOptions(), "native", 1, refuse)


def test_python_when_asked_for() -> None:
    result = native.check(compiled(3), CheckOptions(), "python", 4, handwritten(3))
    assert result.backend is not None
    assert (result.backend.name, result.backend.reason) == (
        "python",
        "asked for with --backend python",
    )


def test_the_native_line_reports_build_and_search_apart() -> None:
    model = compiled(3)
    native.check(model, CheckOptions(), "native", 1, handwritten(3))  # fills the cache
    result = native.check(model, CheckOptions(), "native", 2, handwritten(3))
    backend = result.backend
    assert backend is not None and backend.cached and backend.workers == 2
    assert backend.search_seconds == result.stats.seconds
    assert backend.collision_probability is not None and 0 < backend.collision_probability < 1e-9


def test_ctrl_c_stops_the_native_search_with_its_figures_so_far() -> None:
    model = compiled(8)
    generate = handwritten(8)
    native.check(model, CheckOptions(max_states=10), "native", 1, generate)  # build first
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(python_search.Interrupted) as caught:
        native.check(model, CheckOptions(), "native", 1, generate)
    timer.join()
    partial = caught.value.partial
    assert partial.incomplete_reason == "interrupted"
    assert 0 < partial.stats.distinct_states < 1_745_408


def test_time_spent_before_the_search_counts_against_the_timeout() -> None:
    options = CheckOptions(timeout=1.0, started=time.monotonic() - 5.0)
    result = native.check(compiled(4), options, "native", 1, handwritten(4))
    assert result.verdict is Verdict.INCOMPLETE
    # spent before the build even began: nothing is built, python stops at once
    assert result.incomplete_reason is not None
    assert result.incomplete_reason.startswith("timeout 1.0 s")


def test_a_deep_narrow_model_is_searched_level_by_level_without_losing_a_level(
    tmp_path: Path,
) -> None:
    """20,000 levels of one state each (levels this small run on the calling thread)."""
    spec = tmp_path / "chain.dsl"
    spec.write_text(
        "spec Chain\nvar x: 0..20000 = 0\naction step when x < 20000 { x = x + 1 }\n"
        "invariant Below: x < 19999\n"
    )
    model = load(spec).compiled
    for options in (CheckOptions(), CheckOptions(max_depth=100)):
        expected = facts(python_search.check(model, options))
        assert facts(native.check(model, options, "native", 2)) == expected


def test_full_state_storage_gives_the_same_answer_and_no_collision_risk() -> None:
    model = compiled(4)
    hashed = native.check(model, CheckOptions(), "native", 2, handwritten(4))
    full = native.check(model, CheckOptions(), "native", 2, handwritten(4), full_states=True)
    assert facts(full) == facts(hashed)
    assert full.backend is not None and full.backend.collision_probability is None


CONSTRAINED = """spec Constrained
var x: 0..10 = 0
var y: 0..10 = 0
action incx when x < 10 { x = x + 1 }
action incy when y < 10 { y = y + 1 }
constraint x + y <= 6
invariant NeverSeven: x + y != 7
reachable Six: x + y == 6
"""


@pytest.mark.parametrize(
    "options",
    [CheckOptions(), CheckOptions(stop_at_first=False), CheckOptions(max_states=10)],
    ids=repr,
)
def test_states_outside_a_constraint_are_checked_but_neither_counted_nor_explored(
    tmp_path: Path, options: CheckOptions
) -> None:
    spec = tmp_path / "constrained.dsl"
    spec.write_text(CONSTRAINED)
    model = load(spec).compiled
    expected = facts(python_search.check(model, options))
    for workers in (1, 2):
        result = native.check(model, options, "native", workers)
        assert facts(result) == expected


def test_more_workers_than_the_runtime_has_are_capped_and_reported_as_run() -> None:
    result = native.check(compiled(3), CheckOptions(), "native", 1000, handwritten(3))
    assert result.backend is not None and result.backend.workers == native.MAX_WORKERS
    assert facts(result) == facts(python_search.check(compiled(3)))


def test_a_build_that_outlasts_the_timeout_is_stopped_and_the_run_is_incomplete() -> None:
    options = CheckOptions(timeout=0.2, started=time.monotonic())
    real = handwritten(3)

    def slow(model: Model) -> HasC:  # a code generator (or compiler) that takes its time
        until = time.monotonic() + 5.0
        while time.monotonic() < until:
            time.sleep(0.01)
        return real(model)

    result = native.check(compiled(3), options, "native", generate=slow)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.incomplete_reason is not None and "timeout" in result.incomplete_reason
    assert result.backend is not None
    assert result.backend.reason == "the timeout passed while building the native code"


def test_a_counterexample_that_does_not_replay_is_a_disagreement_never_shown() -> None:

    compiled = load(str(BUGGY)).compiled
    library = build(codegen.generate(compiled.model)).library
    atomicity = next(i for i, p in enumerate(compiled.model.properties) if p.kind == "invariant")
    at_the_start = SearchOutcome(
        1, 0, 0, 1, 0.0, Status.COMPLETE, False,
        (Event(EventKind.INVARIANT, atomicity, 0, -1),),  # "violated in the initial state"
        (0,) * len(compiled.model.actions), lambda _: (0,), 0,
    )  # fmt: skip
    with pytest.raises(native.Disagreement, match="is True in Python at the end of"):
        native.result_of(compiled, CheckOptions(), library, at_the_start)
