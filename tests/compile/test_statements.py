"""Statements (assign paths, if, choose, require, foreach, let), parameters, guards and init,
through compiled code, checked against the reference evaluator's successors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oracle.reference import init_states as reference_init
from tests.oracle.reference import successors as reference_successors
from verikit.compile import Successor, build
from verikit.core import ir
from verikit.core.model import Param
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    EnumType,
    IntType,
    MapType,
    MessageType,
    RecordType,
    SeqType,
    SetType,
    Type,
)
from verikit.errors import SpecFault

from .models import FALSE, TRUE, action, assign, bop, call, lit, model, sv

SMALL = IntType(0, 2)
SMALL_SET = SetType(SMALL)
BACKWARDS = EnumType("Backwards", ("Zed", "Alpha"))  # domain order is not alphabetical
PAIR = RecordType("Pair", (("a", BOOL), ("b", SMALL)))
MSG = MessageType((RecordType("Ping", ()), RecordType("Vote", (("yes", BOOL), ("n", SMALL)))))
State = tuple[Any, ...]


def i(n: int) -> ir.Lit:
    return lit(n, INT)


def run(stmts: list[ir.Stmt], slots: list[tuple[str, Type]], state: State,
        params: tuple[Param, ...] = (), guard: ir.Expr = TRUE) -> list[State]:  # fmt: skip
    """Successors of one action, compiled; they must equal the reference's, in order."""
    m = model(slots, actions=(action("a", guard, *stmts, params=params),))
    compiled = build(m)
    expected = [t for _, _, t in reference_successors(m, state)]
    assert compiled.next_states(state) == expected
    assert [s.state for s in compiled.labelled_successors(state)] == expected
    return expected


# ---------------------------------------------------------------- assignments


def test_assignment_paths_rebuild_only_the_named_location() -> None:
    pairs = sv(0, MapType(SMALL, PAIR))
    msg = sv(1, MSG)
    seq = sv(2, SeqType(BOOL))
    state = ((MISSING, (False, 0), MISSING), ("Vote", False, 0), (False, False))
    block = [
        assign(pairs, i(2), ir.IndexStep(i(1)), ir.FieldStep(1), target=SMALL),
        assign(pairs, lit((True, 1), PAIR), ir.IndexStep(i(2)), target=PAIR),
        assign(msg, TRUE, ir.FieldStep(0), target=BOOL),
        assign(seq, TRUE, ir.IndexStep(i(2)), target=BOOL),
    ]
    slots = [("pairs", pairs.type), ("msg", MSG), ("seq", seq.type)]
    assert run(block, slots, state) == [
        ((MISSING, (False, 2), (True, 1)), ("Vote", True, 0), (False, True))]  # fmt: skip


def test_assignment_through_computed_keys_and_nested_maps() -> None:
    grid = MapType(SMALL, MapType(BOOL, SMALL))
    g, k, b = sv(0, grid), sv(1, SMALL), sv(2, BOOL)
    row = (0, 0)
    state = ((row, row, row), 1, True)
    block = [assign(g, i(2), ir.IndexStep(k), ir.IndexStep(b), target=SMALL)]
    slots = [("g", grid), ("k", SMALL), ("b", BOOL)]
    assert run(block, slots, state) == [((row, (0, 2), row), 1, True)]


def test_assigning_a_key_outside_the_key_type_faults() -> None:
    m, k = sv(0, MapType(SMALL, INT)), sv(1, INT)
    with pytest.raises(SpecFault, match="missing map key 3"):
        run([assign(m, i(1), ir.IndexStep(k), target=INT)], [("m", m.type), ("k", INT)],
            ((0, 0, 0), 3))  # fmt: skip


def test_assigning_through_a_missing_key_or_past_a_sequence_faults() -> None:
    pairs = sv(0, MapType(SMALL, PAIR))
    deep = assign(pairs, TRUE, ir.IndexStep(i(1)), ir.FieldStep(0), target=BOOL)
    with pytest.raises(SpecFault, match="missing map key 1"):
        run([deep], [("pairs", pairs.type)], ((MISSING,) * 3,))
    seq = sv(0, SeqType(BOOL))
    with pytest.raises(SpecFault, match="sequence index 2 out of range 1..1"):
        run([assign(seq, TRUE, ir.IndexStep(i(2)), target=BOOL)], [("seq", seq.type)], ((False,),))


def test_assigning_outside_a_bounded_int_faults() -> None:
    x = sv(0, SMALL)
    assert run([assign(x, i(2))], [("x", SMALL)], (0,)) == [(2,)]
    for bad in (3, -1):
        with pytest.raises(SpecFault, match=f"value {bad} out of range 0..2"):
            run([assign(x, sv(1, INT))], [("x", SMALL), ("y", INT)], (0, bad))
    half = sv(0, IntType(0, None))
    with pytest.raises(SpecFault, match="value -1 out of range"):
        run([assign(half, i(-1))], [("x", half.type)], (0,))


