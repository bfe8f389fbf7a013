"""`check DIR -j N`: worker processes check the files, and the run prints what a sequential
run prints, in the same order, with the same exit code; CI reports come from the workers'
reports as well."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.report.runs import write_specs
from verikit import api
from verikit.cli import app

runner = CliRunner()
VOLATILE = {"seconds", "states_per_second", "backend", "liveness"}


def stable(doc: dict[str, Any]) -> dict[str, Any]:
    """A JSON line without its timings (and the backend's, which holds them)."""
    if "summary" in doc:
        return {k: v for k, v in doc["summary"].items() if k != "seconds"}
    return {k: v for k, v in doc.items() if k not in VOLATILE}


def check(directory: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["check", str(directory), "--backend", "python", "-f", "json",
                                 *args])  # fmt: skip
    return result.exit_code, [stable(json.loads(line)) for line in result.stdout.splitlines()]


def test_two_jobs_print_what_one_prints(tmp_path: Path) -> None:
    write_specs(tmp_path)
    assert check(tmp_path, "-j", "2") == check(tmp_path)
    code, docs = check(tmp_path, "-j", "2")
    assert code == api.EXIT_ERROR and [d.get("verdict") for d in docs[:-1]] == [
        "error", "holds", "expected", "violated",
    ]  # fmt: skip


def test_reports_are_written_from_the_workers_results(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    write_specs(specs)
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, ["check", str(specs), "-j", "2", "--backend", "python",
                                 "--junit", str(junit), "--report", str(tmp_path / "r.md")])  # fmt: skip
    assert result.exit_code == api.EXIT_ERROR
    assert ET.parse(junit).getroot().get("failures") == "1"
    assert (tmp_path / "r.md").read_text().count("```mermaid") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [(["-j", "0"], "--jobs must be at least 1"), (["-j", "2", "--engine", "smt"], "--jobs is")],
)
def test_bad_job_counts_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    write_specs(tmp_path)
    result = runner.invoke(app, ["check", str(tmp_path), *args])
    assert result.exit_code == api.EXIT_ERROR and message in result.stderr
