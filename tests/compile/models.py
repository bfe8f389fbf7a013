"""Hand-built core Models for the compiler's tests, and a few IR shorthands.

* `two_phase(n)`: Lamport's TwoPhase.tla with n resource managers (TLC: 288 states for 3,
  1568 for 4, 8832 for 5);
* `channels()`: two nodes exchanging numbered messages over a lossy, duplicating bag network,
  with per-node records updated through nested paths, options, a bounded log and a choose;
* `expr_model(expr, *inputs)`: one action assigning `expr` to slot 0, reading inputs from the
  other slots — the way the tests evaluate a single expression through compiled code.
"""

from __future__ import annotations

from verikit.core import ir
from verikit.core.model import Action, Model, Param, Property, Var
from verikit.core.types import (
    BOOL,
    INT,
    BagType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
)
from verikit.errors import Span

# ---------------------------------------------------------------- IR shorthands


def lit(value: object, t: Type = INT) -> ir.Lit:
    return ir.Lit(value, t)


TRUE, FALSE = lit(True, BOOL), lit(False, BOOL)


def bop(op: str, left: ir.Expr, right: ir.Expr, t: Type = BOOL) -> ir.Binary:
    return ir.Binary(op, left, right, t)


def eq(left: ir.Expr, right: ir.Expr) -> ir.Binary:
    return bop("eq", left, right)


def and_(*conjuncts: ir.Expr) -> ir.Expr:
    out = conjuncts[0]
    for c in conjuncts[1:]:
        out = bop("and", out, c)
    return out


def call(name: str, t: Type, *args: ir.Expr, span: Span | None = None) -> ir.Call:
    return ir.Call(name, args, t) if span is None else ir.Call(name, args, t, span)


def assign(root: ir.StateVar | ir.Local, value: ir.Expr, *path: ir.FieldStep | ir.IndexStep,
           target: Type | None = None, span: Span | None = None) -> ir.Assign:  # fmt: skip
    """`root.path = value`; the target type defaults to the root's (right for an empty path)."""
    t = target or root.type
    if span is None:
        return ir.Assign(root, tuple(path), value, t)
    return ir.Assign(root, tuple(path), value, t, span)


def action(name: str, guard: ir.Expr, *body: ir.Stmt, params: tuple[Param, ...] = (),
           span: Span | None = None) -> Action:  # fmt: skip
    if span is None:
        return Action(name, "action", params, guard, body)
    return Action(name, "action", params, guard, body, span)


def model(slots: list[tuple[str, Type]], init: tuple[ir.Stmt, ...] = (),
          actions: tuple[Action, ...] = (), properties: tuple[Property, ...] = ()) -> Model:  # fmt: skip
    vars_ = tuple(Var(name, t) for name, t in slots)
    return Model("Test", (), vars_, init, actions, properties)


def sv(index: int, t: Type, name: str = "") -> ir.StateVar:
    return ir.StateVar(index, name or f"v{index}", t)


def expr_model(expr: ir.Expr, *inputs: Type) -> Model:
    """Slot 0 receives `expr` (of any type); slots 1.. hold inputs read as StateVar(1..)."""
    out = sv(0, expr.type, "out")
    slots = [("out", expr.type), *((f"in{i + 1}", t) for i, t in enumerate(inputs))]
    return model(slots, actions=(action("eval", TRUE, assign(out, expr)),))


# ---------------------------------------------------------------- TwoPhase


