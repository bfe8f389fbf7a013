"""The part of Mermaid's sequenceDiagram grammar verikit writes, as a checker: every line is a
participant, a note, a message, a comment or a loop; participants are declared once and
before use; loops close; labels hold no raw Mermaid syntax (`;`, `#` outside entity codes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANE = r"L\d+"
PATTERNS = {
    "comment": re.compile(r"%% .*"),
    "participant": re.compile(rf"participant ({LANE}) as (\S.*)"),
    "note": re.compile(rf"Note over ({LANE})(?:,({LANE}))?: (\S.*)"),
    "message": re.compile(rf"({LANE})(->>|-x|--\))({LANE}): (\S.*)"),
    "loop": re.compile(r"loop (\S.*)"),
    "end": re.compile(r"end"),
}
RAW = re.compile(r";|#(?!\d+;|lt;|gt;)")


@dataclass
class Diagram:
    participants: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (lanes, text)
    messages: list[tuple[str, str, str, str]] = field(default_factory=list)  # src, arrow, dst, text
    loops: list[list[str]] = field(default_factory=list)  # the statements inside each loop
    order: list[str] = field(default_factory=list)  # the statement kinds, in order


def parse(source: str) -> Diagram:
    lines = source.rstrip("\n").split("\n")
    assert lines[0] == "sequenceDiagram", lines[0]
    diagram, open_loop = Diagram(), None
    for line in lines[1:]:
        statement = line.strip()
        kind, match = next((k, m) for k, p in PATTERNS.items() if (m := p.fullmatch(statement)))
        diagram.order.append(kind)
        if kind == "participant":
            assert match[1] not in diagram.participants and not diagram.notes, line
            diagram.participants[match[1]] = match[2]
        elif kind in ("note", "message"):
            lanes = [match[1], match[2] if kind == "note" else match[3]]
            assert all(lane in diagram.participants for lane in lanes if lane), line
            label = match[3] if kind == "note" else match[4]
            assert not RAW.search(label), line
            if kind == "note":
                diagram.notes.append((statement.split(":")[0], label))
            else:
                diagram.messages.append((match[1], match[2], match[3], label))
            if open_loop is not None:
                open_loop.append(statement)
        elif kind == "loop":
            assert open_loop is None, "nested loop"
            open_loop = []
        elif kind == "end":
            assert open_loop is not None, "end without loop"
            diagram.loops.append(open_loop)
            open_loop = None
    assert open_loop is None, "unclosed loop"
    return diagram
