"""`verikit` on the command line: a thin Typer layer over verikit.api.

Exit codes: 0 every property holds, 1 a property is violated, 2 the spec or the command is
wrong, 3 the search stopped at a limit, 4 an internal error (a verikit bug: a crash report
file holds the traceback), 130 interrupted. Errors are caught here once and printed without a
traceback; a crash on one spec of a directory does not stop the others (`_each_spec`).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup
from typer.exceptions import TyperException

from verikit import __version__, api, interrupts, parallel, watch
from verikit.engine import CheckOptions
from verikit.engine.options import Progress
from verikit.engine.shrink import database_directory
from verikit.engine.simulate import BACKENDS, DEFAULT_DEPTH, DEFAULT_RUNS, SimulateOptions
from verikit.errors import SpecError, render_all
from verikit.report import (
    InternalError,
    ProveReport,
    QueryReport,
    SpecReport,
    Summary,
    github,
    internal_to_json,
    internal_to_text,
    prove_to_json,
    prove_to_text,
    query_to_json,
    query_to_text,
    summary_line,
    summary_to_json,
    to_json,
    to_junit,
    to_markdown,
    to_sarif,
    to_text,
)
from verikit.report.progress import TerminalLine, bmc_line, search_line, simulation_line, wanted

# The published docs: an installed verikit has no docs/ directory to point to.
DOCS = "https://github.com/verikit/verikit/blob/main/docs"


class _Commands(TyperGroup):
    """One style for every usage error, Typer's own (an unknown option, a missing argument) as
    verikit's: `error: …` on standard error and exit 2, never a boxed panel."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except TyperException as error:  # Typer's UsageError and the like
            code = getattr(error, "exit_code", api.EXIT_ERROR)
            if type(error).__name__ == "NoArgsIsHelpError":
                sys.exit(code)  # `verikit` alone: building the error printed the help
            typer.echo(f"error: {_usage_message(error)}", err=True)
            sys.exit(code)
        except typer.Abort:
            sys.exit(api.EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_message(error: TyperException) -> str:
    """Typer's message, and where the options are listed when one was wrong."""
    format_message = getattr(error, "format_message", None)
    shown = format_message() if callable(format_message) else str(error)
    context = getattr(error, "ctx", None)
    if context is not None and "option" in shown.lower():
        shown += f" (`{context.command_path} --help` lists them)"
    return str(shown)


app = typer.Typer(
    cls=_Commands,
    rich_markup_mode="markdown",  # docstrings reflow at any width (lines join into paragraphs)
    add_completion=True,  # --install-completion for bash, zsh, fish and PowerShell
    no_args_is_help=True,
    help=f"Model-check distributed protocols. Docs: {DOCS}/language.md, {DOCS}/tutorial.md.",
    pretty_exceptions_enable=False,
)

ConstOption = Annotated[
    list[str] | None,
    typer.Option(
        "--const", "-c", metavar="NAME=VALUE", help="Override a constant (repeatable)."
    ),
]


FormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="[text|json]", help="json: one JSON object per spec, a line each."
    ),
]
TraceOutOption = Annotated[
    Path | None, typer.Option(help="Write the counterexample as ITF JSON to this file.")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")]
NoDeadlockOption = Annotated[bool, typer.Option("--no-deadlock", help="Do not report deadlocks.")]
DiagramOption = Annotated[
    Path | None,
    typer.Option(
        help="Draw the counterexample as a sequence chart (.svg .png .pdf .dot, or .mmd: "
        "Mermaid, which GitHub renders)."
    ),
]


JunitOption = Annotated[
    Path | None,
    typer.Option(help="Also write JUnit XML: each spec a testsuite, each property a testcase."),
]
SarifOption = Annotated[
    Path | None,
    typer.Option(help="Also write SARIF 2.1.0: violations and spec errors at their source span."),
]
MarkdownOption = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write a Markdown report for a pull request: the verdicts, and each "
        "counterexample as a Mermaid chart with its text trace.",
    ),
]


@dataclass(frozen=True)
class ReportFiles:
    """CI reports over the whole run, written after the last spec (docs/ci.md)."""

    junit: Path | None = None
    sarif: Path | None = None
    markdown: Path | None = None

    def asked(self) -> list[tuple[str, Path]]:
        named = (("--junit", self.junit), ("--sarif", self.sarif), ("--report", self.markdown))
        return [(flag, path) for flag, path in named if path is not None]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"verikit {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Model-check distributed protocols written in the verikit language."""


