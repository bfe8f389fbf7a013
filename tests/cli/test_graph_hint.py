"""`graph` on a spec too big to draw says what to try, counted: every integer constant at
1 and, if needed, the --max-states that fits; the command it suggests then draws."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from verikit import api
from verikit.cli import app

SPEC = Path(__file__).resolve().parents[2] / "specs" / "two_phase_commit.dsl"
runner = CliRunner()


def test_a_refused_graph_suggests_the_smallest_constants_and_they_draw(tmp_path: Path) -> None:
    refused = runner.invoke(app, ["graph", str(SPEC), "-o", str(tmp_path / "g.dot")])
    assert refused.exit_code == api.EXIT_ERROR
    hint = re.search(r"at its smallest constants it has (\d+) states: try (.*)$",
                     refused.stderr.strip())  # fmt: skip
    assert hint is not None and hint[2] == f"--const N=1 --max-states {hint[1]}"
    drawn = runner.invoke(app, ["graph", str(SPEC), "-o", str(tmp_path / "g.dot"),
                                *hint[2].split()])  # fmt: skip
    assert drawn.exit_code == 0 and (tmp_path / "g.dot").is_file()


def test_a_spec_without_integer_constants_gets_no_hint(tmp_path: Path) -> None:
    spec = tmp_path / "wide.dsl"
    spec.write_text("spec Wide\nvar x: 0..500 = 0\naction inc when x < 500 { x = x + 1 }\n"
                    "terminal when x == 500\n")  # fmt: skip
    refused = runner.invoke(app, ["graph", str(spec), "-o", str(tmp_path / "g.dot")])
    assert refused.exit_code == api.EXIT_ERROR and "smallest constants" not in refused.stderr
