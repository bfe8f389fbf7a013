"""A run as Markdown for pull requests (`check --report cex.md`) and for GitHub's step
summary: the verdict table, then each counterexample as a Mermaid chart (GitHub renders it)
with its text trace folded underneath. A spec that does not load shows its errors."""

from __future__ import annotations

from collections.abc import Sequence

from verikit.errors import render
from verikit.report.mermaid import to_mermaid
from verikit.report.reports import InternalError, SpecReport, Summary
from verikit.report.text import headline, internal_to_text, summary_line
from verikit.trace import text
from verikit.trace.trace import Trace

MARKS = {"holds": "✅ holds", "expected": "✅ expected violation", "violated": "❌ violated",
         "incomplete": "⚠️ incomplete", "error": "❌ error", "internal": "💥 internal error"}  # fmt: skip


def to_markdown(reports: Sequence[SpecReport | InternalError], seconds: float) -> str:
    summary = summary_line(Summary.of(reports, seconds))
    out = [f"## verikit: {summary}", "", "| spec | verdict | states | what |", "|---|---|---|---|"]
    out += [_table_row(report) for report in reports]
    for report in reports:
        out += _details(report)
    return "\n".join(out) + "\n"


def _table_row(report: SpecReport | InternalError) -> str:
    mark = MARKS.get(report.verdict, report.verdict)
    if isinstance(report, InternalError):
        return f"| `{report.path}` | {mark} | | {_cell(report.error)} |"
    states = f"{report.result.stats.distinct_states:,}" if report.result is not None else ""
    if report.result is not None and report.engine == "smt":
        states = ""  # Z3 counts no states
    what = headline(report) if report.result is not None else _first_error(report)
    return f"| `{report.path}` | {mark} | {states} | {_cell(what)} |"


def _details(report: SpecReport | InternalError) -> list[str]:
    if isinstance(report, InternalError):
        return ["", f"### `{report.path}`", "", "```text", internal_to_text(report), "```"]
    if report.result is None:
        errors = "\n".join(render(d, report.source) for d in report.diagnostics + report.warnings)
        return ["", f"### `{report.path}`", "", "```text", errors, "```"]
    out: list[str] = []
    for trace in report.traces:
        out += ["", f"### `{report.path}`: {_cell(text.headline(trace))}", ""]
        if report.verdict == "expected":
            out += ["Expected: this spec demonstrates a bug (`expect violation`).", ""]
        out += _chart(report, trace)
    return out


def _chart(report: SpecReport, trace: Trace) -> list[str]:
    assert report.loaded is not None
    return [
        "```mermaid",
        to_mermaid(trace, report.loaded.model).rstrip("\n"),
        "```",
        "",
        "<details><summary>Text trace</summary>",
        "",
        "```text",
        text.render_text(trace),
        "```",
        "",
        "</details>",
    ]


def _first_error(report: SpecReport) -> str:
    found = report.diagnostics + report.warnings
    return f"{found[0].span}: {found[0].message}" if found else report.verdict


def _cell(text: str) -> str:
    """One table cell: pipes escaped, one line."""
    return text.replace("|", "\\|").replace("\n", " ")
