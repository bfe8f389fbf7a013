"""Typing: enum members resolved by the expected type, context-typed literals (`none`, `{}`,
`[]`), optionals, and the core types the declarations become."""

from __future__ import annotations

from tests.semantics.helpers import GLOBAL_STYLE, action, model_of, nodes_of
from verikit.core import ir
from verikit.core.types import (
    BOOL,
    EnumType,
    IntType,
    MapType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
)

STATE = EnumType("", ("Working", "Prepared", "Committed", "Aborted"))
KIND = EnumType("", ("Prepared", "Commit", "Abort"))


def _lits(tree: object) -> list[ir.Lit]:
    return nodes_of(tree, ir.Lit)


def test_a_shared_member_takes_the_type_of_the_compared_operand() -> None:
    model = model_of(GLOBAL_STYLE)
    guard = action(model, "RMPrepare").guard
    assert [lit.type for lit in _lits(guard) if lit.value == "Working"] == [STATE]


def test_a_shared_member_takes_the_type_of_the_record_field() -> None:
    model = model_of(GLOBAL_STYLE)
    body = action(model, "RMPrepare").body
    prepared = [lit.type for lit in _lits(body) if lit.value == "Prepared"]
    assert prepared == [STATE, KIND]  # rmState[r] = Prepared; Msg { kind: Prepared, … }


def test_set_literal_elements_take_the_element_type_of_the_other_operand() -> None:
    text = (
        "spec S\nvar a: enum { Idle, Busy, Done } = Idle\nvar b: enum { Busy, Done } = Busy\n"
        "invariant I: a in {Busy, Done}\n"
    )
    prop = model_of(text).properties[0].expr
    assert {lit.type for lit in _lits(prop)} == {EnumType("", ("Idle", "Busy", "Done"))}


def test_if_branches_take_the_assignment_target_type() -> None:
    text = (
        "spec S\nvar a: enum { On, Off } = On\nvar b: enum { On, Off, Broken } = On\n"
        "action flip { b = if a == On then Off else On }\n"
    )
    assign = action(model_of(text), "flip").body[0]
    assert isinstance(assign, ir.Assign) and isinstance(assign.value, ir.Cond)
    assert assign.value.then.type == EnumType("", ("On", "Off", "Broken"))


def test_named_enums_and_records_keep_their_names() -> None:
    text = (
        "spec S\ntype Color = enum { Red, Green }\ntype Pair = record { c: Color, n: 0..2 }\n"
        "var p: Pair = Pair { c: Red, n: 0 }\n"
    )
    color = EnumType("Color", ("Red", "Green"))
    assert model_of(text).vars[0].type == RecordType("Pair", (("c", color), ("n", IntType(0, 2))))


def test_empty_literals_take_their_type_from_the_variable() -> None:
    text = "spec S\nvar s: set<0..2> = {}\nvar m: map<bool, 0..2> = {}\nvar q: seq<bool, 2> = []\n"
    values = [s.value for s in model_of(text).init if isinstance(s, ir.Assign)]
    assert values[0] == ir.SetLit((), SetType(IntType(0, 2)))
    assert isinstance(values[1], ir.MapLit) and values[1].type == MapType(BOOL, IntType(0, 2))
    assert values[2] == ir.SeqLit((), SeqType(BOOL, 2))


def test_an_optional_is_unwrapped_where_its_inner_type_is_needed() -> None:
    text = "spec S\nvar o: 0..3? = none\nvar x: 0..3 = 0\naction a when o != none { x = o }\n"
    act = action(model_of(text), "a")
    assert act.guard == ir.Binary("ne", ir.StateVar(0, "o", OptionType(IntType(0, 3))),
                                  ir.Lit(None, OptionType(IntType(0, 3))), BOOL)  # fmt: skip
    assign = act.body[0]
    assert isinstance(assign, ir.Assign) and isinstance(assign.value, ir.Unwrap)


def test_assignments_carry_the_precise_target_type() -> None:
    text = (
        "spec S\ntype R = record { n: 0..3, flags: map<0..1, 1..2> }\n"
        "var r: R = R { n: 0, flags: { i: 1 for i in 0..1 } }\n"
        "action a { r.n = r.n + 1; r.flags[0] = 2 }\n"
    )
    body = action(model_of(text), "a").body
    assert [s.target_type for s in body if isinstance(s, ir.Assign)] == [
        IntType(0, 3),
        IntType(1, 2),
    ]
    assert body[0].path == (ir.FieldStep(0),)  # type: ignore[union-attr]


def test_a_range_over_constants_has_bounded_elements() -> None:
    text = "spec S\nconst N = 3\nvar x: 0..3 = 0\naction a { choose i in 1..N { x = i } }\n"
    choose = action(model_of(text), "a").body[0]
    assert isinstance(choose, ir.Choose) and choose.domain.type == SetType(IntType(1, 3))


def test_membership_in_a_map_tests_for_a_key() -> None:
    text = "spec S\nvar m: map<0..2, bool> = {}\ninvariant I: 1 in m\n"
    prop = model_of(text).properties[0].expr
    assert isinstance(prop, ir.Call) and prop.name == "has"
