"""`verikit graph`: the state space of a small spec as a picture, refused politely when big."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit.cli import app

CORPUS = Path(__file__).parents[1] / "corpus"
SMALL = CORPUS / "violated" / "counter_invariant.dsl"  # 6 states
HOLDS = CORPUS / "holds" / "counter.dsl"  # 4 states
BIGGER = CORPUS / "holds" / "ping_pong_lossy.dsl"  # 39 states
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@needs_dot
def test_graph_writes_the_svg_and_exits_0(tmp_path: Path) -> None:
    svg = tmp_path / "states.svg"
    code, out, _ = run("graph", str(SMALL), "-o", str(svg))
    assert code == 0
    assert out.strip() == f"wrote {svg}: 6 states, the shortest counterexample in red"
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_graph_never_overwrites_without_force(tmp_path: Path) -> None:
    dot = tmp_path / "states.dot"
    dot.write_text("mine")
    code, _, err = run("graph", str(HOLDS), "-o", str(dot))
    assert code == 2 and "--force" in err and dot.read_text() == "mine"
    code, _, _ = run("graph", str(HOLDS), "-o", str(dot), "--force")
    assert code == 0 and dot.read_text().startswith("digraph states {")


def test_a_spec_above_the_limit_is_refused_and_nothing_written(tmp_path: Path) -> None:
    dot = tmp_path / "states.dot"
    code, out, err = run("graph", str(BIGGER), "-o", str(dot), "--max-states", "20")
    assert code == 2 and out == ""
    assert "more than 20 reachable states" in err
    assert "raise --max-states or reduce the constants" in err
    assert "Traceback" not in err and not dot.exists()


def test_max_states_raises_the_limit(tmp_path: Path) -> None:
    dot = tmp_path / "states.dot"
    code, _, _ = run("graph", str(BIGGER), "-o", str(dot), "--max-states", "39")
    assert code == 0 and dot.exists()


def test_const_overrides_reach_the_graph(tmp_path: Path) -> None:
    code, _, err = run("graph", str(HOLDS), "-o", str(tmp_path / "s.dot"), "-c", "N=2")
    assert code == 2 and "unknown constant `N`" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["-o", "states.gif"], ".svg"),
        (["-o", "states.dot", "--max-states", "0"], "at least 1"),
    ],
)
def test_wrong_usage_exits_2(args: list[str], says: str, tmp_path: Path) -> None:
    args = [str(tmp_path / a) if a.startswith("states.") else a for a in args]
    code, _, err = run("graph", str(SMALL), *args)
    assert code == 2 and says in err


def test_a_bad_spec_exits_2_with_its_diagnostic(tmp_path: Path) -> None:
    bad = CORPUS / "error" / "type_mismatch.dsl"
    code, _, err = run("graph", str(bad), "-o", str(tmp_path / "s.dot"))
    assert code == 2 and "type_mismatch.dsl:4:14" in err
