"""The CI reports name what issue 13's properties add: each instance of a quantified property
is its own JUnit testcase and SARIF result, with its value in the name; an action property's
violation has a rule of its own."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from verikit import api
from verikit.engine.options import CheckOptions
from verikit.report.junit import to_junit
from verikit.report.sarif import to_sarif

CORPUS = Path(__file__).parents[1] / "corpus"


def test_each_instance_is_a_testcase_named_with_its_value() -> None:
    report = api.check_file(CORPUS / "violated" / "quantified_instance.dsl", backend="python")
    cases = {c.get("name"): c for c in ET.fromstring(to_junit([report])).iter("testcase")}
    names = [name for name in cases if name and "Each" in name]
    assert len(names) == 2 and any("Each(p=1)" in n for n in names)
    failed = [n for n in names if cases[n].find("failure") is not None]
    assert len(failed) == 1 and "Each(p=2)" in failed[0]


def test_an_action_property_violation_has_its_own_sarif_rule() -> None:
    report = api.check_file(CORPUS / "violated" / "term_decreases.dsl", backend="python")
    (run,) = json.loads(to_sarif([report]))["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "step"
    assert "TermNeverDecreases" in result["message"]["text"]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert "step" in rules


def test_every_violation_of_a_bug_variant_is_a_result() -> None:
    path = CORPUS / "expected" / "two_bugs_each_shown.dsl"
    report = api.check_file(path, options=CheckOptions(stop_at_first=False), backend="python")
    (run,) = json.loads(to_sarif([report]))["runs"]
    assert sorted(r["ruleId"] for r in run["results"]) == ["eventually", "invariant", "invariant"]
