"""A counterexample as a message sequence chart, drawn with Graphviz (SVG, PNG, PDF or DOT).

    write_diagram(trace, model, Path("cex.svg"))   # the format follows the extension

The picture is a grid: a gutter of step numbers on the left, one lane per node, one row per
step, then the messages still in flight, the final state and a legend of what the chart
shows. Every position is computed here (`layout.py`) and Graphviz only draws (`neato -n2`):
`dot` laid the grid out well but drew each message straight through the boxes between its
send and its receive. Now a message goes straight where nothing is in the way, else down
the space between two columns, so no arrow crosses a box it does not start or end at.

Choices made by looking at the pictures: a message leaves its sender's box at the bottom
and enters the receiver's at the top (a broadcast fans out); arrows carry no label (the
receive box names the message, the gutter a lost or copied one, the in-flight row the rest;
the SVG tooltip names each); a lasso's loop is a dashed box, its label in the gutter above.
The layout data comes from `chart.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import graphviz

from verikit.core.model import Model
from verikit.trace.chart import Arrow, Chart, Row, build_chart
from verikit.trace.layout import Cell, Layout, Link, Point, Rect, lay_out
from verikit.trace.output import OutputError, OutputExists, taken, write_output
from verikit.trace.trace import Trace
from verikit.trace.wrap import wrap

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL = "apt-get install graphviz / brew install graphviz"

WRAP = 46  # characters per label line
MAX_LINES = 14  # per cell; the rest is summarised as "… n more"
FONT = "Helvetica,Arial,sans-serif"
RED, GREY, BLUE = "#c0392b", "#9a9a9a", "#1f4e8c"
FILL = {
    "init": "#ffffff",
    "action": "#f4f4f4",
    "receive": "#eaf1fb",
    "crash": "#fde2e1",
    "restart": "#e3f4e1",
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
    without Graphviz, writes the DOT source instead. A graph for `neato` has its positions
    given (the chart's): it is drawn with `neato -n2`, which keeps them."""
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        names = ", ".join(f".{f}" for f in FORMATS)
        return DiagramOutcome(False, None, f"{path}: unknown diagram format; use {names}")
    if fmt == "dot":
        return _write(path, graph.source.encode(), force)
    if taken(path) and not force:
        return _exists(path)
    try:
        data = graph.pipe(format=fmt, neato_no_op=2 if graph.engine == "neato" else None)
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

Attrs = dict[str, str]
Node = tuple[str, Attrs]  # node id, attributes
Line = tuple[str, str]  # text, style: "B" bold, "I" italic, "R" red bold, "L" blue, "" plain
POINT = {"shape": "point", "width": "0.06", "color": GREY, "label": "", "class": "tick"}
# Text without a border, as Graphviz's plaintext but with its box in the SVG (an invisible
# outline), so a reader of the file, and the tests, know where the text is.
TEXT = {"shape": "box", "color": "transparent"}
PAD = 10.0  # points between the grid and its frames (the loop box, the legend's box)
ARROWHEAD = 8.0  # points, at arrowsize 0.8


@dataclass(frozen=True)
class _Grid:
    """The chart's cells by rank (header, a row per step with a rank for the loop's label
    before the loop, in flight, final state) and column (the gutter, then one per lane)."""

    ranks: tuple[tuple[Node | None, ...], ...]
    row_rank: tuple[int, ...]  # the rank of each row
    loop: tuple[int, int] | None  # the first (its label) and last rank of a lasso's loop
    fly_rank: int | None
    crashed: tuple[frozenset[int], ...]  # lanes down below each rank


