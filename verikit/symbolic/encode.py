"""A core Model as Z3 formulas: states, initial states, the transition relation, properties.

Public API (stable; bmc.py and k-induction build on it):

    Unsupported                         a construct Z3 cannot express exactly: a SpecError with
                                        span + "cannot encode <what> for Z3: <why>" (exit 2)
    enc = Encoding(model)               builds everything once; raises Unsupported
    f = enc.frame("s3")                 fresh Z3 variables for one state (tags must be unique;
                                        tags starting with "·" are reserved)
    enc.domain(f)                       every slot within its type, and the leaves every
                                        reachable state shares pinned (see below)
    enc.init(f)                         f is an initial state
    enc.step(f, g)                      g is a successor of f; g.selector says which transition
    enc.holds(expr, f)                  a boolean IR expression (e.g. Property.expr) at f
    enc.faults(f)                       f faults as `check` sees it: an invariant, lemma or
                                        constraint at f, or (f inside the constraints) its
                                        transitions, is a runtime fault (closed formula)
    enc.decode(model, f)                the state f holds in a Z3 model (runtime representation)
    enc.action_taken(model, g)          name of the action that led into g
    enc.equal(f, g)                     f and g are the same state
    enc.is_state(f, state)              f holds this concrete state

Finer pieces, all closed formulas over one frame (no hidden existential variables, so they
may be negated): `enabled(f)` (some transition is enabled), `step_faults(f)` (computing f's
successors faults), `prop_faults(expr, f)` (evaluating expr faults), `within(f)` (every
`constraint` holds), `overflow(f)` (no step of f faults, yet a successor would not fit the
layout or holds a value outside its type: an encoding limit, reported as an error, never
dropped; since a store outside its type faults, only the layout's own bounds are left; bmc
asks the cheaper `layout_overflow(f)` and `Not(domain(g))` of the successor instead),
`init_faults()`, `init_overflow()`,
`transition_taken(model, g)`.

Exactness: every formula is exact (the reference interpreter's semantics, faults included)
on frames satisfying `domain`. `domain` includes two facts found syntactically, both true in
every reachable state: typing (ints in range, sequence lengths within their bound) and the
*pinned* leaves: a Bool leaf every initial state sets to one constant and no transition
changes otherwise (e.g. "key k has an entry" in a map that starts with every key). Formulas
are simplified with the pins, so assert `domain(f)` for any frame not reached by `init` and
`step` (k-induction does). Fault conditions and transitions no well-typed state can meet are
dropped when the encoding is built, so Z3 does not refute them again at every depth.

How: every action is unrolled over its parameter values and `choose` forks into concrete
`Transition`s (constants fold away the impossible ones). The transition relation is built once
over two template frames and instantiated per step by substitution. The selector of frame g
is the index of the transition taken into g; each slot leaf of g is an if-then-else over the
transitions that change it, else the leaf of f. Value layouts: see layout.py (the network's
bag is held as counters or, under a small `max_in_flight`, as slots).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from verikit.core import ir
from verikit.core.model import SAFETY_KINDS, STEP_KIND, Model
from verikit.core.types import default_value
from verikit.errors import Span
from verikit.symbolic import layout
from verikit.symbolic.exprs import Evaluator
from verikit.symbolic.stmts import Branch, Executor, Fork, Transition, branches
from verikit.symbolic.values import (
    B,
    Refusal,
    Unsupported,
    V,
    all_of,
    and_,
    any_of,
    eq,
    lift,
    not_,
    zb,
    zi,
)

State = tuple[Any, ...]

__all__ = ["Encoding", "Frame", "State", "Transition", "Unsupported"]


@dataclass(frozen=True, eq=False)
class Frame:
    """One state as Z3 variables: a symbolic value per slot, every variable in `leaves`
    (a fixed order, for substitution), and the selector of the transition into it."""

    tag: str
    slots: tuple[V, ...]
    leaves: tuple[Any, ...]
    selector: Any


def as_bool(b: B) -> Any:
    return zb(b)


class Encoding:
    """The model's states and transitions as Z3 terms (see the module docstring)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._caps = [self._cap(i) for i in range(len(model.vars))]
        self._check_layouts()
        self._f = self.frame("·f")
        self._g = self.frame("·g")
        self._pairs: dict[int, tuple[ir.Expr, B, B]] = {}  # action properties, by id(expr)
        names = {str(leaf) for leaf in self._f.leaves}
        assert len(names) == len(self._f.leaves), "two slot leaves share a Z3 name"
        self._init_states, self._init_faults = self._initial()
        self._branches, faults = self._transitions()
        self._templates(faults)
        self._exprs: dict[int, tuple[ir.Expr, B, B]] = {}
        for prop in model.properties:
            if prop.kind == STEP_KIND:  # over two frames: step_holds encodes it
                self.step_holds(prop.expr, self._f, self._g)
                continue
            self._encode(prop.expr, prop.span)
            if prop.trigger is not None:
                self._encode(prop.trigger, prop.span)

    def _check_layouts(self) -> None:
        for var, cap in zip(self.model.vars, self._caps, strict=True):
            try:
                layout.check_layout(var.type, cap)
            except Refusal as r:
                name = var.display or var.name
                span = var.span if var.span.line or var.role != "network" else self._network_span()
                raise Unsupported(f"variable `{name}` ({r.what})", r.why, span) from None

    def _templates(self, faults: list[B]) -> None:
        """The formulas over the template frames: step, faults, enabledness, overflow."""
        changes, fits = self._changes()
        self._fixed = self._fixed_leaves(changes)
        self._pinned = [
            (self._f.leaves[p], _like(self._f.leaves[p], c)) for p, c in self._fixed.items()
        ]
        possible = _Possible(self.domain(self._f))
        changes, fits = self._keep_possible(possible, changes, fits)
        self.transitions: tuple[Transition, ...] = tuple(b.label for b in self._branches)
        self._step = self._pin(self._relation(changes))
        pairs = list(zip(self._branches, fits, strict=True))
        unfit = [and_(b.pc, not_(fit)) for b, (fit, _) in pairs]
        untyped = [and_(b.pc, not_(typed)) for b, (_, typed) in pairs]
        # a state with a faulting step is never expanded (`check` stops at the fault), so
        # what its successors would hold does not matter: a step storing a value outside
        # its type faults, and is no overflow
        step_faults = any_of(c for c in faults if possible(c))
        fine = not_(step_faults)
        self._layout_overflow = self._pin(and_(fine, any_of(c for c in unfit if possible(c))))
        self._overflow = self._pin(and_(fine, any_of(c for c in unfit + untyped if possible(c))))
        self._step_faults = self._pin(step_faults)
        self._enabled = self._pin(any_of(b.pc for b in self._branches))

    # ------------------------------------------------------------ frames

    def frame(self, tag: str) -> Frame:
        slots = tuple(
            layout.fresh(var.type, f"{tag}|{var.name}", cap)
            for var, cap in zip(self.model.vars, self._caps, strict=True)
        )
        leaves = tuple(leaf for v in slots for leaf in layout.leaves(v))
        return Frame(tag, slots, leaves, z3.Int(f"{tag}|#transition"))

    def domain(self, f: Frame) -> Any:
        """Every slot within its type, and the pinned leaves at their values (see _fixed)."""
        types = [
            layout.domain(var.type, v) for var, v in zip(self.model.vars, f.slots, strict=True)
        ]
        pinned = [_leaf_eq(f.leaves[p], c) for p, c in self._fixed.items()]
        return as_bool(all_of([*types, *pinned]))

    def is_state(self, f: Frame, state: State) -> Any:
        """f holds the given state (runtime representation)."""
        return as_bool(
            all_of(
                eq(v, lift(var.type, value))
                for var, v, value in zip(self.model.vars, f.slots, state, strict=True)
            )
        )

    def equal(self, f: Frame, g: Frame) -> Any:
        return as_bool(all_of(eq(a, b) for a, b in zip(f.slots, g.slots, strict=True)))

    # ------------------------------------------------------------ initial states and steps

    def init(self, f: Frame) -> Any:
        return as_bool(
            any_of(and_(pc, self._is_state(f, slots)) for pc, slots in self._init_states)
        )

    def init_overflow(self) -> Any:
        """The init block does not fault, yet some initial state does not fit the layout (a
        value stored outside its type faults instead)."""
        unfit = any_of(
            and_(pc, not_(self._fits(self._f, slots))) for pc, slots in self._init_states
        )
        return as_bool(and_(not_(self._init_faults), unfit))

    def _fits(self, f: Frame, slots: tuple[V, ...]) -> B:
        shaped = [
            layout.normalize(var.type, value, base)
            for var, value, base in zip(self.model.vars, slots, f.slots, strict=True)
        ]
        return all_of(
            and_(fit, layout.domain(var.type, v, trust=True))  # init values are constants
            for var, (v, fit) in zip(self.model.vars, shaped, strict=True)
        )

    def init_faults(self) -> Any:
        """Running the init block faults (it does not depend on any state)."""
        return as_bool(self._init_faults)

    def step(self, f: Frame, g: Frame) -> Any:
        return self._at(self._step, f, g)

    def enabled(self, f: Frame) -> Any:
        return self._at(self._enabled, f)

    def step_faults(self, f: Frame) -> Any:
        return self._at(self._step_faults, f)

    def overflow(self, f: Frame) -> Any:
        return self._at(self._overflow, f)

    def layout_overflow(self, f: Frame) -> Any:
        """Some successor of f does not fit the layout (set or bag members, lengths). With
        `Not(domain(g))` for the successor g itself, what `overflow(f)` says, cheaper."""
        return self._at(self._layout_overflow, f)

    # ------------------------------------------------------------ properties

    def holds(self, expr: ir.Expr, f: Frame) -> Any:
        return self._at(self._encode(expr)[0], f)

    def prop_faults(self, expr: ir.Expr, f: Frame) -> Any:
        return self._at(self._encode(expr)[1], f)

    def within(self, f: Frame) -> Any:
        return self._at(self._within(), f)

    def step_holds(self, expr: ir.Expr, f: Frame, g: Frame) -> tuple[Any, Any]:
        """An action property on the step f → g (its expr reads g's slot i as slot
        len(vars) + i, core/model.py): (its value, evaluating it faults)."""
        cached = self._pairs.get(id(expr))
        if cached is None:
            ev = Evaluator(self.model.span)
            try:
                value = ev.bool(expr, (*self._f.slots, *self._g.slots), {}, True)
            except Refusal as r:
                raise Unsupported(r.what, r.why, self.model.span) from None
            cached = self._pairs[id(expr)] = (expr, self._pin(value), self._pin(any_of(ev.faults)))
        return self._at(cached[1], f, g), self._at(cached[2], f, g)

    def _within(self) -> B:
        return all_of(self._encode(p.expr)[0] for p in self.model.props("constraint"))

    def faults(self, f: Frame) -> Any:
        """Successors are computed, so can fault, only inside the constraints."""
        checked = self.model.props(*SAFETY_KINDS, "constraint")
        stepping = and_(self._within(), self._step_faults)
        return self._at(any_of([stepping, *(self._encode(p.expr)[1] for p in checked)]), f)

    # ------------------------------------------------------------ decoding

    def decode(self, m: Any, f: Frame) -> State:
        value = layout.evaluator(m)
        return tuple(
            layout.decode(var.type, v, value)
            for var, v in zip(self.model.vars, f.slots, strict=True)
        )

    def transition_taken(self, m: Any, g: Frame) -> Transition:
        index = int(m.eval(g.selector, model_completion=True).as_long())
        return self.transitions[index]

    def action_taken(self, m: Any, g: Frame) -> str:
        return self.transition_taken(m, g).name

    @property
    def size(self) -> dict[str, int]:
        """How big the encoding is: transitions and Z3 variables per state."""
        return {"transitions": len(self._branches), "variables": len(self._f.leaves)}

    # ------------------------------------------------------------ construction

    def _cap(self, index: int) -> int | None:
        """The network's bound: positions of its FIFO queues, or slots of its bag."""
        var, net = self.model.vars[index], self.model.network
        if var.role != "network" or net is None:
            return None
        if net.max_in_flight is None and not net.reorder:
            raise Unsupported(
                "a FIFO network without `max_in_flight`",
                "its queues would be unbounded (set max_in_flight, or reorder: true)",
                self._network_span(),
            )
        return net.max_in_flight if net.reorder else net.queue_bound()

    def _network_span(self) -> Span:
        """Where the network is declared (its fault actions carry that span)."""
        spans = [a.span for a in self.model.actions if a.kind not in ("action", "receive")]
        spans += [a.span for a in self.model.actions if a.kind == "receive"]
        return next((sp for sp in spans if sp.line), self.model.span)

    def _initial(self) -> tuple[list[tuple[B, tuple[V, ...]]], B]:
        ev = Evaluator(self.model.span)
        start = tuple(lift(v.type, default_value(v.type)) for v in self.model.vars)
        try:
            forks = Executor(ev).block(self.model.init, Fork(True, start))
        except Refusal as r:
            raise Unsupported(r.what, r.why, self.model.span) from None
        return [(f.pc, f.slots) for f in forks], any_of(ev.faults)

    def _transitions(self) -> tuple[list[Branch], list[B]]:
        out: list[Branch] = []
        faults: list[B] = []
        for index, action in enumerate(self.model.actions):
            ev = Evaluator(action.span)
            try:
                out += branches(index, action, self._f.slots, ev)
            except Refusal as r:
                raise Unsupported(r.what, r.why, action.span) from None
            faults += ev.faults
        return out, faults

    def _changes(self) -> tuple[dict[int, list[tuple[int, Any]]], list[tuple[B, B]]]:
        """Per leaf position, the transitions that change it and its new value; and per
        transition, whether its successor fits the layout and is well typed."""
        f = self._f
        changes: dict[int, list[tuple[int, Any]]] = {}
        fits: list[tuple[B, B]] = []
        for i, branch in enumerate(self._branches):
            leaves, fit, typed = self._normalized(branch.slots)
            fits.append((fit, typed))
            for p, (new, old) in enumerate(zip(leaves, f.leaves, strict=True)):
                if not _unchanged(new, old):
                    changes.setdefault(p, []).append((i, new))
        return changes, fits

    def _keep_possible(
        self,
        possible: _Possible,
        changes: dict[int, list[tuple[int, Any]]],
        fits: list[tuple[B, B]],
    ) -> tuple[dict[int, list[tuple[int, Any]]], list[tuple[B, B]]]:
        """Drop the transitions no well-typed state enables (most unrolled parameter values
        of a handler, e.g. a message in flight to another node, fold away before; this
        catches the rest), renumbering what is left."""
        keep = [i for i, b in enumerate(self._branches) if possible(b.pc)]
        renumber = {old: new for new, old in enumerate(keep)}
        self._branches = [self._branches[i] for i in keep]
        kept = {
            p: [(renumber[i], v) for i, v in entries if i in renumber]
            for p, entries in changes.items()
        }
        return kept, [fits[i] for i in keep]

    def _fixed_leaves(self, changes: dict[int, list[tuple[int, Any]]]) -> dict[int, Any]:
        """Leaves equal to one constant in every reachable state: every initial state has
        it, and every transition leaves the leaf alone or sets it to that constant (an
        inductive invariant found syntactically; e.g. the entries of a map that starts with
        every key and never loses one). Pinning them makes faults like "missing map key"
        fold away before Z3 sees them."""
        inits = [self._normalized_at(self._f, slots)[0] for _, slots in self._init_states]
        fixed: dict[int, Any] = {}
        for p in range(len(self._f.leaves)):
            values = [leaves[p] for leaves in inits]
            # bools only: presence bits are what matter, and ints would cost a lot to check
            if (
                values
                and isinstance(values[0], bool)
                and all(_same_const(v, values[0]) for v in values)
            ):
                fixed[p] = values[0]
        # drop candidates some transition changes, until the rest is closed under steps
        stable = False
        while not stable:
            pins = _Pins(self._f.leaves[p] == _like(self._f.leaves[p], c) for p, c in fixed.items())
            stable = True
            for p, c in list(fixed.items()):
                news = sorted((new for _, new in changes.get(p, [])), key=_is_term)
                if not all(pins.stays(new, c) for new in news):
                    del fixed[p]
                    stable = False
        return fixed

    def _pin(self, formula: B) -> Any:
        """A template with the pinned leaves of ·f replaced by their values, simplified."""
        if isinstance(formula, bool):
            return formula
        if self._pinned:
            formula = z3.substitute(formula, *self._pinned)
        return z3.simplify(formula)

    def _relation(self, changes: dict[int, list[tuple[int, Any]]]) -> Any:
        """The step template over (·f, ·g)."""
        f, g = self._f, self._g
        sel = g.selector
        n = len(self._branches)
        taken = [sel == i for i in range(n)]
        parts: list[Any] = [sel >= 0, sel < n]
        for i, branch in enumerate(self._branches):
            if branch.pc is not True:
                parts.append(z3.Implies(taken[i], zb(branch.pc)))
        for p, (old, target) in enumerate(zip(f.leaves, g.leaves, strict=True)):
            value = old
            for i, new in reversed(changes.get(p, [])):
                value = z3.If(taken[i], _like(target, new), value)
            parts.append(target == value)
        return z3.And(parts) if n else z3.BoolVal(False)

    def _normalized(self, slots: tuple[V, ...]) -> tuple[list[Any], B, B]:
        """The leaves of a successor, whether it fits the layout, and whether its values are
        of their types (ints inside records and options are not range-checked on their own)."""
        leaves: list[Any] = []
        fits: list[B] = []
        typed: list[B] = []
        for var, value, base in zip(self.model.vars, slots, self._f.slots, strict=True):
            if value is base:
                leaves += layout.leaves(base)
                continue
            shaped, fit = layout.normalize(var.type, value, base)
            leaves += layout.leaves(shaped)
            fits.append(fit)
            typed.append(layout.domain(var.type, shaped, trust=True))
        return leaves, all_of(fits), all_of(typed)

    def _is_state(self, f: Frame, slots: tuple[V, ...]) -> B:
        """f holds these slot values (where they fit: see init_overflow)."""
        leaves, _ = self._normalized_at(f, slots)
        return all_of(_leaf_eq(a, b) for a, b in zip(f.leaves, leaves, strict=True))

    def _normalized_at(self, f: Frame, slots: tuple[V, ...]) -> tuple[list[Any], B]:
        leaves: list[Any] = []
        fits: list[B] = []
        for var, value, base in zip(self.model.vars, slots, f.slots, strict=True):
            shaped, fit = layout.normalize(var.type, value, base)
            leaves += layout.leaves(shaped)
            fits.append(fit)
        return leaves, all_of(fits)

    def _encode(self, expr: ir.Expr, where: Span | None = None) -> tuple[B, B]:
        """(expr's value at ·f, evaluating it faults at ·f), cached per expression."""
        cached = self._exprs.get(id(expr))
        if cached is not None:
            return cached[1], cached[2]
        ev = Evaluator(where or self.model.span)
        try:
            value = ev.bool(expr, self._f.slots, {}, True)
        except Refusal as r:
            raise Unsupported(r.what, r.why, where or self.model.span) from None
        value, faults = self._pin(value), self._pin(any_of(ev.faults))
        self._exprs[id(expr)] = (expr, value, faults)  # expr kept alive: its id stays unique
        return value, faults

    def _at(self, formula: Any, f: Frame, g: Frame | None = None) -> Any:
        """A template formula over ·f (and ·g) instantiated at f (and g)."""
        if isinstance(formula, bool):
            return z3.BoolVal(formula)
        pairs = list(zip(self._f.leaves, f.leaves, strict=True))
        if g is not None:
            pairs += zip(self._g.leaves, g.leaves, strict=True)
            pairs.append((self._g.selector, g.selector))
        pairs = [(a, b) for a, b in pairs if a is not b]
        return z3.substitute(formula, *pairs) if pairs else formula


