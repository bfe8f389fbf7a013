"""Hand-built core Models that other tests can import, with TLC-known state counts.

`two_phase(n)` is Lamport's TwoPhase.tla (the transaction commit protocol) with n resource
managers, written directly in the core IR the way semantics would lower the DSL version in
.agents/LANGUAGE.md. TLC reaches 288 distinct states for 3 RMs and 1568 for 4.
"""

from __future__ import annotations

from verikit.core import ir
from verikit.core.model import Action, Model, Param, Property, Var
from verikit.core.types import (
    BOOL,
    EnumType,
    IntType,
    MapType,
    OptionType,
    RecordType,
    SetType,
    Type,
)

# ---------------------------------------------------------------- IR shorthands


def lit(value: object, t: Type) -> ir.Lit:
    return ir.Lit(value, t)


def binary(op: str, left: ir.Expr, right: ir.Expr, t: Type = BOOL) -> ir.Binary:
    return ir.Binary(op, left, right, t)


def eq(left: ir.Expr, right: ir.Expr) -> ir.Binary:
    return binary("eq", left, right)


def and_(*conjuncts: ir.Expr) -> ir.Expr:
    result = conjuncts[0]
    for c in conjuncts[1:]:
        result = binary("and", result, c)
    return result


def assign(
    root: ir.StateVar | ir.Local,
    value: ir.Expr,
    *path: ir.FieldStep | ir.IndexStep,
    target_type: Type | None = None,
) -> ir.Assign:
    """`root.path = value`; the target type defaults to the root's (right for an empty path)."""
    return ir.Assign(root, tuple(path), value, target_type or root.type)


def add_elem(s: ir.StateVar, elem: ir.Expr) -> ir.Assign:
    """`s = s + {elem}`."""
    return assign(s, binary("union", s, ir.SetLit((elem,), s.type), s.type))


# ---------------------------------------------------------------- TwoPhase


def two_phase(n: int) -> Model:
    """TwoPhase.tla with RM = 1..n; action order as in the spec's Next."""
    rm = IntType(1, n)
    rm_state_t = EnumType("RMState", ("Working", "Prepared", "Committed", "Aborted"))
    tm_state_t = EnumType("TMState", ("Init", "Committed", "Aborted"))
    kind_t = EnumType("Kind", ("Prepared", "Commit", "Abort"))
    msg_t = RecordType("Msg", (("kind", kind_t), ("rm", OptionType(rm))))

    rm_state = ir.StateVar(0, "rmState", MapType(rm, rm_state_t))
    tm_state = ir.StateVar(1, "tmState", tm_state_t)
    tm_prepared = ir.StateVar(2, "tmPrepared", SetType(rm))
    msgs = ir.StateVar(3, "msgs", SetType(msg_t))
    r = ir.Local("r", rm)
    all_rm = ir.Domain(rm, SetType(rm))

    def rm_is(who: ir.Expr, value: str) -> ir.Expr:
        return eq(ir.Index(rm_state, who, rm_state_t), lit(value, rm_state_t))

    def set_rm(value: str) -> ir.Assign:
        return assign(rm_state, lit(value, rm_state_t), ir.IndexStep(r), target_type=rm_state_t)

    def msg(kind: str, who: ir.Expr) -> ir.Expr:
        return ir.RecordLit((lit(kind, kind_t), who), msg_t)

    def sent(m: ir.Expr) -> ir.Expr:
        return binary("in", m, msgs)

    tm_init = eq(tm_state, lit("Init", tm_state_t))
    no_rm = lit(None, OptionType(rm))
    per_rm = (Param("r", rm, all_rm),)

    def action(name: str, guard: ir.Expr, *body: ir.Stmt, params: tuple[Param, ...] = ()) -> Action:
        return Action(name, "action", params, guard, body)

    actions = (
        action("TMRcvPrepared", and_(tm_init, sent(msg("Prepared", r))),
               add_elem(tm_prepared, r), params=per_rm),
        action("TMCommit", and_(tm_init, eq(tm_prepared, all_rm)),
               assign(tm_state, lit("Committed", tm_state_t)), add_elem(msgs, msg("Commit", no_rm))),
        action("TMAbort", tm_init,
               assign(tm_state, lit("Aborted", tm_state_t)), add_elem(msgs, msg("Abort", no_rm))),
        action("RMPrepare", rm_is(r, "Working"),
               set_rm("Prepared"), add_elem(msgs, msg("Prepared", r)), params=per_rm),
        action("RMChooseToAbort", rm_is(r, "Working"), set_rm("Aborted"), params=per_rm),
        action("RMRcvCommitMsg", sent(msg("Commit", no_rm)), set_rm("Committed"), params=per_rm),
        action("RMRcvAbortMsg", sent(msg("Abort", no_rm)), set_rm("Aborted"), params=per_rm),
    )  # fmt: skip

    r1, r2 = ir.Local("r1", rm), ir.Local("r2", rm)
    inconsistent = ir.Quant(
        "exists",
        "r1",
        all_rm,
        ir.Quant("exists", "r2", all_rm, and_(rm_is(r1, "Aborted"), rm_is(r2, "Committed")), BOOL),
        BOOL,
    )
    properties = (
        Property("invariant", "TCConsistent", ir.Unary("not", inconsistent, BOOL)),
        Property("reachable", "SomeoneCommits",
                 ir.Quant("exists", "r", all_rm, rm_is(r, "Committed"), BOOL)),
    )  # fmt: skip

    init = (
        assign(rm_state, ir.MapLit("r", all_rm, lit("Working", rm_state_t), rm_state.type)),
        assign(tm_state, lit("Init", tm_state_t)),
        assign(tm_prepared, ir.SetLit((), tm_prepared.type)),
        assign(msgs, ir.SetLit((), msgs.type)),
    )
    vars_ = tuple(Var(v.name, v.type) for v in (rm_state, tm_state, tm_prepared, msgs))
    return Model(
        name="TwoPhase",
        consts=(("RMs", n),),
        vars=vars_,
        init=init,
        actions=actions,
        properties=properties,
        deadlock=False,  # TLC checks TwoPhase without deadlock: every RM ends decided
    )
