"""encode.py against the reference interpreter: in every well-typed state, Z3 sees the same
successors (each with the action that makes it), the same runtime faults, the same
enabledness and the same property values as tests/oracle/reference.py; and the initial states
are the same. Random models exercise every IR construct; the bundled specs and a few network
variants exercise the lowered network (bags as counters and as slots, FIFO queues, crashes,
partitions). What Z3 cannot express is refused with file:line:col, never approximated."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle import reference
from tests.oracle.catalog import BUILTIN_CASES, FAULTS, SCOPING, scoping_model
from tests.oracle.strategies import E2, models, states
from verikit import api
from verikit.core import ir
from verikit.core.model import Action, Model, Param, Property, Var
from verikit.core.types import BOOL, INT, MISSING, BagType, IntType, MapType, SetType
from verikit.errors import SpecFault
from verikit.symbolic.encode import Encoding, Unsupported

from .support import satisfiable, solutions

State = tuple[Any, ...]
SPECS = Path(__file__).parents[2] / "specs"
_tags = itertools.count()


def fresh_pair(enc: Encoding) -> tuple[Any, Any]:
    n = next(_tags)
    return enc.frame(f"f{n}"), enc.frame(f"g{n}")


def reachable(model: Model, limit: int) -> list[State]:
    """Breadth-first by the reference, faulting states kept but not expanded."""
    try:
        seen = dict.fromkeys(reference.init_states(model))
    except SpecFault:
        return []
    queue = list(seen)
    while queue and len(seen) < limit:
        try:
            successors = reference.successors(model, queue.pop(0))
        except SpecFault:
            continue
        for _, _, t in successors:
            if t not in seen:
                seen[t] = None
                queue.append(t)
    return list(seen)[:limit]


def assert_encodes_like_reference(enc: Encoding, model: Model, state: State) -> None:
    f, g = fresh_pair(enc)
    here = enc.is_state(f, state)
    try:
        expected = reference.successors(model, state)
    except SpecFault:
        assert satisfiable(here, enc.step_faults(f)), f"no fault found in {state}"
        return
    assert not satisfiable(here, enc.step_faults(f)), f"a fault Z3 invents in {state}"
    assert satisfiable(here, enc.enabled(f)) == bool(expected), f"enabled in {state}"
    found = solutions(enc, g, here, enc.step(f, g))
    assert {t for t, _ in found} == {t for _, _, t in expected}, f"successors of {state}"
    for t, name in found:
        assert any(x == t and model.actions[i].name == name for i, _, x in expected), (t, name)
    for prop in model.properties:
        try:
            value = reference.holds(prop, state)
        except SpecFault:
            assert satisfiable(here, enc.prop_faults(prop.expr, f)), f"{prop.name} in {state}"
            continue
        assert not satisfiable(here, enc.prop_faults(prop.expr, f)), f"{prop.name} in {state}"
        assert satisfiable(here, enc.holds(prop.expr, f)) == value, f"{prop.name} in {state}"


def assert_initial_states_agree(enc: Encoding, model: Model) -> None:
    try:
        expected = reference.init_states(model)
    except SpecFault:
        assert satisfiable(enc.init_faults())
        return
    assert not satisfiable(enc.init_faults())
    f, _ = fresh_pair(enc)
    assert {t for t, _ in solutions(enc, f, enc.init(f), stepped=False)} == set(expected)


# ---------------------------------------------------------------- random models


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), model=models())
def test_random_models_step_fault_and_evaluate_like_the_reference(
    data: st.DataObject, model: Model
) -> None:
    enc = Encoding(model)
    assert_initial_states_agree(enc, model)
    for state in reachable(model, 12):
        assert_encodes_like_reference(enc, model, state)
    for state in data.draw(st.lists(states(model), max_size=2), label="arbitrary states"):
        f, _ = fresh_pair(enc)
        if satisfiable(enc.is_state(f, state), enc.domain(f)):  # well-typed by the encoding
            assert_encodes_like_reference(enc, model, state)


# ---------------------------------------------------------------- every builtin, every fault


def probe(test: ir.Expr) -> Model:
    """A model evaluating `test` as its invariant and as its only action's guard."""
    action = Action("probe", "action", (), test, ())
    return Model("M", (), (Var("x", BOOL),), (), (action,), (Property("invariant", "p", test),))


