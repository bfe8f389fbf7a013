"""trace.chart and trace.dot: the message sequence chart of a counterexample, drawn by Graphviz.

Hand-built traces first (tests/trace/models.py replayed, and a 30-step ring of five nodes),
then real counterexamples of the corpus rendered to SVG and PNG and read back.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import graphviz
import pytest

from tests.engine.fakes import FakeAction, fake, prop, two_phase
from tests.trace.models import fifo_ping, mini_commit
from tests.trace.test_replay import action, walk
from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core.model import NetworkInfo, Var
from verikit.core.types import (
    BOOL,
    BagType,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    RecordType,
    SeqType,
)
from verikit.engine import Discovery, check
from verikit.trace import Trace, replay
from verikit.trace.chart import Arrow, Chart, build_chart
from verikit.trace.dot import WRAP, render_chart, write_diagram
from verikit.trace.itf import ItfError, to_itf
from verikit.trace.saved import trace_from_itf

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

Pick = Callable[[Successor], bool]


def walked(
    c: CompiledModel, *picks: Pick, prop: str = "(a walk)", kind: str = "reachable"
) -> Trace:
    trace = replay(c, Discovery("(a walk)", "reachable", walk(c, *picks)))
    return dataclasses.replace(trace, property=prop, kind=kind)


def voting(c: CompiledModel, participant: int, yes: bool) -> Pick:
    """Participant `participant` receives its Prepare and votes `yes`."""
    index = [a.name for a in c.model.actions].index("Participant.on_Prepare")
    return lambda s: (
        s.action == index
        and s.params[0] == participant
        and ("Vote", yes) in [e[2] for e, _ in s.state[3]]
    )


def story(c: CompiledModel) -> Trace:
    """begin; P1 votes yes; the vote is duplicated, both copies delivered; P2's Prepare lost."""
    return walked(
        c,
        action(c, "Coordinator.begin"),
        voting(c, 1, True),
        action(c, "duplicate", (1, 0, ("Vote", True))),
        action(c, "Coordinator.on_Vote"),
        action(c, "Coordinator.on_Vote"),
        action(c, "drop", (0, 2, ("Prepare",))),
        prop="NotBothPrepared",
        kind="invariant",
    )


# ---------------------------------------------------------------- the chart as data


def test_one_lane_per_node_and_one_row_per_step() -> None:
    c = mini_commit()
    chart = build_chart(story(c), c.model)
    assert chart.lanes == ("Coordinator", "Participant[1]", "Participant[2]")
    assert [row.index for row in chart.rows] == list(range(7))
    assert [row.lane for row in chart.rows] == [None, 0, 1, None, 0, 0, None]


def test_every_message_goes_from_its_send_row_to_the_row_that_ends_it() -> None:
    c = mini_commit()
    arrows = build_chart(story(c), c.model).arrows
    assert arrows == (
        Arrow(0, 1, 1, 2, "delivered", "Prepare"),
        Arrow(0, 2, 1, 6, "lost", "Prepare"),
        Arrow(1, 0, 2, 4, "delivered", "Vote { yes: true }"),
        Arrow(1, 0, 2, 5, "delivered", "Vote { yes: true }", copied=3),
    )


def test_messages_still_in_the_network_at_the_end_are_in_flight() -> None:
    c = mini_commit()
    trace = walked(c, action(c, "Coordinator.begin"), voting(c, 2, False))
    arrows = build_chart(trace, c.model).arrows
    assert [(a.dst, a.ended, a.fate) for a in arrows] == [
        (1, None, "in flight"),
        (2, 2, "delivered"),
        (0, None, "in flight"),
    ]


def test_changes_are_shown_in_the_lane_of_the_node_they_belong_to() -> None:
    c = mini_commit()
    rows = build_chart(story(c), c.model).rows
    assert rows[0].notes == (
        ("phase = Init", "yes = {}"),
        ("state = Working",),
        ("state = Working",),
    )
    assert rows[2].title == "receive Prepare"
    assert rows[2].notes == ((), ("state: Working → Prepared",), ())
    assert rows[6].title == "lost: Prepare Coordinator → Participant[2]"


