"""Lark parse tree -> surface AST (verikit/syntax/ast.py).

One method per grammar rule (or alias), each building one frozen dataclass from the rule's
children, passed inline. Spans are attached in one place, `_call_userfunc`, from the rule's
Lark meta, so no method deals with positions. A transformer instance holds the file name of the
one parse it serves; there is no global state.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from lark import Token, Tree, v_args
from lark.tree import Meta
from lark.visitors import Transformer_NonRecursive

from verikit.errors import NO_SPAN, Diagnostic, Span, SpecError
from verikit.syntax import ast as a

Stmts = tuple[a.Stmt, ...]


def _names(tokens: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(t) for t in tokens)


def _opt_str(token: Token | None) -> str | None:
    return None if token is None else str(token)


Temporal = tuple[str, a.Expr | None, a.Expr, tuple[a.Binder, ...]]  # kind, trigger, expr, binders


@v_args(inline=True)
class ToAst(Transformer_NonRecursive[Token, a.Spec]):
    """Builds the AST for one file; rule methods get the rule's children as arguments.

    Non-recursive, so a deeply nested input reaches the depth check (syntax/depth.py) instead
    of exhausting Python's stack here."""

    def __init__(self, filename: str) -> None:
        super().__init__(visit_tokens=False)
        self._file = filename

    def _call_userfunc(self, tree: Tree[Token], new_children: list[Any] | None = None) -> Any:
        """The one place spans are attached: a freshly built node gets its rule's span.

        Nodes that merely pass through a rule (already spanned) keep their own span.
        """
        node: Any = super()._call_userfunc(tree, new_children)  # type: ignore[no-untyped-call]
        if getattr(node, "span", None) is NO_SPAN and not tree.meta.empty:
            node = replace(node, span=self._span(tree.meta))
        return node

    def _span(self, meta: Meta) -> Span:
        return Span(self._file, meta.line, meta.column, meta.end_line, meta.end_column)

    # ------------------------------------------------------------ declarations

    def start(self, name: Token, extends: a.Extends | None, *decls: a.Decl) -> a.Spec:
        return a.Spec(str(name), decls, extends=extends)

    def extends(self, path: Token) -> a.Extends:
        return a.Extends(str(path)[1:-1])

    def drop_decl(self, _drop: Token, kind: Token, name: Token) -> a.DropDecl:
        return a.DropDecl(str(kind), str(name))

    def drop_fair_decl(self, fairness: a.FairnessDecl) -> a.DropDecl:
        return a.DropDecl("fair", fairness.target or "", fairness=fairness)

    def const_decl(self, name: Token, value: a.Expr) -> a.ConstDecl:
        return a.ConstDecl(str(name), value)

    def type_decl(self, name: Token, type_: a.TypeExpr) -> a.TypeDecl:
        return a.TypeDecl(str(name), type_)

    def message_decl(self, name: Token, *fields: a.FieldDecl) -> a.MessageDecl:
        return a.MessageDecl(str(name), fields)

    def network_decl(self, *settings: a.Setting) -> a.NetworkDecl:
        return a.NetworkDecl(settings)

    def setting(self, name: Token, value: a.Expr) -> a.Setting:
        return a.Setting(str(name), value)

    @v_args(inline=True, meta=True)
    def bounds_setting(self, meta: Meta, name: Token, *items: a.GroupBound | None) -> a.Setting:
        bounds = tuple(i for i in items if i is not None)
        return a.Setting(str(name), a.GroupBounds(bounds, self._span(meta)))

    def group_bound(self, name: Token, value: a.Expr) -> a.GroupBound:
        return a.GroupBound(str(name), value)

    def var_decl(
        self, durable: Token | None, name: Token, type_: a.TypeExpr, init: a.Expr | Token
    ) -> a.VarDecl:
        value = None if isinstance(init, Token) else init  # the token is `any`
        return a.VarDecl(str(name), type_, value, durable is not None)

    def init_decl(self, body: Stmts) -> a.InitDecl:
        return a.InitDecl(body)

    def action_decl(
        self,
        name: Token,
        params: tuple[a.ParamDecl, ...] | None,
        guard: a.Expr | None,
        body: Stmts,
    ) -> a.ActionDecl:
        return a.ActionDecl(str(name), params or (), guard, body)

    def fn_decl(
        self,
        name: Token,
        params: tuple[a.ParamDecl, ...],
        result: a.TypeExpr | None,
        impl: a.Expr | Stmts,
    ) -> a.FnDecl:
        if isinstance(impl, tuple):
            return a.FnDecl(str(name), params, result, None, impl)
        return a.FnDecl(str(name), params, result, impl, None)

    def params(self, *params: a.ParamDecl) -> tuple[a.ParamDecl, ...]:
        return params

    def typed_param(self, name: Token, type_: a.TypeExpr) -> a.ParamDecl:
        return a.ParamDecl(str(name), type_)

    def set_param(self, name: Token, domain: a.Expr) -> a.ParamDecl:
        return a.ParamDecl(str(name), None, domain)

    def node_decl(
        self, symmetric: Token | None, name: Token, count: a.Expr | None, *members: a.Decl
    ) -> a.NodeDecl:
        return a.NodeDecl(str(name), count, members, symmetric is not None)

    def handler_decl(
        self,
        message: Token,
        binding: Token | None,
        sender: Token | None,
        guard: a.Expr | None,
        body: Stmts,
    ) -> a.HandlerDecl:
        return a.HandlerDecl(str(message), _opt_str(binding), _opt_str(sender), guard, body)

    def property_decl(self, kind: Token, name: Token | None, expr: a.Expr) -> a.PropertyDecl:
        return a.PropertyDecl(str(kind), _opt_str(name), expr)

    def temporal_decl(self, name: Token, temporal: Temporal) -> a.PropertyDecl:
        kind, trigger, expr, binders = temporal
        return a.PropertyDecl(kind, str(name), expr, trigger=trigger, binders=binders)

    def eventually(self, expr: a.Expr) -> Temporal:
        return ("eventually", None, expr, ())

    def always_eventually(self, expr: a.Expr) -> Temporal:
        return ("always_eventually", None, expr, ())

    def eventually_always(self, expr: a.Expr) -> Temporal:
        return ("eventually_always", None, expr, ())

    def always(self, expr: a.Expr) -> Temporal:
        return ("always", None, expr, ())

    def always_step(self, expr: a.Expr) -> Temporal:
        return ("always_step", None, expr, ())

    def primed(self, expr: a.Expr) -> a.Primed:
        return a.Primed(expr)

    def leads_to(self, trigger: a.Expr, expr: a.Expr) -> Temporal:
        return ("leads_to", trigger, expr, ())

    @v_args(inline=True, meta=True)
    def forall_temporal(self, meta: Meta, _forall: Token, *rest: Any) -> Temporal:
        *names, domain, (kind, trigger, expr, binders) = rest
        binder = a.Binder(_names(tuple(names)), domain, self._span(meta))
        return (kind, trigger, expr, (binder, *binders))

    def fair_action(
        self,
        strong: Token | None,
        name: Token,
        member: Token | None,
        params: tuple[str, ...] | None,
    ) -> a.FairnessDecl:
        target = str(name) if member is None else f"{name}.{member}"
        return a.FairnessDecl("action", target, strong is not None, params=params or ())

    def fair_params(self, *names: Token) -> tuple[str, ...]:
        return _names(names)

    def fair_node(self, strong: Token | None, name: Token) -> a.FairnessDecl:
        return a.FairnessDecl("node", str(name), strong is not None)

    def fair_delivery(self) -> a.FairnessDecl:
        return a.FairnessDecl("delivery", None, True)

    def deadlock_decl(self, mode: Token) -> a.DeadlockDecl:
        return a.DeadlockDecl(str(mode))

    def terminal_decl(self, expr: a.Expr) -> a.TerminalDecl:
        return a.TerminalDecl(expr)

    def expect_decl(self, property_: Token) -> a.ExpectDecl:
        return a.ExpectDecl(str(property_))

    def query_decl(self, name: Token, *members: a.QueryMember) -> a.QueryDecl:
        return a.QueryDecl(str(name), members)

    def real_decl(self, *names: Token) -> a.RealDecl:
        return a.RealDecl(_names(names))

    def assume_clause(self, cond: a.Expr) -> a.AssumeClause:
        return a.AssumeClause(cond)

    def never_clause(self, cond: a.Expr) -> a.NeverClause:
        return a.NeverClause(cond)

    # ------------------------------------------------------------ types

    def named_type(self, name: Token) -> a.NamedType:
        return a.NamedType(str(name))

    def range_type(self, lo: a.Expr, hi: a.Expr) -> a.RangeType:
        return a.RangeType(lo, hi)

    def enum_type(self, *members: Token) -> a.EnumTypeExpr:
        return a.EnumTypeExpr(_names(members))

    def record_type(self, *fields: a.FieldDecl) -> a.RecordTypeExpr:
        return a.RecordTypeExpr(fields)

    def field_decl(self, name: Token, type_: a.TypeExpr) -> a.FieldDecl:
        return a.FieldDecl(str(name), type_)

    def option_type(self, inner: a.TypeExpr) -> a.OptionTypeExpr:
        return a.OptionTypeExpr(inner)

    def set_type(self, elem: a.TypeExpr) -> a.SetTypeExpr:
        return a.SetTypeExpr(elem)

    def map_type(self, key: a.TypeExpr, value: a.TypeExpr) -> a.MapTypeExpr:
        return a.MapTypeExpr(key, value)

    def tuple_type(self, *elems: a.TypeExpr) -> a.TupleTypeExpr:
        return a.TupleTypeExpr(elems)

    def seq_type(self, elem: a.TypeExpr, max_len: a.Expr | None) -> a.SeqTypeExpr:
        return a.SeqTypeExpr(elem, max_len)

    # ------------------------------------------------------------ statements

    def block(self, *stmts: a.Stmt) -> Stmts:
        return stmts

    def assign_stmt(self, target: a.Expr, value: a.Expr) -> a.AssignStmt:
        return a.AssignStmt(target, value)

    def if_stmt(self, cond: a.Expr, then: Stmts, else_: a.IfStmt | Stmts | None = None) -> a.IfStmt:
        if isinstance(else_, a.IfStmt):
            return a.IfStmt(cond, then, (else_,))
        return a.IfStmt(cond, then, else_ or ())

    def choose_stmt(self, var: Token, domain: a.Expr, body: Stmts) -> a.ChooseStmt:
        return a.ChooseStmt(str(var), domain, body)

    def for_stmt(self, var: Token, domain: a.Expr, body: Stmts) -> a.ForStmt:
        return a.ForStmt(str(var), domain, body)

    def let_tuple_stmt(self, *rest: Any) -> a.LetTupleStmt:
        *names, value = rest
        return a.LetTupleStmt(_names(tuple(names)), value)

    def let_stmt(self, name: Token, value: a.Expr) -> a.LetStmt:
        return a.LetStmt(str(name), value)

    def require_stmt(self, cond: a.Expr) -> a.RequireStmt:
        return a.RequireStmt(cond)

    def assert_stmt(self, label: Token | None, cond: a.Expr) -> a.AssertStmt:
        return a.AssertStmt(cond, None if label is None else str(label))

    def send_stmt(self, message: a.RecordExpr, to: a.Expr) -> a.SendStmt:
        return a.SendStmt(message, to)

    def broadcast_stmt(self, message: a.RecordExpr, to: a.Expr) -> a.BroadcastStmt:
        return a.BroadcastStmt(message, to)

    def call_stmt(self, name: Token, *args: a.Expr) -> a.CallStmt:
        return a.CallStmt(str(name), args)

    def skip_stmt(self) -> a.SkipStmt:
        return a.SkipStmt()

    # ------------------------------------------------------------ expressions

    def quantifier(self, kind: Token, *rest: Any) -> a.Quantifier:
        *names, domain, body = rest
        return a.Quantifier(str(kind), _names(tuple(names)), domain, body)

    def tuple_expr(self, *elems: a.Expr) -> a.TupleExpr:
        return a.TupleExpr(elems)

    def let_expr(self, name: Token, value: a.Expr, body: a.Expr) -> a.LetExpr:
        return a.LetExpr(str(name), value, body)

    def let_tuple_expr(self, *rest: Any) -> a.LetTupleExpr:
        *names, value, body = rest
        return a.LetTupleExpr(_names(tuple(names)), value, body)

    def pick_expr(self, var: Token, domain: a.Expr, cond: a.Expr | None) -> a.PickExpr:
        return a.PickExpr(str(var), domain, cond)

    def if_expr(self, cond: a.Expr, then: a.Expr, else_: a.Expr) -> a.IfExpr:
        return a.IfExpr(cond, then, else_)

    def bin_op(self, left: a.Expr, op: str, right: a.Expr) -> a.BinOp:
        return a.BinOp(op, left, right)

    def not_op(self, operand: a.Expr) -> a.UnaryOp:
        return a.UnaryOp("not", operand)

    def neg_op(self, operand: a.Expr) -> a.UnaryOp:
        return a.UnaryOp("-", operand)

    def range_expr(self, lo: a.Expr, hi: a.Expr) -> a.RangeExpr:
        return a.RangeExpr(lo, hi)

    def field_access(self, base: a.Expr, name: Token) -> a.FieldAccess:
        return a.FieldAccess(base, str(name))

    def index_expr(self, base: a.Expr, index: a.Expr) -> a.IndexExpr:
        return a.IndexExpr(base, index)

    def int_lit(self, token: Token) -> a.IntLit:
        return a.IntLit(int(token))

    def decimal_lit(self, token: Token) -> a.DecimalLit:
        return a.DecimalLit(Fraction(str(token)))

    def true_lit(self) -> a.BoolLit:
        return a.BoolLit(True)

    def false_lit(self) -> a.BoolLit:
        return a.BoolLit(False)

    def none_lit(self) -> a.NoneLit:
        return a.NoneLit()

    def self_name(self) -> a.Name:
        return a.Name("self")

    def name(self, token: Token) -> a.Name:
        return a.Name(str(token))

    def call_expr(self, name: Token, *args: a.Expr) -> a.CallExpr:
        return a.CallExpr(str(name), args)

    def set_expr(self, *elems: a.Expr) -> a.SetExpr:
        return a.SetExpr(elems)

    def seq_expr(self, *elems: a.Expr) -> a.SeqExpr:
        return a.SeqExpr(elems)

    def set_comprehension(
        self, elem: a.Expr, var: Token, domain: a.Expr, cond: a.Expr | None
    ) -> a.SetComprehension:
        return a.SetComprehension(elem, str(var), domain, cond)

    def map_comprehension(
        self, key: Token, value: a.Expr, var: Token, domain: a.Expr
    ) -> a.MapComprehension:
        if key != var:
            span = Span(self._file, var.line or 0, var.column or 0, var.end_line or 0,
                        var.end_column or 0)  # fmt: skip
            message = f"the map comprehension's key `{key}` must be its variable, not `{var}`"
            raise SpecError([Diagnostic(span, message)])
        return a.MapComprehension(str(var), value, domain)

    def record_expr(self, type_name: Token, *fields: a.FieldInit) -> a.RecordExpr:
        return a.RecordExpr(str(type_name), fields)

    def field_init(self, name: Token, value: a.Expr) -> a.FieldInit:
        return a.FieldInit(str(name), value)

    def all_expr(self, type_: a.TypeExpr) -> a.AllExpr:
        return a.AllExpr(type_)

    # ------------------------------------------------------------ operators (text as written)

    def implies_op(self, _token: Token) -> str:
        return "implies"  # `=>` is spelled `implies` in the AST

    def cmp_op(self, *tokens: Token) -> str:
        return " ".join(tokens)  # `not in` arrives as two tokens

    def or_op(self, token: Token) -> str:
        return str(token)

    and_op = add_op = mul_op = or_op