def draw(chart: Chart) -> graphviz.Digraph:
    """The chart as a Graphviz graph with every position given: render it with `neato -n2`
    (`write_graph` does; the .dot file says so)."""
    grid = _grid(chart)
    links = _links(chart, grid)
    title: Node = ("title", {**TEXT, "class": "headline", "fontsize": "14",
                             "label": html_label([(chart.headline, "B")], width=100)})  # fmt: skip
    legend = _legend_items(chart)
    cells = [node for rank in grid.ranks for node in rank if node is not None]
    sizes = measure([*cells, title, *(n for item in legend for n in item.nodes)])
    ranks = [[_cell(node, sizes) if node else None for node in rank] for rank in grid.ranks]
    layout = lay_out(ranks, links)
    boxes = dict(layout.boxes)
    w, h = sizes[title[0]]
    boxes[title[0]] = Rect((layout.width - w) / 2, -h - 12, (layout.width + w) / 2, -12)
    extra: list[Node] = []
    if grid.loop is not None:
        boxes["loop_box"] = _loop_frame(layout, grid.loop)
        extra.append(("loop_box", {"shape": "box", "style": "rounded,dashed", "color": BLUE,
                                   "penwidth": "1.5", "label": "", "class": "loop-box"}))  # fmt: skip
    samples = _place_legend(legend, sizes, layout, boxes)
    extra.append(("legend_box", {"shape": "box", "style": "rounded", "color": GREY,
                                 "label": "", "class": "legend-box"}))  # fmt: skip
    graph = _graph()
    bottom = max(box.y1 for box in boxes.values())
    for name, attrs in [*extra, title, *cells, *(n for item in legend for n in item.nodes)]:
        graph.node(name, pos=_at(boxes[name], bottom), **_sized(name, attrs, boxes))
    _lifelines(graph, grid, layout, bottom)
    for number, arrow in enumerate(chart.arrows):
        _arrow(graph, number, arrow, layout.paths[f"msg{number}"], bottom)
    for tail, head, points, attrs in samples:
        graph.edge(tail, head, pos=_spline(points, bottom, arrow=True), **attrs)
    return graph


def _graph() -> graphviz.Digraph:
    return graphviz.Digraph(
        "trace",
        comment="every position is given: render with `neato -n2 -Tsvg` (not `dot`)",
        engine="neato",
        graph_attr={"outputorder": "edgesfirst", "bgcolor": "white", "pad": "0.2",
                    "fontname": FONT},  # fmt: skip
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "10", "arrowsize": "0.8"},
    )


def _cell(node: Node, sizes: dict[str, tuple[float, float]]) -> Cell:
    name, attrs = node
    w, h = sizes[name]
    obstacle = attrs.get("shape") != "point"
    return Cell(name, w, h, obstacle, right=name.endswith("_g"))


def _at(box: Rect, bottom: float) -> str:
    return f"{box.cx:.2f},{bottom - box.cy:.2f}"


def _sized(name: str, attrs: Attrs, boxes: dict[str, Rect]) -> Attrs:
    """A frame drawn around other boxes has its size given; every other box is sized by its
    label, as it was measured."""
    if not name.endswith("_box"):
        return attrs
    box = boxes[name]
    return attrs | {"fixedsize": "true", "width": f"{(box.x1 - box.x0) / 72:.3f}",
                    "height": f"{(box.y1 - box.y0) / 72:.3f}"}  # fmt: skip


def _spline(points: Sequence[Point], bottom: float, arrow: bool) -> str:
    """A polyline as Graphviz's edge `pos`: cubic Bézier pieces, straight along each segment
    and rounded at each corner; with `arrow`, the line stops short and the head reaches the
    last point."""
    pts = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    head = ""
    if arrow:
        x1, y1 = pts[-1]
        pts[-1] = _toward(pts[-1], pts[-2], min(ARROWHEAD, _length(pts[-2], pts[-1]) * 0.6))
        head = f"e,{x1:.2f},{bottom - y1:.2f} "
    out = [pts[0]]
    for i in range(1, len(pts) - 1):
        corner = pts[i]
        r = min(CORNER, _length(pts[i - 1], corner) / 2, _length(corner, pts[i + 1]) / 2)
        before, after = _toward(corner, pts[i - 1], r), _toward(corner, pts[i + 1], r)
        out += _straight(out[-1], before) + [corner, corner, after]
    out += _straight(out[-1], pts[-1])
    return head + " ".join(f"{x:.2f},{bottom - y:.2f}" for x, y in out)


CORNER = 6.0  # points: the radius of a message's turn


