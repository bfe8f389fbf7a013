"""Every bundled spec, pinned: its verdict and exact distinct-state count at the default
constants and, for a bug variant, the property it breaks and the length of the shortest
counterexample (for a liveness property: the lasso's prefix, as short as possible, and its
loop). A change to any of these numbers must be deliberate: update the table (and
the spec's page under docs/specs/) in the same change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.specs.library_ii import LIBRARY_II
from verikit import api
from verikit.report import SpecReport

SPECS = Path(__file__).resolve().parents[2] / "specs"


@dataclass(frozen=True)
class Pin:
    verdict: str  # "holds" | "expected" (a bug variant showing its bug)
    states: int
    violated: str | None = None  # the property a bug variant breaks
    steps: int | None = None  # length of its shortest counterexample (a lasso's prefix)
    loop: int | None = None  # a liveness counterexample's loop length (0: it stutters)
    kind: str = "invariant"  # the kind of the violated property


PINS = {
    "crdt_counter.dsl": Pin("holds", 3_247),
    "crdt_lww.dsl": Pin("holds", 1_232),
    "crdt_lww_buggy.dsl": Pin("expected", 255, "Convergence", 6),
    "crdt_orset.dsl": Pin("holds", 49_682),
    "lease_fencing.dsl": Pin("holds", 20_152),
    "lease_no_fencing.dsl": Pin("expected", 13_277, "NoStaleOverwrite", 14),
    # timing queries only (no state machine): `check` sees one state; tests/specs/test_queries.py
    "lease_timing.dsl": Pin("holds", 1),
    "lease_timing_no_drift_margin.dsl": Pin("holds", 1),
    "raft.dsl": Pin("holds", 103_057),
    "raft_buggy.dsl": Pin("expected", 91_078, "LeaderCompleteness", 11),
    "raft_election.dsl": Pin("holds", 4_466),
    "raft_election_split.dsl": Pin("expected", 6_972, "EventuallyLeader", 6, 12, "eventually"),
    "reference/tla_two_phase.dsl": Pin("holds", 288),
    # issue 13's lossy 2PC, links of one message; N=3/4 in tests/specs/test_lossy_links.py
    "reference/two_phase_lossy_links.dsl": Pin("holds", 836),
    "reference/two_phase_lossy_links_global.dsl": Pin("holds", 836),
    "two_phase_commit.dsl": Pin("holds", 44_095),
    # no `expect violation Atomicity` in this file yet, so it reports a plain violation
    "two_phase_commit_buggy.dsl": Pin("expected", 95, "Atomicity", 4),
    "two_phase_commit_crash.dsl": Pin("holds", 12_330),
    "two_phase_commit_crash_buggy.dsl": Pin("expected", 11_460, "Atomicity", 10),
    "two_phase_commit_liveness.dsl": Pin("holds", 21_422),
    "two_phase_commit_liveness_unfair.dsl": Pin(
        "expected", 21_422, "EventuallyDecided", 1, 2, "eventually"
    ),
}
PINS.update({name: Pin(*pin) for name, pin in LIBRARY_II.items()})  # issue 15's specs


@cache
def check(name: str) -> SpecReport:
    """Each spec is checked once per test run (the reports are immutable)."""
    report = api.check_file(SPECS / name)
    assert report.result is not None, report.diagnostics
    return report


def test_every_bundled_spec_is_pinned() -> None:
    bundled = {str(p.relative_to(SPECS)) for p in SPECS.rglob("*.dsl")}
    assert bundled == set(PINS)


@pytest.mark.parametrize("name", sorted(PINS))
def test_spec_verdict_and_state_count(name: str) -> None:
    pin, report = PINS[name], check(name)
    assert report.result is not None
    assert (report.verdict, report.result.stats.distinct_states) == (pin.verdict, pin.states)
    assert report.warnings == ()


@pytest.mark.parametrize(
    "name", sorted(n for n, p in PINS.items() if p.verdict == "holds" and p.states > 1)
)
def test_correct_spec_reaches_every_witness(name: str) -> None:
    result = check(name).result
    assert result is not None
    assert result.violations == () and result.unreached == ()
    assert result.witnesses


@pytest.mark.parametrize("name", sorted(n for n, p in PINS.items() if p.verdict == "holds"))
def test_correct_spec_decides_every_liveness_property(name: str) -> None:
    """A liveness property that was never decided must not pass for one that holds."""
    report = check(name)
    assert report.result is not None and report.loaded is not None
    liveness = tuple(p.name for p in report.loaded.model.liveness)
    assert report.result.liveness_checked == liveness
    assert report.result.liveness_undecided is None


@pytest.mark.parametrize("name", sorted(n for n, p in PINS.items() if p.violated))
def test_bug_variant_breaks_its_property_with_the_shortest_counterexample(name: str) -> None:
    pin, report = PINS[name], check(name)
    assert report.result is not None
    (violation,) = report.result.violations
    assert (violation.kind, violation.property) == (pin.kind, pin.violated)
    steps = len(violation.path) - 1
    if pin.loop is None:
        assert (steps, violation.loop_start) == (pin.steps, None)
    else:
        assert violation.loop_start is not None
        assert (violation.loop_start, steps - violation.loop_start) == (pin.steps, pin.loop)
    (trace,) = report.traces
    assert (trace.property, trace.loop_start) == (pin.violated, violation.loop_start)
