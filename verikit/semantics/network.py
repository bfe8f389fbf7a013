"""The network semantics, defined once: `network { … }` settings → state slots and actions.

In flight messages are envelopes `(src, dst, msg)`. With `reorder: true` they live in a bag
(slot "network": any may be delivered next); otherwise in one FIFO queue per (src, dst)
channel (slot "network": map from Channel to seq of messages; only a queue's head may be
delivered). Every fault is an action of its own, so a trace shows each one as a step:

* loss       — "network.drop" removes one in-flight message (FIFO: any position of a queue)
* duplicate  — "network.duplicate" adds one more copy (FIFO: right after the original);
               blocked at max_in_flight; at most max_duplicates times in a run
* crash      — "crash" (node up, fewer than max_crashes so far): the node is down and every
               non-durable variable is back at its initial value; "restart" brings it up.
               Down nodes neither act nor receive; messages to them stay in flight.
* partition  — "partition" splits the nodes into a side S (holding the lowest node id, so each
               split is made once) and the rest, at most max_partitions times; "heal" ends it.
               Messages are delivered only between nodes on the same side.
* max_in_flight — a send that would exceed it blocks the step (a `require` after the send);
               a broadcast wider than it is an error (to a group) or a fault (to a set)
* max_per_link — the same bound per FIFO channel (src, dst)
* when_full: lose — a send past a bound completes the step and loses its message instead
* crash: [G, …], max_crashes: [G: k, …] — only those groups crash, each within its budget
* drop_on_crash — a crash loses every message in flight to or from the node; a send to a
               down node is lost
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from verikit.core import ir
from verikit.core.model import Action, NetworkInfo, Param, Var
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
    RecordType,
    SeqType,
    SetType,
    Type,
)
from verikit.errors import NO_SPAN, Span
from verikit.semantics.consts import Consts
from verikit.semantics.diagnostics import Diagnostics, did_you_mean
from verikit.semantics.exprs import conj
from verikit.syntax import ast

FLAGS = ("reorder", "loss", "duplicate", "crash", "partition", "drop_on_crash")
BOUNDS = ("max_in_flight", "max_crashes", "max_partitions", "max_per_link", "max_duplicates")
CHOICES = {"when_full": ("block", "lose")}  # settings whose value is one of a few words
PER_GROUP = ("max_crashes",)  # bounds that may also be given per node group: `[G: k, …]`


@dataclass(frozen=True)
class NetSettings:
    reorder: bool = False
    loss: bool = False
    duplicate: bool = False
    crash: bool = False
    partition: bool = False
    max_in_flight: int | None = None
    max_crashes: int = 1
    max_partitions: int = 1
    crash_groups: tuple[str, ...] | None = None  # `crash: [G, …]`: only these groups crash
    group_crashes: tuple[tuple[str, int], ...] = ()  # `max_crashes: [G: k, …]`, per group
    drop_on_crash: bool = False  # a crash loses every message in flight to or from the node
    max_per_link: int | None = None  # at most this many in flight on each (src, dst) channel
    when_full: str = "block"  # a send past a bound: "block" the step, or "lose" the message
    max_duplicates: int | None = None  # at most this many `network.duplicate` steps in a run

    def crashes(self, group: str) -> bool:
        """Nodes of `group` may crash."""
        return self.crash and (self.crash_groups is None or group in self.crash_groups)


def read_settings(
    decl: ast.NetworkDecl | None,
    consts: Consts,
    diags: Diagnostics,
    groups: Sequence[str] = (),
) -> NetSettings:
    """The settings of a `network { … }` declaration (all defaults when there is none);
    `groups` are the spec's node group names, in declaration order."""
    values: dict[str, object] = {}
    spans: dict[str, Span] = {}
    for setting in decl.settings if decl is not None else ():
        name = setting.name
        if name not in FLAGS and name not in BOUNDS and name not in CHOICES:
            hint = did_you_mean(name, (*FLAGS, *BOUNDS, *CHOICES))
            diags.error(setting.span, f"unknown network setting `{name}`{hint}")
            continue
        if name in spans:
            diags.error(setting.span, f"network setting `{name}` is given twice")
        spans[name] = setting.span
        if name == "crash" and _names_groups(setting.value, groups):
            values["crash_groups"] = _crash_groups(setting.value, groups, diags)
            values["crash"] = True
            continue
        if name in CHOICES:
            word = _choice(setting, diags)
            if word is not None:
                values[name] = word
            continue
        if isinstance(setting.value, ast.GroupBounds):
            bounds = _group_bounds(setting, consts, diags, groups)
            if bounds is not None:
                values["group_crashes"] = bounds
            continue
        value = _setting_value(setting, setting.value, consts, diags)
        if value is not None:
            values[name] = value
    for bound, flag in (
        ("max_crashes", "crash"),
        ("max_partitions", "partition"),
        ("drop_on_crash", "crash"),
        ("max_duplicates", "duplicate"),
    ):
        if bound in spans and not values.get(flag, False):
            diags.error(spans[bound], f"`{bound}` has no effect without `{flag}: true`")
    settings = NetSettings(**values)  # type: ignore[arg-type]
    _check_group_crashes(settings, spans, groups, diags)
    if settings.max_per_link is not None and settings.reorder:
        diags.error(
            spans["max_per_link"],
            "`max_per_link` bounds FIFO channels: it needs `reorder: false` (a reordering "
            "network is one bag of messages; bound it with `max_in_flight`)",
        )
    if "when_full" in spans and settings.max_in_flight is None and settings.max_per_link is None:
        diags.error(
            spans["when_full"],
            "`when_full` has no effect without `max_in_flight` or `max_per_link`",
        )
    return settings