def _straight(a: Point, b: Point) -> list[Point]:
    """The control points and end of a straight Bézier piece from a to b."""
    (ax, ay), (bx, by) = a, b
    return [(ax + (bx - ax) / 3, ay + (by - ay) / 3), (ax + 2 * (bx - ax) / 3,
            ay + 2 * (by - ay) / 3), b]  # fmt: skip


def _toward(a: Point, b: Point, distance: float) -> Point:
    length = _length(a, b)
    if length == 0:
        return a
    return (a[0] + (b[0] - a[0]) * distance / length, a[1] + (b[1] - a[1]) * distance / length)


def _length(a: Point, b: Point) -> float:
    return float(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5)


# ---------------------------------------------------------------- the grid


def _grid(chart: Chart) -> _Grid:
    ranks: list[tuple[Node | None, ...]] = [_header(chart)]
    crashed: list[frozenset[int]] = [frozenset()]
    row_rank: list[int] = []
    loop_rows = _loop_rows(chart)
    loop: tuple[int, int] | None = None
    for r, row in enumerate(chart.rows):
        if loop_rows and r == loop_rows[0]:
            label = html_label([(f"↻ {_loop_text(chart)}", "L")], align="RIGHT")
            ranks.append((("loop_g", {**TEXT, "label": label, "class": "loop"}),))
            crashed.append(crashed[-1])
            loop = (len(ranks) - 1, len(ranks) - 1)
        row_rank.append(len(ranks))
        ranks.append(_row(chart, r, row))
        crashed.append(row.down)
    if loop is not None:
        loop = (loop[0], len(ranks) - 1)
    flying = [a for a in chart.arrows if a.ended is None]
    fly_rank = None
    if flying:
        fly_rank = len(ranks)
        ranks.append(_in_flight(chart, flying))
        crashed.append(crashed[-1])
    ranks.append(_final(chart))
    crashed.append(crashed[-1])
    return _Grid(tuple(ranks), tuple(row_rank), loop, fly_rank, tuple(crashed))


def _links(chart: Chart, grid: _Grid) -> list[Link]:
    out = []
    for number, arrow in enumerate(chart.arrows):
        end = grid.fly_rank if arrow.ended is None else grid.row_rank[arrow.ended]
        assert end is not None
        src, dst = (grid.row_rank[arrow.start], arrow.src + 1), (end, arrow.dst + 1)
        out.append(Link(f"msg{number}", src, dst))
    return out


def _lifelines(graph: graphviz.Digraph, grid: _Grid, layout: Layout, bottom: float) -> None:
    """One line per lane between each two cells of it, dotted while the node is crashed."""
    lanes = max(len(rank) for rank in grid.ranks)
    for column in range(1, lanes):
        cells = [(r, rank[column]) for r, rank in enumerate(grid.ranks)
                 if column < len(rank) and rank[column] is not None]  # fmt: skip
        for (r, upper), (_, lower) in zip(cells, cells[1:], strict=False):
            assert upper is not None and lower is not None
            a, b = layout.boxes[upper[0]], layout.boxes[lower[0]]
            x = (layout.columns[column][0] + layout.columns[column][1]) / 2
            style = "dotted" if column - 1 in grid.crashed[r] else "solid"
            graph.edge(upper[0], lower[0], pos=_spline([(x, a.y1), (x, b.y0)], bottom, False),
                       dir="none", color=GREY, style=style, penwidth="1.2",
                       **{"class": "lifeline"})  # fmt: skip


def _loop_frame(layout: Layout, ranks: tuple[int, int]) -> Rect:
    """A box around the rows that repeat (an edge back up the chart would cut across every
    lane), from its label in the gutter to the last lane."""
    top, bottom = layout.ranks[ranks[0]][0], layout.ranks[ranks[1]][1]
    left, right = layout.columns[0][0], layout.columns[-1][1]
    return Rect(left - PAD, top - PAD / 2, right + PAD, bottom + PAD / 2)


def _header(chart: Chart) -> tuple[Node | None, ...]:
    cells: list[Node | None] = [("h_g", {**TEXT, "label": "step", "class": "gutter"})]
    for lane, name in enumerate(chart.lanes):
        attrs = {"shape": "box", "style": "filled,bold", "fillcolor": "#dde7f3",
                 "label": html_label([(name, "B")]), "class": "lane"}  # fmt: skip
        cells.append((f"h_{lane}", attrs))
    return tuple(cells)


