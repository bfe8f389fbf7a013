"""A state graph drawn with Graphviz: one box per state, one arrow per pair of states a step
joins, the shortest counterexample in red.

    write_state_graph(state_graph(compiled), Path("states.svg"))   # format by extension

Time flows down, one rank per BFS level (left to right for a graph much wider than deep).
A box shows the state number, then what changed since its BFS parent, naming that parent
(`changes from #3:`; a state reached from several states differs from each in its own way),
or with `labels="full"` every variable; an initial state has a double border and lists every
variable; a state that breaks a property is filled red and names it. Hovering over a box in
the SVG shows the whole state, over an arrow its steps. A legend says what each mark means.
`draw_abstract_graph` draws the folded graph of `abstract.py` alike: one box per value. Choices made by looking at the pictures: every edge carries its label (floating
`xlabel`s were compact but could not be told apart); the BFS tree edges are darker than the
edges back to known states, so the tree reads first; an edge names at most three steps; a
long message is only named by its kind on an edge (the box it leads to shows it whole).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from pathlib import Path

import graphviz

from verikit.trace.abstract import AbstractGraph, Fold, Group
from verikit.trace.dot import BLUE, FONT, GREY, RED, DiagramOutcome, Line, html_label, write_graph
from verikit.trace.graph import StateEdge, StateGraph, StateNode

WRAP = 36  # characters per label line
EDGE_LINES = 3  # actions named on an edge; the rest are counted (all of them in the tooltip)
BAD_FILL, PATH_FILL, LIGHT = "#fde2e1", "#fff4f2", "#c8c8c8"


LABELS = ("changes", "full")  # what a state's box lists: the changes from its named parent, or all


def write_state_graph(
    graph: StateGraph, path: Path, force: bool = False, labels: str = "changes"
) -> DiagramOutcome:
    """Write the drawing to `path` with the chart's file rules (see `dot.write_graph`)."""
    outcome = write_graph(draw_state_graph(graph, labels), path, force)
    if not outcome.ok:
        return outcome
    red = ", the shortest counterexample in red" if graph.path else ""
    return replace(outcome, message=f"{outcome.message}: {len(graph.nodes)} states{red}")


def draw_state_graph(graph: StateGraph, labels: str = "changes") -> graphviz.Digraph:
    dot = _digraph(graph.nodes, _title(graph))
    for node in graph.nodes:
        dot.node(f"s{node.index}", **_node(node, labels))
    parents = {node.index: node.parent for node in graph.nodes}
    for edge in graph.edges:
        tree = parents[edge.dst] == edge.src
        dot.edge(f"s{edge.src}", f"s{edge.dst}", **_edge(edge, tree))
    shown = {"initial", "state"}
    shown |= {"path"} if graph.path else set()
    shown |= {"bad"} if any(n.problems for n in graph.nodes) else set()
    shown |= {"tree"} if any(parents[e.dst] == e.src for e in graph.edges) else set()
    shown |= {"back"} if any(parents[e.dst] != e.src != e.dst for e in graph.edges) else set()
    shown |= {"same"} if any(e.src == e.dst for e in graph.edges) else set()
    _legend(dot, [(sample, text) for key, sample, text in STATE_LEGEND if key in shown])
    return dot


def _digraph(nodes: Sequence[StateNode] | Sequence[Group], title: list[Line]) -> graphviz.Digraph:
    return graphviz.Digraph(
        "states",
        graph_attr={
            "label": html_label(title, width=100),
            "labelloc": "t",
            "fontname": FONT,
            "nodesep": "0.3",
            "ranksep": "0.45",
            "rankdir": _direction(nodes),
        },
        node_attr={"fontname": FONT, "fontsize": "10", "shape": "box", "style": "rounded,filled",
                   "fillcolor": "white", "color": GREY},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": GREY, "fontcolor": "#555555",
                   "arrowsize": "0.7"},
    )  # fmt: skip


def _direction(nodes: Sequence[StateNode] | Sequence[Group]) -> str:
    """Top down, unless the graph is much wider than deep (a few steps fanning out to many
    states): drawn top down that makes a strip many screens wide, left to right a column."""
    if not nodes or not isinstance(nodes[0], StateNode):
        return "TB"
    width = Counter(node.depth for node in nodes if isinstance(node, StateNode))
    levels = len(width)
    return "LR" if width and max(width.values()) > 4 * levels else "TB"