def test_a_crashed_node_is_down_until_the_end_of_the_trace() -> None:
    c = mini_commit()
    trace = walked(c, action(c, "Coordinator.begin"), action(c, "crash", 2))
    rows = build_chart(trace, c.model).rows
    assert (rows[2].kind, rows[2].lane, rows[2].title) == ("crash", 2, "crash")
    assert [row.down for row in rows] == [frozenset(), frozenset(), frozenset({2})]


def test_fifo_channels_pair_each_delivery_with_the_oldest_send() -> None:
    c = fifo_ping()
    send, receive = action(c, "Client.send"), action(c, "Server.on Ping")
    chart = build_chart(walked(c, send, send, receive, action(c, "network.drop")), c.model)
    assert chart.lanes == ("Client", "Server")
    assert chart.arrows == (
        Arrow(0, 1, 1, 3, "delivered", "Ping { n: 1 }"),
        Arrow(0, 1, 2, 4, "lost", "Ping { n: 2 }"),
    )
    assert all(not any("network" in n for n in row.notes[0] + row.other) for row in chart.rows)


def test_a_spec_without_nodes_has_one_lane_for_its_state() -> None:
    c = two_phase(2)
    (witness,) = check(c).witnesses
    chart = build_chart(replay(c, witness), c.model)
    assert chart.lanes == ("state",)
    assert chart.arrows == ()
    assert chart.rows[1].lane == 0 and chart.rows[1].title == "RMPrepare(r: 1)"
    assert chart.verdict == "✓ reachable SomeoneCommits reached"


def test_the_final_state_marks_the_values_the_violated_property_reads() -> None:
    c = mini_commit()
    chart = build_chart(replay(c, check(c).violations[0]), c.model)
    assert chart.verdict == "✗ invariant NotBothPrepared violated"
    assert chart.final[1] == (("state", "Prepared", True),)
    assert ("phase", "Waiting", False) in chart.final[0]


# ---------------------------------------------------------------- a long run on five nodes

NODE = NodeGroup("Node", 0, 5)
NODE_T = NodeType((NODE,))
TOKEN = MessageType((RecordType("Token", (("n", IntType(0, 40)),)),))
RING_ENTRY = RecordType("Envelope", (("src", NODE_T), ("dst", NODE_T), ("msg", TOKEN)))
COUNT, LOG, NET, UP = range(4)


def ring() -> CompiledModel:
    """Five nodes pass tokens to the next one; the network may lose or copy them; nodes crash
    and restart. `log` grows long so labels must wrap."""

    def put(s: State, slot: int, node: int, value: Any) -> State:
        return s[:slot] + (s[slot][:node] + (value,) + s[slot][node + 1 :],) + s[slot + 1 :]

    def bag(s: State, entry: Any, delta: int) -> State:
        counts = dict(s[NET])
        counts[entry] = counts.get(entry, 0) + delta
        return s[:NET] + (frozenset((e, n) for e, n in counts.items() if n),) + s[NET + 1 :]

    def entries(s: State) -> list[Any]:
        return sorted(e for e, _ in s[NET])

    def pass_token(s: State) -> Iterator[tuple[tuple[Any, ...], State]]:
        for i in NODE.ids:
            if s[UP][i]:
                n = s[COUNT][i] + 1
                t = put(
                    put(s, COUNT, i, n), LOG, i, s[LOG][i] + tuple((n + k) % 10 for k in range(4))
                )
                yield (i,), bag(t, (i, (i + 1) % 5, ("Token", n)), +1)

    def receive(s: State) -> Iterator[tuple[tuple[Any, ...], State]]:
        for e in entries(s):
            if s[UP][e[1]]:
                yield (e[1], e), put(bag(s, e, -1), COUNT, e[1], max(s[COUNT][e[1]], e[2][1]))

    def drop(s: State) -> Iterator[tuple[tuple[Any, ...], State]]:
        for e in entries(s):
            yield (e,), bag(s, e, -1)

    def duplicate(s: State) -> Iterator[tuple[tuple[Any, ...], State]]:
        for e in entries(s):
            yield (e,), bag(s, e, +1)

    def crash(s: State) -> Iterator[tuple[tuple[Any, ...], State]]:
        for i in NODE.ids:
            if s[UP][i]:
                yield (i,), put(put(s, UP, i, False), COUNT, i, 0)

    def restart(s: State) -> Iterator[tuple[tuple[Any, ...], State]]:
        for i in NODE.ids:
            if not s[UP][i]:
                yield (i,), put(s, UP, i, True)

    node, msg = (("self", NODE_T),), (("m", RING_ENTRY),)
    actions = [
        FakeAction("Node.pass", pass_token, params=node, node_param="self"),
        FakeAction("Node.on_Token", receive, "receive", node + msg, "self", "m"),
        FakeAction("network.drop", drop, "drop", msg, message_param="m"),
        FakeAction("network.duplicate", duplicate, "duplicate", msg, message_param="m"),
        FakeAction("Node.crash", crash, "crash", node, node_param="self"),
        FakeAction("Node.restart", restart, "restart", node, node_param="self"),
    ]
    vars_ = (
        Var("Node.count", MapType(NODE_T, IntType(0, 40)), owner="Node", display="count"),
        Var("Node.log", MapType(NODE_T, SeqType(IntType(0, 9))), owner="Node", display="log"),
        Var("network", BagType(RING_ENTRY), role="network"),
        Var("up", MapType(NODE_T, BOOL), role="up"),
    )
    initial = ((0,) * 5, ((),) * 5, frozenset(), (True,) * 5)
    properties = [prop("invariant", "Small", lambda s: max(s[COUNT]) < 9, reads=(COUNT,))]
    network = NetworkInfo(NET, True, True, True, True, False, None)
    return fake(vars_, [initial], actions, properties, name="Ring", nodes=(NODE,),
                network=network)  # fmt: skip


