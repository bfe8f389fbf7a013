"""Every expression form and builtin, evaluated by compiled code and by the reference
evaluator of tests/oracle, which must agree (value, or fault message)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oracle.reference import eval_expr
from verikit.core import ir
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    BagType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    default_value,
)
from verikit.errors import SpecFault

from .models import FALSE, TRUE, bop, call, evaluate, lit, sv

COLOR = EnumType("Color", ("Red", "Green", "Blue"))
SMALL = IntType(0, 2)
SMALL_SET = SetType(SMALL)
INT_SET = SetType(INT)
INT_SEQ = SeqType(INT)
BOOL_MAP = MapType(SMALL, BOOL)
PAIR = RecordType("Pair", (("a", BOOL), ("b", SMALL)))
ONE = RecordType("One", (("x", INT),))
MSG = MessageType((RecordType("Ping", ()), RecordType("Vote", (("yes", BOOL), ("n", SMALL)))))


def both(expr: ir.Expr, *inputs: tuple[Type, Any]) -> Any:
    """The compiled value of `expr`, after checking the reference evaluator agrees."""
    state = (default_value(expr.type), *(v for _, v in inputs))
    try:
        expected = eval_expr(expr, state, {})
    except SpecFault as fault:
        with pytest.raises(SpecFault) as caught:
            evaluate(expr, *inputs)
        assert caught.value.message == fault.message
        raise
    got = evaluate(expr, *inputs)
    assert got == expected and type(got) is type(expected), (got, expected)
    return got


def i(n: int) -> ir.Lit:
    return lit(n, INT)


def x(t: Type = INT) -> ir.StateVar:
    """The first input slot."""
    return sv(1, t, "x")


# ---------------------------------------------------------------- literals, variables, records


def test_literals_of_every_shape_keep_their_value() -> None:
    assert both(i(-3)) == -3
    assert both(lit("Green", COLOR)) == "Green"
    assert both(lit(frozenset({1, 2}), INT_SET)) == frozenset({1, 2})
    assert both(lit((MISSING, True, MISSING), BOOL_MAP)) == (MISSING, True, MISSING)
    assert both(lit(None, OptionType(INT))) is None


def test_state_variables_read_their_slot() -> None:
    assert both(bop("add", x(), i(1), INT), (INT, 41)) == 42


def test_record_and_message_fields() -> None:
    assert both(ir.Field(ir.RecordLit((TRUE, lit(2, SMALL)), PAIR), 1, "b", SMALL)) == 2
    assert both(ir.RecordLit((i(7),), ONE)) == (7,)
    vote = ir.MessageLit("Vote", (TRUE, lit(1, SMALL)), MSG)
    assert both(vote) == ("Vote", True, 1)
    assert both(ir.Field(vote, 1, "n", SMALL)) == 1
    assert both(ir.MessageLit("Ping", (), MSG)) == ("Ping",)


def test_sequence_literals_are_tuples() -> None:
    assert both(ir.SeqLit((i(1), x()), INT_SEQ), (INT, 5)) == (1, 5)
    assert both(ir.SeqLit((x(),), INT_SEQ), (INT, 5)) == (5,)
    assert both(ir.SeqLit((), INT_SEQ)) == ()


def test_set_literals_constant_and_computed() -> None:
    assert both(ir.SetLit((i(1), i(2)), INT_SET)) == {1, 2}
    assert both(ir.SetLit((x(), i(2)), INT_SET), (INT, 9)) == {2, 9}
    assert both(ir.SetLit((), INT_SET)) == frozenset()


# ---------------------------------------------------------------- maps and sequences


def test_map_reads_by_key_ordinal() -> None:
    m = lit((True, MISSING, False), BOOL_MAP)
    assert both(ir.Index(m, lit(0, SMALL), BOOL)) is True
    assert both(ir.Index(m, lit(2, SMALL), BOOL)) is False
    assert (
        both(ir.Index(x(BOOL_MAP), lit(2, SMALL), BOOL), (BOOL_MAP, (False, False, True))) is True
    )
    color_map = MapType(COLOR, INT)
    assert both(ir.Index(x(color_map), lit("Blue", COLOR), INT), (color_map, (1, 2, 3))) == 3
    key = sv(2, COLOR, "key")
    assert both(ir.Index(x(color_map), key, INT), (color_map, (1, 2, 3)), (COLOR, "Green")) == 2


def test_map_keys_of_bool_and_scattered_node_types() -> None:
    by_bool = MapType(BOOL, INT)
    assert both(ir.Index(x(by_bool), sv(2, BOOL), INT), (by_bool, (5, 6)), (BOOL, True)) == 6
    a, b = NodeGroup("A", 0, 2), NodeGroup("B", 5, 1)
    nodes = NodeType((a, b))
    by_node = MapType(nodes, INT)
    read = ir.Index(x(by_node), sv(2, nodes), INT)
    assert both(read, (by_node, (10, 11, 12)), (nodes, 5)) == 12


def test_map_read_of_a_missing_key_faults() -> None:
    m = lit((True, MISSING, False), BOOL_MAP)
    with pytest.raises(SpecFault, match="missing map key 1"):
        both(ir.Index(m, lit(1, SMALL), BOOL))
    with pytest.raises(SpecFault, match="missing map key 1"):
        both(ir.Index(m, x(SMALL), BOOL), (SMALL, 1))


def test_map_read_with_a_key_outside_the_key_type_faults() -> None:
    m = lit((True, True, False), BOOL_MAP)
    for key in (-1, 3):
        with pytest.raises(SpecFault, match=f"missing map key {key}"):
            both(ir.Index(m, x(INT), BOOL), (INT, key))


def test_sequences_are_indexed_from_one() -> None:
    s = (INT_SEQ, (10, 20, 30))
    assert both(ir.Index(x(INT_SEQ), i(1), INT), s) == 10
    assert both(ir.Index(x(INT_SEQ), sv(2, INT), INT), s, (INT, 3)) == 30
    for bad in (0, 4, -1):
        with pytest.raises(SpecFault, match=f"sequence index {bad} out of range 1..3"):
            both(ir.Index(x(INT_SEQ), sv(2, INT), INT), s, (INT, bad))
    with pytest.raises(SpecFault, match="sequence index 4 out of range"):
        both(ir.Index(x(INT_SEQ), i(4), INT), s)


def test_map_literals_over_all_or_some_keys() -> None:
    k = ir.Local("k", SMALL)
    every = ir.Domain(SMALL, SMALL_SET)
    assert both(ir.MapLit("k", every, TRUE, BOOL_MAP)) == (True, True, True)
    assert both(ir.MapLit("k", every, bop("eq", k, lit(1, SMALL)), BOOL_MAP)) == (
        False,
        True,
        False,
    )
    some = x(SMALL_SET)
    assert both(ir.MapLit("k", some, TRUE, BOOL_MAP), (SMALL_SET, frozenset({2}))) == (
        MISSING, MISSING, True)  # fmt: skip


def test_map_literal_with_a_key_outside_the_key_type_faults() -> None:
    with pytest.raises(SpecFault, match="map key 5"):
        both(ir.MapLit("k", x(INT_SET), TRUE, BOOL_MAP), (INT_SET, frozenset({1, 5})))


# ---------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("add", 7, 2, 9), ("sub", 7, 2, 5), ("mul", 7, -2, -14),
        ("div", 7, 2, 3), ("div", -7, 2, -4), ("mod", -7, 2, 1), ("mod", 7, -2, -1),
        ("lt", 1, 2, True), ("le", 2, 2, True), ("gt", 1, 2, False), ("ge", 1, 2, False),
        ("eq", 3, 3, True), ("ne", 3, 3, False),
    ],
)  # fmt: skip
def test_integer_operators(op: str, left: int, right: int, expected: Any) -> None:
    t = BOOL if isinstance(expected, bool) else INT
    assert both(bop(op, x(), sv(2, INT), t), (INT, left), (INT, right)) == expected
    assert both(bop(op, i(left), i(right), t)) == expected


def test_division_by_zero_faults() -> None:
    for op in ("div", "mod"):
        with pytest.raises(SpecFault, match="division by zero"):
            both(bop(op, i(1), x(), INT), (INT, 0))
        with pytest.raises(SpecFault, match="division by zero"):
            both(bop(op, i(1), i(0), INT))


def test_operators_nest_with_the_right_grouping() -> None:
    a, b, c = x(), sv(2, INT), sv(3, INT)
    ins = ((INT, 10), (INT, 4), (INT, 3))
    assert both(bop("sub", a, bop("sub", b, c, INT), INT), *ins) == 9
    assert both(bop("sub", bop("sub", a, b, INT), c, INT), *ins) == 3
    assert both(bop("mul", bop("add", a, b, INT), c, INT), *ins) == 42
    assert both(ir.Unary("neg", bop("sub", a, b, INT), INT), *ins) == -6
    assert both(ir.Unary("neg", ir.Unary("neg", a, INT), INT), *ins) == 10
    assert both(bop("div", a, bop("mod", b, c, INT), INT), *ins) == 10
    # (a > b) == (b > c): a chained comparison would mean something else in Python
    assert both(bop("eq", bop("gt", a, b), bop("gt", b, c)), *ins) is True
    assert both(bop("eq", bop("lt", a, b), bop("gt", b, c)), *ins) is False


def test_logic_short_circuits() -> None:
    boom = bop("eq", bop("div", i(1), x(), INT), i(0))
    zero = (INT, 0)
    assert both(bop("and", FALSE, boom), zero) is False
    assert both(bop("or", TRUE, boom), zero) is True
    assert both(bop("implies", FALSE, boom), zero) is True
    with pytest.raises(SpecFault):
        both(bop("and", TRUE, boom), zero)


def test_logic_nests_with_the_right_grouping() -> None:
    p, q, r = x(BOOL), sv(2, BOOL), sv(3, BOOL)
    for vp in (False, True):
        for vq in (False, True):
            for vr in (False, True):
                ins = ((BOOL, vp), (BOOL, vq), (BOOL, vr))
                assert both(bop("and", bop("or", p, q), r), *ins) == ((vp or vq) and vr)
                assert both(bop("or", p, bop("and", q, r)), *ins) == (vp or (vq and vr))
                assert both(ir.Unary("not", bop("and", p, q), BOOL), *ins) == (not (vp and vq))
                assert both(bop("implies", bop("implies", p, q), r), *ins) == (
                    (not ((not vp) or vq)) or vr)  # fmt: skip
                assert both(bop("eq", p, bop("eq", q, r)), *ins) == (vp == (vq == vr))


def test_conditional_expression() -> None:
    cond = ir.Cond(x(BOOL), i(1), ir.Cond(sv(2, BOOL), i(2), i(3), INT), INT)
    assert both(cond, (BOOL, True), (BOOL, False)) == 1
    assert both(cond, (BOOL, False), (BOOL, True)) == 2
    assert both(cond, (BOOL, False), (BOOL, False)) == 3
    nested = ir.Cond(ir.Cond(x(BOOL), FALSE, TRUE, BOOL), i(1), i(2), INT)
    assert both(nested, (BOOL, True), (BOOL, False)) == 2


def test_set_operators() -> None:
    a, b = (INT_SET, frozenset({1, 2})), (INT_SET, frozenset({2, 3}))
    sa, sb = x(INT_SET), sv(2, INT_SET)
    assert both(bop("union", sa, sb, INT_SET), a, b) == {1, 2, 3}
    assert both(bop("diff", sa, sb, INT_SET), a, b) == {1}
    assert both(bop("inter", sa, sb, INT_SET), a, b) == {2}
    assert both(bop("subseteq", sa, sb), a, b) is False
    assert both(bop("subseteq", bop("inter", sa, sb, INT_SET), sb), a, b) is True
    assert both(bop("in", i(2), sa), a) is True
    assert both(bop("union", sa, ir.SetLit((sv(2, INT),), INT_SET), INT_SET), a, (INT, 7)) == {
        1, 2, 7}  # fmt: skip
    assert both(bop("diff", sa, ir.SetLit((i(1),), INT_SET), INT_SET), a) == {2}
    assert both(bop("inter", sa, ir.SetLit((sv(2, INT),), INT_SET), INT_SET), a, (INT, 2)) == {2}
    assert both(bop("union", sa, ir.SetLit((), INT_SET), INT_SET), a) == {1, 2}


def test_sequence_concatenation() -> None:
    assert both(bop("concat", x(INT_SEQ), sv(2, INT_SEQ), INT_SEQ),
                (INT_SEQ, (1,)), (INT_SEQ, (2, 3))) == (1, 2, 3)  # fmt: skip


# ---------------------------------------------------------------- binders


def test_quantifiers_over_constant_and_computed_domains() -> None:
    k = ir.Local("k", SMALL)
    every = ir.Domain(SMALL, SMALL_SET)
    m = (BOOL_MAP, (True, False, True))
    holds = ir.Index(x(BOOL_MAP), k, BOOL)
    assert both(ir.Quant("exists", "k", every, holds, BOOL), m) is True
    assert both(ir.Quant("forall", "k", every, holds, BOOL), m) is False
    computed = sv(2, SMALL_SET)
    some = (SMALL_SET, frozenset({0, 2}))
    assert both(ir.Quant("forall", "k", computed, holds, BOOL), m, some) is True
    assert both(ir.Quant("exists", "k", lit(frozenset(), SMALL_SET), TRUE, BOOL)) is False
    assert both(ir.Quant("forall", "k", lit(frozenset(), SMALL_SET), FALSE, BOOL)) is True


def test_quantifier_over_a_large_domain_is_not_unrolled() -> None:
    big = IntType(0, 200)
    n = ir.Local("n", big)
    assert both(ir.Quant("exists", "n", ir.Domain(big, SetType(big)), bop("eq", n, i(150)), BOOL))
    assert both(call("len", INT, ir.Domain(big, SetType(big)))) == 201


def test_nested_quantifiers_pull_out_independent_parts() -> None:
    k, j = ir.Local("k", SMALL), ir.Local("j", SMALL)
    every = ir.Domain(SMALL, SMALL_SET)
    m = x(MapType(SMALL, INT))
    pair = bop("and", bop("eq", ir.Index(m, k, INT), i(1)), bop("eq", ir.Index(m, j, INT), i(2)))
    some_pair = ir.Quant("exists", "k", every, ir.Quant("exists", "j", every, pair, BOOL), BOOL)
    mt = MapType(SMALL, INT)
    assert both(some_pair, (mt, (0, 1, 2))) is True
    assert both(some_pair, (mt, (0, 1, 1))) is False
    guarded = ir.Quant("forall", "k", every, bop("implies", sv(2, BOOL), bop(
        "ge", ir.Index(m, k, INT), i(0))), BOOL)  # fmt: skip
    assert both(guarded, (mt, (0, -1, 2)), (BOOL, False)) is True
    assert both(guarded, (mt, (0, -1, 2)), (BOOL, True)) is False


def test_quantifier_visits_its_domain_in_order_when_the_body_can_fault() -> None:
    k = ir.Local("k", SMALL)
    m = lit((1, MISSING, 3), MapType(SMALL, INT))
    # k = 0 satisfies the body before k = 1 would read the missing key
    body = bop("eq", ir.Index(m, k, INT), i(1))
    assert both(ir.Quant("exists", "k", x(SMALL_SET), body, BOOL), (SMALL_SET, frozenset({1, 0})))
    with pytest.raises(SpecFault, match="missing map key 1"):
        both(ir.Quant("forall", "k", x(SMALL_SET), body, BOOL), (SMALL_SET, frozenset({1, 0})))


def test_set_comprehension_filters_then_maps() -> None:
    k = ir.Local("k", INT)
    doubled = ir.SetComp("k", x(INT_SET), bop("mul", k, i(2), INT), bop("gt", k, i(1)), INT_SET)
    assert both(doubled, (INT_SET, frozenset({1, 2, 3}))) == {4, 6}
    everything = ir.SetComp("k", x(INT_SET), k, TRUE, INT_SET)
    assert both(everything, (INT_SET, frozenset({1, 2}))) == {1, 2}
    # elem is evaluated only where the filter holds
    safe = ir.SetComp("k", x(INT_SET), bop("div", i(6), k, INT), bop("ne", k, i(0)), INT_SET)
    assert both(safe, (INT_SET, frozenset({0, 2, 3}))) == {3, 2}


def test_domain_of_a_finite_type_as_a_set() -> None:
    assert both(ir.Domain(COLOR, SetType(COLOR))) == {"Red", "Green", "Blue"}
    assert both(ir.Domain(BOOL, SetType(BOOL))) == {False, True}


def test_unwrap_of_none_faults() -> None:
    opt = OptionType(INT)
    assert both(ir.Unwrap(x(opt), INT), (opt, 4)) == 4
    with pytest.raises(SpecFault, match="value is none"):
        both(ir.Unwrap(x(opt), INT), (opt, None))


def test_let_binds_once() -> None:
    v = ir.Local("v", INT)
    assert both(ir.Let("v", bop("add", x(), i(1), INT), bop("mul", v, v, INT), INT), (INT, 2)) == 9
    shadow = ir.Let("v", i(1), ir.Let("v", i(2), v, INT), INT)
    assert both(shadow) == 2


def test_checked_forms_inside_a_comprehension_domain() -> None:
    """Python forbids `:=` in a comprehension's iterable; the checks still happen there."""
    k = ir.Local("k", INT)
    sets = MapType(SMALL, INT_SET)
    m = (sets, (frozenset({1}), MISSING, frozenset({2, 3})))
    over = ir.Index(x(sets), sv(2, SMALL), INT_SET)
    assert both(ir.Quant("forall", "k", over, bop("gt", k, i(1)), BOOL), m, (SMALL, 2)) is True
    with pytest.raises(SpecFault, match="missing map key 1"):
        both(ir.Quant("forall", "k", over, TRUE, BOOL), m, (SMALL, 1))
    seq_of_sets = SeqType(INT_SET)
    in_seq = ir.Index(x(seq_of_sets), i(2), INT_SET)
    with pytest.raises(SpecFault, match="sequence index 2 out of range"):
        both(ir.SetComp("k", in_seq, k, TRUE, INT_SET), (seq_of_sets, (frozenset(),)))
    opt = OptionType(INT_SET)
    with pytest.raises(SpecFault, match="value is none"):
        both(ir.Quant("exists", "k", ir.Unwrap(x(opt), INT_SET), TRUE, BOOL), (opt, None))
    let = ir.Let("v", x(INT_SET), ir.Local("v", INT_SET), INT_SET)
    assert both(ir.SetComp("k", let, k, TRUE, INT_SET), (INT_SET, frozenset({5}))) == {5}
    head = call("head", INT_SET, x(seq_of_sets))
    with pytest.raises(SpecFault, match="sequence index 1 out of range 1..0"):
        both(ir.Quant("exists", "k", head, TRUE, BOOL), (seq_of_sets, ()))


