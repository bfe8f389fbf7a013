"""SARIF 2.1.0 for code-scanning tools (`check --sarif FILE`): a violation is a result at its
property's span (a deadlock at the spec's, a runtime fault at the faulting expression's),
its message the title and the text trace; a spec error or warning at its own span. A bug
variant's expected violation is a result suppressed in source (its `expect violation`), so
scanners show it as dismissed, not as a new alert."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verikit import __version__
from verikit.errors import Diagnostic, Span
from verikit.report.outcomes import property_outcomes
from verikit.report.reports import InternalError, SpecReport
from verikit.report.text import headline
from verikit.trace import text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "https://github.com/verikit/verikit"

RULES = {
    "invariant": "An invariant is violated in a reachable state.",
    "reachable": "A `reachable` property is never reached: the spec may pass vacuously.",
    "deadlock": "A reachable state has no successor and is not declared `terminal`.",
    "fault": "Evaluating the spec faulted at run time (division by zero, out of range, ...).",
    "eventually": "An `eventually` property is violated by a fair behavior.",
    "always_eventually": "An `always eventually` property is violated by a fair behavior.",
    "eventually_always": "An `eventually always` property is violated by a fair behavior.",
    "step": "An action property (`always step:`) is violated by a transition.",
    "leads_to": "A `leads_to` property is violated by a fair behavior.",
    "incomplete": "A limit stopped the search before every state was explored.",
    "spec-error": "The spec is wrong: a syntax, name or type error.",
    "spec-warning": "A warning about the spec.",
    "internal": "verikit crashed on this spec: a bug in verikit, not in the spec.",
}


def to_sarif(reports: Sequence[SpecReport | InternalError]) -> str:
    results = [result for report in reports for result in _results(report)]
    used = sorted({r["ruleId"] for r in results})
    driver = {
        "name": "verikit",
        "version": __version__,
        "informationUri": DOCS,
        "rules": [{"id": rule, "shortDescription": {"text": RULES[rule]}} for rule in used],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": driver}, "results": results}]}  # fmt: skip
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _results(report: SpecReport | InternalError) -> list[dict[str, Any]]:
    if isinstance(report, InternalError):
        return [_result("internal", "error", f"internal error in verikit: {report.error}",
                        report.path, None)]  # fmt: skip
    spec_span = report.loaded.model.span if report.loaded is not None else None
    results = [_diagnostic(report.path, d) for d in report.diagnostics + report.warnings]
    for outcome in property_outcomes(report):
        if outcome.status not in ("failed", "error", "expected"):
            continue
        message = outcome.message
        if outcome.trace is not None:
            message += "\n\n" + text.render_text(outcome.trace)
        kind = outcome.kind if outcome.kind in RULES else "invariant"
        result = _result(kind, "error", message, report.path, outcome.span or spec_span)
        if outcome.status == "expected":
            result["suppressions"] = [{"kind": "inSource", "justification":
                                       f"the spec declares `expect violation {outcome.name}`"}]  # fmt: skip
        results.append(result)
    if report.verdict == "incomplete" and report.result is not None:
        results.append(_result("incomplete", "warning", headline(report), report.path,
                               spec_span))  # fmt: skip
    return results


def _diagnostic(path: str, d: Diagnostic) -> dict[str, Any]:
    rule = "spec-error" if d.severity == "error" else "spec-warning"
    return _result(rule, "error" if d.severity == "error" else "warning", d.message,
                   d.span.file or path, d.span)  # fmt: skip


def _result(rule: str, level: str, message: str, path: str, span: Span | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if span is not None and span.line > 0:
        location["region"] = _region(span)
    return {"ruleId": rule, "level": level, "message": {"text": message},
            "locations": [{"physicalLocation": location}]}  # fmt: skip


def _region(span: Span) -> dict[str, int]:
    """SARIF counts lines and columns from 1, the end column one past the last character,
    as verikit's spans do."""
    region = {"startLine": span.line, "startColumn": max(span.col, 1)}
    if span.end_line >= span.line and span.end_col > 0:
        region["endLine"] = span.end_line
        region["endColumn"] = span.end_col
    return region


def _uri(path: str) -> str:
    """A relative path as a relative URI (scanners resolve it against the checkout)."""
    file = Path(path)
    return file.as_uri() if file.is_absolute() else file.as_posix()
