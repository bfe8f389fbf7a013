"""The core IR: typed expressions and statements every back end understands.

Semantics lowers the surface language (nodes, handlers, broadcast, the network, helper
functions) into this small, explicit vocabulary; the compiler, the reference evaluator and
Z3 interpret nothing else. Every node carries its type (expressions) and the span of the
spec text it came from, so a runtime fault points back at `spec.dsl:line:col`.

Conventions every back end implements identically:

* `StateVar(index)` reads slot `index` of the state tuple; `Local(name)` reads a name bound by
  an action parameter, a quantifier, a comprehension, `Let`/`LetStmt` or `Choose`/`ForEach`.
* Boolean `and`/`or`/`implies` short-circuit.
* Integer `div`/`mod` follow Python's floor semantics; dividing by zero is a runtime fault.
* `Index` on a map reads the slot of the key (a MISSING slot is a runtime fault "missing map
  key"); on a sequence it reads position i counting from 1 (out of range is a runtime fault).
* `Unwrap` of `None` is a runtime fault ("value is none").
* Storing a value outside the type of its location (`Assign.target_type`) is a runtime
  fault, at any depth: an int outside a bounded `IntType`, a sequence longer than a
  `SeqType`'s `max_len`, and the same inside a record or message field, an option, a set or
  bag element, a sequence position or a map entry (`x = r.a` can therefore never copy an
  out-of-range field: storing it in `r` faulted). The value is evaluated first, then
  checked, then the path's keys. The message is `core.stored.outside_type(target_type,
  value)`, word for word. This covers every store: action bodies, the init block and
  variable initialisers (lowered to Assigns), and sends (an Assign to the network slot: a
  message field outside its type faults at the send). Expressions are not checked: `append`
  never faults, and `R { a: 5 }` may be built and compared; only storing it faults. So every
  state an engine reaches holds every value within its variable's type.
* Statement blocks run in order on a private copy of the state; a `Choose` forks one
  successor per value of its domain (none when empty); a `Require` whose condition is false
  ends that fork without a successor; an `Assert` whose condition is false is a runtime
  fault with its message. The successors an action yields are ordered by its
  parameter tuples (in the order of their domains) then by choices, depth first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from verikit.core.types import Type
from verikit.errors import NO_SPAN, Span

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Lit:
    """A constant (already in runtime representation, see core.types)."""

    value: object
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class StateVar:
    index: int
    name: str
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Local:
    name: str
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Field:
    """`base.name` on a record or message value; `index` is the field's position in the record
    type (for a message the tuple position is index + 1, after the name)."""

    base: Expr
    index: int
    name: str
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Index:
    """`base[key]` on a map (by key ordinal) or a sequence (1-based)."""

    base: Expr
    key: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


UNARY_OPS = ("not", "neg")


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


BINARY_OPS = (
    # logic (short-circuit)
    "and", "or", "implies",
    # any type
    "eq", "ne",
    # ints
    "lt", "le", "gt", "ge", "add", "sub", "mul", "div", "mod",
    # sets: union, difference, intersection, subset-or-equal, membership (elem in set)
    "union", "diff", "inter", "subseteq", "in",
    # sequences: concatenation
    "concat",
)  # fmt: skip


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Cond:
    """`if cond then then_ else else_` as an expression."""

    cond: Expr
    then: Expr
    else_: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class SetLit:
    elems: tuple[Expr, ...]
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class SeqLit:
    elems: tuple[Expr, ...]
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class RecordLit:
    """A record value; `fields` are in the record type's declaration order."""

    fields: tuple[Expr, ...]
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class MessageLit:
    """A message value `(name, *fields)`; `fields` in the message's declaration order."""

    name: str
    fields: tuple[Expr, ...]
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class MapLit:
    """`{ var: value for var in domain }`: a map with an entry for each key of `domain`."""

    var: str
    domain: Expr
    value: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class SetComp:
    """`{ elem for var in domain if filter }` (filter may be a true Lit)."""

    var: str
    domain: Expr
    elem: Expr
    filter: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Quant:
    """`forall/exists var in domain: body`; one variable each (nest for several)."""

    kind: str  # "forall" | "exists"
    var: str
    domain: Expr
    body: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Domain:
    """Every value of a finite type, as a set (`all Participant`, `bool`, `1..N`)."""

    of: Type
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Unwrap:
    """The value inside an optional; `None` is a runtime fault."""

    operand: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Let:
    """`body` with `var` bound to `value` (evaluated once)."""

    var: str
    value: Expr
    body: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


