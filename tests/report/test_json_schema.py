"""Every line check prints with --format json satisfies the JSON Schema shipped in the package
(verikit/report/check.schema.json): results of every verdict and engine, crashes, and the
closing summary of a directory run; each violation carries its property's span, each error
its end position."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from tests.report.runs import write_specs
from verikit import api
from verikit.cli import app
from verikit.report import InternalError, check_schema, internal_to_json, to_dict

ROOT = Path(__file__).resolve().parents[2]
LASSO = ROOT / "specs" / "two_phase_commit_liveness_unfair.dsl"
CORPUS = ROOT / "tests" / "corpus"
runner = CliRunner()
VALIDATOR = jsonschema.Draft202012Validator(check_schema())


def lines(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1, 2, 3, 4), result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(check_schema())


def test_a_directory_run_validates_line_by_line(tmp_path: Path) -> None:
    write_specs(tmp_path)
    *results, summary = lines("check", str(tmp_path), "--backend", "python")
    for doc in [*results, summary]:
        VALIDATOR.validate(doc)
    assert {d["verdict"] for d in results} == {"holds", "violated", "expected", "error"}
    assert summary["summary"]["specs"] == 4 and all(d["schema"] == 1 for d in results)


@pytest.mark.parametrize(
    "args",
    [
        ("check", str(LASSO), "--backend", "python"),
        ("bmc", str(ROOT / "specs" / "two_phase_commit_buggy.dsl"), "--depth", "4"),
        ("simulate", str(ROOT / "specs" / "two_phase_commit_buggy.dsl"), "--runs", "20",
         "--seed", "1", "--no-cache", "--backend", "python"),
        ("check", str(ROOT / "specs" / "raft.dsl"), "--max-states", "50", "--backend", "python"),
        ("check", str(CORPUS / "violated" / "term_decreases.dsl"), "--backend", "python"),
        ("check", str(CORPUS / "violated" / "quantified_instance.dsl"), "--backend", "python"),
        ("check", str(CORPUS / "holds" / "quantified_liveness.dsl"), "--backend", "python",
         "--liveness-timeout", "0.000000001"),
        ("check", str(CORPUS / "expected" / "two_bugs_each_shown.dsl"), "--backend", "python",
         "--all-violations"),
    ],
    ids=["lasso", "bmc", "simulate", "incomplete", "action property", "instance",
         "liveness timeout", "all violations"],
)
def test_every_engine_and_verdict_validates(args: tuple[str, ...]) -> None:
    (doc,) = lines(*args)
    VALIDATOR.validate(doc)


def test_a_crash_validates() -> None:
    crash = InternalError("specs/x.dsl", "check", "ZeroDivisionError: division by zero", None,
                          "0.1.0")  # fmt: skip
    VALIDATOR.validate(json.loads(internal_to_json(crash)))


def test_a_violation_carries_its_property_span(tmp_path: Path) -> None:
    report = api.check_file(write_specs(tmp_path)["violated"], backend="python")
    (violation,) = to_dict(report)["violations"]
    assert violation["span"] == {"file": str(tmp_path / "violated.dsl"), "line": 5, "col": 1,
                                 "end_line": 5, "end_col": 27}  # fmt: skip


def test_an_error_carries_its_end_position(tmp_path: Path) -> None:
    report = api.check_file(write_specs(tmp_path)["bad"], backend="python")
    (error,) = to_dict(report)["errors"]
    assert (error["line"], error["col"], error["end_line"], error["end_col"]) == (3, 29, 3, 30)


def test_the_schema_rejects_an_undocumented_field(tmp_path: Path) -> None:
    report = api.check_file(write_specs(tmp_path)["counter"], backend="python")
    doc = to_dict(report) | {"surprise": 1}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(doc)


def test_an_instance_of_a_quantified_property_names_its_declaration_and_values() -> None:
    (doc,) = lines("check", str(CORPUS / "violated" / "quantified_instance.dsl"), "--backend",
                   "python")  # fmt: skip
    (violation,) = doc["violations"]
    assert violation["property"] == "Each(p=2)"
    assert (violation["declared"], violation["parameters"]) == ("Each", {"p": "2"})
