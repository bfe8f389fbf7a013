"""The surface AST: frozen dataclasses, one per grammar rule, a span on every node.

No behaviour lives here. Spans do not take part in equality (`compare=False`), so
`parse(print(ast)) == ast` holds for the printer round trip. Names are plain strings;
resolution happens in semantics/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

from verikit.errors import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- type expressions


@dataclass(frozen=True)
class NamedType:
    """`bool`, `int`, a declared type, a message or a node group name."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class RangeType:
    """`lo..hi` (bounds are constant expressions)."""

    lo: Expr
    hi: Expr
    span: Span = _span()


@dataclass(frozen=True)
class EnumTypeExpr:
    members: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True)
class FieldDecl:
    name: str
    type: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class RecordTypeExpr:
    fields: tuple[FieldDecl, ...]
    span: Span = _span()


@dataclass(frozen=True)
class OptionTypeExpr:
    """`T?`"""

    inner: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class SetTypeExpr:
    elem: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class MapTypeExpr:
    key: TypeExpr
    value: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class SeqTypeExpr:
    """`seq<T>` or `seq<T, max>` (a bounded sequence)."""

    elem: TypeExpr
    max_len: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True)
class TupleTypeExpr:
    """`tuple<A, B>`: the type of the tuples `(a, b)` (two or more elements)."""

    elems: tuple[TypeExpr, ...]
    span: Span = _span()


TypeExpr = Union[  # noqa: UP007
    NamedType, RangeType, EnumTypeExpr, RecordTypeExpr, OptionTypeExpr, SetTypeExpr,
    MapTypeExpr, SeqTypeExpr, TupleTypeExpr,
]  # fmt: skip

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Name:
    """An identifier: variable, constant, enum member, parameter, `self`, `from`."""

    id: str
    span: Span = _span()


@dataclass(frozen=True)
class IntLit:
    value: int
    span: Span = _span()


@dataclass(frozen=True)
class DecimalLit:
    """`0.01`: a real number, exact (allowed in constants and `query` blocks only)."""

    value: Fraction
    span: Span = _span()


@dataclass(frozen=True)
class BoolLit:
    value: bool
    span: Span = _span()


@dataclass(frozen=True)
class NoneLit:
    span: Span = _span()


@dataclass(frozen=True)
class UnaryOp:
    """`not e`, `-e`"""

    op: str  # "not" | "-"
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True)
class BinOp:
    """Operators as written: and or implies == != < <= > >= + - * / % in `not in` & subset."""

    op: str
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True)
class IfExpr:
    """`if c then a else b`"""

    cond: Expr
    then: Expr
    else_: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Quantifier:
    """`forall p, q in S: body` / `exists …`"""

    kind: str  # "forall" | "exists"
    vars: tuple[str, ...]
    domain: Expr
    body: Expr
    span: Span = _span()


@dataclass(frozen=True)
class SetExpr:
    """`{a, b}`; `{}` is the empty set or the empty map, by context."""

    elems: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class SeqExpr:
    """`[a, b]`"""

    elems: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class RangeExpr:
    """`lo..hi` as a set of ints."""

    lo: Expr
    hi: Expr
    span: Span = _span()


@dataclass(frozen=True)
class SetComprehension:
    """`{ elem for x in S if cond }` (cond optional)."""

    elem: Expr
    var: str
    domain: Expr
    filter: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True)
class MapComprehension:
    """`{ k: value for k in S }`"""

    var: str
    value: Expr
    domain: Expr
    span: Span = _span()


@dataclass(frozen=True)
class FieldInit:
    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class RecordExpr:
    """`Vote { yes: true }`: a message or a named record type, fields by name."""

    type_name: str
    fields: tuple[FieldInit, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Primed:
    """`e'`: e in the next state (only in `property P: always step: …`)."""

    expr: Expr
    span: Span = _span()


@dataclass(frozen=True)
class FieldAccess:
    """`base.name`: a record/message field, or another node's variable (`p.state`)."""

    base: Expr
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class IndexExpr:
    """`base[index]`: map lookup, sequence position (from 1), or node of a group
    (`Participant[2]`)."""

    base: Expr
    index: Expr
    span: Span = _span()


@dataclass(frozen=True)
class CallExpr:
    """`f(a, b)`: a builtin or a helper `fn`."""

    name: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class TupleExpr:
    """`(a, b)`: a tuple of two or more values."""

    elems: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class LetExpr:
    """`let x = value in body`"""

    name: str
    value: Expr
    body: Expr
    span: Span = _span()


@dataclass(frozen=True)
class LetTupleExpr:
    """`let (a, b) = value in body`: each name bound to its position of the tuple."""

    names: tuple[str, ...]
    value: Expr
    body: Expr
    span: Span = _span()


@dataclass(frozen=True)
class PickExpr:
    """`pick x in S where cond`: the least element of S (set order) satisfying cond."""

    var: str
    domain: Expr
    filter: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True)
