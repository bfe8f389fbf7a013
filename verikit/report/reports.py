"""What a command found about one spec file, as data: the text, JSON and CI outputs
(the sibling modules) only read these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model
from verikit.engine.result import CheckResult
from verikit.engine.simulate import Simulation
from verikit.errors import Diagnostic, SourceFile
from verikit.symbolic.answer import Answer
from verikit.symbolic.proof import Proof
from verikit.syntax import ast
from verikit.trace.cti import CtiView
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


@dataclass(frozen=True)
class Summary:
    """A whole run in numbers: specs per verdict and the wall-clock seconds, for the closing
    line of a directory check and its final JSON object."""

    specs: int
    holds: int
    expected: int
    violated: int
    incomplete: int
    errors: int
    internal: int
    seconds: float

    @staticmethod
    def of(reports: Sequence[SpecReport | InternalError], seconds: float) -> Summary:
        verdicts = [r.verdict for r in reports]
        return Summary(
            specs=len(verdicts),
            holds=verdicts.count("holds"),
            expected=verdicts.count("expected"),
            violated=verdicts.count("violated"),
            incomplete=verdicts.count("incomplete"),
            errors=verdicts.count("error"),
            internal=verdicts.count("internal"),
            seconds=seconds,
        )


def detached(report: SpecReport) -> SpecReport:
    """The report without its compiled code, to send from a worker process (`check -j`):
    generated functions do not pickle, and no output (text, JSON, JUnit, SARIF, Markdown,
    Mermaid) reads them; everything else, the model and the traces included, comes along."""
    if report.loaded is None:
        return report
    return replace(report, loaded=replace(report.loaded, compiled=cast(CompiledModel, None)))
