"""Assembling the core Model: state slots, the init block, actions and properties.

Node style lowers to the same vocabulary as global style:

* node group G gets ids first .. first+count-1 (groups numbered in declaration order);
* node variable `x: T` of G is slot "G.x" of type map<G, T>; inside G a bare `x` is `G.x[self]`;
* node action `a` is action "G.a" whose first parameter `self` ranges over G's ids;
* handler `on M(m) from p` is action "G.on M" (kind "receive") with parameters `self` and the
  network entry, guarded by the network's delivery checks (see network.py);
* node initialisers run for every node; the node's `init` blocks run once per node after all
  initialisers, with `self` bound.
"""

from __future__ import annotations

import itertools
import math

from verikit.core import ir
from verikit.core.model import Action, Param, Property, Var
from verikit.core.types import (
    BEYOND,
    BOOL,
    MAX_NODES,
    MAX_RENAMINGS,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    SetType,
    Type,
    domain_size,
    format_value,
    is_finite,
    size_text,
)
from verikit.core.types import domain as core_domain
from verikit.errors import Span
from verikit.semantics.consts import Consts
from verikit.semantics.context import Ctx, Env, NodeCtx
from verikit.semantics.diagnostics import Diagnostics, did_you_mean
from verikit.semantics.exprs import conj
from verikit.semantics.scope import Declarations
from verikit.semantics.stmts import StmtChecker
from verikit.semantics.types import Types, has_error, type_str
from verikit.syntax import ast


def number_groups(decls: Declarations, consts: Consts, diags: Diagnostics) -> dict[str, NodeGroup]:
    """Node groups with their global ids, in declaration order, starting at 0. A count beyond
    MAX_NODES is an error, and the group keeps one node meanwhile, so
    nothing later unrolls a loop over 10^20 ids before the error is reported."""
    groups: dict[str, NodeGroup] = {}
    first = 0
    for name, node in decls.nodes.items():
        count: int | None = 1
        if node.decl.count is not None:
            count = consts.int_value(node.decl.count, "a node count")
            if count is not None and count < 1:
                diags.error(
                    node.decl.count.span, f"node group `{name}` needs at least 1 node, got {count}"
                )
                count = None
            elif count is not None and count > MAX_NODES:
                _too_many_nodes(name, count, node.decl.count.span, consts, diags)
                count = None
        groups[name] = NodeGroup(name, first, count or 1)
        first += count or 1
    _check_symmetry(decls, groups, consts, diags)
    return groups


def _check_symmetry(
    decls: Declarations, groups: dict[str, NodeGroup], consts: Consts, diags: Diagnostics
) -> None:
    """The search tries every renaming of the symmetric groups' nodes on every state: the
    product of their sizes' factorials must stay within MAX_RENAMINGS."""
    renamings = 1
    for name, node in decls.nodes.items():
        count = groups[name].count
        if not node.decl.symmetric or count < 2:
            continue
        renamings *= math.factorial(count) if count <= 20 else BEYOND
        if renamings > MAX_RENAMINGS:
            span = node.decl.count.span if node.decl.count is not None else node.decl.span
            diags.error(
                span,
                f"symmetric node group `{name}` of {count:,} nodes{consts.naming({count})} "
                f"gives {size_text(renamings)} renamings to try on every state; verikit tries "
                f"at most {MAX_RENAMINGS:,} (7 nodes; docs/limits.md): use fewer nodes, or "
                "drop `symmetric`",
            )
            return


def _too_many_nodes(name: str, count: int, span: Span, consts: Consts, diags: Diagnostics) -> None:
    diags.error(
        span,
        f"node group `{name}` has {count:,} nodes{consts.naming({count})}; verikit explores "
        f"at most {MAX_NODES:,} nodes in a group (docs/limits.md)",
    )


