"""The liveness graph the native search builds (engine/native_graph.py) is the graph
engine/graph.py explores: the same states in the same order, the same edges with the same
fairness obligations, the same predicate columns. So the fair-SCC pass gives the Python
backend's verdicts and lassos, step for step, for any number of workers; and where the native
graph cannot serve, liveness is decided on the Python graph and the backend line says why."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from verikit import api
from verikit.compile.compiled import CompiledModel
from verikit.engine import native
from verikit.engine import search as python_search
from verikit.engine.graph import Budget, Obligations, StateGraph, explore
from verikit.engine.native_graph import state_graph
from verikit.engine.options import CheckOptions
from verikit.engine.result import CheckResult
from verikit.errors import SpecError
from verikit.native.build import build
from verikit.native.codegen import generate
from verikit.native.library import SearchConfig

from .handwritten import needs_compiler

pytestmark = needs_compiler
ROOT = Path(__file__).resolve().parents[2]
# a spec that declares a `property`, or a variant that may inherit one from its base
DECLARES_PROPERTY = re.compile(r"^\s*property\s|^spec\s+\w+\s+extends\s", re.MULTILINE)


def live_specs() -> list[str]:
    """Every bundled and corpus spec with a liveness property (action properties aside)."""
    found = []
    for folder in (ROOT / "specs", ROOT / "tests" / "corpus"):
        for path in sorted(folder.rglob("*.dsl")):
            if DECLARES_PROPERTY.search(path.read_text(encoding="utf-8")):
                try:
                    if api.load(path).model.liveness:
                        found.append(str(path.relative_to(ROOT)))
                except SpecError:
                    continue  # a corpus case of a bad spec
    return found


LIVE_SPECS = live_specs()


def obligations(ob: Obligations, ids: frozenset[int]) -> frozenset[tuple[int, Any]]:
    return frozenset(ob.keys[o] for o in ids)


def graph_facts(g: StateGraph) -> tuple[object, ...]:
    """Everything the fair-SCC pass reads, with labels and enabled sets as the obligations
    they stand for (their ids depend on the order they were met in)."""
    ob = g.obligations
    return (
        list(g.parents), list(g.ordinals), list(g.edge_start), list(g.targets),
        list(g.edge_ordinals), [obligations(ob, ob.labels[x]) for x in g.edge_labels],
        [obligations(ob, ob.enabled[x]) for x in g.enabled], bytes(g.ends), bytes(g.leaves),
        g.cut_by, {k: bytes(v) for k, v in g.holds.items()},
        {k: bytes(v) for k, v in g.triggers.items()},
        {ob.keys[o]: ob.strong[o] for o in range(len(ob.keys))},
    )  # fmt: skip


def native_graph(compiled: CompiledModel, workers: int) -> StateGraph:
    library = build(generate(compiled.model)).library
    try:
        library.search(SearchConfig(workers=workers, graph=True, stop_at_first=False))
        sizes = library.graph_sizes()
        assert sizes.failure is None
        return state_graph(compiled, library, sizes)
    finally:
        library.release()


def outcome(result: CheckResult) -> tuple[object, ...]:
    return (
        result.verdict, result.stats.distinct_states, result.stats.transitions,
        [(d.property, d.kind, d.path, d.loop_start) for d in result.violations],
        result.liveness_checked, result.liveness_undecided, result.liveness_states,
        result.liveness_transitions, result.liveness_cut_off, result.liveness_cut_by,
    )  # fmt: skip


def backend_note(result: CheckResult) -> str:
    assert result.backend is not None and result.backend.name == "native"
    return result.backend.reason


def load_text(tmp_path: Path, text: str) -> CompiledModel:
    path = tmp_path / "spec.dsl"
    path.write_text(text, encoding="utf-8")
    return api.load(path).compiled


# A counter that a constraint cuts at 3: `leave` jumps outside it (a cut edge that still
# enables `leave`'s weak fairness), `stay` is a self-loop, `back` weakly fair too.
CUT = """
spec Cut
var x: 0..9 = 0
var b: bool = false
action inc { require x < 9; x = x + 1 }
action leave { require x == 1; x = 7 }
action stay { require x == 2 }
action back(v: bool) { require x > 0; x = x - 1; b = v }
fair action leave
fair action back
constraint Small: x < 3
property Reach: eventually x == 2
property Often: always eventually b
property Answer: x == 1 leads_to x == 0
"""


@pytest.mark.parametrize("spec", LIVE_SPECS)
def test_the_native_graph_is_the_python_graph(spec: str) -> None:
    compiled = api.load(ROOT / spec).compiled
    expected = graph_facts(explore(compiled, Budget(CheckOptions(), None)))
    for workers in (1, 3):
        assert graph_facts(native_graph(compiled, workers)) == expected


@pytest.mark.parametrize("spec", LIVE_SPECS)
def test_verdicts_and_lassos_match_the_python_backend(spec: str) -> None:
    compiled = api.load(ROOT / spec).compiled
    options = CheckOptions(stop_at_first=False)
    result = native.check(compiled, options, "native", 2)
    assert outcome(result) == outcome(python_search.check(compiled, options))
    assert backend_note(result).endswith("liveness decided on the native state graph")


def test_cut_edges_self_loops_and_keyed_fairness_match(tmp_path: Path) -> None:
    compiled = load_text(tmp_path, CUT)
    graph = native_graph(compiled, 2)
    assert graph.cut_by == {"Small"} and any(graph.leaves)
    assert graph_facts(graph) == graph_facts(explore(compiled, Budget(CheckOptions(), None)))
    options = CheckOptions(stop_at_first=False)
    assert outcome(native.check(compiled, options, "native", 2)) == outcome(
        python_search.check(compiled, options)
    )


def test_a_faulting_liveness_predicate_is_reported_from_the_python_graph(tmp_path: Path) -> None:
    compiled = load_text(tmp_path, CUT.replace("eventually x == 2", "eventually 4 / (2 - x) > 9"))
    result = native.check(compiled, CheckOptions(), "native", 2)
    assert outcome(result) == outcome(python_search.check(compiled, CheckOptions()))
    assert result.violations[0].kind == "fault"
    assert backend_note(result).endswith(
        "liveness decided on the Python state graph (a liveness predicate faulted)"
    )


def test_with_whole_states_compared_the_python_graph_decides(tmp_path: Path) -> None:
    compiled = load_text(tmp_path, CUT)
    result = native.check(compiled, CheckOptions(), "native", 1, full_states=True)
    assert outcome(result) == outcome(python_search.check(compiled, CheckOptions()))
    assert backend_note(result).endswith("(whole states are compared (--full-states))")


def test_no_graph_is_built_when_the_search_stops_at_a_limit(tmp_path: Path) -> None:
    compiled = load_text(tmp_path, CUT)
    options = CheckOptions(max_states=2)
    result = native.check(compiled, options, "native", 2)
    assert outcome(result) == outcome(python_search.check(compiled, options))
    assert result.liveness_undecided == "max states 2 reached"
    assert "liveness decided" not in backend_note(result)
