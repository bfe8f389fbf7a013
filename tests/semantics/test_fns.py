"""Helper fns are inlined: pure ones as `Let`s, procedures as statements, with their own
locals renamed so that they never capture a caller's name."""

from __future__ import annotations

from tests.semantics.helpers import NODE_STYLE, action, errors, explore, model_of, violated
from verikit.core import ir


def test_a_pure_fn_becomes_lets_around_its_expression() -> None:
    text = (
        "spec S\nvar x: int = 0\nfn add(a: int, b: int) -> int = a + b\n"
        "constraint x < 3\naction a { x = add(x, 1) }\n"
    )
    value = action(model_of(text), "a").body[0].value  # type: ignore[union-attr]
    assert isinstance(value, ir.Let) and isinstance(value.body, ir.Let)
    a, b = value.var, value.body.var
    assert a.startswith("a#") and b.startswith("b#")
    assert value.value == ir.StateVar(0, "x", value.value.type)
    assert value.body.body == ir.Binary(
        "add", ir.Local(a, value.body.body.type), ir.Local(b, value.body.body.type),
        value.body.body.type,
    )  # fmt: skip


def test_a_procedure_fn_becomes_its_statements_after_binding_its_parameters() -> None:
    body = action(model_of(NODE_STYLE), "Coordinator.give_up").body
    assert isinstance(body[0], ir.LetStmt) and body[0].var.startswith("d#")
    assert isinstance(body[0].value, ir.Lit) and body[0].value.value == "Abort"
    assert [type(s) for s in body[1:]] == [ir.Assign, ir.Assign, ir.ForEach, ir.Require]


def test_fn_locals_never_capture_the_callers_names() -> None:
    text = (
        "spec S\nvar x: 0..9 = 0\nvar done: bool = false\n"
        "fn clobber(t: 0..9) { let u = t; x = u }\n"
        "action a when not done { let t = 1; let u = 2; clobber(7); x = t + u; done = true }\n"
        "invariant Three: not done or x == 3\nterminal when done\n"
    )
    assert violated(model_of(text)) == set()


def test_a_fn_may_choose_and_its_choices_become_successors() -> None:
    text = (
        "spec S\nvar x: 0..3 = 0\nfn draw() { choose v in 1..3 { x = v } }\n"
        "action a when x == 0 { draw() }\nterminal when x > 0\n"
    )
    assert explore(model_of(text)).distinct == 4


def test_a_nodes_fn_sees_the_nodes_variables_and_self() -> None:
    text = (
        "spec S\nnode P[2] { var me: 0..3 = 0\n fn mark() { me = 1 }\n"
        " fn mine(n: P) -> bool = n == self\n action a when mine(self) { mark() } }\n"
    )
    a = action(model_of(text), "P.a")
    assert isinstance(a.body[0], ir.Assign) and a.body[0].path[0] == ir.IndexStep(
        ir.Local("self", a.params[0].type)
    )


def test_a_top_level_fn_does_not_see_node_variables() -> None:
    text = "spec S\nfn f() -> bool = flag\nnode P { var flag: bool = false\n action a when f() { skip } }\n"
    assert errors(text) == [(2, 18, "unknown variable `flag`")]


def test_uncalled_fns_are_checked_too() -> None:
    text = "spec S\nfn f(a: int) -> bool = a\n"
    assert errors(text) == [(2, 24, "`a` is int, expected bool (result of `f`)")]


def test_a_fn_that_calls_itself_is_rejected() -> None:
    text = "spec S\nfn f(a: int) -> int = f(a)\n"
    assert errors(text) == [
        (2, 23, "recursive fn `f` (f → f): fns are inlined and cannot call themselves")
    ]


def test_mutual_recursion_is_reported_at_the_call_that_closes_the_cycle() -> None:
    text = "spec S\nfn f(a: int) -> int = g(a)\nfn g(a: int) -> int = f(a)\n"
    assert errors(text) == [
        (3, 23, "recursive fn `f` (f → g → f): fns are inlined and cannot call themselves")
    ]


def test_a_long_cycle_of_fns_is_an_error_not_a_crash() -> None:
    """Lowering along a cycle of 300 fns recursed as deep as the cycle is long (exit 4)."""
    count = 300
    decls = "".join(f"fn f{i}(a: int) -> int = f{(i + 1) % count}(a)\n" for i in range(count))
    text = "spec S\nvar x: int = 0\n" + decls + "action step when x < 3 { x = f0(x) }\n"
    message = "recursive fn `f0` (f0 → f1 → f2 → … → f298 → f299 → f0): fns are inlined and "
    assert errors(text) == [(2 + count, 26, message + "cannot call themselves")]
