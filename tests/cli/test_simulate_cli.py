"""`verikit simulate` and `verikit check --simulate` on the command line: exit codes, output,
saved traces that replay and draw, bad input, Ctrl-C; and the bounded guarantee `check`
states when a limit stops it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit.cli import app

SPECS = Path(__file__).resolve().parents[2] / "specs"
runner = CliRunner()


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_cache(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example database (and the native libraries) go to a temporary directory shared by
    these tests, never to the user's cache."""
    monkeypatch.setenv("VERIKIT_CACHE", str(session_cache))


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def spec(name: str) -> str:
    return str(SPECS / name)


# ---------------------------------------------------------------- verdicts and exit codes


def test_no_violation_exits_3_and_says_it_proves_nothing() -> None:
    code, out, _ = run("simulate", spec("two_phase_commit.dsl"), "--runs", "5", "--seed", "1")
    assert code == 3
    assert "no violation in 5 runs of up to 100 steps (not a proof)" in out
    assert "seed 1" in out and "coverage" in out


def test_check_simulate_is_the_same_command() -> None:
    args = (spec("two_phase_commit.dsl"), "--runs", "5", "--seed", "1", "--depth", "20")
    code, out, _ = run("check", "--simulate", *args)
    assert code == 3 and "no violation in 5 runs of up to 20 steps (not a proof)" in out
    assert untimed(run("simulate", *args)[1]) == untimed(out)


def untimed(text: str) -> str:
    return re.sub(r"[0-9]+\.[0-9]+ s( \([0-9,]+ steps/s\))?", "", text)


def test_a_violation_exits_1_with_the_shrunk_trace(tmp_path: Path) -> None:
    buggy = tmp_path / "buggy.dsl"
    text = (SPECS / "two_phase_commit_buggy.dsl").read_text(encoding="utf-8")
    buggy.write_text(text.replace("expect violation Atomicity", ""), encoding="utf-8")
    base = "two_phase_commit.dsl"  # the bug variant extends it
    (tmp_path / base).write_text((SPECS / base).read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("simulate", str(buggy), "--seed", "1")
    assert code == 1
    assert "VIOLATED: Atomicity" in out
    assert "violation found by run 0 (seed 1;" in out
    assert "shrunk from 32 to 4 steps" in out
    assert "invariant Atomicity is violated after 4 steps" in out


def test_an_expected_bug_found_is_a_success() -> None:
    code, out, _ = run("simulate", spec("raft_buggy.dsl"), "--seed", "3")
    assert code == 0
    assert "expected violation found" in out and "LeaderCompleteness" in out


def test_json_reports_the_seed_the_lengths_and_the_coverage() -> None:
    code, out, _ = run("simulate", spec("raft_buggy.dsl"), "--seed", "3", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["engine"] == "simulate" and doc["verdict"] == "expected"
    sim = doc["simulation"]
    assert sim["seed"] == 3 and sim["found_run"] > 0
    shrinking = sim["shrinking"]
    assert shrinking["shrunk_length"] <= shrinking["original_length"]
    assert doc["violations"][0]["trace_length"] == shrinking["shrunk_length"]
    assert {c["action"] for c in sim["coverage"]} >= {"Server.elect", "network.drop"}


def test_the_saved_trace_replays_and_draws(tmp_path: Path) -> None:
    trace, svg = tmp_path / "cex.itf.json", tmp_path / "cex.dot"
    code, _, _ = run("simulate", spec("raft_buggy.dsl"), "--seed", "3", "--trace-out", str(trace))
    assert code == 0
    code, out, _ = run("replay", spec("raft_buggy.dsl"), str(trace))
    assert code == 0 and "confirmed" in out
    code, _, _ = run("render", spec("raft_buggy.dsl"), str(trace), "-o", str(svg))
    assert code == 0 and "\ndigraph trace {" in svg.read_text(encoding="utf-8")


def test_a_lasso_found_by_simulation_replays(tmp_path: Path) -> None:
    trace = tmp_path / "lasso.itf.json"
    args = ("--seed", "1", "--trace-out", str(trace))
    code, out, _ = run("simulate", spec("raft_election_split.dsl"), *args)
    assert code == 0 and "EventuallyLeader" in out
    assert run("replay", spec("raft_election_split.dsl"), str(trace))[0] == 0


def test_the_last_failure_is_replayed_first_unless_a_seed_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIKIT_CACHE", str(tmp_path))  # an empty example database
    buggy = ("simulate", spec("two_phase_commit_buggy.dsl"), "--backend", "python")
    code, out, _ = run(*buggy, "--no-cache")
    assert code == 0 and "example database" not in out
    assert run(*buggy, "--seed", "3")[0] == 0
    code, out, _ = run(*buggy)
    assert code == 0 and "the last failure in the example database still fails" in out
    code, out, _ = run(*buggy, "--seed", "3")
    assert "example database" not in out


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--runs", "0"), "--runs must be at least 1, got 0"),
        (("--depth", "-1"), "--depth must be at least 0, got -1"),
        (("--seed", "-4"), "--seed must be a non-negative integer, got -4"),
        (("--workers", "0"), "--workers must be at least 1, got 0"),
        (("--timeout", "0"), "--timeout must be a positive number of seconds"),
    ],
)
def test_bad_options_exit_2_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    code, _, err = run("simulate", spec("raft.dsl"), *args)
    assert code == 2 and message in err


def test_a_seed_that_is_not_an_integer_exits_2() -> None:
    code, _, err = run("simulate", spec("raft.dsl"), "--seed", "abc")
    assert code == 2 and "--seed" in err and "integer" in err


def test_check_refuses_simulation_flags_without_simulate_and_vice_versa() -> None:
    code, _, err = run("check", spec("raft.dsl"), "--seed", "3")
    assert code == 2 and "--seed needs --simulate" in err
    code, _, err = run("check", "--simulate", spec("raft.dsl"), "--max-states", "9")
    assert code == 2 and "--max-states: not for --simulate" in err


def test_a_spec_without_invariants_is_told_what_simulation_can_find(tmp_path: Path) -> None:
    bare = tmp_path / "bare.dsl"
    bare.write_text(
        "spec Bare\nvar x: 0..3 = 0\naction inc when x < 3 { x = x + 1 }\nterminal when x == 3\n",
        encoding="utf-8",
    )
    code, out, _ = run("simulate", str(bare), "--runs", "3")
    assert code == 3
    assert (
        "the spec has no invariant: the simulation can only find deadlocks, runtime faults" in out
    )


def test_ctrl_c_reports_what_was_explored_and_exits_3(tmp_path: Path) -> None:
    env = {**os.environ, "VERIKIT_CACHE": str(tmp_path)}
    command = [sys.executable, "-m", "verikit", "simulate", spec("two_phase_commit.dsl"),
               "--runs", "100000000", "--depth", "1000", "--backend", "python"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(3)  # loading takes well under a second; then the walks run for ever
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 3
    assert "(interrupted) (not a proof)" in out and "steps/s" in out


# ---------------------------------------------------------------- check's bounded guarantee


def test_check_stopped_by_a_limit_states_the_depth_it_explored_completely() -> None:
    args = ("check", spec("raft.dsl"), "--max-states", "2000", "--backend", "python")
    code, out, _ = run(*args)
    assert code == 3
    assert "no violation within depth" in out and "every state up to" in out
    code, out, _ = run(*args, "--format", "json")
    doc = json.loads(out)
    assert isinstance(doc["explored_depth"], int) and doc["explored_depth"] >= 1
    assert f"no violation within depth {doc['explored_depth']}," in run(*args)[1]