def build_slots(
    decls: Declarations, types: Types, groups: dict[str, NodeGroup]
) -> tuple[list[Var], dict[str, ir.StateVar]]:
    """One slot per global variable and per node variable, in declaration order."""
    slots: list[Var] = []
    for decl in decls.spec.decls:
        if isinstance(decl, ast.VarDecl) and decls.vars.get(decl.name) is decl:
            slots.append(Var(decl.name, types.resolve(decl.type), decl.span, durable=decl.durable))
        elif isinstance(decl, ast.NodeDecl) and decl.name in decls.nodes:
            if decls.nodes[decl.name].decl is not decl:
                continue
            key = NodeType((groups[decl.name],))
            for var in decls.nodes[decl.name].vars.values():
                t = MapType(key, types.resolve(var.type))
                name = f"{decl.name}.{var.name}"
                slots.append(Var(name, t, var.span, decl.name, var.name, var.durable))
    refs = {v.name: ir.StateVar(i, v.name, v.type, v.span) for i, v in enumerate(slots)}
    return slots, refs


def infer_senders(decls: Declarations, groups: dict[str, NodeGroup]) -> dict[str, NodeType]:
    """For each message, the node groups whose code sends it: the type of a handler's `from`."""
    senders: dict[str, list[NodeGroup]] = {}
    for name, node in decls.nodes.items():
        for member in node.decl.members:
            body = getattr(member, "body", None) or ()
            for message in _sent(body):
                found = senders.setdefault(message, [])
                if groups[name] not in found:
                    found.append(groups[name])
    return {m: NodeType(tuple(sorted(gs, key=lambda g: g.first))) for m, gs in senders.items()}


def _sent(stmts: tuple[ast.Stmt, ...]) -> list[str]:
    names: list[str] = []
    for s in stmts:
        match s:
            case ast.SendStmt(message=m) | ast.BroadcastStmt(message=m):
                names.append(m.type_name)
            case ast.IfStmt(then=then, else_=else_):
                names += _sent(then) + _sent(else_)
            case ast.ChooseStmt(body=body) | ast.ForStmt(body=body):
                names += _sent(body)
    return names


