"""Helper fns, inlined at every call.

Each fn body is checked and lowered once, in the scope where it is declared (a node's fn sees
that node's variables and `self`; a top-level fn sees only globals), with every local it binds
renamed `name#k` (k unique per fn) so that nothing it binds can capture a caller's name. A
pure fn becomes nested `Let`s around its expression; a procedure fn becomes `LetStmt`s for its
parameters followed by its statements. Recursion is reported (inlining would not end).
"""

from __future__ import annotations

from dataclasses import dataclass

from verikit.core import ir
from verikit.core.types import Type
from verikit.semantics.context import Ctx, Env, NodeCtx
from verikit.semantics.diagnostics import did_you_mean, plural
from verikit.semantics.exprs import ExprChecker
from verikit.semantics.stmts import StmtChecker
from verikit.semantics.types import ERROR, error_expr
from verikit.syntax import ast
from verikit.syntax.depth import MAX_DEPTH, descendants

FnKey = tuple[str, str]  # (node group or "", fn name)


@dataclass(frozen=True)
class LoweredFn:
    params: tuple[tuple[str, Type], ...]  # IR names and types
    expr: ir.Expr | None  # a pure fn's result
    body: tuple[ir.Stmt, ...]  # a procedure fn's statements
    effects: tuple[str, ...]  # "choose" / "require" in the body (not allowed inside `for`)
    depth: int = 0  # how deep its IR nests (fns called inside it included)


def ir_depth(*roots: object) -> int:
    """How deep IR expressions and statements nest, without recursion of its own."""
    deepest, stack = 0, [(r, 1) for r in roots]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        for value in vars(node).values():
            for child in value if isinstance(value, tuple) else (value,):
                if type(child).__module__ == ir.__name__:
                    stack.append((child, level + 1))
    return deepest


