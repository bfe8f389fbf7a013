"""The liveness engine against the naive lasso oracle (tests/oracle/lasso.py).

(a) Random small graphs (at most 8 states, 3 edges per state, random actions and keys, up to 3
fairness declarations weak or strong per action / node / message, random predicate bits and
constraint): for each property kind the engine's verdict equals the naive one, its lasso is a
violation by the naive definitions, and its prefix is the shortest one there is.
(b) Random core Models (tests/oracle/strategies.py) with random liveness properties and
fairness: `engine.check` of the compiled model against the oracle over the reference
interpreter's graph.

The oracle is exact at any size (its docstring argues why); graphs stay small only so that it
stays fast: at most 8 states and 3 fairness declarations with keys 0 and 1 (so at most 6
obligations) in (a), at most MODEL_STATES counted states in (b).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.engine.fakes import FakeFairness, FakeProperty, fair_graph, prop
from verikit.compile import build
from verikit.core import ir
from verikit.core.model import FAIRNESS_PER, LIVENESS_KINDS, Fairness, Model, Property
from verikit.core.types import BOOL
from verikit.engine import CheckOptions, CheckResult, check
from verikit.errors import SpecFault

from .lasso import (
    Graph,
    Question,
    compiled_graph,
    compiled_question,
    lasso_problem,
    model_graph,
    model_question,
    shortest_violation,
)
from .strategies import Scope, _Gen, models

MAX_NODES = 8
ACTIONS = ("a", "b", "c")
MODEL_STATES = 150


def assert_agrees(result: CheckResult, graph: Graph, questions: dict[str, Question]) -> None:
    """Per liveness property: violated on both sides or on neither; the engine's lasso is a
    violation by the definitions, with the shortest prefix of any violating lasso."""
    found = {d.property: d for d in result.violations if d.kind in LIVENESS_KINDS}
    assert set(result.liveness_checked) == set(questions)
    for name, q in questions.items():
        expected = shortest_violation(graph, q)
        event(f"{q.kind} {'holds' if expected is None else 'violated'}")
        lasso = found.get(name)
        if expected is None:
            assert lasso is None, f"{name}: the engine reports {lasso}, no lasso violates it"
            continue
        assert lasso is not None, f"{name}: missed, a lasso with prefix {expected} violates it"
        assert lasso.loop_start is not None
        problem = lasso_problem(graph, q, lasso.path, lasso.loop_start)
        assert problem is None, f"{name}: {problem}: {lasso}"
        assert lasso.loop_start == expected, f"{name}: prefix not the shortest"


# ---------------------------------------------------------------- (a) random graphs


@dataclass(frozen=True)
class RandomGraph:
    edges: dict[int, list[tuple[str, int, int]]]
    init: tuple[int, ...]
    outside: frozenset[int]
    fairness: tuple[FakeFairness, ...]
    p: frozenset[int]
    trigger: frozenset[int]


@st.composite
def random_graphs(draw: st.DrawFn) -> RandomGraph:
    n = draw(st.integers(1, MAX_NODES))
    node = st.integers(0, n - 1)
    edge = st.tuples(st.sampled_from(ACTIONS), node, st.integers(0, 1))
    edges = {s: draw(st.lists(edge, max_size=3)) for s in range(n)}
    fairness = st.builds(
        FakeFairness,
        st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True).map(tuple),
        st.sampled_from(FAIRNESS_PER),
        st.booleans(),
    )
    return RandomGraph(
        edges,
        tuple(draw(st.lists(node, min_size=1, max_size=2))),
        frozenset(draw(st.sets(node, max_size=2))),
        tuple(draw(st.lists(fairness, max_size=3))),
        frozenset(draw(st.sets(node))),
        frozenset(draw(st.sets(node))),
    )


def inside(nodes: frozenset[int]) -> Any:
    return lambda s: s[0] in nodes


@settings(max_examples=600, deadline=None)
@given(g=random_graphs())
def test_engine_agrees_with_naive_lassos_on_random_graphs(g: RandomGraph) -> None:
    properties = [
        prop("constraint", "Within", lambda s: s[0] not in g.outside),
        prop("eventually", "E", inside(g.p)),
        prop("always_eventually", "A", inside(g.p)),
        prop("eventually_always", "S", inside(g.p)),
        FakeProperty("leads_to", "L", inside(g.p), (0,), inside(g.trigger)),
    ]
    compiled = fair_graph(g.edges, g.init, properties, g.fairness, deadlock=False)
    result = check(compiled, CheckOptions(stop_at_first=False))
    graph = compiled_graph(compiled)
    assert_agrees(result, graph, {n: compiled_question(graph, compiled, n) for n in "EASL"})


# ---------------------------------------------------------------- (b) random core Models


@st.composite
def live_models(draw: st.DrawFn) -> Model:
    """A random model with 1–3 random liveness properties and 0–3 fairness declarations;
    some actions get their first parameter as node_param or message_param."""
    model = draw(models())
    gen = _Gen(draw, tuple(ir.StateVar(i, v.name, v.type) for i, v in enumerate(model.vars)))
    live = []
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(LIVENESS_KINDS))
        trigger = gen.expr(BOOL, 2, Scope()) if kind == "leads_to" else None
        live.append(Property(kind, f"live{i}", gen.expr(BOOL, 2, Scope()), trigger=trigger))
    actions = tuple(
        replace(a, **{draw(st.sampled_from(("node_param", "message_param"))): a.params[0].name})
        if a.params and draw(st.booleans())
        else a
        for a in model.actions
    )
    indices = st.sets(st.integers(0, len(actions) - 1), min_size=1).map(sorted).map(tuple)
    fairness = draw(
        st.lists(
            st.builds(Fairness, st.booleans(), indices, st.sampled_from(FAIRNESS_PER), st.just("")),
            max_size=3,
        )
    )
    fairness = [  # per "params": keyed by some of the parameters its actions have
        replace(f, params=tuple(draw(st.lists(st.sampled_from(names), unique=True, max_size=2))))
        if f.per == "params" and (names := sorted({p.name for a in f.actions
                                                   for p in actions[a].params}))
        else f
        for f in fairness
    ]  # fmt: skip
    return replace(
        model,
        actions=actions,
        properties=model.properties + tuple(live),
        fairness=tuple(fairness),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(model=live_models())
def test_engine_agrees_with_naive_lassos_on_random_models(model: Model) -> None:
    try:
        graph = model_graph(model, limit=MODEL_STATES)
        questions = {p.name: model_question(graph, model, p.name) for p in model.liveness}
    except SpecFault:
        event("the spec faults")
        return
    except RuntimeError:
        event("too many states for the oracle")
        return
    result = check(build(model), CheckOptions(stop_at_first=False))
    if any(d.kind == "fault" for d in result.violations):  # an invariant faulted
        assert result.liveness_undecided == "the spec faulted"
        event("an invariant faults")
        return
    event("compared")
    assert_agrees(result, graph, questions)
