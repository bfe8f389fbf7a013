"""A cluster search finds exactly what a single-process search finds: the same counts, depth,
verdict and the same shortest counterexamples, for every bundled spec native supports."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from verikit.api import load
from verikit.cluster import check as cluster
from verikit.engine import CheckOptions

from .agreement import both
from .conftest import CLUSTER_MARKS

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "specs").rglob("*.dsl"))
TWOPHASE = str(ROOT / "specs" / "reference" / "tla_two_phase.dsl")

pytestmark = CLUSTER_MARKS


@pytest.mark.parametrize("spec", SPECS)
def test_every_bundled_spec_counts_the_same_on_two_workers(spec: str, ray_session: ModuleType) -> None:
    try:
        on_cluster, single = both(str(ROOT / spec))
    except cluster.ClusterUnavailable as refused:  # native cannot encode it: said, exit 2
        assert "check this spec without --cluster" in str(refused)
        return
    assert on_cluster == single


@pytest.mark.parametrize("rms", [3, 4, 5, 6])
def test_two_phase_counts_the_same_for_3_to_6_resource_managers(rms: int, ray_session: ModuleType) -> None:
    on_cluster, single = both(TWOPHASE, {"RMs": rms})
    assert on_cluster == single


def test_one_worker_and_two_workers_agree(ray_session: ModuleType) -> None:
    buggy = str(ROOT / "specs" / "raft_buggy.dsl")
    one, single = both(buggy, workers=1)
    two, _ = both(buggy, workers=2)
    assert one == two == single
    assert single["violations"]  # a counterexample, rebuilt across workers


@pytest.mark.parametrize(
    "options",
    [CheckOptions(max_states=1000), CheckOptions(max_depth=4), CheckOptions(max_states=7),
     CheckOptions(stop_at_first=False), CheckOptions(deadlock=False)],
    ids=["max-states", "max-depth", "max-states-in-init", "all-violations", "no-deadlock"],
)
def test_limits_stop_where_a_single_process_stops(options: CheckOptions, ray_session: ModuleType) -> None:
    for spec in ("specs/two_phase_commit_crash_buggy.dsl", "specs/paxos_ignore_accepted.dsl"):
        on_cluster, single = both(str(ROOT / spec), options=options)
        assert on_cluster == single


def test_coverage_is_refused_with_what_to_do(ray_session: ModuleType) -> None:
    compiled = load(TWOPHASE, {"RMs": 3}).compiled
    with pytest.raises(cluster.ClusterUnavailable, match="--coverage"):
        cluster.check(compiled, CheckOptions(coverage=True), "ray", 2)