class FnLibrary:
    def __init__(self, env: Env) -> None:
        self.env = env
        self.lowered: dict[FnKey, LoweredFn | None] = {}
        self.active: list[FnKey] = []
        self.count = 0

    def find(self, name: str, node: NodeCtx | None) -> FnKey | None:
        """The fn a call refers to: the node's own fns shadow top-level ones."""
        if node is not None and name in node.scope.fns:
            return (node.name, name)
        if name in self.env.decls.fns:
            return ("", name)
        return None

    def names(self, node: NodeCtx | None) -> list[str]:
        return [*self.env.decls.fns, *(node.scope.fns if node is not None else ())]

    def decl(self, key: FnKey) -> ast.FnDecl:
        group, name = key
        return self.env.nodes[group].scope.fns[name] if group else self.env.decls.fns[name]

    def lower_all(self) -> None:
        """Check every fn, called or not, so its errors are reported."""
        for name in self.env.decls.fns:
            self.lower(("", name), None)
        for node in self.env.nodes.values():
            for name in node.scope.fns:
                self.lower((node.name, name), None)

    def lower(self, key: FnKey, call: ast.CallExpr | ast.CallStmt | None) -> LoweredFn | None:
        """`key` checked and lowered (once); None when it is recursive."""
        if key not in self.lowered and not self.active:
            callees, cycle = self._callees_first(key)
            if cycle:  # reported here: lowering along it would recurse as deep as it is long
                self._recursive(cycle)
            for callee in callees:  # so a chain of calls is not a recursion
                self._lower_once(callee, None)
        return self._lower_once(key, call)

    def _recursive(self, cycle: list[tuple[FnKey, ast.CallExpr | ast.CallStmt]]) -> None:
        """Report a cycle of calls once, at the call that closes it; its fns lower to None."""
        names = [k[1] for k, _ in cycle]
        shown = names if len(names) <= 6 else [*names[:3], "…", *names[-2:]]
        text = " → ".join([*shown, names[0]])
        closing = cycle[-1][1]
        self.env.diags.error(
            closing.span,
            f"recursive fn `{names[0]}` ({text}): fns are inlined and cannot call themselves",
        )
        for key, _ in cycle:
            self.lowered[key] = None

    def _lower_once(self, key: FnKey, call: ast.CallExpr | ast.CallStmt | None) -> LoweredFn | None:
        if key in self.active:
            cycle = " → ".join(k[1] for k in [*self.active[self.active.index(key) :], key])
            span = call.span if call is not None else self.decl(key).span
            self.env.diags.error(
                span,
                f"recursive fn `{key[1]}` ({cycle}): fns are inlined and cannot call themselves",
            )
            return None
        if key not in self.lowered:
            self.active.append(key)
            try:
                self.lowered[key] = self._lower(key)
            finally:
                self.active.pop()
        return self.lowered[key]

    def _callees_first(
        self, key: FnKey
    ) -> tuple[list[FnKey], list[tuple[FnKey, ast.CallExpr | ast.CallStmt]]]:
        """The fns `key` calls, directly or not, that are not lowered yet, each after the fns
        it calls (depth-first post-order); or, when they recurse, none and the cycle: each fn
        on it with its call of the next (the last call closes the cycle)."""
        order: list[FnKey] = []
        seen = {key}
        path: list[tuple[FnKey, ast.CallExpr | ast.CallStmt | None]] = []  # fn, call leaving it
        Call = ast.CallExpr | ast.CallStmt
        stack: list[tuple[FnKey, bool, Call | None]] = [(key, False, None)]  # fn, done, via
        while stack:
            k, done, via = stack.pop()
            if done:
                path.pop()
                order.append(k)
                continue
            if path:  # the caller is on top of the path: say which of its calls led here
                path[-1] = (path[-1][0], via)
            path.append((k, None))
            stack.append((k, True, None))
            for callee, call in self._calls(k):
                on_path = [f for f, _ in path]
                if callee in on_path:
                    path[-1] = (k, call)
                    start = on_path.index(callee)
                    return [], [(f, c) for f, c in path[start:] if c is not None]
                if callee not in seen and callee not in self.lowered:
                    seen.add(callee)
                    stack.append((callee, False, call))
        return order[:-1], []  # `key` itself comes last

    def _calls(self, key: FnKey) -> list[tuple[FnKey, ast.CallExpr | ast.CallStmt]]:
        decl = self.decl(key)
        node = self.env.nodes[key[0]] if key[0] else None
        calls = [n for n in descendants(decl) if isinstance(n, ast.CallExpr | ast.CallStmt)]
        found = ((self.find(c.name, node), c) for c in calls)
        return [(k, c) for k, c in found if k is not None]

    def _lower(self, key: FnKey) -> LoweredFn:
        decl = self.decl(key)
        node = self.env.nodes[key[0]] if key[0] else None
        self.count += 1
        checker = StmtChecker(self.env, Ctx(node=node, suffix=f"#{self.count}"))
        params: list[tuple[str, Type]] = []
        seen: set[str] = set()
        for p in decl.params:
            if p.name in seen:
                self.env.diags.error(p.span, f"duplicate parameter `{p.name}` of fn `{decl.name}`")
            seen.add(p.name)
            if p.type is None:
                self.env.diags.error(p.span, f"fn parameters need a type: `{p.name}: T`")
            t = self.env.types.resolve(p.type) if p.type is not None else ERROR
            name, checker = checker.bind(p.name, t, "param", p.span)
            params.append((name, t))
        if decl.expr is not None:
            if decl.result is None:
                expr = checker.check(decl.expr)
            else:
                expr = checker.expect(
                    decl.expr, self.env.types.resolve(decl.result), f" (result of `{decl.name}`)"
                )
            return LoweredFn(tuple(params), expr, (), (), ir_depth(expr))
        body = checker.block(decl.body or ())
        effects = tuple(sorted(self._effects(body)))
        return LoweredFn(tuple(params), None, body, effects, ir_depth(*body))

    def _effects(self, stmts: tuple[ir.Stmt, ...]) -> set[str]:
        found: set[str] = set()
        network = self.env.network
        for s in stmts:
            match s:
                case ir.Choose(body=body):
                    found |= {"choose", *self._effects(body)}
                case ir.Require() if network is None or not network.is_bound(s):
                    found.add("require")
                case ir.If(then=then, else_=else_):
                    found |= self._effects(then) | self._effects(else_)
                case ir.ForEach(body=body):
                    found |= self._effects(body)
        return found

    # ------------------------------------------------------------ calls

    def _arguments(
        self, checker: ExprChecker, call: ast.CallExpr | ast.CallStmt, fn: LoweredFn
    ) -> list[ir.Expr] | None:
        if len(call.args) != len(fn.params):
            want = plural(len(fn.params), "argument")
            checker.error(call.span, f"`{call.name}` takes {want}, got {len(call.args)}")
            for arg in call.args:
                checker.check(arg)
            return None
        what = f" (argument of `{call.name}`)"
        return [checker.expect(a, t, what) for a, (_, t) in zip(call.args, fn.params, strict=True)]

    def call_expr(self, checker: ExprChecker, call: ast.CallExpr) -> ir.Expr:
        key = self.find(call.name, checker.ctx.node)
        assert key is not None
        fn = self.lower(key, call)
        if fn is None:
            return error_expr(call.span)
        if fn.expr is None:
            checker.error(
                call.span,
                f"`{call.name}` is a procedure fn (it has a statement body); it has no value to use in an expression",
            )
            return error_expr(call.span)
        args = self._arguments(checker, call, fn)
        if args is None or self._too_deep(checker, call, fn, args):
            return error_expr(call.span)
        result = fn.expr
        for (name, _), arg in reversed(list(zip(fn.params, args, strict=True))):
            result = ir.Let(name, arg, result, result.type, call.span)
        return result

    def call_stmt(self, checker: StmtChecker, call: ast.CallStmt) -> list[ir.Stmt]:
        key = self.find(call.name, checker.ctx.node)
        if key is None:
            from verikit.semantics.builtins import BUILTIN_ARITY

            if call.name in BUILTIN_ARITY:
                checker.error(
                    call.span, f"`{call.name}` returns a value; it cannot be used as a statement"
                )
            else:
                hint = did_you_mean(call.name, self.names(checker.ctx.node))
                checker.error(call.span, f"unknown fn `{call.name}`{hint}")
            return []
        fn = self.lower(key, call)
        if fn is None:
            return []
        if fn.expr is not None:
            checker.error(
                call.span, f"`{call.name}` returns a value; it cannot be used as a statement"
            )
            return []
        if checker.ctx.in_for and fn.effects:
            used = " and ".join(f"`{e}`" for e in fn.effects)
            checker.error(
                call.span, f"`{call.name}` uses {used}, which is not allowed inside `for`"
            )
        args = self._arguments(checker, call, fn)
        if args is None or self._too_deep(checker, call, fn, args):
            return []
        lets: list[ir.Stmt] = [
            ir.LetStmt(name, arg, call.span) for (name, _), arg in zip(fn.params, args, strict=True)
        ]
        return [*lets, *fn.body]

    def _too_deep(
        self, checker: ExprChecker, call: ast.CallExpr | ast.CallStmt, fn: LoweredFn,
        args: list[ir.Expr],
    ) -> bool:  # fmt: skip
        """Inlining nests a fn's body (and the fns it calls) at the call: refuse a call whose
        inlined code would nest deeper than the syntax allows (syntax/depth.py)."""
        nested = len(args) + max(fn.depth, ir_depth(*args))
        if nested <= MAX_DEPTH:
            return False
        checker.error(
            call.span,
            f"calling `{call.name}` here nests {nested} levels deep once fns are inlined "
            f"(at most {MAX_DEPTH}): fns calling fns add up",
        )
        return True
