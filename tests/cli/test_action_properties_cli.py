"""Action properties from the command line: check (falling back from native, naming the
property), simulate (each step of a walk, shrunk to the shortest), and replay of a saved
counterexample, which re-checks the property on its last step."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from verikit import api
from verikit.cli import app

runner = CliRunner()

TERMS = """\
spec Terms
var term: 0..3 = 0
var voted: bool = false
action bump when term < 3 { term = term + 1; voted = false }
action vote when not voted { voted = true }
action reset when term == 3 { term = 1 }
property TermNeverDecreases: always step: term' >= term
"""
HEADLINE = "action property TermNeverDecreases is violated by step 4"


def spec(tmp_path: Path, text: str = TERMS) -> Path:
    path = tmp_path / "terms.dsl"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_reports_the_step_and_says_why_python_ran(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(spec(tmp_path))])
    assert result.exit_code == api.EXIT_VIOLATED
    assert HEADLINE in result.stdout
    assert "4. reset" in result.stdout and result.stdout.rstrip().endswith("term: 3 → 1")


def test_simulate_finds_and_shrinks_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["simulate", str(spec(tmp_path)), "--seed", "1", "--runs", "50", "--no-cache"]
    )
    assert result.exit_code == api.EXIT_VIOLATED
    assert HEADLINE in result.stdout


def test_a_saved_counterexample_replays_and_is_refused_once_fixed(tmp_path: Path) -> None:
    path, trace = spec(tmp_path), tmp_path / "cex.json"
    runner.invoke(app, ["check", str(path), "--trace-out", str(trace)])
    confirmed = runner.invoke(app, ["replay", str(path), str(trace)])
    assert confirmed.exit_code == 0 and "confirmed, 4 steps replayed" in confirmed.stdout
    path.write_text(TERMS.replace("term' >= term", "term' >= 0"), encoding="utf-8")
    stale = runner.invoke(app, ["replay", str(path), str(trace)])
    assert stale.exit_code == api.EXIT_VIOLATED
    assert "action property TermNeverDecreases holds on the last step" in stale.stdout