class Lowering:
    """Turns the checked declarations into the Model's init block, actions and properties."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.node_inits: dict[str, ir.Expr | None] = {}  # "G.x" → initialiser (self bound)
        self.init_blocks: dict[str, list[tuple[ir.Stmt, ...]]] = {}  # G → its init blocks

    def checker(self, node: NodeCtx | None = None) -> StmtChecker:
        return StmtChecker(self.env, Ctx(node=node))

    # ------------------------------------------------------------ init

    def init(self) -> tuple[ir.Stmt, ...]:
        env = self.env
        out: list[ir.Stmt] = list(env.network.init()) if env.network is not None else []
        for decl in env.decls.spec.decls:
            if isinstance(decl, ast.VarDecl) and env.decls.vars.get(decl.name) is decl:
                out += self._global_init(decl)
            elif isinstance(decl, ast.NodeDecl) and self._declared_node(decl):
                node = env.nodes[decl.name]
                for var in node.scope.vars.values():
                    out += self._node_var_init(node, var)
        for decl in env.decls.spec.decls:
            if isinstance(decl, ast.InitDecl):
                out += self.checker().block(decl.body)
            elif isinstance(decl, ast.NodeDecl) and self._declared_node(decl):
                out += self._node_init_blocks(env.nodes[decl.name])
        return tuple(out)

    def _declared_node(self, decl: ast.NodeDecl) -> bool:
        node = self.env.decls.nodes.get(decl.name)
        return node is not None and node.decl is decl

    def _global_init(self, decl: ast.VarDecl) -> list[ir.Stmt]:
        slot = self.env.slots[decl.name]
        if decl.init is None:
            return [self._choose_any(slot, (), slot.type, decl)]
        checker = self.checker()
        value = checker.expect(decl.init, slot.type, f" for `{decl.name}`")
        checker.check_range(value, slot.type, decl.init, f"`{decl.name}`")
        return [ir.Assign(slot, (), value, slot.type, decl.span)]

    def _choose_any(
        self, slot: ir.StateVar, path: tuple[ir.IndexStep, ...], t: Type, decl: ast.VarDecl
    ) -> ir.Stmt:
        """`x = any`: one initial state per value of the type."""
        if not is_finite(t) and not has_error(t):
            self.env.diags.error(
                decl.span, f"`{decl.name} = any` needs a finite type, not {type_str(t)}"
            )
        chosen = ir.Local("#any", t, decl.span)
        assign = ir.Assign(slot, path, chosen, t, decl.span)
        return ir.Choose("#any", _all(t), (assign,), decl.span)

    def _node_var_init(self, node: NodeCtx, decl: ast.VarDecl) -> list[ir.Stmt]:
        slot = self.env.slots[f"{node.name}.{decl.name}"]
        assert isinstance(slot.type, MapType)
        value_type = slot.type.value
        if decl.init is None:
            self.node_inits[slot.name] = None
            return [self._choose_any(slot, (), slot.type, decl)]
        checker = self.checker(node)
        value = checker.expect(decl.init, value_type, f" for `{decl.name}`")
        checker.check_range(value, value_type, decl.init, f"`{decl.name}`")
        self.node_inits[slot.name] = value
        me = node.self_local()
        assign = ir.Assign(slot, (ir.IndexStep(me),), value, value_type, decl.span)
        return [ir.ForEach("self", _all(node.type), (assign,), decl.span)]

    def _node_init_blocks(self, node: NodeCtx) -> list[ir.Stmt]:
        """Each `init { … }` of the node, once per node id with `self` bound."""
        blocks = [self.checker(node).block(i.body) for i in node.scope.inits]
        self.init_blocks[node.name] = blocks
        out: list[ir.Stmt] = []
        for node_id in node.group.ids:
            for block in blocks:
                me = ir.LetStmt("self", ir.Lit(node_id, node.type))
                out.append(ir.If(ir.Lit(True, BOOL), (me, *block), ()))
        return out

    def crash_reset(self, crashed: ir.Local) -> list[ir.Stmt]:
        """The crashed node's non-durable variables back to their initial values, then its
        `init` blocks again (run `init()` first: it lowers the initialisers)."""
        out: list[ir.Stmt] = []
        for node in self.env.nodes.values():
            body: list[ir.Stmt] = []
            me = node.self_local()
            for var in node.scope.vars.values():
                slot = self.env.slots[f"{node.name}.{var.name}"]
                if var.durable or slot.name not in self.node_inits:
                    continue
                assert isinstance(slot.type, MapType)
                value, path = self.node_inits[slot.name], (ir.IndexStep(me),)
                if value is None:
                    body.append(self._choose_any(slot, path, slot.type.value, var))
                else:
                    body.append(ir.Assign(slot, path, value, slot.type.value, var.span))
            for block in self.init_blocks.get(node.name, []):
                body += block
            if body:
                member = ir.Binary("in", crashed, _all(node.type), BOOL)
                out.append(ir.If(member, (ir.LetStmt("self", crashed), *body), ()))
        return out

    # ------------------------------------------------------------ actions

    def actions(self) -> tuple[Action, ...]:
        env = self.env
        out: list[Action] = []
        for decl in env.decls.spec.decls:
            if isinstance(decl, ast.ActionDecl) and decl in env.decls.actions:
                out.append(self._action(decl, None))
            elif isinstance(decl, ast.NodeDecl) and self._declared_node(decl):
                out += self._node_actions(env.nodes[decl.name])
        if env.network is not None:
            out += env.network.fault_actions(self.crash_reset)
        return tuple(out)

    def _node_actions(self, node: NodeCtx) -> list[Action]:
        out: list[Action] = []
        names: set[str] = set()
        for member in node.scope.decl.members:
            if isinstance(member, ast.ActionDecl) and member in node.scope.actions:
                out.append(self._action(member, node))
            elif isinstance(member, ast.HandlerDecl):
                action = self._handler(member, node, names)
                if action is not None:
                    out.append(action)
        return out

    def _action(self, decl: ast.ActionDecl, node: NodeCtx | None) -> Action:
        checker = self.checker(node)
        params: list[Param] = []
        if node is not None:
            params.append(Param("self", node.type, _all(node.type)))
        seen: set[str] = set()
        for p in decl.params:
            if p.name in seen:
                self.env.diags.error(
                    p.span, f"duplicate parameter `{p.name}` of action `{decl.name}`"
                )
            seen.add(p.name)
            if p.type is not None:
                t = self.env.types.resolve(p.type)
                domain = checker.domain(t, p.span)
            else:
                assert p.domain is not None
                domain, t = checker.elements(p.domain)
            name, checker = checker.bind(p.name, t, "param", p.span)
            params.append(Param(name, t, domain))
        guard = None
        if decl.guard is not None:
            guard = checker.condition(decl.guard, f" (guard of `{decl.name}`)")
        name = decl.name if node is None else f"{node.name}.{decl.name}"
        return Action(
            name, "action", tuple(params), conj(self._up(node), guard), checker.block(decl.body),
            decl.span, node_param=None if node is None else "self",
        )  # fmt: skip

    def _up(self, node: NodeCtx | None) -> ir.Expr | None:
        network = self.env.network
        if node is None or network is None or not network.may_crash(node.self_local()):
            return None
        return network.is_up(node.self_local())

    def _handler(self, decl: ast.HandlerDecl, node: NodeCtx, names: set[str]) -> Action | None:
        env, network = self.env, self.env.network
        variant = env.types.message(decl.message)
        if variant is None or network is None:
            if decl.message not in env.decls.messages:
                hint = did_you_mean(decl.message, env.decls.messages)
                env.diags.error(decl.span, f"unknown message `{decl.message}`{hint}")
            return None
        delivery = network.delivery(node.self_local(), decl.message)
        checker = self.checker(node)
        lets: list[tuple[str, ir.Expr]] = []
        sender_check: ir.Expr | None = None
        if decl.binding is not None:
            name, checker = checker.bind(
                decl.binding, MessageType((variant,)), "message", decl.span
            )
            lets.append((name, delivery.message))
        if decl.sender is not None:
            if decl.sender == decl.binding:
                env.diags.error(decl.span, f"`{decl.sender}` names both the message and its sender")
            sender_type = env.senders.get(decl.message, network.any_node)
            name, checker = checker.bind(decl.sender, sender_type, "sender", decl.span)
            lets.append((name, delivery.sender))
            if sender_type != network.any_node:  # true of every message the spec can send;
                # it keeps the sender within its type in any state (Z3's step case too)
                sender_check = ir.Binary("in", delivery.sender, _all(sender_type), BOOL)
        guard = None
        if decl.guard is not None:
            guard = checker.condition(decl.guard, f" (guard of `on {decl.message}`)")
            for name, value in reversed(lets):
                guard = ir.Let(name, value, guard, BOOL, decl.guard.span)
        # bind the message before removing it: a FIFO message is read from its queue's head
        body = (*(ir.LetStmt(n, v) for n, v in lets), delivery.remove, *checker.block(decl.body))
        params = (Param("self", node.type, _all(node.type)), delivery.param)
        action_name = f"{node.name}.on {decl.message}"
        if action_name in names:
            action_name += f"@{decl.span.line}"
        names.add(action_name)
        guard_all = conj(*delivery.checks, sender_check, guard)
        return Action(
            action_name, "receive", params, guard_all, body, decl.span,
            node_param="self", message_param=delivery.param.name,
        )  # fmt: skip

    # ------------------------------------------------------------ properties

    def properties(self) -> tuple[Property, ...]:
        out: list[Property] = []
        for decl in self.env.decls.properties:
            checker = StmtChecker(self.env, Ctx(in_property=True))
            if isinstance(decl, ast.TerminalDecl):
                expr = checker.condition(decl.expr, " (`terminal when`)")
                out.append(Property("terminal", f"terminal@{decl.span.line}", expr, decl.span))
                continue
            name = decl.name or f"{decl.kind}@{decl.span.line}"
            kind = {"always": "invariant", "always_step": "step"}.get(decl.kind, decl.kind)
            if kind == "step":  # `x'` reads the next state: slots width.. (semantics/steps.py)
                checker = checker.with_(step_width=self._width())
            bound: list[tuple[str, str, Type, tuple[object, ...]]] = []
            for binder in decl.binders:
                checker = self._bind_instances(checker, binder, bound)
            expr = checker.condition(decl.expr, f" ({decl.kind} `{name}`)")
            trigger = None
            if decl.trigger is not None:
                trigger = checker.condition(decl.trigger, f" (leads_to `{name}`)")
            prop = Property(kind, name, expr, decl.span, trigger)
            out += _instances(prop, bound, decl.span, self.env.diags) if bound else [prop]
        return tuple(out)

    def _width(self) -> int:
        """The number of state slots, the network's included."""
        network = self.env.network
        return len(self.env.slots) + (len(network.vars) if network is not None else 0)

    def _bind_instances(
        self,
        checker: StmtChecker,
        binder: ast.Binder,
        bound: list[tuple[str, str, Type, tuple[object, ...]]],
    ) -> StmtChecker:
        """Bind the variables of `forall x in D:` before a property; D must be fixed."""
        domain, elem = checker.elements(binder.domain)
        values: tuple[object, ...] = ()
        fixed = domain.of if isinstance(domain, ir.Domain) else None
        if isinstance(domain, ir.Call) and domain.name == "range" and isinstance(elem, IntType):
            fixed = elem  # a constant range: its type is its values
        if fixed is not None and is_finite(fixed):
            size = domain_size(fixed)
            if size is not None and size <= MAX_INSTANCES:
                values = tuple(core_domain(fixed))
            else:
                self.env.diags.error(binder.domain.span, f"a quantified property has at most "
                                     f"{MAX_INSTANCES:,} instances; this set is larger")  # fmt: skip
        elif not has_error(elem):
            self.env.diags.error(
                binder.domain.span,
                "a quantified property ranges over a fixed set: a type, a node group or a "
                "constant range (`forall p in Server:`, `forall v in 1..N:`)",
            )
        for var in binder.vars:
            ir_name, checker = checker.bind(var, elem, "quantifier", binder.span)
            bound.append((var, ir_name, elem, values))
        return checker