BUILTINS: dict[str, str] = {
    # name: what it returns
    "len": "size of a set, sequence or map (entries present); bag: total count",
    "range": "range(lo, hi): the set of ints lo..hi (empty when lo > hi)",
    "min": "least element of a non-empty set of ints (empty is a runtime fault)",
    "max": "greatest element of a non-empty set of ints (empty is a runtime fault)",
    "pick": "pick(set): its first element in iteration order (sets are iterated by ordinal for "
    "a finite element type, else by value); an empty set is a runtime fault (`pick x in S "
    "where P` is pick of the set comprehension)",
    "append": "append(seq, x): seq with x at the end (never a fault; max_len is checked on assign)",
    "head": "first element of a non-empty sequence",
    "tail": "the sequence without its first element (empty stays empty)",
    "last": "last element of a non-empty sequence",
    "slice": "slice(seq, lo, hi): elements lo..hi inclusive, 1-based, clamped to the sequence",
    "take": "take(seq, n): the first n elements (truncate a log to length n)",
    "keys": "keys(map): the set of keys with an entry",
    "closure": "closure(R): the transitive closure of a set of pairs (a, b) whose positions "
    "have one type: every (a, c) joined by a path of one or more pairs",
    "has": "has(map, key): the map has an entry for key",
    "delete": "delete(map, key): the map without the entry for key",
    "to_set": "to_set(seq): the set of its elements",
    "remove_at": "remove_at(seq, i): the sequence without position i (1-based)",
    "insert_at": "insert_at(seq, i, x): x inserted so that it becomes position i (1-based)",
    "bag_add": "bag_add(bag, x): the bag with one more x",
    "bag_remove": "bag_remove(bag, x): the bag with one x fewer (x must be present)",
    "bag_items": "bag_items(bag): the set of distinct elements in the bag",
    "bag_count": "bag_count(bag, x): how many x the bag holds",
    # added by semantics for the lowered network:
    "msg_name": "msg_name(message): the message's name, i.e. value[0] (an enum of message names)",
    "total_len": "total_len(map): the summed lengths of the map's sequence values (FIFO in-flight)",
}


@dataclass(frozen=True)
class Call:
    """A builtin from BUILTINS (user functions are inlined by semantics)."""

    name: str
    args: tuple[Expr, ...]
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


Expr = Union[  # noqa: UP007
    Lit, StateVar, Local, Field, Index, Unary, Binary, Cond, SetLit, SeqLit, RecordLit,
    MessageLit, MapLit, SetComp, Quant, Domain, Unwrap, Let, Call,
]  # fmt: skip

# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class FieldStep:
    index: int  # field position in the record type (+1 in the tuple for a message)


@dataclass(frozen=True)
class IndexStep:
    key: Expr  # map key or 1-based sequence position


@dataclass(frozen=True)
class Assign:
    """`root.path = value`, e.g. `rmState[r] = Prepared`; root is a StateVar or a Local bound by
    LetStmt. `target_type` is the type of the assigned location (range checks use it)."""

    root: StateVar | Local
    path: tuple[FieldStep | IndexStep, ...]
    value: Expr
    target_type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Choose:
    """Nondeterministic choice: the rest of `body` runs once per value of `domain`."""

    var: str
    domain: Expr
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class ForEach:
    """Deterministic loop over a set (in `domain` order; sets sorted by ordinal / value).
    Its body may not contain Choose or Require (semantics rejects that)."""

    var: str
    domain: Expr
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class LetStmt:
    """Bind a local for the rest of the block; it may be reassigned by Assign."""

    var: str
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Require:
    """A guard in the middle of a body: when false this fork yields no successor."""

    cond: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Assert:
    """`assert cond`: when false, a runtime fault whose message is `message` (it names the
    assertion and quotes its condition), at this statement's span. Never forks."""

    cond: Expr
    message: str
    span: Span = field(default=NO_SPAN, compare=False)


Stmt = Union[Assign, If, Choose, ForEach, LetStmt, Require, Assert]  # noqa: UP007
