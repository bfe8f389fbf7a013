"""The sequence chart's layout, read back from the SVG as geometry (tests/trace/svg_layout.py):
no message cuts through a box it does not start or end at, the lanes are straight, the chart
has a legend of what it shows, no lane is empty, and no value is split in the middle.

The layout itself (trace/layout.py) is also tried on random grids, without Graphviz."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.trace.models import mini_commit
from tests.trace.svg_layout import SVG, boxes, curves, cut_boxes
from tests.trace.test_dot import long_run, ring, story
from verikit import api
from verikit.trace.chart import build_chart
from verikit.trace.dot import write_diagram
from verikit.trace.layout import Cell, Link, crosses, lay_out
from verikit.trace.trace import Trace

ROOT = Path(__file__).resolve().parents[2]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")

# bundled bug specs with a small search (the Python backend finds each in about a second):
# broadcasts, crashes and restarts, a lasso, global variables read and unread
SPECS = [
    "two_phase_commit_buggy",
    "two_phase_commit_crash_buggy",
    "lease_no_fencing",
    "saga_compensation_not_idempotent",
    "queue_idempotent_no_dedup",
    "failure_detector_shared_timer",
    "anti_entropy_lww",
]


def rendered(trace: Trace, model: object, path: Path) -> ET.Element:
    outcome = write_diagram(trace, model, path)  # type: ignore[arg-type]
    assert outcome.ok, outcome.message
    return ET.parse(path).getroot()


def counterexample(spec: Path) -> tuple[Trace, api.Loaded]:
    report = api.check_file(spec, backend="python")
    assert report.traces and report.loaded is not None, report.verdict
    return report.traces[0], report.loaded


# ---------------------------------------------------------------- arrows and boxes


@needs_dot
def test_no_message_of_a_long_run_cuts_a_box(tmp_path: Path) -> None:
    """30 steps on five nodes: messages skip rows, cross lanes, are lost, copied, in flight."""
    root = rendered(long_run(), ring().model, tmp_path / "ring.svg")
    assert len(curves(root, "message")) > 15
    assert cut_boxes(root) == []


@needs_dot
@pytest.mark.parametrize("name", SPECS)
def test_no_message_of_a_bundled_counterexample_cuts_a_box(name: str, tmp_path: Path) -> None:
    trace, loaded = counterexample(ROOT / "specs" / f"{name}.dsl")
    root = rendered(trace, loaded.model, tmp_path / f"{name}.svg")
    assert cut_boxes(root) == []
    assert cut_boxes(root, "lifeline") == []


@needs_dot
def test_the_check_sees_an_edge_that_cuts_a_box(tmp_path: Path) -> None:
    """What the tests above rely on: Graphviz's own straight edge through a box is found."""
    graph = graphviz.Digraph(engine="neato")
    for name, pos in (("a", "0,0"), ("b", "0,200"), ("middle", "0,100")):
        graph.node(name, pos=pos, shape="box")
    graph.edge("a", "b", pos="e,0,180 0,18 0,60 0,120 0,170", **{"class": "message"})
    path = tmp_path / "cut.svg"
    path.write_bytes(graph.pipe(format="svg", neato_no_op=2))
    assert cut_boxes(ET.parse(path).getroot()) == ["a->b cuts middle (middle)"]


@needs_dot
def test_every_message_starts_and_ends_at_its_own_boxes(tmp_path: Path) -> None:
    """An arrow leaves its sender's box at the bottom and ends at the receiver's top."""
    c = mini_commit()
    root = rendered(story(c), c.model, tmp_path / "cex.svg")
    where = {box.name: box.rect for box in boxes(root)}
    for curve in curves(root, "message"):
        tail, head = where[curve.tail], where[curve.head]
        (x0, y0) = curve.points[0]
        assert tail.x0 <= x0 <= tail.x1 and abs(y0 - tail.y1) < 2
        assert curve.points[-1][1] < head.y0 + 1  # the arrowhead finishes the last points
    assert len(curves(root, "message")) == 4


