"""Expressions with known answers: every builtin, and every runtime fault of core/ir.py.

Both the reference evaluator's own tests and the differential tests run these, so each case
states its answer once.
"""

from __future__ import annotations

from typing import Any

from verikit.core import ir
from verikit.core.model import Action, Model, Var
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

SMALL = IntType(0, 2)
BOOL_MAP = MapType(SMALL, BOOL)
BOOL_SEQ = SeqType(BOOL, 3)
INT_SEQ = SeqType(INT)
INT_SET = SetType(INT)
INT_BAG = BagType(INT)


def lit(value: object, t: Type) -> ir.Lit:
    return ir.Lit(value, t)


def i(n: int) -> ir.Lit:
    return ir.Lit(n, INT)


def call(name: str, result: Type, *args: ir.Expr) -> ir.Call:
    return ir.Call(name, args, result)


def ints(*values: int) -> ir.Lit:
    return lit(tuple(values), INT_SEQ)


def bag(*pairs: tuple[int, int]) -> ir.Lit:
    return lit(frozenset(pairs), INT_BAG)


MAP_0_2 = lit((True, MISSING, False), BOOL_MAP)  # entries for keys 0 and 2 only

# (call, expected value), with ids for pytest
BUILTIN_CASES: dict[str, tuple[ir.Call, Any]] = {
    "len of a set": (call("len", INT, lit(frozenset({1, 2}), INT_SET)), 2),
    "len of a sequence": (call("len", INT, lit((True, True), BOOL_SEQ)), 2),
    "len of a map counts entries": (call("len", INT, MAP_0_2), 2),
    "len of a bag counts copies": (call("len", INT, bag((1, 2), (3, 1))), 3),
    "range": (call("range", INT_SET, i(2), i(4)), frozenset({2, 3, 4})),
    "range empty": (call("range", INT_SET, i(3), i(2)), frozenset()),
    "min": (call("min", INT, lit(frozenset({3, 1, 2}), INT_SET)), 1),
    "max": (call("max", INT, lit(frozenset({3, -1, 2}), INT_SET)), 3),
    "append": (call("append", BOOL_SEQ, lit((True,), BOOL_SEQ), lit(False, BOOL)), (True, False)),
    "head": (call("head", BOOL, lit((True, False), BOOL_SEQ)), True),
    "last": (call("last", BOOL, lit((True, False), BOOL_SEQ)), False),
    "tail": (call("tail", BOOL_SEQ, lit((True, False), BOOL_SEQ)), (False,)),
    "tail of empty": (call("tail", BOOL_SEQ, lit((), BOOL_SEQ)), ()),
    "slice": (call("slice", INT_SEQ, ints(1, 2, 3, 4), i(2), i(3)), (2, 3)),
    "slice clamped": (call("slice", INT_SEQ, ints(1, 2, 3, 4), i(0), i(9)), (1, 2, 3, 4)),
    "slice empty": (call("slice", INT_SEQ, ints(1, 2, 3, 4), i(3), i(2)), ()),
    "slice past the end": (call("slice", INT_SEQ, ints(1, 2), i(3), i(5)), ()),
    "take": (call("take", INT_SEQ, ints(1, 2, 3), i(2)), (1, 2)),
    "take more than there is": (call("take", INT_SEQ, ints(1, 2, 3), i(5)), (1, 2, 3)),
    "take none": (call("take", INT_SEQ, ints(1, 2, 3), i(0)), ()),
    "keys": (call("keys", SetType(SMALL), MAP_0_2), frozenset({0, 2})),
    "has": (call("has", BOOL, MAP_0_2, i(2)), True),
    "has not": (call("has", BOOL, MAP_0_2, i(1)), False),
    "has outside the key type": (call("has", BOOL, MAP_0_2, i(7)), False),
    "delete": (call("delete", BOOL_MAP, MAP_0_2, i(0)), (MISSING, MISSING, False)),
    "delete absent": (call("delete", BOOL_MAP, MAP_0_2, i(1)), (True, MISSING, False)),
    "to_set": (call("to_set", INT_SET, ints(1, 2, 1)), frozenset({1, 2})),
    "remove_at": (call("remove_at", INT_SEQ, ints(1, 2, 3), i(2)), (1, 3)),
    "insert_at": (call("insert_at", INT_SEQ, ints(1, 2, 3), i(2), i(9)), (1, 9, 2, 3)),
    "insert_at the end": (call("insert_at", INT_SEQ, ints(1, 2, 3), i(4), i(9)), (1, 2, 3, 9)),
    "bag_add again": (call("bag_add", INT_BAG, bag((1, 1)), i(1)), frozenset({(1, 2)})),
    "bag_add new": (call("bag_add", INT_BAG, bag(), i(5)), frozenset({(5, 1)})),
    "bag_remove a copy": (call("bag_remove", INT_BAG, bag((1, 2)), i(1)), frozenset({(1, 1)})),
    "bag_remove the last": (
        call("bag_remove", INT_BAG, bag((1, 1), (2, 1)), i(1)),
        frozenset({(2, 1)}),
    ),
    "bag_items": (call("bag_items", INT_SET, bag((1, 2), (4, 1))), frozenset({1, 4})),
    "bag_count": (call("bag_count", INT, bag((1, 2)), i(1)), 2),
    "bag_count absent": (call("bag_count", INT, bag((1, 2)), i(3)), 0),
}