def test_range_check_uses_the_assigned_location_type() -> None:
    counts = sv(0, MapType(BOOL, SMALL))
    bump = assign(counts, i(3), ir.IndexStep(lit(True, BOOL)), target=SMALL)
    with pytest.raises(SpecFault, match="value 3 out of range"):
        run([bump], [("counts", counts.type)], ((0, 0),))


def test_a_sequence_longer_than_its_target_bound_faults_when_assigned() -> None:
    log, inner = sv(0, SeqType(INT, 2)), SeqType(INT, 2)
    grown = call("append", inner, log, i(7))
    slots = [("log", log.type)]
    assert run([assign(log, grown)], slots, ((1,),)) == [((1, 7),)]
    with pytest.raises(SpecFault, match="sequence of length 3 exceeds its maximum 2"):
        run([assign(log, grown)], slots, ((1, 2),))
    # however long it grew on the way, a sequence that fits when stored is fine
    kept = call("take", inner, call("append", inner, grown, i(8)), i(2))
    assert run([assign(log, kept)], slots, ((1, 2),)) == [((1, 2),)]
    logs = sv(0, MapType(SMALL, inner))
    into_map = assign(logs, grown, ir.IndexStep(i(0)), target=inner)
    with pytest.raises(SpecFault, match="exceeds its maximum 2"):
        run([into_map], [("logs", logs.type)], (((1, 2), (), ()),))


def test_statements_see_earlier_assignments_of_the_same_block() -> None:
    x = sv(0, SMALL)
    assert run([assign(x, i(1)), assign(x, bop("add", x, i(1), INT))], [("x", SMALL)], (0,)) == [
        (2,)]  # fmt: skip


def test_locals_can_be_reassigned() -> None:
    x, v = sv(0, INT), ir.Local("v", INT)
    block = [ir.LetStmt("v", i(1)), assign(v, bop("add", v, i(5), INT)), assign(x, v)]
    assert run(block, [("x", INT)], (0,)) == [(6,)]


def test_a_key_of_the_right_type_but_out_of_range_is_a_missing_key() -> None:
    """Types do not bound values (`r - 1` may still be typed 1..3); an int key just below the
    range must not wrap around to the last slot of a map that holds every key."""
    rm = IntType(1, 3)
    m, out = sv(0, MapType(rm, INT)), sv(1, INT)
    r = ir.Local("r", rm)
    init = (assign(m, ir.MapLit("r", ir.Domain(rm, SetType(rm)), i(5), m.type)),)
    below = ir.Index(m, bop("sub", r, i(1), rm), INT)
    act = action(
        "read", TRUE, assign(out, below), params=(Param("r", rm, ir.Domain(rm, SetType(rm))),)
    )
    compiled = build(model([("m", m.type), ("out", INT)], init=init, actions=(act,)))
    [start] = compiled.init_states()
    with pytest.raises(SpecFault, match="missing map key 0"):
        compiled.next_states(start)


# ---------------------------------------------------------------- control flow


def test_if_takes_one_branch() -> None:
    x = sv(0, SMALL)
    stmt = ir.If(bop("eq", x, i(0)), (assign(x, i(1)),), (assign(x, i(2)),))
    assert run([stmt], [("x", SMALL)], (0,)) == [(1,)]
    assert run([stmt], [("x", SMALL)], (1,)) == [(2,)]
    only_then = ir.If(bop("eq", x, i(0)), (assign(x, i(1)),), ())
    assert run([only_then], [("x", SMALL)], (2,)) == [(2,)]
    only_else = ir.If(bop("eq", x, i(0)), (), (assign(x, i(0)),))
    assert run([only_else], [("x", SMALL)], (2,)) == [(0,)]


def test_choose_forks_in_domain_order_depth_first() -> None:
    x, y = sv(0, BACKWARDS), sv(1, BOOL)
    choose = ir.Choose("c", ir.Domain(BACKWARDS, SetType(BACKWARDS)), (
        assign(x, ir.Local("c", BACKWARDS)),
        ir.Choose("b", ir.Domain(BOOL, SetType(BOOL)), (assign(y, ir.Local("b", BOOL)),)),
    ))  # fmt: skip
    assert run([choose], [("x", BACKWARDS), ("y", BOOL)], ("Zed", False)) == [
        ("Zed", False), ("Zed", True), ("Alpha", False), ("Alpha", True)]  # fmt: skip