class AllExpr:
    """`all T`: every value of a finite type as a set (`all Participant`)."""

    type: TypeExpr
    span: Span = _span()


Expr = Union[  # noqa: UP007
    Name, IntLit, DecimalLit, BoolLit, NoneLit, UnaryOp, BinOp, IfExpr, Quantifier, SetExpr, SeqExpr,
    RangeExpr, SetComprehension, MapComprehension, RecordExpr, FieldAccess, IndexExpr,
    CallExpr, AllExpr, TupleExpr, LetExpr, PickExpr, LetTupleExpr, Primed,
]  # fmt: skip

# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class AssignStmt:
    """`target = value` where target is a name, a field or an index chain."""

    target: Expr
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class IfStmt:
    """`if c { … } else if d { … } else { … }`; `else if` nests in else_."""

    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...] = ()
    span: Span = _span()


@dataclass(frozen=True)
class ChooseStmt:
    """`choose x in S { … }` (nondeterministic)."""

    var: str
    domain: Expr
    body: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True)
class ForStmt:
    """`for x in S { … }` (deterministic, every element)."""

    var: str
    domain: Expr
    body: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True)
class LetStmt:
    """`let x = e`"""

    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class LetTupleStmt:
    """`let (a, b) = e`: binds each name to its position of the tuple e."""

    names: tuple[str, ...]
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class SendStmt:
    """`send Msg { … } to dst`"""

    message: RecordExpr
    to: Expr
    span: Span = _span()


@dataclass(frozen=True)
class BroadcastStmt:
    """`broadcast Msg { … } to Group` (to every node of the group or set but the sender)."""

    message: RecordExpr
    to: Expr
    span: Span = _span()


@dataclass(frozen=True)
class RequireStmt:
    """`require cond`: this step is possible only if cond holds here."""

    cond: Expr
    span: Span = _span()


@dataclass(frozen=True)
class AssertStmt:
    """`assert [label:] cond`: a runtime fault, naming the assertion, when cond is false."""

    cond: Expr
    label: str | None = None
    span: Span = _span()


@dataclass(frozen=True)
class CallStmt:
    """`decide(Abort)`: call a helper `fn` with a statement body."""

    name: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class SkipStmt:
    span: Span = _span()


Stmt = Union[  # noqa: UP007
    AssignStmt, IfStmt, ChooseStmt, ForStmt, LetStmt, SendStmt, BroadcastStmt, RequireStmt,
    CallStmt, SkipStmt, AssertStmt, LetTupleStmt,
]  # fmt: skip

# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class ConstDecl:
    """`const N = 3` (overridable with --const N=4)."""

    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class TypeDecl:
    """`type Decision = enum { Commit, Abort }`"""

    name: str
    type: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class MessageDecl:
    """`message Vote { yes: bool }`"""

    name: str
    fields: tuple[FieldDecl, ...]
    span: Span = _span()


@dataclass(frozen=True)
class GroupBound:
    """`Acceptor: 2` in `max_crashes: [Acceptor: 2, Proposer: 1]`."""

    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class GroupBounds:
    """`[Acceptor: 2, Proposer: 1]`: a network setting given per node group (or message)."""

    items: tuple[GroupBound, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Setting:
    name: str
    value: Expr | GroupBounds
    span: Span = _span()


@dataclass(frozen=True)
class NetworkDecl:
    """`network { loss: true reorder: true max_in_flight: 6 }`"""

    settings: tuple[Setting, ...]
    span: Span = _span()


@dataclass(frozen=True)
class VarDecl:
    """`[durable] var x: T = e`; `init is None` means `= any` (every value of T)."""

    name: str
    type: TypeExpr
    init: Expr | None
    durable: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class InitDecl:
    """`init { … }`: runs after the variable initialisers; may `choose`."""

    body: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True)
class ParamDecl:
    """`r: RM` (ranges over the type) or `r in expr` (over a set)."""

    name: str
    type: TypeExpr | None
    domain: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True)
class ActionDecl:
    """`action name(params) when guard { … }`"""

    name: str
    params: tuple[ParamDecl, ...]
    guard: Expr | None
    body: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True)
class HandlerDecl:
    """`on Msg(m) from p when guard { … }`; binding and sender are optional."""

    message: str
    binding: str | None
    sender: str | None
    guard: Expr | None
    body: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True)
class FnDecl:
    """`fn f(x: T) -> U = expr` (pure) or `fn f(x: T) { … }` (statements); inlined."""

    name: str
    params: tuple[ParamDecl, ...]
    result: TypeExpr | None
    expr: Expr | None
    body: tuple[Stmt, ...] | None
    span: Span = _span()


