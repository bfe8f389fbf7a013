"""The reference evaluator against hand-written models whose answers are known by hand."""

from __future__ import annotations

from typing import Any

import pytest

from verikit.core import ir
from verikit.core.model import Action, Model, Param, Property, Var
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    EnumType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
)
from verikit.errors import SpecFault

from .catalog import BOOL_MAP, BOOL_SEQ, BUILTIN_CASES, FAULTS, SMALL, i
from .models import and_, assign, binary, eq, lit, two_phase
from .reference import (
    eval_expr,
    exec_block,
    explore,
    holds,
    init_states,
    members,
    successors,
)

COLOR = EnumType("Color", ("Red", "Green", "Blue"))
BACKWARDS = EnumType("Backwards", ("Zed", "Alpha"))  # domain order is not alphabetical
PAIR = RecordType("Pair", (("a", BOOL), ("b", SMALL)))
MSG = MessageType((RecordType("Ping", ()), RecordType("Vote", (("yes", BOOL), ("n", SMALL)))))


def model(
    *slots: tuple[str, Type],
    init: tuple[ir.Stmt, ...] = (),
    actions: tuple[Action, ...] = (),
    properties: tuple[Property, ...] = (),
    deadlock: bool = True,
) -> Model:
    vars_ = tuple(Var(name, t) for name, t in slots)
    return Model("M", (), vars_, init, actions, properties, deadlock=deadlock)


def sv(index: int, t: Type, name: str = "") -> ir.StateVar:
    return ir.StateVar(index, name or f"v{index}", t)


def ev(expr: ir.Expr, state: tuple[Any, ...] = (), **env: Any) -> Any:
    return eval_expr(expr, state, env)


# ---------------------------------------------------------------- TLC-known counts


@pytest.mark.parametrize(("rms", "states"), [(3, 288), (4, 1568)])
def test_two_phase_reaches_tlc_state_count(rms: int, states: int) -> None:
    result = explore(two_phase(rms))
    assert result.distinct == states
    assert result.violations == ()


def test_two_phase_starts_with_every_rm_working() -> None:
    assert init_states(two_phase(2)) == [(("Working", "Working"), "Init", frozenset(), frozenset())]


def test_two_phase_successors_follow_action_then_parameter_order() -> None:
    m = two_phase(2)
    labels = [(m.actions[a].name, params) for a, params, _ in successors(m, init_states(m)[0])]
    assert labels == [
        ("TMAbort", ()),
        ("RMPrepare", (1,)), ("RMPrepare", (2,)),
        ("RMChooseToAbort", (1,)), ("RMChooseToAbort", (2,)),
    ]  # fmt: skip


def test_two_phase_commit_reaches_someone_committed() -> None:
    m = two_phase(1)
    s = init_states(m)[0]
    for name in ("RMPrepare", "TMRcvPrepared", "TMCommit", "RMRcvCommitMsg"):
        s = next(t for a, _, t in successors(m, s) if m.actions[a].name == name)
    assert s[0] == ("Committed",)
    assert holds(m.props("reachable")[0], s)


# ---------------------------------------------------------------- expressions


def test_message_fields_sit_after_the_message_name() -> None:
    vote = ir.MessageLit("Vote", (lit(True, BOOL), i(2)), MSG)
    assert ev(vote) == ("Vote", True, 2)
    assert ev(ir.Field(vote, 1, "n", SMALL)) == 2
    assert ev(ir.Field(ir.RecordLit((lit(False, BOOL), i(1)), PAIR), 1, "b", SMALL)) == 1


def test_map_literal_over_part_of_the_keys_leaves_the_rest_missing() -> None:
    some = ir.SetLit((i(0), i(2)), SetType(SMALL))
    m = ev(ir.MapLit("k", some, binary("eq", ir.Local("k", SMALL), i(2)), BOOL_MAP))
    assert m == (False, MISSING, True)
    call = ir.Call
    assert ev(call("len", (lit(m, BOOL_MAP),), INT)) == 2
    assert ev(call("keys", (lit(m, BOOL_MAP),), SetType(SMALL))) == {0, 2}
    assert ev(call("has", (lit(m, BOOL_MAP), i(1)), BOOL)) is False
    assert ev(call("has", (lit(m, BOOL_MAP), i(7)), BOOL)) is False
    assert ev(call("delete", (lit(m, BOOL_MAP), i(0)), BOOL_MAP)) == (MISSING, MISSING, True)
    assert ev(call("delete", (lit(m, BOOL_MAP), i(-1)), BOOL_MAP)) == m


def test_sequences_are_indexed_from_one() -> None:
    s = lit((True, False, False), BOOL_SEQ)
    assert ev(ir.Index(s, i(1), BOOL)) is True
    assert ev(ir.Index(s, i(3), BOOL)) is False