def long_run() -> Trace:
    """30 steps: every node passes tokens, most are delivered, some lost, one copied, node 4
    crashes and restarts; a few tokens are still in flight at the end."""
    c = ring()
    script = "p0 p1 p2 p3 p4 r p1 r p2 d p0 r u r r c3 p4 p4 r R3 p2 r p0 p1 p1 r r d p3 r"
    names = {"p": "Node.pass", "r": "Node.on_Token", "d": "network.drop",
             "u": "network.duplicate", "c": "Node.crash", "R": "Node.restart"}  # fmt: skip
    picks = [action(c, names[w[0]], *(int(n) for n in w[1:])) for w in script.split()]
    return walked(c, *picks, prop="Small", kind="invariant")


def test_the_long_run_has_thirty_steps_on_five_lanes() -> None:
    chart = build_chart(long_run(), ring().model)
    assert len(chart.rows) == 31 and len(chart.lanes) == 5
    fates = {a.fate for a in chart.arrows}
    assert fates == {"delivered", "lost", "in flight"} and any(a.copied for a in chart.arrows)


# ---------------------------------------------------------------- SVG and PNG


def svg_root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    """The SVG groups Graphviz wrote for nodes or edges of a class given in the DOT source."""
    return [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


def text(group: ET.Element) -> str:
    return " ".join(t.text or "" for t in group.iter(f"{SVG}text"))


def draw_svg(trace: Trace, c: CompiledModel, path: Path) -> ET.Element:
    outcome = write_diagram(trace, c.model, path)
    assert outcome.ok, outcome.message
    return svg_root(path)


@needs_dot
def test_the_svg_has_the_lanes_arrows_lost_marks_and_the_violation(tmp_path: Path) -> None:
    c = mini_commit()
    root = draw_svg(story(c), c, tmp_path / "cex.svg")
    assert [text(g) for g in groups(root, "lane")] == list(build_chart(story(c), c.model).lanes)
    assert len(groups(root, "delivered")) == 3
    (copy,) = groups(root, "copy")
    assert copy.findtext(f"{SVG}title") == "r3_1->r5_0"  # made in row 3, delivered in 5
    assert len(groups(root, "lost")) == 2  # the arrow and its cross
    assert [text(g) for g in groups(root, "lost") if "node" in g.get("class", "")] == ["✕"]
    assert text(groups(root, "violation")[0]) == "✗ invariant NotBothPrepared violated"


@needs_dot
def test_lanes_stay_straight_and_aligned_on_a_long_run(tmp_path: Path) -> None:
    c = ring()
    root = draw_svg(long_run(), c, tmp_path / "ring.svg")
    assert len(groups(root, "lane")) == 5
    lifelines = groups(root, "lifeline")
    assert len(lifelines) >= 5 * 32  # header, 31 rows, final state (in flight where any)
    for line in lifelines:
        xs = [float(p.split(",")[0]) for p in _path_points(line)]
        assert max(xs) - min(xs) < 1, "a lifeline bends"


def _path_points(group: ET.Element) -> list[str]:
    d = next(group.iter(f"{SVG}path")).get("d", "")
    return d.replace("M", " ").replace("C", " ").split()


@needs_dot
def test_long_labels_are_wrapped(tmp_path: Path) -> None:
    c = ring()
    root = draw_svg(long_run(), c, tmp_path / "ring.svg")
    lines = [t.text or "" for t in root.iter(f"{SVG}text")]
    first = lines.index("log: [1, 2, 3, 4, 2, 3, 4, 5] →")
    assert lines[first + 1] == "\xa0\xa0\xa0[1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6]"  # indented, whole
    assert max(len(line) for line in lines if not line.startswith("Ring:")) <= WRAP


@needs_dot
def test_a_png_is_rendered_by_extension(tmp_path: Path) -> None:
    c = mini_commit()
    outcome = write_diagram(story(c), c.model, tmp_path / "cex.png")
    assert outcome.ok and outcome.written == tmp_path / "cex.png"
    assert (tmp_path / "cex.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_an_unreached_reachable_draws_its_lanes_and_verdict(tmp_path: Path) -> None:
    c = mini_commit()
    empty = Trace("MiniCommit", (), "Decided", "reachable")
    root = draw_svg(empty, c, tmp_path / "vacuous.svg")
    assert len(groups(root, "lane")) == 3
    assert "never reached" in text(groups(root, "violation")[0])


def test_a_dot_file_is_the_graphviz_source(tmp_path: Path) -> None:
    c = mini_commit()
    outcome = write_diagram(story(c), c.model, tmp_path / "cex.dot")
    assert outcome.ok
    source = (tmp_path / "cex.dot").read_text()
    assert source.startswith("// every position is given: render with `neato -n2 -Tsvg`")
    assert "digraph trace {" in source and 'pos="' in source


def test_without_graphviz_the_dot_source_is_written_and_the_fix_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*args: object, **kwargs: object) -> bytes:
        raise graphviz.ExecutableNotFound(("dot", "-Tsvg"))

    monkeypatch.setattr(graphviz.Digraph, "pipe", missing)
    c = mini_commit()
    outcome = write_diagram(story(c), c.model, tmp_path / "cex.svg")
    assert not outcome.ok and outcome.written == tmp_path / "cex.dot"
    assert not (tmp_path / "cex.svg").exists()
    assert "digraph trace {" in (tmp_path / "cex.dot").read_text()
    assert "\n" not in outcome.message
    assert "apt-get install graphviz" in outcome.message
    assert "brew install graphviz" in outcome.message


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    c = mini_commit()
    path = tmp_path / "cex.dot"
    path.write_text("mine")
    kept = write_diagram(story(c), c.model, path)
    assert not kept.ok and "--force" in kept.message and path.read_text() == "mine"
    forced = write_diagram(story(c), c.model, path, force=True)
    assert forced.ok and "digraph trace {" in path.read_text()


def test_an_unknown_extension_names_the_formats(tmp_path: Path) -> None:
    c = mini_commit()
    outcome = write_diagram(story(c), c.model, tmp_path / "cex.jpg")
    assert not outcome.ok and ".svg, .png, .pdf, .dot" in outcome.message
    assert not (tmp_path / "cex.jpg").exists()


def test_render_chart_returns_the_graph_for_other_tools() -> None:
    c = mini_commit()
    graph = render_chart(story(c), c.model)
    assert isinstance(graph, graphviz.Digraph)
    assert graph.source.count('class="message ') == 4


# ---------------------------------------------------------------- a saved trace


def test_a_saved_itf_trace_becomes_the_same_trace_again() -> None:
    c = mini_commit()
    original = replay(c, check(c).violations[0])
    document = json.loads(json.dumps(to_itf(original, c.model)))
    assert trace_from_itf(document, c) == original


def test_a_saved_trace_that_is_not_a_run_of_the_spec_is_refused() -> None:
    c = mini_commit()
    document = to_itf(story(c), c.model)
    del document["states"][2]  # P1 receives a Prepare nobody sent
    with pytest.raises(ItfError, match="not a run of MiniCommit: state 2"):
        trace_from_itf(document, c)


# ---------------------------------------------------------------- real counterexamples


def real_trace(path: Path) -> tuple[Trace, Chart, CompiledModel]:
    from verikit import api

    report = api.check_file(path, backend="python")  # the chart, not the back end, on test
    assert report.verdict in ("violated", "expected"), report.verdict
    assert report.traces and report.loaded is not None
    trace = report.traces[0]
    return trace, build_chart(trace, report.loaded.model), report.loaded.compiled


# every violated corpus spec with a counterexample (an unreached `reachable` has none)
VIOLATED = [
    p
    for p in sorted((ROOT / "tests/corpus/violated").glob("*.dsl"))
    if "reachable=" not in p.read_text().splitlines()[0]
]


@needs_dot
@pytest.mark.parametrize("spec", VIOLATED, ids=lambda p: p.stem)
def test_every_violated_corpus_spec_renders(spec: Path, tmp_path: Path) -> None:
    trace, chart, c = real_trace(spec)
    root = draw_svg(trace, c, tmp_path / "cex.svg")
    delivered = [a for a in chart.arrows if a.fate == "delivered"]
    assert len(groups(root, "lane")) == len(chart.lanes)
    assert len(groups(root, "delivered")) == len(delivered)
    assert " ".join(text(groups(root, "violation")[0]).split()) == chart.verdict


@needs_dot
def test_a_lost_message_is_crossed_out(tmp_path: Path) -> None:
    trace, chart, c = real_trace(ROOT / "tests/corpus/violated/lost_message.dsl")
    root = draw_svg(trace, c, tmp_path / "lost.svg")
    assert [text(g) for g in groups(root, "lane")] == ["A", "B"]
    assert [a.fate for a in chart.arrows] == ["lost"]
    assert [text(g) for g in groups(root, "lost") if "node" in g.get("class", "")] == ["✕"]
    assert "deadlock" in text(groups(root, "violation")[0])


@needs_dot
def test_the_buggy_two_phase_commit_tells_its_story(tmp_path: Path) -> None:
    trace, chart, c = real_trace(ROOT / "specs/two_phase_commit_buggy.dsl")
    root = draw_svg(trace, c, tmp_path / "2pc.svg")
    lanes = ["Coordinator", "Participant[1]", "Participant[2]", "Participant[3]"]
    assert [text(g) for g in groups(root, "lane")] == lanes
    delivered = [a for a in chart.arrows if a.fate == "delivered"]
    assert len(groups(root, "delivered")) == len(delivered) > 0
    assert text(groups(root, "violation")[0]) == "✗ invariant Atomicity violated"
    final = " ".join(text(g) for g in groups(root, "final"))
    assert "state = Committed" in final and "state = Aborted" in final
    png = write_diagram(trace, c.model, tmp_path / "2pc.png")
    assert png.ok and (tmp_path / "2pc.png").stat().st_size > 10_000


@needs_dot
def test_global_variables_of_a_node_spec_have_their_own_lane(tmp_path: Path) -> None:
    trace, chart, c = real_trace(ROOT / "specs/lease_no_fencing.dsl")
    assert len(trace.steps) > 10
    assert chart.lanes[-1] == "globals"
    root = draw_svg(trace, c, tmp_path / "lease.svg")
    cells = [
        g
        for g in groups(root, "cell")
        if g.findtext(f"{SVG}title", "").endswith(f"_{len(chart.lanes) - 1}")
    ]
    assert any("now: 0 → 1" in text(g) for g in cells)