@app.command("check")
def check_command(
    target: Annotated[Path, typer.Argument(help="A .dsl spec or a directory of them.")],
    const: ConstOption = None,
    output_format: FormatOption = "text",
    max_states: Annotated[int | None, typer.Option(help="Stop after this many states.")] = None,
    max_depth: Annotated[int | None, typer.Option(help="Explore at most this deep.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    trace_out: TraceOutOption = None,
    diagram: DiagramOption = None,
    force: ForceOption = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    no_deadlock: NoDeadlockOption = False,
    no_symmetry: Annotated[
        bool,
        typer.Option("--no-symmetry", help="Count every state, even for `symmetric` node groups."),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            metavar="[explicit|smt]",
            help="explicit (every reachable state) or smt (Z3, runs up to --depth).",
        ),
    ] = "explicit",
    depth: Annotated[
        int | None, typer.Option(help="With --engine smt: check runs of up to this many steps.")
    ] = None,
    backend: Annotated[
        str,
        typer.Option(
            metavar="[auto|native|python]",
            help="explicit engine: native (C, every core), python, or auto (native when a C "
            "compiler is found and the spec is supported).",
        ),
    ] = "auto",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Native backend: search threads (default: this machine's cores); with "
            "--cluster: worker processes (default: the cluster's CPUs)."
        ),
    ] = None,
    full_states: Annotated[
        bool,
        typer.Option(
            "--full-states",
            help="Native backend: store whole states and compare them, instead of 64-bit "
            "fingerprints (more memory, no collision risk).",
        ),
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            metavar="ray[://HOST:PORT]",
            help="Search on a Ray cluster, --workers worker processes: `ray` starts a local "
            "one, `ray://HOST:PORT` joins a running one (needs verikit[cluster]; "
            "docs/cluster.md).",
        ),
    ] = None,
    simulate: Annotated[
        bool,
        typer.Option("--simulate", help="Random walks instead (as `verikit simulate`)."),
    ] = False,
    runs: RunsOption = None,
    seed: SeedOption = None,
    junit: JunitOption = None,
    sarif: SarifOption = None,
    markdown: MarkdownOption = None,
    keep_watching: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Check again each time a spec file changes, until Ctrl-C (needs watchfiles).",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", metavar="N",
            help="Check the spec files of a directory N at a time, in worker processes "
            "(the output is the same, in the same order).",
        ),
    ] = 1,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage",
            help="Per action: successors generated, distinct new states, never enabled; and "
            "the depth of each reachable's witness (like TLC's -coverage).",
        ),
    ] = False,
    all_violations: Annotated[
        bool,
        typer.Option(
            "--all-violations",
            help="Do not stop at the first violation: check every property and show each "
            "violated one with its own shortest counterexample.",
        ),
    ] = False,
    liveness_timeout: Annotated[
        float | None,
        typer.Option(
            help="Give the liveness pass at most this many seconds of its own; if only it "
            "runs out, safety is reported established and liveness INCOMPLETE (exit 3).",
        ),
    ] = None,
) -> None:
    """Explore every reachable state of each spec and check its properties."""
    outputs = ReportFiles(junit, sarif, markdown)
    if simulate:
        options = SimulationFlags(runs, depth, seed, timeout, workers, False, False, backend)

        def simulated() -> int:
            _refuse_with_simulate(max_states, max_depth, engine, strict, no_symmetry)
            return _simulate(target, const or [], output_format, options, trace_out, diagram,
                             force, no_deadlock, outputs)  # fmt: skip

        raise typer.Exit(_guarded(simulated, "check", target))
    if runs is not None or seed is not None:
        flag = "--runs" if runs is not None else "--seed"
        raise typer.Exit(_guarded(_refuse(f"{flag} needs --simulate"), "check", target))

    def checked() -> int:
        return _guarded(
            lambda: _check(
                target, const or [], output_format, max_states, max_depth, timeout,
                trace_out, diagram, force, strict, no_deadlock, no_symmetry, engine, depth,
                backend=backend, workers=workers, full_states=full_states, outputs=outputs,
                cluster=cluster,
                coverage=coverage, jobs=jobs, all_violations=all_violations,
                liveness_timeout=liveness_timeout,
            ),
            "check", target,
        )  # fmt: skip

    if keep_watching:
        raise typer.Exit(_guarded(lambda: _watch(target, checked, outputs, force), "check", target))
    code = checked()
    raise typer.Exit(code)


RunsOption = Annotated[
    int | None,
    typer.Option(
        help=f"Simulation: random walks to run (default {DEFAULT_RUNS}, or until --timeout)."
    ),
]
SeedOption = Annotated[
    int | None, typer.Option(help="Simulation: the seed to reproduce (printed by every run).")
]


@app.command("simulate")
def simulate_command(
    target: Annotated[Path, typer.Argument(help="A .dsl spec or a directory of them.")],
    const: ConstOption = None,
    output_format: FormatOption = "text",
    runs: RunsOption = None,
    depth: Annotated[int, typer.Option(help="Steps per run at most.")] = DEFAULT_DEPTH,
    seed: SeedOption = None,
    timeout: Annotated[
        float | None, typer.Option(help="Stop walking after this many seconds per spec.")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Processes sharing the runs (the violation found is the same).")
    ] = 1,
    trace_out: TraceOutOption = None,
    diagram: DiagramOption = None,
    force: ForceOption = False,
    no_deadlock: NoDeadlockOption = False,
    no_swarm: Annotated[
        bool,
        typer.Option("--no-swarm", help="Every run may take every action and every fault."),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Neither replay nor keep the last failure (hypothesis's example database "
            "under $VERIKIT_CACHE or ~/.cache/verikit).",
        ),
    ] = False,
    backend: Annotated[
        str,
        typer.Option(
            metavar="[auto|native|python]",
            help="native (C, several times faster), python, or auto (native when a C compiler "
            "is found and the spec is supported; the runs are the same either way).",
        ),
    ] = "auto",
    junit: JunitOption = None,
    sarif: SarifOption = None,
    markdown: MarkdownOption = None,
) -> None:
    """Random walks from random initial states, for specs too big to check exhaustively; a
    violation is shrunk to a short trace. Exit 1 violated, 3 none found (never 0: a
    simulation proves nothing). See the simulate page of the docs."""
    options = SimulationFlags(runs, depth, seed, timeout, workers, no_swarm, no_cache, backend)
    code = _guarded(
        lambda: _simulate(target, const or [], output_format, options, trace_out, diagram,
                          force, no_deadlock, ReportFiles(junit, sarif, markdown)),
        "simulate", target,
    )  # fmt: skip
    raise typer.Exit(code)