# ---------------------------------------------------------------- builtins

BAG = BagType(INT)
SEQ = (INT_SEQ, (5, 6, 7))
PARTIAL = (BOOL_MAP, (True, MISSING, False))


@pytest.mark.parametrize(
    ("name", "t", "args", "inputs", "expected"),
    [
        ("len", INT, [x(INT_SET)], [(INT_SET, frozenset({4, 5}))], 2),
        ("len", INT, [x(INT_SEQ)], [SEQ], 3),
        ("len", INT, [x(BOOL_MAP)], [PARTIAL], 2),
        ("len", INT, [x(BAG)], [(BAG, frozenset({(1, 2), (3, 1)}))], 3),
        ("range", INT_SET, [i(2), x()], [(INT, 4)], frozenset({2, 3, 4})),
        ("range", INT_SET, [i(2), i(1)], [], frozenset()),
        ("min", INT, [x(INT_SET)], [(INT_SET, frozenset({4, -5}))], -5),
        ("max", INT, [x(INT_SET)], [(INT_SET, frozenset({4, -5}))], 4),
        ("append", INT_SEQ, [x(INT_SEQ), i(8)], [SEQ], (5, 6, 7, 8)),
        ("head", INT, [x(INT_SEQ)], [SEQ], 5),
        ("tail", INT_SEQ, [x(INT_SEQ)], [SEQ], (6, 7)),
        ("tail", INT_SEQ, [x(INT_SEQ)], [(INT_SEQ, ())], ()),
        ("last", INT, [x(INT_SEQ)], [SEQ], 7),
        ("slice", INT_SEQ, [x(INT_SEQ), i(2), i(3)], [SEQ], (6, 7)),
        ("slice", INT_SEQ, [x(INT_SEQ), i(0), i(9)], [SEQ], (5, 6, 7)),
        ("slice", INT_SEQ, [x(INT_SEQ), i(3), i(2)], [SEQ], ()),
        ("take", INT_SEQ, [x(INT_SEQ), i(2)], [SEQ], (5, 6)),
        ("take", INT_SEQ, [x(INT_SEQ), sv(2, INT)], [SEQ, (INT, -1)], ()),
        ("take", INT_SEQ, [x(INT_SEQ), i(9)], [SEQ], (5, 6, 7)),
        ("keys", SMALL_SET, [x(BOOL_MAP)], [PARTIAL], frozenset({0, 2})),
        ("has", BOOL, [x(BOOL_MAP), lit(1, SMALL)], [PARTIAL], False),
        ("has", BOOL, [x(BOOL_MAP), sv(2, SMALL)], [PARTIAL, (SMALL, 2)], True),
        ("has", BOOL, [x(BOOL_MAP), sv(2, INT)], [PARTIAL, (INT, 7)], False),
        ("has", BOOL, [x(BOOL_MAP), sv(2, INT)], [PARTIAL, (INT, -1)], False),
        ("delete", BOOL_MAP, [x(BOOL_MAP), lit(0, SMALL)], [PARTIAL], (MISSING, MISSING, False)),
        ("delete", BOOL_MAP, [x(BOOL_MAP), sv(2, INT)], [PARTIAL, (INT, -1)], PARTIAL[1]),
        ("to_set", INT_SET, [x(INT_SEQ)], [(INT_SEQ, (1, 1, 2))], frozenset({1, 2})),
        ("remove_at", INT_SEQ, [x(INT_SEQ), i(2)], [SEQ], (5, 7)),
        ("insert_at", INT_SEQ, [x(INT_SEQ), i(4), i(0)], [SEQ], (5, 6, 7, 0)),
        ("insert_at", INT_SEQ, [x(INT_SEQ), i(1), i(0)], [SEQ], (0, 5, 6, 7)),
        ("bag_add", BAG, [x(BAG), i(1)], [(BAG, frozenset({(1, 1)}))], frozenset({(1, 2)})),
        ("bag_add", BAG, [x(BAG), i(2)], [(BAG, frozenset({(1, 1)}))], frozenset({(1, 1), (2, 1)})),
        ("bag_remove", BAG, [x(BAG), i(1)], [(BAG, frozenset({(1, 2)}))], frozenset({(1, 1)})),
        ("bag_remove", BAG, [x(BAG), i(1)], [(BAG, frozenset({(1, 1)}))], frozenset()),
        ("bag_items", INT_SET, [x(BAG)], [(BAG, frozenset({(1, 2), (4, 1)}))], frozenset({1, 4})),
        ("bag_count", INT, [x(BAG), i(1)], [(BAG, frozenset({(1, 2)}))], 2),
        ("bag_count", INT, [x(BAG), i(3)], [(BAG, frozenset({(1, 2)}))], 0),
    ],
)  # fmt: skip
def test_builtin(name: str, t: Type, args: list[ir.Expr], inputs: list[tuple[Type, Any]],
                 expected: Any) -> None:  # fmt: skip
    assert both(call(name, t, *args), *inputs) == expected