def test_a_message_blocked_by_a_box_goes_around_it() -> None:
    """Lane 1 sends to lane 3 two rows down; a wide box in lane 2 is in the straight line's
    way, so the message runs down a channel between columns."""
    ranks = [
        [Cell("g0", 10, 10), Cell("a0", 40, 20), Cell("b0", 40, 20), Cell("c0", 40, 20)],
        [Cell("g1", 10, 10), Cell("a1", 4, 4, obstacle=False), Cell("b1", 200, 60),
         Cell("c1", 4, 4, obstacle=False)],
        [Cell("g2", 10, 10), Cell("a2", 4, 4, obstacle=False), Cell("b2", 4, 4, obstacle=False),
         Cell("c2", 40, 20)],
    ]  # fmt: skip
    layout = lay_out(ranks, [Link("m", (0, 1), (2, 3))])
    path = layout.paths["m"]
    assert len(path) > 2  # not straight
    wide = layout.boxes["b1"]
    assert not any(crosses(a, b, wide) for a, b in zip(path, path[1:], strict=False))


@st.composite
def grids(draw: st.DrawFn) -> tuple[list[list[Cell | None]], list[Link]]:
    lanes = draw(st.integers(1, 4))
    rows = draw(st.integers(2, 7))
    ranks: list[list[Cell | None]] = []
    for r in range(rows):
        rank: list[Cell | None] = [Cell(f"g{r}", draw(st.integers(5, 60)), 12)]
        for lane in range(1, lanes + 1):
            if draw(st.booleans()):
                w, h = draw(st.integers(10, 220)), draw(st.integers(10, 90))
                rank.append(Cell(f"c{r}_{lane}", w, h))
            else:
                rank.append(Cell(f"c{r}_{lane}", 4, 4, obstacle=False))
        ranks.append(rank)
    links = []
    for n in range(draw(st.integers(0, 8))):
        src = draw(st.integers(0, rows - 2))
        dst = draw(st.integers(src + 1, rows - 1))
        links.append(Link(f"m{n}", (src, draw(st.integers(1, lanes))),
                          (dst, draw(st.integers(1, lanes)))))  # fmt: skip
    return ranks, links


@settings(max_examples=150, deadline=None)
@given(grids())
def test_on_any_grid_no_path_crosses_a_box_but_its_own_ends(
    grid: tuple[list[list[Cell | None]], list[Link]],
) -> None:
    ranks, links = grid
    layout = lay_out(ranks, links)
    cells = {c.name: c for rank in ranks for c in rank if c is not None}
    at = {link.name: link for link in links}
    for name, path in layout.paths.items():
        link = at[name]
        own = {ranks[link.src[0]][link.src[1]], ranks[link.dst[0]][link.dst[1]]}
        for cell_name, box in layout.boxes.items():
            if cells[cell_name] in own or not cells[cell_name].obstacle:
                continue
            segments = zip(path, path[1:], strict=False)
            assert not any(crosses(a, b, box) for a, b in segments), (name, cell_name)
    for (left, right), (next_left, _) in zip(layout.columns, layout.columns[1:], strict=False):
        assert left <= right < next_left  # columns never overlap


# ---------------------------------------------------------------- legend, lanes, labels


def legend_texts(root: ET.Element) -> str:
    return " ".join(
        " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
        for g in root.iter(f"{SVG}g")
        if "legend" in (g.get("class") or "").split()
    )


@needs_dot
def test_the_legend_explains_what_the_chart_shows_and_only_that(tmp_path: Path) -> None:
    c = mini_commit()
    root = rendered(story(c), c.model, tmp_path / "cex.svg")
    legend = legend_texts(root)
    for words in ("message: sent → received", "copy left by a duplicate step", "lost message",
                  "the step that breaks the property"):  # fmt: skip
        assert words in legend
    assert "crash" not in legend and "repeat forever" not in legend
    assert "a value the property reads" not in legend  # this walk names no values
    (frame,) = [b for b in boxes(root) if "legend-box" in b.classes]
    inside = [b for b in boxes(root) if "legend" in b.classes]
    assert inside and all(frame.rect.x0 <= b.rect.x0 and b.rect.y1 <= frame.rect.y1 for b in inside)
    chart = max(b.rect.y1 for b in boxes(root) if "final" in b.classes)
    assert frame.rect.y0 > chart  # below the chart, never over it


