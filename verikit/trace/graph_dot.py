"""A state graph drawn with Graphviz: one box per state, one arrow per pair of states a step
joins, the shortest counterexample in red.

    write_state_graph(state_graph(compiled), Path("states.svg"))   # format by extension

Time flows down, one rank per BFS level (left to right for a graph much wider than deep).
A box shows the state number, then what changed since its BFS parent; an initial state has
a double border and lists every variable; a state that breaks a property is filled red and
names it. Choices made by looking at the pictures: every edge carries its label (floating
`xlabel`s were compact but could not be told apart); the BFS tree edges are darker than the
edges back to known states, so the tree reads first; an edge names at most three steps; a
long message is only named by its kind on an edge (the box it leads to shows it whole).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import graphviz

from verikit.trace.dot import BLUE, FONT, GREY, RED, DiagramOutcome, Line, html_label, write_graph
from verikit.trace.graph import StateEdge, StateGraph, StateNode

WRAP = 36  # characters per label line
EDGE_LINES = 3  # actions named on an edge; the rest are counted (all of them in the tooltip)
BAD_FILL, PATH_FILL, LIGHT = "#fde2e1", "#fff4f2", "#c8c8c8"


def write_state_graph(graph: StateGraph, path: Path, force: bool = False) -> DiagramOutcome:
    """Write the drawing to `path` with the chart's file rules (see `dot.write_graph`)."""
    outcome = write_graph(draw_state_graph(graph), path, force)
    if not outcome.ok:
        return outcome
    red = ", the shortest counterexample in red" if graph.path else ""
    return replace(outcome, message=f"{outcome.message}: {len(graph.nodes)} states{red}")


def draw_state_graph(graph: StateGraph) -> graphviz.Digraph:
    dot = graphviz.Digraph(
        "states",
        graph_attr={
            "label": html_label(_title(graph), width=100),
            "labelloc": "t",
            "fontname": FONT,
            "nodesep": "0.3",
            "ranksep": "0.45",
            "rankdir": _direction(graph),
        },
        node_attr={"fontname": FONT, "fontsize": "10", "shape": "box", "style": "rounded,filled",
                   "fillcolor": "white", "color": GREY},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": GREY, "fontcolor": "#555555",
                   "arrowsize": "0.7"},
    )  # fmt: skip
    for node in graph.nodes:
        dot.node(f"s{node.index}", **_node(node))
    parents = {node.index: node.parent for node in graph.nodes}
    for edge in graph.edges:
        tree = parents[edge.dst] == edge.src
        dot.edge(f"s{edge.src}", f"s{edge.dst}", **_edge(edge, tree))
    return dot


def _direction(graph: StateGraph) -> str:
    """Top down, unless the graph is much wider than deep (a few steps fanning out to many
    states): drawn top down that makes a strip many screens wide, left to right a column."""
    width = Counter(node.depth for node in graph.nodes)
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


def _node(node: StateNode) -> dict[str, str]:
    title = f"#{node.index} initial state" if node.initial else f"#{node.index}"
    lines: list[Line] = [(title, "B")]
    lines += [(f"✗ {problem}", "R") for problem in node.problems]
    lines += [(line, "") for line in node.lines]
    classes = ["state"]
    attrs = {"label": html_label(lines, width=WRAP), "id": f"s{node.index}"}
    if node.initial:
        attrs["peripheries"] = "2"
        classes.append("initial")
    if node.on_path:
        attrs |= {"color": RED, "penwidth": "2.5", "fillcolor": PATH_FILL}
        classes.append("path")
    if node.problems:
        attrs |= {"color": RED, "fillcolor": BAD_FILL}
        classes.append("violation")
    attrs["class"] = " ".join(classes)
    return attrs


def _edge(edge: StateEdge, tree: bool) -> dict[str, str]:
    """The BFS tree edges (to a state seen first) in grey, the others (back to a known state,
    across a level) lighter, so the tree reads first. Every edge shapes the layout: letting
    only the tree do it made wide pictures with labels strewn along long edges."""
    shown = edge.actions if len(edge.actions) <= EDGE_LINES else edge.actions[: EDGE_LINES - 1]
    lines: list[Line] = [(words, "") for words in shown]
    if len(shown) < len(edge.actions):
        lines.append((f"… {len(edge.actions) - len(shown)} more steps", "I"))
    attrs = {"label": html_label(lines, width=WRAP), "class": "transition",
             "tooltip": "\n".join(edge.actions)}  # fmt: skip
    if not tree:
        attrs |= {"color": LIGHT, "fontcolor": GREY}
    if edge.on_path:
        attrs |= {"color": RED, "fontcolor": RED, "penwidth": "2.5", "weight": "4",
                  "class": "transition path"}  # fmt: skip
    elif edge.src == edge.dst:
        attrs["color"] = BLUE  # a step that changes nothing
    return attrs
