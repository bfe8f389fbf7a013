"""A counterexample as a message sequence chart, drawn with Graphviz (SVG, PNG, PDF or DOT).

    write_diagram(trace, model, Path("cex.svg"))   # the format follows the extension

The picture is a grid: a gutter of step numbers on the left, one lane per node, one row per
step. Every row is a `rank=same` subgraph chained left to right by invisible edges and every
lane a heavy vertical edge, so lanes stay straight and aligned however wide a label is.
Messages are drawn last as non-constraining edges between the cells of their send and
delivery rows, so they never disturb the grid. The layout data comes from `chart.py`.

Choices made by looking at the pictures: arrows are straight, leave a cell at its bottom and
enter at its top (so a broadcast fans out instead of lying on one line); cells are drawn
over the arrows, slightly translucent (an arrow passing a cell stays visible, the text
readable); arrows carry no label (edge labels bent the lines or covered cells): the receive
cell names the message, the gutter a lost or copied one, the in-flight end its messages.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import graphviz

from verikit.core.model import Model
from verikit.trace.chart import Arrow, Chart, Row, build_chart
from verikit.trace.output import OutputError, OutputExists, taken, write_output
from verikit.trace.trace import Trace

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL = "apt-get install graphviz / brew install graphviz"

WRAP = 40  # characters per label line
MAX_LINES = 14  # per cell; the rest is summarised as "… n more"
FONT = "Helvetica,Arial,sans-serif"
RED, GREY, BLUE = "#c0392b", "#9a9a9a", "#1f4e8c"
# Cells are drawn over the message arrows, slightly translucent: text stays readable and an
# arrow passing behind a cell still shows that it goes on.
FILL = {
    "init": "#ffffffd0",
    "action": "#f4f4f4d0",
    "receive": "#eaf1fbd0",
    "crash": "#fde2e1d0",
    "restart": "#e3f4e1d0",
}
ARROW_STYLE = {
    "delivered": {"color": BLUE, "fontcolor": BLUE},
    "lost": {"color": RED, "fontcolor": RED, "style": "dashed"},
    "in flight": {"color": GREY, "fontcolor": GREY, "style": "dashed"},
}


@dataclass(frozen=True)
class DiagramOutcome:
    """What `write_diagram` did. `ok` means the requested file was written; `written` is the
    file actually written (the .dot source when Graphviz is missing), `message` one line
    for the user."""

    ok: bool
    written: Path | None
    message: str


def render_chart(trace: Trace, model: Model) -> graphviz.Digraph:
    return draw(build_chart(trace, model))


def write_diagram(trace: Trace, model: Model, path: Path, force: bool = False) -> DiagramOutcome:
    """Write the chart to `path`, in the format its extension names (see `write_graph`)."""
    return write_graph(render_chart(trace, model), path, force)


def write_graph(graph: graphviz.Digraph, path: Path, force: bool = False) -> DiagramOutcome:
    """Write any diagram to `path`, in the format its extension names. Never overwrites an
    existing file (or a symbolic link) unless `force`, never leaves a half-written one;
    without the `dot` program, writes the DOT source instead."""
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        names = ", ".join(f".{f}" for f in FORMATS)
        return DiagramOutcome(False, None, f"{path}: unknown diagram format; use {names}")
    if fmt == "dot":
        return _write(path, graph.source.encode(), force)
    if taken(path) and not force:
        return _exists(path)
    try:
        data = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        fallback = _write(path.with_suffix(".dot"), graph.source.encode(), force)
        done = f"wrote {fallback.written}" if fallback.ok else fallback.message
        return DiagramOutcome(
            False,
            fallback.written,
            f"Graphviz `dot` not found ({done}); to render {path.name}: {INSTALL}",
        )
    except graphviz.CalledProcessError as error:
        detail = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        return DiagramOutcome(False, None, f"{path}: Graphviz failed: {' '.join(detail[:1])}")
    return _write(path, data, force)


def _write(path: Path, data: bytes, force: bool) -> DiagramOutcome:
    """All of `data` under `path` or nothing (trace/output.py), never over another file."""
    try:
        write_output(path, data, force)
    except (OutputExists, OutputError) as error:
        return DiagramOutcome(False, None, str(error))
    return DiagramOutcome(True, path, f"wrote {path}")


def _exists(path: Path) -> DiagramOutcome:
    return DiagramOutcome(False, None, str(OutputExists(path)))


# ---------------------------------------------------------------- drawing


def draw(chart: Chart) -> graphviz.Digraph:
    graph = graphviz.Digraph(
        "trace",
        graph_attr={
            "label": html_label([(chart.headline, "B")], width=100),
            "labelloc": "t",
            "fontname": FONT,
            "nodesep": "0.35",
            "ranksep": "0.3",
            "splines": "line",
            "newrank": "true",
            "outputorder": "edgesfirst",
        },
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "10"},
    )
    flying = [a for a in chart.arrows if a.ended is None]
    ranks = [_header(chart)]
    ranks += [_row(chart, r, row) for r, row in enumerate(chart.rows)]
    if flying:
        ranks.append(_in_flight(chart, flying))
    ranks.append(_final(chart))
    loop = _loop_rows(chart)
    for r, rank in enumerate(ranks):
        if r - 1 not in loop:
            _add_rank(graph, rank)
    if loop:
        with graph.subgraph(name="cluster_loop") as box:
            box.attr(**_loop_box(chart))
            for r in loop:
                _add_rank(box, ranks[r + 1])
    _lifelines(graph, chart, ranks)
    for number, arrow in enumerate(chart.arrows):
        _arrow(graph, number, arrow)
    return graph


Cell = tuple[str, dict[str, str]]  # node id, attributes
Rank = list[Cell]  # the gutter cell, then one cell per lane
Line = tuple[str, str]  # text, style: "B" bold, "I" italic, "R" red bold, "L" blue, "" plain


def _add_rank(graph: graphviz.Digraph, rank: Rank) -> None:
    """One row of the grid: same rank, kept in lane order by invisible edges."""
    with graph.subgraph() as sub:
        sub.attr(rank="same")
        for column, (name, attrs) in enumerate(rank):
            sub.node(name, group=f"c{column}", **attrs)  # a group keeps its column straight
        for (a, _), (b, _) in zip(rank, rank[1:], strict=False):
            sub.edge(a, b, style="invis")


def _lifelines(graph: graphviz.Digraph, chart: Chart, ranks: Sequence[Rank]) -> None:
    """Heavy vertical edges between consecutive ranks: the gutter column (invisible) and one
    lifeline per lane, dotted while the node is crashed. Rank i > 0 shows row i - 1."""
    for i, (upper, lower) in enumerate(zip(ranks, ranks[1:], strict=False)):
        graph.edge(upper[0][0], lower[0][0], style="invis", weight="100")
        crashed = chart.rows[i - 1].down if 0 < i <= len(chart.rows) else frozenset()
        for lane, ((a, _), (b, _)) in enumerate(zip(upper[1:], lower[1:], strict=True)):
            graph.edge(a, b, dir="none", weight="100", color=GREY,
                       style="dotted" if lane in crashed else "solid",
                       **{"class": "lifeline"})  # fmt: skip


def _gutter(r: int) -> str:
    return f"r{r}_g"


def _header(chart: Chart) -> Rank:
    cells: Rank = [("h_g", {"shape": "plaintext", "label": "step"})]
    for lane, name in enumerate(chart.lanes):
        attrs = {"shape": "box", "style": "filled,bold", "fillcolor": "#dde7f3",
                 "label": html_label([(name, "B")]), "class": "lane"}  # fmt: skip
        cells.append((f"h_{lane}", attrs))
    return cells


def _row(chart: Chart, r: int, row: Row) -> Rank:
    last = r == len(chart.rows) - 1 and chart.loop_start is None  # where a safety trace breaks
    lost = {a.dst for a in chart.arrows if a.ended == r and a.fate == "lost"}
    gutter_lines = [(str(row.index), "B")]
    if row.lane is None:
        gutter_lines += [(row.title, "I")]
    gutter_lines += [(note, "") for note in row.other]
    gutter_lines += _loop_marks(chart, r)
    label = html_label(gutter_lines, align="RIGHT")
    gutter = {"shape": "plaintext", "label": label, "class": "step"}
    if last:
        gutter["fontcolor"] = RED
    cells: Rank = [(_gutter(r), gutter)]
    for lane in range(len(chart.lanes)):
        cells.append((f"r{r}_{lane}", _cell(row, lane, lane in lost, last)))
    return cells


def _loop_rows(chart: Chart) -> range:
    """The rows a lasso repeats forever (after the loop's start), or the row it stutters in."""
    start, last = chart.loop_start, len(chart.rows) - 1
    if start is None:
        return range(0)
    return range(start, last + 1) if start == last else range(start + 1, last + 1)


def _loop_box(chart: Chart) -> dict[str, str]:
    """A box around the rows that repeat, since an edge back up the chart would cut across
    every lane; its label says what happens for ever."""
    rows = _loop_rows(chart)
    first, last = chart.rows[rows[0]].index, chart.rows[rows[-1]].index
    if chart.loop_start == len(chart.rows) - 1:
        text = "stutters here forever"
    elif first == last:
        text = f"step {first} repeats forever"
    else:
        text = f"steps {first}–{last} repeat forever"
    return {"label": html_label([(f"↻ {text}", "L")]), "labeljust": "l", "labelloc": "t",
            "style": "rounded,dashed", "color": BLUE, "penwidth": "1.5", "margin": "14",
            "fontname": FONT, "fontsize": "11", "class": "loop"}  # fmt: skip


def _loop_marks(chart: Chart, r: int) -> list[Line]:
    """In the gutter of a lasso's last row: which step comes next, for ever; of a leads_to's
    trigger row: that it was triggered there."""
    start, last = chart.loop_start, len(chart.rows) - 1
    marks: list[Line] = [("⚑ triggered here", "L")] if r == chart.trigger else []
    if start is not None and start < last == r:
        marks.append((f"↩ back to step {chart.rows[start + 1].index}", "L"))
    elif start is not None and start == last == r:
        marks.append(("no action is enabled", "L"))
    return marks


def _cell(row: Row, lane: int, lost: bool, last: bool) -> dict[str, str]:
    notes = row.notes[lane]
    acting = row.lane == lane
    if lost and not acting:
        return {"shape": "plaintext", "label": "✕", "fontsize": "20", "fontcolor": RED,
                "class": "lost", "tooltip": row.title}  # fmt: skip
    if not acting and not notes:
        return {"shape": "point", "width": "0.06", "color": GREY, "label": ""}
    lines = [(row.title, "B")] if acting else []
    lines += [(note, "") for note in notes]
    fill = FILL.get(row.kind, FILL["action"])
    attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": fill, "color": GREY,
             "label": html_label(lines), "class": f"cell {row.kind}"}  # fmt: skip
    if row.kind == "crash" and acting:
        attrs |= {"color": RED, "fontcolor": RED, "style": "rounded,filled,bold"}
    if last:
        attrs |= {"color": RED, "penwidth": "2"}
    return attrs


