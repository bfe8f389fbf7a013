"""Type expressions → core types, and the typing relations the checker uses.

A named enum or record keeps its declared name; anonymous ones are named "" (core.types
prints them structurally). Every enum met anywhere is indexed by member so a bare member
name can be resolved, by the expected type when several enums share it.

`assignable` is "a value of this type may be stored there": runtime representations agree
(an optional's value is the bare value; all ints are ints, range-checked on assignment).
"""

from __future__ import annotations

from verikit.core import ir
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
    is_finite,
    tuple_type,
)
from verikit.errors import Span
from verikit.semantics.consts import Consts
from verikit.semantics.diagnostics import Diagnostics, did_you_mean
from verikit.semantics.scope import BUILTIN_TYPES, Declarations, reserved_word
from verikit.syntax import ast

ERROR: Type = EnumType("<error>", ())
"""The type of an expression that already produced a diagnostic; compatible with everything
so one mistake is reported once."""


def error_expr(span: Span) -> ir.Expr:
    """Stands in for a wrong expression (its diagnostic is already reported)."""
    return ir.Lit(None, ERROR, span)


class Types:
    """Resolves type expressions; named types and messages once each, cycles reported."""

    def __init__(
        self, decls: Declarations, consts: Consts, groups: dict[str, NodeGroup], diags: Diagnostics
    ) -> None:
        self.decls = decls
        self.consts = consts
        self.groups = groups
        self.diags = diags
        self.named: dict[str, Type] = {}
        self.active: list[str] = []
        self.enums: dict[str, list[EnumType]] = {}

    # ------------------------------------------------------------ resolution

    def resolve(self, texpr: ast.TypeExpr, name: str = "") -> Type:
        """The core type of a type expression; `name` names a directly declared enum/record."""
        match texpr:
            case ast.NamedType(name=type_name):
                return self.named_type(type_name, texpr.span)
            case ast.RangeType(lo=lo, hi=hi):
                return self._range(lo, hi, texpr.span)
            case ast.EnumTypeExpr(members=members):
                return self._enum(name, members, texpr.span)
            case ast.RecordTypeExpr(fields=fields):
                return RecordType(name, self._fields(fields, "record"))
            case ast.OptionTypeExpr(inner=inner):
                inner_type = self.resolve(inner)
                return inner_type if isinstance(inner_type, OptionType) else OptionType(inner_type)
            case ast.SetTypeExpr(elem=elem):
                return SetType(self.resolve(elem))
            case ast.MapTypeExpr(key=key, value=value):
                key_type = self.resolve(key)
                if not is_finite(key_type) and key_type != ERROR:
                    self.diags.error(key.span, f"map keys must be a finite type, not {key_type}")
                    key_type = ERROR
                return MapType(key_type, self.resolve(value))
            case ast.SeqTypeExpr(elem=elem, max_len=max_len):
                bound = None if max_len is None else self.consts.int_value(max_len, "a seq bound")
                return SeqType(self.resolve(elem), bound)
            case ast.TupleTypeExpr(elems=elems):
                return tuple_type(tuple(self.resolve(x) for x in elems))
        raise TypeError(texpr)

    def named_type(self, name: str, span: Span) -> Type:
        if name == "bool":
            return BOOL
        if name == "int":
            return INT
        if name in self.decls.types:
            return self._declared(name)
        if name in self.decls.messages:
            variant = self.message(name)
            return ERROR if variant is None else MessageType((variant,))
        if name in self.groups:
            return NodeType((self.groups[name],))
        if name in self.decls.consts:
            self.diags.error(span, f"`{name}` is a constant, not a type")
        else:
            hint = did_you_mean(name, self.type_names())
            self.diags.error(span, f"unknown type `{name}`{hint}")
        return ERROR

    def type_names(self) -> list[str]:
        return [*BUILTIN_TYPES, *self.decls.types, *self.decls.messages, *self.groups]

    def message(self, name: str) -> RecordType | None:
        """The record type of message `name` (its variant in MessageType), None if unknown."""
        if name not in self.decls.messages:
            return None
        key = f"message {name}"
        if key not in self.named:
            decl = self.decls.messages[name]
            if not self._enter(key, decl.span):
                return None
            self.named[key] = RecordType(name, self._fields(decl.fields, f"message {name}"))
            self.active.pop()
        result = self.named[key]
        return result if isinstance(result, RecordType) else None

    def all_messages(self) -> MessageType:
        variants = (self.message(name) for name in self.decls.messages)
        return MessageType(tuple(v for v in variants if v is not None))

    def members(self, member: str) -> list[EnumType]:
        """The distinct enum types having `member`."""
        return self.enums.get(member, [])

    def resolve_all(self) -> None:
        """Resolve every declared type up front so every enum member is known before any
        expression is checked (and every type error is reported even if unused)."""
        for name in self.decls.types:
            self._declared(name)
        self.all_messages()
        var_decls = [*self.decls.vars.values()]
        fns = [*self.decls.fns.values()]
        actions = [*self.decls.actions]
        for node in self.decls.nodes.values():
            var_decls += node.vars.values()
            fns += node.fns.values()
            actions += node.actions
        for var in var_decls:
            self.resolve(var.type)
        for fn in fns:
            if fn.result is not None:
                self.resolve(fn.result)
        for params in [fn.params for fn in fns] + [a.params for a in actions]:
            for param in params:
                if param.type is not None:
                    self.resolve(param.type)

    # ------------------------------------------------------------ helpers

    def _enter(self, key: str, span: Span) -> bool:
        if key in self.active:
            cycle = " → ".join([*self.active[self.active.index(key) :], key])
            self.diags.error(span, f"{key} refers to itself ({cycle})")
            self.named[key] = ERROR
            return False
        self.active.append(key)
        return True

    def _declared(self, name: str) -> Type:
        key = f"type {name}"
        if key not in self.named:
            decl = self.decls.types[name]
            if not self._enter(key, decl.span):
                return ERROR
            self.named[key] = self.resolve(decl.type, name)
            self.active.pop()
        return self.named[key]

    def _range(self, lo: ast.Expr, hi: ast.Expr, span: Span) -> Type:
        low = self.consts.int_value(lo, "a range bound")
        high = self.consts.int_value(hi, "a range bound")
        if low is None or high is None:
            return ERROR
        if low > high:
            self.diags.error(span, f"empty range {low}..{high}: the lower bound exceeds the upper")
            return ERROR
        return IntType(low, high)

    def _enum(self, name: str, members: tuple[str, ...], span: Span) -> Type:
        seen: set[str] = set()
        for member in members:
            if member in seen:
                self.diags.error(span, f"enum member `{member}` is listed twice")
            else:
                reserved_word(member, span, self.diags)
            seen.add(member)
        enum = EnumType(name, tuple(dict.fromkeys(members)))
        for member in enum.members:
            known = self.enums.setdefault(member, [])
            if enum not in known:
                known.append(enum)
        return enum

    def _fields(
        self, fields: tuple[ast.FieldDecl, ...], owner: str
    ) -> tuple[tuple[str, Type], ...]:
        result: dict[str, Type] = {}
        for f in fields:
            if f.name in result:
                self.diags.error(f.span, f"duplicate field `{f.name}` in {owner}")
                continue
            result[f.name] = self.resolve(f.type)
        return tuple(result.items())


