"""SpecReports as JSON for machines.

JSON output is JSON Lines: one object per checked spec (schema in docs/json.md), so CI tools
can stream a whole directory's results.
"""

from __future__ import annotations

import json
from fractions import Fraction
from importlib import resources
from typing import Any

from verikit.core.model import Model, Property
from verikit.core.types import format_real
from verikit.engine.result import Backend, CheckResult, Discovery
from verikit.engine.simulate import Simulation
from verikit.errors import Diagnostic, Span
from verikit.report.reports import (
    BoundedRun,
    InternalError,
    ProveReport,
    QueryReport,
    SpecReport,
    Summary,
)
from verikit.semantics.consts import const_text
from verikit.symbolic.answer import Answer
from verikit.symbolic.proof import Outcome
from verikit.trace import itf
from verikit.trace.cti import CtiView
from verikit.trace.trace import Trace

# The version of the check output's shape (verikit/report/check.schema.json): raised when a
# field changes meaning or goes away, not when one is added.
SCHEMA_VERSION = 1

# ---------------------------------------------------------------- check


def _backend_dict(backend: Backend | None) -> dict[str, Any] | None:
    if backend is None:
        return None
    return {
        "name": backend.name,
        "reason": backend.reason,
        "workers": backend.workers,
        "build_seconds": round(backend.build_seconds, 4),
        "cached": backend.cached,
        "search_seconds": round(backend.search_seconds, 4),
        "collision_probability": backend.collision_probability,
    }


def _liveness_dict(model: Model, result: CheckResult) -> dict[str, Any]:
    return {
        "safety_established": result.safety_established,
        "checked": list(result.liveness_checked),
        "undecided": [p.name for p in model.liveness if p.name not in result.liveness_checked],
        "undecided_reason": result.liveness_undecided,
        "states": result.liveness_states,
        "transitions": result.liveness_transitions,
        "seconds": round(result.liveness_seconds, 4),
    }


# ---------------------------------------------------------------- JSON


def to_json(report: SpecReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False)


def to_dict(report: SpecReport) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": SCHEMA_VERSION, "spec": report.path, "verdict": report.verdict}
    if report.loaded is not None:
        doc["name"] = report.loaded.model.name
        doc["consts"] = {k: json_value(v) for k, v in report.loaded.model.consts}
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
            "explored_depth": result.explored_depth,
            "symmetry": list(result.symmetry),
            "violations": [_violation(report, d) for d in result.violations],
            "unreached": list(result.unreached),
            "never_enabled": list(result.never_enabled),
            "backend": _backend_dict(result.backend),
        }
        if report.loaded is not None:
            doc["liveness"] = _liveness_dict(report.loaded.model, result)
        if result.coverage is not None:
            doc["coverage"] = _coverage_dict(result)
    doc["engine"] = report.engine
    if report.bounded is not None:
        doc |= _bounded_dict(report.bounded)
    if report.simulated is not None and result is not None:
        doc["simulation"] = simulation_dict(report.simulated, result)
    doc["warnings"] = [_diagnostic(d) for d in report.warnings if d.severity == "warning"]
    doc["errors"] = [
        _diagnostic(d) for d in report.diagnostics + report.warnings if d.severity == "error"
    ]
    return doc


def _coverage_dict(result: CheckResult) -> dict[str, Any]:
    """`--coverage`: which backend counted, each action's counts, each witness's depth."""
    assert result.coverage is not None
    return {
        "backend": result.backend.name if result.backend is not None else "python",
        "actions": [{"action": c.action, "kind": c.kind, "successors": c.successors,
                     "distinct_states": c.new_states, "enabled": c.successors > 0}
                    for c in result.coverage],  # fmt: skip
        "witnesses": {w.property: len(w.path) - 1 for w in result.witnesses},
        "unreached": list(result.unreached),
    }


