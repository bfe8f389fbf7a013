"""Pass 2 for statements: assignments with precise target types, control flow, `send` and
`broadcast` (lowered by the network), and calls of procedure fns (inlined)."""

from __future__ import annotations

from verikit.core import ir
from verikit.core.types import (
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    is_tuple,
    tuple_type,
)
from verikit.semantics.diagnostics import did_you_mean
from verikit.semantics.exprs import ExprChecker
from verikit.semantics.narrowing import assigned_roots, forget
from verikit.semantics.show import show
from verikit.semantics.types import ERROR, has_error, type_str
from verikit.syntax import ast
from verikit.syntax.printer import format_expr

Target = tuple[ir.StateVar | ir.Local, tuple[ir.FieldStep | ir.IndexStep, ...], Type]

_BINDERS = {
    "param": "a parameter",
    "choose": "bound by `choose`",
    "for": "a `for` variable",
    "bound": "a bound variable",
    "message": "the received message",
    "sender": "the sender of the message",
}


def _assertion(s: ast.AssertStmt) -> str:
    """The fault message of a failed `assert`: its label (if any) and its condition."""
    name = "assertion" if s.label is None else f"assertion {s.label}"
    return f"{name} failed: {format_expr(s.cond)}"


class StmtChecker(ExprChecker):
    """Checks and lowers statement blocks in one context."""

    def block(self, stmts: tuple[ast.Stmt, ...]) -> tuple[ir.Stmt, ...]:
        """A block; `let` binds its name for the rest of it."""
        out: list[ir.Stmt] = []
        checker = self
        for s in stmts:
            if isinstance(s, ast.LetStmt):
                value = checker.check(s.value)
                name, checker = checker.bind(s.name, value.type, "let", s.span)
                out.append(ir.LetStmt(name, value, s.span))
                continue
            if isinstance(s, ast.LetTupleStmt):
                checker = checker.let_tuple(s, out)
                continue
            out.extend(checker.stmt(s))
            narrowed = forget(checker.ctx.narrowed, assigned_roots(s))
            if narrowed != checker.ctx.narrowed:
                checker = checker.with_(narrowed=narrowed)
            if isinstance(s, ast.RequireStmt):
                checker = checker.narrow(s.cond)
        return tuple(out)

    def stmt(self, s: ast.Stmt) -> list[ir.Stmt]:
        match s:
            case ast.AssignStmt():
                return self._assign(s)
            case ast.IfStmt(cond=cond, then=then, else_=else_):
                test = self.condition(cond, " (condition of `if`)")
                yes, no = self.narrow(cond).block(then), self.narrow(cond, False).block(else_)
                return [ir.If(test, yes, no, s.span)]
            case ast.ChooseStmt(var=var, domain=domain, body=body):
                self._not_in_for(s, "choose")
                values, elem = self.elements(domain)
                name, inner = self.bind(var, elem, "choose", s.span)
                return [ir.Choose(name, values, inner.block(body), s.span)]
            case ast.ForStmt(var=var, domain=domain, body=body):
                values, elem = self.elements(domain)
                name, inner = self.bind(var, elem, "for", s.span)
                lowered = inner.with_(in_for=True).block(body)
                return self.for_each(name, values, lowered, s)
            case ast.RequireStmt(cond=cond):
                self._not_in_for(s, "require")
                return [ir.Require(self.condition(cond, " after `require`"), s.span)]
            case ast.AssertStmt(cond=cond):
                return [ir.Assert(self.condition(cond, " after `assert`"), _assertion(s), s.span)]
            case ast.SendStmt() | ast.BroadcastStmt():
                return self._send(s)
            case ast.CallStmt():
                assert self.env.fns is not None
                return self.env.fns.call_stmt(self, s)
            case ast.SkipStmt():
                return []
            case ast.LetStmt() | ast.LetTupleStmt():
                return list(self.block((s,)))
        raise TypeError(s)

    def let_tuple(self, s: ast.LetTupleStmt, out: list[ir.Stmt]) -> StmtChecker:
        """`let (a, b) = e`: e once into a hidden local, then a `let` per position; returns
        the checker that sees the names."""
        value = self.plain(self.check(s.value))
        t = value.type
        n = len(s.names)
        if not (isinstance(t, RecordType) and is_tuple(t) and len(t.fields) == n):
            if not has_error(t):
                self.error(s.value.span, f"{show(s.value)} is {type_str(t)}, expected a tuple of {n}")
            t = tuple_type((ERROR,) * n)
        hidden, checker = self.bind("#tuple", t, "bound", s.span)
        out.append(ir.LetStmt(hidden, value, s.span))
        whole = ir.Local(hidden, t, s.span)
        for i, (name, (_, ft)) in enumerate(zip(s.names, t.fields, strict=True)):
            part = ir.Field(whole, i, str(i + 1), ft, s.span)
            ir_name, checker = checker.bind(name, ft, "let", s.span)
            out.append(ir.LetStmt(ir_name, part, s.span))
        return checker

    def _not_in_for(self, s: ast.Stmt, word: str) -> None:
        if self.ctx.in_for:
            self.error(s.span, f"`{word}` is not allowed inside `for` (a `for` is deterministic)")

    def for_each(
        self, var: str, domain: ir.Expr, body: tuple[ir.Stmt, ...], s: ast.Stmt
    ) -> list[ir.Stmt]:
        """A ForEach; the network's in-flight bound checks of sends inside it move after it
        (sends only add messages, so checking once at the end is the same)."""
        network = self.env.network
        if network is None:
            return [ir.ForEach(var, domain, body, s.span)]
        body, found = network.strip_bounds(body)
        loop: list[ir.Stmt] = [ir.ForEach(var, domain, body, s.span)]
        return loop + (network.bound(s.span) if found else [])

    # ------------------------------------------------------------ assignment

    def _assign(self, s: ast.AssignStmt) -> list[ir.Stmt]:
        target = self.target(s.target)
        if target is None:
            self.check(s.value)
            return []
        root, path, t = target
        value = self.expect(s.value, t, f" for {show(s.target)}")
        self.check_range(value, t, s.value, show(s.target))
        return [ir.Assign(root, path, value, t, s.span)]

    def check_range(self, value: ir.Expr, t: Type, e: ast.Expr, what: str) -> None:
        """A literal int assigned to a bounded int must lie in its range (found statically)."""
        if isinstance(value, ir.Lit) and isinstance(t, IntType) and isinstance(value.value, int):
            lo, hi, v = t.lo, t.hi, value.value
            if lo is not None and hi is not None and not lo <= v <= hi:
                self.error(e.span, f"{v} is outside {t}, the range of {what}")

    def target(self, e: ast.Expr) -> Target | None:
        """The assigned location: a root slot or local, the path into it, and its type."""
        match e:
            case ast.Name():
                return self._name_target(e)
            case ast.FieldAccess(base=base, name=name):
                group = self.group_named(base)
                if group is not None:
                    if group.count == 1:
                        node_id = ir.Lit(group.first, NodeType((group,)), base.span)
                        return self._node_target(group.name, name, node_id, e)
                    self.error(
                        e.span,
                        f"`{group.name}` has {group.count} nodes; name one: `{group.name}[1].{name}`",
                    )
                    return None
                probe = self.check(base)
                if isinstance(probe.type, OptionType) and isinstance(probe.type.inner, NodeType):
                    probe = self.plain(probe)  # through an optional node id (`none` faults)
                if isinstance(probe.type, NodeType):
                    if len(probe.type.groups) == 1:
                        return self._node_target(probe.type.groups[0].name, name, probe, e)
                    self.error(
                        e.span, f"{show(base)} may be a node of several groups; `.{name}` needs one"
                    )
                    return None
                inner = self.target(base)
                return None if inner is None else self._field_target(inner, e)
            case ast.IndexExpr(base=base, index=index):
                inner = self.target(base)
                return None if inner is None else self._index_target(inner, index, e)
        self.error(
            e.span, f"cannot assign to {show(e)}; expected a variable, a field or an element"
        )
        return None

    def _name_target(self, e: ast.Name) -> Target | None:
        name, env, node = e.id, self.env, self.ctx.node
        if name in self.ctx.scope:
            b = self.ctx.scope[name]
            if b.kind == "let":
                return ir.Local(b.ir_name, b.type, e.span), (), b.type
            self.error(
                e.span, f"cannot assign to `{name}`: it is {_BINDERS.get(b.kind, 'bound here')}"
            )
            return None
        if node is not None and name in node.scope.vars:
            return self._node_target(node.name, name, self.self_expr(e.span), e)
        if name in env.decls.vars:
            slot = env.slots[name]
            return slot, (), slot.type
        if name == "self" or name in env.decls.consts:
            self.error(e.span, f"cannot assign to {'constant ' if name != 'self' else ''}`{name}`")
        else:
            names = [*self.ctx.scope, *env.decls.vars, *(node.scope.vars if node else ())]
            self.error(e.span, f"unknown variable `{name}`{did_you_mean(name, names)}")
        return None

    def _node_target(self, group: str, var: str, node_id: ir.Expr, e: ast.Expr) -> Target | None:
        scope = self.env.nodes[group].scope
        if var not in scope.vars:
            hint = did_you_mean(var, scope.vars)
            self.error(e.span, f"node {group} has no variable `{var}`{hint}")
            return None
        slot = self.env.slots[f"{group}.{var}"]
        assert isinstance(slot.type, MapType)
        return slot, (ir.IndexStep(node_id),), slot.type.value

    def _field_target(self, inner: Target, e: ast.FieldAccess) -> Target | None:
        root, path, t = inner
        record: RecordType | None = None
        if isinstance(t, RecordType):
            record = t
        elif isinstance(t, MessageType) and len(t.variants) == 1:
            record = t.variants[0]
        if record is None:
            if not has_error(t):
                why = (
                    " (an optional value; assign the whole value)"
                    if isinstance(t, OptionType)
                    else ""
                )
                self.error(e.span, f"{show(e.base)} is {type_str(t)}, which has no fields{why}")
            return None
        names = [n for n, _ in record.fields]
        if e.name not in names:
            self.error(
                e.span, f"unknown field `{e.name}` of {type_str(t)}{did_you_mean(e.name, names)}"
            )
            return None
        index = record.field_index(e.name)
        return root, (*path, ir.FieldStep(index)), record.fields[index][1]

    def _index_target(self, inner: Target, index: ast.Expr, e: ast.IndexExpr) -> Target | None:
        root, path, t = inner
        match t:
            case RecordType(fields=fields) if is_tuple(t):
                at = self.tuple_position(t, index)
                return None if at is None else (root, (*path, ir.FieldStep(at)), fields[at][1])
            case MapType(key=key, value=value):
                return root, (*path, ir.IndexStep(self.expect(index, key, " as a key"))), value
            case SeqType(elem=elem):
                return root, (*path, ir.IndexStep(self.integer(index, " as a position"))), elem
        if not has_error(t):
            self.error(
                e.span, f"{show(e.base)} is {type_str(t)}; only maps and sequences can be indexed"
            )
        return None

    # ------------------------------------------------------------ messages

    def _send(self, s: ast.SendStmt | ast.BroadcastStmt) -> list[ir.Stmt]:
        word = "send" if isinstance(s, ast.SendStmt) else "broadcast"
        network, node = self.env.network, self.ctx.node
        message = self.message(s.message)
        if node is None or network is None:
            self.error(s.span, f"`{word}` is only allowed inside a node (a message needs a sender)")
            return []
        me = node.self_local()
        if isinstance(s, ast.SendStmt):
            dst = self.check(s.to, network.any_node)
            if isinstance(dst.type, OptionType) and isinstance(dst.type.inner, NodeType):
                dst = self.plain(dst)  # an optional node id is unwrapped (`none` faults)
            if not isinstance(dst.type, NodeType) and not has_error(dst.type):
                self.error(
                    s.to.span, f"`send … to` needs a node id: {show(s.to)} is {type_str(dst.type)}"
                )
            return network.send(me, dst, message, s.span)
        targets, elem = self.elements(s.to)
        if not isinstance(elem, NodeType):
            if not has_error(elem):
                self.error(
                    s.to.span,
                    f"`broadcast … to` needs a node group or a set of node ids: {show(s.to)} has elements of {type_str(elem)}",
                )
            elem = network.any_node
        width = network.static_width(targets, me)
        if width is not None:
            self.error(s.span, network.too_wide(width))
        others = ir.Binary("diff", targets, ir.SetLit((me,), SetType(elem)), SetType(elem), s.span)
        return network.broadcast(me, others, elem, message, s.span)

    def message(self, e: ast.RecordExpr) -> ir.Expr:
        """The message of a `send`/`broadcast` (must be a message, not a record)."""
        if e.type_name not in self.env.decls.messages:
            hint = did_you_mean(e.type_name, self.env.decls.messages)
            self.error(e.span, f"unknown message `{e.type_name}`{hint}")
            return ir.Lit(None, ERROR, e.span)
        return self.record(e)