def test_logical_operators_short_circuit() -> None:
    boom = eq(binary("div", i(1), i(0), INT), i(0))
    f, t = lit(False, BOOL), lit(True, BOOL)
    assert ev(binary("and", f, boom)) is False
    assert ev(binary("or", t, boom)) is True
    assert ev(binary("implies", f, boom)) is True
    with pytest.raises(SpecFault):
        ev(binary("and", t, boom))


def test_integer_division_floors() -> None:
    assert ev(binary("div", i(-7), i(2), INT)) == -4
    assert ev(binary("mod", i(-7), i(2), INT)) == 1


def test_set_operators() -> None:
    a = lit(frozenset({"Red", "Green"}), SetType(COLOR))
    b = lit(frozenset({"Green", "Blue"}), SetType(COLOR))
    assert ev(binary("union", a, b, a.type)) == {"Red", "Green", "Blue"}
    assert ev(binary("diff", a, b, a.type)) == {"Red"}
    assert ev(binary("inter", a, b, a.type)) == {"Green"}
    assert ev(binary("subseteq", a, b)) is False
    assert ev(binary("subseteq", a, ir.Domain(COLOR, SetType(COLOR)))) is True
    assert ev(binary("in", lit("Blue", COLOR), b)) is True


def test_quantifiers_comprehensions_and_let() -> None:
    x = ir.Local("x", SMALL)
    all_small = ir.Domain(SMALL, SetType(SMALL))
    assert ev(ir.Quant("forall", "x", all_small, binary("le", x, i(2)), BOOL)) is True
    assert ev(ir.Quant("exists", "x", all_small, binary("gt", x, i(1)), BOOL)) is True
    assert (
        ev(ir.Quant("exists", "x", ir.SetLit((), SetType(SMALL)), lit(True, BOOL), BOOL)) is False
    )
    doubled = ir.SetComp(
        "x", all_small, binary("mul", x, i(2), INT), binary("ne", x, i(1)), SetType(INT)
    )
    assert ev(doubled) == {0, 4}
    y = ir.Local("y", INT)
    assert ev(ir.Let("y", i(3), binary("add", y, y, INT), INT)) == 6


def test_comprehension_reads_elem_only_where_the_filter_holds() -> None:
    m = lit((True, MISSING, False), BOOL_MAP)
    k = ir.Local("k", SMALL)
    present = ir.SetComp(
        "k",
        ir.Domain(SMALL, SetType(SMALL)),
        ir.Index(m, k, BOOL),
        ir.Call("has", (m, k), BOOL),
        SetType(BOOL),
    )
    assert ev(present) == {True, False}


@pytest.mark.parametrize(("call", "expected"), BUILTIN_CASES.values(), ids=BUILTIN_CASES.keys())
def test_builtin(call: ir.Call, expected: Any) -> None:
    assert ev(call) == expected


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize("expr", FAULTS.values(), ids=FAULTS.keys())
def test_runtime_fault_in_expression(expr: ir.Expr) -> None:
    with pytest.raises(SpecFault):
        ev(expr)


def test_assigning_outside_the_declared_range_faults() -> None:
    x = sv(0, SMALL)
    assert exec_block([assign(x, i(2))], (0,), {})[0][0] == (2,)
    with pytest.raises(SpecFault, match="out of range"):
        exec_block([assign(x, i(3))], (0,), {})
    with pytest.raises(SpecFault, match="out of range"):
        exec_block([assign(x, i(-1))], (0,), {})


def test_int_literal_outside_its_range_in_an_initialiser_faults() -> None:
    with pytest.raises(SpecFault):
        init_states(model(("x", SMALL), init=(assign(sv(0, SMALL), i(5)),)))


def test_assigning_through_a_missing_key_or_past_a_sequence_faults() -> None:
    pairs = sv(0, MapType(SMALL, PAIR))
    deep = assign(pairs, lit(True, BOOL), ir.IndexStep(i(1)), ir.FieldStep(0), target_type=BOOL)
    with pytest.raises(SpecFault, match="missing map key"):
        exec_block([deep], ((MISSING,) * 3,), {})
    seq = sv(0, BOOL_SEQ)
    with pytest.raises(SpecFault, match="out of range"):
        exec_block(
            [assign(seq, lit(True, BOOL), ir.IndexStep(i(2)), target_type=BOOL)], ((False,),), {}
        )


def test_range_check_uses_the_assigned_location_type() -> None:
    counts = sv(0, MapType(BOOL, SMALL))
    bump = assign(counts, i(3), ir.IndexStep(lit(True, BOOL)), target_type=SMALL)
    with pytest.raises(SpecFault):
        exec_block([bump], ((0, 0),), {})


