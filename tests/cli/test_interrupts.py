"""Ctrl-C stops every command within a moment, says "interrupted", shows what it had and exits
130, never with a traceback: while verikit starts, during a search (with its figures so far),
and while Z3 works (Z3 used to swallow the signal and `prove` ran on to its end)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TLA_TWO_PHASE = ROOT / "specs" / "reference" / "tla_two_phase.dsl"
HARD_FOR_Z3 = """\
spec Fermat
var a: 1..100000 = 1
var b: 1..100000 = 2
var c: 1..100000 = 3
action grow(x: 1..3) when a + x <= 100000 and b + 1 <= 100000 and c + 2 <= 100000 {
  a = a + x
  b = b + 1
  c = c + 2
}
invariant NoCube: a * a * a + b * b * b != c * c * c
"""


def interrupted(*args: str, after: float) -> tuple[int, str, str, float]:
    """Start `verikit …`, send SIGINT `after` seconds later: exit code, stdout, stderr and
    the seconds it took to stop (a run that ignores the signal fails on the timeout)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "verikit", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(after)
    sent = time.monotonic()
    os.kill(process.pid, signal.SIGINT)
    try:
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    return process.returncode, out, err, time.monotonic() - sent


def interrupted_on_terminal(*args: str, once: str) -> tuple[int, str]:
    """Run `verikit …` on a pseudo-terminal, send SIGINT as soon as it has shown `once` (the
    search's progress line: it is searching), and return its exit code and what it showed."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "verikit", *args],
        stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "CI"},
    )  # fmt: skip
    os.close(slave)
    shown, sent = bytearray(), False
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if not sent and once.encode() in shown:
            os.kill(process.pid, signal.SIGINT)
            sent = True
    os.close(master)
    return process.wait(timeout=20), shown.decode(errors="replace")


def test_ctrl_c_during_a_search_reports_the_figures_so_far_as_incomplete() -> None:
    code, shown = interrupted_on_terminal(
        "check", str(TLA_TWO_PHASE), "--const", "RMs=9", once="states/s"
    )
    assert code == 130
    report = shown.split("\x1b[K", 1)[-1]  # after the progress line is wiped
    assert "INCOMPLETE: search stopped (interrupted)" in report
    assert "distinct states" in report and "depth" in report
    assert "interrupted: " in report and "Traceback" not in shown


def test_ctrl_c_during_a_search_with_json_output_prints_the_partial_object() -> None:
    code, out, err, _ = interrupted(
        "check", str(TLA_TWO_PHASE), "--const", "RMs=9", "--format", "json",
        "--backend", "python", after=4,
    )  # fmt: skip  (the python search has no build step: at 4 s it is searching)
    assert code == 130
    assert "interrupted" in err and "Traceback" not in out + err
    document = json.loads(out)
    assert document["verdict"] == "incomplete"
    assert document["incomplete_reason"] == "interrupted"
    assert document["distinct_states"] > 0 and document["depth"] > 0


def test_ctrl_c_stops_prove_while_z3_is_solving(tmp_path: Path) -> None:
    spec = tmp_path / "fermat.dsl"
    spec.write_text(HARD_FOR_Z3)
    code, out, err, stopping = interrupted("prove", str(spec), after=4)
    assert code == 130
    assert "interrupted" in err and "prove stopped" in err
    assert "Traceback" not in out + err
    assert stopping < 5


def test_ctrl_c_stops_bmc_and_says_how_deep_it_got(tmp_path: Path) -> None:
    spec = tmp_path / "fermat.dsl"
    spec.write_text(HARD_FOR_Z3)
    code, out, err, stopping = interrupted("bmc", str(spec), "--depth", "40", after=4)
    assert code == 130
    assert "interrupted" in err and "bmc stopped" in err
    assert "Traceback" not in out + err
    assert stopping < 5


def interrupted_while_importing(*args: str) -> tuple[int, str]:
    """Start `verikit …` and send SIGINT as soon as its command line's imports have begun
    (Python reports each finished import with -X importtime; the first verikit module is
    one of the few hundred milliseconds of them). A fixed delay cannot say where a loaded
    machine is: it may still be in Python's own start, before any verikit code runs (there
    an interrupt is the interpreter's to report). Exit code and stderr."""
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "verikit", *args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen = []
    with process:
        assert process.stderr is not None
        try:
            for line in process.stderr:
                seen.append(line)
                if re.search(r"\|\s+verikit\.\w", line):  # a verikit module: in the guard
                    os.kill(process.pid, signal.SIGINT)
                    break
            seen.append(process.stderr.read())
            process.wait(timeout=20)
        finally:
            process.kill()
    return process.returncode, "".join(seen)


def test_ctrl_c_while_verikit_starts_is_quiet() -> None:
    code, err = interrupted_while_importing("check", str(TLA_TWO_PHASE))
    assert code == 130
    assert "interrupted" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


SWALLOWED_ONCE = """\
import sys, time
from verikit import interrupts
interrupts.install()
try:
    print("ready", flush=True)  # inside the try: a Ctrl-C sent as soon as it shows is caught
    time.sleep(30)
except KeyboardInterrupt:
    print("swallowed", flush=True)  # as Python does with one raised inside a __del__
try:
    time.sleep(30)
except KeyboardInterrupt:
    print("reminded", flush=True)
    interrupts.acknowledge()
    time.sleep(30)  # a second Ctrl-C now ends the process at once
"""


def test_an_interrupt_that_gets_lost_is_sent_again_until_acknowledged() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SWALLOWED_ONCE], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline() == "ready\n"
        os.kill(process.pid, signal.SIGINT)
        assert process.stdout.readline() == "swallowed\n"
        assert process.stdout.readline() == "reminded\n"  # within REMIND_AFTER, not 30 s
        os.kill(process.pid, signal.SIGINT)
        assert process.wait(timeout=10) == 130
    finally:  # never leave it running into the next test
        process.kill()
        process.wait()
        process.stdout.close()


def test_ctrl_c_while_click_parses_the_command_exits_130_not_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Click turns a KeyboardInterrupt that comes before the command body into "Aborted!" and
    exit 1 (seen under load in CI); the program says interrupted and exits 130."""
    from verikit import cli
    from verikit import interrupts as signals

    def clicks_own_handling() -> None:  # what click.Command.main does with Ctrl-C
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            raise SystemExit(1) from None

    monkeypatch.setattr(cli, "app", clicks_own_handling)
    monkeypatch.setattr(signals, "_acknowledged", threading.Event())
    monkeypatch.setattr(signals, "_seen", threading.Event())
    monkeypatch.setattr(signals, "_installed", True)  # as `install` leaves it, watcher aside
    previous = signal.signal(signal.SIGINT, signals._note_and_raise)
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.main()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert stopped.value.code == 130