@dataclass(frozen=True)
class SimulationFlags:
    runs: int | None
    depth: int | None
    seed: int | None
    timeout: float | None
    workers: int | None
    no_swarm: bool
    no_cache: bool
    backend: str


def _refuse(message: str) -> Callable[[], int]:
    def refuse() -> int:
        raise api.UsageError(message)

    return refuse


def _refuse_with_simulate(
    max_states: int | None,
    max_depth: int | None,
    engine: str,
    strict: bool,
    no_symmetry: bool,
) -> None:
    """`check --simulate` takes simulate's options; the exhaustive search's make no sense."""
    given = [flag for flag, on in (("--max-states", max_states is not None),
             ("--max-depth", max_depth is not None), ("--engine", engine != "explicit"),
             ("--strict", strict),
             ("--no-symmetry", no_symmetry)) if on]  # fmt: skip
    if given:
        raise api.UsageError(
            f"{', '.join(given)}: not for --simulate (it takes --runs, --depth, --seed, "
            "--timeout, --workers and --backend)"
        )


def _simulation_options(flags: SimulationFlags, no_deadlock: bool, text: bool) -> SimulateOptions:
    """The flags, checked: a bad value is a UsageError naming the flag."""
    if flags.runs is not None and flags.runs < 1:
        raise api.UsageError(f"--runs must be at least 1, got {flags.runs}")
    depth = DEFAULT_DEPTH if flags.depth is None else flags.depth
    if depth < 0:
        raise api.UsageError(f"--depth must be at least 0, got {depth}")
    if flags.seed is not None and flags.seed < 0:
        raise api.UsageError(f"--seed must be a non-negative integer, got {flags.seed}")
    workers = 1 if flags.workers is None else flags.workers
    if workers < 1:
        raise api.UsageError(f"--workers must be at least 1, got {workers}")
    _check_timeout(flags.timeout)
    if flags.backend not in BACKENDS:
        raise api.UsageError(f"--backend must be auto, native or python, got `{flags.backend}`")
    return SimulateOptions(
        runs=flags.runs,
        depth=depth,
        seed=flags.seed,
        timeout=flags.timeout,
        workers=workers,
        swarm=not flags.no_swarm,
        deadlock=not no_deadlock,
        database=None if flags.no_cache else database_directory(),
        replay_database=flags.seed is None,  # --seed reproduces a simulation exactly
        backend=flags.backend,
        progress=_simulation_progress_printer() if text else None,
    )


def _simulate(
    target: Path,
    const: list[str],
    output_format: str,
    flags: SimulationFlags,
    trace_out: Path | None,
    diagram: Path | None,
    force: bool,
    no_deadlock: bool,
    outputs: ReportFiles = ReportFiles(),
) -> int:
    if output_format not in ("text", "json"):
        raise api.UsageError(f"--format must be text or json, got `{output_format}`")
    options = _simulation_options(flags, no_deadlock, output_format == "text")
    consts = api.parse_const_overrides(const)
    files = api.spec_files(target)
    if trace_out is not None and diagram is not None and trace_out.resolve() == diagram.resolve():
        raise api.UsageError(f"--trace-out and --diagram both name {trace_out}")
    for flag, out in (("--trace-out", trace_out), ("--diagram", diagram)):
        if out is not None:
            _check_writable(out, force)
            if len(files) > 1:
                raise api.UsageError(f"{flag} needs a single spec file, not a directory")
    if diagram is not None:
        api.check_diagram_format(diagram)
    _check_report_files(outputs, force, [p for p in (trace_out, diagram) if p is not None])
    as_json = output_format == "json"

    def one(file: Path) -> SpecReport:
        return api.simulate_file(file, consts, options)

    started = time.monotonic()
    reports = _each_spec(files, "simulate", as_json, one, to_json if as_json else to_text)
    seconds = time.monotonic() - started
    if len(files) > 1:  # a directory: close with the run in one line (docs/json.md)
        summary = Summary.of(reports, seconds)
        typer.echo(summary_to_json(summary) if as_json else "\n" + summary_line(summary))
    first = reports[0]
    written = True
    if trace_out is not None and isinstance(first, SpecReport):
        written = _write_trace(first, trace_out, force, not as_json)
    if diagram is not None and isinstance(first, SpecReport):
        written = _write_diagram(first, diagram, force, not as_json) and written
    written = _write_report_files(reports, outputs, force, not as_json, seconds) and written
    return api.exit_code(reports) if written else api.EXIT_ERROR


