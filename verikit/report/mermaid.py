"""A counterexample as a Mermaid `sequenceDiagram` (`--diagram cex.mmd`), the chart GitHub
renders in pull requests, issues and step summaries (it does not render SVG attachments).

Mermaid draws each message as one horizontal arrow, so an arrow is drawn at the step that
ended it, numbered like that step and saying when it was sent: `->>` delivered, `-x` lost
(dropped, or taken by a crash), `--)` still in flight at the end. A duplicate, a crash and a
restart are notes on their lanes; each step's state changes are a note on the acting lane;
a lasso's repeating steps sit in a `loop` block; the last note names the violated property
and the values it read. The data comes from trace/chart.py, as for the Graphviz chart.
"""

from __future__ import annotations

import re

from verikit.core.model import Model
from verikit.trace.chart import Arrow, Chart, Row, build_chart
from verikit.trace.trace import Trace

INDENT = "    "
ENTITIES = {"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;"}
MAX_NOTE_LINES = 8  # per note; the rest is summarised as "… n more"


def to_mermaid(trace: Trace, model: Model) -> str:
    return chart_to_mermaid(build_chart(trace, model))


def chart_to_mermaid(chart: Chart) -> str:
    lanes = _used_lanes(chart)
    lines = ["sequenceDiagram", f"{INDENT}%% {escape(chart.headline)}"]
    lines += [f"{INDENT}participant L{i} as {escape(chart.lanes[i])}" for i in lanes]
    span = _span(lanes)
    indent = INDENT
    for position, row in enumerate(chart.rows):
        if chart.loop_start is not None and position == chart.loop_start + 1:
            lines.append(f"{INDENT}loop repeats forever")
            indent = INDENT * 2
        lines += [indent + line for line in _row(chart, position, row, span)]
    if indent != INDENT:
        lines.append(f"{INDENT}end")
    lines += [INDENT + _in_flight(a) for a in chart.arrows if a.ended is None]
    lines.append(f"{INDENT}Note over {span}: {_lines([chart.verdict, *_evidence(chart)])}")
    return "\n".join(lines) + "\n"


def escape(text: str) -> str:
    """Text safe in a Mermaid label: `#` and `;` as entity codes (they are Mermaid syntax),
    `<` and `>` as entities (labels are HTML), no line breaks."""
    text = re.sub(r"\s*\n\s*", " ", text)
    return re.sub(r"[#;<>]", lambda m: ENTITIES[m.group()], text)  # one pass: no re-escaping


def _used_lanes(chart: Chart) -> list[int]:
    """Every lane that acts, holds a value or sends or receives: an empty lane (a `globals`
    lane of a spec whose globals never change) takes no column."""
    used = {row.lane for row in chart.rows if row.lane is not None}
    used |= {i for row in chart.rows for i, notes in enumerate(row.notes) if notes}
    used |= {i for arrow in chart.arrows for i in (arrow.src, arrow.dst)}
    used |= {i for i, values in enumerate(chart.final) if values}
    return sorted(used) or [0]


def _span(lanes: list[int]) -> str:
    return f"L{lanes[0]}" if len(lanes) == 1 else f"L{lanes[0]},L{lanes[-1]}"


def _row(chart: Chart, position: int, row: Row, span: str) -> list[str]:
    out = [_arrow(a, row) for a in chart.arrows if a.ended == position]
    changes = [(i, notes) for i, notes in enumerate(row.notes) if notes]
    step = f"{row.index}."
    if row.kind == "init":
        out.append(f"Note over {span}: {step} initial state")
        out += [f"Note over L{i}: {_lines(notes)}" for i, notes in changes]
        return out
    if row.kind == "duplicate":
        copies = [a for a in chart.arrows if a.copied == position]
        where = _between(copies[0]) if copies else span
        out.append(f"Note over {where}: {step} {escape(row.title)}")
    elif row.kind in ("receive", "drop"):
        pass  # the arrow ending here is the step
    else:  # an action, a crash or a restart: a note on the acting lane with its changes
        title = {"crash": "💥 crash", "restart": "restart"}.get(row.kind, row.title)
        lane = f"L{row.lane}" if row.lane is not None else span
        acting = dict(changes).get(row.lane, ()) if row.lane is not None else ()
        out.append(f"Note over {lane}: {_lines([f'{step} {title}', *acting])}")
        changes = [(i, notes) for i, notes in changes if i != row.lane]
    out += [f"Note over L{i}: {_lines(notes)}" for i, notes in changes]
    out += [f"Note over {span}: {_lines(row.other)}"] if row.other else []
    return out


def _arrow(arrow: Arrow, row: Row) -> str:
    sent = f"sent at {arrow.sent}" if arrow.copied is None else f"copy made at {arrow.copied}"
    if arrow.fate == "lost":
        how = "crash" if row.kind == "crash" else "lost"
        return f"L{arrow.src}-xL{arrow.dst}: {row.index}. {how}: {escape(arrow.label)} ({sent})"
    return f"L{arrow.src}->>L{arrow.dst}: {row.index}. {escape(arrow.label)} ({sent})"


def _in_flight(arrow: Arrow) -> str:
    start = arrow.start
    return f"L{arrow.src}--)L{arrow.dst}: in flight: {escape(arrow.label)} (sent at {start})"


def _between(arrow: Arrow) -> str:
    ends = sorted({arrow.src, arrow.dst})
    return f"L{ends[0]}" if len(ends) == 1 else f"L{ends[0]},L{ends[-1]}"


def _evidence(chart: Chart) -> list[str]:
    """The values the violated property read, lane by lane."""
    return [f"{chart.lanes[i]}.{var} = {value}" for i, values in enumerate(chart.final)
            for var, value, read in values if read]  # fmt: skip


def _lines(texts: tuple[str, ...] | list[str]) -> str:
    shown = list(texts[:MAX_NOTE_LINES])
    if len(texts) > MAX_NOTE_LINES:
        shown.append(f"… {len(texts) - MAX_NOTE_LINES} more")
    return "<br/>".join(escape(t) for t in shown)