def _row(chart: Chart, r: int, row: Row) -> tuple[Node | None, ...]:
    last = r == len(chart.rows) - 1 and chart.loop_start is None  # where a safety trace breaks
    lost = {a.dst for a in chart.arrows if a.ended == r and a.fate == "lost"}
    gutter_lines = [(str(row.index), "B")]
    if row.lane is None:
        gutter_lines += [(row.title, "I")]
    gutter_lines += [(note, "") for note in row.other]
    gutter_lines += _loop_marks(chart, r)
    label = html_label(gutter_lines, align="RIGHT")
    gutter = {**TEXT, "label": label, "class": "step"}
    if last:
        gutter["fontcolor"] = RED
    cells: list[Node | None] = [(f"r{r}_g", gutter)]
    for lane in range(len(chart.lanes)):
        cells.append((f"r{r}_{lane}", _cell_attrs(row, lane, lane in lost, last)))
    return tuple(cells)


def _loop_rows(chart: Chart) -> range:
    """The rows a lasso repeats forever (after the loop's start), or the row it stutters in."""
    start, last = chart.loop_start, len(chart.rows) - 1
    if start is None:
        return range(0)
    return range(start, last + 1) if start == last else range(start + 1, last + 1)


def _loop_text(chart: Chart) -> str:
    rows = _loop_rows(chart)
    first, last = chart.rows[rows[0]].index, chart.rows[rows[-1]].index
    if chart.loop_start == len(chart.rows) - 1:
        return "stutters here forever"
    if first == last:
        return f"step {first} repeats forever"
    return f"steps {first}–{last} repeat forever"


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


def _cell_attrs(row: Row, lane: int, lost: bool, last: bool) -> Attrs:
    notes = row.notes[lane]
    acting = row.lane == lane
    if lost and not acting:
        return {**TEXT, "label": "✕", "fontsize": "20", "fontcolor": RED,
                "class": "lost", "tooltip": row.title}  # fmt: skip
    if not acting and not notes:
        return dict(POINT)
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


def _in_flight(chart: Chart, flying: Sequence[Arrow]) -> tuple[Node | None, ...]:
    """Where the messages still in the network at the end would arrive, and what they are."""
    cells: list[Node | None] = [None]
    for lane in range(len(chart.lanes)):
        bodies = [a.label for a in flying if a.dst == lane]
        cells.append(
            (f"fly_{lane}", {**TEXT, "fontcolor": GREY, "class": "in-flight",
                             "label": html_label([("in flight:", "I"), *((b, "") for b in bodies)])})
            if bodies
            else None
        )  # fmt: skip
    return tuple(cells)


def _final(chart: Chart) -> tuple[Node | None, ...]:
    """The final state of each lane; the values the violated property reads in red."""
    verdict = {**TEXT, "fontcolor": RED, "class": "violation",
               "label": html_label([(chart.verdict, "B")], align="RIGHT")}  # fmt: skip
    cells: list[Node | None] = [("end_g", verdict)]
    for lane in range(len(chart.lanes)):
        values = chart.final[lane] if lane < len(chart.final) else ()
        lines = [(_final_title(chart), "I")]
        lines += [(f"{var} = {value}", "R" if read else "") for var, value, read in values]
        attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "color": RED,
                 "penwidth": "1.5", "label": html_label(lines), "class": "final"}  # fmt: skip
        cells.append((f"end_{lane}", attrs))
    return tuple(cells)


def _final_title(chart: Chart) -> str:
    """A lasso does not end: its last state is where it stutters, or the loop's start again."""
    start, last = chart.loop_start, len(chart.rows) - 1
    if start is None:
        return "final state"
    if start == last:
        return "stutters in this state"
    return f"state {chart.rows[last].index} = state {chart.rows[start].index}"