def two_phase(n: int) -> Model:
    """TwoPhase.tla with RM = 1..n, actions in the order of the spec's Next."""
    rm = IntType(1, n)
    rm_state_t = EnumType("RMState", ("Working", "Prepared", "Committed", "Aborted"))
    tm_state_t = EnumType("TMState", ("Init", "Committed", "Aborted"))
    kind_t = EnumType("Kind", ("Prepared", "Commit", "Abort"))
    msg_t = RecordType("Msg", (("kind", kind_t), ("rm", OptionType(rm))))

    rm_state = sv(0, MapType(rm, rm_state_t), "rmState")
    tm_state = sv(1, tm_state_t, "tmState")
    tm_prepared = sv(2, SetType(rm), "tmPrepared")
    msgs = sv(3, SetType(msg_t), "msgs")
    r = ir.Local("r", rm)
    all_rm = ir.Domain(rm, SetType(rm))

    def rm_is(who: ir.Expr, value: str) -> ir.Expr:
        return eq(ir.Index(rm_state, who, rm_state_t), lit(value, rm_state_t))

    def set_rm(value: str) -> ir.Assign:
        return assign(rm_state, lit(value, rm_state_t), ir.IndexStep(r), target=rm_state_t)

    def msg(kind: str, who: ir.Expr) -> ir.Expr:
        return ir.RecordLit((lit(kind, kind_t), who), msg_t)

    def send(m: ir.Expr) -> ir.Assign:
        return assign(msgs, bop("union", msgs, ir.SetLit((m,), msgs.type), msgs.type))

    tm_init = eq(tm_state, lit("Init", tm_state_t))
    no_rm = lit(None, OptionType(rm))
    per_rm = (Param("r", rm, all_rm),)
    actions = (
        action("TMRcvPrepared", and_(tm_init, bop("in", msg("Prepared", r), msgs)),
               assign(tm_prepared, bop("union", tm_prepared, ir.SetLit((r,), tm_prepared.type),
                                       tm_prepared.type)), params=per_rm),
        action("TMCommit", and_(tm_init, eq(tm_prepared, all_rm)),
               assign(tm_state, lit("Committed", tm_state_t)), send(msg("Commit", no_rm))),
        action("TMAbort", tm_init,
               assign(tm_state, lit("Aborted", tm_state_t)), send(msg("Abort", no_rm))),
        action("RMPrepare", rm_is(r, "Working"),
               set_rm("Prepared"), send(msg("Prepared", r)), params=per_rm),
        action("RMChooseToAbort", rm_is(r, "Working"), set_rm("Aborted"), params=per_rm),
        action("RMRcvCommitMsg", bop("in", msg("Commit", no_rm), msgs), set_rm("Committed"),
               params=per_rm),
        action("RMRcvAbortMsg", bop("in", msg("Abort", no_rm), msgs), set_rm("Aborted"),
               params=per_rm),
    )  # fmt: skip
    r1, r2 = ir.Local("r1", rm), ir.Local("r2", rm)
    both = and_(rm_is(r1, "Aborted"), rm_is(r2, "Committed"))
    inconsistent = ir.Quant("exists", "r1", all_rm, ir.Quant("exists", "r2", all_rm, both, BOOL),
                            BOOL)  # fmt: skip
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
    slots = [(v.name, v.type) for v in (rm_state, tm_state, tm_prepared, msgs)]
    return Model("TwoPhase", (("RMs", n),), tuple(Var(n_, t) for n_, t in slots), init, actions,
                 properties, deadlock=False)  # fmt: skip


# ---------------------------------------------------------------- channels


NODES = NodeGroup("Node", 0, 2)
NODE = NodeType((NODES,))
COUNT = IntType(0, 3)
PING = RecordType("Ping", (("seq", COUNT),))
ACK = RecordType("Ack", (("seq", COUNT), ("ok", BOOL)))
MESSAGE = MessageType((PING, ACK))
ENTRY = RecordType("", (("src", NODE), ("dst", NODE), ("msg", MESSAGE)))
PEER = RecordType("Peer", (("sent", COUNT), ("last", OptionType(NODE)), ("log", SeqType(COUNT, 2))))


LOG = SeqType(COUNT, 2)