def _title(graph: StateGraph) -> list[Line]:
    steps = sum(len(e.actions) for e in graph.edges)
    lines: list[Line] = [
        (f"{graph.spec}: {len(graph.nodes)} reachable states, {steps} steps between them", "B")
    ]
    if graph.counterexample:
        lines.append((f"✗ {graph.counterexample} (in red)", "R"))
    return lines


def _node(node: StateNode, labels: str = "changes") -> dict[str, str]:
    title = f"#{node.index} initial state" if node.initial else f"#{node.index}"
    lines: list[Line] = [(title, "B")]
    lines += [(f"✗ {problem}", "R") for problem in node.problems]
    if labels == "full" or node.initial:
        lines += [(line, "") for line in node.full or node.lines]
    else:
        lines += [(f"changes from #{node.parent}:", "I"), *((line, "") for line in node.lines)]
    tooltip = "\n".join([f"state #{node.index}", *node.problems, *(node.full or node.lines)])
    attrs = {"label": html_label(lines, width=WRAP), "id": f"s{node.index}", "tooltip": tooltip}
    return _marked(attrs, "state", bool(node.initial), node.on_path, bool(node.problems))


def _edge(edge: StateEdge, tree: bool) -> dict[str, str]:
    """The BFS tree edges (to a state seen first) in grey, the others (back to a known state,
    across a level) lighter, so the tree reads first. Every edge shapes the layout: letting
    only the tree do it made wide pictures with labels strewn along long edges."""
    shown = edge.actions if len(edge.actions) <= EDGE_LINES else edge.actions[: EDGE_LINES - 1]
    lines: list[Line] = [(words, "") for words in shown]
    if len(shown) < len(edge.actions):
        lines.append((f"… {len(edge.actions) - len(shown)} more steps", "I"))
    attrs = {"label": html_label(lines, width=WRAP), "class": "transition",
             "tooltip": "\n".join([f"#{edge.src} → #{edge.dst}:", *edge.actions])}  # fmt: skip
    if not tree:
        attrs |= {"color": LIGHT, "fontcolor": GREY}
    if edge.on_path:
        attrs |= {"color": RED, "fontcolor": RED, "penwidth": "2.5", "weight": "4",
                  "class": "transition path"}  # fmt: skip
    elif edge.src == edge.dst:
        attrs["color"] = BLUE  # a step that changes nothing
    return attrs


# ---------------------------------------------------------------- the legend

LegendRow = tuple[str, str]  # an HTML sample cell, what it means
DOUBLE = '<TD><TABLE BORDER="1" CELLBORDER="1" CELLSPACING="2"><TR><TD>{}</TD></TR></TABLE></TD>'
PATH_CELL = f'<TD BORDER="2" COLOR="{RED}" BGCOLOR="{PATH_FILL}">{{}}</TD>'
BAD_CELL = f'<TD BORDER="1" COLOR="{RED}" BGCOLOR="{BAD_FILL}"><FONT COLOR="{RED}">✗</FONT></TD>'
ARROW_CELL = '<TD><FONT COLOR="{}" POINT-SIZE="16">→</FONT></TD>'
# (what it is for: an entry is shown only when the graph has one, the sample, its meaning)
STATE_LEGEND: tuple[tuple[str, str, str], ...] = (
    ("initial", DOUBLE.format("#0"), "an initial state: every variable"),
    ("state", '<TD BORDER="1">#7</TD>', "a state: what differs from the state it names"),
    ("path", PATH_CELL.format("#3"), "on the shortest counterexample"),
    ("bad", BAD_CELL, "breaks the property it names"),
    ("tree", ARROW_CELL.format(GREY), "a step to a new state"),
    ("back", ARROW_CELL.format(LIGHT), "a step to a state reached before"),
    ("same", ARROW_CELL.format(BLUE), "a step that changes nothing"),
)
FOLDED_LEGEND: tuple[tuple[str, str, str], ...] = (
    ("group", '<TD BORDER="1">x = 1</TD>', "the states with these values, counted"),
    ("initial", DOUBLE.format("x = 0"), "holds an initial state"),
    ("path", PATH_CELL.format("x = 3"), "on the shortest counterexample"),
    ("bad", BAD_CELL, "holds states that break a property"),
    ("steps", ARROW_CELL.format(GREY), "steps between them, counted by action"),
    ("same", ARROW_CELL.format(BLUE), "steps that keep the values"),
)