@app.command("bmc")
def bmc_command(
    target: Annotated[Path, typer.Argument(help="A .dsl spec or a directory of them.")],
    depth: Annotated[
        int, typer.Option(help="Check every run of up to this many steps.")
    ] = api.DEFAULT_BMC_DEPTH,
    const: ConstOption = None,
    output_format: FormatOption = "text",
    timeout: Annotated[
        float | None, typer.Option(help="Give Z3 at most this many seconds per spec.")
    ] = None,
    trace_out: TraceOutOption = None,
    diagram: DiagramOption = None,
    force: ForceOption = False,
    no_deadlock: NoDeadlockOption = False,
    junit: JunitOption = None,
    sarif: SarifOption = None,
    markdown: MarkdownOption = None,
) -> None:
    """Bounded model checking with Z3: every run of up to --depth steps, a shortest
    counterexample if one exists. Exit 0 none within the depth (not a proof), 1 violated,
    3 Z3 gave up."""
    code = _guarded(
        lambda: _check(
            target, const or [], output_format, None, None, timeout, trace_out, diagram,
            force, False, no_deadlock, False, "smt", depth,
            outputs=ReportFiles(junit, sarif, markdown),
        ),
        "bmc", target,
    )  # fmt: skip
    raise typer.Exit(code)


def _check(
    target: Path,
    const: list[str],
    output_format: str,
    max_states: int | None,
    max_depth: int | None,
    timeout: float | None,
    trace_out: Path | None,
    diagram: Path | None,
    force: bool,
    strict: bool,
    no_deadlock: bool,
    no_symmetry: bool = False,
    engine: str = "explicit",
    depth: int | None = None,
    backend: str = "auto",
    workers: int | None = None,
    full_states: bool = False,
    outputs: ReportFiles = ReportFiles(),
    cluster: str | None = None,
    coverage: bool = False,
    jobs: int = 1,
    all_violations: bool = False,
    liveness_timeout: float | None = None,
) -> int:
    if output_format not in ("text", "json"):
        raise api.UsageError(f"--format must be text or json, got `{output_format}`")
    _check_engine(engine, depth, max_states, max_depth)
    _check_backend(engine, backend, workers)
    _check_cluster(cluster, engine, backend, full_states, jobs)
    for name, value in (("--max-states", max_states), ("--max-depth", max_depth)):
        if value is not None and value < 1:
            raise api.UsageError(f"{name} must be at least 1, got {value}")
    _check_timeout(timeout)
    consts = api.parse_const_overrides(const)
    files = api.spec_files(target)
    if trace_out is not None and diagram is not None and trace_out.resolve() == diagram.resolve():
        raise api.UsageError(f"--trace-out and --diagram both name {trace_out}")
    for flag, out in (("--trace-out", trace_out), ("--diagram", diagram)):
        if out is not None:
            _check_writable(out, force)
            if len(files) > 1:
                raise api.UsageError(f"{flag} needs a single spec file, not a directory")
    if diagram is not None:
        api.check_diagram_format(diagram)
    _check_report_files(outputs, force, [p for p in (trace_out, diagram) if p is not None])
    if coverage and engine == "smt":
        raise api.UsageError("--coverage counts the states of the explicit engine, not smt")
    if liveness_timeout is not None and liveness_timeout <= 0:
        raise api.UsageError(f"--liveness-timeout must be positive, got {liveness_timeout}")
    if liveness_timeout is not None and engine == "smt":
        raise api.UsageError("--liveness-timeout is for the explicit engine (smt checks no "
                             "liveness)")  # fmt: skip
    if all_violations and engine == "smt":
        raise api.UsageError("--all-violations is for the explicit engine (smt stops at the "
                             "first violation)")  # fmt: skip
    if jobs < 1:
        raise api.UsageError(f"--jobs must be at least 1, got {jobs}")
    if jobs > 1 and engine == "smt":
        raise api.UsageError("--jobs is for the explicit engine (Z3 runs one spec at a time)")

    def one(file: Path) -> SpecReport:
        if engine == "smt":
            bounded = api.DEFAULT_BMC_DEPTH if depth is None else depth
            progress = _bmc_progress_printer(bounded) if output_format == "text" else None
            return api.bmc_file(file, consts, bounded, timeout, not no_deadlock, progress)
        options = CheckOptions(
            max_states=max_states,
            max_depth=max_depth,
            timeout=timeout,
            deadlock=not no_deadlock,
            symmetry=not no_symmetry,
            progress=_progress_printer() if output_format == "text" else None,
            coverage=coverage,
            stop_at_first=not all_violations,
            liveness_timeout=liveness_timeout,
        )
        return api.check_file(
            file, consts, options, strict=strict, backend=backend, workers=workers,
            full_states=full_states, cluster=cluster,
        )  # fmt: skip

    as_json = output_format == "json"
    command = "bmc" if engine == "smt" else "check"
    started = time.monotonic()
    if jobs > 1 and len(files) > 1:
        job = parallel.Job(consts, CheckOptions(max_states=max_states, max_depth=max_depth,
                           timeout=timeout, deadlock=not no_deadlock, symmetry=not no_symmetry,
                           coverage=coverage, stop_at_first=not all_violations,
                           liveness_timeout=liveness_timeout),
                           strict, backend, workers, full_states)  # fmt: skip
        reports = parallel.check_all(files, job, jobs,
                                     lambda r: typer.echo(_coloured(_shown(r, as_json))))  # fmt: skip
    else:
        show = to_json if as_json else (lambda r: _coloured(to_text(r)))
        reports = _each_spec(files, command, as_json, one, show)
    seconds = time.monotonic() - started
    if len(files) > 1:  # a directory: close with the run in one line (docs/json.md)
        summary = Summary.of(reports, seconds)
        typer.echo(summary_to_json(summary) if as_json else "\n" + summary_line(summary))
    first = reports[0]
    written = True
    if trace_out is not None and isinstance(first, SpecReport):
        written = _write_trace(first, trace_out, force, output_format == "text")
    if diagram is not None and isinstance(first, SpecReport):
        written = _write_diagram(first, diagram, force, output_format == "text") and written
    chatty = output_format == "text"
    written = _write_report_files(reports, outputs, force, chatty, seconds) and written
    if github.enabled(os.environ):
        written = _github(reports, seconds, as_json) and written
    return api.exit_code(reports) if written else api.EXIT_ERROR  # asked for, not written


