"""SpecReports as text for people and JSON for machines.

JSON output is JSON Lines: one object per checked spec (schema in docs/json.md), so CI tools
can stream a whole directory's results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model
from verikit.core.types import format_real
from verikit.engine.result import Backend, CheckResult, Discovery
from verikit.engine.simulate import Simulation
from verikit.errors import Diagnostic, SourceFile, render
from verikit.symbolic.answer import Answer
from verikit.symbolic.proof import Outcome, Proof
from verikit.syntax import ast
from verikit.trace import itf, text
from verikit.trace.cti import CtiView
from verikit.trace.cti import render as render_cti
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
    engine: str = "explicit"  # "explicit" (breadth-first search) | "smt" (bounded, Z3)
    bounded: BoundedRun | None = None  # what `bmc` checked (engine "smt" only)
    simulated: Simulation | None = None  # what `simulate` did (engine "simulate" only)


@dataclass(frozen=True)
class BoundedRun:
    """A bounded model check (`verikit bmc`): paths of up to `depth` steps were searched;
    `checked` is the deepest depth known free of violations (-1: none). Nothing beyond it is
    claimed. `witnesses` maps each `reachable` found to the length of its shortest run."""

    depth: int
    checked: int
    seconds_per_depth: tuple[float, ...]
    encode_seconds: float
    transitions: int  # concrete transitions the actions unroll to
    variables: int  # Z3 variables per state
    witnesses: tuple[tuple[str, int], ...] = ()
    unreached: tuple[str, ...] = ()  # `reachable`s not reached within the depth
    unchecked: tuple[str, ...] = ()  # liveness properties: bmc does not check them


# ---------------------------------------------------------------- text


def to_text(report: SpecReport) -> str:
    if report.result is None:  # a bad spec, or one whose loading a limit stopped
        found = report.diagnostics + report.warnings
        return "\n".join(render(d, report.source) for d in found)
    assert report.result is not None and report.loaded is not None
    result = report.result
    lines = [f"{report.path}: {report.loaded.model.name} — {_headline(report)}"]
    if report.simulated is not None:
        lines += ["  " + line for line in simulation_lines(report.simulated, result)]
    elif report.bounded is None:
        lines.append("  " + _stats_line(result))
        if result.backend is not None:
            lines.append("  " + backend_line(result.backend))
        lines += ["  " + line for line in _liveness_lines(report.loaded.model, result)]
    else:
        lines += ["  " + line for line in _bounded_lines(report.bounded)]
    if report.loaded.model.queries:
        lines.append("  " + queries_note(report.loaded.model))
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


def queries_note(model: Model) -> str:
    """Timing queries are Z3's business: `check` names them and leaves them alone."""
    names = ", ".join(q.name for q in model.queries)
    count = len(model.queries)
    return f"note: {count} quer{'y' if count == 1 else 'ies'} ({names}) answered by `verikit query`"


def _headline(report: SpecReport) -> str:
    result = report.result
    assert result is not None
    model = report.loaded.model if report.loaded else None
    bound = report.bounded
    if report.simulated is not None and report.verdict == "incomplete":
        return simulation_headline(report.simulated, model)
    match report.verdict:
        case "holds" if bound is not None:
            return f"no violation within depth {bound.depth} (bounded check, not a proof)"
        case "incomplete" if (
            bound is not None
            and model
            and not result.violations
            and (result.incomplete_reason is None)
        ):
            return _bounded_expectation(model, bound)
        case "incomplete" if bound is not None:
            clean = (f"no violation within depth {bound.checked}" if bound.checked >= 0
                     else "nothing checked")  # fmt: skip
            return (
                f"INCOMPLETE: the solver gave up ({result.incomplete_reason}) at depth "
                f"{bound.checked + 1}; {clean}"
            )
        case "holds":
            return "all properties hold"
        case "expected":
            return "expected violation found (this spec demonstrates a bug): " + ", ".join(
                sorted({d.property for d in result.violations})
            )
        case "violated" if model is not None and model.expected and not result.violations:
            return (
                "VIOLATED: the expected violation of "
                + ", ".join(model.expected_properties)
                + " was not found; the spec no longer demonstrates its bug"
            )
        case "incomplete" if result.explored_depth is not None and result.explored_depth >= 0:
            d = result.explored_depth
            return (f"INCOMPLETE: search stopped ({result.incomplete_reason}); no violation "
                    f"within depth {d}, every state up to {d} explored")  # fmt: skip
        case "incomplete":
            return f"INCOMPLETE: search stopped ({result.incomplete_reason}); nothing proved"
        case "error" if any(d.kind == "fault" for d in result.violations):
            return "runtime fault in the spec"
        case "error":
            return "warnings treated as errors (--strict)"
    names = ", ".join(sorted({d.property for d in result.violations}))
    return f"VIOLATED: {names}"


