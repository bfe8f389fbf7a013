"""Each property of a checked spec with its outcome: the one reading of a SpecReport that the
CI outputs (JUnit, SARIF, GitHub annotations, the closing summary) share, so they never
disagree about what passed."""

from __future__ import annotations

from dataclasses import dataclass

from verikit.engine.result import Discovery
from verikit.errors import Diagnostic, Span
from verikit.report.reports import InternalError, SpecReport
from verikit.report.text import headline, violation_title
from verikit.trace.trace import Trace

# "passed": holds (within the stated bounds); "expected": a bug variant's declared violation,
# found (a success); "failed": violated, or an expected violation no longer found; "error":
# a runtime fault in the spec; "skipped": not decided (a limit stopped the search).
STATUSES = ("passed", "expected", "failed", "error", "skipped")
NOT_CHECKED = ("constraint", "terminal")  # they shape the search; nothing to pass or fail


@dataclass(frozen=True)
class PropertyOutcome:
    """One property (or deadlock freedom, or fault freedom) and what the check made of it."""

    name: str
    kind: str  # invariant, reachable, deadlock, fault, eventually, ...
    status: str  # one of STATUSES
    message: str  # one line: why it failed, was skipped, or was expected
    span: Span | None  # where it is written (None: nowhere in the spec, e.g. deadlock)
    trace: Trace | None = None  # the counterexample, when there is one


def property_outcomes(report: SpecReport) -> list[PropertyOutcome]:
    """Every property of the spec in declaration order, then deadlocks and faults found."""
    result, loaded = report.result, report.loaded
    if result is None or loaded is None:
        return []
    model = loaded.model
    found = {d.property: d for d in result.violations}
    undecided = _undecided(report)
    outcomes = []
    for prop in model.properties:
        if prop.kind in NOT_CHECKED:
            continue
        discovery = found.pop(prop.name, None)
        span = prop.span if prop.span.line > 0 else None
        if discovery is not None:
            outcomes.append(_violated(report, discovery, span))
        elif prop.name in undecided:
            outcomes.append(PropertyOutcome(prop.name, prop.kind, "skipped",
                                            undecided[prop.name], span))  # fmt: skip
        elif prop.name in model.expected_properties:
            message = f"the expected violation of {prop.name} was not found: {headline(report)}"
            status = "skipped" if report.verdict == "incomplete" else "failed"
            outcomes.append(PropertyOutcome(prop.name, prop.kind, status, message, span))
        else:
            outcomes.append(PropertyOutcome(prop.name, prop.kind, "passed", "holds", span))
    for discovery in found.values():  # deadlocks and runtime faults: no declared property
        where = discovery.fault.span if discovery.fault is not None else None
        outcomes.append(_violated(report, discovery, where))
    return outcomes


def _violated(report: SpecReport, d: Discovery, span: Span | None) -> PropertyOutcome:
    trace = next((t for t in report.traces if (t.property, t.kind) == (d.property, d.kind)), None)
    model = report.loaded.model if report.loaded is not None else None
    if d.kind == "fault":
        status = "error"
    elif model is not None and d.property in model.expected_properties:
        status = "expected"
    else:
        status = "failed"
    return PropertyOutcome(d.property, d.kind, status, violation_title(d).rstrip(":"), span, trace)


def _undecided(report: SpecReport) -> dict[str, str]:
    """Properties the run did not decide, each with the reason, one line."""
    result, loaded = report.result, report.loaded
    assert result is not None and loaded is not None
    reasons: dict[str, str] = {}
    if report.bounded is not None:
        reasons |= {name: "liveness: bmc does not check it" for name in report.bounded.unchecked}
    elif report.simulated is None:
        why = result.liveness_undecided or "not decided"
        reasons |= {p.name: f"liveness {why}" for p in loaded.model.liveness
                    if p.name not in result.liveness_checked}  # fmt: skip
    if report.verdict == "incomplete" and not result.safety_established:
        stop = f"not proved: {headline(report)}"
        reasons |= {p.name: stop for p in loaded.model.properties if p.name not in reasons}
    return reasons


def spec_errors(report: SpecReport | InternalError) -> list[Diagnostic]:
    """The errors that stopped the spec from being checked (or warnings made errors)."""
    if isinstance(report, InternalError):
        return []
    return [d for d in report.diagnostics + report.warnings if d.severity == "error"]