def channels(capacity: int = 2) -> Model:
    """Nodes 0 and 1 ping each other over a bag network that may lose and duplicate, holding
    fewer than `capacity` messages."""
    peers = sv(0, MapType(NODE, PEER), "peers")
    net = sv(1, BagType(ENTRY), "net")
    n, e, k, m = (
        ir.Local("n", NODE),
        ir.Local("e", ENTRY),
        ir.Local("k", COUNT),
        ir.Local("m", MESSAGE),
    )
    all_nodes = ir.Domain(NODE, SetType(NODE))
    in_flight = call("bag_items", SetType(ENTRY), net)
    room = bop("lt", call("len", INT, net), lit(capacity))
    sent = ir.Field(ir.Index(peers, n, PEER), 0, "sent", COUNT)
    dst, src = ir.Field(e, 1, "dst", NODE), ir.Field(e, 0, "src", NODE)
    log = ir.Field(ir.Index(peers, dst, PEER), 2, "log", LOG)
    seq = ir.Field(m, 0, "seq", COUNT)
    over_e = (Param("e", ENTRY, in_flight),)

    def put(entry: ir.Expr) -> ir.Assign:
        return assign(net, call("bag_add", net.type, net, entry))

    ping = action(
        "Ping", and_(bop("lt", sent, lit(2)), room),
        ir.Choose("k", call("range", SetType(COUNT), sent, bop("add", sent, lit(1))), (
            assign(peers, k, ir.IndexStep(n), ir.FieldStep(0), target=COUNT),
            put(ir.RecordLit((n, bop("sub", lit(1), n, NODE),
                              ir.MessageLit("Ping", (k,), MESSAGE)), ENTRY)),
        )),
        params=(Param("n", NODE, all_nodes),),
    )  # fmt: skip
    deliver = action(
        "Deliver", TRUE,
        assign(net, call("bag_remove", net.type, net, e)),
        ir.LetStmt("m", ir.Field(e, 2, "msg", MESSAGE)),
        ir.If(eq(seq, lit(0)), (
            assign(peers, src, ir.IndexStep(dst), ir.FieldStep(1), target=OptionType(NODE)),
        ), ()),
        ir.Require(bop("lt", call("len", INT, log), lit(2))),
        assign(peers, call("append", LOG, log, seq), ir.IndexStep(dst), ir.FieldStep(2), target=LOG),
        params=over_e,
    )  # fmt: skip
    drop = action("Drop", TRUE, assign(net, call("bag_remove", net.type, net, e)), params=over_e)
    dup = action("Duplicate", and_(bop("lt", call("bag_count", INT, net, e), lit(2)), room),
                 put(e), params=over_e)  # fmt: skip
    last = ir.Field(ir.Index(peers, n, PEER), 1, "last", OptionType(NODE))
    heard = ir.Quant("forall", "n", all_nodes, bop(
        "implies", bop("ne", last, lit(None, OptionType(NODE))),
        eq(ir.Unwrap(last, NODE), bop("sub", lit(1), n, NODE))), BOOL)  # fmt: skip
    logged = ir.Quant(
        "forall",
        "n",
        all_nodes,
        bop("ge", call("len", INT, ir.Field(ir.Index(peers, n, PEER), 2, "log", LOG)), lit(1)),
        BOOL,
    )
    init = (assign(peers, ir.MapLit("n", all_nodes, lit((0, None, ()), PEER), peers.type)),)
    return Model(
        "Channels", (), (Var("peers", peers.type), Var("net", net.type)), init,
        (ping, deliver, drop, dup),
        (Property("invariant", "HeardFromTheOther", heard),
         Property("reachable", "BothLogged", logged)),
        nodes=(NODES,),
    )  # fmt: skip


# ---------------------------------------------------------------- evaluating through compiled code


def evaluate(expr: ir.Expr, *inputs: tuple[Type, object]) -> object:
    """The value compiled code computes for `expr`, with input slot i+1 holding inputs[i]."""
    from verikit.compile import build
    from verikit.core.types import default_value

    compiled = build(expr_model(expr, *(t for t, _ in inputs)))
    state = (default_value(expr.type), *(v for _, v in inputs))
    [successor] = compiled.next_states(state)
    return successor[0]