@pytest.mark.parametrize(("call", "expected"), BUILTIN_CASES.values(), ids=BUILTIN_CASES.keys())
def test_each_builtin_has_the_reference_value(call: ir.Call, expected: Any) -> None:
    test = ir.Binary("eq", call, ir.Lit(expected, call.type), BOOL)
    enc = Encoding(probe(test))
    f, _ = fresh_pair(enc)
    assert not satisfiable(z3.Not(enc.holds(test, f)))
    assert not satisfiable(enc.prop_faults(test, f))


@pytest.mark.parametrize("expr", FAULTS.values(), ids=FAULTS.keys())
def test_each_runtime_fault_is_a_fault_for_z3_too(expr: ir.Expr) -> None:
    test = ir.Binary("eq", expr, expr, BOOL)
    enc = Encoding(probe(test))
    f, _ = fresh_pair(enc)
    assert not satisfiable(z3.Not(enc.prop_faults(test, f)))  # in every state
    assert not satisfiable(z3.Not(enc.step_faults(f)))


def test_a_range_up_to_a_count_in_a_bag_literal_is_bounded_by_the_literal() -> None:
    """`a(x in 0..bag_count({A}, e))`: Z3 enumerates a range, so its end needs a static
    bound; a literal's counts give one (a variable's counters would not)."""
    e = ir.StateVar(0, "e", E2)
    literal = ir.Lit(frozenset({("A", 1)}), BagType(E2))
    count = ir.Call("bag_count", (literal, e), INT)
    dom = ir.Call("range", (ir.Lit(0, INT), count), SetType(INT))
    flip = ir.Assign(
        e,
        (),
        ir.Cond(ir.Binary("eq", e, ir.Lit("A", E2), BOOL), ir.Lit("B", E2), ir.Lit("A", E2), E2),
        E2,
    )
    action = Action("a", "action", (Param("x", INT, dom),), ir.Lit(True, BOOL), (flip,))
    model = Model("M", (), (Var("e", E2),), (), (action,), ())
    enc = Encoding(model)
    for state in (("A",), ("B",)):
        assert_encodes_like_reference(enc, model, state)


@pytest.mark.parametrize(("body", "x"), SCOPING.values(), ids=SCOPING.keys())
def test_locals_are_lexically_scoped(body: tuple[ir.Stmt, ...], x: int) -> None:
    enc = Encoding(scoping_model(body))
    f, g = fresh_pair(enc)
    assert solutions(enc, g, enc.is_state(f, (0,)), enc.step(f, g)) == [((x,), "a")]


# ---------------------------------------------------------------- the lowered network

FIFO = """spec Fifo
message Ping { n: 0..1 }
network { loss: true  duplicate: true  max_in_flight: 2 }
node A[2] {
  var got: 0..1? = none
  action ping(to in A, n in 0..1) when to != self { send Ping { n: n } to to }
  on Ping(m) { got = m.n }
}
invariant Fine: true
"""

FAULTY = """spec Faulty
message Hello {}
network { loss: true  reorder: true  max_in_flight: 2  crash: true  partition: true }
node A[3] {
  var heard: 0..2 = 0
  action hello(to in A) when to != self { send Hello {} to to }
  on Hello(m) when heard < 2 { heard = heard + 1 }
}
invariant Fine: true
"""

NETWORKS = [
    ("two_phase_commit.dsl", {}),  # a bag of few possible messages: counters
    ("two_phase_commit_crash.dsl", {}),  # crash and restart
    ("raft.dsl", {}),  # a bag of many possible messages: slots
    ("crdt_orset.dsl", {}),  # messages carrying sets of records
    ("lease_fencing.dsl", {}),
]


def assert_spec_agrees(model: Model, limit: int) -> None:
    enc = Encoding(model)
    assert_initial_states_agree(enc, model)
    for state in reachable(model, limit):
        assert_encodes_like_reference(enc, model, state)


