"""The compiled model against the reference evaluator: same states, same order, same faults.

For random models (strategies.models) and hand-built ones, every state reachable from the
initial states (ignoring constraints, so it is a superset of what the engine explores) and a
few arbitrary well-typed states must give equal initial states, equal labelled successors in
equal order, equal `next_states`, equal property verdicts, and a SpecFault on one side exactly
when there is one on the other. A TLC-counting BFS over the compiled hot path (next_states,
predicates, fingerprint) must then count the states the reference does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verikit.compile import build
from verikit.core import ir
from verikit.core.model import Action, Model, Property, Var
from verikit.core.types import BOOL, INT, IntType, SeqType
from verikit.errors import SpecFault

from .catalog import BUILTIN_CASES, FAULTS, SCOPING, scoping_model
from .models import assign, two_phase
from .reference import Exploration, explore, holds, init_states, successors
from .strategies import models, states

State = tuple[Any, ...]
Outcome = tuple[str, Any]
WALK_LIMIT = 3000


def outcome(thunk: Callable[[], Any]) -> Outcome:
    """("ok", value) or ("fault", None): a SpecFault is an answer; any other exception, or a
    Python error the compiled code wrapped as an "internal error" fault, is a bug."""
    try:
        return "ok", thunk()
    except SpecFault as fault:
        if fault.message.startswith("internal error"):
            raise AssertionError(f"compiled code crashed: {fault.message}") from fault
        return "fault", None


def exact(value: Any) -> Any:
    """`value` with every scalar tagged by its Python type, so that True and 1 (or a list and a
    tuple) compare different, as the runtime representation of core.types tells them apart."""
    match value:
        case tuple() | list():
            return type(value).__name__, tuple(exact(v) for v in value)
        case frozenset():
            return frozenset(exact(v) for v in value)
    return type(value).__name__, value


def assert_state_agrees(model: Model, compiled: Any, state: State) -> list[State]:
    """Both sides agree on `state`; returns its successors (none after a fault)."""
    expected = outcome(lambda: successors(model, state))
    labelled = outcome(
        lambda: [(s.action, s.params, s.state) for s in compiled.labelled_successors(state)]
    )
    assert labelled == expected, f"labelled successors of {state}"
    assert exact(labelled) == exact(expected), f"labelled successors of {state}, exactly"
    plain = expected if expected[0] == "fault" else ("ok", [t for _, _, t in expected[1]])
    compiled.action_hits[:] = [0] * len(model.actions)
    got = outcome(lambda: list(compiled.next_states(state)))
    assert got == plain, f"next states of {state}"
    assert exact(got) == exact(plain), f"next states of {state}, exactly"
    if got[0] == "ok":
        hits = [sum(1 for a, _, _ in expected[1] if a == i) for i in range(len(model.actions))]
        assert compiled.action_hits == hits, f"action hits in {state}"
    for prop, predicate in compiled.properties:
        got = outcome(lambda p=predicate: bool(p(state)))
        assert got == outcome(lambda p=prop: holds(p, state)), f"{prop.kind} {prop.name} in {state}"
    return plain[1] or []


def assert_agrees(model: Model, compiled: Any, extra: tuple[State, ...] = ()) -> int:
    """Agreement on init and on every state reachable from it; returns how many were compared."""
    assert [p for p, _ in compiled.properties] == list(model.properties)
    init = outcome(lambda: init_states(model))
    assert exact(outcome(lambda: list(compiled.init_states()))) == exact(init), "initial states"
    for state in extra:
        assert_state_agrees(model, compiled, state)
    seen = dict.fromkeys(init[1] or [])
    queue = list(seen)
    while queue and len(seen) < WALK_LIMIT:
        for t in assert_state_agrees(model, compiled, queue.pop(0)):
            if t not in seen:
                seen[t] = None
                queue.append(t)
    return len(seen)


def compiled_explore(compiled: Any) -> Exploration:
    """TLC counting over the compiled hot path, the visited set keyed by `fingerprint`."""
    invariants = [(prop.name, p) for prop, p in compiled.predicates("invariant")]
    constraints = [p for _, p in compiled.predicates("constraint")]
    terminals = [p for _, p in compiled.predicates("terminal")]
    checked: set[Any] = set()
    violations: list[tuple[str, State]] = []

    def admit(state: State) -> bool:
        key = compiled.fingerprint(state)
        if key in checked:
            return False
        checked.add(key)
        violations.extend((name, state) for name, p in invariants if not p(state))
        return all(p(state) for p in constraints)

    level = [s for s in compiled.init_states() if admit(s)]
    distinct = depth = 0
    while level:
        distinct, depth = distinct + len(level), depth + 1
        next_level = []
        for state in level:
            succ = compiled.next_states(state)
            if not succ and compiled.model.deadlock and not any(p(state) for p in terminals):
                violations.append(("deadlock", state))
            next_level.extend(t for t in succ if admit(t))
        level = next_level
    return Exploration(distinct, tuple(violations), depth)


# ---------------------------------------------------------------- random models


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), model=models())
def test_compiled_model_agrees_with_reference(data: st.DataObject, model: Model) -> None:
    compiled = build(model)
    extra = tuple(data.draw(st.lists(states(model), max_size=3), label="arbitrary states"))
    assert_agrees(model, compiled, extra)
    expected = outcome(lambda: explore(model))
    got = outcome(lambda: compiled_explore(compiled))
    assert got[0] == expected[0]
    if expected[0] == "ok":
        assert (got[1].distinct, got[1].depth) == (expected[1].distinct, expected[1].depth)
        assert set(got[1].violations) == set(expected[1].violations)


# ---------------------------------------------------------------- hand-built models


@pytest.mark.parametrize(("rms", "states_"), [(3, 288), (4, 1568)])
def test_compiled_two_phase_matches_reference_and_tlc(rms: int, states_: int) -> None:
    model = two_phase(rms)
    compiled = build(model)
    assert assert_agrees(model, compiled) == states_
    result = explore(model)
    assert result.distinct == states_
    assert compiled_explore(compiled) == result


def probe(test: ir.Expr) -> Any:
    """A compiled model evaluating `test` as its only invariant and as its only action's guard."""
    action = Action("probe", "action", (), test, ())
    invariant = Property("invariant", "p", test)
    return build(Model("M", (), (Var("x", BOOL),), (), (action,), (invariant,)))


