"""The narrow waist: a checked, lowered spec as plain frozen data.

`Model` is all the engines see: the state layout (one slot per variable, network and fault
bookkeeping included), an init block, guarded parameterised actions and properties. Display
names and spans ride along so traces and diagnostics never need the surface syntax.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from verikit.core.ir import Expr, Stmt
from verikit.core.types import NodeGroup, Type
from verikit.errors import NO_SPAN, Span


@dataclass(frozen=True)
class Var:
    """One slot of the state tuple.

    `owner` is the node group for a node's variable (then `type` is a map from that group's
    node ids to the declared type, and `display` is the declared name); `role` marks the
    slots verikit adds itself ("network", "up", "crashes", "partition", "partitions").
    """

    name: str
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)
    owner: str | None = None
    display: str = ""
    durable: bool = False
    role: str = "user"


@dataclass(frozen=True)
class Param:
    """An action parameter ranging over `domain` (any set-valued expression over the state)."""

    name: str
    type: Type
    domain: Expr


ACTION_KINDS = (
    "action",  # a user action (global or a node's)
    "receive",  # a message handler: delivery of `message_param` to `node_param`
    "drop",  # the network loses an in-flight message
    "duplicate",  # the network copies an in-flight message
    "crash",  # a node stops; it loses every non-durable variable
    "restart",  # a crashed node comes back with its initial values (durable ones kept)
    "partition",  # the network splits the nodes into two sides
    "heal",  # the partition ends
)


@dataclass(frozen=True)
class Action:
    """A guarded, parameterised step. `node_param` names the parameter holding the acting
    node's id and `message_param` the one holding a network entry `(src, dst, message)`, so a
    trace can say who did what to which message."""

    name: str
    kind: str
    params: tuple[Param, ...]
    guard: Expr
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    node_param: str | None = None
    message_param: str | None = None


SAFETY_KINDS = ("invariant", "lemma")  # state predicates every reachable state satisfies
STEP_KIND = "step"  # an action property: a predicate every transition satisfies
LIVENESS_KINDS = ("eventually", "always_eventually", "eventually_always", "leads_to")
PROPERTY_KINDS = (
    "invariant", "lemma", "reachable", "constraint", "terminal", STEP_KIND, *LIVENESS_KINDS,
)  # fmt: skip


@dataclass(frozen=True)
class Property:
    """`invariant` must hold in every reachable state; a `lemma` is an invariant written to
    help an induction proof (checked like one); `reachable` must hold in at least one state
    (else the spec is vacuous); `constraint` bounds the search as in TLC (a state outside it
    is checked but neither counted nor explored); `terminal` states may have no successor
    without being a deadlock. A `step` property (`always step: e`) holds on every transition
    that changes the state: its `expr` reads the state before the step as usual and the state
    after it through `StateVar(len(Model.vars) + i)` (slot i of the next state), so every back
    end evaluates it over the pair `before + after` as one tuple.

    Liveness properties constrain every fair behavior (an infinite path, or a finite one
    that ends in a state without successors and stutters there forever):
    `eventually` — `expr` holds in some state of it; `always_eventually` — `expr` holds
    infinitely often; `eventually_always` — `expr` holds from some state on, for ever;
    `leads_to` — every state satisfying `trigger` is followed (now or later) by one
    satisfying `expr`. (`always P` is lowered to an invariant.)

    `property P: forall p in D: …` becomes one Property per value of p: its `family` is P,
    its `name` P(p=value) and `binding` the (variable, value as written) pairs."""

    kind: str
    name: str
    expr: Expr
    span: Span = field(default=NO_SPAN, compare=False)
    trigger: Expr | None = None  # the P of `P leads_to Q` (expr is Q)
    family: str = ""  # the declared name of a quantified property's instance ("": `name`)
    binding: tuple[tuple[str, str], ...] = ()

    @property
    def declared(self) -> str:
        """The name the spec declares (a quantified property's, for each of its instances)."""
        return self.family or self.name


FAIRNESS_PER = ("node", "message", "action", "params")


@dataclass(frozen=True)
class Fairness:
    """One fairness declaration, as obligations on the transitions of `actions`.

    A transition of action `a` with parameter values `params` belongs to obligation
    (this declaration, key), where key is the value of the action's `node_param` (per
    "node"), of its `message_param` (per "message"), of the parameters named in `params` (per
    "params": a value, or a tuple of them for several), or None (per "action": one obligation
    for all of them). As in TLA+ (`WF_vars(A)` is about `<<A>>_vars` steps), only a transition
    that changes the state belongs to an obligation: a self-loop is a stuttering step, which
    neither enables nor takes one. An obligation is enabled in a state with an outgoing
    transition that belongs to it. A behavior is unfair when, from some point on, a weak
    obligation is enabled in every state and never taken, or a strong one is enabled
    infinitely often and never taken.

        fair action X         weak; X a global action: per "action"; a node's: per "node"
        fair action X(p, q)   weak, per "params": one obligation per value of (p, q)
                              (a node's action: `self` comes first, implicitly)
        fair node G           weak, per "node": every action and handler of group G
        strong fair …         the same, strong
        fair delivery         strong, per "message": every receive action
    """

    strong: bool
    actions: tuple[int, ...]  # indices into Model.actions
    per: str  # one of FAIRNESS_PER
    text: str  # as written, for messages: "fair node Participant"
    span: Span = field(default=NO_SPAN, compare=False)
    params: tuple[str, ...] = ()  # per "params": the parameters whose values key it

    def key_names(self, action: Action) -> tuple[str, ...]:
        """The parameters of `action` whose values key this declaration's obligations."""
        names = {"node": (action.node_param,), "message": (action.message_param,)}.get(
            self.per, self.params
        )
        have = {p.name for p in action.params}
        return tuple(n for n in names if n is not None and n in have)

    def key_positions(self, action: Action) -> tuple[int, ...]:
        names = [p.name for p in action.params]
        return tuple(names.index(n) for n in self.key_names(action))


def obligation_key(values: tuple[Any, ...], positions: tuple[int, ...]) -> Hashable:
    """The key of a transition's obligation from its parameter values (Fairness): None for
    none, the value for one position, the tuple of values for several."""
    if not positions:
        return None
    if len(positions) == 1:
        key: Hashable = values[positions[0]]
        return key
    return tuple(values[i] for i in positions)


@dataclass(frozen=True)
class Query:
    """`query Name { real …  let …  assume …  never … }`: a question about real numbers
    (times, clock rates) answered by Z3, never by the explicit engine.

    The answer is "impossible" when no values of `unknowns` satisfy every `assume` and
    `never` together (a proof), "possible" with such values (a witness) otherwise. The
    expressions are typed REAL or BOOL; they read `Local(name)` of an unknown or a def, and
    constants already folded to literals. `defs` are the `let`s, in order (a def reads the
    unknowns and the defs before it). Everything is evaluated left to right: assumes first,
    in order, then `never`, with `and`/`or`/`implies` short-circuiting, so a division is
    only evaluated where the conditions before it hold (and must not divide by zero there).
    `consts` are the constants the query mentions, with their values, for reports."""

    name: str
    unknowns: tuple[str, ...]
    defs: tuple[tuple[str, Expr], ...]
    assumes: tuple[Expr, ...]
    never: Expr
    consts: tuple[tuple[str, object], ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class NetworkInfo:
    """How the network was lowered, for traces: which slot holds the in-flight messages and
    whether delivery order is free (a bag) or FIFO per sender/receiver pair."""

    slot: int
    reorder: bool
    loss: bool
    duplicate: bool
    crash: bool
    partition: bool
    max_in_flight: int | None  # the most ever in flight (max_per_link × channels if smaller)
    max_per_link: int | None = None  # the most in flight on one FIFO channel (src, dst)
    span: Span = field(default=NO_SPAN, compare=False)  # the `network` declaration

    def queue_bound(self) -> int | None:
        """The most messages one FIFO queue ever holds (positions a layout needs)."""
        bounds = [b for b in (self.max_in_flight, self.max_per_link) if b is not None]
        return min(bounds) if bounds else None


@dataclass(frozen=True)
class Model:
    name: str
    consts: tuple[tuple[str, object], ...]
    vars: tuple[Var, ...]
    init: tuple[Stmt, ...]
    actions: tuple[Action, ...]
    properties: tuple[Property, ...]
    nodes: tuple[NodeGroup, ...] = ()
    network: NetworkInfo | None = None
    deadlock: bool = True  # report states without successors (unless `terminal`)
    expected: tuple[str, ...] = ()  # `expect violation P`: a bug variant demonstrates P
    symmetric: tuple[str, ...] = ()  # names of `symmetric` node groups (ids interchangeable)
    fairness: tuple[Fairness, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)
    queries: tuple[Query, ...] = ()  # answered by `verikit query` (Z3), never by a search
    bases: tuple[str, ...] = ()  # a variant's base specs (`extends`), nearest first

    def props(self, *kinds: str) -> tuple[Property, ...]:
        return tuple(p for p in self.properties if p.kind in kinds)

    @property
    def liveness(self) -> tuple[Property, ...]:
        return self.props(*LIVENESS_KINDS)

    @property
    def expected_properties(self) -> tuple[str, ...]:
        """The `expect violation` names a search can find (the others name queries), with
        every instance of an expected quantified property."""
        queries = {q.name for q in self.queries}
        names = [name for name in self.expected if name not in queries]
        names += [p.name for p in self.properties if p.family and p.family in self.expected]
        return tuple(names)

    def unshown(self, violated: set[str]) -> tuple[str, ...]:
        """The `expect violation` names a search can find that none of `violated` (property
        names, instances of quantified ones included) shows."""
        families = {p.name: p.declared for p in self.properties}
        shown = {families.get(name, name) for name in violated}
        queries = {q.name for q in self.queries}
        return tuple(n for n in self.expected if n not in queries and n not in shown)
