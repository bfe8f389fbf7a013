"""The C code generator: what it refuses (by construct and span), the ABI it defines, and the
faults, duplicates and initial states it produces exactly as compile does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from verikit.api import load, load_source
from verikit.core.model import Model
from verikit.errors import SourceFile, SpecFault
from verikit.native.codegen import NativeRefusal, generate
from verikit.native.library import NativeFault

from .agreement import agree, native, needs_compiler

VK_FAULT = 1
SPECS = Path(__file__).resolve().parents[2] / "specs"


def model_of(text: str) -> Model:
    return load_source(SourceFile("t.dsl", text)).model


COUNTER = """
spec Counter
var x: 0..3 = 0
var log: seq<bool, 2> = []
action inc when x < 3 { x = x + 1 }
action push(b: bool) when len(log) < 2 { log = append(log, b) }
invariant Small: x <= 3
reachable Full: len(log) == 2
"""


def test_the_source_names_its_layout_and_properties() -> None:
    model = model_of(COUNTER)
    source = generate(model)
    assert source.properties == ("Small", "Full")
    assert source.state_words == source.layout.words == 1
    assert "#define VK_STATE_WORDS 1" in source.c
    assert "#define VK_N_ACTIONS 2" in source.c
    assert "#define VK_N_PROPS 2" in source.c
    assert '"invariant", "reachable"' in source.c
    assert generate(model).c == source.c  # deterministic


def test_symmetry_without_a_group_of_two_nodes_generates_no_canonical_form() -> None:
    model = replace(model_of(COUNTER), symmetric=("P",))
    assert generate(model).c == generate(model_of(COUNTER)).c


def test_a_network_without_a_bound_is_refused_at_its_declaration() -> None:
    text = "spec S\nmessage M {}\n\nnetwork { loss: true }\nnode P[2] { var x: bool = false }\n"
    with pytest.raises(NativeRefusal) as refused:
        generate(model_of(text))
    assert refused.value.construct == "a network without max_in_flight"
    assert (refused.value.span.line, refused.value.span.col) == (4, 1)


def test_nodes_without_messages_need_no_room_in_flight() -> None:
    text = "spec S\nnode P[2] {\n  var x: bool = false\n  action a when not x { x = true }\n}\n"
    source = generate(model_of(text))
    assert source.layout.bits == 2 * 2 + 4  # x of each node (and its present bit); the channels


def test_symmetric_sets_of_sets_of_nodes_are_refused_at_their_variable() -> None:
    text = "spec S\nsymmetric node P[2] {\n  var s: set<set<P>> = {}\n}\n"
    with pytest.raises(NativeRefusal) as refused:
        generate(model_of(text))
    assert refused.value.construct.startswith("symmetry over values of type set<")
    assert (refused.value.span.line, refused.value.span.col) == (3, 3)


@pytest.mark.parametrize(
    ("text", "construct", "line"),
    [
        ("spec S\nvar x: int = 0\naction a { x = x + 1 }\n", "an unbounded int", 2),
        ("spec S\nvar s: seq<bool> = []\naction a { s = append(s, true) }\n",
         "a sequence without max_len", 2),
        ("spec S\nvar s: set<0..5000> = {}\naction a { s = s + {1} }\n", "a set over 0..5000", 2),
    ],
)  # fmt: skip
def test_what_has_no_bounded_layout_is_refused_with_its_span(
    text: str, construct: str, line: int
) -> None:
    with pytest.raises(NativeRefusal, match=construct) as refused:
        generate(model_of(text))
    assert refused.value.span.file == "t.dsl"
    assert refused.value.span.line == line


FAULTS = {
    "an int out of range": "var x: 0..2 = 2\naction a { x = x + 1 }",
    "a sequence too long": "var s: seq<bool, 1> = [true]\naction a { s = append(s, true) }",
    "a missing map key": "var m: map<0..2, bool> = {}\naction a when m[1] { m[0] = true }",
    "a sequence index out of range": "var s: seq<bool, 2> = []\nvar b: bool = false\n"
    "action a { b = s[1] }",
    "a division by zero": "var x: 0..2 = 0\naction a { x = 2 / x }",
    "unwrap of none": "var o: 0..2? = none\nvar x: 0..2 = 0\naction a { x = o }",
    "min of an empty set": "var s: set<0..2> = {}\nvar x: 0..2 = 0\naction a { x = min(s) }",
    "head of an empty sequence": "var s: seq<bool, 2> = []\nvar b: bool = false\n"
    "action a { b = head(s) }",
    "a record field out of range": "type R = record { a: 0..2 }\nvar x: 0..5 = 5\n"
    "var r: R = R { a: 0 }\naction a { r = R { a: x } }",
    "a set element out of range": "var x: 0..5 = 5\nvar s: set<0..2> = {}\n"
    "action a { s = s + {x} }",
    "a sequence position out of range": "var x: 0..5 = 5\nvar s: seq<0..2, 3> = []\n"
    "action a { s = append(s, x) }",
    "a map entry out of range": "var x: 0..5 = 5\nvar m: map<bool, 0..2> = {}\n"
    "action a { m[true] = x }",
    "an option out of range": "var x: 0..5 = 5\nvar o: 0..2? = none\naction a { o = x }",
}


@needs_compiler
@pytest.mark.parametrize("body", FAULTS.values(), ids=list(FAULTS))
def test_a_runtime_fault_fires_where_compile_raises_one(body: str) -> None:
    model = model_of(f"spec F\n{body}\n")
    source, lib = native(model)
    from verikit.compile import build

    compiled = build(model)
    (state,) = compiled.init_states()
    with pytest.raises(SpecFault):
        compiled.next_states(state)
    with pytest.raises(NativeFault) as fault:
        lib.successors(source.layout.pack(state))
    assert fault.value.code == VK_FAULT


DUPLICATES = """
spec Dup
type C = enum { Red, Green, Blue }
var c: C = any
var n: 0..1 = 0
init { choose k in 0..1 { n = 0 } }
action paint(x: C) { choose y in {Red, Green} { c = Red } }
action flip { n = 1 - n }
"""


@needs_compiler
def test_successors_keep_compiles_duplicates_and_initial_states_are_distinct() -> None:
    model = model_of(DUPLICATES)
    source, lib = native(model)
    inits = lib.init_states()
    assert [source.layout.unpack(w) for _, w in inits] == [("Red", 0), ("Green", 0), ("Blue", 0)]
    assert {a for a, _ in inits} == {-1}
    successors = lib.successors(inits[1][1])
    assert [a for a, _ in successors] == [0] * 6 + [1]  # 3 parameters x 2 choices, then flip
    assert {source.layout.unpack(w) for _, w in successors[:6]} == {("Red", 0)}
    assert agree(model, 100) == 6


@needs_compiler
def test_properties_and_leads_to_triggers_evaluate_on_packed_states() -> None:
    model = model_of(
        "spec L\nvar x: 0..3 = 0\naction inc when x < 3 { x = x + 1 }\n"
        "invariant Low: x < 3\nproperty Up: x == 1 leads_to x == 3\nfair action inc\n"
    )
    source, lib = native(model)
    states = {x: source.layout.pack((x,)) for x in range(4)}
    assert [lib.prop(0, states[x]) for x in range(4)] == [True, True, True, False]
    assert [lib.trigger(1, states[x]) for x in range(4)] == [False, True, False, False]
    assert [lib.prop(1, states[x]) for x in range(4)] == [False, False, False, True]
    assert not lib.trigger(0, states[1])  # an invariant has no trigger


@needs_compiler
def test_negating_a_negative_literal_is_plain_c() -> None:
    from verikit.core import ir
    from verikit.core.model import Action, Var
    from verikit.core.types import BOOL, INT, IntType

    slot = ir.StateVar(0, "x", IntType(-2, 2))
    minus_one = ir.Unary("neg", ir.Lit(-1, INT), INT)  # C must not read `--1`
    model = Model(
        name="Neg",
        consts=(),
        vars=(Var("x", slot.type),),
        init=(),
        actions=(
            Action(
                "a", "action", (), ir.Lit(True, BOOL), (ir.Assign(slot, (), minus_one, slot.type),)
            ),
        ),  # fmt: skip
        properties=(),
    )
    source, lib = native(model)
    ((_, words),) = lib.successors(source.layout.pack((0,)))
    assert source.layout.unpack(words) == (1,)


def test_a_constant_beyond_62_bits_is_refused() -> None:
    model = model_of(
        "spec Big\nvar x: 0..1 = 0\naction a when x + 9223372036854775807 > 0 { x = 1 }\n"
    )
    with pytest.raises(NativeRefusal, match="beyond 62 bits"):
        generate(model)


def test_a_guard_of_thousands_of_conjuncts_is_generated_without_deep_recursion() -> None:
    guard = " and ".join(f"x != {i + 4}" for i in range(3000))
    model = model_of(
        f"spec Wide\nvar x: 0..3 = 0\naction a when x < 3 and {guard} {{ x = x + 1 }}\n"
    )
    source = generate(model)
    assert "vk_action_0" in source.c


@pytest.mark.parametrize(
    ("bound", "construct"),
    [
        (100_000, "a packed state of .* words, .* bits of them in `network`"),
        (7_000, "a working state of .* bytes, .* of them in `network`"),
        (10**20, "a packed state of"),
    ],
)
def test_a_network_too_wide_for_a_threads_stack_is_refused_by_its_size(
    bound: int, construct: str
) -> None:
    with pytest.raises(NativeRefusal, match=construct):
        generate(load(SPECS / "two_phase_commit_liveness.dsl", {"MaxInFlight": bound}).model)


@pytest.mark.parametrize(
    ("body", "construct"),
    [
        ("action a when forall b in Big: b >= 0 { x = 1 }", "iterating over all values of"),
        ("action a(b in Big) when b == 5 { x = 1 }", "iterating over all values of"),
    ],
)
def test_a_domain_of_a_billion_values_is_refused_by_its_size_without_listing_it(
    body: str, construct: str
) -> None:
    model = model_of(f"spec Big\ntype Big = 0..1000000000\nvar x: 0..1 = 0\n{body}\n")
    with pytest.raises(NativeRefusal, match=construct):
        generate(model)
