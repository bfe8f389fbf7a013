"""Pass 1: declare every name before anything is resolved, so declarations may come in any
order (a node may mention a group declared below it, a fn a type declared after it).

Top-level consts, types, messages, variables, fns and node groups share one namespace;
actions and properties have their own. Inside a node, variables and fns share a namespace
that shadows the top level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verikit.errors import Span
from verikit.semantics.diagnostics import Diagnostics
from verikit.syntax import ast
from verikit.syntax.parser import unusable_as_name

BUILTIN_TYPES = ("bool", "int")


@dataclass
class NodeScope:
    """The members of one `node` declaration, sorted by kind."""

    decl: ast.NodeDecl
    vars: dict[str, ast.VarDecl] = field(default_factory=dict)
    fns: dict[str, ast.FnDecl] = field(default_factory=dict)
    actions: list[ast.ActionDecl] = field(default_factory=list)
    handlers: list[ast.HandlerDecl] = field(default_factory=list)
    inits: list[ast.InitDecl] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.decl.name


@dataclass
class Declarations:
    """Every declared name of a spec, by kind, in declaration order."""

    spec: ast.Spec
    consts: dict[str, ast.ConstDecl] = field(default_factory=dict)
    types: dict[str, ast.TypeDecl] = field(default_factory=dict)
    messages: dict[str, ast.MessageDecl] = field(default_factory=dict)
    vars: dict[str, ast.VarDecl] = field(default_factory=dict)
    fns: dict[str, ast.FnDecl] = field(default_factory=dict)
    nodes: dict[str, NodeScope] = field(default_factory=dict)
    actions: list[ast.ActionDecl] = field(default_factory=list)
    inits: list[ast.InitDecl] = field(default_factory=list)
    properties: list[ast.PropertyDecl | ast.TerminalDecl] = field(default_factory=list)
    network: ast.NetworkDecl | None = None
    deadlock: ast.DeadlockDecl | None = None
    expects: list[ast.ExpectDecl] = field(default_factory=list)
    fairness: list[ast.FairnessDecl] = field(default_factory=list)
    queries: list[ast.QueryDecl] = field(default_factory=list)

    def top_level_names(self) -> list[str]:
        return [*self.consts, *self.types, *self.messages, *self.vars, *self.fns, *self.nodes]


def reserved_word(name: str, span: Span, diags: Diagnostics) -> bool:
    """True when `name` may be declared; False, after an error at the declaration, for a
    keyword (it parses as a declared name, but not everywhere it would be used)."""
    if not unusable_as_name(name):
        return True
    diags.error(
        span,
        f"`{name}` is a keyword, so it cannot name a variable, constant, local, fn, type, node "
        f"or enum member (a statement starting with it would not parse); rename it, e.g. "
        f"`{name}_`",
    )
    return False


DEADLOCK_MODES = ("allowed", "reported")


class _Namespace:
    """Names declared so far in one namespace, reporting duplicates."""

    def __init__(self, diags: Diagnostics, reserved: tuple[str, ...] = ()) -> None:
        # a namespace of values (given the built-in types to guard) refuses keywords too
        self.first: dict[str, Span] = {}
        self.diags = diags
        self.reserved = reserved

    def add(self, name: str, span: Span) -> bool:
        if name in self.reserved:
            self.diags.error(span, f"`{name}` is a built-in type and cannot be redeclared")
            return False
        if self.reserved and not reserved_word(name, span, self.diags):
            return False
        if name in self.first:
            line = self.first[name].line
            self.diags.error(
                span, f"duplicate declaration of `{name}` (first declared at line {line})"
            )
            return False
        self.first[name] = span
        return True


def declare(spec: ast.Spec, diags: Diagnostics) -> Declarations:
    """Pass 1: sort the spec's declarations by kind, reporting duplicates and misplaced ones."""
    decls = Declarations(spec)
    names = _Namespace(diags, BUILTIN_TYPES)
    actions = _Namespace(diags)
    properties = _Namespace(diags)
    for decl in spec.decls:
        match decl:
            case ast.ConstDecl(name=name) if names.add(name, decl.span):
                decls.consts[name] = decl
            case ast.TypeDecl(name=name) if names.add(name, decl.span):
                decls.types[name] = decl
            case ast.MessageDecl(name=name) if names.add(name, decl.span):
                decls.messages[name] = decl
            case ast.VarDecl(name=name) if names.add(name, decl.span):
                decls.vars[name] = decl
            case ast.FnDecl(name=name) if names.add(name, decl.span):
                decls.fns[name] = decl
            case ast.NodeDecl(name=name) if names.add(name, decl.span):
                decls.nodes[name] = _declare_node(decl, diags)
            case ast.ActionDecl(name=name):
                if actions.add(name, decl.span):
                    decls.actions.append(decl)
            case ast.InitDecl():
                decls.inits.append(decl)
            case ast.PropertyDecl(name=name):
                if name is None or properties.add(name, decl.span):
                    decls.properties.append(decl)
            case ast.TerminalDecl():
                decls.properties.append(decl)
            case ast.FairnessDecl():
                decls.fairness.append(decl)
            case ast.QueryDecl(name=name):  # `expect violation` names properties and queries
                if properties.add(name, decl.span):
                    decls.queries.append(decl)
            case ast.NetworkDecl():
                if decls.network is not None:
                    line = decls.network.span.line
                    diags.error(
                        decl.span, f"duplicate `network` declaration (first at line {line})"
                    )
                else:
                    decls.network = decl
            case ast.ExpectDecl():
                decls.expects.append(decl)
            case ast.DeadlockDecl():
                if decls.deadlock is not None:
                    line = decls.deadlock.span.line
                    diags.error(decl.span, f"duplicate `deadlock` declaration (first at line {line})")
                elif decl.mode not in DEADLOCK_MODES:
                    diags.error(
                        decl.span,
                        f"`deadlock: {decl.mode}`: expected `deadlock: allowed` (stopping "
                        "anywhere is fine) or `deadlock: reported` (the default)",
                    )
                else:
                    decls.deadlock = decl
            case ast.HandlerDecl(message=message):
                diags.error(decl.span, f"`on {message}` handlers belong inside a `node`")
    return decls