EMPTY_INTS = lit(frozenset(), INT_SET)

# Every runtime fault core/ir.py lists that an expression can raise (assignments: see tests).
FAULTS: dict[str, ir.Expr] = {
    "missing map key": ir.Index(MAP_0_2, i(1), BOOL),
    "key outside the map's key type": ir.Index(MAP_0_2, i(-1), BOOL),
    "sequence index past the end": ir.Index(lit((True,), BOOL_SEQ), i(2), BOOL),
    "sequence index zero": ir.Index(lit((True,), BOOL_SEQ), i(0), BOOL),
    "unwrap none": ir.Unwrap(lit(None, OptionType(BOOL)), BOOL),
    "divide by zero": ir.Binary("div", i(1), i(0), INT),
    "modulo zero": ir.Binary("mod", i(1), i(0), INT),
    "min of nothing": call("min", INT, EMPTY_INTS),
    "max of nothing": call("max", INT, EMPTY_INTS),
    "head of nothing": call("head", BOOL, lit((), BOOL_SEQ)),
    "last of nothing": call("last", BOOL, lit((), BOOL_SEQ)),
    "remove_at past the end": call("remove_at", BOOL_SEQ, lit((True,), BOOL_SEQ), i(2)),
    "insert_at past the end": call("insert_at", BOOL_SEQ, lit((), BOOL_SEQ), i(2), lit(True, BOOL)),
    "bag_remove of absent": call("bag_remove", INT_BAG, bag(), i(1)),
}


# ---------------------------------------------------------------- lexical scoping of locals

_X = ir.StateVar(0, "x", INT)
_T = ir.Local("t", INT)
_TRUE = ir.Lit(True, BOOL)


def _set(target: ir.StateVar | ir.Local, value: ir.Expr) -> ir.Assign:
    return ir.Assign(target, (), value, INT)


def _plus(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    return ir.Binary("add", a, b, INT)


# Action bodies over one int slot `x` (starting at 0), with the value of x after them. A `let`
# in a nested block hides the enclosing `t` from where it stands to the end of that block;
# what the block assigned to `t` before hiding it persists.
SCOPING: dict[str, tuple[tuple[ir.Stmt, ...], int]] = {
    "assigned, then hidden in an if": (
        (
            ir.LetStmt("t", i(2)),
            ir.If(_TRUE, (_set(_T, i(7)), ir.LetStmt("t", i(5)), _set(_X, _T)), ()),
            _set(_X, _plus(_X, _T)),
        ),
        12,
    ),
    "hidden by a choose variable": (
        (
            ir.LetStmt("t", i(2)),
            ir.Choose("t", lit(frozenset({5}), INT_SET), (_set(_X, _T),)),
            _set(_X, _plus(_X, _T)),
        ),
        7,
    ),
    "assigned, then hidden in each round of a for": (
        (
            ir.LetStmt("t", i(1)),
            ir.ForEach(
                "k",
                lit(frozenset({1, 2}), INT_SET),
                (_set(_T, _plus(_T, ir.Local("k", INT))), ir.LetStmt("t", i(10)), _set(_T, i(20))),
            ),
            _set(_X, _T),
        ),
        4,
    ),  # fmt: skip
    "hidden twice, restored once": (
        (
            ir.LetStmt("t", i(1)),
            ir.If(_TRUE, (ir.LetStmt("t", i(5)), _set(_T, i(6)), ir.LetStmt("t", i(7))), ()),
            _set(_X, _T),
        ),
        1,
    ),
}


def scoping_model(body: tuple[ir.Stmt, ...]) -> Model:
    """A model whose only action runs `body` on x = 0."""
    action = Action("a", "action", (), _TRUE, body)
    return Model("Scoping", (), (Var("x", INT),), (), (action,), ())