def _bounded_expectation(model: Model, bound: BoundedRun) -> str:
    """A bug variant bmc did not confirm: not wrong, not confirmed either (exit 3)."""
    live = {p.name for p in model.liveness}
    unchecked = [p for p in model.expected_properties if p in live]
    if unchecked:
        return (f"INCOMPLETE: the expected violation of {', '.join(unchecked)} is a liveness "
                "property, which bmc does not check; `verikit check` does")  # fmt: skip
    return (f"INCOMPLETE: the expected violation of {', '.join(model.expected_properties)} "
            f"was not found within depth {bound.depth}; it may lie deeper (`verikit check` "
            "searches every depth)")  # fmt: skip


def _stats_line(result: CheckResult) -> str:
    s = result.stats
    reduced = f" (symmetry: {', '.join(result.symmetry)})" if result.symmetry else ""
    return (
        f"{s.distinct_states:,} distinct states{reduced}, {s.transitions:,} transitions, "
        f"depth {s.depth}, {s.seconds:.2f} s ({s.states_per_second:,.0f} states/s)"
    )


def backend_line(backend: Backend) -> str:
    """Which backend ran and why, in one line (docs/native.md)."""
    if backend.name == "python":
        return f"backend: python ({backend.reason})"
    workers = f"{backend.workers} worker{'s' if backend.workers != 1 else ''}"
    build = "cached" if backend.cached else "compiled"
    collision = backend.collision_probability
    stored = (
        "whole states compared"
        if collision is None
        else f"fingerprint collision probability {collision:.1e}"
    )
    return (
        f"backend: native, {workers} ({backend.reason}); build {backend.build_seconds:.2f} s "
        f"({build}), search {backend.search_seconds:.2f} s; {stored}"
    )


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


def _liveness_lines(model: Model, result: CheckResult) -> list[str]:
    """What the liveness pass decided, on how big a graph (it is a second exploration)."""
    undecided = [p.name for p in model.liveness if p.name not in result.liveness_checked]
    lines = []
    if result.liveness_checked:
        cycles = "fair cycles" if model.fairness else "every cycle: no fairness declared"
        lines.append(
            f"liveness: {', '.join(result.liveness_checked)} decided on "
            f"{result.liveness_states:,} states, {result.liveness_transitions:,} transitions "
            f"({cycles}, no symmetry), {result.liveness_seconds:.2f} s"
        )
    if undecided:
        why = f" ({result.liveness_undecided})" if result.liveness_undecided else ""
        lines.append(f"liveness not decided{why}: {', '.join(undecided)}")
    return lines


def _liveness_dict(model: Model, result: CheckResult) -> dict[str, Any]:
    return {
        "checked": list(result.liveness_checked),
        "undecided": [p.name for p in model.liveness if p.name not in result.liveness_checked],
        "undecided_reason": result.liveness_undecided,
        "states": result.liveness_states,
        "transitions": result.liveness_transitions,
        "seconds": round(result.liveness_seconds, 4),
    }


