"""The library API: the one place where the pipeline stages are wired together.

    report = api.check_file("specs/two_phase_commit.dsl", consts={"N": 4})
    report.verdict   # "holds" | "expected" | "violated" | "incomplete" | "error"
    api.exit_code([report])   # 0 holds (or the expected bug), 1 violated, 2 bad spec or
                              # usage, 3 limit reached, 4 internal error (a verikit bug)

The CLI is a thin layer over these functions, and tests use them directly.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from verikit import __version__, interrupts
from verikit.cluster import check as on_cluster
from verikit.compile import build
from verikit.core.model import Model
from verikit.engine import CheckOptions, native
from verikit.engine.deadline import DeadlineExpired, deadline_of, interrupt_at
from verikit.engine.growth import growing_ints
from verikit.engine.native import BackendChoice
from verikit.engine.result import CheckResult, Discovery, Stats, Verdict
from verikit.engine.search import Interrupted as SearchInterrupted
from verikit.engine.search import initial_states
from verikit.engine.shrink import Shrink
from verikit.engine.simulate import BackendUnavailable, SimulateOptions, new_seed, simulate
from verikit.errors import Diagnostic, SourceFile, Span, SpecError, SpecFault
from verikit.report import (
    BoundedRun,
    InternalError,
    Loaded,
    ProveReport,
    QueryReport,
    SpecReport,
)
from verikit.report.mermaid import to_mermaid
from verikit.semantics import ConstValue, analyze
from verikit.semantics.consts import literal_value
from verikit.symbolic.answer import Answer
from verikit.syntax import ast, parse
from verikit.syntax.variants import MAX_CHAIN, base_path, resolve
from verikit.trace import Trace, itf, replay, replay_states
from verikit.trace.abstract import NotAVariable, TooBigToFold, TooManyBoxes, abstract_graph
from verikit.trace.abstract import names as fold_names
from verikit.trace.cti import cti_view
from verikit.trace.decoded import DecodedRunError, discovery_of, path_of, witness_of
from verikit.trace.dot import FORMATS, DiagramOutcome, write_diagram
from verikit.trace.graph import DEFAULT_LIMIT, TooManyStates, state_graph
from verikit.trace.graph_dot import LABELS, write_abstract_graph, write_state_graph
from verikit.trace.output import OutputProblem as OutputProblem  # re-exported for the CLI
from verikit.trace.output import refuse_existing as refuse_existing
from verikit.trace.output import write_output as write_output
from verikit.trace.saved import missing_discovery, recorded, trace_from_itf
from verikit.trace.text import lasso_shape


class UsageError(Exception):
    """The command is wrong (missing file, malformed --const): exit code 2, no traceback."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped work on one spec. `what` says where it stopped; `report` is what `check`
    had found by then (an "incomplete" report with the search's figures), else None."""

    def __init__(self, what: str, report: SpecReport | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.report = report


EXIT_HOLDS, EXIT_VIOLATED, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_INTERNAL = 4  # a verikit bug, never a verdict about the spec
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
DEFAULT_GRAPH_LIMIT = DEFAULT_LIMIT  # states `verikit graph` draws unless told otherwise


def parse_const_overrides(pairs: Sequence[str]) -> dict[str, ConstValue]:
    """`["N=4", "Loss=false", "Rho=0.01"]` → {"N": 4, "Loss": False, "Rho": Fraction(1, 100)};
    malformed pairs are a UsageError."""
    consts: dict[str, ConstValue] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name.isidentifier() or not text:
            raise UsageError(f"--const expects NAME=VALUE, got `{pair}`")
        consts[name] = _const_value(name, text)
    return consts


def _const_value(name: str, text: str) -> ConstValue:
    if text in ("true", "false"):
        return text == "true"
    if text[:1] in ("{", "("):  # a set or tuple constant, written as in a spec
        try:
            return literal_value(text)
        except ValueError as problem:
            raise UsageError(f"--const {name}={text}: {problem}") from None
    if _DECIMAL.fullmatch(text):  # a real constant, exact
        return Fraction(text)
    try:
        return int(text)
    except ValueError:
        raise UsageError(
            f"--const {name}={text}: the value must be an integer, a decimal or true/false"
        ) from None


_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def read_source(path: str | Path) -> SourceFile:
    file = Path(path)
    if not file.exists():
        raise UsageError(f"{path}: no such file or directory")
    if file.is_dir():
        raise UsageError(f"{path}: is a directory, expected a .dsl file")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    return SourceFile(str(path), text, included=_bases_of(str(path), text))


# `spec Name extends "file"` at the head of a file, after any comments
_EXTENDS = re.compile(
    r'(?:\s|//[^\n]*|#[^\n]*)*spec\s+[A-Za-z_][A-Za-z0-9_]*\s+extends\s+"([^"\n]*)"'
)


def _bases_of(name: str, text: str) -> tuple[SourceFile, ...]:
    """The files a variant extends, transitively, read with it so that every later stage
    (and every error message) has their text. A base that cannot be read is left out:
    syntax/variants.py reports it at its `extends`."""
    found: list[SourceFile] = []
    seen = {name}
    while (match := _EXTENDS.match(text)) and len(found) < MAX_CHAIN:
        name = base_path(name, match.group(1))
        if name in seen:
            break
        seen.add(name)
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            break
        found.append(SourceFile(name, text))
    return tuple(found)


def parse_source(source: SourceFile) -> ast.Spec:
    """The spec in `source`, a variant merged with the specs it extends."""
    return resolve(parse(source.text, source.name), source)


def load(path: str | Path, consts: Mapping[str, ConstValue] | None = None) -> Loaded:
    """Parse, analyse and compile one spec file; SpecError for a bad spec."""
    source = read_source(path)
    return load_source(source, consts)


def load_source(source: SourceFile, consts: Mapping[str, ConstValue] | None = None) -> Loaded:
    return _load_parsed(source, parse_source(source), consts)


def _load_parsed(
    source: SourceFile,
    spec: ast.Spec,
    consts: Mapping[str, ConstValue] | None,
    sources: Mapping[str, str] | None = None,
) -> Loaded:
    model = analyze(spec, dict(consts or {}), sources)
    return Loaded(source, spec, model, build(model))


def _load_within(
    source: SourceFile, consts: Mapping[str, ConstValue] | None, options: CheckOptions
) -> Loaded:
    """`load_source`, stopped by DeadlineExpired once `options.timeout` has passed (its clock
    started at `options.started`): a spec too big to load in time is a limit, not a hang."""
    with interrupt_at(deadline_of(options.timeout, options.started)):
        return load_source(source, consts)


def _stopped_loading(path: str | Path, options: CheckOptions) -> SpecReport:
    message = (
        f"INCOMPLETE: timeout {options.timeout} s reached while loading the spec (parsing, "
        "checking and compiling it); nothing was checked"
    )
    diagnostic = Diagnostic(Span(str(path), 1, 1), message, severity="warning")
    return SpecReport(str(path), "incomplete", warnings=(diagnostic,))  # JSON: "warnings"


OUR_CODE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# a deadline stops only frames of verikit's own files: one raised in Z3's bindings (an
# object's __del__ among them) would be printed as "Exception ignored" and lost


def _seconds_left(deadline: float | None) -> float | None:
    """What is left of a deadline for Z3's own timeout (None: no deadline)."""
    return None if deadline is None else max(deadline - time.monotonic(), 1e-3)


def _timed_out(path: str | Path, timeout: float | None, where: str) -> Diagnostic:
    """The warning of a Z3 command its --timeout stopped before Z3 could answer."""
    message = f"INCOMPLETE: timeout {timeout} s reached while {where}"
    return Diagnostic(Span(str(path), 1, 1), message, severity="warning")


@contextmanager
def _z3_bounded(deadline: float | None) -> Iterator[None]:
    """`interrupt_at` for a Z3 command: no signal reaches Python while Z3 holds the main
    thread in one call, and Z3's own timeout is not always prompt (the encoder's quick
    satisfiability checks ran 30 s past theirs under load), so from the deadline on a thread
    interrupts Z3 too, until the block ends. What Z3 raises once interrupted ("canceled") is
    the deadline, not an internal error."""
    if deadline is None:
        yield
        return
    import z3

    done = threading.Event()

    def interrupt_z3() -> None:
        if done.wait(max(deadline - time.monotonic(), 0.0)):
            return
        while True:
            z3.main_ctx().interrupt()
            if done.wait(0.05):
                return

    watcher = threading.Thread(target=interrupt_z3, name="verikit-z3-deadline", daemon=True)
    watcher.start()
    try:
        with interrupt_at(deadline, only_in=OUR_CODE):
            yield
    except z3.Z3Exception:
        if time.monotonic() < deadline:
            raise
        raise DeadlineExpired from None
    finally:
        done.set()
        watcher.join()


LOADING = "loading the spec (parsing, checking and compiling it); nothing was checked"


def spec_files(target: str | Path) -> list[Path]:
    """The spec files a path names: the file itself, or every *.dsl below a directory."""
    path = Path(target)
    if not path.exists():
        raise UsageError(f"{target}: no such file or directory")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.dsl") if p.is_file())
        if not files:
            raise UsageError(f"{target}: no .dsl files in this directory")
        return files
    return [path]


def check_file(
    path: str | Path,
    consts: Mapping[str, ConstValue] | None = None,
    options: CheckOptions | None = None,
    strict: bool = False,
    backend: str = "auto",
    workers: int | None = None,
    full_states: bool = False,
    cluster: str | None = None,
) -> SpecReport:
    """Load and check one spec; a bad spec becomes an "error" report, never an exception.
    With `strict`, warnings (actions never enabled, liveness cut off by a constraint) make
    the verdict "error". `backend` and `workers` choose how the search runs (engine/native.py);
    `backend="native"` where it cannot run is a UsageError; `full_states` makes the native search
    compare whole states instead of fingerprints. `cluster` ("ray" or "ray://HOST:PORT") runs
    the search on Ray with `workers` worker processes (verikit/cluster, docs/cluster.md)."""
    chosen = _backend(backend)
    source = read_source(path)
    options = replace(options or CheckOptions(), started=time.monotonic())  # loading counts
    try:
        loaded = _load_within(source, consts, options)
    except SpecError as error:
        return SpecReport(str(path), "error", source=source, diagnostics=error.diagnostics)
    except DeadlineExpired:
        return _stopped_loading(path, options)
    try:
        if cluster is not None:
            result = on_cluster.check(loaded.compiled, options, cluster, workers)
        else:
            result = native.check(loaded.compiled, options, chosen, workers, full_states=full_states)
    except (native.BackendUnavailable, on_cluster.ClusterUnavailable) as why:
        raise UsageError(str(why)) from None
    except SearchInterrupted as stop:
        partial = SpecReport(str(path), "incomplete", source, loaded, stop.partial)
        raise Interrupted(f"{path}: check stopped", partial) from None
    traces = tuple(replay(loaded.compiled, d) for d in result.violations if d.path)
    warnings = (
        *_never_enabled_warnings(loaded.model, result),
        *_constraint_edge_warnings(loaded.model, result),
        *_growth_warnings(loaded, result),
    )
    verdict = verdict_of(result, loaded.model.expected_properties)  # not queries: Z3's
    if verdict == "expected" and not options.stop_at_first:  # --all-violations: every one
        verdict = _every_expectation(loaded.model, result)
    if strict and warnings:
        verdict = "error"
        warnings = tuple(replace(w, severity="error") for w in warnings)
    return SpecReport(
        str(path),
        verdict,
        source=source,
        loaded=loaded,
        result=result,
        traces=traces,
        warnings=warnings,
    )


def _backend(name: str) -> BackendChoice:
    for choice in native.BACKENDS:
        if name == choice:
            return choice
    raise UsageError(f"--backend must be auto, native or python, got `{name}`")


def query_file(
    path: str | Path, consts: Mapping[str, ConstValue] | None = None, timeout: float | None = None
) -> QueryReport:
    """Answer every timing query of one spec with Z3 (`timeout` seconds for the whole spec,
    analysing it included; a query it cuts short, and those after it, are "unknown"); a
    bad spec becomes an "error" report, never an exception. The state machine is analysed
    but not compiled or searched: queries do not depend on it."""
    source = read_source(path)
    deadline = deadline_of(timeout, None)
    try:
        with interrupt_at(deadline, only_in=OUR_CODE):
            model = analyze(parse_source(source), dict(consts or {}))
    except SpecError as error:
        return QueryReport(str(path), "error", source=source, diagnostics=error.diagnostics)
    except DeadlineExpired:
        stopped = _timed_out(path, timeout, LOADING)
        return QueryReport(str(path), "incomplete", source=source, diagnostics=(stopped,))
    from verikit.symbolic.query import answer  # loads Z3: only `verikit query` gets here

    interrupts.z3_interruptible()
    expected = tuple(q.name for q in model.queries if q.name in model.expected)
    answered: list[Answer] = []
    try:
        with _z3_bounded(deadline):
            for query in model.queries:
                answered.append(answer(query, _seconds_left(deadline)))
    except DeadlineExpired:
        why = f"timeout: {timeout} s reached (for the whole spec) before Z3 answered"
        left_over = model.queries[len(answered) :]
        answered += [Answer(q.name, "unknown", reason=why) for q in left_over]
    except KeyboardInterrupt:
        done = f"{len(answered)} of {len(model.queries)} queries answered"
        raise Interrupted(f"{path}: query stopped ({done})") from None
    answers = tuple(answered)
    verdict = query_verdict(answers, expected)
    return QueryReport(str(path), verdict, source, model, answers, expected)


def query_verdict(answers: Sequence[Answer], expected: Sequence[str] = ()) -> str:
    """Check's words for answers: a possible query is a violation unless `expect violation`
    names it; an expected one that turns out impossible no longer demonstrates its bug."""
    found = set()
    for a in answers:
        wanted = "possible" if a.query in expected else "impossible"
        if a.verdict in ("fault", "unknown"):
            found.add("error" if a.verdict == "fault" else "incomplete")
        elif a.verdict == wanted:
            found.add("expected" if wanted == "possible" else "holds")
        else:  # possible though not expected, impossible though expected, or vacuous
            found.add("violated")
    for verdict in ("error", "violated", "incomplete", "expected"):
        if verdict in found:
            return verdict
    return "holds"


def _every_expectation(model: Model, result: CheckResult) -> str:
    """A search that did not stop at the first violation: a bug variant passes when each of
    its `expect violation` properties is violated (and nothing else)."""
    if not model.unshown({d.property for d in result.violations}):
        return "expected"
    return "incomplete" if result.verdict == Verdict.INCOMPLETE else "violated"


def verdict_of(result: CheckResult, expected: tuple[str, ...] = ()) -> str:
    """A bug variant (`expect violation P`) passes exactly when P, and only P, is violated."""
    if any(d.kind == "fault" for d in result.violations):
        return "error"
    if expected:
        found = {d.property for d in result.violations}
        if found and found <= set(expected):
            return "expected"
        if not found and result.verdict == Verdict.INCOMPLETE:
            return "incomplete"
        return "violated"
    return {
        Verdict.HOLDS: "holds",
        Verdict.VIOLATED: "violated",
        Verdict.INCOMPLETE: "incomplete",
    }[result.verdict]


def _constraint_edge_warnings(model: Model, result: CheckResult) -> tuple[Diagnostic, ...]:
    """Liveness holds only for behaviors that stay inside the constraints: one that steps
    outside is not a behavior of the model any more, so a property may pass because a
    constraint cut its violations off. Said at the first constraint that cut something."""
    cutting = [p for p in model.props("constraint") if p.name in result.liveness_cut_by]
    if not result.liveness_cut_off or not cutting or not result.liveness_checked:
        return ()
    cut = result.liveness_cut_off
    states = f"{cut:,} state{'s' if cut != 1 else ''}"
    return (
        Diagnostic(
            cutting[0].span,
            f"liveness: {states} inside the constraints step to states outside them; "
            f"behaviors that leave are not checked ({', '.join(result.liveness_checked)} "
            "may hold only because the constraint cuts its violations off)",
            severity="warning",
            hint="loosen the constraint, or bound the model with its own variables instead",
        ),
    )


def _growth_warnings(loaded: Loaded, result: CheckResult) -> tuple[Diagnostic, ...]:
    """A search stopped at a limit, with an int variable without a range that grows along a
    path (engine/growth.py): name it, the likely reason the search could not end."""
    if result.incomplete_reason is None:
        return ()
    return tuple(
        Diagnostic(
            g.var.span or loaded.model.span,
            f"`{g.var.name}` is an int without a range and grows along a path "
            f"({g.first} → {g.last} in {g.steps} steps), so the search may never end",
            severity="warning",
            hint=f"give it a range (`{g.var.display or g.var.name}: 0..N`) or a `constraint`",
        )
        for g in growing_ints(loaded.compiled)
    )


def _never_enabled_warnings(model: Model, result: CheckResult) -> tuple[Diagnostic, ...]:
    """After a search that holds, an action that never fired usually means a wrong model."""
    if result.verdict != Verdict.HOLDS:
        return ()
    spans = {a.name: a.span for a in model.actions}
    return tuple(
        Diagnostic(
            spans[name],
            f"action `{name}` was never enabled in any reachable state",
            severity="warning",
            hint="its guard may never be true; --strict makes this an error",
        )
        for name in result.never_enabled
        if name in spans
    )


def first_trace_itf(report: SpecReport) -> dict[str, Any] | None:
    """The first counterexample of a report as an ITF document, or None."""
    if not report.traces or report.loaded is None:
        return None
    return itf.to_itf(report.traces[0], report.loaded.model)


@dataclass(frozen=True)
class ReplayOutcome:
    ok: bool
    message: str


def replay_file(
    spec_path: str | Path, trace_path: str | Path, consts: Mapping[str, ConstValue] | None = None
) -> ReplayOutcome:
    """Re-execute an ITF trace against a spec: every state must follow from the one before,
    and the end (or, for a lasso, the fair loop) must still show what the file records, so
    a saved counterexample doubles as a regression test."""
    document = _read_itf(trace_path)
    loaded = _load_for_trace(spec_path, trace_path, document, consts)
    gone = _no_longer_reproduces(document, loaded.model)
    try:
        states = itf.from_itf(document, loaded.model)
        loop = itf.loop_of(document)  # a lasso: its loop must close too
    except (KeyError, TypeError, ValueError, RecursionError) as error:
        if gone:  # a variant's states that its fixed base cannot even hold: the bug is gone
            return ReplayOutcome(False, f"{trace_path}: {gone}its states do not fit: {error}")
        raise UsageError(f"{trace_path}: not a trace of this spec: {error}") from None
    outcome = replay_states(loaded.compiled, states, loop)
    if not outcome.ok:
        return ReplayOutcome(False, f"{trace_path}: {gone}{outcome.message}")
    lasso = "" if loop is None else f" ({lasso_shape(loop, len(states) - 1)})"
    steps = f"{len(states) - 1} steps replayed{lasso}"
    prop, kind = recorded(document)
    missing = missing_discovery(loaded.compiled, outcome.path, prop, kind, loop)
    if missing is not None:
        return ReplayOutcome(
            False, f"{trace_path}: {gone}{steps}, but no longer as recorded: {missing}"
        )
    return ReplayOutcome(True, f"{trace_path}: confirmed, {steps}")


def _no_longer_reproduces(document: dict[str, Any], model: Model) -> str:
    """How a failed replay starts when the trace is a bug variant's, replayed against a spec
    related by `extends` (its fixed base, usually): the bug is gone, which is the point."""
    recorded = itf.spec_of(document)
    if recorded is None or recorded == model.name:
        return ""
    return f"the counterexample of {recorded} no longer reproduces in {model.name}: "


def check_diagram_format(path: Path) -> None:
    if path.suffix.lstrip(".").lower() not in (*FORMATS, "mmd"):
        formats = ", ".join("." + f for f in (*FORMATS, "mmd"))
        raise UsageError(f"{path}: the diagram format follows the extension: one of {formats}")


def draw_counterexample(report: SpecReport, path: Path, force: bool) -> DiagramOutcome | None:
    """Draw the report's first counterexample; None when there is none."""
    if not report.traces or report.loaded is None:
        return None
    if path.suffix.lower() == ".mmd":  # Mermaid, which GitHub renders (report/mermaid.py)
        chart = to_mermaid(report.traces[0], report.loaded.model)
        try:
            write_output(path, chart.encode("utf-8"), force)
        except OutputProblem as error:
            return DiagramOutcome(False, None, str(error))
        return DiagramOutcome(True, path, f"wrote {path}")
    return write_diagram(report.traces[0], report.loaded.model, path, force)


def render_file(
    spec_path: str | Path,
    trace_path: str | Path,
    output: Path,
    consts: Mapping[str, ConstValue] | None = None,
    force: bool = False,
) -> DiagramOutcome:
    """Draw a saved ITF trace; the states are replayed against the spec, not trusted."""
    document = _read_itf(trace_path)
    loaded = _load_for_trace(spec_path, trace_path, document, consts)
    try:
        trace = trace_from_itf(document, loaded.compiled)
    except itf.ItfError as error:
        raise UsageError(f"{trace_path}: {error}") from None
    except (KeyError, TypeError, ValueError, RecursionError) as error:
        raise UsageError(f"{trace_path}: not a trace of this spec: {error}") from None
    return write_diagram(trace, loaded.model, output, force)


def graph_file(
    spec_path: str | Path,
    output: Path,
    consts: Mapping[str, ConstValue] | None = None,
    max_states: int = DEFAULT_GRAPH_LIMIT,
    force: bool = False,
    abstract: Sequence[str] = (),
    labels: str = "changes",
) -> DiagramOutcome:
    """Draw the reachable state space of a small spec, its shortest counterexample in red.
    A spec with more than `max_states` states is a UsageError, and nothing is written. With
    `abstract` variables, one box per value of them instead (at most `max_states` boxes);
    `labels` is "changes" (from a named parent) or "full" (every variable)."""
    if labels not in LABELS:
        raise UsageError(f"--labels must be {' or '.join(LABELS)}, got `{labels}`")
    loaded = load(spec_path, consts)
    if abstract:
        return _abstract_graph_file(spec_path, loaded, output, abstract, max_states, force)
    try:
        graph = state_graph(loaded.compiled, max_states)
    except TooManyStates as error:
        fold = _fold_hint(loaded)
        raise UsageError(f"{spec_path}: {error}{fold}{_smaller(spec_path, loaded, consts)}") from None
    except SpecFault as fault:
        raise UsageError(f"{spec_path}: the initial states fault: {fault}") from None
    return write_state_graph(graph, output, force, labels)


def _abstract_graph_file(
    spec_path: str | Path,
    loaded: Loaded,
    output: Path,
    abstract: Sequence[str],
    max_boxes: int,
    force: bool,
) -> DiagramOutcome:
    try:
        folded = abstract_graph(loaded.compiled, abstract, max_boxes)
    except (NotAVariable, TooManyBoxes, TooBigToFold) as error:
        raise UsageError(f"{spec_path}: {error}") from None
    except SpecFault as fault:
        raise UsageError(f"{spec_path}: the initial states fault: {fault}") from None
    return write_abstract_graph(folded, output, force)


def _fold_hint(loaded: Loaded) -> str:
    """How to draw it anyway: one box per value of a variable (the spec's first)."""
    first, _ = initial_states(loaded.compiled, 1)
    choices = fold_names(loaded.model, first[0]) if first else []
    if not choices:
        return ""
    return f", or draw one box per value of a variable: --abstract {choices[0]}"


GRAPH_READABLE = 1000  # states: beyond this a drawn graph is a wall of nodes


def _smaller(
    spec_path: str | Path, loaded: Loaded, consts: Mapping[str, ConstValue] | None
) -> str:
    """What to try instead: every integer constant at 1, if that small a spec loads and has
    a drawable number of states (counted here), as a command to copy."""
    smallest = {name: 1 for name, value in loaded.model.consts
                if isinstance(value, int) and not isinstance(value, bool) and value > 1}  # fmt: skip
    if not smallest:
        return ""
    try:
        small = load(spec_path, {**(consts or {}), **smallest})
        count = len(state_graph(small.compiled, GRAPH_READABLE).nodes)
    except (TooManyStates, SpecError, SpecFault, UsageError):
        return ""
    flags = " ".join(f"--const {name}=1" for name in smallest)
    limit = f" --max-states {count}" if count > DEFAULT_GRAPH_LIMIT else ""
    return f"; at its smallest constants it has {count} states: try {flags}{limit}"


def load_for_trace(
    spec_path: str | Path, trace_path: str | Path, consts: Mapping[str, ConstValue] | None = None
) -> Loaded:
    """The spec, loaded as `replay` loads it for an ITF trace: with the trace's constants (the
    user's override them); a trace of another spec is a UsageError that names both."""
    return _load_for_trace(spec_path, trace_path, _read_itf(trace_path), consts)


def _read_json(path: str | Path) -> Any:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path}: not a JSON file: {error}") from None
    except RecursionError:
        raise UsageError(f"{path}: not a trace: its JSON is nested too deeply") from None


def _load_for_trace(
    spec_path: str | Path,
    trace_path: str | Path,
    document: dict[str, Any],
    consts: Mapping[str, ConstValue] | None,
) -> Loaded:
    """The spec, loaded with the constants the trace was made with (the user's override
    them); a trace of another spec is a UsageError that names both."""
    try:
        written = itf.consts_of(document)
    except itf.ItfError as error:
        raise UsageError(f"{trace_path}: {error}") from None
    source = read_source(spec_path)
    spec = parse_source(source)
    recorded = itf.spec_of(document)
    related = {spec.name, *spec.bases} & {recorded, *itf.bases_of(document)}
    if recorded is not None and not related:
        raise UsageError(
            f"{trace_path} is a trace of spec {recorded}, not of {spec.name} ({spec_path})"
        )
    user = dict(consts or {})
    saved = {n: _recorded_const(trace_path, n, v) for n, v in written.items()}
    # the trace's constants meet the same checks and size limits as --const, named as its own
    sources = {name: f"{trace_path}'s #meta" for name in saved if name not in user}
    try:
        return _load_parsed(source, spec, {**saved, **user}, sources)
    except SpecError as error:
        raise _blame_trace(error, spec, user, trace_path, {n: saved[n] for n in sources}) from None


def _recorded_const(trace_path: str | Path, name: str, value: int | str) -> ConstValue:
    """A constant from a trace's #meta: a set or tuple constant is recorded as its text."""
    if not isinstance(value, str):
        return value
    try:
        parsed = literal_value(value)
    except ValueError as problem:
        raise UsageError(
            f"{trace_path}: constant {name} = {value} in its #meta: {problem}"
        ) from None
    if not isinstance(parsed, frozenset | tuple):  # what --trace-out writes as a number
        raise UsageError(
            f"{trace_path}: constant {name} = {json.dumps(value)} in its #meta: only a set or "
            "tuple constant is recorded as text (a bad or tampered trace)"
        )
    return parsed


def _blame_trace(
    error: SpecError,
    spec: ast.Spec,
    user: Mapping[str, ConstValue],
    trace_path: str | Path,
    given: Mapping[str, ConstValue],
) -> SpecError:
    """A spec that loads with its own constants but not with the trace's (`N = 0` in #meta
    empties a node group) is a bad trace, not a bad spec: each diagnostic says so."""
    if not given:
        return error
    try:
        analyze(spec, dict(user))
    except SpecError:
        return error  # the spec is broken whatever the trace says
    values = ", ".join(f"{name} = {json.dumps(value)}" for name, value in given.items())
    hint = f"{trace_path} sets {values} in its #meta (a bad or tampered trace); --const overrides it"
    return SpecError([replace(d, hint=d.hint or hint) for d in error.diagnostics])


def _read_itf(path: str | Path) -> dict[str, Any]:
    """An ITF trace's JSON: an object whose `states` are objects (what --trace-out writes)."""
    document = _read_json(path)
    states = document.get("states") if isinstance(document, dict) else None
    if not isinstance(states, list) or not all(isinstance(s, dict) for s in states):
        raise UsageError(
            f"{path}: not an ITF trace: expected a JSON object whose `states` is a list of "
            "objects (as --trace-out writes)"
        )
    return dict(document)


def describe(model: Model) -> str:
    """A short summary of a compiled model: its state slots and actions."""
    lines = [f"spec {model.name}: {len(model.vars)} state slots, {len(model.actions)} actions"]
    lines += [f"  var {v.name}: {v.type}" for v in model.vars]
    lines += [f"  {a.kind} {a.name}" for a in model.actions]
    lines += [f"  {p.kind} {p.name}" for p in model.properties]
    lines += [f"  query {q.name} ({len(q.unknowns)} unknowns)" for q in model.queries]
    return "\n".join(lines)


def source_of(error: SpecError) -> SourceFile | None:
    """The source file of an error's first diagnostic, for the caret line."""
    if not error.diagnostics:
        return None
    path = Path(error.diagnostics[0].span.file)
    try:
        return SourceFile(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def exit_code(reports: Sequence[SpecReport | QueryReport | InternalError]) -> int:
    """An internal error outranks everything (whatever else a run found, it cannot be
    trusted); then a bad spec outranks a violation, which outranks an incomplete search;
    "expected" (a bug variant that still shows its bug) is a success."""
    verdicts = {r.verdict for r in reports}
    for verdict, code in (
        ("internal", EXIT_INTERNAL),
        ("error", EXIT_ERROR),
        ("violated", EXIT_VIOLATED),
        ("incomplete", EXIT_INCOMPLETE),
    ):
        if verdict in verdicts:
            return code
    return EXIT_HOLDS


def internal_error(spec: str | Path, command: str, error: BaseException) -> InternalError:
    """A verikit bug met while handling `spec`: its traceback goes to a crash report file in
    the temporary directory (the user sends it to the maintainers), never to the terminal."""
    summary = traceback.format_exception_only(error)[-1].strip()
    return InternalError(
        str(spec), command, summary, _write_crash_report(spec, command, error), __version__
    )


def _write_crash_report(spec: str | Path, command: str, error: BaseException) -> str | None:
    """The crash report's path, or None when even that cannot be written (a full disk)."""
    lines = [
        f"verikit {__version__}: internal error (a bug in verikit)",
        f"command: verikit {command}",
        f"spec: {spec}",
        f"arguments: {sys.argv[1:]}",
        f"python: {sys.version.split()[0]} on {platform.platform()}",
        f"time: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        "",
        *traceback.format_exception(error),
    ]
    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="verikit-crash-", suffix=".txt", delete=False, encoding="utf-8"
        ) as report:
            report.write("\n".join(line.rstrip("\n") for line in lines) + "\n")
    except OSError:
        return None
    return report.name


# ---------------------------------------------------------------- prove (k-induction, Z3)

DEFAULT_PROVE_K = 4  # `verikit prove` tries k = 1 .. this unless told otherwise


def prove_file(
    path: str | Path,
    consts: Mapping[str, ConstValue] | None = None,
    k: int = DEFAULT_PROVE_K,
    timeout: float | None = None,
) -> ProveReport:
    """Prove every invariant and lemma of one spec by k-induction (k = 1 .. `k`) with Z3. A
    bad spec, or one Z3 cannot express, is an "error" report, never an exception."""
    from verikit.symbolic.induction import ProveOptions, prove  # loads z3: only when proving

    interrupts.z3_interruptible()
    source = read_source(path)
    deadline = deadline_of(timeout, None)  # loading and encoding count: the whole command
    loaded: Loaded | None = None
    try:
        with _z3_bounded(deadline):
            loaded = load_source(source, consts)
            options = ProveOptions(max_k=k, timeout=_seconds_left(deadline))
            proof = prove(loaded.model, options)
    except SpecError as error:  # Unsupported (cannot encode for Z3) is one too
        return ProveReport(str(path), "error", source=source, diagnostics=error.diagnostics)
    except DeadlineExpired:
        where = LOADING if loaded is None else "encoding for Z3; the proof did not finish"
        stopped = _timed_out(path, timeout, where)
        return ProveReport(str(path), "unproved", source=source, diagnostics=(stopped,))
    except KeyboardInterrupt:
        raise Interrupted(f"{path}: prove stopped; nothing proved") from None
    assert loaded is not None  # the proof needs it
    violated = tuple(o for o in proof.with_status("violated") if o.kind != "fault")
    traces = tuple(_run_trace(loaded, o.property, o.states, o.actions) for o in violated)
    ctis = tuple(cti_view(loaded.compiled, o) for o in proof.with_status("not_inductive"))
    verdict = "violated" if violated else "proved"
    if not violated and proof.with_status("not_inductive", "unknown"):
        verdict = "unproved"
    verdict = _expected_by_prove(verdict, proof, loaded.model.expected_properties)
    fault: Trace | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    if proof.fault is not None:
        verdict = "error"
        fault, diagnostics = _fault_of(loaded, proof.fault)
    return ProveReport(str(path), verdict, source, loaded, proof, traces, ctis, diagnostics, fault)


def _expected_by_prove(verdict: str, proof: Any, expected: tuple[str, ...]) -> str:
    """A bug variant (`expect violation P`, P an invariant or lemma): "expected" when the base
    case breaks P and nothing else, "violated" when P is proved (the bug is gone), else
    "unproved" (neither shown). Expectations prove cannot check (deadlock, liveness) leave
    the verdict alone."""
    status = {o.property: o.status for o in proof.outcomes if o.kind != "fault"}
    relevant = [name for name in expected if name in status]
    if not relevant or verdict == "error":
        return verdict
    broken = {name for name, s in status.items() if s == "violated"}
    if broken:
        return "expected" if broken <= set(relevant) else "violated"
    return "violated" if any(status[name] == "proved" for name in relevant) else "unproved"


def _run_trace(
    loaded: Loaded, prop: str, states: Sequence[tuple[Any, ...]], actions: Sequence[str]
) -> Trace:
    """A run Z3 found, as the same Trace the explicit engine's counterexamples become."""
    path = path_of(loaded.compiled, states, actions)
    kinds = {p.name: p.kind for p in loaded.model.properties}
    if kinds.get(prop) == "step":
        return replay(loaded.compiled, Discovery(prop, "step", path))
    return replay(loaded.compiled, Discovery(prop, "invariant", path))


def _fault_of(loaded: Loaded, fault: Any) -> tuple[Trace | None, tuple[Diagnostic, ...]]:
    """The run to a runtime fault as check would show it; or, when the layout cannot hold a
    successor (the compiled model does not fault), an encoding error."""
    compiled, states, actions = loaded.compiled, fault.states, fault.actions
    if not states and not fault.overflow:  # the init block faults
        return replay(compiled, discovery_of(compiled, (), (), "init")), ()
    if not states:
        message = (
            "cannot encode this spec for Z3: an initial state holds a value outside its "
            "variable's type, which the encoding's layout cannot hold; use `verikit check`"
        )
        return None, (Diagnostic(loaded.model.span, message),)
    categories = ("init", "state", "step") if len(states) == 1 else ("state", "step")
    for category in categories:
        try:
            found = discovery_of(compiled, states, actions, category, deadlock=False)
        except DecodedRunError:
            continue
        if found.kind == "fault":
            return replay(compiled, found), ()
    if not fault.overflow:
        raise DecodedRunError(
            "Z3 says a state reached by this run faults; the compiled model disagrees"
        )
    steps = len(states) - 1
    message = (
        f"cannot encode this spec for Z3: a state reached in {steps} steps has a successor "
        "holding a value outside its type (an int outside a field's range, a set element or a "
        "sequence position outside its type), which the encoding's layout cannot hold; use "
        "`verikit check`"
    )
    return None, (Diagnostic(loaded.model.span, message),)


def prove_exit_code(reports: Sequence[ProveReport | InternalError]) -> int:
    """0 everything proved, 1 a real counterexample, 2 a bad spec, 3 something unproved
    (not inductive or unknown: nothing is known to be wrong, and nothing is proved), 4 an
    internal error, which outranks the rest."""
    verdicts = {r.verdict for r in reports}
    for verdict, code in (
        ("internal", EXIT_INTERNAL),
        ("error", EXIT_ERROR),
        ("violated", EXIT_VIOLATED),
        ("unproved", EXIT_INCOMPLETE),
    ):
        if verdict in verdicts:
            return code
    return EXIT_HOLDS  # "proved", or "expected": a bug variant whose bug the base case shows


# ---------------------------------------------------------------- bmc (bounded, Z3)

DEFAULT_BMC_DEPTH = 10  # `verikit bmc` searches paths of up to this many steps by default


def bmc_file(
    path: str | Path,
    consts: Mapping[str, ConstValue] | None = None,
    depth: int = DEFAULT_BMC_DEPTH,
    timeout: float | None = None,
    deadlock: bool = True,
    progress: Callable[[int, float], None] | None = None,
) -> SpecReport:
    """Bounded model checking of one spec with Z3: every run of at most `depth` steps. The
    report has check's shape (a violation comes back as the same replayed Trace, of minimal
    length); "holds" means no violation within `depth` steps, nothing more. A bad spec, or a
    construct Z3 cannot express exactly, is an "error" report, never an exception.
    `progress(depth, seconds)` is called as each depth is done (deep runs take minutes)."""
    from verikit.symbolic import bmc as smt  # loads Z3: only bmc gets here

    interrupts.z3_interruptible()
    source = read_source(path)
    deadline = deadline_of(timeout, None)  # loading and encoding count: the whole command
    try:
        with interrupt_at(deadline, only_in=OUR_CODE):
            loaded = load_source(source, consts)
    except SpecError as error:
        return SpecReport(
            str(path), "error", source=source, diagnostics=error.diagnostics, engine="smt"
        )
    except DeadlineExpired:
        stopped = _timed_out(path, timeout, LOADING)
        return SpecReport(str(path), "incomplete", source, warnings=(stopped,), engine="smt")
    model = loaded.model
    checked = _DepthsChecked(progress)
    try:
        with _z3_bounded(deadline):
            left = _seconds_left(deadline)
            run = smt.bmc(model, depth, deadlock=deadlock, timeout=left, progress=checked)
    except DeadlineExpired:
        stopped = _timed_out(path, timeout, checked.encoding(depth))
        return SpecReport(str(path), "incomplete", source, warnings=(stopped,), engine="smt")
    except KeyboardInterrupt:
        raise Interrupted(f"{path}: bmc stopped; {checked.so_far(depth)}") from None
    except SpecError as error:  # Unsupported
        return SpecReport(
            str(path), "error", source, loaded, diagnostics=error.diagnostics, engine="smt"
        )
    except smt.EncodingOverflow as error:
        diagnostic = Diagnostic(model.span, str(error))
        return SpecReport(
            str(path), "error", source, loaded, diagnostics=(diagnostic,), engine="smt"
        )
    result = _bounded_result(loaded, run, deadlock and model.deadlock)
    traces = tuple(replay(loaded.compiled, d) for d in result.violations if d.path)
    bounded = BoundedRun(
        depth=depth,
        checked=run.checked,
        seconds_per_depth=tuple(run.seconds_per_depth),
        encode_seconds=run.encode_seconds,
        transitions=run.size.get("transitions", 0),
        variables=run.size.get("variables", 0),
        witnesses=tuple((w.property, len(w.path) - 1) for w in result.witnesses),
        unreached=run.unreached,
        unchecked=tuple(p.name for p in model.liveness),
    )
    verdict = verdict_of(result, model.expected_properties)
    if verdict == "violated" and not result.violations:
        verdict = "incomplete"  # the expected bug may lie deeper (or be a liveness one)
    return SpecReport(
        str(path), verdict, source, loaded, result, traces, engine="smt", bounded=bounded
    )


class _DepthsChecked:
    """bmc's progress callback, remembering the deepest depth done (for an interrupted run)."""

    def __init__(self, progress: Callable[[int, float], None] | None) -> None:
        self.progress = progress
        self.deepest = -1

    def __call__(self, done: int, seconds: float) -> None:
        self.deepest = done
        if self.progress is not None:
            self.progress(done, seconds)

    def encoding(self, depth: int) -> str:
        """Where a deadline met in Python (not in Z3's solver, which has its own) stopped."""
        if self.deepest < 0:
            return "encoding the spec for Z3; no depth checked"
        return f"encoding depth {self.deepest + 1} for Z3; {self.so_far(depth)}"

    def so_far(self, depth: int) -> str:
        if self.deepest < 0:
            return "no depth checked yet"
        return f"no violation within depth {self.deepest} (of {depth} asked)"


def _bounded_result(loaded: Loaded, run: Any, deadlock: bool) -> CheckResult:
    """bmc's findings as a CheckResult (Discoveries with replayable paths)."""
    compiled = loaded.compiled
    violations: tuple[Discovery, ...] = ()
    if run.bad is not None:
        names = [t.name for t in run.bad.transitions]
        found = discovery_of(compiled, run.bad.states, names, run.category, deadlock)
        violations = (found,)
    witnesses = tuple(
        witness_of(compiled, w.states, [t.name for t in w.transitions], name)
        for name, w in run.witnesses.items()
    )
    verdict = Verdict.VIOLATED if violations else Verdict.HOLDS
    if run.unknown is not None and not violations:
        verdict = Verdict.INCOMPLETE
    seconds = run.encode_seconds + sum(run.seconds_per_depth)
    stats = Stats(0, 0, run.checked + 1, seconds, 0.0, 0)
    reason = None if run.unknown is None else f"solver: {run.unknown}"
    return CheckResult(verdict, stats, violations, witnesses, run.unreached, (), reason)


# ---------------------------------------------------------------- simulate (random walks)


def simulate_file(
    path: str | Path,
    consts: Mapping[str, ConstValue] | None = None,
    options: SimulateOptions | None = None,
) -> SpecReport:
    """Random walks over one spec (engine/simulate.py), a violation shrunk (engine/shrink.py)
    and replayed like check's. The verdict is never "holds": "incomplete" when no violation
    showed (exit 3), "expected" when a bug variant's bug did. A bad spec is an "error"
    report; Ctrl-C ends the walks and reports what they did."""
    options = options or SimulateOptions()
    if options.seed is None:
        options = replace(options, seed=new_seed())
    source = read_source(path)
    try:
        loaded = load_source(source, consts)
    except SpecError as error:
        return SpecReport(
            str(path), "error", source=source, diagnostics=error.diagnostics, engine="simulate"
        )
    shrink = Shrink(loaded.compiled, options, options.seed or 0)
    try:
        outcome = simulate(loaded.compiled, options, shrink, shrink.replay_last)
    except BackendUnavailable as why:
        raise UsageError(str(why)) from None
    result = outcome.result
    traces = tuple(replay(loaded.compiled, d) for d in result.violations if d.path)
    verdict = verdict_of(result, loaded.model.expected_properties)
    if verdict == "holds":  # never: a simulation proves nothing
        verdict = "incomplete"
    return SpecReport(
        str(path),
        verdict,
        source=source,
        loaded=loaded,
        result=result,
        traces=traces,
        warnings=_simulation_warnings(loaded.model, options),
        engine="simulate",
        simulated=outcome.run,
    )


def _simulation_warnings(model: Model, options: SimulateOptions) -> tuple[Diagnostic, ...]:
    """A spec with no invariant gives a simulation little to find: say so."""
    if model.props("invariant", "lemma"):
        return ()
    deadlock = options.deadlock and model.deadlock
    looks_for = [w for w, on in (("deadlocks", deadlock), ("liveness violations",
                 bool(model.liveness))) if on] + ["runtime faults"]  # fmt: skip
    return (
        Diagnostic(
            model.span,
            "the spec has no invariant: the simulation can only find " + ", ".join(looks_for),
            severity="warning",
            hint="state what must never happen as an `invariant`",
        ),
    )
