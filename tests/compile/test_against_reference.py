"""Compiled code and the reference evaluator agree everywhere: over a whole reachable state
space, and on random expressions (value, or fault message)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle import reference
from verikit.compile import build
from verikit.core import ir
from verikit.core.model import Action, Model, Param, Var
from verikit.core.types import (
    BOOL,
    INT,
    MISSING,
    BagType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    default_value,
)
from verikit.errors import SpecFault

from .models import channels, evaluate, expr_model, two_phase


def test_channels_agree_with_the_reference_on_every_reachable_state() -> None:
    m = channels()
    compiled = build(m)
    init = compiled.init_states()
    assert init == reference.init_states(m)
    seen, todo = set(init), list(init)
    while todo:
        state = todo.pop()
        expected = reference.successors(m, state)
        got = [(s.action, s.params, s.state) for s in compiled.labelled_successors(state)]
        assert got == expected
        assert compiled.next_states(state) == [t for _, _, t in expected]
        for prop, predicate in compiled.properties:
            assert predicate(state) == reference.holds(prop, state)
        for t in compiled.next_states(state):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    assert len(seen) > 500


def test_two_phase_properties_agree_with_the_reference() -> None:
    m = two_phase(2)
    compiled = build(m)
    state = compiled.init_states()[0]
    for _ in range(6):
        for prop, predicate in compiled.properties:
            assert predicate(state) == reference.holds(prop, state)
        state = compiled.next_states(state)[-1]


# ---------------------------------------------------------------- random expressions

KEY = IntType(0, 2)
SET = SetType(INT)
SEQ = SeqType(INT)
MAP = MapType(KEY, INT)
OPT = OptionType(INT)
SLOTS = {INT: [1, 2], BOOL: [3], SET: [4], SEQ: [5], MAP: [6], OPT: [7]}
INPUTS = st.tuples(
    st.integers(-3, 3), st.integers(-3, 3), st.booleans(),
    st.frozensets(st.integers(-1, 3), max_size=3), st.lists(st.integers(-2, 2), max_size=3).map(tuple),
    st.tuples(*[st.one_of(st.just(MISSING), st.integers(-2, 2))] * 3), st.one_of(st.none(), st.integers(-2, 2)),
)  # fmt: skip
Locals = tuple[tuple[str, Any], ...]


def leaf(t: Any, bound: Locals) -> st.SearchStrategy[ir.Expr]:
    options: list[st.SearchStrategy[ir.Expr]] = [
        st.sampled_from([ir.StateVar(k, f"s{k}", t) for k in SLOTS[t]])
    ]
    options += [st.just(ir.Local(n, t)) for n, lt in bound if lt == t]
    if t == INT:
        options.append(st.integers(-3, 3).map(lambda v: ir.Lit(v, INT)))
    if t == BOOL:
        options.append(st.booleans().map(lambda v: ir.Lit(v, BOOL)))
    return st.one_of(options)


@st.composite
def expr(draw: st.DrawFn, t: Any, depth: int, bound: Locals = ()) -> ir.Expr:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(leaf(t, bound))
    sub = depth - 1
    fresh = f"v{len(bound)}"
    if t == INT:
        kind = draw(st.sampled_from(["arith", "neg", "cond", "map", "seq", "len", "minmax",
                                     "unwrap", "let"]))  # fmt: skip
        match kind:
            case "arith":
                op = draw(st.sampled_from(["add", "sub", "mul", "div", "mod"]))
                return ir.Binary(op, draw(expr(INT, sub, bound)), draw(expr(INT, sub, bound)), INT)
            case "neg":
                return ir.Unary("neg", draw(expr(INT, sub, bound)), INT)
            case "cond":
                return ir.Cond(draw(expr(BOOL, sub, bound)), draw(expr(INT, sub, bound)),
                               draw(expr(INT, sub, bound)), INT)  # fmt: skip
            case "map":
                return ir.Index(ir.StateVar(6, "m", MAP), draw(expr(INT, sub, bound)), INT)
            case "seq":
                return ir.Index(ir.StateVar(5, "q", SEQ), draw(expr(INT, sub, bound)), INT)
            case "len":
                return ir.Call("len", (draw(expr(SET, sub, bound)),), INT)
            case "minmax":
                name = draw(st.sampled_from(["min", "max"]))
                return ir.Call(name, (draw(expr(SET, sub, bound)),), INT)
            case "unwrap":
                return ir.Unwrap(ir.StateVar(7, "o", OPT), INT)
            case _:
                value = draw(expr(INT, sub, bound))
                return ir.Let(fresh, value, draw(expr(INT, sub, (*bound, (fresh, INT)))), INT)
    if t == BOOL:
        kind = draw(st.sampled_from(["logic", "not", "cmp", "in", "subset", "quant", "has"]))
        match kind:
            case "logic":
                op = draw(st.sampled_from(["and", "or", "implies", "eq"]))
                return ir.Binary(
                    op, draw(expr(BOOL, sub, bound)), draw(expr(BOOL, sub, bound)), BOOL
                )
            case "not":
                return ir.Unary("not", draw(expr(BOOL, sub, bound)), BOOL)
            case "cmp":
                op = draw(st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]))
                return ir.Binary(op, draw(expr(INT, sub, bound)), draw(expr(INT, sub, bound)), BOOL)
            case "in":
                return ir.Binary(
                    "in", draw(expr(INT, sub, bound)), draw(expr(SET, sub, bound)), BOOL
                )
            case "subset":
                return ir.Binary(
                    "subseteq", draw(expr(SET, sub, bound)), draw(expr(SET, sub, bound)), BOOL
                )
            case "has":
                return ir.Call("has", (ir.StateVar(6, "m", MAP), draw(expr(INT, sub, bound))), BOOL)
            case _:
                kind = draw(st.sampled_from(["forall", "exists"]))
                domain = draw(st.one_of(expr(SET, sub, bound),
                                        st.just(ir.Domain(KEY, SetType(KEY)))))  # fmt: skip
                body = draw(expr(BOOL, sub, (*bound, (fresh, INT))))
                return ir.Quant(kind, fresh, domain, body, BOOL)
    kind = draw(st.sampled_from(["setop", "lit", "comp", "range"]))
    match kind:
        case "setop":
            op = draw(st.sampled_from(["union", "diff", "inter"]))
            return ir.Binary(op, draw(expr(SET, sub, bound)), draw(expr(SET, sub, bound)), SET)
        case "lit":
            elems = draw(st.lists(expr(INT, sub, bound), max_size=2))
            return ir.SetLit(tuple(elems), SET)
        case "comp":
            domain = draw(expr(SET, sub, bound))
            inner = (*bound, (fresh, INT))
            return ir.SetComp(
                fresh, domain, draw(expr(INT, sub, inner)), draw(expr(BOOL, sub, inner)), SET
            )
        case _:
            lo, hi = draw(leaf(INT, bound)), draw(leaf(INT, bound))
            return ir.Call("range", (lo, hi), SET)


def outcome(run: Any) -> tuple[str, Any]:
    """("value", v) or ("fault", message); an internal error of compiled code is a bug."""
    try:
        return "value", run()
    except SpecFault as fault:
        assert not fault.message.startswith("internal error"), fault.message
        return "fault", fault.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t=st.sampled_from([INT, BOOL, SET]), data=st.data(), inputs=INPUTS)
def test_random_expressions_agree_with_the_reference(t: Any, data: st.DataObject,
                                                     inputs: tuple[Any, ...]) -> None:  # fmt: skip
    e = data.draw(expr(t, 4))
    types = [INT, INT, BOOL, SET, SEQ, MAP, OPT]
    state = (0 if t == INT else False if t == BOOL else frozenset(), *inputs)
    expected = outcome(lambda: reference.eval_expr(e, state, {}))
    got = outcome(lambda: evaluate(e, *zip(types, inputs, strict=True)))
    assert got == expected, build(expr_model(e, *types)).source


# ---------------------------------------------------------------- random statement blocks

TYPES = [INT, INT, INT, BOOL, SET, SEQ, MAP, OPT]  # slot 0 is a spare int


@st.composite
def block(draw: st.DrawFn, depth: int, bound: Locals, forks: bool) -> tuple[ir.Stmt, ...]:
    """A statement block; `forks` False inside a ForEach (no Choose, no Require there)."""
    stmts: list[ir.Stmt] = []
    for _ in range(draw(st.integers(1, 3))):
        stmt, bound = draw(statement(depth, bound, forks))
        stmts.append(stmt)
    return tuple(stmts)


@st.composite
def statement(draw: st.DrawFn, depth: int, bound: Locals, forks: bool) -> tuple[ir.Stmt, Locals]:
    kinds = ["slot", "map", "seq", "let"] + (["local", "shadow"] if bound else [])
    if depth > 0:
        kinds += ["if", "foreach"] + (["choose", "require"] if forks else [])
    kind = draw(st.sampled_from(kinds))
    value = expr(INT, 2, bound)
    fresh = f"w{len(bound)}"
    sub = depth - 1
    match kind:
        case "slot":
            k = draw(st.sampled_from([0, 1, 2]))
            return ir.Assign(ir.StateVar(k, f"s{k}", INT), (), draw(value), INT), bound
        case "map":
            key = ir.IndexStep(draw(expr(INT, 1, bound)))
            return ir.Assign(ir.StateVar(6, "m", MAP), (key,), draw(value), INT), bound
        case "seq":
            at = ir.IndexStep(draw(expr(INT, 1, bound)))
            return ir.Assign(ir.StateVar(5, "q", SEQ), (at,), draw(value), INT), bound
        case "let":
            return ir.LetStmt(fresh, draw(value)), (*bound, (fresh, INT))
        case "local":
            name = draw(st.sampled_from([n for n, _ in bound]))
            return ir.Assign(ir.Local(name, INT), (), draw(value), INT), bound
        case "shadow":  # a let hiding a visible local until its block ends
            name = draw(st.sampled_from([n for n, _ in bound]))
            return ir.LetStmt(name, draw(value)), bound
        case "if":
            return ir.If(draw(expr(BOOL, 1, bound)), draw(block(sub, bound, forks)),
                         draw(block(sub, bound, forks))), bound  # fmt: skip
        case "require":
            return ir.Require(draw(expr(BOOL, 1, bound))), bound
        case _:
            domain = draw(st.one_of(expr(SET, 1, bound), st.just(ir.Domain(KEY, SetType(KEY)))))
            inner = (*bound, (fresh, INT))
            if kind == "choose":
                return ir.Choose(fresh, domain, draw(block(sub, inner, forks))), bound
            return ir.ForEach(fresh, domain, draw(block(sub, inner, False))), bound


def verdict(run: Any) -> tuple[str, Any]:
    """Like `outcome`, but any fault is just "fault": when several forks fault, which one is
    met first is not specified (compiled code runs each fork to its end, depth first; the
    reference runs a Choose's body for every value before the statements after it)."""
    kind, value = outcome(run)
    return (kind, value if kind == "value" else None)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), inputs=INPUTS)
