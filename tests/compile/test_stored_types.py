"""Storing a value outside its location's type is a runtime fault at any depth (core/ir.py):
in a record field, a message field, an option, a set element, a sequence position or a map
entry, in an action, an init block, a variable's initialiser or a message send. The compiled
model and the reference interpreter fault alike, word for word, at the same step; and no
check is generated where the static types already guarantee the value."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oracle import reference
from tests.semantics.helpers import model_of
from verikit.compile import build
from verikit.compile.codegen import generate
from verikit.core.model import Model
from verikit.engine import CheckOptions, check
from verikit.errors import SpecFault

COUNTER = "var n: 0..5 = 0\naction bump when n < 5 { n = n + 1 }\n"


def compiled_fault(model: Model) -> tuple[str, int, int, int]:
    """(message, line, col, steps to the state whose step faults) as the engine reports it."""
    result = check(build(model), CheckOptions(stop_at_first=False))
    (fault,) = [d for d in result.violations if d.kind == "fault"]
    assert fault.fault is not None
    span = fault.fault.span
    return fault.fault.message, span.line, span.col, max(len(fault.path) - 1, 0)


def reference_fault(model: Model) -> tuple[str, int, int, int]:
    """The first fault of a breadth-first walk with the reference interpreter."""
    try:
        level = reference.init_states(model)
    except SpecFault as fault:
        return fault.message, fault.span.line, fault.span.col, 0
    seen: set[Any] = set(level)
    depth = 0  # of the states in `level`
    while level:
        nxt = []
        for state in level:
            try:
                successors = reference.successors(model, state)
            except SpecFault as fault:
                return fault.message, fault.span.line, fault.span.col, depth
            for _, _, t in successors:
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        level = nxt
        depth += 1
    raise AssertionError("the reference finds no fault")


CASES = {
    "record field": (
        "type R = record { a: 0..2 }\nvar r: R = R { a: 0 }\n"
        "action put { r = R { a: n } }",
        "value 3 out of range 0..2 in field a",
    ),
    "copied out of a record": (
        "type R = record { a: 0..2 }\nvar r: R = R { a: 0 }\nvar x: 0..2 = 0\n"
        "action put { r = R { a: n } }\naction copy { x = r.a }",
        "value 3 out of range 0..2 in field a",
    ),
    "set element": (
        "var s: set<0..2> = {}\naction add { s = s + {n} }",
        "value 3 out of range 0..2 in an element",
    ),
    "sequence position": (
        "var q: seq<0..2, 3> = []\naction push when len(q) < 3 { q = append(q, n) }",
        "value 3 out of range 0..2 in position 1",
    ),
    "sequence position, assigned": (
        "var q: seq<0..2, 3> = [0]\naction put { q[1] = n }",
        "value 3 out of range 0..2",
    ),
    "option": (
        "type Small = 0..2\nvar o: Small? = none\naction put { o = n }",
        "value 3 out of range 0..2",
    ),
    "map entry": (
        "var m: map<bool, 0..2> = { b: 0 for b in bool }\naction put { m = { b: n for b in bool } }",
        "value 3 out of range 0..2 in the entry for false",
    ),
    "nested sequence too long": (
        "type R = record { log: seq<bool, 2> }\nvar r: R = R { log: [] }\n"
        "action grow when len(r.log) < 4 { r = R { log: append(r.log, true) } }",
        "sequence of length 3 exceeds its maximum 2 in field log",
    ),
    "let reassigned in a branch": (
        "type R = record { a: 0..2 }\nvar r: R = R { a: 0 }\n"
        "action put { let y = 1\n if n > 2 { y = n }\n r = R { a: y } }",
        "value 3 out of range 0..2 in field a",
    ),
    "record through a local": (
        "type R = record { a: 0..2 }\nvar r: R = R { a: 0 }\n"
        "action put { let y = R { a: n }\n r = y }",
        "value 3 out of range 0..2 in field a",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_store_outside_the_type_faults_alike_in_both_engines(name: str) -> None:
    body, message = CASES[name]
    model = model_of(f"spec S\n{COUNTER}{body}\n")
    got = compiled_fault(model)
    assert got == reference_fault(model)
    assert got[0] == message


def test_a_message_field_outside_its_type_faults_at_the_send() -> None:
    model = model_of(
        "spec S\nmessage Req { n: 0..2 }\nnetwork { reorder: true }\n"
        "node A { var k: 0..5 = 0\n"
        "  action go when k < 5 { k = k + 1\n send Req { n: k } to B[1] } }\n"
        "node B[1] { on Req(m) { skip } }\n"
    )
    got = compiled_fault(model)
    assert got == reference_fault(model)
    assert got[0].startswith("value 3 out of range 0..2 in field n of Req")
    assert got[1:3] == (6, 2)  # the send statement


def test_an_initialiser_outside_the_type_faults_before_the_first_state() -> None:
    model = model_of(
        "spec S\nconst N = 5\ntype R = record { a: 0..2 }\nvar r: R = R { a: N }\n"
        "action idle { skip }\n"
    )
    got = compiled_fault(model)
    assert got == reference_fault(model)
    assert got[0] == "value 5 out of range 0..2 in field a" and got[3] == 0


def test_an_init_block_choice_outside_the_type_faults() -> None:
    model = model_of(
        "spec S\ntype R = record { a: 0..2 }\nvar r: R = R { a: 0 }\n"
        "init { choose v in 0..4 { r = R { a: v } } }\naction idle { skip }\n"
    )
    assert compiled_fault(model) == reference_fault(model)
    assert compiled_fault(model)[0] == "value 3 out of range 0..2 in field a"


def test_values_within_their_types_need_no_check() -> None:
    source = generate(
        model_of(
            "spec S\ntype RM = 1..3\ntype Msg = record { rm: RM?, ok: bool }\n"
            "var msgs: set<Msg> = {}\nvar log: seq<RM, 3> = []\nvar last: RM? = none\n"
            "action send(r: RM) { msgs = msgs + { Msg { rm: r, ok: true } }\n last = r }\n"
            "action trim { log = take(log, 1) }\n"
            "action copy { choose m in msgs { last = m.rm } }\n"
        )
    )
    assert "within_type(" not in source and "type_fault(" not in source


def test_a_new_message_is_checked_not_the_whole_network() -> None:
    source = generate(
        model_of(
            "spec S\nmessage Req { n: 0..2 }\nnetwork { reorder: true }\n"
            "node A { var k: 0..5 = 0\n"
            "  action go when k < 5 { k = k + 1\n send Req { n: k } to B[1] } }\n"
            "node B[1] { on Req(m) { skip } }\n"
        )
    )
    assert "within_type(" not in source  # the field alone: a range test
    assert "if not 0 <= _p <= 2:" in source