def test_computed_sets_are_chosen_from_by_ordinal_not_by_name() -> None:
    x, s = sv(0, BACKWARDS), sv(1, SetType(BACKWARDS))
    choose = ir.Choose("c", s, (assign(x, ir.Local("c", BACKWARDS)),))
    assert run([choose], [("x", BACKWARDS), ("s", s.type)], ("Zed", frozenset({"Alpha", "Zed"}))) == [
        ("Zed", frozenset({"Alpha", "Zed"})), ("Alpha", frozenset({"Alpha", "Zed"}))]  # fmt: skip


def test_statements_after_a_choose_run_in_every_fork() -> None:
    x, y = sv(0, SMALL), sv(1, SMALL)
    block = [
        ir.Choose("c", ir.SetLit((i(2), i(1)), SMALL_SET), (assign(x, ir.Local("c", SMALL)),)),
        assign(y, x),
    ]
    assert run(block, [("x", SMALL), ("y", SMALL)], (0, 0)) == [(1, 1), (2, 2)]


def test_a_fork_does_not_see_the_assignments_of_the_fork_before_it() -> None:
    x, v = sv(0, INT), ir.Local("v", INT)
    block = [
        ir.LetStmt("v", i(10)),
        assign(x, bop("add", x, i(1), INT)),
        ir.Choose("c", ir.SetLit((i(1), i(2)), SetType(INT)), (
            assign(v, bop("add", v, ir.Local("c", INT), INT)),
            assign(x, bop("add", x, v, INT)),
        )),
    ]  # fmt: skip
    assert run(block, [("x", INT)], (0,)) == [(12,), (13,)]


def test_a_loop_inside_a_fork_starts_from_that_fork() -> None:
    x, v = sv(0, INT), ir.Local("v", INT)
    block = [
        ir.LetStmt("v", i(0)),
        ir.Choose("c", ir.SetLit((i(1), i(2)), SetType(INT)), (
            ir.ForEach("d", ir.SetLit((i(10), i(20)), SetType(INT)), (
                assign(v, bop("add", v, ir.Local("c", INT), INT)),
            )),
            assign(x, v),
        )),
    ]  # fmt: skip
    assert run(block, [("x", INT)], (0,)) == [(2,), (4,)]


def test_require_ends_a_fork_without_successor() -> None:
    x, c = sv(0, SMALL), ir.Local("c", SMALL)
    choose = ir.Choose("c", ir.Domain(SMALL, SMALL_SET), (
        ir.Require(bop("ne", c, i(1))), assign(x, c)))  # fmt: skip
    assert run([choose], [("x", SMALL)], (0,)) == [(0,), (2,)]
    assert run([ir.Require(FALSE), assign(x, i(1))], [("x", SMALL)], (0,)) == []
    assert run([assign(x, i(1)), ir.Require(bop("eq", x, i(1)))], [("x", SMALL)], (0,)) == [(1,)]


def test_fork_inside_an_if_continues_with_the_rest_of_the_block() -> None:
    x, y = sv(0, SMALL), sv(1, SMALL)
    c = ir.Local("c", SMALL)
    block = [
        ir.If(bop("eq", x, i(0)),
              (ir.Choose("c", ir.SetLit((i(1), i(2)), SMALL_SET), (assign(x, c),)),),
              (ir.Require(bop("eq", x, i(1))),)),
        assign(y, x),
    ]  # fmt: skip
    slots = [("x", SMALL), ("y", SMALL)]
    assert run(block, slots, (0, 0)) == [(1, 1), (2, 2)]
    assert run(block, slots, (1, 0)) == [(1, 1)]
    assert run(block, slots, (2, 0)) == []


def test_choose_over_an_empty_set_yields_nothing() -> None:
    empty = ir.SetLit((), SMALL_SET)
    assert run([ir.Choose("c", empty, ())], [("x", SMALL)], (0,)) == []


def test_foreach_runs_in_order_and_locals_it_assigns_persist() -> None:
    acc, x = ir.Local("acc", SeqType(INT)), ir.Local("x", INT)
    out = sv(0, SeqType(INT))
    block = [
        ir.LetStmt("acc", ir.SeqLit((), acc.type)),
        ir.ForEach("x", lit(frozenset({3, 1, 2}), SetType(INT)), (
            ir.LetStmt("scratch", x),
            assign(acc, call("append", acc.type, acc, ir.Local("scratch", INT))),
        )),
        assign(out, acc),
    ]  # fmt: skip
    assert run(block, [("out", out.type)], ((),)) == [((1, 2, 3),)]