def _bounded_dict(run: BoundedRun) -> dict[str, Any]:
    """bmc's numbers; the explicit search's counts mean nothing here and are null."""
    return {
        "distinct_states": None,
        "transitions": None,
        "depth": None,
        "states_per_second": None,
        "max_depth": run.depth,
        "checked_depth": run.checked,
        "seconds_per_depth": [round(t, 4) for t in run.seconds_per_depth],
        "encode_seconds": round(run.encode_seconds, 4),
        "witnesses": dict(run.witnesses),
        "unchecked": list(run.unchecked),
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    """A problem in the spec, where it is (an internal error has `kind` "internal")."""
    return {"kind": "spec", **_span_dict(d.span), "message": d.message}


def _span_dict(span: Span) -> dict[str, Any]:
    """Where in the spec: `end_line` and `end_col` (one past the last character) are null
    when unknown."""
    known = span.end_line >= span.line and span.end_col > 0
    return {"file": span.file, "line": span.line, "col": span.col,
            "end_line": span.end_line if known else None,
            "end_col": span.end_col if known else None}  # fmt: skip


def _violation(report: SpecReport, d: Discovery) -> dict[str, Any]:
    trace = _trace_for(report.traces, d)
    item: dict[str, Any] = {
        "property": d.property,
        "kind": d.kind,
        "trace_length": len(d.path) - 1 if d.path else None,
        "loop_start": d.loop_start,  # a lasso: the state its loop starts in (ITF "loop")
        "trace": itf.to_itf(trace, report.loaded.model) if trace and report.loaded else None,
        "span": _property_span(report, d.property),
    }
    instance = _instance(report, d.property)
    if instance is not None:  # one instance of `property P: forall p in D: …`
        item["declared"], item["parameters"] = instance.family, dict(instance.binding)
    if d.fault is not None:
        item["fault"] = {
            "message": d.fault.message,
            "file": d.fault.span.file,
            "line": d.fault.span.line,
            "col": d.fault.span.col,
        }
    return item


def _instance(report: SpecReport, name: str) -> Property | None:
    model = report.loaded.model if report.loaded is not None else None
    found = next((p for p in model.properties if p.name == name), None) if model else None
    return found if found is not None and found.family else None


def _property_span(report: SpecReport, name: str) -> dict[str, Any] | None:
    """The violated property's place in the spec (null for deadlock and faults: no property)."""
    model = report.loaded.model if report.loaded is not None else None
    spans = {p.name: p.span for p in model.properties} if model is not None else {}
    span = spans.get(name)
    return _span_dict(span) if span is not None and span.line > 0 else None


def _trace_for(traces: tuple[Trace, ...], d: Discovery) -> Trace | None:
    for trace in traces:
        if trace.property == d.property and trace.kind == d.kind:
            return trace
    return None


# ---------------------------------------------------------------- prove


def prove_to_json(report: ProveReport) -> str:
    return json.dumps(prove_to_dict(report), ensure_ascii=False)


def prove_to_dict(report: ProveReport) -> dict[str, Any]:
    doc: dict[str, Any] = {"spec": report.path, "verdict": report.verdict}
    if report.loaded is not None:
        doc["name"] = report.loaded.model.name
        doc["consts"] = {k: json_value(v) for k, v in report.loaded.model.consts}
    proof, loaded = report.proof, report.loaded
    if proof is not None and loaded is not None:
        traces = {t.property: t for t in report.traces}
        ctis = {v.property: v for v in report.ctis}
        doc |= {"max_k": proof.max_k, "queries": proof.queries, "seconds": round(proof.seconds, 4)}
        doc["properties"] = [
            _outcome_dict(o, loaded.model, traces.get(o.property), ctis.get(o.property))
            for o in proof.outcomes
        ]
        doc["fault"] = None
        if report.fault is not None and report.fault.fault is not None:
            fault = report.fault.fault
            doc["fault"] = {"message": fault.message, "file": fault.span.file,
                            "line": fault.span.line, "col": fault.span.col,
                            "trace": itf.to_itf(report.fault, loaded.model)}  # fmt: skip
    doc["errors"] = [_diagnostic(d) for d in report.diagnostics]
    return doc


def _outcome_dict(
    o: Outcome, model: Model, trace: Trace | None, view: CtiView | None
) -> dict[str, Any]:
    item: dict[str, Any] = {"property": o.property, "kind": o.kind, "status": o.status,
                            "k": o.k, "reason": o.reason}  # fmt: skip
    item["trace"] = itf.to_itf(trace, model) if trace is not None else None
    item["cti"] = None
    if o.cti is not None and view is not None:
        step = view.step
        item["cti"] = {
            "assumed": list(o.cti.assumed),
            "states": [_itf_state(model, s) for s in o.cti.states],  # the last two: pre, post
            "actions": list(o.cti.actions),
            "step": {
                "action": step.action,
                "kind": step.kind,
                "node": step.node,
                "params": dict(step.params),
                "message": step.message,
            },
        }
    return item


def _itf_state(model: Model, state: tuple[Any, ...]) -> dict[str, Any]:
    return {
        var.name: itf.encode(var.type, value) for var, value in zip(model.vars, state, strict=True)
    }


# ---------------------------------------------------------------- query


def json_value(value: object) -> object:
    """A constant or witness value for JSON: a real as its exact text ("0.01", "1/3"), a set
    or tuple constant as the spec would write it ("{{1, 2}, {2, 3}}")."""
    if isinstance(value, frozenset | tuple):
        return const_text(value)
    return format_real(value) if isinstance(value, Fraction) else value


def query_to_json(report: QueryReport) -> str:
    return json.dumps(query_to_dict(report), ensure_ascii=False)


def query_to_dict(report: QueryReport) -> dict[str, Any]:
    doc: dict[str, Any] = {"spec": report.path, "verdict": report.verdict}
    if report.model is not None:
        doc["name"] = report.model.name
        doc["expected"] = list(report.expected)
        queries = {q.name: q for q in report.model.queries}
        doc["queries"] = [_answer_dict(a, queries[a.query].consts) for a in report.answers]
    doc["errors"] = [_diagnostic(d) for d in report.diagnostics]
    return doc


def _answer_dict(answer: Answer, consts: tuple[tuple[str, object], ...]) -> dict[str, Any]:
    span = answer.span
    return {
        "query": answer.query,
        "verdict": answer.verdict,
        "consts": {name: json_value(value) for name, value in consts},
        "seconds": round(answer.seconds, 4),
        "witness": [
            {"name": w.name, "kind": w.kind, "exact": json_value(w.exact), "text": w.text}
            for w in answer.witness
        ],
        "checked": answer.checked,
        "reason": answer.reason or None,
        "at": None if span is None else {"file": span.file, "line": span.line, "col": span.col},
    }


# ---------------------------------------------------------------- internal errors


def internal_to_dict(crash: InternalError) -> dict[str, Any]:
    """The error object of docs/json.md, `kind` "internal"; `verdict` "internal" (exit 4)."""
    error = {
        "kind": "internal",
        "file": crash.path,
        "line": None,
        "col": None,
        "end_line": None,
        "end_col": None,
        "message": f"internal error in verikit {crash.version}: {crash.error}",
        "version": crash.version,
        "crash_report": crash.crash_report,
    }
    return {"schema": SCHEMA_VERSION, "spec": crash.path, "verdict": crash.verdict,
            "warnings": [], "errors": [error]}  # fmt: skip


def internal_to_json(crash: InternalError) -> str:
    return json.dumps(internal_to_dict(crash), ensure_ascii=False)


# ---------------------------------------------------------------- simulate


def simulation_dict(run: Simulation, result: CheckResult) -> dict[str, Any]:
    shrinking = run.shrinking
    return {
        "seed": run.seed,
        "runs": run.runs,
        "max_runs": run.max_runs,
        "max_depth": run.depth,
        "steps": run.steps,
        "steps_per_second": round(run.steps_per_second, 1),
        "distinct_states": run.distinct_states,
        "longest_run": run.longest,
        "seconds": round(run.seconds, 4),
        "workers": run.workers,
        "swarm": run.swarm,
        "backend": run.backend,
        "backend_reason": run.backend_reason,
        "build_seconds": round(run.build_seconds, 4),
        "stopped": run.stopped,
        "found_run": run.found_run,
        "found_seed": run.found_seed,
        "found_seconds": None if run.found_seconds is None else round(run.found_seconds, 4),
        "from_database": run.from_database,
        "shrinking": None if shrinking is None else {
            "original_length": shrinking.original,
            "shrunk_length": shrinking.shrunk,
            "seconds": round(shrinking.seconds, 4),
            "by": shrinking.by,
        },
        "witnesses": {w.property: len(w.path) - 1 for w in result.witnesses},
        "coverage": [{"action": c.name, "kind": c.kind, "taken": c.taken, "enabled": c.enabled}
                     for c in run.coverage],  # fmt: skip
        "nothing_to_find": run.nothing_to_find,
    }


# ---------------------------------------------------------------- summary


def check_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every line of check's JSON output satisfies."""
    text = resources.files("verikit.report").joinpath("check.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def summary_dict(summary: Summary) -> dict[str, Any]:
    """The last line of a directory check in JSON: `{"schema": 1, "summary": {...}}`."""
    s = summary
    counts = {"specs": s.specs, "holds": s.holds, "expected": s.expected, "violated": s.violated,
              "incomplete": s.incomplete, "error": s.errors, "internal": s.internal,
              "seconds": round(s.seconds, 3)}  # fmt: skip
    return {"schema": SCHEMA_VERSION, "summary": counts}


def summary_to_json(summary: Summary) -> str:
    return json.dumps(summary_dict(summary), ensure_ascii=False)
