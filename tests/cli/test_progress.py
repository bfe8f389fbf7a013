"""A long search shows where it is on a terminal, and only there: run under a pseudo-terminal
the CLI writes a progress line to stderr (states, depth, states/s for `check`; the depth
reached for `bmc`) and wipes it before the report; with CI set, or off a terminal, nothing."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TWO_PHASE = ROOT / "specs" / "two_phase_commit.dsl"
TLA_TWO_PHASE = ROOT / "specs" / "reference" / "tla_two_phase.dsl"
STYLE = re.compile(r"\x1b\[[0-9;]*m")


def run_on_terminal(*args: str, ci: bool = False) -> tuple[int, str]:
    """Exit code and everything the terminal showed (stdout and stderr interleaved)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "verikit", *args],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
    )  # fmt: skip
    os.close(slave)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return process.wait(timeout=120), STYLE.sub("", shown.decode())  # rich styles the line


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_bmc_shows_each_depth_as_it_finishes_then_clears_the_line() -> None:
    code, shown = run_on_terminal("bmc", str(TWO_PHASE), "--depth", "3")
    assert code == 0
    for depth in range(3):
        assert f"bmc: depth {depth} of 3 checked" in shown
        assert f"checking depth {depth + 1}" in shown
    assert "bmc: depth 3 of 3 checked" in shown
    assert "\r\x1b[K" in shown  # wiped before the report
    assert shown.index("\r\x1b[K") < shown.index("no violation within depth 3")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_search_longer_than_a_second_shows_states_depth_and_speed() -> None:
    # the Python backend: the native one finishes this in well under a second
    code, shown = run_on_terminal(
        "check", str(TLA_TWO_PHASE), "--const", "RMs=7", "--backend", "python"
    )
    assert code == 0
    line = shown.split("\r")[1]  # the first progress line
    assert " states  depth " in line and " states/s  queue " in line
    assert shown.index("\r\x1b[K") < shown.index("296,448")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_with_ci_set_the_terminal_gets_the_report_only() -> None:
    code, shown = run_on_terminal("bmc", str(TWO_PHASE), "--depth", "2", ci=True)
    assert code == 0
    assert "\r" not in shown.replace("\r\n", "\n")
    assert "no violation within depth 2" in shown


def test_the_progress_line_never_wraps_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each update erases the line and fits in the width: a wrapped line used to leave its
    first part behind at every update on a 60-column terminal."""
    from verikit import cli
    from verikit.engine.options import Progress

    monkeypatch.setattr(cli, "_on_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "40")
    show = cli._progress_printer()
    show(Progress(123_456_789, 42, 1_234_567.0, 98_765_432, 12.0))
    written = capsys.readouterr().err
    assert written.startswith("\r\x1b[K") and len(written) - len("\r\x1b[K") <= 39
