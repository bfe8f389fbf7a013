"""What goes wrong around a cluster run is said, with the right exit code: no Ray (2, with the
install command), a bad or unreachable address (2, naming it), a version mismatch (named),
a worker killed mid-run (3, naming it, nothing concluded; the next run works)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from verikit import api
from verikit.api import load
from verikit.cluster import check as cluster
from verikit.cluster import connect, search
from verikit.engine import CheckOptions, Progress
from verikit.engine.result import Verdict

from .conftest import needs_cluster, needs_ray

ROOT = Path(__file__).resolve().parents[2]
TWOPHASE = str(ROOT / "specs" / "reference" / "tla_two_phase.dsl")


def test_without_ray_cluster_exits_2_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(connect.ClusterUnavailable, match=r"pip install 'verikit\[cluster\]'"):
        connect.import_ray()
    with pytest.raises(api.UsageError, match=r"pip install 'verikit\[cluster\]'"):
        api.check_file(str(ROOT / "specs" / "two_phase_commit_buggy.dsl"), cluster="ray")


@pytest.mark.parametrize("text", ["ray:/host", "spark://h:1", "ray://h:99999", "ray://"])
def test_a_malformed_address_is_refused(text: str) -> None:
    with pytest.raises(connect.ClusterUnavailable, match="--cluster"):
        connect.parse_address(text)


def test_addresses_name_the_head_and_default_to_its_gcs_port() -> None:
    assert connect.parse_address("ray") == connect.Address()
    assert connect.parse_address("ray://head.example") == connect.Address("head.example", 6379)
    assert connect.parse_address("ray://10.0.0.7:6380") == connect.Address("10.0.0.7", 6380)
    assert str(connect.parse_address("ray://[::1]:7000")) == "ray://::1:7000"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@needs_ray
def test_an_unreachable_address_exits_2_naming_it_after_a_bounded_wait() -> None:
    port = closed_port()
    started = time.monotonic()
    with pytest.raises(api.UsageError, match=f"cannot reach the Ray cluster at ray://127.0.0.1:{port}"):
        api.check_file(str(ROOT / "specs" / "two_phase_commit_buggy.dsl"),
                       cluster=f"ray://127.0.0.1:{port}")  # fmt: skip
    assert time.monotonic() - started < connect.CONNECT_TIMEOUT + 5


def test_a_version_mismatch_names_the_worker_and_both_versions() -> None:
    driver = {"Ray": "2.60.0", "Python": "3.11.9", "verikit": "0.9"}
    same = [("worker 0 (a)", dict(driver))]
    assert connect.version_mismatch(driver, same) is None
    other = [*same, ("worker 1 (b)", {**driver, "Ray": "2.59.1"})]
    message = connect.version_mismatch(driver, other)
    assert message == "version mismatch on worker 1 (b): Ray 2.59.1 (this process: 2.60.0)"


def worker_pids() -> list[int]:
    """The processes of the cluster's workers (Ray titles them after the actor class)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().split(b"\0")[0]
            except OSError:
                continue
            if title.startswith(b"ray::PartitionWorker"):
                pids.append(int(entry.name))
    return pids


@needs_cluster
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers in /proc")
def test_a_worker_killed_mid_run_stops_it_with_exit_3_naming_the_worker(
    ray_session: ModuleType,
) -> None:
    search.stop_workers(ray_session, [a for idle in search._idle.values() for a in idle], keep=False)
    killed: list[int] = []

    def kill_one(progress: Progress) -> None:
        assert len(progress.workers) == 2  # each worker's states per second
        if not killed:
            killed.append(worker_pids()[0])
            os.kill(killed[0], signal.SIGKILL)

    compiled = load(TWOPHASE, {"RMs": 8}).compiled  # 1,745,408 states: seconds, on 2 workers
    result = cluster.check(compiled, CheckOptions(progress=kill_one), "ray", 2)
    assert killed, "the search ended before a worker could be killed"
    assert result.verdict is Verdict.INCOMPLETE and not result.violations
    assert result.incomplete_reason is not None
    assert f"pid {killed[0]}" in result.incomplete_reason
    assert "was lost during the search" in result.incomplete_reason
    assert result.stats.distinct_states < 1745408
    smaller = load(TWOPHASE, {"RMs": 5}).compiled
    again = cluster.check(smaller, CheckOptions(), "ray", 2)  # the run can be restarted
    assert (again.verdict, again.stats.distinct_states) == (Verdict.HOLDS, 8832)


@needs_cluster
def test_a_worker_that_cannot_build_the_model_stops_the_run_before_it_starts(
    ray_session: ModuleType,
) -> None:
    with pytest.raises(cluster.ClusterUnavailable, match="a cluster worker failed to start: "
                       "the C compiler rejected the generated code"):  # fmt: skip
        search.start_workers(ray_session, "this is not C;", 1, True, True, 100)


def test_ray_refusing_to_join_a_cluster_of_another_version_is_named_a_version_mismatch() -> None:
    address = connect.Address("head", 6379)
    refusal = RuntimeError("Version mismatch: The cluster was started with: Ray: 2.59.1 ...")
    assert connect._why(address, refusal).startswith(
        "Ray version mismatch with the cluster at ray://head:6379: Version mismatch"
    )
    assert "did not answer" in connect._why(address, SystemExit(15))


def test_more_workers_than_a_parent_reference_can_name_is_refused() -> None:
    compiled = load(str(ROOT / "specs" / "two_phase_commit_buggy.dsl")).compiled
    with pytest.raises(cluster.ClusterUnavailable, match="at most 255 workers"):
        cluster.check(compiled, CheckOptions(), "ray", 256)