def _in_flight(chart: Chart, flying: Sequence[Arrow]) -> Rank:
    """Where the messages still in the network at the end would arrive, and what they are."""
    cells: Rank = [("fly_g", {"shape": "plaintext", "label": ""})]
    for lane in range(len(chart.lanes)):
        bodies = [a.label for a in flying if a.dst == lane]
        attrs = (
            {
                "shape": "plaintext",
                "fontcolor": GREY,
                "class": "in-flight",
                "label": html_label([("in flight:", "I"), *((b, "") for b in bodies)]),
            }
            if bodies
            else {"shape": "point", "width": "0.01", "color": GREY, "label": ""}
        )
        cells.append((f"fly_{lane}", attrs))
    return cells


def _final(chart: Chart) -> Rank:
    """The final state of each lane; the values the violated property reads in red."""
    verdict = {"shape": "plaintext", "fontcolor": RED, "class": "violation",
               "label": html_label([(chart.verdict, "B")], align="RIGHT")}  # fmt: skip
    cells: Rank = [("end_g", verdict)]
    for lane in range(len(chart.lanes)):
        values = chart.final[lane] if lane < len(chart.final) else ()
        lines = [(_final_title(chart), "I")]
        lines += [(f"{var} = {value}", "R" if read else "") for var, value, read in values]
        attrs = {"shape": "box", "style": "rounded", "color": RED, "penwidth": "1.5",
                 "label": html_label(lines), "class": "final"}  # fmt: skip
        cells.append((f"end_{lane}", attrs))
    return cells


