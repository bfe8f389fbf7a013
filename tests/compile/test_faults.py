"""Runtime faults surface as SpecFault carrying the span of the IR node at fault; unexpected
Python errors inside generated code become SpecFaults at the action (property, init) span."""

from __future__ import annotations

from typing import Any

import pytest

from verikit.compile import build
from verikit.core import ir
from verikit.core.model import Model, Property, Var
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    BagType,
    IntType,
    MapType,
    OptionType,
    SeqType,
    SetType,
    Type,
)
from verikit.errors import Span, SpecFault

from .models import TRUE, action, assign, lit, sv

AT = Span("spec.dsl", 7, 9, 7, 20)  # the node at fault
ACTION_AT = Span("spec.dsl", 3, 1)
SMALL = IntType(0, 2)
INT_SET = SetType(INT)


def fault_of(
    stmts: list[ir.Stmt], slots: list[tuple[str, Type]], state: tuple[Any, ...]
) -> SpecFault:
    """The fault both next_states and labelled_successors raise for one action over `state`."""
    m = Model("Faulty", (), tuple(Var(n, t) for n, t in slots), (),
              (action("act", TRUE, *stmts, span=ACTION_AT),), ())  # fmt: skip
    compiled = build(m)
    with pytest.raises(SpecFault) as fast:
        compiled.next_states(state)
    with pytest.raises(SpecFault) as labelled:
        compiled.labelled_successors(state)
    assert (fast.value.message, fast.value.span) == (labelled.value.message, labelled.value.span)
    return fast.value


def fault_in(expr: ir.Expr, *inputs: tuple[Type, Any]) -> SpecFault:
    """The fault of evaluating `expr` (inputs in slots 1..) in an assignment to slot 0."""
    slots = [("out", expr.type), *((f"in{k}", t) for k, (t, _) in enumerate(inputs))]
    state = (None, *(v for _, v in inputs))
    return fault_of([assign(sv(0, expr.type), expr)], slots, state)


def x(t: Type) -> ir.StateVar:
    return sv(1, t, "x")


@pytest.mark.parametrize(
    ("expr", "inputs", "message"),
    [
        (ir.Index(x(MapType(SMALL, INT)), lit(1, SMALL), INT, AT),
         [(MapType(SMALL, INT), (0, MISSING, 0))], "missing map key 1"),
        (ir.Index(x(MapType(SMALL, INT)), sv(2, SMALL), INT, AT),
         [(MapType(SMALL, INT), (0, MISSING, 0)), (SMALL, 1)], "missing map key 1"),
        (ir.Index(x(SeqType(INT)), lit(3, INT), INT, AT), [(SeqType(INT), (1, 2))],
         "sequence index 3 out of range 1..2"),
        (ir.Index(x(SeqType(INT)), sv(2, INT), INT, AT), [(SeqType(INT), (1, 2)), (INT, 0)],
         "sequence index 0 out of range 1..2"),
        (ir.Unwrap(x(OptionType(INT)), INT, AT), [(OptionType(INT), None)], "value is none"),
        (ir.Binary("div", lit(1, INT), x(INT), INT, AT), [(INT, 0)], "division by zero"),
        (ir.Binary("mod", lit(1, INT), x(INT), INT, AT), [(INT, 0)], "division by zero"),
        (ir.Call("min", (x(INT_SET),), INT, AT), [(INT_SET, frozenset())], "min of an empty set"),
        (ir.Call("max", (x(INT_SET),), INT, AT), [(INT_SET, frozenset())], "max of an empty set"),
        (ir.Call("bag_remove", (x(BagType(INT)), lit(4, INT)), BagType(INT), AT),
         [(BagType(INT), frozenset())], "bag_remove: 4 is not in the bag"),
        (ir.Call("head", (x(SeqType(INT)),), INT, AT), [(SeqType(INT), ())],
         "sequence index 1 out of range 1..0"),
        (ir.MapLit("k", x(INT_SET), lit(0, INT), MapType(SMALL, INT), AT),
         [(INT_SET, frozenset({9}))], "map key 9 outside 0..2"),
    ],
)  # fmt: skip
def test_expression_fault_points_at_the_offending_node(expr: ir.Expr,
                                                       inputs: list[tuple[Type, Any]],
                                                       message: str) -> None:  # fmt: skip
    fault = fault_in(expr, *inputs)
    assert fault.message == message
    assert fault.span == AT


