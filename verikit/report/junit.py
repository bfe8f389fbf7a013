"""JUnit XML for CI systems (`check --junit FILE`): each spec a testsuite, each property a
testcase. A violation is a failure carrying the text trace; a spec that does not load, a
runtime fault or a verikit crash is an error; a bug variant's expected violation passes; a
property a limit left undecided is skipped. The widely read dialect (Jenkins, GitLab, GitHub
test reporters): testsuites > testsuite > testcase > failure | error | skipped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from verikit.errors import render
from verikit.report.outcomes import PropertyOutcome, property_outcomes, spec_errors
from verikit.report.reports import InternalError, SpecReport
from verikit.report.text import internal_to_text, to_text
from verikit.trace import text

_TALLIES = ("tests", "failures", "errors", "skipped")


def to_junit(reports: Sequence[SpecReport | InternalError]) -> str:
    """The whole run as one JUnit XML document (UTF-8, with its declaration)."""
    root = ET.Element("testsuites", name="verikit")
    for report in reports:
        root.append(_suite(report))
    _total(root, root.findall("testsuite"))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(report: SpecReport | InternalError) -> ET.Element:
    suite = ET.Element("testsuite", name=report.path)
    seconds = 0.0
    if isinstance(report, InternalError):
        case = _case(suite, "verikit", report.path)
        _problem(case, "error", "internal", report.error, internal_to_text(report))
    else:
        name = report.loaded.model.name if report.loaded is not None else report.path
        properties = ET.SubElement(suite, "properties")
        for key, value in (("verdict", report.verdict), ("engine", report.engine)):
            ET.SubElement(properties, "property", name=key, value=value)
        errors = spec_errors(report)
        if report.result is None or (errors and report.verdict == "error"):
            case = _case(suite, "load", name)
            detail = "\n".join(render(d, report.source) for d in errors) or to_text(report)
            message = errors[0].message if errors else report.verdict
            _problem(case, "error", "spec", message, detail)
        for outcome in property_outcomes(report):
            _outcome_case(suite, name, report.path, outcome)
        if report.result is not None:
            seconds = report.result.stats.seconds
        ET.SubElement(suite, "system-out").text = to_text(report)
    suite.set("time", f"{seconds:.3f}")
    _total(suite, suite.findall("testcase"))
    return suite


def _outcome_case(suite: ET.Element, spec: str, path: str, outcome: PropertyOutcome) -> None:
    case = _case(suite, outcome.name, f"{spec}.{outcome.kind}")
    if outcome.span is not None:
        case.set("file", path)
        case.set("line", str(outcome.span.line))
    trace = text.render_text(outcome.trace) if outcome.trace is not None else outcome.message
    match outcome.status:
        case "failed":
            _problem(case, "failure", outcome.kind, outcome.message, trace)
        case "error":
            _problem(case, "error", outcome.kind, outcome.message, trace)
        case "skipped":
            ET.SubElement(case, "skipped", message=outcome.message)
        case "expected":  # a pass: the bug variant still demonstrates its bug
            ET.SubElement(case, "system-out").text = f"expected violation: {trace}"


def _case(suite: ET.Element, name: str, classname: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=name, classname=classname, time="0")


def _problem(case: ET.Element, tag: str, kind: str, message: str, body: str) -> None:
    ET.SubElement(case, tag, message=message, type=kind).text = body


def _total(parent: ET.Element, children: list[ET.Element]) -> None:
    """Count tests, failures, errors and skips: of testcases, or summed over testsuites."""
    if parent.tag == "testsuite":
        tally = {
            "tests": len(children),
            "failures": sum(1 for c in children if c.find("failure") is not None),
            "errors": sum(1 for c in children if c.find("error") is not None),
            "skipped": sum(1 for c in children if c.find("skipped") is not None),
        }
    else:
        tally = {key: sum(int(c.get(key, "0")) for c in children) for key in _TALLIES}
        parent.set("time", f"{sum(float(c.get('time', '0')) for c in children):.3f}")
    for key in _TALLIES:
        parent.set(key, str(tally[key]))
