"""`query` blocks: real arithmetic over unknowns, checked and lowered to core `Query`s.

A query lives in a small world of its own: its `real` unknowns, its `let`s and the spec's
constants (ints and reals become REAL literals, bools stay BOOL), combined with `+ - * /`,
comparisons, `and or not implies`, `if … then … else` and `min`, `max`, `abs`. State
variables, sets, nodes and the rest of the language are refused, each with what is allowed
instead: Z3 answers a query about numbers, not about the states a search explores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from verikit.core import ir
from verikit.core.model import Query
from verikit.core.types import BOOL, REAL, Type
from verikit.errors import Span
from verikit.semantics.consts import Consts
from verikit.semantics.diagnostics import Diagnostics, did_you_mean
from verikit.semantics.operators import LOGIC, ORDER
from verikit.semantics.scope import Declarations
from verikit.semantics.show import show
from verikit.semantics.types import error_expr, has_error, type_str
from verikit.syntax import ast

ALLOWED = (
    "a query has only real arithmetic: + - * /, comparisons, and/or/not/implies, "
    "if-then-else, min, max and abs"
)
_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


def lower_queries(decls: Declarations, consts: Consts, diags: Diagnostics) -> tuple[Query, ...]:
    """Every `query` of the spec, checked; errors go to `diags` (the query is still built)."""
    return tuple(_QueryChecker(decl, decls, consts, diags).lower() for decl in decls.queries)


@dataclass
class _QueryChecker:
    decl: ast.QueryDecl
    decls: Declarations
    consts: Consts
    diags: Diagnostics
    scope: dict[str, Type] = field(default_factory=dict)  # unknowns and lets declared so far
    used: dict[str, object] = field(default_factory=dict)  # constants the query mentions

    def lower(self) -> Query:
        unknowns: list[str] = []
        defs: list[tuple[str, ir.Expr]] = []
        assumes: list[ir.Expr] = []
        nevers: list[ir.Expr] = []
        for member in self.decl.members:
            match member:
                case ast.RealDecl(names=names):
                    unknowns += [n for n in names if self._declare(n, REAL, member.span)]
                case ast.LetStmt(name=name, value=value):
                    expr = self.check(value)  # checked before `name` is in scope: no recursion
                    if self._declare(name, expr.type, member.span):
                        defs.append((name, expr))
                case ast.AssumeClause(cond=cond):
                    assumes.append(self.condition(cond, "`assume`"))
                case ast.NeverClause(cond=cond):
                    nevers.append(self.condition(cond, "`never`"))
        never = self._one_never(nevers)
        return Query(
            name=self.decl.name,
            unknowns=tuple(unknowns),
            defs=tuple(defs),
            assumes=tuple(assumes),
            never=never,
            consts=tuple((n, self.used[n]) for n in self.decls.consts if n in self.used),
            span=self.decl.span,
        )

    def _one_never(self, nevers: list[ir.Expr]) -> ir.Expr:
        clauses = [m for m in self.decl.members if isinstance(m, ast.NeverClause)]
        if len(clauses) != 1:
            where = clauses[1].span if len(clauses) > 1 else self.decl.span
            self.diags.error(
                where,
                f"query `{self.decl.name}` needs exactly one `never` clause (the situation that "
                f"must be impossible), found {len(clauses)}",
            )
        return nevers[0] if nevers else error_expr(self.decl.span)

    def _declare(self, name: str, t: Type, span: Span) -> bool:
        if name in self.scope:
            self.diags.error(span, f"`{name}` is declared twice in query `{self.decl.name}`")
            return False
        if name in self.decls.consts:
            self.diags.error(
                span, f"`{name}` is a constant; a query's unknowns and lets need other names"
            )
            return False
        self.scope[name] = t
        return True

    # ------------------------------------------------------------ expressions

    def condition(self, e: ast.Expr, what: str) -> ir.Expr:
        return self._expect(e, BOOL, f" ({what} needs a condition)")

    def number(self, e: ast.Expr, what: str) -> ir.Expr:
        return self._expect(e, REAL, what)

    def _expect(self, e: ast.Expr, want: Type, what: str) -> ir.Expr:
        x = self.check(e)
        if x.type != want and not has_error(x.type):
            self.diags.error(e.span, f"{show(e)} is {type_str(x.type)}, expected {want}{what}")
            return error_expr(e.span)
        return x

    def check(self, e: ast.Expr) -> ir.Expr:
        """The IR of `e`, typed REAL or BOOL (or the error type, after a diagnostic)."""
        match e:
            case ast.Name(id=name):
                return self._name(name, e.span)
            case ast.IntLit(value=value) | ast.DecimalLit(value=value):
                return ir.Lit(Fraction(value), REAL, e.span)
            case ast.BoolLit(value=value):
                return ir.Lit(value, BOOL, e.span)
            case ast.UnaryOp(op="not", operand=operand):
                return ir.Unary("not", self.condition(operand, "`not`"), BOOL, e.span)
            case ast.UnaryOp(operand=operand):
                return ir.Unary("neg", self.number(operand, " after `-`"), REAL, e.span)
            case ast.BinOp():
                return self._binary(e)
            case ast.IfExpr(cond=cond, then=then, else_=else_):
                return self._if(self.condition(cond, "`if`"), self.check(then), then, else_, e.span)
            case ast.CallExpr():
                return self._call(e)
        self.diags.error(e.span, f"{show(e)} cannot be used in a query: {ALLOWED}")
        return error_expr(e.span)

    def _name(self, name: str, span: Span) -> ir.Expr:
        if name in self.scope:
            return ir.Local(name, self.scope[name], span)
        if name in self.decls.consts:
            value = self.consts.const(name)
            if value is None:
                return error_expr(span)  # reported where the constant is declared
            if isinstance(value, frozenset | tuple):
                self.diags.error(span, f"`{name}` is a set or tuple constant: a query is about numbers")
                return error_expr(span)
            self.used[name] = value
            if isinstance(value, bool):
                return ir.Lit(value, BOOL, span)
            return ir.Lit(Fraction(value), REAL, span)
        if name in self.decls.vars or any(name in n.vars for n in self.decls.nodes.values()):
            self.diags.error(
                span,
                f"`{name}` is a state variable; a query reasons about its `real` unknowns, "
                "its `let`s and constants only",
            )
        else:
            hint = did_you_mean(name, [*self.scope, *self.decls.consts])
            hint = hint or f" — declare it with `real {name}` or `let {name} = …`"
            self.diags.error(span, f"unknown name `{name}` in query `{self.decl.name}`{hint}")
        return error_expr(span)

    def _binary(self, e: ast.BinOp) -> ir.Expr:
        op, span = e.op, e.span
        if op in LOGIC:
            what = f"`{op}`"
            left, right = self.condition(e.left, what), self.condition(e.right, what)
            return ir.Binary(LOGIC[op], left, right, BOOL, span)
        if op in ("==", "!="):
            left = self.check(e.left)
            if has_error(left.type):
                return error_expr(span)
            right = self._expect(e.right, left.type, f" (compared with {show(e.left)})")
            return ir.Binary("eq" if op == "==" else "ne", left, right, BOOL, span)
        if op in ORDER or op in _ARITH:
            what = f" (operand of `{op}`)"
            left, right = self.number(e.left, what), self.number(e.right, what)
            if op in ORDER:
                return ir.Binary(ORDER[op], left, right, BOOL, span)
            return ir.Binary(_ARITH[op], left, right, REAL, span)
        self.diags.error(span, f"`{op}` cannot be used in a query: {ALLOWED}")
        return error_expr(span)

    def _if(
        self, cond: ir.Expr, then: ir.Expr, then_e: ast.Expr, else_e: ast.Expr, span: Span
    ) -> ir.Expr:
        if has_error(then.type):
            return ir.Cond(cond, then, self.check(else_e), then.type, span)
        what = f" (the other branch of `if`, {show(then_e)}, is {type_str(then.type)})"
        else_ = self._expect(else_e, then.type, what)
        if has_error(else_.type):
            return error_expr(span)
        return ir.Cond(cond, then, else_, then.type, span)

    def _call(self, e: ast.CallExpr) -> ir.Expr:
        span, args = e.span, e.args
        arity = {"min": 2, "max": 2, "abs": 1}.get(e.name)
        if arity is None:
            self.diags.error(span, f"`{e.name}(…)` cannot be used in a query: {ALLOWED}")
            return error_expr(span)
        if len(args) != arity:
            self.diags.error(
                span, f"in a query `{e.name}` takes {arity} argument{'s' * (arity > 1)}"
            )
            return error_expr(span)
        xs = [self.number(a, f" (argument of `{e.name}`)") for a in args]
        if e.name == "abs":  # |x| = if x >= 0 then x else -x
            (x,) = xs
            nonneg = ir.Binary("ge", x, ir.Lit(Fraction(0), REAL, span), BOOL, span)
            return ir.Cond(nonneg, x, ir.Unary("neg", x, REAL, span), REAL, span)
        a, b = xs  # min(a, b) = if a <= b then a else b; max the other way round
        le = ir.Binary("le", a, b, BOOL, span)
        return ir.Cond(le, *((a, b) if e.name == "min" else (b, a)), REAL, span)