def _choice(setting: ast.Setting, diags: Diagnostics) -> str | None:
    """`when_full: lose`: one of the setting's words."""
    words = CHOICES[setting.name]
    value = setting.value
    if isinstance(value, ast.Name) and value.id in words:
        return value.id
    listed = " or ".join(f"`{w}`" for w in words)
    diags.error(value.span, f"network setting `{setting.name}` expects {listed}")
    return None


def _names_groups(value: ast.Expr | ast.GroupBounds, groups: Sequence[str]) -> bool:
    """`crash: [A, B]` or `crash: A` names node groups (rather than giving true or false)."""
    match value:
        case ast.SeqExpr():
            return True
        case ast.Name(id=name):
            return name in groups
    return False


def _crash_groups(
    value: ast.Expr | ast.GroupBounds, groups: Sequence[str], diags: Diagnostics
) -> tuple[str, ...]:
    items = value.elems if isinstance(value, ast.SeqExpr) else (value,)
    named: list[str] = []
    for item in items:
        if not isinstance(item, ast.Name) or item.id not in groups:
            what = f"`{item.id}`" if isinstance(item, ast.Name) else "this"
            hint = did_you_mean(item.id, groups) if isinstance(item, ast.Name) else ""
            diags.error(
                item.span,
                f"`crash: [...]` lists node groups, and {what} is not one{hint}",
            )
        elif item.id in named:
            diags.error(item.span, f"node group `{item.id}` is listed twice")
        else:
            named.append(item.id)
    if not items:
        diags.error(value.span, "`crash: []` lets no node crash: list a node group, or omit it")
    return tuple(named)


def _group_bounds(
    setting: ast.Setting, consts: Consts, diags: Diagnostics, groups: Sequence[str]
) -> tuple[tuple[str, int], ...] | None:
    """`max_crashes: [G: k, …]`: a bound per node group."""
    assert isinstance(setting.value, ast.GroupBounds)
    if setting.name not in PER_GROUP:
        diags.error(
            setting.value.span,
            f"network setting `{setting.name}` takes one value, not a list of `Name: value`",
        )
        return None
    out: list[tuple[str, int]] = []
    for item in setting.value.items:
        if item.name not in groups:
            hint = did_you_mean(item.name, groups)
            diags.error(item.span, f"`{item.name}` is not a node group{hint}")
            continue
        if item.name in (g for g, _ in out):
            diags.error(item.span, f"node group `{item.name}` is given twice")
            continue
        value = _setting_value(setting, item.value, consts, diags)
        # a wrong value has been reported: the group keeps 1 meanwhile, so it counts as named
        out.append((item.name, value if isinstance(value, int) else 1))
    return tuple(out)


def _check_group_crashes(
    settings: NetSettings, spans: dict[str, Span], groups: Sequence[str], diags: Diagnostics
) -> None:
    """Per-group crash bounds name exactly the groups that may crash."""
    if not settings.group_crashes or not settings.crash:
        return
    bounded = {g for g, _ in settings.group_crashes}
    for group in bounded:
        if not settings.crashes(group):
            diags.error(
                spans["max_crashes"],
                f"`max_crashes` bounds `{group}`, but `crash` does not let its nodes crash",
            )
    missing = [g for g in groups if settings.crashes(g) and g not in bounded]
    if missing:
        names = ", ".join(f"`{g}`" for g in missing)
        diags.error(
            spans["max_crashes"],
            f"`max_crashes` gives no bound for {names}: name every group that may crash",
        )