@needs_dot
def test_a_crash_and_a_loop_have_their_legend_entries(tmp_path: Path) -> None:
    trace, loaded = counterexample(ROOT / "specs" / "two_phase_commit_crash_buggy.dsl")
    legend = legend_texts(rendered(trace, loaded.model, tmp_path / "crash.svg"))
    assert "node crashed" in legend and "a value the property reads" in legend
    trace, loaded = counterexample(ROOT / "specs" / "failure_detector_shared_timer.dsl")
    assert "steps that repeat forever" in legend_texts(
        rendered(trace, loaded.model, tmp_path / "loop.svg")
    )


IDLE_GLOBALS = """spec IdleGlobals
message Hello {}
network { loss: true  reorder: true }
var budget: 0..3 = 3
node A {
  var sent: bool = false
  action hello when not sent { sent = true; send Hello {} to B }
}
node B {
  var got: bool = false
  on Hello { got = true }
}
invariant NeverGot: not B.got%s
"""


@needs_dot
def test_a_globals_lane_where_nothing_happens_takes_no_column(tmp_path: Path) -> None:
    spec = tmp_path / "idle.dsl"
    spec.write_text(IDLE_GLOBALS % "")
    trace, loaded = counterexample(spec)
    chart = build_chart(trace, loaded.model)
    assert chart.lanes == ("A", "B")
    assert "budget = 3" in chart.rows[0].other  # told once, beside the initial state
    root = rendered(trace, loaded.model, tmp_path / "idle.svg")
    assert [b.text.strip() for b in boxes(root) if "lane" in b.classes] == ["A", "B"]


def test_a_globals_lane_the_property_reads_is_kept(tmp_path: Path) -> None:
    spec = tmp_path / "read.dsl"
    spec.write_text(IDLE_GLOBALS % " or budget == 0")
    trace, loaded = counterexample(spec)
    chart = build_chart(trace, loaded.model)
    assert chart.lanes == ("A", "B", "globals")
    assert chart.final[2] == (("budget", "3", True),)


@needs_dot
@pytest.mark.parametrize("name", ["lease_no_fencing", "anti_entropy_lww"])
def test_no_lane_of_a_bundled_chart_is_empty(name: str, tmp_path: Path) -> None:
    """Each lane's column holds a box besides its header, its lifeline ticks and final state."""
    trace, loaded = counterexample(ROOT / "specs" / f"{name}.dsl")
    chart = build_chart(trace, loaded.model)
    root = rendered(trace, loaded.model, tmp_path / "c.svg")
    cells = [b.name for b in boxes(root) if "cell" in b.classes or "in-flight" in b.classes]
    for lane in range(len(chart.lanes)):
        assert any(name.endswith(f"_{lane}") for name in cells), chart.lanes[lane]


LITERAL = re.compile(r"\w+ \{[^{}]*\}")


@needs_dot
def test_a_record_is_never_split_in_the_middle(tmp_path: Path) -> None:
    """A line of a label ends inside a record only after a field (at a comma), and a record
    short enough for a line of its own is never split at all."""
    trace, loaded = counterexample(ROOT / "specs" / "lease_no_fencing.dsl")
    root = rendered(trace, loaded.model, tmp_path / "lease.svg")
    for group in root.iter(f"{SVG}g"):
        lines = [t.text or "" for t in group.iter(f"{SVG}text")]
        for line in lines:
            if line.count("{") > line.count("}"):
                assert line.rstrip().endswith(","), line
        whole = " ".join(" ".join(lines).split())
        for literal in LITERAL.findall(whole):
            if len(literal) <= 37:
                assert any(literal in line for line in lines), literal
