"""trace.wrap: label lines break between words or after a field, never inside a value that
fits on a line of its own, and never between a record's name and its fields."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verikit.trace.wrap import INDENT, wrap


def test_a_short_text_is_one_line() -> None:
    assert wrap("state: Working → Prepared", 40) == ["state: Working → Prepared"]


def test_a_record_that_fits_a_line_moves_down_whole() -> None:
    assert wrap("receive Vote { yes: true, round: 2 }", 32) == [
        "receive",
        INDENT + "Vote { yes: true, round: 2 }",
    ]


def test_a_record_too_long_for_a_line_breaks_after_a_field() -> None:
    lines = wrap("receive AppendEntries { term: 2, prev: 1, prevTerm: 2, entry: none }", 40)
    assert lines == ["receive AppendEntries { term: 2,", INDENT + "prev: 1, prevTerm: 2, entry: none }"]


def test_a_set_of_records_breaks_between_records() -> None:
    text = "msgs: {Msg { kind: Prepared, rm: 1 }, Msg { kind: Commit, rm: none }}"
    assert wrap(text, 40) == [
        "msgs: {Msg { kind: Prepared, rm: 1 },",
        INDENT + "Msg { kind: Commit, rm: none }}",
    ]


def test_an_old_and_a_new_value_break_at_the_arrow() -> None:
    assert wrap("log: [1, 2, 3, 4] → [1, 2, 3, 4, 2, 3, 4, 5]", 40) == [
        "log: [1, 2, 3, 4] →",
        INDENT + "[1, 2, 3, 4, 2, 3, 4, 5]",
    ]


def test_an_arrow_stays_with_the_old_value_rather_than_standing_alone() -> None:
    old = "{Server[1]: 0, Server[2]: 0, Server[3]: 0}"
    lines = wrap(f"matched: {old} → {old}", 46)
    assert lines == ["matched:", f"{INDENT}{old} →", INDENT + old]


def test_a_word_longer_than_the_line_keeps_its_own_line() -> None:
    assert wrap("x = " + "a" * 50, 20) == ["x =", INDENT + "a" * 50]


NAMES = st.sampled_from(["Vote", "Msg", "Grant", "Rec"])
FIELDS = st.lists(
    st.tuples(st.sampled_from(["yes", "term", "token", "epoch", "id"]), st.integers(0, 999)),
    min_size=1,
    max_size=4,
)


@st.composite
def records(draw: st.DrawFn) -> str:
    fields = ", ".join(f"{k}: {v}" for k, v in draw(FIELDS))
    return f"{draw(NAMES)} {{ {fields} }}"


@given(st.lists(records(), min_size=1, max_size=5), st.integers(24, 60))
def test_no_record_that_fits_is_split_and_every_break_is_at_a_boundary(
    items: list[str], width: int
) -> None:
    text = "seen: {" + ", ".join(items) + "}"
    lines = wrap(text, width)
    assert " ".join(line.strip() for line in lines) == text  # nothing lost or added
    for line in lines[:-1]:
        opened = line.count("{") - line.count("}")
        assert opened == 0 or line.endswith(","), line  # inside a value only after a field
    for item in items:
        if len(item) <= width - len(INDENT):
            assert any(item in line for line in lines), item