def test_fault_deep_inside_a_quantifier_domain_keeps_its_span() -> None:
    sets = MapType(SMALL, INT_SET)
    domain = ir.Index(x(sets), lit(1, SMALL), INT_SET, AT)
    expr = ir.Quant("exists", "k", domain, TRUE, BOOL)
    fault = fault_in(expr, (sets, (frozenset(), MISSING, frozenset())))
    assert (fault.message, fault.span) == ("missing map key 1", AT)


def test_assignment_faults_point_at_the_assignment() -> None:
    small = sv(0, SMALL)
    out_of_range = fault_of([ir.Assign(small, (), lit(3, INT), SMALL, AT)], [("x", SMALL)], (0,))
    assert (out_of_range.message, out_of_range.span) == ("value 3 out of range 0..2", AT)
    m = sv(0, MapType(SMALL, SeqType(INT)))
    through_missing = ir.Assign(m, (ir.IndexStep(lit(2, SMALL)), ir.IndexStep(lit(1, INT))),
                                lit(0, INT), INT, AT)  # fmt: skip
    fault = fault_of([through_missing], [("m", m.type)], ((MISSING,) * 3,))
    assert (fault.message, fault.span) == ("missing map key 2", AT)
    seq = sv(0, SeqType(INT))
    past_end = ir.Assign(seq, (ir.IndexStep(lit(2, INT)),), lit(0, INT), INT, AT)
    fault = fault_of([past_end], [("s", seq.type)], ((5,),))
    assert (fault.message, fault.span) == ("sequence index 2 out of range 1..1", AT)
    log = sv(0, SeqType(INT, 1))
    too_long = ir.Assign(log, (), ir.Call("append", (log, lit(1, INT)), log.type), log.type, AT)
    fault = fault_of([too_long], [("log", log.type)], ((5,),))
    assert (fault.message, fault.span) == ("sequence of length 2 exceeds its maximum 1", AT)


def test_unexpected_python_error_becomes_a_fault_at_the_action() -> None:
    # ill-typed IR (a field of an int) makes the generated code raise a TypeError
    broken = ir.Field(x(INT), 0, "nope", INT)
    fault = fault_in(broken, (INT, 5))
    assert fault.span == ACTION_AT
    assert fault.message.startswith("internal error in action act: TypeError")
    assert isinstance(fault.__cause__, TypeError)


def test_unexpected_error_in_a_later_action_gets_that_actions_span() -> None:
    later = Span("spec.dsl", 30, 1)
    broken = ir.Field(sv(0, INT), 0, "nope", INT)
    m = Model("Faulty", (), (Var("x", INT),), (),
              (action("fine", TRUE), action("bad", TRUE, assign(sv(0, INT), broken), span=later)),
              ())  # fmt: skip
    with pytest.raises(SpecFault) as caught:
        build(m).next_states((1,))
    assert caught.value.span == later
    assert "action bad" in caught.value.message


def test_unexpected_error_in_a_property_or_init_points_at_it() -> None:
    prop_at, model_at = Span("spec.dsl", 40, 1), Span("spec.dsl", 1, 1)
    broken = ir.Binary("eq", ir.Field(sv(0, INT), 0, "nope", INT), lit(1, INT), BOOL)
    m = Model("Faulty", (), (Var("x", INT),), (assign(sv(0, INT), ir.Field(sv(0, INT), 0, "f", INT)),),
              (), (Property("invariant", "Broken", broken, prop_at),), span=model_at)  # fmt: skip
    compiled = build(m)
    with pytest.raises(SpecFault) as in_property:
        compiled.properties[0][1]((1,))
    assert in_property.value.span == prop_at
    assert "invariant Broken" in in_property.value.message
    with pytest.raises(SpecFault) as in_init:
        compiled.init_states()
    assert in_init.value.span == model_at


def test_property_faults_keep_the_node_span() -> None:
    read = ir.Index(sv(0, MapType(SMALL, BOOL)), lit(0, SMALL), BOOL, AT)
    m = Model("Faulty", (), (Var("m", MapType(SMALL, BOOL)),), (), (),
              (Property("invariant", "Reads", read),))  # fmt: skip
    with pytest.raises(SpecFault) as caught:
        build(m).properties[0][1](((MISSING,) * 3,))
    assert (caught.value.message, caught.value.span) == ("missing map key 0", AT)
