"""`check --liveness-timeout S`: the liveness pass gets S seconds of its own. When only it
runs out, the report says the safety search established its properties and liveness is
INCOMPLETE (exit 3), in text, JSON and JUnit alike."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from tests.engine.test_liveness_budget import SPEC  # the engine's own budget case
from verikit import api
from verikit.cli import app

runner = CliRunner()

SPENT = "0.000000001"  # over before the liveness pass has looked at its first state


def spec(tmp_path: Path) -> str:
    path = tmp_path / "budget.dsl"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


def test_text_says_safety_is_established_and_liveness_undecided(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", spec(tmp_path), "--liveness-timeout", SPENT])
    assert result.exit_code == api.EXIT_INCOMPLETE
    first = result.stdout.splitlines()[0]
    assert "INCOMPLETE: safety established (every reachable state explored, no violation)" in first
    assert "liveness not decided (liveness timeout 1e-09 s): Returns" in first
    assert "nothing proved" not in result.stdout


def test_json_splits_safety_from_liveness(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", spec(tmp_path), "--liveness-timeout", SPENT, "--format", "json"]
    )
    doc = json.loads(result.stdout)
    assert doc["verdict"] == "incomplete" and doc["violations"] == []
    assert doc["liveness"]["safety_established"] is True
    assert doc["liveness"]["undecided"] == ["Returns"]
    assert doc["liveness"]["undecided_reason"] == "liveness timeout 1e-09 s"


def test_junit_passes_the_invariant_and_skips_the_liveness_property(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    runner.invoke(
        app, ["check", spec(tmp_path), "--liveness-timeout", SPENT, "--junit", str(junit)]
    )
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    small = next(c for name, c in cases.items() if name and "Small" in name)
    returns = next(c for name, c in cases.items() if name and "Returns" in name)
    assert small.find("skipped") is None and small.find("failure") is None
    assert returns.find("skipped") is not None


def test_enough_budget_decides_liveness(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", spec(tmp_path), "--liveness-timeout", "600"])
    assert result.exit_code == api.EXIT_HOLDS


def test_a_budget_must_be_positive_and_is_for_the_explicit_engine(tmp_path: Path) -> None:
    zero = runner.invoke(app, ["check", spec(tmp_path), "--liveness-timeout", "0"])
    assert zero.exit_code == api.EXIT_ERROR and "must be positive" in zero.output
    smt = runner.invoke(
        app, ["check", spec(tmp_path), "--liveness-timeout", "5", "--engine", "smt"]
    )
    assert smt.exit_code == api.EXIT_ERROR and "explicit engine" in smt.output