def _like(target: Any, leaf: Any) -> Any:
    """A leaf as a Z3 term of target's sort."""
    return zb(leaf) if z3.is_bool(target) else zi(leaf)


def _leaf_eq(var: Any, leaf: Any) -> Any:
    return var == _like(var, leaf)


class _Possible:
    """Is a condition over ·f satisfiable in some well-typed state? Used to drop fault
    conditions and transitions that no state can meet (the solver would have to refute them
    again at every depth). "Unknown" counts as possible."""

    def __init__(self, domain: Any) -> None:
        self.solver = z3.SolverFor("QF_LIA")
        self.solver.set("timeout", 500)
        self.solver.add(domain)

    def __call__(self, condition: Any) -> bool:
        if isinstance(condition, bool) or z3.is_true(condition) or z3.is_false(condition):
            return condition is True or bool(z3.is_true(condition))
        self.solver.push()
        self.solver.add(condition)
        answer = self.solver.check()
        self.solver.pop()
        return bool(answer != z3.unsat)


class _Pins:
    """Evaluates leaf values given the candidate pinned leaves (a model that fixes them)."""

    def __init__(self, equalities: Any) -> None:
        solver = z3.Solver()
        solver.add(*equalities)
        solver.check()
        self.model = solver.model()

    def stays(self, new: Any, c: Any) -> bool:
        """The new value of a leaf is the constant c in every state with the pins."""
        if isinstance(new, (bool, int)):
            return _same_const(new, c)
        value = self.model.eval(new, model_completion=False)
        if isinstance(c, bool):
            return bool(z3.is_true(value) if c else z3.is_false(value))
        return bool(z3.is_int_value(value) and value.as_long() == c)


def _is_term(x: Any) -> bool:
    return not isinstance(x, (bool, int))


def _same_const(a: Any, b: Any) -> bool:
    return isinstance(a, (bool, int)) and type(a) is type(b) and a == b


def _unchanged(new: Any, old: Any) -> bool:
    return new is old or (not isinstance(new, (bool, int)) and bool(new.eq(old)))