def _arrow(
    graph: graphviz.Digraph, number: int, arrow: Arrow, path: Sequence[Point], bottom: float
) -> None:
    head = f"r{arrow.ended}_{arrow.dst}" if arrow.ended is not None else f"fly_{arrow.dst}"
    copy = arrow.copied is not None
    label = f"{arrow.label} (copy)" if copy else arrow.label
    style = dict(ARROW_STYLE[arrow.fate])
    if copy:
        style["style"] = "dashed"
    fate = arrow.fate.replace(" ", "-") + (" copy" if copy else "")
    graph.edge(f"r{arrow.start}_{arrow.src}", head, tooltip=label, id=f"msg{number}",
               pos=_spline(path, bottom, arrow=True), **style,
               **{"class": f"message {fate}"})  # fmt: skip


# ---------------------------------------------------------------- the legend


@dataclass(frozen=True)
class _Item:
    """One entry of the legend: a sample (a short arrow between two hidden points, or a box
    or text drawn as in the chart) and what it means."""

    key: str
    nodes: tuple[Node, ...]  # the sample's nodes (for an arrow its two ends), then the text
    arrow: Attrs | None = None


def _legend_items(chart: Chart) -> list[_Item]:
    """An entry for each kind of thing the chart shows, and only those."""
    arrows = chart.arrows
    kinds = {row.kind for row in chart.rows}
    out: list[_Item] = []
    if any(a.fate == "delivered" and a.copied is None for a in arrows):
        out.append(_arrow_item("delivered", ARROW_STYLE["delivered"], "message: sent → received"))
    if any(a.copied is not None for a in arrows):
        out.append(_arrow_item("copy", ARROW_STYLE["delivered"] | {"style": "dashed"},
                               "copy left by a duplicate step"))  # fmt: skip
    if any(a.fate == "lost" for a in arrows):
        out.append(_arrow_item("lost", ARROW_STYLE["lost"], "lost message (✕ where it was due)"))
    if any(a.fate == "in flight" for a in arrows):
        out.append(_arrow_item("in-flight", ARROW_STYLE["in flight"], "still in flight at the end"))
    if "crash" in kinds:
        crash = {"color": RED, "fontcolor": RED, "style": "rounded,filled,bold"}
        out.append(_box_item("crash", "crash", crash, "node crashed (dotted lifeline: down)"))
    if "restart" in kinds:
        out.append(_box_item("restart", "restart", {}, "node restarted"))
    if chart.rows and chart.loop_start is None:
        out.append(_box_item("last", "step", {"color": RED, "penwidth": "2"},
                             "the step that breaks the property"))  # fmt: skip
    if any(read for lane in chart.final for _, _, read in lane):
        sample = ("legend_read", {**TEXT, "class": "legend",
                                  "label": html_label([("x = 1", "R")])})  # fmt: skip
        out.append(_Item("read", (sample, _legend_text("read", "a value the property reads"))))
    if chart.loop_start is not None:
        frame = {"shape": "box", "style": "rounded,dashed", "color": BLUE, "class": "legend",
                 "label": html_label([("↻", "L")])}  # fmt: skip
        out.append(_Item("loop", (("legend_loop", frame),
                                  _legend_text("loop", "steps that repeat forever"))))  # fmt: skip
    return out


def _arrow_item(key: str, style: Attrs, text: str) -> _Item:
    ends = tuple((f"legend_{key}_{end}", {"shape": "point", "style": "invis", "width": "0.01",
                                           "label": "", "class": "legend"})
                 for end in ("a", "b"))  # fmt: skip
    return _Item(key, (*ends, _legend_text(key, text)), style | {"class": f"legend legend-{key}"})


def _box_item(key: str, word: str, attrs: Attrs, text: str) -> _Item:
    fill = FILL.get(key, FILL["action"])
    box = {"shape": "box", "style": "rounded,filled", "fillcolor": fill, "color": GREY,
           "label": html_label([(word, "B")]), "class": "legend"} | attrs  # fmt: skip
    return _Item(key, ((f"legend_{key}", box), _legend_text(key, text)))


def _legend_text(key: str, text: str) -> Node:
    return (f"legend_{key}_text", {**TEXT, "class": "legend",
                                   "label": html_label([(text, "")], width=60)})  # fmt: skip


SAMPLE = 36.0  # points: the length of a legend's sample arrow


