"""Constants read from a saved trace's #meta are the trace's: a bad one is reported as a
problem of the trace (naming the file), never as a `--const` the user did not write, for
`replay` and `render` alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit.cli import app

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "specs" / "two_phase_commit_buggy.dsl"  # const N = 3, node Participant[N]

runner = CliRunner()


def tampered(tmp_path: Path, consts: object) -> Path:
    trace = tmp_path / "cex.itf.json"
    assert runner.invoke(app, ["check", str(BUGGY), "--trace-out", str(trace)]).exit_code == 0
    document = json.loads(trace.read_text())
    document["#meta"]["verikit"]["consts"] = consts
    trace.write_text(json.dumps(document))
    return trace


def run(command: str, trace: Path, tmp_path: Path) -> tuple[int, str]:
    args = [command, str(BUGGY), str(trace)]
    if command == "render":
        args += ["-o", str(tmp_path / "cex.dot")]
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize("command", ["replay", "render"])
@pytest.mark.parametrize(
    "consts, says",
    [
        ({"N": True}, "`N` in {trace}'s #meta must be int like its declaration, got bool"),
        ({"Nope": 3}, "unknown constant `Nope` in {trace}'s #meta"),
        ({"N": "3"}, 'constant N = "3" in its #meta: only a set or tuple constant is recorded'),
        ({"N": [3]}, "constant N must be an int, a bool or a set's text, got [3]"),
        ({"N": 0}, "{trace} sets N = 0 in its #meta (a bad or tampered trace)"),
    ],
)
def test_a_bad_constant_in_a_trace_is_a_trace_error_not_a_const_error(
    tmp_path: Path, command: str, consts: object, says: str
) -> None:
    trace = tampered(tmp_path, consts)
    code, shown = run(command, trace, tmp_path)
    assert code == 2
    assert says.replace("{trace}", str(trace)) in shown
    assert "--const N" not in shown and "in --const" not in shown
    assert "Traceback" not in shown
    assert not (tmp_path / "cex.dot").exists()


def test_the_users_const_overrides_a_bad_trace_constant(tmp_path: Path) -> None:
    trace = tampered(tmp_path, {"N": 0})
    result = runner.invoke(app, ["replay", str(BUGGY), str(trace), "--const", "N=3"])
    assert result.exit_code == 0, result.stdout + result.stderr