def test_random_blocks_agree_with_the_reference(
    data: st.DataObject, inputs: tuple[Any, ...]
) -> None:
    body = data.draw(block(3, (), True))
    m = Model("Random", (), tuple(Var(f"s{k}", t) for k, t in enumerate(TYPES)), (),
              (Action("act", "action", (), ir.Lit(True, BOOL), body),), ())  # fmt: skip
    state = (0, *inputs)
    expected = verdict(lambda: [t for _, _, t in reference.successors(m, state)])
    compiled = build(m)
    assert verdict(lambda: compiled.next_states(state)) == expected, compiled.source
    labelled = verdict(lambda: [s.state for s in compiled.labelled_successors(state)])
    assert labelled == expected


# ---------------------------------------------------------------- stores checked at any depth

R2 = RecordType("R", (("a", KEY), ("b", BOOL)))
MSG2 = MessageType((RecordType("Ping", ()), RecordType("Vote", (("n", KEY),))))
NESTED: dict[str, tuple[Type, Any]] = {  # a slot type, and how to build a value of it from x
    "field": (R2, lambda x: ir.RecordLit((x, ir.Lit(True, BOOL)), R2)),
    "element": (SetType(KEY), lambda x: ir.SetLit((ir.Lit(0, KEY), x), SetType(KEY))),
    "position": (SeqType(KEY, 2), lambda x: ir.SeqLit((x,), SeqType(KEY, 2))),
    "option": (OptionType(KEY), lambda x: x),
    "entry": (MapType(BOOL, KEY), lambda x: ir.MapLit("k", ir.Domain(BOOL, SetType(BOOL)), x,
                                                     MapType(BOOL, KEY))),
    "message": (BagType(MSG2), lambda x: ir.Call(
        "bag_add", (ir.StateVar(1, "t", BagType(MSG2)), ir.MessageLit("Vote", (x,), MSG2)),
        BagType(MSG2))),
}  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(where=st.sampled_from(sorted(NESTED)), n=st.integers(-3, 5), via=st.sampled_from(
    ["slot", "param", "let", "sum"]))  # fmt: skip
