"""Huge constants never hang loading (issue 10): sizes the search cannot explore are refused
with exit 2, naming the size and the constant (or the trace it came from); `--timeout`
bounds loading too; a huge range tested for membership is never built. Each case used to
loop for ever, or grow past gigabytes, before the search's first state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.within import finishes_within
from verikit import api
from verikit.core.model import Model
from verikit.engine import CheckOptions
from verikit.errors import SpecError
from verikit.report import to_dict, to_text

ROOT = Path(__file__).resolve().parents[2]
TLA_TWO_PHASE = ROOT / "specs" / "reference" / "tla_two_phase.dsl"
CRDT_ORSET = ROOT / "specs" / "crdt_orset.dsl"
BUGGY_2PC = ROOT / "specs" / "two_phase_commit_buggy.dsl"


@pytest.mark.parametrize(
    ("spec", "consts", "named"),
    [
        (TLA_TWO_PHASE, {"RMs": 100_000}, "(RMs = 100000, from --const RMs)"),
        (CRDT_ORSET, {"N": 100_000}, "(N = 100000, from --const N)"),
        (BUGGY_2PC, {"N": 10**20}, "(N = 100000000000000000000, from --const N)"),
    ],
)
def test_a_constant_too_large_to_explore_is_a_spec_error(
    spec: Path, consts: dict[str, int], named: str
) -> None:
    with finishes_within(20):
        report = api.check_file(spec, consts)
    assert report.verdict == "error" and api.exit_code([report]) == api.EXIT_ERROR
    (diagnostic,) = report.diagnostics
    assert named in diagnostic.message and "docs/limits.md" in diagnostic.message


def test_a_large_but_explorable_constant_stops_at_the_timeout() -> None:
    with finishes_within(20):  # it ran past 60 s: the clock was read every 1,024 states
        report = api.check_file(
            TLA_TWO_PHASE, {"RMs": 1000}, CheckOptions(timeout=1.0), backend="python"
        )
    assert report.verdict == "incomplete" and api.exit_code([report]) == api.EXIT_INCOMPLETE
    assert report.result is not None and report.result.incomplete_reason == "timeout 1.0 s"


def test_membership_in_a_huge_range_is_tested_without_building_it(tmp_path: Path) -> None:
    spec = tmp_path / "member.dsl"
    spec.write_text(
        "spec Member\nvar x: 0..1000000000 = 0\naction inc when x < 3 { x = x + 1 }\n"
        "terminal when x == 3\ninvariant InRange: x in 0..1000000000 and x in 0..x + 5\n"
    )
    with finishes_within(20):
        report = api.check_file(spec, backend="python")  # the compiled Python's membership
    assert report.verdict == "holds"


def test_a_spec_that_takes_too_long_to_load_stops_at_the_timeout_as_incomplete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def endless_compile(model: Model) -> Any:
        while True:
            pass

    monkeypatch.setattr(api, "build", endless_compile)
    with finishes_within(10):
        report = api.check_file(BUGGY_2PC, options=CheckOptions(timeout=0.3))
    assert report.verdict == "incomplete" and api.exit_code([report]) == api.EXIT_INCOMPLETE
    message = (
        "INCOMPLETE: timeout 0.3 s reached while loading the spec (parsing, checking and "
        "compiling it); nothing was checked"
    )
    assert to_text(report) == f"{BUGGY_2PC}:1:1: warning: {message}"
    assert [w["message"] for w in to_dict(report)["warnings"]] == [message]


def tampered_trace(tmp_path: Path, n: int) -> Path:
    """A counterexample of the buggy 2PC whose #meta says it was made with N = n."""
    document = api.first_trace_itf(api.check_file(BUGGY_2PC))
    assert document is not None
    document["#meta"]["verikit"]["consts"]["N"] = n
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(document))
    return path


def test_replay_bounds_a_trace_constants_like_const_and_names_the_trace(tmp_path: Path) -> None:
    trace = tampered_trace(tmp_path, 10**6)
    with finishes_within(20), pytest.raises(SpecError) as caught:
        api.replay_file(BUGGY_2PC, trace)
    (diagnostic,) = caught.value.diagnostics
    assert f"(N = 1000000, from `N` in {trace}'s #meta)" in diagnostic.message


def test_render_bounds_a_trace_constants_like_const(tmp_path: Path) -> None:
    trace = tampered_trace(tmp_path, 10**6)
    with finishes_within(20), pytest.raises(SpecError) as caught:
        api.render_file(BUGGY_2PC, trace, tmp_path / "out.svg")
    assert "node group `Participant` has 1,000,000 nodes" in caught.value.diagnostics[0].message
    assert not (tmp_path / "out.svg").exists()


def test_an_override_of_a_trace_constant_is_named_as_the_command_line_s(tmp_path: Path) -> None:
    trace = tampered_trace(tmp_path, 3)
    with pytest.raises(SpecError) as caught:
        api.replay_file(BUGGY_2PC, trace, {"N": 10**6})
    assert "(N = 1000000, from --const N)" in caught.value.diagnostics[0].message


def test_graph_stops_generating_initial_states_past_its_state_limit(tmp_path: Path) -> None:
    spec = tmp_path / "many.dsl"
    spec.write_text(
        "spec Many\nvar a: 0..999 = any\nvar b: 0..999 = any\nvar c: 0..999 = any\n"
        "action reset when a > 0 { a = 0 }\n"  # 10^9 initial states
    )
    with finishes_within(5), pytest.raises(api.UsageError) as caught:  # memory grows meanwhile
        api.graph_file(spec, tmp_path / "graph.svg", max_states=50)
    assert "more than 50 reachable states" in str(caught.value)
    assert not (tmp_path / "graph.svg").exists()
