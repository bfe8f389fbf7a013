"""An int without a range that grows along a path is named (engine/growth.py), and one that
stays small, or has a range, is not."""

from __future__ import annotations

from tests.engine.agreement import load
from verikit.engine.growth import growing_ints

SPEC = """spec Grow
var n: int = 0
var wobble: int = 0
var bounded: 0..3 = 0
node P[2] { var c: int = 0
  action tick { c = c + 2 } }
action inc { n = n - 1 }
action shake { wobble = if wobble == 0 then 1 else 0 }
action up when bounded < 3 { bounded = bounded + 1 }
"""


def test_the_ints_that_grow_along_a_path_are_named_with_their_ends() -> None:
    found = {g.var.name: (g.first, g.last, g.steps) for g in growing_ints(load(SPEC).compiled)}
    assert found == {"n": (0, 48, 48), "P.c": (0, 96, 48)}


def test_a_model_without_unbounded_ints_needs_no_walk() -> None:
    assert growing_ints(load("spec B\nvar x: 0..3 = 0\naction a { x = 3 - x }\n").compiled) == ()


def test_a_walk_that_ends_early_names_nothing() -> None:
    text = "spec D\nvar n: int = 0\naction a when n < 2 { n = n + 1 }\n"
    assert growing_ints(load(text).compiled) == ()


def test_a_constraint_bounds_the_walk_as_it_bounds_the_search() -> None:
    text = "spec C\nvar n: int = 0\naction up { n = n + 1 }\nconstraint n <= 2\n"
    assert growing_ints(load(text).compiled) == ()