def _final_title(chart: Chart) -> str:
    """A lasso does not end: its last state is where it stutters, or the loop's start again."""
    start, last = chart.loop_start, len(chart.rows) - 1
    if start is None:
        return "final state"
    if start == last:
        return "stutters in this state"
    return f"state {chart.rows[last].index} = state {chart.rows[start].index}"


def _arrow(graph: graphviz.Digraph, number: int, arrow: Arrow) -> None:
    head = f"r{arrow.ended}_{arrow.dst}" if arrow.ended is not None else f"fly_{arrow.dst}"
    copy = arrow.copied is not None
    label = f"{arrow.label} (copy)" if copy else arrow.label
    style = dict(ARROW_STYLE[arrow.fate])
    if copy:
        style["style"] = "dashed"
    fate = arrow.fate.replace(" ", "-") + (" copy" if copy else "")
    graph.edge(f"r{arrow.start}_{arrow.src}:s", f"{head}:n", tooltip=label,
               constraint="false", id=f"msg{number}", **style,
               **{"class": f"message {fate}"})  # fmt: skip


# ---------------------------------------------------------------- labels


def html_label(lines: Sequence[Line], align: str = "LEFT", width: int = WRAP) -> str:
    """An HTML-like label: each line wrapped at WRAP characters, at most MAX_LINES in all."""
    out: list[str] = []
    for text, style in lines:
        for piece in _wrap(text, width):
            out.append(_styled(escape(piece, quote=False), style))
    if len(out) > MAX_LINES:
        out = out[: MAX_LINES - 1] + [f"<I>… {len(out) - MAX_LINES + 1} more lines</I>"]
    br = f'<BR ALIGN="{align}"/>'
    return "<" + br.join(out) + br + ">"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, subsequent_indent="   ", break_on_hyphens=False) or [""]


def _styled(text: str, style: str) -> str:
    match style:
        case "B":
            return f"<B>{text}</B>"
        case "I":
            return f"<I>{text}</I>"
        case "R":
            return f'<FONT COLOR="{RED}"><B>{text}</B></FONT>'
        case "L":
            return f'<FONT COLOR="{BLUE}"><B>{text}</B></FONT>'
    return text