def _bounded_lines(run: BoundedRun) -> list[str]:
    solving = sum(run.seconds_per_depth)
    depths = {-1: "stopped at depth 0", 0: "depth 0 checked"}.get(
        run.checked, f"depths 0..{run.checked} checked"
    )  # checked: the deepest depth found clean (a violation or Z3 giving up ends the search)
    lines = [
        f"bmc: {depths}, {run.transitions:,} transitions unrolled, "
        f"{run.variables:,} variables per state, {run.encode_seconds:.2f} s encoding + "
        f"{solving:.2f} s solving"
    ]
    lines += [f"reachable {name}: witness at depth {length}" for name, length in run.witnesses]
    within = f"within depth {run.checked}" if run.checked >= 0 else "before the search stopped"
    lines += [f"reachable {name}: not reached {within}" for name in run.unreached]
    if run.unchecked:
        lines.append("liveness not checked by bmc: " + ", ".join(run.unchecked))
    return lines


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
        case "eventually" | "always_eventually" | "leads_to" if d.loop_start is not None:
            kind = text.LIVENESS_WORDS[d.kind]
            shape = text.lasso_shape(d.loop_start, len(d.path) - 1)
            return f"{kind} {d.property} violated by a fair behavior: {shape}:"
    return (
        f"{d.kind} {d.property} violated after {len(d.path) - 1} steps (shortest counterexample):"
    )


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in block.splitlines())


# ---------------------------------------------------------------- JSON


def to_json(report: SpecReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False)


def to_dict(report: SpecReport) -> dict[str, Any]:
    doc: dict[str, Any] = {"spec": report.path, "verdict": report.verdict}
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
    return {"kind": "spec", "file": d.span.file, "line": d.span.line, "col": d.span.col,
            "message": d.message}  # fmt: skip


