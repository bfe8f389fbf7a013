"""`check --all-violations`: the search goes on after a violation, every property is checked
and each violated one is shown with its own shortest counterexample (text, JSON, JUnit,
SARIF); a bug variant then passes only when each of its `expect violation`s still shows."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from verikit import api
from verikit.cli import app

runner = CliRunner()

SPEC = """\
spec TwoBugs
var x: 0..3 = 0
var y: 0..3 = 0
action incx when x < 3 { x = x + 1 }
action incy when y < 3 { y = y + 1 }
terminal when true
invariant SmallX: x < 2
invariant SmallY: y < 3
property Settles: eventually x + y == 7
"""
EXPECTS = "expect violation SmallX\nexpect violation SmallY\nexpect violation Settles\n"


def spec(tmp_path: Path, text: str) -> str:
    path = tmp_path / "two_bugs.dsl"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_without_the_flag_the_search_stops_at_the_first_violation(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", spec(tmp_path, SPEC), "--format", "json"])
    assert result.exit_code == api.EXIT_VIOLATED
    shown = [v["property"] for v in json.loads(result.stdout)["violations"]]
    assert shown == ["SmallX"]


def test_every_violated_property_gets_its_own_shortest_counterexample(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", spec(tmp_path, SPEC), "--all-violations", "--format", "json"]
    )
    assert result.exit_code == api.EXIT_VIOLATED
    shown = {v["property"]: v["trace_length"] for v in json.loads(result.stdout)["violations"]}
    assert shown == {"SmallX": 2, "SmallY": 3, "Settles": 6}


def test_the_text_report_shows_each_counterexample(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", spec(tmp_path, SPEC), "--all-violations"])
    assert "VIOLATED: Settles, SmallX, SmallY" in result.stdout
    assert "invariant SmallX is violated after 2 steps" in result.stdout
    assert "invariant SmallY is violated after 3 steps" in result.stdout
    assert "eventually Settles violated" in result.stdout


def test_junit_and_sarif_carry_every_violation(tmp_path: Path) -> None:
    junit, sarif = tmp_path / "junit.xml", tmp_path / "out.sarif"
    result = runner.invoke(app, ["check", spec(tmp_path, SPEC), "--all-violations",
                                 "--junit", str(junit), "--sarif", str(sarif)])  # fmt: skip
    assert result.exit_code == api.EXIT_VIOLATED
    failed = [case.get("name") for case in ET.parse(junit).getroot().iter("testcase")
              if case.find("failure") is not None]  # fmt: skip
    assert len(failed) == 3
    (run,) = json.loads(sarif.read_text())["runs"]
    assert len(run["results"]) == 3


def test_a_bug_variant_passes_when_each_expected_violation_shows(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", spec(tmp_path, SPEC + EXPECTS), "--all-violations"])
    assert result.exit_code == api.EXIT_HOLDS
    assert (
        "expected violation found" in result.stdout and "Settles, SmallX, SmallY" in result.stdout
    )


def test_a_bug_variant_fails_when_one_expected_violation_is_gone(tmp_path: Path) -> None:
    fixed = (SPEC + EXPECTS).replace("SmallY: y < 3", "SmallY: y <= 3")
    result = runner.invoke(app, ["check", spec(tmp_path, fixed), "--all-violations"])
    assert result.exit_code == api.EXIT_VIOLATED
    assert "the expected violation of SmallY was not found (the others were)" in result.stdout
    # without the flag the first violation alone decides, as before
    assert runner.invoke(app, ["check", spec(tmp_path, fixed)]).exit_code == api.EXIT_HOLDS


def test_the_smt_engine_refuses_the_flag(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", spec(tmp_path, SPEC), "--all-violations", "--engine", "smt"]
    )
    assert result.exit_code == api.EXIT_ERROR
    assert "--all-violations is for the explicit engine" in result.output
