"""trace.graph and trace.graph_dot: the reachable state space of a small spec, drawn.

Hand-built models first (tests/engine/fakes.py, tests/trace/models.py), compared with what
the engine counts; then real specs of the corpus rendered to SVG and read back.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Hashable
from pathlib import Path

import graphviz
import pytest

from tests.engine.fakes import counter, graph, prop
from tests.trace.models import fifo_ping, mini_commit
from verikit import api
from verikit.compile.compiled import CompiledModel
from verikit.engine import CheckOptions, check
from verikit.trace.graph import StateGraph, TooManyStates, build_graph, state_graph
from verikit.trace.graph_dot import draw_state_graph, write_state_graph

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def small() -> CompiledModel:
    """0 → 1 → 3 (Bad), 0 → 2 → 3, 3 → 0 by `reset`, 2 → 2 by `stay`; Bad: at != 3."""
    edges = {0: [1, 2], 1: [3], 2: [3, ("stay", 2)], 3: [("reset", 0)]}
    return graph(edges, properties=[prop("invariant", "Bad", lambda s: s[0] != 3)])


def pairs(c: CompiledModel) -> set[tuple[Hashable, Hashable]]:
    """Every (state, successor) pair of the reachable graph, found independently."""
    key = c.fingerprint
    seen = {key(s): s for s in c.init_states()}
    todo, out = list(seen.values()), set()
    while todo:
        s = todo.pop()
        for t in c.next_states(s):
            out.add((key(s), key(t)))
            if key(t) not in seen:
                seen[key(t)] = t
                todo.append(t)
    return out


# ---------------------------------------------------------------- the graph as data


@pytest.mark.parametrize("model", [small, fifo_ping, mini_commit], ids=lambda m: m.__name__)
def test_one_node_per_distinct_state_and_one_edge_per_connected_pair(model: object) -> None:
    assert callable(model)
    c: CompiledModel = model()
    drawn = build_graph(c, limit=10_000)
    everything = check(c, CheckOptions(stop_at_first=False, symmetry=False))
    assert len(drawn.nodes) == everything.stats.distinct_states
    assert len(drawn.edges) == len(pairs(c))
    assert [n.index for n in drawn.nodes] == list(range(len(drawn.nodes)))


def test_nodes_are_numbered_and_ranked_in_breadth_first_order() -> None:
    drawn = build_graph(small())
    assert [(n.index, n.depth, n.parent) for n in drawn.nodes] == [
        (0, 0, None),
        (1, 1, 0),
        (2, 1, 0),
        (3, 2, 1),
    ]
    assert drawn.nodes[0].initial and not drawn.nodes[3].initial


def test_edges_name_their_actions_and_keep_self_loops() -> None:
    drawn = build_graph(small())
    edges = {(e.src, e.dst): e.actions for e in drawn.edges}
    assert edges == {
        (0, 1): ("go(to: 1)",),
        (0, 2): ("go(to: 2)",),
        (1, 3): ("go(to: 3)",),
        (2, 3): ("go(to: 3)",),
        (2, 2): ("stay(to: 2)",),
        (3, 0): ("reset(to: 0)",),
    }


def test_the_shortest_counterexample_is_highlighted() -> None:
    drawn = state_graph(small())
    assert drawn.path == (0, 1, 3)
    assert drawn.counterexample == "invariant Bad is violated after 2 steps"
    assert [n.index for n in drawn.nodes if n.on_path] == [0, 1, 3]
    assert sorted((e.src, e.dst) for e in drawn.edges if e.on_path) == [(0, 1), (1, 3)]


def test_states_that_break_an_invariant_name_it() -> None:
    drawn = state_graph(counter(6, properties=[prop("invariant", "Small", lambda s: s[0] < 3)]))
    problems = [n.problems for n in drawn.nodes]
    assert problems == [(), (), (), ("Small",), ("Small",), ("Small", "deadlock")]


def test_a_dead_end_is_a_deadlock_unless_the_spec_allows_it() -> None:
    drawn = state_graph(counter(3))
    assert [n.problems for n in drawn.nodes] == [(), (), ("deadlock",)]
    assert drawn.path == (0, 1, 2) and drawn.counterexample.startswith("deadlock after 2 steps")
    assert state_graph(counter(3, deadlock=False)).nodes[2].problems == ()


def test_without_a_violation_nothing_is_highlighted() -> None:
    drawn = state_graph(fifo_ping())
    assert drawn.path == () and drawn.counterexample == ""
    assert not any(n.on_path for n in drawn.nodes) and not any(e.on_path for e in drawn.edges)


def test_an_initial_state_lists_every_variable_and_the_network() -> None:
    first = state_graph(mini_commit(), limit=10_000).nodes[0]
    assert first.lines == (
        "Coordinator.phase = Init",
        "Coordinator.yes = {}",
        "Participant[1].state = Working",
        "Participant[2].state = Working",
        "in flight: nothing",
    )


def test_a_state_shows_only_what_differs_from_its_parent() -> None:
    nodes = build_graph(mini_commit(), limit=10_000).nodes
    begun = nodes[1]
    assert begun.parent == 0
    assert begun.lines == (
        "Coordinator.phase = Waiting",
        "+ Coordinator → Participant[1]: Prepare",
        "+ Coordinator → Participant[2]: Prepare",
    )
    received = next(n for n in nodes if n.parent == 1 and "Participant[1].state" in n.lines[0])
    assert received.lines[0] == "Participant[1].state = Aborted"
    assert "− Coordinator → Participant[1]: Prepare" in received.lines
    assert "Coordinator.phase = Waiting" not in received.lines


def test_a_receive_names_the_message_and_a_long_message_only_its_kind() -> None:
    c = mini_commit()
    words = {w for e in build_graph(c, limit=10_000).edges for w in e.actions}
    assert "Participant[1] receives Prepare" in words
    assert "Coordinator receives Vote { yes: true }" in words
    assert "network drops Prepare" in words
    long = {w for e in build_graph(fifo_ping()).edges for w in e.actions}
    assert "Server receives Ping { n: 1 }" in long


def test_a_spec_above_the_limit_is_refused_naming_the_limit() -> None:
    with pytest.raises(TooManyStates) as refused:
        state_graph(counter(6), limit=5)
    message = str(refused.value)
    assert "more than 5 reachable states" in message
    assert "raise --max-states or reduce the constants" in message
    assert len(state_graph(counter(6), limit=6).nodes) == 6  # exactly at the limit is fine


def test_a_constraint_bounds_the_graph_as_it_bounds_the_search() -> None:
    loaded = api.load(CORPUS / "holds" / "constraint_bounds_search.dsl")
    drawn = state_graph(loaded.compiled)
    assert len(drawn.nodes) == check(loaded.compiled).stats.distinct_states == 3


def test_a_runtime_fault_marks_the_state_it_happens_in() -> None:
    loaded = api.load(CORPUS / "error" / "runtime_out_of_range.dsl")
    drawn = state_graph(loaded.compiled)
    assert drawn.nodes[-1].problems[0].startswith("fault: ")
    assert drawn.path == tuple(range(len(drawn.nodes)))


# ---------------------------------------------------------------- drawn


def svg(drawn: StateGraph, path: Path) -> ET.Element:
    outcome = write_state_graph(drawn, path)
    assert outcome.ok, outcome.message
    return ET.parse(path).getroot()


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


def text(group: ET.Element) -> str:
    return " ".join(t.text or "" for t in group.iter(f"{SVG}text"))


@needs_dot
def test_the_svg_has_a_box_per_state_and_the_path_in_red(tmp_path: Path) -> None:
    loaded = api.load(CORPUS / "violated" / "counter_invariant.dsl")
    drawn = state_graph(loaded.compiled)
    root = svg(drawn, tmp_path / "states.svg")
    states = groups(root, "state")
    assert len(states) == len(drawn.nodes) == 6
    assert len(groups(root, "transition")) == len(drawn.edges) == 6
    assert [text(g) for g in groups(root, "initial")] == ["#0 initial state x = 0"]
    assert len([g for g in groups(root, "path") if "node" in g.get("class", "")]) == 4
    assert len([g for g in groups(root, "path") if "edge" in g.get("class", "")]) == 3
    assert [text(g) for g in groups(root, "violation")][0] == "#3 ✗ Small changes from #2: x = 3"
    title = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "✗ invariant Small is violated after 3 steps" in title


@needs_dot
def test_a_network_spec_renders_as_png(tmp_path: Path) -> None:
    loaded = api.load(CORPUS / "violated" / "lost_message.dsl")
    outcome = write_state_graph(state_graph(loaded.compiled), tmp_path / "lossy.png")
    assert outcome.ok and outcome.message.endswith("4 states, the shortest counterexample in red")
    assert (tmp_path / "lossy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_many_steps_between_two_states_are_counted_on_the_edge() -> None:
    fan = graph({0: [("a", 1), ("b", 1), ("c", 1), ("d", 1)]}, deadlock=False)
    source = draw_state_graph(state_graph(fan)).source
    assert "a(to: 1)" in source and "b(to: 1)" in source
    assert "… 2 more steps" in source and "d(to: 1)" not in source.split("tooltip")[0]


def test_a_graph_much_wider_than_deep_is_drawn_left_to_right() -> None:
    wide = graph({0: list(range(1, 12))}, deadlock=False)
    assert "rankdir=LR" in draw_state_graph(state_graph(wide)).source
    assert "rankdir=TB" in draw_state_graph(state_graph(counter(4))).source


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "states.dot"
    path.write_text("mine")
    kept = write_state_graph(state_graph(small()), path)
    assert not kept.ok and "--force" in kept.message and path.read_text() == "mine"
    assert write_state_graph(state_graph(small()), path, force=True).ok
    assert path.read_text().startswith("digraph states {")


def test_without_graphviz_the_dot_source_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*args: object, **kwargs: object) -> bytes:
        raise graphviz.ExecutableNotFound(("dot", "-Tsvg"))

    monkeypatch.setattr(graphviz.Digraph, "pipe", missing)
    outcome = write_state_graph(state_graph(small()), tmp_path / "states.svg")
    assert not outcome.ok and outcome.written == tmp_path / "states.dot"
    assert "\n" not in outcome.message and "apt-get install graphviz" in outcome.message
    assert not (tmp_path / "states.svg").exists()