def _violation(report: SpecReport, d: Discovery) -> dict[str, Any]:
    trace = _trace_for(report.traces, d)
    item: dict[str, Any] = {
        "property": d.property,
        "kind": d.kind,
        "trace_length": len(d.path) - 1 if d.path else None,
        "loop_start": d.loop_start,  # a lasso: the state its loop starts in (ITF "loop")
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


# ---------------------------------------------------------------- prove


@dataclass(frozen=True)
class ProveReport:
    """The outcome of `verikit prove` on one spec file: one Outcome per invariant and lemma,
    with a replayed Trace for each violated one and a CtiView for each not inductive one."""

    path: str
    verdict: str  # "proved" | "violated" | "unproved" | "error"
    source: SourceFile | None = None
    loaded: Loaded | None = None
    proof: Proof | None = None
    traces: tuple[Trace, ...] = ()  # base-case counterexamples, by Trace.property
    ctis: tuple[CtiView, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    fault: Trace | None = None  # the base case reached a runtime fault: the run to it


PROVE_WORDS = {"proved": "proved", "violated": "VIOLATED", "not_inductive": "NOT INDUCTIVE",
               "unknown": "UNKNOWN"}  # fmt: skip


def prove_to_text(report: ProveReport) -> str:
    if report.proof is None or report.loaded is None:
        return "\n".join(render(d, report.source) for d in report.diagnostics)
    proof = report.proof
    lines = [f"{report.path}: {report.loaded.model.name} — {_prove_headline(report)}"]
    traces = {t.property: t for t in report.traces}
    ctis = {v.property: v for v in report.ctis}
    width = max((len(w) for w in PROVE_WORDS.values()), default=0)
    for outcome in proof.outcomes:
        word = PROVE_WORDS[outcome.status].ljust(width)
        lines.append(f"  {word}  {_outcome_line(outcome)}")
        shown = report.fault if outcome.kind == "fault" else traces.get(outcome.property)
        if outcome.status == "violated" and shown is not None:
            lines.append(_indent(text.render_text(shown), "      "))
        if outcome.property in ctis:
            lines.append(render_cti(ctis[outcome.property], "      "))
    lines += [render(d, report.source) for d in report.diagnostics]
    liveness = [p.name for p in report.loaded.model.liveness]
    if liveness:
        lines.append(f"  liveness not proved by prove: {', '.join(liveness)} (`verikit check` "
                     "decides them)")  # fmt: skip
    count = sum(1 for o in proof.outcomes if o.kind != "fault")
    lines.append(f"  {count} propert{'y' if count == 1 else 'ies'}, k-induction up to "
                 f"k={proof.max_k}, {proof.queries} Z3 queries, {proof.seconds:.2f} s")  # fmt: skip
    return "\n".join(lines)


def _prove_headline(report: ProveReport) -> str:
    proof = report.proof
    assert proof is not None
    if proof.fault is not None:
        what = "runtime fault" if report.fault is not None else "encoding limit reached"
        return f"{what} {proof.fault.where}: nothing past it is proved"
    if report.verdict == "proved" and all(o.kind == "fault" for o in proof.outcomes):
        return "no state faults (the spec has no invariants or lemmas to prove)"
    expected = report.loaded.model.expected_properties if report.loaded else ()
    broken = [o.property for o in proof.with_status("violated") if o.kind != "fault"]
    match report.verdict:
        case "proved":
            return "every invariant and lemma holds in every reachable state, no state faults"
        case "expected":
            return "expected violation found (this spec demonstrates a bug): " + ", ".join(broken)
        case "violated" if expected and not broken:
            return (f"VIOLATED: the expected violation of {', '.join(expected)} was not found: "
                    "it is proved, the spec no longer demonstrates its bug")  # fmt: skip
        case "violated":
            return f"VIOLATED: {', '.join(broken)}"
    unproved = [o.property for o in proof.with_status("not_inductive", "unknown")]
    names = ", ".join(unproved[:3]) + (
        f" and {len(unproved) - 3} more" if len(unproved) > 3 else ""
    )
    return f"NOT PROVED: {names} (no counterexample found either; see below)"


def _outcome_line(outcome: Outcome) -> str:
    name = f"lemma {outcome.property}" if outcome.kind == "lemma" else outcome.property
    match outcome.status:
        case "proved":
            return f"{name} (k={outcome.k})"
        case "violated":
            steps = f"{outcome.k} step{'s' if outcome.k != 1 else ''}"
            breaks = "faults" if outcome.kind == "fault" else "breaks it"
            return f"{name}: a run of {steps} from an initial state {breaks}:"
        case "not_inductive":
            tried = "k=1" if outcome.k == 1 else f"k=1..{outcome.k}"
            if outcome.kind == "fault":
                return f"{name} ({tried}): a state that does not fault steps to one that does:"
            return f"{name} ({tried}): a state where it holds steps to one where it does not:"
    return f"{name}: {outcome.reason}"


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


@dataclass(frozen=True)
class QueryReport:
    """The outcome of `verikit query` on one spec file: one Answer per `query`, in order.
    `verdict` uses check's words and exit codes: "holds" (every query impossible),
    "expected" (a bug variant's expected queries possible, the rest impossible), "violated",
    "incomplete" (Z3 could not decide one) or "error" (bad spec, division by zero)."""

    path: str
    verdict: str
    source: SourceFile | None = None
    model: Model | None = None
    answers: tuple[Answer, ...] = ()
    expected: tuple[str, ...] = ()  # the queries named by `expect violation`
    diagnostics: tuple[Diagnostic, ...] = ()


QUERY_WORDS = {"impossible": "impossible", "possible": "POSSIBLE", "vacuous": "VACUOUS",
               "fault": "FAULT", "unknown": "UNKNOWN"}  # fmt: skip


def query_to_text(report: QueryReport) -> str:
    if report.model is None:
        return "\n".join(render(d, report.source) for d in report.diagnostics)
    lines = [f"{report.path}: {report.model.name} — {_query_headline(report)}"]
    queries = {q.name: q for q in report.model.queries}
    for answer in report.answers:
        query = queries[answer.query]
        word = QUERY_WORDS[answer.verdict]
        lines.append(f"  {word:<10}  {answer.query} ({_query_facts(query.consts, answer)})")
        lines += _answer_details(answer, report.source)
    return "\n".join(lines)


def _query_headline(report: QueryReport) -> str:
    answers = report.answers
    names = {v: [a.query for a in answers if a.verdict == v] for v in QUERY_WORDS}
    match report.verdict:
        case "holds" if not answers:
            return "no queries to answer"
        case "holds":
            return "every query is impossible (proved by Z3)"
        case "expected":
            found = ", ".join(names["possible"])
            return f"expected violation found (this spec demonstrates a bug): {found} possible"
        case "incomplete":
            return f"UNKNOWN: {', '.join(names['unknown'])} (Z3 could not decide; nothing proved)"
        case "error":
            return f"division by zero possible in {', '.join(names['fault'])}"
    missed = [name for name in report.expected if name in names["impossible"]]
    if missed:
        return (f"VIOLATED: the expected violation of {', '.join(missed)} was not found; "
                "the spec no longer demonstrates its bug")  # fmt: skip
    parts = []
    possible = [
        a.query for a in answers if a.verdict == "possible" and a.query not in report.expected
    ]
    vacuous = [a.query for a in answers if a.verdict == "vacuous"]  # never the expected bug
    if possible:
        parts.append("POSSIBLE: " + ", ".join(possible))
    if vacuous:
        parts.append("VACUOUS: " + ", ".join(vacuous) + " (its assumptions contradict each other)")
    return "; ".join(parts)


def _query_facts(consts: tuple[tuple[str, object], ...], answer: Answer) -> str:
    shown = ", ".join(f"{name} = {_const_text(value)}" for name, value in consts)
    return f"{shown}; {answer.seconds:.2f} s" if shown else f"{answer.seconds:.2f} s"


def _answer_details(answer: Answer, source: SourceFile | None) -> list[str]:
    lines: list[str] = []
    if answer.verdict == "fault" and answer.span is not None:
        lines.append(_indent(render(Diagnostic(answer.span, answer.reason), source), "      "))
    elif answer.reason:
        lines.append(f"      {answer.reason}")
    if answer.witness:
        checked = ", re-checked with exact arithmetic" if answer.checked else ""
        lines.append(f"      witness (Z3{checked}):")
        width = max(len(w.name) for w in answer.witness)
        for w in answer.witness:
            label = "  (let)" if w.kind == "let" else ""
            lines.append(f"        {w.name:<{width}} = {w.text}{label}")
    return lines


def _const_text(value: object) -> str:
    if isinstance(value, Fraction):
        return format_real(value)
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def json_value(value: object) -> object:
    """A constant or witness value for JSON: a real as its exact text ("0.01", "1/3")."""
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


@dataclass(frozen=True)
class InternalError:
    """A verikit bug met while handling one spec: never a verdict about the spec (exit 4).
    `crash_report` is the file holding the full traceback (None if it could not be written);
    the user is asked to send it, with the spec, to the verikit maintainers."""

    path: str  # the spec being handled, or the command line when no spec was
    command: str  # check, bmc, query, prove, replay, render, graph or compile
    error: str  # the exception's type and message, one line
    crash_report: str | None
    version: str
    verdict: str = "internal"


def internal_to_text(crash: InternalError) -> str:
    where = (
        f"the full traceback is in {crash.crash_report}; please send that file, with the spec, "
        "to the verikit maintainers"
        if crash.crash_report is not None
        else "no crash report could be written; please send this message, with the spec and "
        "the command line, to the verikit maintainers"
    )
    return (
        f"{crash.path}: internal error in verikit {crash.version} ({crash.command}): this is a "
        f"bug in verikit, not in the spec\n  {crash.error}\n  {where}"
    )


def internal_to_dict(crash: InternalError) -> dict[str, Any]:
    """The error object of docs/json.md, `kind` "internal"; `verdict` "internal" (exit 4)."""
    error = {
        "kind": "internal",
        "file": crash.path,
        "line": None,
        "col": None,
        "message": f"internal error in verikit {crash.version}: {crash.error}",
        "version": crash.version,
        "crash_report": crash.crash_report,
    }
    return {"spec": crash.path, "verdict": crash.verdict, "warnings": [], "errors": [error]}


def internal_to_json(crash: InternalError) -> str:
    return json.dumps(internal_to_dict(crash), ensure_ascii=False)


# ---------------------------------------------------------------- simulate


def simulation_headline(run: Simulation, model: Model | None) -> str:
    """No violation found: what was tried, never a claim that the spec holds (exit 3)."""
    words = {"timeout": " (time budget spent)", "interrupted": " (interrupted)"}
    done = (f"no violation in {run.runs:,} run{'s' if run.runs != 1 else ''} of up to "
            f"{run.depth} steps{words.get(run.stopped, '')} (not a proof)")  # fmt: skip
    expected = model.expected_properties if model is not None else ()
    if expected:
        return f"INCOMPLETE: the expected violation of {', '.join(expected)} was not found; {done}"
    if model is not None and model.expected:
        return (f"INCOMPLETE: {done}; the expected violation of {', '.join(model.expected)} "
                "is a timing query, answered by `verikit query`")  # fmt: skip
    return f"INCOMPLETE: {done}"


def simulation_lines(run: Simulation, result: CheckResult) -> list[str]:
    """What the walks did: seed, runs, steps, states, coverage, and how a trace was shrunk."""
    swarm = "swarm on" if run.swarm else "swarm off"
    workers = f", {run.workers} workers" if run.workers > 1 else ""
    lines = [
        f"simulation: seed {run.seed}, {run.runs:,} run{'s' if run.runs != 1 else ''} of up "
        f"to {run.depth} steps "
        f"({swarm}{workers}), {run.steps:,} steps, {run.distinct_states:,} distinct states, "
        f"longest run {run.longest} steps, {run.seconds:.2f} s ({run.steps_per_second:,.0f} "
        "steps/s)"
    ]
    if run.backend_reason:
        built = f"; ready in {run.build_seconds:.2f} s" if run.backend == "native" else ""
        lines.append(f"backend: {run.backend} ({run.backend_reason}{built})")
    if run.from_database:
        lines.append("violation: the last failure in the example database still fails "
                     "(replayed before any new run)")  # fmt: skip
    elif run.found_run is not None and run.found_seed is not None:
        lines.append(f"violation found by run {run.found_run} (seed {run.found_seed}; "
                     f"`--seed {run.found_seed}` replays it as run 0) after "
                     f"{run.found_seconds or 0.0:.2f} s")  # fmt: skip
    if run.shrinking is not None:
        s = run.shrinking
        lines.append(f"shrunk from {s.original} to {s.shrunk} steps ({s.by}, {s.seconds:.2f} s)")
    lines += [f"reachable {w.property}: witnessed in {len(w.path) - 1} steps"
              for w in result.witnesses]  # fmt: skip
    lines += [f"reachable {name}: not reached by any run" for name in result.unreached]
    width = max((len(c.name) for c in run.coverage), default=0)
    lines.append("coverage (successors taken / steps enabled):")
    for c in run.coverage:
        never = "  never enabled" if not c.enabled else ""
        lines.append(f"  {c.name:<{width}}  {c.taken:>9,} / {c.enabled:,}{never}")
    if run.nothing_to_find:
        lines.append("note: no invariant, no liveness property and no deadlock check: only a "
                     "runtime fault can show")  # fmt: skip
    return lines


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