def _github(reports: list[SpecReport | InternalError], seconds: float, as_json: bool) -> bool:
    """On GitHub Actions: annotate the spec lines (on standard error when standard output is
    JSON), and append the Markdown summary to $GITHUB_STEP_SUMMARY. That file is GitHub's
    and shared by every step of the job: it is appended to in one write, never replaced."""
    for line in github.workflow_commands(reports):
        typer.echo(line, err=as_json)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return True
    try:
        with open(summary, "a", encoding="utf-8") as file:
            file.write(to_markdown(reports, seconds))
    except OSError as error:
        typer.echo(f"error: {summary}: cannot append the step summary: {error.strerror}", err=True)
        return False
    return True


def _watch(target: Path, checked: Callable[[], int], outputs: ReportFiles, force: bool) -> int:
    if outputs.asked() and not force:
        raise api.UsageError("--watch writes its reports again on each change: add --force")
    try:
        changes = watch.spec_changes(target)
    except watch.WatchUnavailable as missing:
        raise api.UsageError(str(missing)) from None
    return watch.loop(checked, changes)


# Verdict words and their colours on a terminal (never with NO_COLOR, in a pipe or in JSON).
VERDICT_COLOURS = (
    ("VIOLATED", typer.colors.RED),
    ("INCOMPLETE", typer.colors.YELLOW),
    ("all properties hold", typer.colors.GREEN),
    ("expected violation found", typer.colors.GREEN),
    ("internal error", typer.colors.RED),
)