def test_foreach_over_a_computed_set_assigns_state_in_order() -> None:
    log, s = sv(0, SeqType(BACKWARDS)), sv(1, SetType(BACKWARDS))
    x = ir.Local("x", BACKWARDS)
    loop = ir.ForEach("x", s, (
        ir.If(bop("ne", x, lit("Gone", BACKWARDS)), (assign(log, call("append", log.type, log, x)),), ()),
    ))  # fmt: skip
    assert run([loop], [("log", log.type), ("s", s.type)], ((), frozenset({"Alpha", "Zed"}))) == [
        (("Zed", "Alpha"), frozenset({"Alpha", "Zed"}))]  # fmt: skip


def test_names_bound_in_a_block_vanish_after_it() -> None:
    x, v = sv(0, INT), ir.Local("v", INT)
    block = [
        ir.LetStmt("v", i(1)),
        ir.If(TRUE, (ir.LetStmt("v", i(5)), assign(v, i(6))), ()),
        assign(x, v),
    ]
    assert run(block, [("x", INT)], (0,)) == [(1,)]


# ---------------------------------------------------------------- parameters and guards


def test_parameters_vary_first_slowest_and_may_depend_on_earlier_ones() -> None:
    out = sv(0, SeqType(SMALL))
    p, q = ir.Local("p", SMALL), ir.Local("q", SMALL)
    params = (
        Param("p", SMALL, ir.Domain(SMALL, SMALL_SET)),
        Param("q", SMALL, call("range", SMALL_SET, i(0), p)),
    )
    got = run([assign(out, ir.SeqLit((p, q), out.type))], [("out", out.type)], ((),),
              params=params, guard=bop("ne", p, i(1)))  # fmt: skip
    assert got == [((0, 0),), ((2, 0),), ((2, 1),), ((2, 2),)]


def test_labels_carry_the_action_and_its_parameters() -> None:
    x = sv(0, SMALL)
    p = ir.Local("p", SMALL)
    inc = action(
        "inc", TRUE, assign(x, p), params=(Param("p", SMALL, ir.Domain(SMALL, SMALL_SET)),)
    )
    stay = action("stay", TRUE)
    compiled = build(model([("x", SMALL)], actions=(stay, inc)))
    assert compiled.labelled_successors((1,)) == [
        Successor(0, (), (1,)), Successor(1, (0,), (0,)), Successor(1, (1,), (1,)),
        Successor(1, (2,), (2,))]  # fmt: skip


def test_a_guard_over_an_empty_domain_is_never_evaluated() -> None:
    x = sv(0, INT)
    boom = bop("eq", bop("div", i(1), x, INT), i(0))
    params = (Param("p", SMALL, sv(1, SMALL_SET)),)
    assert (
        run([], [("x", INT), ("s", SMALL_SET)], (0, frozenset()), params=params, guard=boom) == []
    )
    with pytest.raises(SpecFault, match="division by zero"):
        run([], [("x", INT), ("s", SMALL_SET)], (0, frozenset({1})), params=params, guard=boom)


def test_guard_conjuncts_short_circuit_left_to_right() -> None:
    x, p = sv(0, INT), ir.Local("p", SMALL)
    boom = bop("eq", bop("div", i(1), x, INT), i(0))
    params = (Param("p", SMALL, ir.Domain(SMALL, SMALL_SET)),)
    guard = bop("and", bop("eq", p, i(7)), boom)  # boom reads no parameter, but comes second
    assert run([], [("x", INT)], (0,), params=params, guard=guard) == []


# ---------------------------------------------------------------- init


def test_init_starts_from_default_values_and_keeps_distinct_states_in_fork_order() -> None:
    x = sv(0, SMALL)
    c = ir.Local("c", SMALL)
    init = (ir.Choose("c", ir.SetLit((i(2), i(0), i(1)), SMALL_SET), (
        ir.If(bop("eq", c, i(1)), (assign(x, i(2)),), (assign(x, c),)),)),)  # fmt: skip
    m = model([("x", SMALL), ("y", BACKWARDS)], init=init)
    assert build(m).init_states() == reference_init(m) == [(0, "Zed"), (2, "Zed")]


def test_int_literal_outside_its_range_in_an_initialiser_faults() -> None:
    m = model([("x", SMALL)], init=(assign(sv(0, SMALL), i(5)),))
    with pytest.raises(SpecFault, match="value 5 out of range 0..2"):
        build(m).init_states()


def test_variables_start_from_their_type_defaults() -> None:
    slots: list[tuple[str, Type]] = [
        ("b", BOOL), ("n", IntType(3, 5)), ("neg", IntType(-5, -2)), ("e", BACKWARDS),
        ("m", MapType(SMALL, BOOL)), ("s", SMALL_SET), ("r", PAIR), ("msg", MSG),
    ]  # fmt: skip
    m = model(slots)
    assert build(m).init_states() == reference_init(m) == [
        (False, 3, -2, "Zed", (MISSING,) * 3, frozenset(), (False, 0), ("Ping",))]  # fmt: skip
