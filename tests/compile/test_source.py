"""The generated module: deterministic text, readable shape, the runtime contract, and the
fingerprint rule."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from verikit.compile import build, generate
from verikit.compile.codegen import action_function
from verikit.compile.runtime import EXPORTED
from verikit.core import ir
from verikit.core.model import Model, Var
from verikit.core.types import (
    BOOL,
    INT,
    IntType,
    MapType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
)
from verikit.errors import Span

from .models import TRUE, action, assign, channels, lit, sv, two_phase

ROOT = Path(__file__).resolve().parents[2]


def test_same_model_same_source() -> None:
    assert generate(two_phase(3)) == generate(two_phase(3))
    assert generate(channels()) == generate(channels())


def test_source_does_not_depend_on_hash_randomisation() -> None:
    """Sets of strings iterate in a per-process order; nothing in the text may follow it."""
    script = "from tests.compile.models import channels, two_phase\n" \
             "from verikit.compile import generate\n" \
             "print(generate(two_phase(3)) + generate(channels()))"  # fmt: skip
    texts = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout  # fmt: skip
        for seed in ("1", "2", "3")
    }
    assert len(texts) == 1


def test_source_has_one_commented_function_per_action() -> None:
    m = two_phase(3)
    source = generate(m)
    tree = ast.parse(source)
    functions = {f.name for f in tree.body if isinstance(f, ast.FunctionDef)}
    for k, a in enumerate(m.actions):
        assert action_function(k, a) in functions
        assert f"# action {a.name}(" in source
    assert {"next_states", "labelled_successors", "init_states"} <= functions


def test_comments_name_the_spec_line() -> None:
    where = Span("two_phase.dsl", 12, 3)
    m = Model("M", (), (Var("x", BOOL),), (), (action("flip", TRUE, span=where),), ())
    assert "# action flip() at two_phase.dsl:12:3" in generate(m)


def test_generated_code_imports_only_exported_runtime_names() -> None:
    for source in (generate(two_phase(3)), generate(channels())):
        tree = ast.parse(source)
        [imports] = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
        assert imports.module == "verikit.compile.runtime"
        assert {a.name for a in imports.names} <= set(EXPORTED)


def test_every_exported_name_exists_in_the_runtime() -> None:
    import verikit.compile.runtime as runtime

    for name in EXPORTED:
        assert hasattr(runtime, name), name


def test_constant_domains_and_sets_are_module_constants() -> None:
    source = generate(two_phase(3))
    assert "DOM_0 = (1, 2, 3)" in source
    assert "ALL_0 = frozenset({1, 2, 3})" in source
    assert "for r in DOM_0:" in source


# ---------------------------------------------------------------- fingerprint


def fingerprint_of(*types: Type) -> object:
    m = Model("M", (), tuple(Var(f"v{k}", t) for k, t in enumerate(types)), (), (), ())
    return build(m).fingerprint


def test_fingerprint_is_hash_when_no_slot_can_hold_a_negative_int() -> None:
    assert fingerprint_of(BOOL, IntType(0, 3), SetType(IntType(1, None))) is hash
    assert fingerprint_of(MapType(IntType(-1, 1), BOOL)) is not hash  # keys are not stored
    assert fingerprint_of() is hash


def test_fingerprint_is_the_state_when_a_slot_can_hold_a_negative_int() -> None:
    # hash(-1) == hash(-2): hashing would merge the states (-1,) and (-2,)
    assert hash((-1,)) == hash((-2,))
    for t in (INT, IntType(-3, 3), OptionType(INT), SeqType(IntType(None, 5)),
              RecordType("R", (("a", BOOL), ("b", SetType(INT)))), MapType(BOOL, INT)):  # fmt: skip
        fingerprint = fingerprint_of(t)
        assert fingerprint is not hash
        assert fingerprint((-1,)) != fingerprint((-2,))  # type: ignore[operator]


def test_states_differing_only_in_minus_one_and_minus_two_stay_apart() -> None:
    x = sv(0, IntType(-2, 0))
    m = Model("M", (), (Var("x", x.type),), (assign(x, lit(-1, INT)),),
              (action("down", TRUE, assign(x, lit(-2, INT))),), ())  # fmt: skip
    compiled = build(m)
    [start] = compiled.init_states()
    [after] = compiled.next_states(start)
    assert compiled.fingerprint(start) != compiled.fingerprint(after)


def test_source_of_a_model_with_no_actions_or_slots_compiles() -> None:
    compiled = build(Model("Empty", (), (), (), (), ()))
    assert compiled.init_states() == [()]
    assert compiled.next_states(()) == []
    assert compiled.labelled_successors(()) == []


def test_names_that_clash_with_python_or_the_runtime_are_renamed() -> None:
    names = ("len", "append", "out", "class", "K_0", "fault", "s")
    m = Model("M", (), tuple(Var(n, INT) for n in names), (),
              (action("class", TRUE, *(assign(sv(k, INT, n), lit(k, INT)) for k, n in enumerate(names))),
               ), ())  # fmt: skip
    compiled = build(m)
    assert compiled.next_states((9,) * len(names)) == [tuple(range(len(names)))]
    assert ir.Lit(1, INT) == lit(1, INT)