@pytest.mark.parametrize(("call", "expected"), BUILTIN_CASES.values(), ids=BUILTIN_CASES.keys())
def test_compiled_builtin(call: ir.Call, expected: Any) -> None:
    compiled = probe(ir.Binary("eq", call, ir.Lit(expected, call.type), BOOL))
    [(_, predicate)] = compiled.properties
    assert predicate((False,))
    assert compiled.next_states((False,)) == [(False,)]


@pytest.mark.parametrize("expr", FAULTS.values(), ids=FAULTS.keys())
def test_compiled_fault_in_expression(expr: ir.Expr) -> None:
    compiled = probe(ir.Binary("eq", expr, expr, BOOL))
    [(_, predicate)] = compiled.properties
    with pytest.raises(SpecFault):
        predicate((False,))
    with pytest.raises(SpecFault):
        compiled.next_states((False,))
    with pytest.raises(SpecFault):
        compiled.labelled_successors((False,))


@pytest.mark.parametrize(("body", "x"), SCOPING.values(), ids=SCOPING.keys())
def test_locals_are_lexically_scoped(body: tuple[ir.Stmt, ...], x: int) -> None:
    model = scoping_model(body)
    assert [t for _, _, t in successors(model, (0,))] == [(x,)]
    assert build(model).next_states((0,)) == [(x,)]


def test_compiled_model_without_actions_has_no_successors() -> None:
    compiled = build(Model("M", (), (Var("x", BOOL),), (), (), ()))
    assert compiled.init_states() == [(False,)]
    assert compiled.next_states((False,)) == []
    assert compiled.labelled_successors((False,)) == []


def test_compiled_fault_on_assignment_out_of_range() -> None:
    x = ir.StateVar(0, "x", IntType(0, 2))
    inc = Action(
        "inc",
        "action",
        (),
        ir.Lit(True, BOOL),
        (assign(x, ir.Binary("add", x, ir.Lit(1, INT), INT)),),
    )
    compiled = build(Model("M", (), (Var("x", x.type),), (), (inc,), ()))
    assert [s.state for s in compiled.labelled_successors((1,))] == [(2,)]
    with pytest.raises(SpecFault):
        compiled.labelled_successors((2,))
    with pytest.raises(SpecFault):
        compiled.next_states((2,))


def test_compiled_fault_on_init_literal_out_of_range() -> None:
    x = ir.StateVar(0, "x", IntType(0, 2))
    stutter = Action("stutter", "action", (), ir.Lit(True, BOOL), ())
    init = (assign(x, ir.Lit(3, INT)),)
    compiled = build(Model("M", (), (Var("x", x.type),), init, (stutter,), ()))
    with pytest.raises(SpecFault):
        compiled.init_states()


def test_compiled_sequence_assignment_past_the_end_faults() -> None:
    s = ir.StateVar(0, "s", SeqType(BOOL, 2))
    put = assign(s, ir.Lit(True, BOOL), ir.IndexStep(ir.Lit(2, INT)), target_type=BOOL)
    act = Action("put", "action", (), ir.Lit(True, BOOL), (put,))
    compiled = build(Model("M", (), (Var("s", s.type),), (), (act,), ()))
    assert compiled.next_states(((False, False),)) == [((False, True),)]
    with pytest.raises(SpecFault):
        compiled.next_states(((False,),))


def test_a_sequence_longer_than_its_target_bound_faults_at_the_assignment() -> None:
    """core/ir.py: `append` never faults; storing a sequence longer than the target's max_len
    does, however it grew (so `take(append(s, x), n)` keeps a bounded log legal)."""
    seq = SeqType(BOOL, 1)
    s = ir.StateVar(0, "s", seq)
    grown = ir.Call("append", (s, ir.Lit(True, BOOL)), seq)
    act = Action("grow", "action", (), ir.Lit(True, BOOL), (assign(s, grown),))
    model = Model("M", (), (Var("s", seq),), (), (act,), ())
    with pytest.raises(SpecFault):
        build(model).next_states(((False,),))
    with pytest.raises(SpecFault):
        successors(model, ((False,),))
    kept = ir.Call("take", (grown, ir.Lit(1, INT)), seq)
    bounded = Action("grow", "action", (), ir.Lit(True, BOOL), (assign(s, kept),))
    model = Model("M", (), (Var("s", seq),), (), (bounded,), ())
    assert build(model).next_states(((False,),)) == [((False,),)]