# ---------------------------------------------------------------- statements


def test_assignment_paths_rebuild_only_the_named_location() -> None:
    pairs = sv(0, MapType(SMALL, PAIR))
    msg = sv(1, MSG)
    seq = sv(2, BOOL_SEQ)
    state = ((MISSING, (False, 0), MISSING), ("Vote", False, 0), (False, False))
    block = [
        assign(pairs, i(2), ir.IndexStep(i(1)), ir.FieldStep(1), target_type=SMALL),
        assign(pairs, lit((True, 1), PAIR), ir.IndexStep(i(2)), target_type=PAIR),
        assign(msg, lit(True, BOOL), ir.FieldStep(0), target_type=BOOL),
        assign(seq, lit(True, BOOL), ir.IndexStep(i(2)), target_type=BOOL),
    ]
    [(after, _)] = exec_block(block, state, {})
    assert after == ((MISSING, (False, 2), (True, 1)), ("Vote", True, 0), (False, True))


def test_statements_see_earlier_assignments_of_the_same_block() -> None:
    x = sv(0, SMALL)
    block = [assign(x, i(1)), assign(x, binary("add", x, i(1), INT))]
    assert exec_block(block, (0,), {}) == [((2,), {})]


def test_choose_forks_in_domain_order_depth_first() -> None:
    x, y = sv(0, BACKWARDS), sv(1, BOOL)
    choose = ir.Choose("c", ir.Domain(BACKWARDS, SetType(BACKWARDS)), (
        assign(x, ir.Local("c", BACKWARDS)),
        ir.Choose("b", ir.Domain(BOOL, SetType(BOOL)), (assign(y, ir.Local("b", BOOL)),)),
    ))  # fmt: skip
    states = [s for s, _ in exec_block([choose], ("Zed", False), {})]
    assert states == [("Zed", False), ("Zed", True), ("Alpha", False), ("Alpha", True)]


def test_computed_sets_iterate_by_ordinal_not_by_name() -> None:
    assert members(SetType(BACKWARDS), frozenset({"Alpha", "Zed"})) == ["Zed", "Alpha"]
    assert members(SetType(IntType(-2, 3)), frozenset({3, -2, 0})) == [-2, 0, 3]


def test_statements_after_a_choose_run_in_every_fork() -> None:
    x, y = sv(0, SMALL), sv(1, SMALL)
    block = [
        ir.Choose("c", ir.SetLit((i(2), i(1)), SetType(SMALL)), (assign(x, ir.Local("c", SMALL)),)),
        assign(y, x),
    ]
    assert [s for s, _ in exec_block(block, (0, 0), {})] == [(1, 1), (2, 2)]


def test_require_ends_a_fork_without_successor() -> None:
    x = sv(0, SMALL)
    c = ir.Local("c", SMALL)
    choose = ir.Choose("c", ir.Domain(SMALL, SetType(SMALL)), (
        ir.Require(binary("ne", c, i(1))), assign(x, c)))  # fmt: skip
    assert [s for s, _ in exec_block([choose], (0,), {})] == [(0,), (2,)]
    assert exec_block([ir.Require(lit(False, BOOL)), assign(x, i(1))], (0,), {}) == []


def test_choose_over_empty_set_yields_nothing() -> None:
    empty = ir.SetLit((), SetType(SMALL))
    assert exec_block([ir.Choose("c", empty, ())], (0,), {}) == []


def test_foreach_runs_in_order_and_locals_it_assigns_persist() -> None:
    acc = ir.Local("acc", SeqType(INT))
    x = ir.Local("x", INT)
    out = sv(0, SeqType(INT))
    block = [
        ir.LetStmt("acc", ir.SeqLit((), acc.type)),
        ir.ForEach("x", lit(frozenset({3, 1, 2}), SetType(INT)), (
            ir.LetStmt("scratch", x),
            assign(acc, ir.Call("append", (acc, ir.Local("scratch", INT)), acc.type)),
        )),
        assign(out, acc),
    ]  # fmt: skip
    [(state, env)] = exec_block(block, ((),), {})
    assert state == ((1, 2, 3),)
    assert env == {"acc": (1, 2, 3)}


def test_if_takes_one_branch() -> None:
    x = sv(0, SMALL)
    stmt = ir.If(binary("eq", x, i(0)), (assign(x, i(1)),), (assign(x, i(2)),))
    assert exec_block([stmt], (0,), {})[0][0] == (1,)
    assert exec_block([stmt], (1,), {})[0][0] == (2,)


# ---------------------------------------------------------------- models