@pytest.mark.parametrize(("name", "consts"), NETWORKS, ids=[n for n, _ in NETWORKS])
def test_bundled_specs_step_like_the_reference(name: str, consts: dict[str, int]) -> None:
    assert_spec_agrees(api.load(SPECS / name, consts).model, 10)


@pytest.mark.parametrize("text", [FIFO, FAULTY], ids=["fifo", "crash-partition"])
def test_network_variants_step_like_the_reference(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "net.dsl"
    spec.write_text(text)
    assert_spec_agrees(api.load(spec).model, 25)


# ---------------------------------------------------------------- frames


def test_frames_are_independent_states_of_one_model() -> None:
    enc = Encoding(api.load(SPECS / "two_phase_commit.dsl").model)
    a, b = enc.frame("a"), enc.frame("b")
    assert satisfiable(enc.init(a), enc.init(b), enc.equal(a, b))
    assert satisfiable(enc.init(a), enc.step(a, b), z3.Not(enc.equal(a, b)))
    assert not satisfiable(z3.Not(enc.equal(a, a)))
    m = z3.Solver()
    m.add(enc.init(a), enc.step(a, b))
    assert m.check() == z3.sat
    assert enc.action_taken(m.model(), b) == "Coordinator.begin"  # the only action enabled


def test_domain_pins_what_every_reachable_state_shares() -> None:
    """A map that starts with every key and never loses one: a state missing a key is not in
    the domain (so Z3 never has to refute "missing map key" there), a full one is."""
    m = ir.StateVar(0, "m", MapType(IntType(0, 1), BOOL))
    keys = ir.Domain(IntType(0, 1), SetType(IntType(0, 1)))
    full = ir.MapLit("k", keys, ir.Lit(False, BOOL), m.type)
    flip = ir.Assign(m, (ir.IndexStep(ir.Lit(0, IntType(0, 1))),), ir.Lit(True, BOOL), BOOL)
    model = Model(
        "M",
        (),
        (Var("m", m.type),),
        (ir.Assign(m, (), full, m.type),),
        (Action("flip", "action", (), ir.Lit(True, BOOL), (flip,)),),
        (),
    )
    enc = Encoding(model)
    f = enc.frame("f")
    assert satisfiable(enc.domain(f), enc.is_state(f, ((True, False),)))
    assert not satisfiable(enc.domain(f), enc.is_state(f, ((MISSING, False),)))


# ---------------------------------------------------------------- refused, never approximated

REFUSED = [
    (
        "spec S\nvar log: seq<int> = []\naction a { log = append(log, 1) }\n",
        2,
        "cannot encode variable `log`",
        "the sequence has no maximum length",
    ),
    (
        "spec S\nvar s: set<int> = {}\naction a { s = s + {1} }\n",
        2,
        "cannot encode variable `s`",
        "the type is not finite",
    ),
    (
        "spec S\nvar n: int = 0\naction a when n < 2 { n = n + 1 }\n"
        "invariant I: forall i in 0..n: i >= 0\n",
        4,
        "cannot encode a range with unbounded ends",
        "give its bounds a static range",
    ),
    (
        "spec S\nmessage Ping {}\nnetwork { loss: true }\nnode A[2] {\n"
        "  action ping(to in A) when to != self { send Ping {} to to }\n  on Ping(m) { }\n}\n",
        3,
        "cannot encode a FIFO network without `max_in_flight`",
        "its queues would be unbounded",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "what", "why"), REFUSED, ids=["seq", "set", "range", "fifo"]
)
def test_what_z3_cannot_express_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, what: str, why: str
) -> None:
    spec = tmp_path / "refused.dsl"
    spec.write_text(text)
    with pytest.raises(Unsupported) as refused:
        Encoding(api.load(spec).model)
    (diagnostic,) = refused.value.diagnostics
    assert diagnostic.span.file == str(spec) and diagnostic.span.line == line
    assert what in diagnostic.message and why in diagnostic.message