def _legend(dot: graphviz.Digraph, rows: Sequence[LegendRow]) -> None:
    """A boxed table under the graph (after it, drawn left to right): a sample, its meaning."""
    body = "".join(f'<TR>{sample}<TD ALIGN="LEFT">{escape(text)}</TD></TR>'
                   for sample, text in rows)  # fmt: skip
    label = (f'<<TABLE BORDER="1" COLOR="{GREY}" CELLBORDER="0" CELLSPACING="4" STYLE="rounded">'
             f'<TR><TD COLSPAN="2" ALIGN="LEFT"><I>legend</I></TD></TR>{body}</TABLE>>')  # fmt: skip
    with dot.subgraph(name="legend") as sub:
        sub.attr(rank="sink")
        sub.node("legend", label=label, shape="plaintext", style="", fillcolor="",
                 tooltip="what the marks mean", **{"class": "legend"})  # fmt: skip


# ---------------------------------------------------------------- the folded graph


def write_abstract_graph(graph: AbstractGraph, path: Path, force: bool = False) -> DiagramOutcome:
    outcome = write_graph(draw_abstract_graph(graph), path, force)
    if not outcome.ok:
        return outcome
    red = ", the shortest counterexample in red" if graph.counterexample else ""
    said = f"{len(graph.groups)} boxes for {graph.states:,} states{red}"
    return replace(outcome, message=f"{outcome.message}: {said}")


def draw_abstract_graph(graph: AbstractGraph) -> graphviz.Digraph:
    by = ", ".join(graph.variables)
    title: list[Line] = [(f"{graph.spec}: {graph.states:,} reachable states in "
                          f"{len(graph.groups)} boxes, one per value of {by}", "B")]  # fmt: skip
    if graph.counterexample:
        title.append((f"✗ {graph.counterexample} (in red)", "R"))
    dot = _digraph(graph.groups, title)
    for group in graph.groups:
        dot.node(f"g{group.index}", **_group(group))
    for fold in graph.folds:
        dot.edge(f"g{fold.src}", f"g{fold.dst}", **_fold(fold))
    shown = {"group", "initial", "steps"}
    shown |= {"path"} if graph.counterexample else set()
    shown |= {"bad"} if any(g.problems for g in graph.groups) else set()
    shown |= {"same"} if any(f.src == f.dst for f in graph.folds) else set()
    _legend(dot, [(sample, text) for key, sample, text in FOLDED_LEGEND if key in shown])
    return dot


def _group(group: Group) -> dict[str, str]:
    count = f"{group.states:,} state{'s' if group.states != 1 else ''}"
    lines: list[Line] = [(value, "") for value in group.values]
    lines.append((count, "B"))
    if group.initial:
        lines.append((f"{group.initial:,} initial", "I"))
    lines += [(f"✗ {name}: {n:,}", "R") for name, n in group.problems]
    tip = [*group.values, count, *(f"{name}: {n:,} states" for name, n in group.problems)]
    attrs = {"label": html_label(lines, width=WRAP), "id": f"g{group.index}",
             "tooltip": "\n".join(tip)}  # fmt: skip
    return _marked(attrs, "group", bool(group.initial), group.on_path, bool(group.problems))


def _marked(
    attrs: dict[str, str], kind: str, initial: bool, on_path: bool, broken: bool
) -> dict[str, str]:
    """A box's marks, the same for a state and for a fold of states: a double border when
    initial, red on the counterexample's path, red fill where a property breaks; and the SVG
    classes saying so."""
    classes = [kind]
    if initial:
        attrs["peripheries"] = "2"
        classes.append("initial")
    if on_path:
        attrs |= {"color": RED, "penwidth": "2.5", "fillcolor": PATH_FILL}
        classes.append("path")
    if broken:
        attrs |= {"color": RED, "fillcolor": BAD_FILL}
        classes.append("violation")
    attrs["class"] = " ".join(classes)
    return attrs


def _fold(fold: Fold) -> dict[str, str]:
    """The number of steps, then the commonest actions, each counted."""
    shown = fold.actions[:EDGE_LINES]
    lines: list[Line] = [(f"{fold.steps:,} step{'s' if fold.steps != 1 else ''}", "B")]
    lines += [(f"{name} ×{n:,}", "") for name, n in shown]
    if len(shown) < len(fold.actions):
        lines.append((f"… {len(fold.actions) - len(shown)} more actions", "I"))
    tip = [f"{fold.steps:,} steps", *(f"{name} ×{n:,}" for name, n in fold.actions)]
    attrs = {"label": html_label(lines, width=WRAP), "class": "fold",
             "tooltip": "\n".join(tip)}  # fmt: skip
    if fold.src == fold.dst:
        attrs["color"] = BLUE
    if fold.on_path:
        attrs |= {"color": RED, "fontcolor": RED, "penwidth": "2.5", "class": "fold path"}
    return attrs