def counter(limit: int, constraint: int | None = None, bad: int | None = None) -> Model:
    """x: 0..limit counts up by one until limit."""
    x = sv(0, IntType(0, limit), "x")
    step = Action(
        "inc", "action", (), binary("lt", x, i(limit)), (assign(x, binary("add", x, i(1), INT)),)
    )
    props: list[Property] = [Property("terminal", "done", binary("eq", x, i(limit)))]
    if constraint is not None:
        props.append(Property("constraint", "small", binary("le", x, i(constraint))))
    if bad is not None:
        props.append(Property("invariant", "not_bad", binary("ne", x, i(bad))))
    return model(("x", x.type), actions=(step,), properties=tuple(props))


def test_explore_counts_every_level() -> None:
    assert explore(counter(5)) == (6, (), 6)


def test_state_outside_constraint_is_checked_but_not_counted_or_explored() -> None:
    result = explore(counter(10, constraint=3, bad=4))
    assert result.distinct == 4
    assert result.depth == 4
    assert result.violations == (("not_bad", (4,)),)
    assert explore(counter(10, constraint=3, bad=5)).violations == ()


def test_deadlock_is_a_violation_unless_terminal() -> None:
    stuck = model(("x", BOOL))
    assert explore(stuck).violations == (("deadlock", (False,)),)
    assert explore(model(("x", BOOL), deadlock=False)).violations == ()
    assert explore(counter(2)).violations == ()


def test_init_states_are_distinct_and_in_fork_order() -> None:
    x, y = sv(0, BACKWARDS), sv(1, BOOL)
    init = (
        ir.Choose("b", ir.Domain(BOOL, SetType(BOOL)), (assign(y, ir.Local("b", BOOL)),)),
        ir.Choose(
            "c", ir.Domain(BACKWARDS, SetType(BACKWARDS)), (assign(x, ir.Local("c", BACKWARDS)),)
        ),
        assign(y, lit(True, BOOL)),
    )
    assert init_states(model(("x", BACKWARDS), ("y", BOOL), init=init)) == [
        ("Zed", True),
        ("Alpha", True),
    ]


def test_variables_start_from_their_type_defaults() -> None:
    m = model(
        ("b", BOOL), ("n", IntType(2, 4)), ("c", COLOR), ("m", BOOL_MAP), ("o", OptionType(BOOL))
    )
    assert init_states(m) == [(False, 2, "Red", (MISSING,) * 3, None)]


def test_parameters_vary_first_slowest_and_may_depend_on_earlier_ones() -> None:
    a, b = ir.Local("a", SMALL), ir.Local("b", SMALL)
    params = (
        Param("a", SMALL, ir.Domain(SMALL, SetType(SMALL))),
        Param("b", SMALL, ir.Call("range", (i(0), binary("sub", a, i(1), INT)), SetType(SMALL))),
    )
    x = sv(0, IntType(0, 4))
    act = Action("pick", "action", params, lit(True, BOOL), (assign(x, binary("add", a, b, INT)),))
    got = successors(model(("x", x.type), actions=(act,)), (0,))
    assert got == [(0, (1, 0), (1,)), (0, (2, 0), (2,)), (0, (2, 1), (3,))]


def test_guard_false_yields_nothing_and_guard_faults_propagate() -> None:
    x = sv(0, BOOL_MAP)
    reads = Action("read", "action", (), ir.Index(x, i(0), BOOL), ())
    m = model(("x", BOOL_MAP), actions=(reads,))
    assert successors(m, ((False, False, False),)) == []
    assert successors(m, ((True, False, False),)) == [(0, (), ((True, False, False),))]
    with pytest.raises(SpecFault):
        successors(m, ((MISSING, False, False),))


def test_property_holds_on_a_state() -> None:
    inv = Property("invariant", "i", and_(binary("ge", sv(0, SMALL), i(1)), lit(True, BOOL)))
    assert holds(inv, (1,)) and not holds(inv, (0,))


def test_quantifiers_stop_at_the_first_deciding_value_in_domain_order() -> None:
    x = ir.Local("x", SMALL)
    zero_and_two = ir.SetLit((i(2), i(0)), SetType(SMALL))
    body = eq(binary("div", i(2), binary("sub", i(2), x, INT), INT), i(0))  # faults at x = 2
    assert ev(ir.Quant("forall", "x", zero_and_two, body, BOOL)) is False
    assert ev(ir.Quant("exists", "x", zero_and_two, ir.Unary("not", body, BOOL), BOOL)) is True


def test_map_literal_with_a_key_outside_the_key_type_faults() -> None:
    keys = ir.Call("range", (i(0), i(3)), SetType(INT))
    with pytest.raises(SpecFault):
        ev(ir.MapLit("k", keys, lit(True, BOOL), BOOL_MAP))
