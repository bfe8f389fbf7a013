"""Tuples in traces: `(1, true)` in text, `{"#tup": [...]}` in ITF (and so in JSON reports),
read back to the same value."""

from __future__ import annotations

from verikit.core.types import BOOL, IntType, SetType, format_value, tuple_type
from verikit.trace import itf

PAIR = tuple_type((IntType(1, 3), BOOL))


def test_a_tuple_is_written_as_the_spec_writes_it() -> None:
    assert format_value(SetType(PAIR), frozenset({(2, False), (1, True)})) == "{(1, true), (2, false)}"
    assert str(SetType(PAIR)) == "set<tuple<1..3, bool>>"


def test_a_tuple_is_an_itf_tup_and_reads_back() -> None:
    value = frozenset({(1, True), (3, False)})
    encoded = itf.encode(SetType(PAIR), value)
    assert encoded == {"#set": [{"#tup": [{"#bigint": "1"}, True]}, {"#tup": [{"#bigint": "3"}, False]}]}
    assert itf.decode(SetType(PAIR), encoded) == value


def test_a_tuple_of_the_wrong_length_is_refused() -> None:
    try:
        itf.decode(PAIR, {"#tup": [{"#bigint": "1"}]})
    except itf.ItfError as error:
        assert "expected a tuple of 2, got 1 items" in str(error)
    else:
        raise AssertionError("decoded a tuple of 1 as a pair")
