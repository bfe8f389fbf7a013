"""The liveness constructs of the language (quantified properties, `eventually always`,
per-parameter fairness) decided alike by the compiled model's engine, the native backend and
the naive lasso oracle over the reference interpreter's graph (tests/oracle/lasso.py): the
same verdict per property instance and the shortest prefix. Z3 does not decide liveness."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.native.handwritten import needs_compiler
from tests.oracle.lasso import lasso_problem, model_graph, model_question, shortest_violation
from verikit.api import load
from verikit.compile.compiled import CompiledModel
from verikit.core.model import LIVENESS_KINDS
from verikit.engine import native
from verikit.engine import search as python_search
from verikit.engine.options import CheckOptions
from verikit.engine.result import CheckResult

from .test_native import facts

QUANTIFIED = """\
spec Quantified
const N = 3
type P = 1..N
var done: map<P, bool> = { p: false for p in P }
action finish(p: P) when not done[p] and (p == 1 or done[p - 1]) { done[p] = true }
action reset when done[N] { done = { p: false for p in P } }
fair action finish
fair action reset
property Each: forall p in P: always eventually done[p]
property Chain: forall p in 1..N - 1: done[p] leads_to done[p + 1]
property Stays: forall p in P: eventually always done[p]
"""

PERSISTENCE = """\
spec Persistence
var x: 0..3 = 0
action up when x < 3 { x = x + 1 }
action back when x == 3 { x = 2 }
fair action up
property AboveOne: eventually always x >= 1
property AtTop: eventually always x == 3
property Never: eventually always x == 0
"""

NODES = """\
spec Nodes
message Ping {}
network { reorder: true  loss: true  max_in_flight: 2 }
node Client[2] {
  var pinged: bool = false
  action ping when not pinged { pinged = true; send Ping {} to Server }
}
node Server {
  var heard: set<Client> = {}
  on Ping from c { heard = heard + {c} }
}
fair action Client.ping
fair delivery
terminal when true
property Heard: forall c in Client: c.pinged leads_to c in Server.heard
property Pinged: forall c in Client: eventually c.pinged
"""

TICKS = """\
spec Ticks
const N = 2
type P = 1..N
var count: map<P, 0..2> = { p: 0 for p in P }
action tick(p: P) { count[p] = (count[p] + 1) % 3 }
fair action tick{keyed}
property Ticks: forall p in P: always eventually count[p] == 1
"""

DINING = """\
spec Dining
const N = 2
type P = 1..N
var eating: P? = none
action eat(p: P) when eating == none {{ eating = p }}
action stop when eating != none {{ eating = none }}
fair action stop
{strength}fair action eat(p)
property Eats: forall p in P: always eventually eating == p
"""

NODE_KEYED = """\
spec NodeKeyed
network { max_in_flight: 1 }
node Worker[2] {
  var n: 0..2 = 0
  action bump(k: 0..2) when n != k { n = k }
}
fair action Worker.bump{keyed}
property Zero: forall w in Worker: always eventually w.n == 0
"""

SPECS = {
    "quantified": QUANTIFIED,
    "persistence": PERSISTENCE,
    "nodes": NODES,
    "ticks_whole": TICKS.replace("{keyed}", ""),
    "ticks_per_p": TICKS.replace("{keyed}", "(p)"),
    "dining_weak": DINING.format(strength=""),
    "dining_strong": DINING.format(strength="strong "),
    "node_whole": NODE_KEYED.replace("{keyed}", ""),
    "node_per_k": NODE_KEYED.replace("{keyed}", "(k)"),
}
ALL = CheckOptions(stop_at_first=False)


def lassos(result: CheckResult) -> dict[str, tuple[str, int | None, int]]:
    return {d.property: (d.kind, d.loop_start, len(d.path)) for d in result.violations}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_engine_agrees_with_the_naive_oracle_on_every_instance(
    tmp_path: Path, name: str
) -> None:
    compiled = load_spec(tmp_path, name)
    result = python_search.check(compiled, ALL)
    model = compiled.model
    graph = model_graph(model)
    found = {d.property: d for d in result.violations if d.kind in LIVENESS_KINDS}
    assert set(result.liveness_checked) == {p.name for p in model.liveness}
    for prop in model.liveness:
        expected = shortest_violation(graph, model_question(graph, model, prop.name))
        lasso = found.get(prop.name)
        if expected is None:
            assert lasso is None, f"{prop.name}: reported {lasso}, no lasso violates it"
            continue
        assert lasso is not None and lasso.loop_start is not None, f"{prop.name}: missed"
        question = model_question(graph, model, prop.name)
        assert lasso_problem(graph, question, lasso.path, lasso.loop_start) is None
        assert lasso.loop_start == expected, f"{prop.name}: prefix not the shortest"


@needs_compiler
@pytest.mark.parametrize("name", sorted(SPECS))
def test_native_and_python_agree(tmp_path: Path, name: str) -> None:
    compiled = load_spec(tmp_path, name)
    expected = python_search.check(compiled, ALL)
    result = native.check(compiled, ALL, "native", 1)
    assert result.backend is not None and result.backend.name == "native"
    assert facts(result) == facts(expected)
    assert result.liveness_checked == expected.liveness_checked


def test_the_expected_verdicts(tmp_path: Path) -> None:
    """Pinned, so that the agreement above is not agreement on nothing."""
    got = {n: lassos(python_search.check(load_spec(tmp_path, n), ALL)) for n in SPECS}
    assert got["quantified"] == {
        "Stays(p=1)": ("eventually_always", 0, 5),
        "Stays(p=2)": ("eventually_always", 0, 5),
        "Stays(p=3)": ("eventually_always", 0, 5),
    }
    assert got["persistence"] == {
        "AtTop": ("eventually_always", 2, 5),
        "Never": ("eventually_always", 2, 5),  # `up` is fair: x leaves 0 for ever
    }
    assert set(got["nodes"]) == {"Heard(c=Client[1])", "Heard(c=Client[2])"}
    # one obligation for the whole action: ticking only p=2 is fair; per p it is not
    assert got["ticks_whole"] == {
        "Ticks(p=1)": ("always_eventually", 0, 4),
        "Ticks(p=2)": ("always_eventually", 0, 4),
    }
    assert got["ticks_per_p"] == {}
    # eat(2) is enabled only now and then (while nobody eats): weak per p does not force it
    assert set(got["dining_weak"]) == {"Eats(p=1)", "Eats(p=2)"}
    assert got["dining_strong"] == {}
    # per node, bumping 1 ⇄ 2 for ever is fair; keyed by (self, k), bump(k: 0) must happen
    assert set(got["node_whole"]) == {"Zero(w=Worker[1])", "Zero(w=Worker[2])"}
    assert got["node_per_k"] == {}


def load_spec(tmp_path: Path, name: str) -> CompiledModel:
    path = tmp_path / f"{name}.dsl"
    path.write_text(SPECS[name], encoding="utf-8")
    return load(path).compiled