MAX_INSTANCES = 10_000  # instances of one quantified property (each is its own check)


def _instances(
    prop: Property,
    bound: list[tuple[str, str, Type, tuple[object, ...]]],
    span: Span,
    diags: Diagnostics,
) -> list[Property]:
    """One property per combination of the bound values, outermost variable first; each
    instance binds its values with `Let`s around its expressions."""
    count = math.prod(len(values) for *_, values in bound)
    if count > MAX_INSTANCES:
        diags.error(span, f"`{prop.name}` has more than {MAX_INSTANCES:,} instances (one per "
                    "value of its quantified variables): quantify over fewer values")  # fmt: skip
        return []
    out = []
    for combo in itertools.product(*(values for *_, values in bound)):
        expr, trigger = prop.expr, prop.trigger
        for (_, ir_name, t, _), value in reversed(list(zip(bound, combo, strict=True))):
            expr = ir.Let(ir_name, ir.Lit(value, t), expr, BOOL, expr.span)
            if trigger is not None:
                trigger = ir.Let(ir_name, ir.Lit(value, t), trigger, BOOL, trigger.span)
        binding = tuple(
            (var, format_value(t, value))
            for (var, _, t, _), value in zip(bound, combo, strict=True)
        )
        shown = ", ".join(f"{var}={value}" for var, value in binding)
        out.append(Property(prop.kind, f"{prop.name}({shown})", expr, prop.span, trigger,
                            prop.name, binding))  # fmt: skip
    return out


def expected_violations(decls: Declarations, diags: Diagnostics) -> tuple[str, ...]:
    """The properties named by `expect violation` (an invariant, a reachable, `deadlock`, or
    a query: a bug variant whose timing is unsafe)."""
    names = [p.name for p in decls.properties if isinstance(p, ast.PropertyDecl) and p.name]
    names += [q.name for q in decls.queries]
    names.append("deadlock")
    found: dict[str, int] = {}  # name -> line of its first `expect violation`
    for expect in decls.expects:
        if expect.property in found:
            diags.error(expect.span, f"`expect violation {expect.property}` is declared twice "
                        f"(first at line {found[expect.property]})")  # fmt: skip
        elif expect.property in names:
            found[expect.property] = expect.span.line
        else:
            hint = did_you_mean(expect.property, names)
            diags.error(
                expect.span,
                f"`expect violation {expect.property}`: no property named `{expect.property}`{hint}",
            )
    return tuple(found)


def _all(t: Type) -> ir.Domain:
    return ir.Domain(t, SetType(t))
