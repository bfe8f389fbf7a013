"""`verikit check --cluster ray[://HOST:PORT] --workers N`: the same report as a single-process
check, the backend line saying where it ran; flags it cannot honour are usage errors; Ctrl-C
ends it with exit 130 and its figures, and leaves no Ray process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from verikit.cli import app

from .conftest import needs_cluster

ROOT = Path(__file__).resolve().parents[2]
BUGGY = str(ROOT / "specs" / "two_phase_commit_buggy.dsl")
TWOPHASE = str(ROOT / "specs" / "reference" / "tla_two_phase.dsl")
VERIKIT = str(Path(sys.executable).parent / "verikit")

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@needs_cluster
def test_the_counterexample_and_counts_are_those_of_a_single_process_check(
    ray_session: ModuleType,
) -> None:
    code, out, _ = run("check", BUGGY, "--cluster", "ray", "--workers", "2", "--format", "json")
    single_code, single, _ = run("check", BUGGY, "--workers", "1", "--format", "json")
    assert code == single_code == 0  # the expected bug was found
    on_cluster, alone = json.loads(out), json.loads(single)
    assert on_cluster["backend"]["workers"] == 2
    assert "on a local Ray instance: 2 worker processes" in on_cluster["backend"]["reason"]
    for report in (on_cluster, alone):
        del report["backend"], report["seconds"], report["states_per_second"]
    assert on_cluster == alone


@needs_cluster
def test_the_text_report_names_the_cluster(ray_session: ModuleType) -> None:
    code, out, _ = run("check", TWOPHASE, "--const", "RMs=3", "--cluster", "ray", "--workers", "2")
    assert code == 0
    assert "288 distinct states" in out
    assert "backend: native, 2 workers (on a local Ray instance: 2 worker processes" in out


@pytest.mark.parametrize(
    ("flags", "clash"),
    [(["--backend", "python"], "--backend python"), (["--full-states"], "--full-states"),
     (["--engine", "smt"], "--engine smt")],
)
def test_flags_the_cluster_cannot_honour_are_usage_errors(flags: list[str], clash: str) -> None:
    code, _, err = run("check", BUGGY, "--cluster", "ray", *flags)
    assert code == 2
    assert f"--cluster cannot be combined with {clash}" in err


def test_a_malformed_cluster_address_exits_2() -> None:
    code, _, err = run("check", BUGGY, "--cluster", "spark://head:7077")
    assert code == 2
    assert "--cluster must be `ray`" in err


def ray_processes() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                words = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(b"raylet" in w or b"gcs_server" in w or w.startswith(b"ray::") for w in words):
                found.add(int(entry.name))
    return found


@needs_cluster
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lists processes in /proc")
def test_ctrl_c_exits_130_with_the_figures_so_far_and_leaves_no_ray_process() -> None:
    before = ray_processes()
    env = {**os.environ, "CI": "1"}
    command = [VERIKIT, "check", TWOPHASE, "--const", "RMs=9", "--cluster", "ray",
               "--workers", "2"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env, start_new_session=True) as process:  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (ray_processes() - before):
            time.sleep(0.2)
        time.sleep(4)  # Ray is up: let the search start
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole group
        out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "INCOMPLETE" in out and "interrupted" in out
    assert "distinct states" in out
    time.sleep(1)
    assert not (ray_processes() - before)


@needs_cluster
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lists processes in /proc")
def test_a_finished_check_leaves_no_ray_process() -> None:
    before = ray_processes()
    done = subprocess.run([VERIKIT, "check", TWOPHASE, "--const", "RMs=3", "--cluster", "ray",
                           "--workers", "2", "--format", "json"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["distinct_states"] == 288
    deadline = time.monotonic() + 10  # workers the raylet stopped may take a moment to exit
    while ray_processes() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (ray_processes() - before)