def _place_legend(
    items: Sequence[_Item], sizes: dict[str, tuple[float, float]], layout: Layout,
    boxes: dict[str, Rect],
) -> list[tuple[str, str, list[Point], Attrs]]:
    """The entries in lines under the chart, as wide as it (or 420 points), boxed; returns
    the sample arrows to draw."""
    width = max(layout.width, 420.0)
    top = max(layout.height, max((b.y1 for b in boxes.values()), default=0.0)) + 2 * PAD + 8
    x, y, line_h = PAD, top + PAD, 0.0
    arrows: list[tuple[str, str, list[Point], Attrs]] = []
    for item in items:
        *sample, text = item.nodes
        sample_w = SAMPLE if item.arrow is not None else sizes[sample[0][0]][0]
        text_w, text_h = sizes[text[0]]
        h = max(text_h, *(sizes[n][1] for n, _ in sample))
        if x > PAD and x + sample_w + 6 + text_w > width - PAD:
            x, y, line_h = PAD, y + line_h + 6, 0.0
        cy = y + h / 2
        if item.arrow is not None:
            (a, _), (b, _) = sample
            boxes[a] = Rect(x, cy - 1, x + 2, cy + 1)
            boxes[b] = Rect(x + SAMPLE - 2, cy - 1, x + SAMPLE, cy + 1)
            arrows.append((a, b, [(x, cy), (x + SAMPLE, cy)], item.arrow))
        else:
            sw, sh = sizes[sample[0][0]]
            boxes[sample[0][0]] = Rect(x, cy - sh / 2, x + sw, cy + sh / 2)
        left = x + sample_w + 6
        boxes[text[0]] = Rect(left, cy - text_h / 2, left + text_w, cy + text_h / 2)
        x, line_h = left + text_w + 18, max(line_h, h)
    boxes["legend_box"] = Rect(0, top, width, y + line_h + PAD)
    return arrows


# ---------------------------------------------------------------- measuring


def measure(nodes: Sequence[Node]) -> dict[str, tuple[float, float]]:
    """Each node's width and height in points, as Graphviz sizes it for its label (one run of
    `neato -n2 -Tplain`); estimated from the text when Graphviz is missing."""
    graph = graphviz.Digraph(engine="neato", node_attr={"fontname": FONT, "fontsize": "11"})
    for name, attrs in nodes:
        graph.node(name, pos="0,0", **attrs)
    try:
        plain = graph.pipe(format="plain", neato_no_op=2).decode()
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return {name: _estimate(attrs) for name, attrs in nodes}
    sizes = {}
    for line in plain.splitlines():
        words = line.split(" ", 6)
        if words[0] == "node":
            sizes[words[1].strip('"')] = (float(words[4]) * 72, float(words[5]) * 72)
    return sizes


def _estimate(attrs: Attrs) -> tuple[float, float]:
    """A label's size from its characters, for a .dot file written without Graphviz."""
    if attrs.get("shape") == "point":
        return (5.0, 5.0)
    text = re.sub(r"<BR[^>]*>", "\n", attrs.get("label", ""))
    lines = re.sub(r"<[^>]+>", "", text).strip("<>").splitlines() or [""]
    size = float(attrs.get("fontsize", "11"))
    return (max(len(line) for line in lines) * size * 0.6 + 18, len(lines) * size * 1.25 + 10)


# ---------------------------------------------------------------- labels


def html_label(lines: Sequence[Line], align: str = "LEFT", width: int = WRAP) -> str:
    """An HTML-like label: each line wrapped at `width` characters, never inside a value
    (trace/wrap.py), at most MAX_LINES in all."""
    out: list[str] = []
    for text, style in lines:
        for piece in wrap(text, width):
            out.append(_styled(_indented(escape(piece, quote=False)), style))
    if len(out) > MAX_LINES:
        out = out[: MAX_LINES - 1] + [f"<I>… {len(out) - MAX_LINES + 1} more lines</I>"]
    br = f'<BR ALIGN="{align}"/>'
    return "<" + br.join(out) + br + ">"


def _indented(text: str) -> str:
    """A continuation line's indent in no-break spaces: an SVG viewer drops leading spaces."""
    body = text.lstrip(" ")
    return "&#160;" * (len(text) - len(body)) + body


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