@pytest.mark.parametrize(
    ("name", "t", "args", "inputs", "message"),
    [
        ("min", INT, [x(INT_SET)], [(INT_SET, frozenset())], "min of an empty set"),
        ("max", INT, [x(INT_SET)], [(INT_SET, frozenset())], "max of an empty set"),
        ("head", INT, [x(INT_SEQ)], [(INT_SEQ, ())], "sequence index 1 out of range 1..0"),
        ("last", INT, [x(INT_SEQ)], [(INT_SEQ, ())], "sequence index 0 out of range 1..0"),
        ("remove_at", INT_SEQ, [x(INT_SEQ), i(4)], [SEQ], "sequence index 4 out of range 1..3"),
        ("insert_at", INT_SEQ, [x(INT_SEQ), i(5), i(0)], [SEQ], "insert position 5 out of range"),
        ("bag_remove", BAG, [x(BAG), i(2)], [(BAG, frozenset({(1, 1)}))], "bag_remove: 2 is not"),
    ],
)  # fmt: skip
def test_builtin_fault(name: str, t: Type, args: list[ir.Expr], inputs: list[tuple[Type, Any]],
                       message: str) -> None:  # fmt: skip
    with pytest.raises(SpecFault, match=message):
        both(call(name, t, *args), *inputs)


def test_network_builtins() -> None:
    """msg_name and total_len, added for the lowered network (checked against the spec of
    core.ir.BUILTINS directly, the reference evaluator may not know them yet)."""
    names = EnumType("MessageName", ("Ping", "Vote"))
    vote = ir.MessageLit("Vote", (TRUE, lit(1, SMALL)), MSG)
    assert evaluate(call("msg_name", names, vote)) == "Vote"
    queues = MapType(SMALL, INT_SEQ)
    assert evaluate(call("total_len", INT, x(queues)), (queues, ((1, 2), MISSING, (3,)))) == 3


def test_append_never_faults_whatever_the_maximum_length() -> None:
    bounded = SeqType(INT, 2)
    grow = call("append", bounded, x(bounded), i(1))
    assert both(grow, (bounded, (0,))) == (0, 1)
    # past max_len: only storing it into a bounded slot would fault (test_statements)
    assert both(call("append", INT_SEQ, x(bounded), i(1)), (bounded, (0, 0))) == (0, 0, 1)