def _declare_node(decl: ast.NodeDecl, diags: Diagnostics) -> NodeScope:
    scope = NodeScope(decl)
    names = _Namespace(diags, BUILTIN_TYPES)
    actions = _Namespace(diags)
    for member in decl.members:
        match member:
            case ast.VarDecl(name=name) if names.add(name, member.span):
                scope.vars[name] = member
            case ast.FnDecl(name=name) if names.add(name, member.span):
                scope.fns[name] = member
            case ast.ActionDecl(name=name):
                if actions.add(name, member.span):
                    scope.actions.append(member)
            case ast.HandlerDecl():
                scope.handlers.append(member)
            case ast.InitDecl():
                scope.inits.append(member)
            case ast.VarDecl() | ast.FnDecl():
                pass  # duplicate, reported by the namespace
            case _:
                what = _decl_word(member)
                diags.error(member.span, f"{what} cannot be declared inside node `{decl.name}`")
    return scope


def _decl_word(decl: ast.Decl) -> str:
    match decl:
        case ast.ConstDecl():
            return "a `const`"
        case ast.TypeDecl():
            return "a `type`"
        case ast.MessageDecl():
            return "a `message`"
        case ast.NetworkDecl():
            return "the `network`"
        case ast.NodeDecl():
            return "a `node`"
        case ast.PropertyDecl(kind=kind) if kind in ast.TEMPORAL_KINDS:
            return "a `property`"
        case ast.PropertyDecl(kind=kind):
            return f"an `{kind}`" if kind[0] in "aeiou" else f"a `{kind}`"
        case ast.FairnessDecl():
            return "a `fair` declaration"
        case ast.TerminalDecl():
            return "a `terminal` condition"
        case ast.DeadlockDecl():
            return "a `deadlock` setting"
        case ast.ExpectDecl():
            return "an `expect violation`"
    return "this declaration"
