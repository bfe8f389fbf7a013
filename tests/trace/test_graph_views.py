"""`verikit graph` for people: a state's box names the state its changes are from (or lists
every variable), hovering shows the whole state, a legend explains the marks; and a spec too
big to draw state by state is folded to one box per value of chosen variables, counted."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests.trace.models import fifo_ping, mini_commit
from tests.trace.test_graph import small
from verikit import api
from verikit.compile.compiled import CompiledModel, State
from verikit.engine import CheckOptions, check
from verikit.trace.abstract import AbstractGraph, NotAVariable, TooManyBoxes, abstract_graph, names
from verikit.trace.graph import state_graph
from verikit.trace.graph_dot import (
    draw_abstract_graph,
    draw_state_graph,
    write_abstract_graph,
    write_state_graph,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
SVG, XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")


def nodes(root: ET.Element, cls: str) -> dict[str, ET.Element]:
    return {g.findtext(f"{SVG}title", ""): g for g in root.iter(f"{SVG}g")
            if cls in (g.get("class") or "").split()}  # fmt: skip


def words(group: ET.Element) -> str:
    return " ".join(" ".join(t.text or "" for t in group.iter(f"{SVG}text")).split())


def tooltip(group: ET.Element) -> str:
    return next(a.get(f"{XLINK}title", "") for a in group.iter(f"{SVG}a"))


# ---------------------------------------------------------------- the full graph


def test_a_state_reached_from_several_states_names_the_one_its_changes_are_from() -> None:
    drawn = state_graph(small())  # 0 → 1 → 3 and 0 → 2 → 3
    predecessors = Counter(e.dst for e in drawn.edges if e.src != e.dst)
    joined = next(n for n in drawn.nodes if predecessors[n.index] > 1)
    assert (joined.index, joined.parent) == (3, 1)
    source = draw_state_graph(drawn).source
    assert "changes from #1:" in source.split("s3 [")[1].split("]")[0]


def test_full_labels_list_every_variable_of_every_state() -> None:
    drawn = state_graph(fifo_ping())
    last = drawn.nodes[-1]
    first = {line.split(" = ")[0] for line in drawn.nodes[0].lines if " = " in line}
    assert first <= {line.split(" = ")[0] for line in last.full}  # every variable, not changes
    label = draw_state_graph(drawn, "full").source.split(f"s{last.index} [")[1]
    assert "changes from" not in label.split("]")[0]
    assert all(line.split(" = ")[0] in label for line in last.full if " = " in line)


@needs_dot
def test_hovering_shows_the_state_not_an_internal_id(tmp_path: Path) -> None:
    loaded = api.load(CORPUS / "violated" / "counter_invariant.dsl")
    path = tmp_path / "states.svg"
    assert write_state_graph(state_graph(loaded.compiled), path).ok
    root = ET.parse(path).getroot()
    states = nodes(root, "state")
    assert tooltip(states["s3"]) == "state #3\nSmall\nx = 3"
    edge = next(iter(nodes(root, "transition").values()))
    assert tooltip(edge).startswith("#0 → #1:\ninc")


@needs_dot
def test_the_legend_explains_only_the_marks_the_graph_uses(tmp_path: Path) -> None:
    loaded = api.load(CORPUS / "violated" / "counter_invariant.dsl")
    path = tmp_path / "states.svg"
    assert write_state_graph(state_graph(loaded.compiled), path).ok
    (legend,) = nodes(ET.parse(path).getroot(), "legend").values()
    said = words(legend)
    for meaning in ("an initial state", "on the shortest counterexample",
                    "breaks the property it names", "a step to a new state",
                    "a step to a state reached before"):  # fmt: skip
        assert meaning in said
    assert "a step that changes nothing" not in said  # no step keeps x as it is


# ---------------------------------------------------------------- the folded graph


@cache
def by_phase() -> tuple[CompiledModel, AbstractGraph]:
    """mini_commit folded by the coordinator's phase, once for the tests below (a few
    thousand states, each fold a second)."""
    c = mini_commit()
    return c, abstract_graph(c, ["Coordinator.phase"])


def test_every_state_is_counted_in_the_box_of_its_values() -> None:
    c, folded = by_phase()
    everything = check(c, CheckOptions(stop_at_first=False, symmetry=False))
    assert folded.states == sum(g.states for g in folded.groups)
    assert folded.states == everything.stats.distinct_states
    assert [g.values for g in folded.groups] == [
        ("Coordinator.phase = Init",),
        ("Coordinator.phase = Waiting",),
        ("Coordinator.phase = Done",),
    ]
    assert [g.initial for g in folded.groups] == [1, 0, 0]


def test_the_steps_between_boxes_are_every_step_counted_by_action() -> None:
    c, folded = by_phase()
    states = _states(c)
    assert sum(f.steps for f in folded.folds) == sum(len(c.labelled_successors(s)) for s in states)
    begin = next(f for f in folded.folds if (f.src, f.dst) == (0, 1))
    assert begin.actions == (("Coordinator.begin", begin.steps),)  # from each Init state
    assert not any(f.dst == 0 and f.src != 0 for f in folded.folds)  # Init is never re-entered
    assert len(states) == folded.states


def _states(c: CompiledModel) -> list[State]:
    seen = {c.fingerprint(s): s for s in c.init_states()}
    todo = list(seen.values())
    while todo:
        for t in c.next_states(todo.pop()):
            if c.fingerprint(t) not in seen:
                seen[c.fingerprint(t)] = t
                todo.append(t)
    return list(seen.values())


def test_one_node_of_a_group_or_several_variables_fold_finer() -> None:
    c, _ = by_phase()
    one = abstract_graph(c, ["Participant[1].state"])
    both = abstract_graph(c, ["Coordinator.phase", "Participant[1].state"])
    every = abstract_graph(c, ["Participant.state"])
    assert {g.values[0].split(" = ")[0] for g in one.groups} == {"Participant[1].state"}
    assert len(one.groups) < len(both.groups) <= 3 * len(one.groups)
    assert all(len(g.values) == 2 for g in every.groups)  # both participants
    assert one.states == both.states == every.states


def test_the_counterexample_runs_through_the_boxes_it_visits() -> None:
    _, folded = by_phase()
    assert folded.counterexample.startswith("invariant NotBothPrepared is violated")
    assert [g.index for g in folded.groups if g.on_path] == [0, 1]
    assert any(f.on_path and (f.src, f.dst) == (0, 1) for f in folded.folds)


def test_an_unknown_variable_is_refused_naming_those_there_are() -> None:
    c = mini_commit()
    with pytest.raises(NotAVariable) as refused:
        abstract_graph(c, ["phse"])
    assert "--abstract phse: no such variable" in str(refused.value)
    assert "Coordinator.phase" in str(refused.value) and "Participant[2].state" in str(
        refused.value
    )
    assert "network" not in names(c.model, c.init_states()[0])


def test_more_boxes_than_allowed_are_refused() -> None:
    with pytest.raises(TooManyBoxes, match="gives 3 boxes, more than --max-states 2"):
        abstract_graph(mini_commit(), ["Coordinator.phase"], max_boxes=2)


@needs_dot
def test_the_folded_svg_counts_states_and_steps_and_has_its_legend(tmp_path: Path) -> None:
    _, folded = by_phase()
    path = tmp_path / "folded.svg"
    outcome = write_abstract_graph(folded, path)
    assert outcome.ok and outcome.message.endswith(
        f"3 boxes for {folded.states:,} states, the shortest counterexample in red"
    )
    root = ET.parse(path).getroot()
    groups = nodes(root, "group")
    init = folded.groups[0].states
    assert words(groups["g0"]) == f"Coordinator.phase = Init {init} states 1 initial"
    assert tooltip(groups["g1"]).startswith("Coordinator.phase = Waiting\n")
    assert "steps that keep the values" in words(next(iter(nodes(root, "legend").values())))
    assert "rankdir=TB" in draw_abstract_graph(folded).source
