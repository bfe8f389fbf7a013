"""GitHub Actions integration, on when GITHUB_ACTIONS=true: workflow commands that annotate
the spec lines in the pull request (`::error file=…,line=…::`), and the Markdown step summary
(the verdict table with each counterexample's Mermaid chart) for $GITHUB_STEP_SUMMARY.

A violation is annotated at its property, a runtime fault at the faulting expression, a
spec error at its span (all as errors); an incomplete search is a warning on the spec. A
bug variant's expected violation is not annotated: it is the spec working."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from verikit.errors import Span
from verikit.report.outcomes import property_outcomes
from verikit.report.reports import InternalError, SpecReport
from verikit.report.text import headline
from verikit.trace import text


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def workflow_commands(reports: Sequence[SpecReport | InternalError]) -> list[str]:
    return [line for report in reports for line in _annotations(report)]


def _annotations(report: SpecReport | InternalError) -> list[str]:
    if isinstance(report, InternalError):
        return [command("error", f"internal error in verikit: {report.error}", report.path,
                        None, "verikit crashed (a bug in verikit)")]  # fmt: skip
    out = [command("error" if d.severity == "error" else "warning", d.message, d.span.file,
                   d.span, "verikit: spec error" if d.severity == "error" else "verikit")
           for d in report.diagnostics + report.warnings]  # fmt: skip
    for outcome in property_outcomes(report):
        if outcome.status not in ("failed", "error"):
            continue
        message = outcome.message
        if outcome.trace is not None:
            message += "\n" + text.render_text(outcome.trace)
        title = f"verikit: {outcome.kind} {outcome.name}"
        out.append(command("error", message, report.path, outcome.span, title))
    if report.verdict == "incomplete" and report.result is not None:
        out.append(command("warning", headline(report), report.path, None, "verikit: incomplete"))
    return out


def command(level: str, message: str, path: str, span: Span | None, title: str) -> str:
    """One workflow command; GitHub counts lines and columns from 1, as verikit does."""
    fields = [f"file={_property(path)}"]
    if span is not None and span.line > 0:
        fields += [f"line={span.line}", f"col={span.col}"]
        if span.end_line >= span.line and span.end_col > 0:
            fields += [f"endLine={span.end_line}", f"endColumn={span.end_col}"]
    fields.append(f"title={_property(title)}")
    return f"::{level} {','.join(fields)}::{_data(message)}"


def _data(value: str) -> str:
    """A command's message: `%`, CR and LF escaped as the Actions toolkit does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    """A command's property value: the message escapes, and `:` and `,` too."""
    return _data(value).replace(":", "%3A").replace(",", "%2C")
