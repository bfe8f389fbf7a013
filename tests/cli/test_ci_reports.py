"""`check --junit FILE --sarif FILE`: CI reports over the whole run, written after the last
spec like every other output (whole or not at all, never over a file without --force), with
the exit code the run would have had anyway."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from tests.report.runs import write_specs
from verikit import api
from verikit.cli import app

runner = CliRunner()


def test_a_directory_run_writes_both_reports(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    write_specs(specs)
    junit, sarif = tmp_path / "out" / "junit.xml", tmp_path / "out" / "verikit.sarif"
    result = runner.invoke(app, ["check", str(specs), "--backend", "python",
                                 "--junit", str(junit), "--sarif", str(sarif)])  # fmt: skip
    assert result.exit_code == api.EXIT_ERROR  # bad.dsl does not load; the reports still come
    root = ET.parse(junit).getroot()
    assert len(root.findall("testsuite")) == 4 and root.get("failures") == "1"
    (run,) = json.loads(sarif.read_text())["runs"]
    assert {r["ruleId"] for r in run["results"]} == {"invariant", "spec-error"}


def test_a_report_never_replaces_a_file_without_force(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["counter"]
    junit = tmp_path / "junit.xml"
    junit.write_text("mine")
    result = runner.invoke(app, ["check", str(spec), "--backend", "python", "--junit", str(junit)])
    assert result.exit_code == api.EXIT_ERROR and "--force" in result.output
    assert junit.read_text() == "mine"
    forced = runner.invoke(app, ["check", str(spec), "--backend", "python", "--junit",
                                 str(junit), "--force"])  # fmt: skip
    assert forced.exit_code == 0 and ET.parse(junit).getroot().get("tests") == "2"


def test_one_path_for_two_outputs_is_a_usage_error(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["counter"]
    same = tmp_path / "report"
    result = runner.invoke(app, ["check", str(spec), "--junit", str(same), "--sarif", str(same)])
    assert result.exit_code == api.EXIT_ERROR and "both name" in result.output
    assert not same.exists()


def test_json_output_stays_clean_when_reports_are_written(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["violated"]
    result = runner.invoke(app, ["check", str(spec), "--backend", "python", "--format", "json",
                                 "--junit", str(tmp_path / "j.xml")])  # fmt: skip
    assert result.exit_code == api.EXIT_VIOLATED
    assert json.loads(result.stdout)["verdict"] == "violated"


def test_diagram_mmd_writes_a_mermaid_chart_and_report_a_markdown_file(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["violated"]
    chart, markdown = tmp_path / "cex.mmd", tmp_path / "cex.md"
    result = runner.invoke(app, ["check", str(spec), "--backend", "python", "--diagram",
                                 str(chart), "--report", str(markdown)])  # fmt: skip
    assert result.exit_code == api.EXIT_VIOLATED
    assert chart.read_text().startswith("sequenceDiagram\n")
    assert chart.read_text() in markdown.read_text()  # the same chart, embedded
    assert "Markdown report written to" in result.stderr


def test_a_directory_run_ends_with_the_summary_line(tmp_path: Path) -> None:
    write_specs(tmp_path)
    result = runner.invoke(app, ["check", str(tmp_path), "--backend", "python"])
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last.startswith("4 specs: 1 holds, 1 expected violation, 1 violated, 1 error (")


def test_on_github_actions_annotations_and_the_step_summary_are_written(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    write_specs(specs)
    summary = tmp_path / "step_summary.md"
    summary.write_text("an earlier step's summary\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = runner.invoke(app, ["check", str(specs), "--backend", "python"], env=env)
    assert result.exit_code == api.EXIT_ERROR
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2
    written = summary.read_text()
    assert written.startswith("an earlier step's summary\n## verikit: 4 specs:")  # appended
    assert written.count("```mermaid") == 2


def test_with_json_output_the_annotations_go_to_standard_error(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["violated"]
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": ""}
    result = runner.invoke(app, ["check", str(spec), "--backend", "python", "-f", "json"], env=env)
    assert json.loads(result.stdout)["verdict"] == "violated"
    assert result.stderr.startswith("::error file=")


def test_off_github_actions_nothing_is_annotated(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["violated"]
    result = runner.invoke(app, ["check", str(spec), "--backend", "python"],
                           env={"GITHUB_ACTIONS": ""})  # fmt: skip
    assert "::error" not in result.output


def test_bmc_and_simulate_write_the_reports_too(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["violated"]
    for k, args in enumerate((["bmc", str(spec), "--depth", "3"],
                 ["simulate", str(spec), "--runs", "20", "--seed", "1", "--no-cache",
                  "--backend", "python"],
                 ["check", str(spec), "--simulate", "--runs", "20", "--seed", "1",
                  "--backend", "python"])):  # fmt: skip
        junit, sarif = tmp_path / f"{k}.xml", tmp_path / f"{k}.sarif"
        result = runner.invoke(app, [*args, "--junit", str(junit), "--sarif", str(sarif)])
        assert result.exit_code == api.EXIT_VIOLATED, (args, result.output)
        assert ET.parse(junit).getroot().get("failures") == "1", args
        (run,) = json.loads(sarif.read_text())["runs"]
        assert [r["ruleId"] for r in run["results"]] == ["invariant"], args


def test_a_simulated_directory_ends_with_the_summary_too(tmp_path: Path) -> None:
    paths = write_specs(tmp_path)
    paths["bad"].unlink()
    result = runner.invoke(app, ["simulate", str(tmp_path), "--runs", "5", "--seed", "1",
                                 "--no-cache", "--backend", "python", "-f", "json"])  # fmt: skip
    last = json.loads(result.stdout.splitlines()[-1])
    assert last["summary"]["specs"] == 3 and last["summary"]["violated"] == 1
