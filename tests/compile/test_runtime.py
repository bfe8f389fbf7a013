"""The runtime the generated code calls: iteration order, literals, and small helpers."""

from __future__ import annotations

import random

import pytest

from tests.oracle.reference import members
from verikit.compile.runtime import bag_add, bag_items, bag_remove, map_put, sort_key
from verikit.compile.source import literal
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
    domain,
)
from verikit.errors import NO_SPAN, SpecFault

BACKWARDS = EnumType("Backwards", ("Zed", "Alpha", "Mid"))
SMALL = IntType(-1, 1)
A, B = NodeGroup("A", 3, 2), NodeGroup("B", 0, 2)

FINITE: list[Type] = [
    BOOL, SMALL, BACKWARDS, NodeType((A, B)), NodeType((B, A)), OptionType(BACKWARDS),
    RecordType("R", (("e", BACKWARDS), ("n", SMALL))), SetType(BACKWARDS),
    MapType(BOOL, BACKWARDS), SetType(OptionType(BOOL)),
    MessageType((RecordType("Zz", (("b", BOOL),)), RecordType("Aa", (("e", BACKWARDS),)))),
]  # fmt: skip


@pytest.mark.parametrize("t", FINITE, ids=str)
def test_sort_key_orders_a_finite_type_as_its_domain(t: Type) -> None:
    values = list(domain(t))
    shuffled = values[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key(t)) == values
    assert sorted(shuffled, key=sort_key(t)) == members(SetType(t), frozenset(values))


def test_sort_key_orders_infinite_types_by_value() -> None:
    assert sort_key(INT) is None
    assert sort_key(SeqType(BACKWARDS)) is None  # by value: the members' names
    key = sort_key(OptionType(INT))
    assert sorted([3, None, -1], key=key) == [None, -1, 3]
    bags = [frozenset({(2, 1)}), frozenset({(1, 2)}), frozenset()]
    assert sorted(bags, key=sort_key(BagType(INT))) == [bags[2], bags[1], bags[0]]
    maps = [(MISSING, 1), (0, MISSING), (MISSING, MISSING)]
    assert sorted(maps, key=sort_key(MapType(BOOL, INT))) == [maps[2], maps[0], maps[1]]


def test_literals_are_canonical_python_source() -> None:
    assert literal(frozenset({"b", "a"})) == "frozenset({'a', 'b'})"
    assert literal((1,)) == "(1,)"
    assert literal((MISSING, None, True, ())) == "(MISSING, None, True, ())"
    assert literal(frozenset()) == "frozenset()"
    with pytest.raises(TypeError):
        literal(1.5)


def test_bags_count_their_elements() -> None:
    bag = bag_add(bag_add(frozenset(), "m"), "m")
    assert bag == frozenset({("m", 2)})
    assert bag_remove(bag_remove(bag, "m", NO_SPAN), "m", NO_SPAN) == frozenset()
    with pytest.raises(SpecFault, match="bag_remove"):
        bag_remove(bag, "x", NO_SPAN)


def test_checked_updates() -> None:
    assert map_put((0, 0), 1, 5, "k", NO_SPAN) == (0, 5)
    with pytest.raises(SpecFault, match="missing map key 'k'"):
        map_put((0, 0), 2, 5, "k", NO_SPAN)


def test_bag_items_of_an_equal_bag_of_another_type_keep_their_own_values() -> None:
    """`1 == True` in Python: a bag of bools seen earlier (another spec in the same run) must
    not hand its elements to an equal bag of ints."""
    of_bools = frozenset({(("Vote", True), 1)})
    of_ints = frozenset({(("Vote", 1), 1)})
    assert of_bools == of_ints
    assert bag_items(of_bools) == {("Vote", True)}
    (item,) = bag_items(of_ints)
    assert type(item[1]) is int
