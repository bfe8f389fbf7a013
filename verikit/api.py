"""The library API: the one place where the pipeline stages are wired together.

    report = api.check_file("specs/two_phase_commit.dsl", consts={"N": 4})
    report.verdict   # "holds" | "expected" | "violated" | "incomplete" | "error"
    api.exit_code([report])   # 0 holds (or the expected bug), 1 violated, 2 bad spec or
                              # usage, 3 limit reached

The CLI is a thin layer over these functions, and tests use them directly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from verikit.compile import build
from verikit.core.model import Model
from verikit.engine import CheckOptions, check
from verikit.engine.result import CheckResult, Verdict
from verikit.errors import Diagnostic, SourceFile, SpecError, SpecFault
from verikit.report import Loaded, SpecReport
from verikit.semantics import analyze
from verikit.syntax import parse
from verikit.trace import itf, replay, replay_states
from verikit.trace.dot import FORMATS, DiagramOutcome, write_diagram
from verikit.trace.graph import DEFAULT_LIMIT, TooManyStates, state_graph
from verikit.trace.graph_dot import write_state_graph
from verikit.trace.saved import trace_from_itf


class UsageError(Exception):
    """The command is wrong (missing file, malformed --const): exit code 2, no traceback."""


EXIT_HOLDS, EXIT_VIOLATED, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
DEFAULT_GRAPH_LIMIT = DEFAULT_LIMIT  # states `verikit graph` draws unless told otherwise


def parse_const_overrides(pairs: Sequence[str]) -> dict[str, int | bool]:
    """`["N=4", "Loss=false"]` → {"N": 4, "Loss": False}; malformed pairs are a UsageError."""
    consts: dict[str, int | bool] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name.isidentifier() or not text:
            raise UsageError(f"--const expects NAME=VALUE, got `{pair}`")
        consts[name] = _const_value(name, text)
    return consts


def _const_value(name: str, text: str) -> int | bool:
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        raise UsageError(
            f"--const {name}={text}: the value must be an integer or true/false"
        ) from None


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
    return SourceFile(str(path), text)


def load(path: str | Path, consts: Mapping[str, int | bool] | None = None) -> Loaded:
    """Parse, analyse and compile one spec file; SpecError for a bad spec."""
    source = read_source(path)
    return load_source(source, consts)


def load_source(source: SourceFile, consts: Mapping[str, int | bool] | None = None) -> Loaded:
    spec = parse(source.text, source.name)
    model = analyze(spec, dict(consts or {}))
    return Loaded(source, spec, model, build(model))


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
    consts: Mapping[str, int | bool] | None = None,
    options: CheckOptions | None = None,
    strict: bool = False,
) -> SpecReport:
    """Load and check one spec; a bad spec becomes an "error" report, never an exception.
    With `strict`, warnings (actions never enabled) make the verdict "error"."""
    source = read_source(path)
    try:
        loaded = load_source(source, consts)
    except SpecError as error:
        return SpecReport(str(path), "error", source=source, diagnostics=error.diagnostics)
    result = check(loaded.compiled, options or CheckOptions())
    traces = tuple(replay(loaded.compiled, d) for d in result.violations if d.path)
    warnings = _never_enabled_warnings(loaded.model, result)
    verdict = verdict_of(result, loaded.model.expected)
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
    spec_path: str | Path, trace_path: str | Path, consts: Mapping[str, int | bool] | None = None
) -> ReplayOutcome:
    """Re-execute an ITF trace against a spec: every state must follow from the one before."""
    document = _read_json(trace_path)
    recorded = itf.consts_of(document)
    loaded = load(spec_path, {**recorded, **dict(consts or {})})
    try:
        states = itf.from_itf(document, loaded.model)
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{trace_path}: not a trace of this spec: {error}") from None
    outcome = replay_states(loaded.compiled, states)
    if outcome.ok:
        return ReplayOutcome(True, f"{trace_path}: confirmed, {len(states) - 1} steps replayed")
    return ReplayOutcome(False, f"{trace_path}: {outcome.message}")


def check_diagram_format(path: Path) -> None:
    if path.suffix.lstrip(".").lower() not in FORMATS:
        formats = ", ".join("." + f for f in FORMATS)
        raise UsageError(f"{path}: the diagram format follows the extension: one of {formats}")


def draw_counterexample(report: SpecReport, path: Path, force: bool) -> DiagramOutcome | None:
    """Draw the report's first counterexample; None when there is none."""
    if not report.traces or report.loaded is None:
        return None
    return write_diagram(report.traces[0], report.loaded.model, path, force)


def render_file(
    spec_path: str | Path,
    trace_path: str | Path,
    output: Path,
    consts: Mapping[str, int | bool] | None = None,
    force: bool = False,
) -> DiagramOutcome:
    """Draw a saved ITF trace; the states are replayed against the spec, not trusted."""
    document = _read_json(trace_path)
    loaded = load(spec_path, {**itf.consts_of(document), **dict(consts or {})})
    try:
        trace = trace_from_itf(document, loaded.compiled)
    except itf.ItfError as error:
        raise UsageError(f"{trace_path}: {error}") from None
    return write_diagram(trace, loaded.model, output, force)


def graph_file(
    spec_path: str | Path,
    output: Path,
    consts: Mapping[str, int | bool] | None = None,
    max_states: int = DEFAULT_GRAPH_LIMIT,
    force: bool = False,
) -> DiagramOutcome:
    """Draw the reachable state space of a small spec, its shortest counterexample in red.
    A spec with more than `max_states` states is a UsageError, and nothing is written."""
    loaded = load(spec_path, consts)
    try:
        graph = state_graph(loaded.compiled, max_states)
    except TooManyStates as error:
        raise UsageError(f"{spec_path}: {error}") from None
    except SpecFault as fault:
        raise UsageError(f"{spec_path}: the initial states fault: {fault}") from None
    return write_state_graph(graph, output, force)


def _read_json(path: str | Path) -> Any:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path}: not a JSON file: {error}") from None


def describe(model: Model) -> str:
    """A short summary of a compiled model: its state slots and actions."""
    lines = [f"spec {model.name}: {len(model.vars)} state slots, {len(model.actions)} actions"]
    lines += [f"  var {v.name}: {v.type}" for v in model.vars]
    lines += [f"  {a.kind} {a.name}" for a in model.actions]
    lines += [f"  {p.kind} {p.name}" for p in model.properties]
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


def exit_code(reports: Sequence[SpecReport]) -> int:
    """A bad spec outranks a violation, which outranks an incomplete search; "expected" (a
    bug variant that still shows its bug) is a success."""
    verdicts = {r.verdict for r in reports}
    for verdict, code in (
        ("error", EXIT_ERROR),
        ("violated", EXIT_VIOLATED),
        ("incomplete", EXIT_INCOMPLETE),
    ):
        if verdict in verdicts:
            return code
    return EXIT_HOLDS
