"""Line breaking for diagram labels that never splits a value in the middle.

    wrap("receive Vote { yes: true, round: 2 }", 32)
    == ["receive", "   Vote { yes: true, round: 2 }"]

A label is words and values (`state: Working → Prepared`, `receive AppendEntries { term: 2,
prev: 1 }`, `elect(q: {Server[1], Server[2]})`). textwrap breaks at any space, so a record
came out as `{ term: 2, prev:` / `1 }`: the field's name on one line, its value on the next.
Here a line may break only between words outside brackets, or after a comma inside them (a
field or element boundary), and a bracketed value (with the record name before it) that fits
on a line of its own is never broken at all.
"""

from __future__ import annotations

INDENT = "   "  # continuation lines are indented: the reader sees they go on
OPEN, CLOSE = "{[(", "}])"


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters where a break is allowed; a piece that
    cannot be broken (one long word, a value without a comma) keeps its own line."""
    if len(text) <= width:
        return [text]
    breaks = allowed_breaks(text, width - len(INDENT))
    pieces = _split(text, breaks)
    lines = [pieces[0]]
    for piece in pieces[1:]:
        if len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(INDENT + piece)
    return lines


def allowed_breaks(text: str, room: int) -> list[int]:
    """Indices of the spaces a line may break at: outside brackets, any space but the one that
    joins a record's name to its `{` and the one before an arrow; inside, only a space after a comma, and none inside a
    bracketed value shorter than `room` (it fits on a line of its own)."""
    depth = _depths(text)
    kept = _unbreakable(text, room)
    out = []
    for i, char in enumerate(text):
        if char != " " or i in kept or i == 0:
            continue
        between_words = depth[i] == 0 and not _names_a_record(text, i) and not _arrow_next(text, i)
        between_fields = depth[i] > 0 and text[i - 1] == ","
        if between_words or between_fields:
            out.append(i)
    return out


def _depths(text: str) -> list[int]:
    """The bracket nesting at each character (unbalanced closers count as zero)."""
    depth, out = 0, []
    for char in text:
        if char in CLOSE:
            depth = max(depth - 1, 0)
        out.append(depth)
        if char in OPEN:
            depth += 1
    return out


def _arrow_next(text: str, i: int) -> bool:
    """The space before `→`: an old value keeps its arrow, so a line never starts with one
    (or holds nothing else)."""
    return text[i + 1 : i + 2] == "→"


def _names_a_record(text: str, i: int) -> bool:
    """The space in `Vote {`: a record's name and its fields are one value."""
    named = text[i - 1].isalnum() or text[i - 1] in "_]"
    return named and text[i + 1 : i + 2] == "{"


def _unbreakable(text: str, room: int) -> set[int]:
    """Every index inside a bracketed value (and its name) that fits in `room` characters."""
    kept: set[int] = set()
    stack: list[int] = []
    for i, char in enumerate(text):
        if char in OPEN:
            stack.append(i)
        elif char in CLOSE and stack:
            start = _name_start(text, stack.pop())
            if i + 1 - start <= room:
                kept.update(range(start, i + 1))
    return kept


def _name_start(text: str, bracket: int) -> int:
    """Where the value opened at `bracket` begins: at the record or function name before it
    (`Vote {`, `elect(`), else at the bracket itself."""
    end = bracket - 1 if text[bracket] == "{" and text[bracket - 1 : bracket] == " " else bracket
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.[]"):
        start -= 1
    return start if start < end else bracket


def _split(text: str, breaks: list[int]) -> list[str]:
    pieces, start = [], 0
    for i in breaks:
        pieces.append(text[start:i])
        start = i + 1
    pieces.append(text[start:])
    return [p for p in pieces if p]