@dataclass(frozen=True)
class NodeDecl:
    """`[symmetric] node Name[count] { vars, init, actions, handlers, fns }`"""

    name: str
    count: Expr | None
    members: tuple[Decl, ...]
    symmetric: bool = False
    span: Span = _span()


TEMPORAL_KINDS = (
    "always", "eventually", "always_eventually", "eventually_always", "leads_to", "always_step",
)  # fmt: skip


@dataclass(frozen=True)
class Binder:
    """`forall p, q in D:` in front of a temporal property: one instance per value."""

    vars: tuple[str, ...]
    domain: Expr
    span: Span = _span()


@dataclass(frozen=True)
class PropertyDecl:
    """`invariant Name: e`, `reachable Name: e`, `lemma Name: e`, `constraint [Name:] e`, and
    `property Name: [forall x in D:]* always e | eventually e | always eventually e |
    eventually always e | t leads_to e | always step: e` (a kind in TEMPORAL_KINDS; `trigger`
    is the t of leads_to, `binders` the quantifiers in front, outermost first; `always step`
    is an action property: e relates each state to the next, read with primes `x'`)."""

    kind: str  # "invariant" | "reachable" | "lemma" | "constraint" | one of TEMPORAL_KINDS
    name: str | None
    expr: Expr
    span: Span = _span()
    trigger: Expr | None = None
    binders: tuple[Binder, ...] = ()


@dataclass(frozen=True)
class FairnessDecl:
    """`[strong] fair action X[(p, …)]` (X or Node.x), `[strong] fair node G`, `fair delivery`."""

    kind: str  # "action" | "node" | "delivery"
    target: str | None  # the action ("Node.act" for a node's) or node group; None for delivery
    strong: bool = False
    span: Span = _span()
    params: tuple[str, ...] = ()  # `fair action eat(p)`: one obligation per value of p


@dataclass(frozen=True)
class DeadlockDecl:
    """`deadlock: allowed` (a state without successors is fine anywhere) or `deadlock:
    reported` (the default); semantics checks the word."""

    mode: str
    span: Span = _span()


@dataclass(frozen=True)
class TerminalDecl:
    """`terminal when e`: such states may have no successor (not a deadlock)."""

    expr: Expr
    span: Span = _span()


@dataclass(frozen=True)
class ExpectDecl:
    """`expect violation Name`: a buggy variant states which property it demonstrates, so a
    check succeeds when exactly that property is violated and fails once it no longer is."""

    property: str
    span: Span = _span()


@dataclass(frozen=True)
class RealDecl:
    """`real a, b` in a query: unknowns whose values Z3 chooses."""

    names: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True)
class AssumeClause:
    """`assume e` in a query: only values satisfying e count."""

    cond: Expr
    span: Span = _span()


@dataclass(frozen=True)
class NeverClause:
    """`never e` in a query: the situation that must be impossible under the assumes."""

    cond: Expr
    span: Span = _span()


QueryMember = Union[RealDecl, LetStmt, AssumeClause, NeverClause]  # noqa: UP007


@dataclass(frozen=True)
class QueryDecl:
    """`query Name { real …  let x = e  assume …  never … }`, members in written order."""

    name: str
    members: tuple[QueryMember, ...]
    span: Span = _span()


@dataclass(frozen=True)
class DropDecl:
    """`drop lemma Name` in a variant: the base's declaration of that kind and name is left
    out (`drop on M`: the node's handlers of M; `drop fair action X`: the fairness of that
    kind and target, weak or strong). syntax/variants.py consumes it."""

    kind: str  # the declaration's keyword: "const", "action", "on", "lemma", "property", …
    name: str  # ("fair": the target, "" for delivery)
    span: Span = _span()
    fairness: FairnessDecl | None = None  # `drop fair …`: the declaration as written


Decl = Union[  # noqa: UP007
    ConstDecl, TypeDecl, MessageDecl, NetworkDecl, VarDecl, InitDecl, ActionDecl, HandlerDecl,
    FnDecl, NodeDecl, PropertyDecl, TerminalDecl, ExpectDecl, FairnessDecl, QueryDecl, DropDecl,
    DeadlockDecl,
]  # fmt: skip


@dataclass(frozen=True)
class Extends:
    """`extends "raft.dsl"` after `spec Name`: this spec is a variant of that file's spec
    (syntax/variants.py merges the two)."""

    path: str
    span: Span = _span()


@dataclass(frozen=True)
class Spec:
    """A spec file. After syntax/variants.py merged a variant into its base, `decls` are the
    whole spec's and `bases` names the specs it extends, nearest first."""

    name: str
    decls: tuple[Decl, ...]
    span: Span = _span()
    extends: Extends | None = None
    bases: tuple[str, ...] = ()