# ---------------------------------------------------------------- typing relations


def has_error(t: Type) -> bool:
    match t:
        case EnumType(name="<error>"):
            return True
        case (
            OptionType(inner=inner)
            | SetType(elem=inner)
            | SeqType(elem=inner)
            | BagType(elem=inner)
        ):
            return has_error(inner)
        case MapType(key=key, value=value):
            return has_error(key) or has_error(value)
        case RecordType(fields=fields):
            return any(has_error(ft) for _, ft in fields)
    return False


def assignable(src: Type, dst: Type) -> bool:
    """May a value of type `src` be stored where `dst` is expected, as it is?"""
    if src == dst or has_error(src) or has_error(dst):
        return True
    match src, dst:
        case IntType(), IntType():
            return True
        case NodeType(groups=a), NodeType(groups=b):
            return set(a) <= set(b)
        case OptionType(inner=a), OptionType(inner=b):
            return assignable(a, b)
        case _, OptionType(inner=b):
            return assignable(src, b)
        case SetType(elem=a), SetType(elem=b):
            return assignable(a, b)
        case SeqType(elem=a), SeqType(elem=b):
            return assignable(a, b)
        case MapType(key=k1, value=v1), MapType(key=k2, value=v2):
            return k1 == k2 and assignable(v1, v2)
        case MessageType(variants=a), MessageType(variants=b):
            return {v.name for v in a} <= {v.name for v in b}
        case RecordType(name=n1, fields=f1), RecordType(name=n2, fields=f2):
            return (
                n1 == n2
                and [n for n, _ in f1] == [n for n, _ in f2]
                and all(assignable(a, b) for (_, a), (_, b) in zip(f1, f2, strict=True))
            )
    return False


def comparable(a: Type, b: Type) -> bool:
    """May values of these types be compared with `==`?"""
    if assignable(a, b) or assignable(b, a):
        return True
    match strip_option(a), strip_option(b):
        case NodeType(), NodeType():
            return True
        case (x, y):
            return assignable(x, y) or assignable(y, x)
    return False


def join(a: Type, b: Type) -> Type | None:
    """The least type holding values of both (branches of `if`, elements of a literal)."""
    if has_error(a):
        return b
    if has_error(b) or a == b:
        return a
    match a, b:
        case IntType(lo=lo1, hi=hi1), IntType(lo=lo2, hi=hi2):
            if lo1 is None or hi1 is None or lo2 is None or hi2 is None:
                return INT
            return IntType(min(lo1, lo2), max(hi1, hi2))
        case NodeType(groups=g1), NodeType(groups=g2):
            return NodeType(tuple(dict.fromkeys(g1 + g2)))
        case MessageType(variants=v1), MessageType(variants=v2):
            return MessageType(tuple(dict.fromkeys(v1 + v2)))
    if assignable(a, b):
        return b
    if assignable(b, a):
        return a
    return None


def strip_option(t: Type) -> Type:
    return t.inner if isinstance(t, OptionType) else t


def is_int(t: Type) -> bool:
    return isinstance(t, IntType) or has_error(t)


def is_bool(t: Type) -> bool:
    return t == BOOL or has_error(t)


def type_str(t: Type) -> str:
    """A type as a user would write it (a single message type prints as `message Vote`)."""
    if isinstance(t, MessageType) and len(t.variants) == 1:
        return f"message {t.variants[0].name}"
    return str(t)
