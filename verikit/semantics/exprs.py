"""Pass 2 for expressions: resolve names, check types, produce typed core IR.

Checking is bidirectional: `check(e, expected)` passes the type the context wants down, which
is how a bare enum member shared by several enums, `none`, `{}` and `[]` get their types. An
expression that is wrong is reported once and replaced by a `Lit` of type ERROR, which is
compatible with everything, so one mistake does not cascade into many diagnostics.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Self

from verikit.core import ir
from verikit.core.types import (
    BOOL,
    INT,
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
    is_finite,
    is_tuple,
    tuple_type,
)
from verikit.errors import Span
from verikit.semantics.context import RESERVED_LOCALS, Binding, Ctx, Env
from verikit.semantics.diagnostics import did_you_mean
from verikit.semantics.narrowing import forget, not_none, place
from verikit.semantics.operators import check_binary, check_unary
from verikit.semantics.scope import reserved_word
from verikit.semantics.show import show
from verikit.semantics.types import (
    ERROR,
    assignable,
    error_expr,
    has_error,
    join,
    strip_option,
    type_str,
)
from verikit.syntax import ast

REALS_ONLY_IN_QUERIES = "real values exist only inside `query` blocks"


def conj(*parts: ir.Expr | None) -> ir.Expr:
    """`a and b and …` over the given conditions (None and literal `true` left out)."""
    kept = [p for p in parts if p is not None and p != ir.Lit(True, BOOL)]
    if not kept:
        return ir.Lit(True, BOOL)
    result = kept[0]
    for part in kept[1:]:
        result = ir.Binary("and", result, part, BOOL, part.span)
    return result


class ExprChecker:
    """Checks expressions in one context (node, locals); `with_`/`bind` make nested ones."""

    def __init__(self, env: Env, ctx: Ctx) -> None:
        self.env = env
        self.ctx = ctx

    # ------------------------------------------------------------ context

    def with_(self, **changes: object) -> Self:
        return type(self)(self.env, replace(self.ctx, **changes))  # type: ignore[arg-type]

    def bind(self, name: str, t: Type, kind: str, span: Span) -> tuple[str, Self]:
        """Bind a local for nested code; returns its IR name and the checker that sees it."""
        if name == "self":
            self.error(span, "`self` is this node's id and cannot be rebound")
        elif not name.startswith("#"):
            reserved_word(name, span, self.env.diags)
        ir_name = name + self.ctx.suffix
        if ir_name in RESERVED_LOCALS:
            ir_name += "#"
        scope = {**self.ctx.scope, name: Binding(ir_name, t, kind)}
        narrowed = forget(self.ctx.narrowed, frozenset({name}))
        return ir_name, self.with_(scope=scope, narrowed=narrowed)

    def narrow(self, cond: ast.Expr, truth: bool = True) -> Self:
        """The checker for code that runs where `cond` evaluates to `truth`."""
        more = not_none(cond, truth)
        return self.with_(narrowed=self.ctx.narrowed | more) if more else self

    def error(self, span: Span, message: str) -> None:
        self.env.diags.error(span, message)

    # ------------------------------------------------------------ entry points

    def check(self, e: ast.Expr, expected: Type | None = None) -> ir.Expr:
        """The typed IR of `e`; `expected` (if known) resolves context-typed literals."""
        match e:
            case ast.Name():
                return self._narrowed(e, self._name(e, expected))
            case ast.IntLit(value=value):
                return ir.Lit(value, INT, e.span)
            case ast.BoolLit(value=value):
                return ir.Lit(value, BOOL, e.span)
            case ast.DecimalLit():
                self.error(e.span, f"{show(e)} is a real number: {REALS_ONLY_IN_QUERIES}")
                return error_expr(e.span)
            case ast.NoneLit():
                return self._none(e, expected)
            case ast.UnaryOp():
                return check_unary(self, e)
            case ast.BinOp():
                return check_binary(self, e, expected)
            case ast.IfExpr():
                return self._if(e, expected)
            case ast.Quantifier():
                return self._quantifier(e)
            case ast.SetExpr() | ast.SeqExpr():
                return self._literal(e, expected)
            case ast.RangeExpr(lo=lo, hi=hi):
                return self.range_of(lo, hi, e.span)
            case ast.SetComprehension():
                return self._set_comprehension(e, expected)
            case ast.MapComprehension():
                return self._map_comprehension(e, expected)
            case ast.RecordExpr():
                return self.record(e)
            case ast.FieldAccess():
                return self._narrowed(e, self._field(e))
            case ast.IndexExpr():
                return self._index(e)
            case ast.Primed():
                from verikit.semantics.steps import check_primed

                return check_primed(self, e, expected)
            case ast.CallExpr():
                return self._call(e, expected)
            case ast.AllExpr(type=texpr):
                return self.domain(self.env.types.resolve(texpr), e.span)
            case ast.TupleExpr():
                return self._tuple(e, expected)
            case ast.LetExpr():
                return self._let(e, expected)
            case ast.LetTupleExpr():
                return self._let_tuple(e, expected)
            case ast.PickExpr():
                return self._pick(e)
        raise TypeError(e)

    def _narrowed(self, e: ast.Expr, x: ir.Expr) -> ir.Expr:
        """An optional place a condition proved not none reads as its value (narrowing.py)."""
        if self.ctx.narrowed and isinstance(x.type, OptionType) and place(e) in self.ctx.narrowed:
            return ir.Unwrap(x, x.type.inner, x.span)
        return x

    def expect(self, e: ast.Expr, want: Type, what: str = "") -> ir.Expr:
        """`e` checked against `want`; `what` ends the message, e.g. " for `state`"."""
        return self.coerce(self.check(e, want), want, e, what)

    def coerce(self, x: ir.Expr, want: Type, e: ast.Expr, what: str = "") -> ir.Expr:
        """`x` where a `want` is needed: as it is, unwrapped from an optional, or an error."""
        if assignable(x.type, want):
            return x
        if isinstance(x.type, OptionType) and assignable(x.type.inner, want):
            return ir.Unwrap(x, x.type.inner, x.span)
        self.error(e.span, f"{show(e)} is {type_str(x.type)}, expected {type_str(want)}{what}")
        return error_expr(e.span)

    def condition(self, e: ast.Expr, what: str = "") -> ir.Expr:
        return self.expect(e, BOOL, what)

    def integer(self, e: ast.Expr, what: str = "") -> ir.Expr:
        return self.expect(e, INT, what)

    def plain(self, x: ir.Expr) -> ir.Expr:
        """An optional value used as its inner value (`none` is a runtime fault)."""
        if isinstance(x.type, OptionType):
            return ir.Unwrap(x, x.type.inner, x.span)
        return x

    def elements(self, e: ast.Expr) -> tuple[ir.Expr, Type]:
        """A set to range over (a set, a sequence's elements, a finite type) and its elements."""
        x = self.plain(self.check(e))
        match x.type:
            case SetType(elem=elem):
                return x, elem
            case SeqType(elem=elem):
                return ir.Call("to_set", (x,), SetType(elem), x.span), elem
        if not has_error(x.type):
            self.error(e.span, f"{show(e)} is {type_str(x.type)}, expected a set to range over")
        return x, ERROR

    def domain(self, t: Type, span: Span) -> ir.Expr:
        """Every value of `t` as a set (a type name used as an expression, `all T`)."""
        if not is_finite(t) and not has_error(t):
            self.error(
                span, f"the values of {type_str(t)} cannot be enumerated (not a finite type)"
            )
        return ir.Domain(t, SetType(t), span)

    def needs_context(self, e: ast.Expr) -> bool:
        """Does `e` get its type from the context (`none`, `{}`, a shared enum member)?"""
        match e:
            case ast.NoneLit():
                return True
            case ast.SetExpr(elems=elems) | ast.SeqExpr(elems=elems):
                return all(self.needs_context(x) for x in elems)
            case ast.Name(id=name):
                if self._is_value(name):
                    return False
                group = self.env.groups.get(name)
                return bool(self.env.types.members(name)) or (
                    group is not None and group.count == 1
                )
            case ast.IfExpr(then=then, else_=else_):
                return self.needs_context(then) and self.needs_context(else_)
        return False

    def pair(
        self, left: ast.Expr, right: ast.Expr, expected: Type | None
    ) -> tuple[ir.Expr, ir.Expr]:
        """Check two operands, the context-typed one with the other's type as expected."""
        if self.needs_context(left) and not self.needs_context(right):
            r = self.check(right, expected)
            return self.check(left, r.type), r
        lhs = self.check(left, expected)
        return lhs, self.check(right, lhs.type)

    # ------------------------------------------------------------ names

    def _is_value(self, name: str) -> bool:
        """Is `name` a local, a variable or a constant here (these shadow enum members)?"""
        node = self.ctx.node
        return (
            name in self.ctx.scope
            or (node is not None and name in node.scope.vars)
            or name in self.env.decls.vars
            or name in self.env.decls.consts
        )

    def group_named(self, e: ast.Expr) -> NodeGroup | None:
        """The node group `e` names, unless a local or variable shadows it."""
        if isinstance(e, ast.Name) and e.id in self.env.groups and not self._is_value(e.id):
            return self.env.groups[e.id]
        return None

    def self_expr(self, span: Span) -> ir.Expr:
        node = self.ctx.node
        if node is None:
            self.error(span, "`self` is only available inside a node")
            return error_expr(span)
        return ir.Local("self", node.type, span)

    def node_var(self, group: str, var: str, node_id: ir.Expr, span: Span) -> ir.Expr:
        slot = self.env.slots[f"{group}.{var}"]
        assert isinstance(slot.type, MapType)
        return ir.Index(replace(slot, span=span), node_id, slot.type.value, span)

    def _name(self, e: ast.Name, expected: Type | None) -> ir.Expr:
        name, span, env = e.id, e.span, self.env
        if name == "self":
            return self.self_expr(span)
        if name in self.ctx.scope:
            b = self.ctx.scope[name]
            return ir.Local(b.ir_name, b.type, span)
        node = self.ctx.node
        if node is not None and name in node.scope.vars:
            return self.node_var(node.name, name, self.self_expr(span), span)
        if name in env.decls.vars:
            return replace(env.slots[name], span=span)
        if name in env.decls.consts:
            value = env.consts.const(name)
            if isinstance(value, Fraction):
                self.error(span, f"`{name}` is a real constant: {REALS_ONLY_IN_QUERIES}")
                return error_expr(span)
            if value is None:
                return error_expr(span)
            t = _const_type(value)
            if has_error(t) and expected is not None and assignable(strip_option(expected), t):
                t = strip_option(expected)  # `const None = {}` used where a set<T> is wanted
            elif has_error(t):
                self.error(span, f"cannot tell the type of constant `{name}` (an empty set); "
                           "use it where a typed set is expected, or give it an element")  # fmt: skip
                return error_expr(span)
            return ir.Lit(value, t, span)
        want = strip_option(expected) if expected is not None else None
        if isinstance(want, EnumType) and name in want.members:
            return ir.Lit(name, want, span)
        group = env.groups.get(name)
        if group is not None and group.count == 1 and isinstance(want, NodeType):
            return ir.Lit(group.first, NodeType((group,)), span)  # a singleton group's node
        if name in env.decls.types or name in env.groups or name in ("bool", "int"):
            return self.domain(env.types.named_type(name, span), span)
        return self._member(e, want)

    def _member(self, e: ast.Name, want: Type | None) -> ir.Expr:
        enums = self.env.types.members(e.id)
        if len(enums) == 1:
            return ir.Lit(e.id, enums[0], e.span)
        if enums:
            listed = "; ".join(str(t) for t in enums)
            self.error(
                e.span,
                f"`{e.id}` is a member of several enums ({listed}); use it where the expected "
                "type is known, e.g. compare or assign it to a typed value",
            )
        elif e.id in self.env.decls.messages:
            self.error(e.span, f"`{e.id}` is a message; make one with `{e.id} {{ … }}`")
        elif e.id in self.env.decls.fns:
            self.error(e.span, f"`{e.id}` is a fn; call it with `{e.id}(…)`")
        else:
            hint = did_you_mean(e.id, self._visible_names())
            self.error(e.span, f"unknown variable `{e.id}`{hint}")
        return error_expr(e.span)

    def _visible_names(self) -> list[str]:
        env, node = self.env, self.ctx.node
        names = [*self.ctx.scope, *env.decls.vars, *env.decls.consts, *env.types.enums]
        names += [*env.decls.types, *env.groups]
        if node is not None:
            names += [*node.scope.vars, "self"]
        return names

    # ------------------------------------------------------------ literals and operators

    def _none(self, e: ast.NoneLit, expected: Type | None) -> ir.Expr:
        if isinstance(expected, OptionType) or (expected is not None and has_error(expected)):
            return ir.Lit(None, expected, e.span)
        if expected is None:
            self.error(
                e.span, "cannot tell the type of `none` here; compare it with an optional value"
            )
        else:
            self.error(
                e.span,
                f"`none` is not a value of {type_str(expected)} (an optional type `T?` is needed)",
            )
        return error_expr(e.span)

    def _if(self, e: ast.IfExpr, expected: Type | None) -> ir.Expr:
        cond = self.condition(e.cond, " (condition of `if`)")
        yes, no = self.narrow(e.cond), self.narrow(e.cond, False)
        if expected is None and yes.needs_context(e.then):
            else_ = no.check(e.else_)
            then = yes.check(e.then, else_.type)
        else:
            then = yes.check(e.then, expected)
            else_ = no.check(e.else_, expected if expected is not None else then.type)
        result = join(then.type, else_.type)
        if result is None:
            self.error(
                e.span,
                f"the branches of `if` differ: {show(e.then)} is {type_str(then.type)}, "
                f"{show(e.else_)} is {type_str(else_.type)}",
            )
            return error_expr(e.span)
        return ir.Cond(cond, then, else_, result, e.span)

    def _quantifier(self, e: ast.Quantifier) -> ir.Expr:
        domain, elem = self.elements(e.domain)
        inner, names = self, []
        for var in e.vars:
            name, inner = inner.bind(var, elem, "bound", e.span)
            names.append(name)
        body = inner.condition(e.body, f" (body of `{e.kind}`)")
        shared = domain
        if len(names) > 1 and not isinstance(domain, ir.Domain | ir.Lit):
            shared = ir.Local("#dom", domain.type, domain.span)  # evaluate the domain once
        for name in reversed(names):
            body = ir.Quant(e.kind, name, shared, body, BOOL, e.span)
        if shared is not domain:
            body = ir.Let("#dom", domain, body, BOOL, e.span)
        return body

    def _literal(self, e: ast.SetExpr | ast.SeqExpr, expected: Type | None) -> ir.Expr:
        """`{a, b}` / `[a, b]`; empty ones take their type from the context (`{}` may be an
        empty map)."""
        is_set = isinstance(e, ast.SetExpr)
        want = strip_option(expected) if expected is not None else None
        if isinstance(want, MapType) and is_set and not e.elems:
            no_keys = ir.SetLit((), SetType(want.key), e.span)
            return ir.MapLit("#k", no_keys, ir.Lit(None, want.value, e.span), want, e.span)
        want_elem: Type | None = None
        match want:
            case SetType(elem=elem) if is_set:
                want_elem = elem
            case SeqType(elem=elem) if not is_set:
                want_elem = elem
            case _ if want is not None and has_error(want):
                want_elem = ERROR
        if not e.elems and want_elem is None:
            word = "{}" if is_set else "[]"
            self.error(
                e.span, f"cannot tell the type of `{word}` here; assign it to a typed variable"
            )
            return error_expr(e.span)
        elems, elem_type = self._elements_of(e.elems, want_elem)
        if is_set:
            return ir.SetLit(elems, SetType(elem_type), e.span)
        bound = want.max_len if isinstance(want, SeqType) else None
        return ir.SeqLit(elems, SeqType(elem_type, bound), e.span)

    def _elements_of(
        self, items: tuple[ast.Expr, ...], want: Type | None
    ) -> tuple[tuple[ir.Expr, ...], Type]:
        if want is not None:
            return tuple(self.expect(x, want, " (element)") for x in items), want
        if not items:
            return (), ERROR
        first = next((x for x in items if not self.needs_context(x)), items[0])
        head = self.check(first)
        result: Type = head.type
        checked: dict[int, ir.Expr] = {id(first): head}
        for x in items:
            if x is first:
                continue
            value = self.check(x, result)
            merged = join(result, value.type)
            if merged is None:
                self.error(
                    x.span,
                    f"elements differ in type: {show(first)} is {type_str(result)}, {show(x)} is {type_str(value.type)}",
                )
                value = error_expr(x.span)
            else:
                result = merged
            checked[id(x)] = value
        return tuple(checked[id(x)] for x in items), result

    def range_of(self, lo: ast.Expr, hi: ast.Expr, span: Span) -> ir.Expr:
        """`lo..hi` / `range(lo, hi)`: typed `set<lo..hi>` when both bounds are constant."""
        low, high = self.integer(lo, " (range bound)"), self.integer(hi, " (range bound)")
        consts = self.env.consts
        a, b = consts.try_evaluate(lo), consts.try_evaluate(hi)
        elem = INT
        if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and a <= b:
            elem = IntType(a, b)
        return ir.Call("range", (low, high), SetType(elem), span)

    def _set_comprehension(self, e: ast.SetComprehension, expected: Type | None) -> ir.Expr:
        domain, elem_type = self.elements(e.domain)
        var, inner = self.bind(e.var, elem_type, "bound", e.span)
        want = strip_option(expected) if expected is not None else None
        if isinstance(want, SetType):
            elem = inner.expect(e.elem, want.elem, " (element)")
        else:
            elem = inner.check(e.elem)
        keep = ir.Lit(True, BOOL) if e.filter is None else inner.condition(e.filter, " (filter)")
        result = want.elem if isinstance(want, SetType) else elem.type
        return ir.SetComp(var, domain, elem, keep, SetType(result), e.span)

    def _map_comprehension(self, e: ast.MapComprehension, expected: Type | None) -> ir.Expr:
        domain, key_type = self.elements(e.domain)
        var, inner = self.bind(e.var, key_type, "bound", e.span)
        want = strip_option(expected) if expected is not None else None
        if isinstance(want, MapType):
            if not assignable(key_type, want.key):
                self.error(
                    e.domain.span,
                    f"{show(e.domain)} has elements of {type_str(key_type)}, expected keys of {type_str(want.key)}",
                )
            value = inner.expect(e.value, want.value, " (map value)")
            return ir.MapLit(var, domain, value, want, e.span)
        if not is_finite(key_type) and not has_error(key_type):
            self.error(e.domain.span, f"map keys must be a finite type, not {type_str(key_type)}")
        value = inner.check(e.value)
        return ir.MapLit(var, domain, value, MapType(key_type, value.type), e.span)

    def _tuple(self, e: ast.TupleExpr, expected: Type | None) -> ir.Expr:
        """`(a, b)`: a record whose fields are named 1, 2, … (core/types.py tuple_type)."""
        want = strip_option(expected) if expected is not None else None
        if isinstance(want, RecordType) and is_tuple(want) and len(want.fields) == len(e.elems):
            elems = tuple(
                self.expect(x, ft, f" (position {i} of the tuple)")
                for i, (x, (_, ft)) in enumerate(zip(e.elems, want.fields, strict=True), 1)
            )
            return ir.RecordLit(elems, want, e.span)
        checked = tuple(self.check(x) for x in e.elems)
        return ir.RecordLit(checked, tuple_type(tuple(x.type for x in checked)), e.span)

    def _let(self, e: ast.LetExpr, expected: Type | None) -> ir.Expr:
        """`let x = v in body`: v evaluated once, x not assignable."""
        value = self.check(e.value)
        name, inner = self.bind(e.name, value.type, "bound", e.span)
        body = inner.check(e.body, expected)
        return ir.Let(name, value, body, body.type, e.span)

    def _let_tuple(self, e: ast.LetTupleExpr, expected: Type | None) -> ir.Expr:
        """`let (a, b) = v in body`: v once into a hidden local, then a name per position."""
        value = self.plain(self.check(e.value))
        t, n = value.type, len(e.names)
        if not (isinstance(t, RecordType) and is_tuple(t) and len(t.fields) == n):
            if not has_error(t):
                self.error(e.value.span, f"{show(e.value)} is {type_str(t)}, expected a tuple of {n}")
            t = tuple_type((ERROR,) * n)
        assert isinstance(t, RecordType)
        hidden, inner = self.bind("#tuple", t, "bound", e.span)
        names = []
        for name, (_, ft) in zip(e.names, t.fields, strict=True):
            ir_name, inner = inner.bind(name, ft, "bound", e.span)
            names.append((ir_name, ft))
        body = inner.check(e.body, expected)
        whole = ir.Local(hidden, t, e.span)
        for i, (ir_name, ft) in reversed(list(enumerate(names))):
            part = ir.Field(whole, i, str(i + 1), ft, e.span)
            body = ir.Let(ir_name, part, body, body.type, e.span)
        return ir.Let(hidden, value, body, body.type, e.span)

    def _pick(self, e: ast.PickExpr) -> ir.Expr:
        """`pick x in S where P`: the least element of S (in the order sets are iterated)
        satisfying P, the same one every time; none is a runtime fault (builtin `pick`)."""
        domain, elem = self.elements(e.domain)
        if e.filter is not None:
            var, inner = self.bind(e.var, elem, "bound", e.span)
            keep = inner.condition(e.filter, " after `where`")
            local = ir.Local(var, elem, e.span)
            domain = ir.SetComp(var, domain, local, keep, SetType(elem), e.span)
        return ir.Call("pick", (domain,), elem, e.span)

    def tuple_position(self, t: RecordType, index: ast.Expr) -> int | None:
        """The 0-based field of `t[index]` on a tuple: index must be a constant 1..n."""
        i = self.env.consts.try_evaluate(index)
        n = len(t.fields)
        if isinstance(i, int) and not isinstance(i, bool) and 1 <= i <= n:
            return i - 1
        self.error(index.span, f"a tuple of {n} is indexed by a constant position 1..{n}")
        return None

    # ------------------------------------------------------------ records, fields, indexing

    def record(self, e: ast.RecordExpr) -> ir.Expr:
        """`M { f: e }`: a message or a value of a named record type."""
        types = self.env.types
        variant = types.message(e.type_name)
        if variant is not None:
            fields = self._field_values(e, variant, f"message {e.type_name}")
            return ir.MessageLit(e.type_name, fields, MessageType((variant,)), e.span)
        if e.type_name in self.env.decls.types:
            t = types.named_type(e.type_name, e.span)
            if isinstance(t, RecordType):
                return ir.RecordLit(self._field_values(e, t, f"record {t.name}"), t, e.span)
            if not has_error(t):
                self.error(
                    e.span, f"`{e.type_name}` is {type_str(t)}, not a record or message type"
                )
            return error_expr(e.span)
        hint = did_you_mean(e.type_name, [*self.env.decls.messages, *self.env.decls.types])
        self.error(e.span, f"unknown message or record type `{e.type_name}`{hint}")
        return error_expr(e.span)

    def _field_values(self, e: ast.RecordExpr, t: RecordType, owner: str) -> tuple[ir.Expr, ...]:
        given: dict[str, ir.Expr] = {}
        names = [n for n, _ in t.fields]
        for init in e.fields:
            if init.name in given:
                self.error(init.span, f"field `{init.name}` is given twice")
            elif init.name not in names:
                hint = did_you_mean(init.name, names)
                self.error(init.span, f"unknown field `{init.name}` of {owner}{hint}")
            else:
                ft = t.fields[t.field_index(init.name)][1]
                given[init.name] = self.expect(init.value, ft, f" for field `{init.name}`")
        missing = [n for n in names if not any(f.name == n for f in e.fields)]
        if missing and all(f.name in names for f in e.fields):  # else a misspelling, reported
            listed = ", ".join(f"`{n}`" for n in missing)
            self.error(
                e.span, f"missing field{'s' if len(missing) > 1 else ''} {listed} of {owner}"
            )
        return tuple(given.get(n, error_expr(e.span)) for n in names)

    def _field(self, e: ast.FieldAccess) -> ir.Expr:
        if isinstance(e.base, ast.Name) and e.base.id == "network" and not self._declared(
            "network"
        ):  # `network.empty`, unless the spec has a `network` of its own
            from verikit.semantics.builtins import network_empty

            return network_empty(self, e)
        group = self.group_named(e.base)
        if group is not None:
            if group.count != 1:
                self.error(
                    e.span,
                    f"`{group.name}` has {group.count} nodes; name one (`{group.name}[1].{e.name}`) "
                    f"or quantify (`forall p in {group.name}: p.{e.name}`)",
                )
                return error_expr(e.span)
            node_id = ir.Lit(group.first, NodeType((group,)), e.base.span)
            return self._node_member(group, e.name, node_id, e)
        return self.field_of(self.check(e.base), e)

    def _declared(self, name: str) -> bool:
        """Is `name` a local, a variable or a constant here?"""
        node, decls = self.ctx.node, self.env.decls
        return (
            name in self.ctx.scope
            or (node is not None and name in node.scope.vars)
            or name in decls.vars
            or name in decls.consts
        )

    def field_of(self, base: ir.Expr, e: ast.FieldAccess) -> ir.Expr:
        base = self.plain(base)
        match base.type:
            case NodeType(groups=(group,)):
                return self._node_member(group, e.name, base, e)
            case NodeType(groups=groups):
                listed = ", ".join(g.name for g in groups)
                self.error(
                    e.span,
                    f"{show(e.base)} may be a node of {listed}; `.{e.name}` needs a node of one group",
                )
            case RecordType() | MessageType(variants=(_,)):
                record = base.type if isinstance(base.type, RecordType) else base.type.variants[0]
                names = [n for n, _ in record.fields]
                if e.name in names:
                    index = record.field_index(e.name)
                    return ir.Field(base, index, e.name, record.fields[index][1], e.span)
                hint = did_you_mean(e.name, names)
                self.error(e.span, f"unknown field `{e.name}` of {type_str(base.type)}{hint}")
            case MessageType():
                self.error(
                    e.span,
                    f"{show(e.base)} may be any message; bind a handler to one message to read `{e.name}`",
                )
            case t if not has_error(t):
                self.error(e.span, f"{show(e.base)} is {type_str(t)}, which has no fields")
        return error_expr(e.span)

    def _node_member(
        self, group: NodeGroup, var: str, node_id: ir.Expr, e: ast.FieldAccess
    ) -> ir.Expr:
        scope = self.env.nodes[group.name].scope
        if var not in scope.vars:
            hint = did_you_mean(var, scope.vars)
            self.error(e.span, f"node {group.name} has no variable `{var}`{hint}")
            return error_expr(e.span)
        return self.node_var(group.name, var, node_id, e.span)

    def _index(self, e: ast.IndexExpr) -> ir.Expr:
        group = self.group_named(e.base)
        if group is not None:
            return self.node_id(group, e.index, e.span)
        base = self.plain(self.check(e.base))
        match base.type:
            case RecordType(fields=fields) if is_tuple(base.type):
                at = self.tuple_position(base.type, e.index)
                if at is not None:
                    return ir.Field(base, at, str(at + 1), fields[at][1], e.span)
                return error_expr(e.span)
            case MapType(key=key, value=value):
                return ir.Index(base, self.expect(e.index, key, " as a key"), value, e.span)
            case SeqType(elem=elem):
                return ir.Index(base, self.integer(e.index, " as a position"), elem, e.span)
            case t if not has_error(t):
                self.error(
                    e.span,
                    f"{show(e.base)} is {type_str(t)}; only maps and sequences can be indexed",
                )
        return error_expr(e.span)

    def node_id(self, group: NodeGroup, index: ast.Expr, span: Span) -> ir.Expr:
        """`G[i]`: the id of the i-th node of G (counting from 1)."""
        t = NodeType((group,))
        if self.env.nodes[group.name].scope.decl.symmetric:
            self.error(
                span,
                f"`{group.name}[…]` names one node of symmetric group `{group.name}`, whose nodes must be interchangeable",
            )
        i = self.env.consts.try_evaluate(index)
        if isinstance(i, int) and not isinstance(i, bool):
            if not 1 <= i <= group.count:
                self.error(index.span, f"`{group.name}` has nodes 1..{group.count}, not {i}")
                return error_expr(span)
            return ir.Lit(group.first + i - 1, t, span)
        position = self.integer(index, " (node number)")
        return ir.Binary("add", position, ir.Lit(group.first - 1, INT, span), t, span)

    def _call(self, e: ast.CallExpr, expected: Type | None) -> ir.Expr:
        from verikit.semantics.builtins import BUILTIN_ARITY, check_builtin
        from verikit.semantics.graphs import ARITY as GRAPH_ARITY
        from verikit.semantics.graphs import check_graph_builtin

        fns = self.env.fns
        assert fns is not None
        if fns.find(e.name, self.ctx.node) is not None:
            return fns.call_expr(self, e)
        if e.name in BUILTIN_ARITY:
            return check_builtin(self, e, expected)
        if e.name in GRAPH_ARITY:
            return check_graph_builtin(self, e)
        hint = did_you_mean(e.name, [*fns.names(self.ctx.node), *BUILTIN_ARITY, *GRAPH_ARITY])
        self.error(e.span, f"unknown function `{e.name}`{hint}")
        return error_expr(e.span)


def _const_type(value: object) -> Type:
    """An int constant is an int; a set or tuple constant's ints are typed by the range of
    the values at their position (`{{1, 2}, {2, 3}}` is a set<set<1..3>>), so it ranges over
    a finite type like a declared one."""
    if isinstance(value, frozenset | tuple):
        return _elements_type([value]) or ERROR
    return BOOL if isinstance(value, bool) else INT


def _elements_type(values: list[object]) -> Type | None:
    """The least type holding every value (all of one shape), None when there are none."""
    if not values:
        return None
    first = values[0]
    if isinstance(first, bool):
        return BOOL
    if isinstance(first, int):
        ints = [v for v in values if isinstance(v, int)]
        return IntType(min(ints), max(ints))
    if isinstance(first, tuple):
        positions = zip(*[v for v in values if isinstance(v, tuple)], strict=True)
        parts = [_elements_type(list(p)) for p in positions]
        return tuple_type(tuple(p or ERROR for p in parts))
    if isinstance(first, frozenset):
        inner = [x for v in values if isinstance(v, frozenset) for x in v]
        return SetType(_elements_type(inner) or ERROR)
    return None
