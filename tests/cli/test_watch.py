"""`check --watch`: a check, then one more after each batch of changed spec files, until
Ctrl-C (exit 130); only .dsl files count; outputs need --force (they are rewritten)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.report.runs import write_specs
from verikit import api, watch
from verikit.cli import app

runner = CliRunner()


def test_each_batch_of_changes_runs_the_check_again() -> None:
    runs: list[int] = []
    batches = [{(1, "/x/a.dsl")}, {(2, "/x/b.dsl"), (1, "/x/a.dsl")}]
    assert watch.loop(lambda: runs.append(1) or 0, batches) == 130
    assert len(runs) == 3


def test_ctrl_c_ends_the_watch_with_130() -> None:
    def interrupted() -> Any:
        yield {(1, "/x/a.dsl")}
        raise KeyboardInterrupt

    runs: list[int] = []
    assert watch.loop(lambda: runs.append(1) or 0, interrupted()) == 130 and len(runs) == 2


def test_the_cli_checks_again_when_the_spec_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write_specs(tmp_path)["counter"]

    def one_change(target: Path) -> Any:
        assert target == spec
        spec.write_text(spec.read_text().replace("invariant Small: x <= 3", "invariant Small: x <= 2"))
        yield {(2, str(spec))}

    monkeypatch.setattr(watch, "spec_changes", one_change)
    result = runner.invoke(app, ["check", str(spec), "--watch", "--backend", "python"])
    assert result.exit_code == 130
    assert "all properties hold" in result.stdout and "VIOLATED: Small" in result.stdout
    assert "counter.dsl changed: checking again" in result.stderr


def test_real_file_changes_are_seen(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["counter"]
    other = tmp_path / "notes.txt"
    changes = iter(watch.spec_changes(spec))
    found: list[set[tuple[Any, str]]] = []
    reader = threading.Thread(target=lambda: found.append(next(changes)), daemon=True)
    reader.start()
    deadline = time.monotonic() + 20
    while not found and time.monotonic() < deadline:  # a wait for an event, not a timing
        other.write_text("not a spec")
        spec.write_text(spec.read_text() + "\n")
        reader.join(0.5)
    assert found and {Path(path).name for _, path in found[0]} == {"counter.dsl"}


def test_outputs_need_force_under_watch(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["counter"]
    result = runner.invoke(app, ["check", str(spec), "--watch", "--junit", str(tmp_path / "j")])
    assert result.exit_code == api.EXIT_ERROR and "add --force" in result.stderr