def _colour_on() -> bool:
    """Colour only for a person at a terminal who has not set NO_COLOR (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _coloured(text: str) -> str:
    """The verdict in each report's headline and each error's severity, coloured."""
    if not _colour_on():
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if ": error: " in line:
            head, rest = line.split(": error: ", 1)
            lines[i] = f"{head}: {typer.style('error', fg=typer.colors.RED, bold=True)}: {rest}"
            continue
        if " — " not in line or line.startswith(" "):
            continue  # only headlines ("spec.dsl: Name — verdict") are coloured
        for words, colour in VERDICT_COLOURS:
            if words in line:
                lines[i] = line.replace(words, typer.style(words, fg=colour, bold=True), 1)
                break
    return "\n".join(lines)


def _shown(report: SpecReport | InternalError, as_json: bool) -> str:
    if isinstance(report, InternalError):
        return internal_to_json(report) if as_json else internal_to_text(report)
    return to_json(report) if as_json else to_text(report)


def _check_report_files(outputs: ReportFiles, force: bool, others: list[Path]) -> None:
    """Refuse, before any work, a taken name or one output named twice."""
    seen = {path.resolve(): "another output" for path in others}
    for flag, path in outputs.asked():
        if path.resolve() in seen:
            raise api.UsageError(f"{flag} and {seen[path.resolve()]} both name {path}")
        seen[path.resolve()] = flag
        _check_writable(path, force)


def _write_report_files(
    reports: list[SpecReport | InternalError],
    outputs: ReportFiles,
    force: bool,
    chatty: bool,
    seconds: float,
) -> bool:
    """Write the asked-for CI reports (whole or not at all); False when one was not written."""

    def markdown(done: list[SpecReport | InternalError]) -> str:
        return to_markdown(done, seconds)

    render = {"--junit": to_junit, "--sarif": to_sarif, "--report": markdown}
    written = True
    for flag, path in outputs.asked():
        try:
            api.write_output(path, render[flag](reports).encode("utf-8"), force)
        except api.OutputProblem as error:
            typer.echo(f"error: {error}", err=True)
            written = False
            continue
        if chatty:
            what = {"--junit": "JUnit", "--sarif": "SARIF", "--report": "Markdown"}[flag]
            typer.echo(f"{what} report written to {path}", err=True)
    return written


Report = TypeVar("Report", SpecReport, QueryReport, ProveReport)


def _each_spec(
    files: list[Path],
    command: str,
    as_json: bool,
    run: Callable[[Path], Report],
    show: Callable[[Report], str | None],
) -> list[Report | InternalError]:
    """Run each spec in turn and print its report (`show` None: skip it). A crash (a verikit
    bug) becomes that spec's own internal-error report, and the next spec still runs; Ctrl-C
    prints what the interrupted spec had found (check's figures), then stops the run."""
    reports: list[Report | InternalError] = []
    for file in files:
        report: Report | InternalError
        try:
            report = done = run(file)
            text = show(done)
        except api.Interrupted as stop:
            interrupts.acknowledge()
            _clear_progress()
            if stop.report is not None:
                typer.echo(to_json(stop.report) if as_json else to_text(stop.report))
            raise
        except (api.UsageError, SpecError, typer.Exit, typer.Abort):
            raise
        except Exception as error:
            _clear_progress()
            report = api.internal_error(file, command, error)
            text = internal_to_json(report) if as_json else internal_to_text(report)
        _clear_progress()
        if text is not None:
            typer.echo(text)
            reports.append(report)
    return reports


def _write_diagram(report: SpecReport, path: Path, force: bool, chatty: bool) -> bool:
    """Draw the first counterexample; False when it could not be written."""
    outcome = api.draw_counterexample(report, path, force)
    if outcome is None:
        if chatty:
            typer.echo(f"no counterexample, {path} not written", err=True)
        return True
    if chatty or not outcome.ok:
        typer.echo(outcome.message if outcome.ok else f"error: {outcome.message}", err=True)
    return outcome.ok


def _write_trace(report: SpecReport, path: Path, force: bool, chatty: bool) -> bool:
    """Save the first counterexample as ITF; False when it could not be written."""
    document = api.first_trace_itf(report)
    if document is None:
        if chatty:
            typer.echo(f"no counterexample, {path} not written", err=True)
        return True
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        api.write_output(path, text.encode("utf-8"), force)
    except api.OutputProblem as error:
        typer.echo(f"error: {error}", err=True)
        return False
    if chatty:
        typer.echo(f"counterexample written to {path}", err=True)
    return True


def _check_writable(path: Path, force: bool) -> None:
    """Refuse a taken output name before any work: a file, a directory or a symbolic link."""
    try:
        api.refuse_existing(path, force)
    except api.OutputProblem as error:
        raise api.UsageError(str(error)) from None


@app.command("replay")
def replay_command(
    spec: Annotated[Path, typer.Argument(help="The spec the trace belongs to.")],
    trace_file: Annotated[Path, typer.Argument(help="An ITF JSON trace (from --trace-out).")],
    const: ConstOption = None,
) -> None:
    """Re-execute a saved trace against the spec and confirm every step."""

    def run() -> int:
        outcome = api.replay_file(spec, trace_file, api.parse_const_overrides(const or []))
        typer.echo(outcome.message)
        return api.EXIT_HOLDS if outcome.ok else api.EXIT_VIOLATED

    raise typer.Exit(_guarded(run, "replay", spec))


@app.command("conform")
def conform_command(
    spec: Annotated[Path, typer.Argument(help="The spec the run should be a behaviour of.")],
    log: Annotated[
        Path, typer.Argument(help="The run's log: JSON Lines of actions and states, or ITF.")
    ],
    hidden: Annotated[
        int, typer.Option("--hidden", help="Unlogged spec steps allowed before each line.")
    ] = 0,
    max_states: Annotated[
        int, typer.Option("--max-states", help="Spec states the search may consider.")
    ] = 100_000,
    const: ConstOption = None,
) -> None:
    """Check that the log of a real run is a behaviour of the spec (docs/conformance.md)."""

    def run() -> int:
        from verikit.testing.log import conform, load_for_log, read_log  # hypothesis loads here

        if hidden < 0 or max_states < 1:
            raise api.UsageError("--hidden must be at least 0 and --max-states at least 1")
        loaded = load_for_log(spec, log, api.parse_const_overrides(const or []))
        events = read_log(log, loaded.model)
        verdict = conform(loaded.compiled, events, str(log), hidden, max_states)
        typer.echo(verdict.message, err=verdict.status != "conforms")
        codes = {"conforms": api.EXIT_HOLDS, "violated": api.EXIT_VIOLATED,
                 "fault": api.EXIT_ERROR}  # fmt: skip
        return codes.get(verdict.status, api.EXIT_INCOMPLETE)

    raise typer.Exit(_guarded(run, "conform", spec))


@app.command("render")
def render_command(
    spec: Annotated[Path, typer.Argument(help="The spec the trace belongs to.")],
    trace_file: Annotated[Path, typer.Argument(help="An ITF JSON trace (from --trace-out).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The diagram to write (.svg .png .pdf .dot).")
    ],
    const: ConstOption = None,
    force: ForceOption = False,
) -> None:
    """Draw a saved trace as a message sequence chart."""

    def run() -> int:
        _check_writable(output, force)
        api.check_diagram_format(output)
        outcome = api.render_file(
            spec, trace_file, output, api.parse_const_overrides(const or []), force
        )
        typer.echo(outcome.message, err=not outcome.ok)
        return api.EXIT_HOLDS if outcome.ok else api.EXIT_ERROR

    raise typer.Exit(_guarded(run, "render", spec))


@app.command("graph")
def graph_command(
    spec: Annotated[Path, typer.Argument(help="A small .dsl spec.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The diagram to write (.svg .png .pdf .dot).")
    ],
    const: ConstOption = None,
    max_states: Annotated[
        int, typer.Option(help="Refuse to draw more states (or, with --abstract, boxes).")
    ] = api.DEFAULT_GRAPH_LIMIT,
    abstract: Annotated[
        list[str] | None,
        typer.Option(
            "--abstract",
            metavar="VAR",
            help="One box per value of this variable (repeatable), with the states and steps "
            "counted: for a spec too big to draw state by state.",
        ),
    ] = None,
    labels: Annotated[
        str,
        typer.Option(
            metavar="[changes|full]",
            help="What a state's box lists: its changes from a named parent, or every variable.",
        ),
    ] = "changes",
    force: ForceOption = False,
) -> None:
    """Draw every reachable state of a small spec; the shortest counterexample in red."""

    def run() -> int:
        if max_states < 1:
            raise api.UsageError(f"--max-states must be at least 1, got {max_states}")
        _check_writable(output, force)
        api.check_diagram_format(output)
        consts = api.parse_const_overrides(const or [])
        outcome = api.graph_file(spec, output, consts, max_states, force, tuple(abstract or ()),
                                 labels)  # fmt: skip
        typer.echo(outcome.message, err=not outcome.ok)
        return api.EXIT_HOLDS if outcome.ok else api.EXIT_ERROR

    raise typer.Exit(_guarded(run, "graph", spec))


@app.command("compile")
def compile_command(
    spec: Annotated[Path, typer.Argument(help="A .dsl spec.")],
    const: ConstOption = None,
    emit_python: Annotated[
        bool, typer.Option("--emit-python", help="Print the generated Python source.")
    ] = False,
) -> None:
    """Check and compile a spec; show the state layout, or the generated Python."""

    def run() -> int:
        loaded = api.load(spec, api.parse_const_overrides(const or []))
        typer.echo(loaded.compiled.source if emit_python else api.describe(loaded.model))
        return api.EXIT_HOLDS

    raise typer.Exit(_guarded(run, "compile", spec))


@app.command("query")
def query_command(
    target: Annotated[Path, typer.Argument(help="A .dsl spec or a directory of them.")],
    const: ConstOption = None,
    output_format: FormatOption = "text",
    timeout: Annotated[
        float | None, typer.Option(help="Stop after this many seconds per spec, loading included.")
    ] = None,
) -> None:
    """Answer each spec's timing queries with Z3: a proof that `never` is impossible, or a
    witness. Exit 0 all impossible (or as expected), 1 one is possible, 3 Z3 undecided."""

    def run() -> int:
        if output_format not in ("text", "json"):
            raise api.UsageError(f"--format must be text or json, got `{output_format}`")
        _check_timeout(timeout)
        consts = api.parse_const_overrides(const or [])
        files = api.spec_files(target)

        def show(report: QueryReport) -> str | None:
            if len(files) > 1 and report.model is not None and not report.model.queries:
                return None  # in a directory, only the specs that ask something
            return query_to_json(report) if output_format == "json" else query_to_text(report)

        def one(file: Path) -> QueryReport:
            return api.query_file(file, consts, timeout)

        reports = _each_spec(files, "query", output_format == "json", one, show)
        if not reports and output_format == "text":
            typer.echo(f"{target}: no spec here has a timing query", err=True)
        return api.exit_code(reports)

    raise typer.Exit(_guarded(run, "query", target))


@app.command("prove")
def prove_command(
    target: Annotated[Path, typer.Argument(help="A .dsl spec or a directory of them.")],
    const: ConstOption = None,
    k: Annotated[
        int, typer.Option("--k", help="Try k-induction for k = 1 .. K.")
    ] = api.DEFAULT_PROVE_K,
    timeout: Annotated[
        float | None, typer.Option(help="Give Z3 at most this many seconds per spec.")
    ] = None,
    output_format: FormatOption = "text",
) -> None:
    """Prove each invariant and lemma by k-induction with Z3. Exit 0 all proved, 1 one is
    violated (a real counterexample), 3 one is not inductive or undecided."""

    def run() -> int:
        if output_format not in ("text", "json"):
            raise api.UsageError(f"--format must be text or json, got `{output_format}`")
        if k < 1:
            raise api.UsageError(f"--k must be at least 1, got {k}")
        _check_timeout(timeout)
        consts = api.parse_const_overrides(const or [])

        def one(file: Path) -> ProveReport:
            return api.prove_file(file, consts, k, timeout)

        as_json = output_format == "json"
        show = prove_to_json if as_json else prove_to_text
        reports = _each_spec(api.spec_files(target), "prove", as_json, one, show)
        return api.prove_exit_code(reports)

    raise typer.Exit(_guarded(run, "prove", target))


def _check_engine(
    engine: str, depth: int | None, max_states: int | None, max_depth: int | None
) -> None:
    """`--depth` belongs to the smt engine, the state and level limits to the explicit one."""
    if engine not in ("explicit", "smt"):
        raise api.UsageError(f"--engine must be explicit or smt, got `{engine}`")
    if depth is not None and depth < 0:
        raise api.UsageError(f"--depth must be at least 0, got {depth}")
    if engine == "explicit" and depth is not None:
        raise api.UsageError("--depth bounds the smt engine; the explicit one takes --max-depth")
    if engine == "smt" and (max_states is not None or max_depth is not None):
        raise api.UsageError("--max-states and --max-depth bound the explicit engine; use --depth")


def _guarded(run: Callable[[], int], command: str, spec: Path) -> int:
    """Run a command body; never a traceback. User errors become a message and exit code 2,
    Ctrl-C "interrupted" and 130, a crash (a verikit bug) a crash report and exit code 4."""
    global _said_interrupted
    try:
        return run()
    except api.UsageError as error:
        typer.echo(f"error: {error}", err=True)
    except SpecError as error:
        typer.echo(render_all(error, api.source_of(error)), err=True)
    except KeyboardInterrupt as stop:
        interrupts.acknowledge()
        _clear_progress()
        what = stop.what if isinstance(stop, api.Interrupted) else f"{command} {spec}"
        typer.echo(f"interrupted: {what}", err=True)
        _said_interrupted = True
        return api.EXIT_INTERRUPTED
    except (typer.Exit, typer.Abort):
        raise
    except Exception as error:
        _clear_progress()
        typer.echo(internal_to_text(api.internal_error(spec, command, error)), err=True)
        return api.EXIT_INTERNAL
    return api.EXIT_ERROR


_said_interrupted = False  # main() says it when Ctrl-C came outside a command body


def _check_backend(engine: str, backend: str, workers: int | None) -> None:
    if backend not in ("auto", "native", "python"):
        raise api.UsageError(f"--backend must be auto, native or python, got `{backend}`")
    if workers is not None and workers < 1:
        raise api.UsageError(f"--workers must be at least 1, got {workers}")
    if engine == "smt" and (backend != "auto" or workers is not None):
        raise api.UsageError("--backend and --workers choose how the explicit engine runs")


def _check_cluster(
    cluster: str | None, engine: str, backend: str, full_states: bool, jobs: int
) -> None:
    """--cluster runs the native explicit engine, one spec at a time, on fingerprints."""
    if cluster is None:
        return
    clashes = {"--engine smt": engine == "smt", "--backend python": backend == "python",
               "--full-states": full_states, "--jobs": jobs > 1}  # fmt: skip
    for flag, clash in clashes.items():
        if clash:
            raise api.UsageError(f"--cluster cannot be combined with {flag}")


def _check_timeout(timeout: float | None) -> None:
    """A number of seconds: positive and finite (`inf` and `nan` parse as floats)."""
    if timeout is not None and not 0 < timeout < math.inf:
        raise api.UsageError(f"--timeout must be a positive number of seconds, got {timeout}")


# ---------------------------------------------------------------- progress line


def _on_terminal() -> bool:
    """Progress lines go to an interactive terminal only, never to CI logs or pipes."""
    return wanted(sys.stderr)


def _progress_printer() -> Any:
    """A live progress line on an interactive terminal only (never in CI or JSON)."""
    if not _on_terminal():
        return None
    started = time.monotonic()

    def show(p: Progress) -> None:
        phase = "" if p.phase == "safety" else p.phase
        workers = "".join(f"  w{i} {rate:,.0f}/s" for i, rate in enumerate(p.workers))
        _progress(search_line(p.distinct_states, p.depth, p.states_per_second, p.queue,
                              time.monotonic() - started, phase) + workers)  # fmt: skip

    return show


def _bmc_progress_printer(depth: int) -> Any:
    """bmc's progress line: each depth costs more than the last, so show where it is."""
    if not _on_terminal():
        return None
    started = time.monotonic()

    def show(done: int, seconds: float) -> None:
        _progress(bmc_line(done, depth, seconds, time.monotonic() - started))

    return show


def _simulation_progress_printer() -> Any:
    """simulate's progress line, on an interactive terminal only (one process)."""
    if not _on_terminal():
        return None

    def show(runs: int, steps: int, seconds: float) -> None:
        _progress(simulation_line(runs, steps, seconds))

    return show


def _progress(line: Text) -> None:
    """Replace the progress line (report/progress.py: erased first, cut to the terminal's
    width by rich, so it never wraps and leaves no stale lines)."""
    TerminalLine(Console(stderr=True)).show(line)


def _clear_progress() -> None:
    if _on_terminal():
        TerminalLine(Console(stderr=True)).clear()


def main() -> None:
    """The `verikit` program. Ctrl-C stops native work too (verikit/interrupts.py); one that
    comes while Typer builds or parses the command (outside every command body) still says
    "interrupted" and exits 130, and a crash there (or in reporting an error) exits 4."""
    try:
        interrupts.install()
        app()
    except KeyboardInterrupt:  # while Typer builds the command, before any command body runs
        interrupts.acknowledge()
        typer.echo("interrupted", err=True)
        raise SystemExit(api.EXIT_INTERRUPTED) from None
    except SystemExit as done:
        if done.code == 1 and interrupts.pending():  # Click's "Aborted!": Ctrl-C while parsing
            interrupts.acknowledge()
            typer.echo("interrupted", err=True)
            raise SystemExit(api.EXIT_INTERRUPTED) from None
        if done.code == api.EXIT_INTERRUPTED and not _said_interrupted:
            interrupts.acknowledge()
            typer.echo("interrupted", err=True)
        raise
    except Exception as error:  # a bug outside every command body's guard
        command = " ".join(["verikit", *sys.argv[1:]])
        typer.echo(internal_to_text(api.internal_error(command, "verikit", error)), err=True)
        raise SystemExit(api.EXIT_INTERNAL) from None
