"""Constants are evaluated at analysis time; `--const` overrides replace declared values."""

from __future__ import annotations

from tests.semantics.helpers import errors, model_of, the_error
from verikit.core.types import IntType, MapType, NodeType

SPEC = """\
spec Consts
const Half = N / 2
const N = 4
const Big = N > 3
type Slot = 1..Half + 1
var x: Slot = 1
node P[N] { var up: bool = Big }
"""


def test_constants_may_refer_to_later_ones_and_are_recorded() -> None:
    model = model_of(SPEC)
    assert model.consts == (("Half", 2), ("N", 4), ("Big", True))
    assert model.vars[0].type == IntType(1, 3)


def test_an_override_replaces_the_declared_value_everywhere() -> None:
    model = model_of(SPEC, {"N": 6})
    assert dict(model.consts) == {"Half": 3, "N": 6, "Big": True}
    assert model.vars[0].type == IntType(1, 4)
    assert model.nodes[0].count == 6
    up = model.vars[1]
    assert isinstance(up.type, MapType) and up.type.key == NodeType(model.nodes)


def test_bool_overrides_work_for_bool_constants() -> None:
    model = model_of(SPEC, {"Big": False})
    assert dict(model.consts)["Big"] is False


def test_override_of_an_undeclared_constant_is_reported_at_the_spec_name() -> None:
    assert the_error(SPEC, {"n": 3}) == (
        1,
        1,
        "unknown constant `n` in --const — did you mean `N`?",
    )
    assert the_error(SPEC, {"Q": 3}) == (1, 1, "unknown constant `Q` in --const")


def test_override_must_have_the_declared_type() -> None:
    assert the_error(SPEC, {"N": True}) == (
        1,
        1,
        "--const N must be int like its declaration, got bool",
    )


def test_cyclic_constants_are_reported() -> None:
    found = errors("spec S\nconst A = B + 1\nconst B = A\n")
    assert found[0][2].startswith("constant `A` is defined in terms of itself")


def test_range_bounds_must_be_constant() -> None:
    text = "spec S\nvar y: int = 0\nvar x: 0..y = 0\n"
    assert the_error(text) == (3, 11, "constant expression expected: `y` is a variable")


def test_node_count_must_be_positive() -> None:
    text = "spec S\nconst N = 0\nnode P[N] { var x: bool = false }\n"
    assert the_error(text) == (3, 8, "node group `P` needs at least 1 node, got 0")