def test_stores_at_any_depth_agree_with_the_reference(where: str, n: int, via: str) -> None:
    """An int stored inside a record, set, sequence, option, map or message faults exactly
    when it leaves its 0..2 range, with the reference's words, however it got there."""
    t, build_value = NESTED[where]
    sources: dict[str, ir.Expr] = {
        "slot": ir.StateVar(0, "x", INT),
        "param": ir.Local("p", INT),
        "let": ir.Local("y", INT),
        "sum": ir.Binary("add", ir.StateVar(0, "x", INT), ir.Lit(0, INT), INT),
    }
    x = sources[via]
    target = ir.StateVar(1, "t", t)
    body: tuple[ir.Stmt, ...] = (ir.Assign(target, (), build_value(x), t),)
    if via == "let":
        body = (ir.LetStmt("y", ir.StateVar(0, "x", INT)), *body)
    params = (Param("p", INT, ir.SetLit((ir.StateVar(0, "x", INT),), SetType(INT))),)
    act = Action("act", "action", params if via == "param" else (), ir.Lit(True, BOOL), body)
    m = Model("Nested", (), (Var("x", INT), Var("t", t)), (), (act,), ())
    state = (n, default_value(t))
    expected = outcome(lambda: [s for _, _, s in reference.successors(m, state)])
    compiled = build(m)
    assert outcome(lambda: compiled.next_states(state)) == expected, compiled.source
    assert expected[0] == ("value" if 0 <= n <= 2 else "fault")
