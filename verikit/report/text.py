"""SpecReports as text for people."""

from __future__ import annotations

from fractions import Fraction

from verikit.core.model import Model
from verikit.core.types import format_real
from verikit.engine.result import Backend, CheckResult, Discovery
from verikit.engine.simulate import Simulation
from verikit.errors import Diagnostic, SourceFile, render
from verikit.report.reports import (
    BoundedRun,
    InternalError,
    ProveReport,
    QueryReport,
    SpecReport,
    Summary,
)
from verikit.symbolic.answer import Answer
from verikit.symbolic.proof import Outcome
from verikit.trace import text
from verikit.trace.cti import render as render_cti

# ---------------------------------------------------------------- check


def to_text(report: SpecReport) -> str:
    if report.result is None:  # a bad spec, or one whose loading a limit stopped
        found = report.diagnostics + report.warnings
        return "\n".join(render(d, report.source) for d in found)
    assert report.result is not None and report.loaded is not None
    result = report.result
    lines = [f"{report.path}: {report.loaded.model.name} — {headline(report)}"]
    if report.simulated is not None:
        lines += ["  " + line for line in simulation_lines(report.simulated, result)]
    elif report.bounded is None:
        lines.append("  " + _stats_line(result))
        if result.backend is not None:
            lines.append("  " + backend_line(result.backend))
        if result.coverage is not None:
            lines += ["  " + line for line in coverage_lines(result)]
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
            lines.append(violation_title(discovery))
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


def headline(report: SpecReport) -> str:
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
        case "violated" if model is not None and model.expected and result.violations and (
            {d.property for d in result.violations} <= set(model.expected_properties)
        ):  # --all-violations: one of several expected violations is missing
            missing = ", ".join(model.unshown({d.property for d in result.violations}))
            return (f"VIOLATED: the expected violation of {missing} was not found (the others "
                    "were); the spec no longer demonstrates that bug")  # fmt: skip
        case "violated" if model is not None and model.expected and not result.violations:
            return (
                "VIOLATED: the expected violation of "
                + ", ".join(model.expected_properties)
                + " was not found; the spec no longer demonstrates its bug"
            )
        case "incomplete" if result.safety_established and model is not None:
            undecided = [p.name for p in model.liveness if p.name not in result.liveness_checked]
            return (f"INCOMPLETE: safety established (every reachable state explored, no "
                    f"violation); liveness not decided ({result.liveness_undecided}): "
                    f"{', '.join(undecided)}")  # fmt: skip
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


def coverage_lines(result: CheckResult) -> list[str]:
    """Per action: successors generated, distinct new states, never enabled (TLC's
    -coverage); then each `reachable` and the depth of its first witness."""
    assert result.coverage is not None
    backend = result.backend.name if result.backend is not None else "python"
    counted = all(c.new_states is not None for c in result.coverage)
    what = ("successors generated / distinct new states" if counted else
            "successors generated; this backend does not count new states per action")  # fmt: skip
    lines = [f"coverage ({backend} backend; {what}):"]
    width = max((len(c.action) for c in result.coverage), default=0)
    for c in result.coverage:
        new = f" / {c.new_states:,}" if c.new_states is not None else ""
        never = "  never enabled" if c.successors == 0 else ""
        lines.append(f"  {c.action:<{width}}  {c.successors:>11,}{new}{never}")
    lines += [f"reachable {w.property}: witnessed at depth {len(w.path) - 1}"
              for w in result.witnesses]  # fmt: skip
    lines += [f"reachable {name}: not reached" for name in result.unreached]
    return lines


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


def violation_title(d: Discovery) -> str:
    match d.kind:
        case "step":
            return (f"action property {d.property} is violated by step {len(d.path) - 1} "
                    "(shortest counterexample; it ends with the offending step):")  # fmt: skip
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
        case "eventually" | "always_eventually" | "eventually_always" | "leads_to" if (
            d.loop_start is not None
        ):
            kind = text.LIVENESS_WORDS[d.kind]
            shape = text.lasso_shape(d.loop_start, len(d.path) - 1)
            return f"{kind} {d.property} violated by a fair behavior: {shape}:"
    return (
        f"{d.kind} {d.property} violated after {len(d.path) - 1} steps (shortest counterexample):"
    )


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in block.splitlines())


# ---------------------------------------------------------------- prove


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
        case "proved" if any(o.kind == "step" for o in proof.outcomes):
            return ("every invariant and lemma holds in every reachable state, every action "
                    "property on every step, no state faults")  # fmt: skip
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


# ---------------------------------------------------------------- query


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


# ---------------------------------------------------------------- internal errors


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
        if s.by.startswith("not shrunk"):
            lines.append(f"{s.by}: {s.original} steps as found")
        else:
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


# ---------------------------------------------------------------- summary


def summary_line(summary: Summary) -> str:
    """"19 specs: 12 hold, 7 expected violations, 0 violated, 0 errors (85 s)"; incomplete
    runs and verikit crashes are named only when there are some."""
    s = summary
    parts = [f"{s.holds} hold{'s' if s.holds == 1 else ''}",
             f"{s.expected} expected violation{'' if s.expected == 1 else 's'}",
             f"{s.violated} violated"]  # fmt: skip
    if s.incomplete:
        parts.append(f"{s.incomplete} incomplete")
    parts.append(f"{s.errors} error{'' if s.errors == 1 else 's'}")
    if s.internal:
        parts.append(f"{s.internal} internal error{'' if s.internal == 1 else 's'} (verikit bugs)")
    seconds = f"{s.seconds:.0f} s" if s.seconds >= 10 else f"{s.seconds:.1f} s"
    return f"{s.specs} spec{'' if s.specs == 1 else 's'}: {', '.join(parts)} ({seconds})"