def _setting_value(
    setting: ast.Setting, expr: ast.Expr, consts: Consts, diags: Diagnostics
) -> bool | int | None:
    value = consts.evaluate(expr)
    if value is None:
        return None
    if setting.name in FLAGS:
        if isinstance(value, bool):
            return value
        if setting.name == "crash":
            diags.error(expr.span, "network setting `crash` expects true, false or [Group, …]")
            return None
        diags.error(expr.span, f"network setting `{setting.name}` expects true or false")
        return None
    least = 1 if setting.name in ("max_in_flight", "max_per_link") else 0
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        diags.error(expr.span, f"network setting `{setting.name}` expects an int >= {least}")
        return None
    return value


@dataclass(frozen=True)
class Delivery:
    """How a handler receives: its network parameter, the checks that a message is deliverable
    to `self`, the message and its sender, and the statement removing it from flight."""

    param: Param
    checks: tuple[ir.Expr, ...]
    message: ir.Expr
    sender: ir.Expr
    remove: ir.Stmt


class Network:
    """The lowered network for one spec: slots, sends, deliveries and fault actions."""

    def __init__(
        self,
        settings: NetSettings,
        groups: tuple[NodeGroup, ...],
        messages: MessageType,
        first: int,
        span: Span = NO_SPAN,
    ) -> None:
        self.settings = settings
        self.span = span  # of the `network` declaration: where fault actions come from
        self.groups = groups
        self.any_node = NodeType(groups)
        self.messages = messages
        self.names = EnumType("MessageName", tuple(v.name for v in messages.variants))
        node = self.any_node
        self.envelope = RecordType("Envelope", (("src", node), ("dst", node), ("msg", messages)))
        self.channel = RecordType("Channel", (("src", node), ("dst", node)))
        self.queue = SeqType(messages)
        net_type: Type = (
            BagType(self.envelope) if settings.reorder else MapType(self.channel, self.queue)
        )
        slots: list[tuple[str, Type]] = [("network", net_type)]
        self.crashing = tuple(g for g in groups if settings.crashes(g.name))
        if settings.crash:
            slots += [("up", MapType(node, BOOL)), *self._crash_counters()]
        if settings.duplicate and settings.max_duplicates is not None:
            slots.append(("duplicates", IntType(0, settings.max_duplicates)))
        if settings.partition:
            slots += [
                ("partition", SetType(node)),
                ("partitions", IntType(0, settings.max_partitions)),
            ]
        self.vars = [Var(name, t, role=name.split(".")[0]) for name, t in slots]
        self.slot = {name: ir.StateVar(first + i, name, t) for i, (name, t) in enumerate(slots)}
        self.net = self.slot["network"]
        self._bound_cond = (
            None
            if settings.max_in_flight is None
            else ir.Binary("le", self.in_flight(), ir.Lit(settings.max_in_flight, INT), BOOL)
        )
        self._checks: set[ir.Expr] = set()  # conditions of the Requires sends leave behind

    def _crash_counters(self) -> list[tuple[str, Type]]:
        """One counter of crashes so far, or one per group under `max_crashes: [G: k, …]`."""
        per_group = dict(self.settings.group_crashes)
        if not per_group:
            return [("crashes", IntType(0, self.settings.max_crashes))]
        # a group without a valid bound has been reported; it keeps the default meanwhile
        default = self.settings.max_crashes
        return [
            (f"crashes.{g.name}", IntType(0, per_group.get(g.name, default))) for g in self.crashing
        ]

    def info(self) -> NetworkInfo:
        s = self.settings
        return NetworkInfo(
            self.net.index,
            s.reorder,
            s.loss,
            s.duplicate,
            s.crash,
            s.partition,
            self.most_in_flight(),
            s.max_per_link,
            span=self.span,
        )

    def most_in_flight(self) -> int | None:
        """The most messages ever in flight: max_in_flight, or max_per_link on every channel."""
        s = self.settings
        links = None if s.max_per_link is None else s.max_per_link * self._channels()
        bounds = [b for b in (s.max_in_flight, links) if b is not None]
        return min(bounds) if bounds else None

    def _channels(self) -> int:
        nodes = sum(g.count for g in self.groups)
        return nodes * nodes

    def init(self) -> list[ir.Stmt]:
        """Nothing in flight, every node up, no partition."""
        out: list[ir.Stmt] = []
        if self.settings.reorder:
            out.append(_set(self.net, ir.Lit(frozenset(), self.net.type)))
        else:
            empty = ir.SeqLit((), self.queue)
            out.append(
                _set(self.net, ir.MapLit("#c", self._all(self.channel), empty, self.net.type))
            )
        if self.settings.crash:
            up = self.slot["up"]
            out.append(
                _set(up, ir.MapLit("#n", self._all(self.any_node), ir.Lit(True, BOOL), up.type))
            )
            out += [_set(self.slot[name], ir.Lit(0, INT)) for name, _ in self._crash_counters()]
        if "duplicates" in self.slot:
            out.append(_set(self.slot["duplicates"], ir.Lit(0, INT)))
        if self.settings.partition:
            out.append(_set(self.slot["partition"], self._no_partition()))
            out.append(_set(self.slot["partitions"], ir.Lit(0, INT)))
        return out

    # ------------------------------------------------------------ sending

    def in_flight(self) -> ir.Expr:
        name = "len" if self.settings.reorder else "total_len"
        return ir.Call(name, (self.net,), INT)

    def add(self, src: ir.Expr, dst: ir.Expr, msg: ir.Expr, span: Span) -> ir.Stmt:
        """Put one message in flight (under `drop_on_crash`, only when its receiver is up:
        a down node has no connection to send on)."""
        put = self._put(src, dst, msg, span)
        if not self.settings.drop_on_crash or not self.may_crash(dst):
            return put
        return ir.If(self.is_up(dst), (put,), (), span)

    def _put(self, src: ir.Expr, dst: ir.Expr, msg: ir.Expr, span: Span) -> ir.Stmt:
        if self.settings.reorder:
            envelope = ir.RecordLit((src, dst, msg), self.envelope, span)
            return _set(
                self.net, ir.Call("bag_add", (self.net, envelope), self.net.type, span), span
            )
        channel = ir.RecordLit((src, dst), self.channel, span)
        queue = ir.Index(self.net, channel, self.queue, span)
        grown = ir.Call("append", (queue, msg), self.queue, span)
        return ir.Assign(self.net, (ir.IndexStep(channel),), grown, self.queue, span)

    def send(self, src: ir.Expr, dst: ir.Expr, msg: ir.Expr, span: Span) -> list[ir.Stmt]:
        """`send msg to dst`: into a full channel it blocks the step (a `require` after it),
        or under `when_full: lose` the step goes on without the message."""
        if self.settings.when_full == "lose":
            return [self._if_room(src, dst, self.add(src, dst, msg, span), span)]
        checks = [self._link_fits(src, dst)] if self.settings.max_per_link is not None else []
        return [self.add(src, dst, msg, span), *self._required(checks, span)]

    def broadcast(
        self, src: ir.Expr, targets: ir.Expr, elem: Type, msg: ir.Expr, span: Span
    ) -> list[ir.Stmt]:
        """`broadcast msg to targets` (the sender already left out): one send per target, as
        one step; a full channel blocks it, or loses that one message under `lose`."""
        dst = ir.Local("#dst", elem, span)
        if self.settings.when_full == "lose":
            one = self._if_room(src, dst, self.add(src, dst, msg, span), span)
            return [ir.ForEach("#dst", targets, (one,), span)]
        checks: list[ir.Expr] = []
        if self.settings.max_per_link is not None:
            fits = self._link_fits(src, dst)
            checks.append(ir.Quant("forall", "#dst", targets, fits, BOOL, span))
        loop = ir.ForEach("#dst", targets, (self.add(src, dst, msg, span),), span)
        return [*self._not_too_wide(targets, span), loop, *self._required(checks, span)]

    def _not_too_wide(self, targets: ir.Expr, span: Span) -> list[ir.Stmt]:
        """A broadcast to more nodes than max_in_flight could never happen: a fault naming
        the bound, not a silent block that shows up as a deadlock. (Not under
        `drop_on_crash`, where sends to down nodes are lost and need no room.)"""
        limit = self.settings.max_in_flight
        if limit is None or (self.settings.drop_on_crash and self.settings.crash):
            return []
        if isinstance(targets, ir.Binary) and isinstance(targets.left, ir.Domain):
            return []  # a whole group: its width was checked when the spec loaded
        width = ir.Call("len", (targets,), INT)
        fits = ir.Binary("le", width, ir.Lit(limit, INT), BOOL)
        return [ir.Assert(fits, self.too_wide(None), span)]

    def too_wide(self, width: int | None) -> str:
        """What is wrong with a broadcast to `width` nodes (None: not known statically)."""
        limit = self.settings.max_in_flight
        sends = "more messages" if width is None else f"{width} messages, more"
        return (
            f"this broadcast sends {sends} than `max_in_flight: {limit}` lets be in flight, "
            "so its step can never happen; raise max_in_flight, or use `when_full: lose`"
        )

    def static_width(self, targets: ir.Expr, me: ir.Expr) -> int | None:
        """How many nodes a broadcast to `targets` (a group, or `all G`) reaches, the sender
        left out, when that is known before the search and more than max_in_flight allows."""
        limit = self.settings.max_in_flight
        if limit is None or self.settings.when_full == "lose" or not isinstance(targets, ir.Domain):
            return None
        if self.settings.drop_on_crash and self.settings.crash:
            return None
        if not isinstance(targets.of, NodeType):
            return None
        groups = targets.of.groups
        width = sum(g.count for g in groups)
        mine = me.type.groups if isinstance(me.type, NodeType) else ()
        if len(mine) == 1 and mine[0] in groups:
            width -= 1
        return width if width > limit else None

    def bound(self, span: Span) -> list[ir.Stmt]:
        """The check after a loop whose sends' own checks moved out of it: every channel
        within max_per_link, and at most max_in_flight in flight."""
        checks: list[ir.Expr] = []
        if self.settings.max_per_link is not None:
            c = ir.Local("#c", self.channel)
            fits = ir.Binary("le", self._queue_len(c), self._per_link(), BOOL)
            checks.append(ir.Quant("forall", "#c", self._all(self.channel), fits, BOOL, span))
        return self._required(checks, span)

    def _required(self, checks: list[ir.Expr], span: Span) -> list[ir.Stmt]:
        if self._bound_cond is not None:
            checks = [*checks, self._bound_cond]
        self._checks.update(checks)
        return [ir.Require(c, span) for c in checks]

    def is_bound(self, stmt: ir.Stmt) -> bool:
        return isinstance(stmt, ir.Require) and stmt.cond in self._checks

    def _per_link(self) -> ir.Expr:
        assert self.settings.max_per_link is not None
        return ir.Lit(self.settings.max_per_link, INT)

    def _queue_len(self, channel: ir.Expr) -> ir.Expr:
        return ir.Call("len", (ir.Index(self.net, channel, self.queue),), INT)

    def _link(self, src: ir.Expr, dst: ir.Expr) -> ir.Expr:
        return ir.RecordLit((src, dst), self.channel)

    def _link_fits(self, src: ir.Expr, dst: ir.Expr) -> ir.Expr:
        """The channel src → dst holds at most max_per_link messages (checked after a send)."""
        return ir.Binary("le", self._queue_len(self._link(src, dst)), self._per_link(), BOOL)

    def _if_room(self, src: ir.Expr, dst: ir.Expr, put: ir.Stmt, span: Span) -> ir.Stmt:
        """`put` only if the message fits; else it is lost (`when_full: lose`)."""
        room = ir.Unary("not", self.full(src, dst), BOOL)
        return ir.If(room, (put,), (), span)

    def full(self, src: ir.Expr, dst: ir.Expr, span: Span = NO_SPAN) -> ir.Expr:
        """A send from src to dst would not fit now: its channel holds max_per_link messages,
        or max_in_flight are in flight (`full(a, b)`; false without bounds)."""
        parts: list[ir.Expr] = []
        if self.settings.max_per_link is not None:
            queued = self._queue_len(self._link(src, dst))
            parts.append(ir.Binary("ge", queued, self._per_link(), BOOL, span))
        if self.settings.max_in_flight is not None:
            limit = ir.Lit(self.settings.max_in_flight, INT)
            parts.append(ir.Binary("ge", self.in_flight(), limit, BOOL, span))
        if not parts:
            return ir.Lit(False, BOOL, span)
        out = parts[0]
        for part in parts[1:]:
            out = ir.Binary("or", out, part, BOOL, span)
        return out

    def empty(self, src: ir.Expr, dst: ir.Expr, span: Span = NO_SPAN) -> ir.Expr:
        """No message is in flight from src to dst (`empty(a, b)`)."""
        if not self.settings.reorder:
            return _eq(self._queue_len(self._link(src, dst)), ir.Lit(0, INT))
        e = ir.Local("#e", self.envelope)
        e_src, e_dst = self._ends(e)
        on_link = ir.Binary("and", _eq(e_src, src), _eq(e_dst, dst), BOOL)
        some = ir.Quant("exists", "#e", self._items(), on_link, BOOL)
        return ir.Unary("not", some, BOOL, span)

    def strip_bounds(self, stmts: tuple[ir.Stmt, ...]) -> tuple[tuple[ir.Stmt, ...], bool]:
        """`stmts` without the in-flight checks (nested ones too), and whether there were any."""
        out: list[ir.Stmt] = []
        found = False
        for s in stmts:
            match s:
                case ir.Require() if self.is_bound(s):
                    found = True
                    continue
                case ir.If(then=then, else_=else_):
                    (then, a), (else_, b) = self.strip_bounds(then), self.strip_bounds(else_)
                    s, found = ir.If(s.cond, then, else_, s.span), found or a or b
                case ir.ForEach(body=body) | ir.Choose(body=body):
                    body, a = self.strip_bounds(body)
                    s, found = type(s)(s.var, s.domain, body, s.span), found or a
            out.append(s)
        return tuple(out), found

    def holds(self, msg: ir.Expr, ends: tuple[ir.Expr, ir.Expr] | None, span: Span) -> ir.Expr:
        """A copy of `msg` is in flight from `ends[0]` to `ends[1]`, or between any two nodes
        when `ends` is None (`in_flight` in a property)."""
        in_set = SetType(self.messages)
        if ends is not None and self.settings.reorder:
            entry = ir.RecordLit((*ends, msg), self.envelope, span)
            return ir.Binary("in", entry, self._items(), BOOL, span)
        if ends is not None:
            queue = ir.Index(self.net, ir.RecordLit(ends, self.channel, span), self.queue, span)
            return ir.Binary("in", msg, ir.Call("to_set", (queue,), in_set), BOOL, span)
        if self.settings.reorder:
            envelope = ir.Local("#e", self.envelope)
            carried = _eq(ir.Field(envelope, 2, "msg", self.messages), msg)
            return ir.Quant("exists", "#e", self._items(), carried, BOOL, span)
        queue = ir.Index(self.net, ir.Local("#c", self.channel), self.queue)
        queued = ir.Binary("in", msg, ir.Call("to_set", (queue,), in_set), BOOL, span)
        return ir.Quant("exists", "#c", self._all(self.channel), queued, BOOL, span)

    # ------------------------------------------------------------ receiving

    def delivery(self, me: ir.Expr, message: str) -> Delivery:
        """Delivery of a `message` to node `me`, which must be up and on the sender's side."""
        if self.settings.reorder:
            envelope = ir.Local("envelope", self.envelope)
            param = Param("envelope", self.envelope, self._items())
            msg: ir.Expr = ir.Field(envelope, 2, "msg", self.messages)
            src, dst = self._ends(envelope)
            remove = _set(self.net, ir.Call("bag_remove", (self.net, envelope), self.net.type))
        else:
            channel = ir.Local("channel", self.channel)
            param = Param("channel", self.channel, self._busy_channels())
            queue = ir.Index(self.net, channel, self.queue)
            msg = ir.Call("head", (queue,), self.messages)
            src, dst = self._ends(channel)
            remove = ir.Assign(
                self.net,
                (ir.IndexStep(channel),),
                ir.Call("tail", (queue,), self.queue),
                self.queue,
            )
        name = ir.Call("msg_name", (msg,), self.names)
        checks = [_eq(dst, me), _eq(name, ir.Lit(message, self.names))]
        if self.may_crash(me):
            checks.append(self.is_up(me))
        if self.settings.partition:
            checks.append(self._same_side(src, dst))
        return Delivery(param, tuple(checks), msg, src, remove)

    def may_crash(self, node: ir.Expr) -> bool:
        """`node` (an id of its type's groups) may be down: up-checks matter for it."""
        groups = node.type.groups if isinstance(node.type, NodeType) else self.groups
        return any(self.settings.crashes(g.name) for g in groups)

    def is_up(self, node: ir.Expr) -> ir.Expr:
        return ir.Index(self.slot["up"], node, BOOL)

    def _ends(self, entry: ir.Expr) -> tuple[ir.Expr, ir.Expr]:
        return ir.Field(entry, 0, "src", self.any_node), ir.Field(entry, 1, "dst", self.any_node)

    def _items(self) -> ir.Expr:
        return ir.Call("bag_items", (self.net,), SetType(self.envelope))

    def _busy_channels(self) -> ir.Expr:
        """The channels with at least one message queued."""
        c = ir.Local("#c", self.channel)
        size = ir.Call("len", (ir.Index(self.net, c, self.queue),), INT)
        busy = ir.Binary("gt", size, ir.Lit(0, INT), BOOL)
        return ir.SetComp("#c", self._all(self.channel), c, busy, SetType(self.channel))

    def _same_side(self, a: ir.Expr, b: ir.Expr) -> ir.Expr:
        side = self.slot["partition"]
        return _eq(ir.Binary("in", a, side, BOOL), ir.Binary("in", b, side, BOOL))

    # ------------------------------------------------------------ faults

    def fault_actions(self, reset: Callable[[ir.Local], list[ir.Stmt]]) -> list[Action]:
        """The fault actions the settings enable; `reset` gives the statements that put a
        crashed node's non-durable variables back to their initial values."""
        s = self.settings
        actions: list[Action] = []
        if s.loss:
            actions.append(self._drop())
        if s.duplicate:
            actions.append(self._duplicate())
        if s.crash:
            actions += self._crash_restart(reset)
        if s.partition:
            actions += self._partition_heal()
        return actions

    def _room(self) -> ir.Expr | None:
        limit = self.settings.max_in_flight
        return (
            None if limit is None else ir.Binary("lt", self.in_flight(), ir.Lit(limit, INT), BOOL)
        )

    def _link_room(self) -> ir.Expr | None:
        """A duplicate needs room on its channel too (FIFO: the `channel` parameter)."""
        if self.settings.max_per_link is None or self.settings.reorder:
            return None
        channel = ir.Local("channel", self.channel)
        return ir.Binary("lt", self._queue_len(channel), self._per_link(), BOOL)

    def _drop(self) -> Action:
        if self.settings.reorder:
            envelope = ir.Local("envelope", self.envelope)
            body = _set(self.net, ir.Call("bag_remove", (self.net, envelope), self.net.type))
            param = Param("envelope", self.envelope, self._items())
            return Action(
                "network.drop",
                "drop",
                (param,),
                ir.Lit(True, BOOL),
                (body,),
                self.span,
                message_param="envelope",
            )
        channel, position, queue, params = self._position_params()
        shorter = ir.Call("remove_at", (queue, position), self.queue)
        body = ir.Assign(self.net, (ir.IndexStep(channel),), shorter, self.queue)
        return Action(
            "network.drop",
            "drop",
            params,
            ir.Lit(True, BOOL),
            (body,),
            self.span,
            message_param="channel",
        )

    def _duplicate_budget(self) -> tuple[ir.Expr | None, tuple[ir.Stmt, ...]]:
        """Under `max_duplicates: k`: whether a duplicate is left, and the statement counting
        this one."""
        if "duplicates" not in self.slot:
            return None, ()
        slot, limit = self.slot["duplicates"], self.settings.max_duplicates
        assert limit is not None
        fewer = ir.Binary("lt", slot, ir.Lit(limit, INT), BOOL)
        return fewer, (_set(slot, ir.Binary("add", slot, ir.Lit(1, INT), INT)),)

    def _duplicate(self) -> Action:
        budget, count = self._duplicate_budget()
        guard = conj(self._room(), self._link_room(), budget)
        if self.settings.reorder:
            envelope = ir.Local("envelope", self.envelope)
            body = _set(self.net, ir.Call("bag_add", (self.net, envelope), self.net.type))
            param = Param("envelope", self.envelope, self._items())
            return Action(
                "network.duplicate",
                "duplicate",
                (param,),
                guard,
                (body, *count),
                self.span,
                message_param="envelope",
            )
        channel, position, queue, params = self._position_params()
        after = ir.Binary("add", position, ir.Lit(1, INT), INT)
        copy = ir.Index(queue, position, self.messages)
        longer = ir.Call("insert_at", (queue, after, copy), self.queue)
        body = ir.Assign(self.net, (ir.IndexStep(channel),), longer, self.queue)
        return Action(
            "network.duplicate",
            "duplicate",
            params,
            guard,
            (body, *count),
            self.span,
            message_param="channel",
        )

    def _position_params(self) -> tuple[ir.Local, ir.Local, ir.Expr, tuple[Param, ...]]:
        """FIFO faults pick a busy channel and a position in its queue (1-based)."""
        channel = ir.Local("channel", self.channel)
        position = ir.Local("position", INT)
        queue = ir.Index(self.net, channel, self.queue)
        positions = ir.Call("range", (ir.Lit(1, INT), ir.Call("len", (queue,), INT)), SetType(INT))
        params = (
            Param("channel", self.channel, self._busy_channels()),
            Param("position", INT, positions),
        )
        return channel, position, queue, params

    def _crash_restart(self, reset: Callable[[ir.Local], list[ir.Stmt]]) -> list[Action]:
        """`crash` takes an up node of a group that may crash down (within its group's or the
        spec's crash budget); `restart` brings a down node back up."""
        kind = NodeType(self.crashing)
        node = ir.Local("node", kind)
        param = (Param("node", kind, self._all(kind)),)
        up = self.slot["up"]
        budget, count = self._crash_budget(node)
        crash_body = (
            ir.Assign(up, (ir.IndexStep(node),), ir.Lit(False, BOOL), BOOL),
            *count,
            *self._close_connections(node),
            *reset(node),
        )
        restart_body = (ir.Assign(up, (ir.IndexStep(node),), ir.Lit(True, BOOL), BOOL),)
        down = ir.Unary("not", self.is_up(node), BOOL)
        return [
            Action(
                "crash",
                "crash",
                param,
                conj(self.is_up(node), budget),
                crash_body,
                self.span,
                "node",
            ),
            Action("restart", "restart", param, down, restart_body, self.span, "node"),
        ]

    def _crash_budget(self, node: ir.Local) -> tuple[ir.Expr, list[ir.Stmt]]:
        """Whether `node` may crash now, and the statements counting its crash."""
        per_group = dict(self.settings.group_crashes)
        if not per_group:
            slot = self.slot["crashes"]
            fewer = ir.Binary("lt", slot, ir.Lit(self.settings.max_crashes, INT), BOOL)
            return fewer, [_set(slot, ir.Binary("add", slot, ir.Lit(1, INT), INT))]
        cases: list[ir.Expr] = []
        count: tuple[ir.Stmt, ...] = ()
        for g in reversed(self.crashing):
            slot = self.slot[f"crashes.{g.name}"]
            limit = per_group.get(g.name, self.settings.max_crashes)
            fewer = ir.Binary("lt", slot, ir.Lit(limit, INT), BOOL)
            member = ir.Binary("in", node, self._all(NodeType((g,))), BOOL)
            cases.append(conj(member, fewer))
            more = _set(slot, ir.Binary("add", slot, ir.Lit(1, INT), INT))
            count = (ir.If(member, (more,), count),)
        budget: ir.Expr = cases[0] if cases else ir.Lit(False, BOOL)
        for case in cases[1:]:
            budget = ir.Binary("or", case, budget, BOOL)
        return budget, list(count)

    def _close_connections(self, node: ir.Local) -> list[ir.Stmt]:
        """Under `drop_on_crash`: every message in flight to or from the crashing node is lost
        (its connections close, as TCP's do)."""
        if not self.settings.drop_on_crash:
            return []
        if not self.settings.reorder:
            c = ir.Local("#c", self.channel)
            src, dst = self._ends(c)
            touches = ir.Binary("or", _eq(src, node), _eq(dst, node), BOOL)
            kept = ir.Index(self.net, c, self.queue)
            empty = ir.SeqLit((), self.queue)
            queues = ir.Cond(touches, empty, kept, self.queue)
            return [_set(self.net, ir.MapLit("#c", self._all(self.channel), queues, self.net.type))]
        e = ir.Local("#e", self.envelope)
        src, dst = self._ends(e)
        touches = ir.Binary("or", _eq(src, node), _eq(dst, node), BOOL)
        lost = ir.SetComp("#e", self._items(), e, touches, SetType(self.envelope))
        copies = ir.Call(
            "range", (ir.Lit(1, INT), ir.Call("bag_count", (self.net, e), INT)), SetType(INT)
        )
        remove = _set(self.net, ir.Call("bag_remove", (self.net, e), self.net.type))
        return [ir.ForEach("#e", lost, (ir.ForEach("#k", copies, (remove,)),))]

    def _partition_heal(self) -> list[Action]:
        nodes = SetType(self.any_node)
        side, current = ir.Local("S", nodes), self.slot["partition"]
        lowest = ir.Lit(self.groups[0].first, self.any_node)
        guard = conj(
            _eq(current, self._no_partition()),
            ir.Binary(
                "lt", self.slot["partitions"], ir.Lit(self.settings.max_partitions, INT), BOOL
            ),
            ir.Binary("in", lowest, side, BOOL),
            ir.Binary("ne", side, self._all(self.any_node), BOOL),
        )
        count = ir.Binary("add", self.slot["partitions"], ir.Lit(1, INT), INT)
        split = (_set(current, side), _set(self.slot["partitions"], count))
        param = Param("S", nodes, self._all(nodes))
        healed = ir.Binary("ne", current, self._no_partition(), BOOL)
        return [
            Action("partition", "partition", (param,), guard, split, self.span),
            Action("heal", "heal", (), healed, (_set(current, self._no_partition()),), self.span),
        ]

    def _no_partition(self) -> ir.Expr:
        return ir.SetLit((), SetType(self.any_node))

    @staticmethod
    def _all(t: Type) -> ir.Expr:
        return ir.Domain(t, SetType(t))


def _set(slot: ir.StateVar, value: ir.Expr, span: Span | None = None) -> ir.Stmt:
    if span is None:
        return ir.Assign(slot, (), value, slot.type)
    return ir.Assign(slot, (), value, slot.type, span)


def _eq(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    return ir.Binary("eq", a, b, BOOL)
