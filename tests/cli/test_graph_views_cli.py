"""`verikit graph --abstract VAR` folds a spec too big to draw into one box per value, and
`--labels full` lists every variable; a refused graph says how to fold it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit import api
from verikit.cli import app

CORPUS = Path(__file__).parents[1] / "corpus"
BIGGER = CORPUS / "holds" / "ping_pong_lossy.dsl"  # 39 states
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
runner = CliRunner()


def test_a_refused_graph_names_a_variable_to_fold_by_and_that_draws(tmp_path: Path) -> None:
    refused = runner.invoke(app, ["graph", str(BIGGER), "-o", str(tmp_path / "g.dot"),
                                  "--max-states", "20"])  # fmt: skip
    assert refused.exit_code == api.EXIT_ERROR
    hint = refused.stderr.split("draw one box per value of a variable: ")[1].split()
    assert hint[0] == "--abstract"
    folded = runner.invoke(app, ["graph", str(BIGGER), "-o", str(tmp_path / "g.dot"),
                                 "--max-states", "20", *hint[:2]])  # fmt: skip
    assert folded.exit_code == 0, folded.stderr
    assert "boxes for 39 states" in folded.stdout
    assert 'class="group' in (tmp_path / "g.dot").read_text()


def test_an_unknown_variable_exits_2_naming_the_choices(tmp_path: Path) -> None:
    result = runner.invoke(app, ["graph", str(BIGGER), "-o", str(tmp_path / "g.dot"),
                                 "--abstract", "nope"])  # fmt: skip
    assert result.exit_code == api.EXIT_ERROR
    assert "--abstract nope: no such variable; it can be one of" in result.stderr
    assert not (tmp_path / "g.dot").exists()


def test_labels_are_changes_or_full(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    full = runner.invoke(app, ["graph", str(BIGGER), "-o", str(out), "--labels", "full"])
    assert full.exit_code == 0 and "changes from #" not in out.read_text()
    changes = runner.invoke(app, ["graph", str(BIGGER), "-o", str(out), "--force"])
    assert changes.exit_code == 0 and "changes from #" in out.read_text()
    wrong = runner.invoke(app, ["graph", str(BIGGER), "-o", str(tmp_path / "x.dot"),
                                "--labels", "some"])  # fmt: skip
    assert wrong.exit_code == api.EXIT_ERROR and "--labels must be changes or full" in wrong.stderr
