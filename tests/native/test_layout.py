"""The packed state vector: every value of a slot's type packs into its fixed width and
unpacks to itself, equal values pack to equal words (canonical) and distinct ones to
distinct words; what a layout cannot hold is refused when the layout is built, or reported
as Unrepresentable when packed, never truncated."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracle.strategies import E3, MSG, NODE, P
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    BagType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
)
from verikit.native.layout import (
    NativeRefusal,
    StateLayout,
    Unrepresentable,
    layout_of,
    sort_key,
)

BOUND = 3  # the bound bags and unbounded sequences get here, like max_in_flight

SCALARS: list[Type] = [BOOL, IntType(0, 2), IntType(-3, 4), IntType(5, 5), E3, P, NODE,
                       EnumType("Big", tuple(f"m{i}" for i in range(40)))]  # fmt: skip
SMALL = [BOOL, IntType(-1, 1), E3, NODE]  # element and key types with few values


def types() -> st.SearchStrategy[Type]:
    def extend(inner: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
        return st.one_of(
            inner.map(OptionType),
            st.lists(inner, min_size=0, max_size=3).map(
                lambda ts: RecordType("R", tuple((f"f{i}", t) for i, t in enumerate(ts)))
            ),
            st.lists(inner, min_size=1, max_size=2).map(
                lambda ts: MessageType(
                    tuple(RecordType(f"V{i}", (("x", t),)) for i, t in enumerate(ts))
                )
            ),
            st.tuples(inner, st.integers(0, 3)).map(lambda p: SeqType(p[0], p[1])),
            st.tuples(st.sampled_from(SMALL), inner).map(lambda p: MapType(p[0], p[1])),
        )

    leaves = st.sampled_from(SCALARS)
    containers = st.one_of(
        st.sampled_from([*SMALL, MSG, OptionType(P)]).map(SetType),
        st.sampled_from([*SMALL, MSG]).map(BagType),
    )
    return st.recursive(st.one_of(leaves, containers), extend, max_leaves=6)


def values(t: Type) -> st.SearchStrategy[Any]:
    match t:
        case OptionType(inner=inner):
            return st.one_of(st.none(), values(inner))
        case RecordType(fields=fields):
            return st.tuples(*(values(ft) for _, ft in fields))
        case MessageType(variants=variants):
            return st.one_of(
                *(values(v).map(lambda fs, n=v.name: (n, *fs)) for v in variants)  # type: ignore[misc]
            )
        case SetType(elem=elem):
            return st.frozensets(values(elem))
        case MapType(key=key, value=value):
            return st.tuples(*(st.one_of(st.just(MISSING), values(value)) for _ in domain(key)))
        case SeqType(elem=elem, max_len=n):
            return st.lists(values(elem), max_size=BOUND if n is None else n).map(tuple)
        case BagType(elem=elem):
            counts = st.dictionaries(values(elem), st.integers(1, BOUND), max_size=BOUND)
            return counts.map(lambda d: frozenset(d.items()))
    return st.sampled_from(domain(t))


def layout(t: Type) -> StateLayout:
    return StateLayout((layout_of(t, bound=BOUND),))


@st.composite
def typed_values(draw: st.DrawFn, n: int = 1) -> tuple[Type, list[Any]]:
    t = draw(types())
    return t, [draw(values(t)) for _ in range(n)]


@settings(max_examples=300)
@given(typed_values())
def test_a_value_unpacks_to_itself(tv: tuple[Type, list[Any]]) -> None:
    t, (value,) = tv
    lay = layout(t)
    words = lay.pack((value,))
    assert len(words) == lay.words
    assert all(0 <= w < 1 << 64 for w in words)
    assert lay.unpack(words) == (value,)


@settings(max_examples=300)
@given(typed_values(2))
def test_equal_values_and_only_they_pack_to_equal_words(tv: tuple[Type, list[Any]]) -> None:
    t, (a, b) = tv
    lay = layout(t)
    assert (lay.pack((a,)) == lay.pack((b,))) == (a == b)


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(1, 3)), max_size=3,
                unique_by=lambda p: p[0]))  # fmt: skip
def test_a_bag_packs_the_same_however_its_entries_were_added(entries: list[Any]) -> None:
    t = BagType(EnumType("E", ("C", "A", "B")))
    lay = layout(t)
    forward, backward = frozenset(entries), frozenset(reversed(entries))
    assert lay.pack((forward,)) == lay.pack((backward,))


def test_bag_entries_are_stored_in_the_order_compile_iterates_them() -> None:
    e = EnumType("E", ("C", "A", "B"))
    assert sorted(["A", "B", "C"], key=sort_key(e)) == ["C", "A", "B"]
    message = MessageType((RecordType("Zed", (("e", e),)), RecordType("Ack", ())))
    envelope = RecordType("Env", (("to", NODE), ("msg", message)))
    seq_env = RecordType("Env", (("to", NODE), ("msg", message), ("log", SeqType(INT))))
    assert sort_key(envelope)((1, ("Ack",))) < sort_key(envelope)((0, ("Zed", "C")))  # by ordinal
    # not finite: by value (node ids, then message names, then fields)
    assert sort_key(seq_env)((0, ("Zed", "C"), ())) < sort_key(seq_env)((1, ("Ack",), ()))
    assert sort_key(seq_env)((0, ("Ack",), ())) < sort_key(seq_env)((0, ("Zed", "C"), ()))


def test_fields_are_packed_in_as_few_words_as_their_bits_need() -> None:
    lay = StateLayout((layout_of(IntType(0, 2)), layout_of(MapType(IntType(1, 8), E3))))
    assert lay.bits == 2 + 8 * (1 + 2)
    assert lay.words == 1
    wide = StateLayout(tuple(layout_of(IntType(0, 255)) for _ in range(9)))
    assert wide.words == 2  # 72 bits, a field straddling two words


@pytest.mark.parametrize(
    ("t", "value"),
    [
        (IntType(0, 3), 4),
        (IntType(0, 3), -1),
        (SeqType(BOOL, 2), (True, True, False)),
        (SetType(IntType(0, 2)), frozenset({3})),
        (RecordType("R", (("x", IntType(1, 2)),)), (0,)),
        (OptionType(IntType(1, 2)), 7),
        (BagType(E3), frozenset({("A", BOUND + 1)})),
        (SeqType(BOOL), (True,) * (BOUND + 1)),
    ],
    ids=str,
)
def test_a_value_outside_its_layout_is_unrepresentable(t: Type, value: Any) -> None:
    with pytest.raises(Unrepresentable):
        layout(t).pack((value,))


@pytest.mark.parametrize(
    ("t", "bound", "construct"),
    [
        (INT, None, "an unbounded int"),
        (SeqType(BOOL), None, "a sequence without max_len"),
        (SetType(IntType(0, 5000)), None, "a set over 0..5000"),
        (MapType(IntType(0, 5000), BOOL), None, "a map keyed by 0..5000"),
        (BagType(IntType(0, 100)), None, "a bag without max_in_flight"),
        (IntType(0, 1 << 70), None, "too wide"),
    ],
    ids=str,
)
def test_a_type_without_a_bounded_layout_is_refused_by_name(
    t: Type, bound: int | None, construct: str
) -> None:
    with pytest.raises(NativeRefusal, match=construct):
        layout_of(t, bound=bound)


def test_node_ids_pack_by_their_ordinal_in_the_node_type() -> None:
    lay = layout(NODE)  # ids 1, 2, 0 in this order
    assert [lay.pack((v,)) for v in (1, 2, 0)] == [(0,), (1,), (2,)]
    assert isinstance(NODE, NodeType)


def test_absent_parts_are_skipped_not_decoded() -> None:
    """A queue of a spec without messages: its unused positions hold no message at all."""
    queues = MapType(BOOL, SeqType(MessageType(()), 2))
    assert layout(queues).unpack(layout(queues).pack((((), MISSING),))) == (((), MISSING),)
