"""SpecReports as text for people and JSON for machines.

JSON output is JSON Lines: one object per checked spec (schema in docs/json.md), so CI tools
can stream a whole directory's results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model
from verikit.engine.result import CheckResult, Discovery
from verikit.errors import Diagnostic, SourceFile, render
from verikit.syntax import ast
from verikit.trace import itf, text
from verikit.trace.trace import Trace


@dataclass(frozen=True)
class Loaded:
    """A spec taken through parse, analysis and compilation."""

    source: SourceFile
    spec: ast.Spec
    model: Model
    compiled: CompiledModel


@dataclass(frozen=True)
class SpecReport:
    """The outcome of checking one spec file: what the CLI prints and the JSON reports."""

    path: str
    verdict: str  # "holds" | "expected" | "violated" | "incomplete" | "error"
    source: SourceFile | None = None
    loaded: Loaded | None = None
    result: CheckResult | None = None
    traces: tuple[Trace, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()  # e.g. actions never enabled


# ---------------------------------------------------------------- text


def to_text(report: SpecReport) -> str:
    if report.verdict == "error" and report.result is None:
        return "\n".join(render(d, report.source) for d in report.diagnostics)
    assert report.result is not None and report.loaded is not None
    result = report.result
    lines = [f"{report.path}: {report.loaded.model.name} — {_headline(report)}"]
    lines.append("  " + _stats_line(result))
    traces = {(t.property, t.kind): t for t in report.traces}
    for discovery in result.violations:
        lines.append("")
        trace = traces.get((discovery.property, discovery.kind))
        if trace is None:
            lines.append(_violation_title(discovery))
        else:  # the trace's own headline names the property and the length
            lines.append(_indent(text.render_text(trace), "  "))
    for diagnostic in report.diagnostics + report.warnings:
        lines.append(render(diagnostic, report.source))
    return "\n".join(lines)


def _headline(report: SpecReport) -> str:
    result = report.result
    assert result is not None
    model = report.loaded.model if report.loaded else None
    match report.verdict:
        case "holds":
            return "all properties hold"
        case "expected":
            return "expected violation found (this spec demonstrates a bug): " + ", ".join(
                sorted({d.property for d in result.violations})
            )
        case "violated" if model is not None and model.expected and not result.violations:
            return (
                "VIOLATED: the expected violation of "
                + ", ".join(model.expected)
                + " was not found; the spec no longer demonstrates its bug"
            )
        case "incomplete":
            return f"INCOMPLETE: search stopped ({result.incomplete_reason}); nothing proved"
        case "error" if any(d.kind == "fault" for d in result.violations):
            return "runtime fault in the spec"
        case "error":
            return "warnings treated as errors (--strict)"
    names = ", ".join(sorted({d.property for d in result.violations}))
    return f"VIOLATED: {names}"


def _stats_line(result: CheckResult) -> str:
    s = result.stats
    reduced = f" (symmetry: {', '.join(result.symmetry)})" if result.symmetry else ""
    return (
        f"{s.distinct_states:,} distinct states{reduced}, {s.transitions:,} transitions, "
        f"depth {s.depth}, {s.seconds:.2f} s ({s.states_per_second:,.0f} states/s)"
    )


def _violation_title(d: Discovery) -> str:
    match d.kind:
        case "reachable":
            return (
                f"reachable {d.property} was never reached: the spec may pass vacuously "
                "(check the guards and the initial state)"
            )
        case "deadlock":
            return (
                f"deadlock after {len(d.path) - 1} steps: no action is enabled and no "
                "`terminal when` condition holds (shortest trace):"
            )
        case "fault":
            fault = d.fault
            where = f"{fault.span}: {fault.message}" if fault else "runtime fault"
            return f"runtime fault {where} (trace that led there):"
    return f"{d.kind} {d.property} violated after {len(d.path) - 1} steps (shortest counterexample):"


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in block.splitlines())


# ---------------------------------------------------------------- JSON


def to_json(report: SpecReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False)


def to_dict(report: SpecReport) -> dict[str, Any]:
    doc: dict[str, Any] = {"spec": report.path, "verdict": report.verdict}
    if report.loaded is not None:
        doc["name"] = report.loaded.model.name
        doc["consts"] = dict(report.loaded.model.consts)
        doc["expected"] = list(report.loaded.model.expected)
    result = report.result
    if result is not None:
        s = result.stats
        doc |= {
            "distinct_states": s.distinct_states,
            "transitions": s.transitions,
            "depth": s.depth,
            "seconds": round(s.seconds, 4),
            "states_per_second": round(s.states_per_second, 1),
            "incomplete_reason": result.incomplete_reason,
            "symmetry": list(result.symmetry),
            "violations": [_violation(report, d) for d in result.violations],
            "unreached": list(result.unreached),
            "never_enabled": list(result.never_enabled),
        }
    doc["warnings"] = [_diagnostic(d) for d in report.warnings if d.severity == "warning"]
    doc["errors"] = [
        _diagnostic(d) for d in report.diagnostics + report.warnings if d.severity == "error"
    ]
    return doc


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"file": d.span.file, "line": d.span.line, "col": d.span.col, "message": d.message}


def _violation(report: SpecReport, d: Discovery) -> dict[str, Any]:
    trace = _trace_for(report.traces, d)
    item: dict[str, Any] = {
        "property": d.property,
        "kind": d.kind,
        "trace_length": len(d.path) - 1 if d.path else None,
        "trace": itf.to_itf(trace, report.loaded.model) if trace and report.loaded else None,
    }
    if d.fault is not None:
        item["fault"] = {
            "message": d.fault.message,
            "file": d.fault.span.file,
            "line": d.fault.span.line,
            "col": d.fault.span.col,
        }
    return item


def _trace_for(traces: tuple[Trace, ...], d: Discovery) -> Trace | None:
    for trace in traces:
        if trace.property == d.property and trace.kind == d.kind:
            return trace
    return None
