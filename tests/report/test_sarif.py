"""SARIF 2.1.0, validated against the official schema: violations at their property's span,
spec errors at theirs, a bug variant's expected violation suppressed in source.

sarif-schema-2.1.0.json beside this file is the OASIS schema
(https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json,
its `$id`), copied unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.report.runs import check_all
from verikit.report import InternalError, to_sarif

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    reports = check_all(tmp_path_factory.mktemp("specs"))
    document: dict[str, Any] = json.loads(to_sarif(list(reports.values())))
    return document


def results(log: dict[str, Any], spec: str) -> list[dict[str, Any]]:
    (run,) = log["runs"]
    return [r for r in run["results"] if _uri(r).endswith(f"/{spec}.dsl")]


def _uri(result: dict[str, Any]) -> str:
    return str(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])


def _region(result: dict[str, Any]) -> dict[str, int]:
    return dict(result["locations"][0]["physicalLocation"]["region"])


def test_the_log_is_valid_sarif_2_1_0(log: dict[str, Any]) -> None:
    jsonschema.validate(log, SCHEMA)
    assert log["version"] == "2.1.0"


def test_the_schema_rejects_what_is_not_sarif(log: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_a_holding_spec_has_no_results(log: dict[str, Any]) -> None:
    assert results(log, "counter") == []


def test_a_violation_points_at_the_property(log: dict[str, Any]) -> None:
    (violation,) = results(log, "violated")
    assert violation["ruleId"] == "invariant" and violation["level"] == "error"
    region = _region(violation)
    assert (region["startLine"], region["startColumn"], region["endLine"]) == (5, 1, 5)
    assert region["endColumn"] > region["startColumn"]
    text = violation["message"]["text"]
    assert text.startswith("invariant NeverTwo violated after 2 steps") and "x: 1 → 2" in text


def test_an_expected_violation_is_suppressed_in_source(log: dict[str, Any]) -> None:
    (expected,) = results(log, "expected")
    (suppression,) = expected["suppressions"]
    assert suppression["kind"] == "inSource"
    assert "expect violation NeverTwo" in suppression["justification"]


def test_a_spec_error_points_at_its_span(log: dict[str, Any]) -> None:
    (error,) = results(log, "bad")
    assert error["ruleId"] == "spec-error" and "y" in error["message"]["text"]
    region = _region(error)
    assert (region["startLine"], region["startColumn"]) == (3, 29)  # the `y`


def test_every_rule_used_is_described_once(log: dict[str, Any]) -> None:
    (run,) = log["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert sorted(rules) == sorted({r["ruleId"] for r in run["results"]})


def test_a_crash_is_a_result_and_still_valid_sarif() -> None:
    crash = InternalError("specs/x.dsl", "check", "ZeroDivisionError: division by zero", None,
                          "0.1.0")  # fmt: skip
    document = json.loads(to_sarif([crash]))
    jsonschema.validate(document, SCHEMA)
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "internal" and _uri(result) == "specs/x.dsl"
