"""JUnit XML, read back with a real XML parser: each spec a testsuite, each property a
testcase; a violation a failure holding the text trace, a bad spec an error, a bug variant's
expected violation a pass."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.report.runs import check_all
from verikit.report import InternalError, SpecReport, to_junit


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> ET.Element:
    reports = check_all(tmp_path_factory.mktemp("specs"))
    return ET.fromstring(to_junit(list(reports.values())).encode("utf-8"))


def suite(root: ET.Element, name: str) -> ET.Element:
    (found,) = [s for s in root.findall("testsuite") if s.get("name", "").endswith(f"{name}.dsl")]
    return found


def case(root: ET.Element, spec: str, prop: str) -> ET.Element:
    (found,) = [c for c in suite(root, spec).findall("testcase") if c.get("name") == prop]
    return found


def test_each_spec_is_a_testsuite_and_each_property_a_testcase(document: ET.Element) -> None:
    assert document.tag == "testsuites"
    assert len(document.findall("testsuite")) == 4
    counter = suite(document, "counter")
    assert [c.get("name") for c in counter.findall("testcase")] == ["Small", "Three"]
    assert case(document, "counter", "Small").get("classname") == "Counter.invariant"
    assert counter.get("tests") == "2" and counter.get("failures") == "0"


def test_a_holding_property_is_a_plain_pass_with_its_source_line(document: ET.Element) -> None:
    small = case(document, "counter", "Small")
    assert list(small) == [] and small.get("line") == "5"


def test_a_violation_is_a_failure_holding_the_text_trace(document: ET.Element) -> None:
    failure = case(document, "violated", "NeverTwo").find("failure")
    assert failure is not None and failure.get("type") == "invariant"
    assert "NeverTwo violated after 2 steps" in (failure.get("message") or "")
    assert "1. inc" in (failure.text or "") and "x: 1 → 2" in (failure.text or "")
    assert suite(document, "violated").get("failures") == "1"


def test_an_expected_violation_passes(document: ET.Element) -> None:
    expected = case(document, "expected", "NeverTwo")
    assert expected.find("failure") is None and expected.find("error") is None
    assert "expected violation" in (expected.findtext("system-out") or "")
    assert suite(document, "expected").get("failures") == "0"


def test_a_spec_that_does_not_load_is_an_error_naming_the_place(document: ET.Element) -> None:
    error = case(document, "bad", "load").find("error")
    assert error is not None and error.get("type") == "spec"
    assert "bad.dsl:3:" in (error.text or "") and "y" in (error.get("message") or "")
    assert suite(document, "bad").get("errors") == "1"


def test_the_totals_sum_the_suites(document: ET.Element) -> None:
    suites = document.findall("testsuite")
    for key in ("tests", "failures", "errors", "skipped"):
        assert document.get(key) == str(sum(int(s.get(key, "0")) for s in suites))
    assert (document.get("tests"), document.get("failures"), document.get("errors")) == (
        "5", "1", "1",
    )  # fmt: skip


def test_a_crash_is_an_error_of_its_own_suite() -> None:
    crash = InternalError("specs/x.dsl", "check", "ZeroDivisionError: division by zero", None,
                          "0.1.0")  # fmt: skip
    root = ET.fromstring(to_junit([crash]).encode("utf-8"))
    error = root.find("testsuite/testcase/error")
    assert error is not None and error.get("type") == "internal"
    assert "ZeroDivisionError" in (error.get("message") or "")


def test_an_incomplete_search_skips_what_it_did_not_prove(tmp_path: Path) -> None:
    from verikit import api
    from verikit.engine import CheckOptions

    spec = tmp_path / "wide.dsl"
    spec.write_text("spec Wide\nvar x: 0..100 = 0\naction inc when x < 100 { x = x + 1 }\n"
                    "terminal when x == 100\ninvariant Small: x <= 100\n")  # fmt: skip
    report: SpecReport = api.check_file(spec, options=CheckOptions(max_states=5), backend="python")
    assert report.verdict == "incomplete"
    skipped = ET.fromstring(to_junit([report]).encode()).find("testsuite/testcase/skipped")
    assert skipped is not None and "not proved" in (skipped.get("message") or "")
