"""Output files are never half-written and never silently replace another file: a full disk
leaves nothing behind, a file that appears while verikit runs is kept (exit 2), two runs
writing one path leave exactly one complete file, and a symbolic link is never followed."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from verikit import api
from verikit.cli import app

ROOT = Path(__file__).resolve().parents[2]
VIOLATED = ROOT / "tests" / "corpus" / "violated" / "counter_invariant.dsl"

runner = CliRunner()


def verikit(*args: str, cwd: Path, file_size_limit: int | None = None) -> subprocess.Popen[str]:
    """`verikit …` as a real process; with `file_size_limit` bytes as if the disk were full
    past them (writes beyond it fail with EFBIG instead of killing the process)."""

    def limit() -> None:
        if file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.Popen(
        [sys.executable, "-m", "verikit", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit,
    )  # fmt: skip


def saved_trace(tmp_path: Path) -> Path:
    trace = tmp_path / "saved.itf.json"
    code = runner.invoke(app, ["check", str(VIOLATED), "--trace-out", str(trace)]).exit_code
    assert code == 1 and trace.is_file()
    return trace


def outputs(tmp_path: Path) -> dict[str, list[str]]:
    return {
        "check --trace-out": ["check", str(VIOLATED), "--trace-out", "out/cex.json"],
        "check --diagram": ["check", str(VIOLATED), "--diagram", "out/cex.dot"],
        "graph -o": ["graph", str(VIOLATED), "-o", "out/states.dot"],
        "render -o": ["render", str(VIOLATED), str(saved_trace(tmp_path)), "-o", "out/cex.dot"],
    }


@pytest.mark.parametrize("command", ["check --trace-out", "check --diagram", "graph -o", "render -o"])
def test_a_full_disk_leaves_no_half_written_output(tmp_path: Path, command: str) -> None:
    args = outputs(tmp_path)[command]
    process = verikit(*args, cwd=tmp_path, file_size_limit=200)  # every output here is larger
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "cannot write" in err and "Traceback" not in err
    out = tmp_path / "out"
    assert list(out.iterdir()) == []  # neither the output nor its temporary file
    again = verikit(*args, cwd=tmp_path)  # and the next run is not refused a leftover
    _, err = again.communicate(timeout=120)
    assert again.returncode in (0, 1), err
    assert len(list(out.iterdir())) == 1


@pytest.mark.parametrize("flag, name", [("--trace-out", "cex.json"), ("--diagram", "cex.dot")])
def test_an_output_that_appears_during_the_run_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str, name: str
) -> None:
    target = tmp_path / name
    check_file = api.check_file

    def meanwhile_another_run_writes(*args: Any, **kwargs: Any) -> Any:
        report = check_file(*args, **kwargs)
        target.write_text("the other run's file\n")
        return report

    monkeypatch.setattr(api, "check_file", meanwhile_another_run_writes)
    result = runner.invoke(app, ["check", str(VIOLATED), flag, str(target)])
    assert result.exit_code == 2
    assert f"{target} already exists (it appeared while verikit ran)" in result.stderr
    assert target.read_text() == "the other run's file\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_two_concurrent_runs_one_writes_and_the_other_says_the_file_exists(
    tmp_path: Path,
) -> None:
    args = ("check", str(VIOLATED), "--trace-out", "cex.json")
    runs = [verikit(*args, cwd=tmp_path) for _ in range(2)]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [1, 2]
    loser = errors[codes.index(2)]
    assert "cex.json already exists" in loser
    assert json.loads((tmp_path / "cex.json").read_text())["states"]
    assert [p.name for p in tmp_path.iterdir()] == ["cex.json"]


@pytest.mark.parametrize("flag, name", [("--trace-out", "cex.json"), ("--diagram", "cex.dot")])
def test_a_dangling_symlink_is_an_existing_file_and_is_never_followed(
    tmp_path: Path, flag: str, name: str
) -> None:
    link, target = tmp_path / name, tmp_path / "elsewhere"
    link.symlink_to(target)
    refused = runner.invoke(app, ["check", str(VIOLATED), flag, str(link)])
    assert refused.exit_code == 2
    assert "already exists; pass --force" in refused.stderr
    assert link.is_symlink() and not target.exists()
    forced = runner.invoke(app, ["check", str(VIOLATED), flag, str(link), "--force"])
    assert forced.exit_code == 1
    assert not link.is_symlink() and link.is_file()  # the link itself was replaced
    assert not target.exists()


def test_force_replaces_a_symlink_to_a_file_and_leaves_the_file_alone(tmp_path: Path) -> None:
    kept = tmp_path / "precious.json"
    kept.write_text("not a trace\n")
    link = tmp_path / "cex.json"
    link.symlink_to(kept)
    forced = runner.invoke(app, ["check", str(VIOLATED), "--trace-out", str(link), "--force"])
    assert forced.exit_code == 1
    assert kept.read_text() == "not a trace\n"
    assert json.loads(link.read_text())["states"] and not link.is_symlink()
