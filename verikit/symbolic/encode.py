"""A core Model as Z3 formulas: states, initial states, the transition relation, properties.

Public API (stable; bmc.py and k-induction build on it):

    Unsupported                         a construct Z3 cannot express exactly: a SpecError with
                                        span + "cannot encode <what> for Z3: <why>" (exit 2)
    enc = Encoding(model)               builds everything once; raises Unsupported
    f = enc.frame("s3")                 fresh Z3 variables for one state (tags must be unique;
                                        tags starting with "·" are reserved)
    enc.domain(f)                       every slot within its type
    enc.init(f)                         f is an initial state
    enc.step(f, g)                      g is a successor of f; g.selector says which transition
    enc.holds(expr, f)                  a boolean IR expression (e.g. Property.expr) at f
    enc.faults(f)                       evaluating the transitions or any invariant, lemma or
                                        constraint at f is a runtime fault (closed formula)
    enc.decode(model, f)                the state f holds in a Z3 model (runtime representation)
    enc.action_taken(model, g)          name of the action that led into g
    enc.equal(f, g)                     f and g are the same state
    enc.is_state(f, state)              f holds this concrete state

Finer pieces, all closed formulas over one frame (no hidden existential variables, so they
may be negated): `enabled(f)` (some transition is enabled), `step_faults(f)` (computing f's
successors faults), `prop_faults(expr, f)` (evaluating expr faults), `within(f)` (every
`constraint` holds), `overflow(f)` (a successor would not fit the layout: an encoding limit,
reported as an error, never dropped), `init_faults()`, `transition_taken(model, g)`.

How: every action is unrolled over its parameter values and `choose` forks into concrete
`Transition`s (constants fold away the impossible ones). The transition relation is built once
over two template frames and instantiated per step by substitution. The selector of frame g
is the index of the transition taken into g; each slot leaf of g is an if-then-else over the
transitions that change it, else the leaf of f.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from verikit.core import ir
from verikit.core.model import SAFETY_KINDS, Model
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
        for var, cap in zip(model.vars, self._caps, strict=True):
            try:
                layout.check_layout(var.type, cap)
            except Refusal as r:
                name = var.display or var.name
                raise Unsupported(f"variable `{name}` ({r.what})", r.why, var.span) from None
        self._f = self.frame("·f")
        self._g = self.frame("·g")
        names = {str(leaf) for leaf in self._f.leaves}
        assert len(names) == len(self._f.leaves), "two slot leaves share a Z3 name"
        self._init_states, self._init_faults = self._initial()
        self._branches, self._step_faults = self._transitions()
        self.transitions: tuple[Transition, ...] = tuple(b.label for b in self._branches)
        self._step, self._overflow = self._relation()
        self._enabled = any_of(b.pc for b in self._branches)
        self._exprs: dict[int, tuple[ir.Expr, B, B]] = {}
        for prop in model.properties:
            self._encode(prop.expr, prop.span)
            if prop.trigger is not None:
                self._encode(prop.trigger, prop.span)

    # ------------------------------------------------------------ frames

    def frame(self, tag: str) -> Frame:
        slots = tuple(
            layout.fresh(var.type, f"{tag}|{var.name}", cap)
            for var, cap in zip(self.model.vars, self._caps, strict=True)
        )
        leaves = tuple(leaf for v in slots for leaf in layout.leaves(v))
        return Frame(tag, slots, leaves, z3.Int(f"{tag}|#transition"))

    def domain(self, f: Frame) -> Any:
        return as_bool(
            all_of(layout.domain(var.type, v) for var, v in zip(self.model.vars, f.slots, strict=True))
        )

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

    # ------------------------------------------------------------ properties

    def holds(self, expr: ir.Expr, f: Frame) -> Any:
        return self._at(self._encode(expr)[0], f)

    def prop_faults(self, expr: ir.Expr, f: Frame) -> Any:
        return self._at(self._encode(expr)[1], f)

    def within(self, f: Frame) -> Any:
        return self._at(
            all_of(self._encode(p.expr)[0] for p in self.model.props("constraint")), f
        )

    def faults(self, f: Frame) -> Any:
        checked = self.model.props(*SAFETY_KINDS, "constraint")
        return self._at(
            any_of([self._step_faults, *(self._encode(p.expr)[1] for p in checked)]), f
        )

    # ------------------------------------------------------------ decoding

    def decode(self, m: Any, f: Frame) -> State:
        value = layout.evaluator(m)
        return tuple(
            layout.decode(var.type, v, value) for var, v in zip(self.model.vars, f.slots, strict=True)
        )

    def transition_taken(self, m: Any, g: Frame) -> Transition:
        index = m.eval(g.selector, model_completion=True).as_long()
        return self.transitions[index]

    def action_taken(self, m: Any, g: Frame) -> str:
        return self.transition_taken(m, g).name

    @property
    def size(self) -> dict[str, int]:
        """How big the encoding is: transitions and Z3 variables per state."""
        return {"transitions": len(self._branches), "variables": len(self._f.leaves)}

    # ------------------------------------------------------------ construction

    def _cap(self, index: int) -> int | None:
        """Positions of an unbounded sequence: only the FIFO network's queues have any."""
        var, net = self.model.vars[index], self.model.network
        if var.role != "network" or net is None or net.reorder:
            return None
        if net.max_in_flight is None:
            span = next((a.span for a in self.model.actions if a.kind != "action"), self.model.span)
            raise Unsupported(
                "a FIFO network without `max_in_flight`",
                "its queues would be unbounded (set max_in_flight, or reorder: true)",
                span,
            )
        return net.max_in_flight

    def _initial(self) -> tuple[list[tuple[B, tuple[V, ...]]], B]:
        ev = Evaluator(self.model.span)
        start = tuple(lift(v.type, default_value(v.type)) for v in self.model.vars)
        try:
            forks = Executor(ev).block(self.model.init, Fork(True, start))
        except Refusal as r:
            raise Unsupported(r.what, r.why, self.model.span) from None
        return [(f.pc, f.slots) for f in forks], any_of(ev.faults)

    def _transitions(self) -> tuple[list[Branch], B]:
        out: list[Branch] = []
        faults: list[B] = []
        for index, action in enumerate(self.model.actions):
            ev = Evaluator(action.span)
            try:
                out += branches(index, action, self._f.slots, ev)
            except Refusal as r:
                raise Unsupported(r.what, r.why, action.span) from None
            faults += ev.faults
        return out, any_of(faults)

    def _relation(self) -> tuple[Any, B]:
        """The step template over (·f, ·g), and the overflow condition over ·f."""
        f, g = self._f, self._g
        sel = g.selector
        n = len(self._branches)
        taken = [sel == i for i in range(n)]
        parts: list[Any] = [sel >= 0, sel < n]
        changes: dict[int, list[tuple[int, Any]]] = {}
        overflow: list[B] = []
        for i, branch in enumerate(self._branches):
            if branch.pc is not True:
                parts.append(z3.Implies(taken[i], zb(branch.pc)))
            leaves, fit = self._normalized(branch.slots)
            overflow.append(and_(branch.pc, not_(fit)))
            for p, (new, old) in enumerate(zip(leaves, f.leaves, strict=True)):
                if not _unchanged(new, old):
                    changes.setdefault(p, []).append((i, new))
        for p, (old, target) in enumerate(zip(f.leaves, g.leaves, strict=True)):
            value = old
            for i, new in reversed(changes.get(p, [])):
                value = z3.If(taken[i], _like(target, new), value)
            parts.append(target == value)
        return (z3.And(parts) if n else z3.BoolVal(False)), any_of(overflow)

    def _normalized(self, slots: tuple[V, ...]) -> tuple[list[Any], B]:
        leaves: list[Any] = []
        fits: list[B] = []
        for var, value, base in zip(self.model.vars, slots, self._f.slots, strict=True):
            if value is base:
                leaves += layout.leaves(base)
                continue
            shaped, fit = layout.normalize(var.type, value, base)
            leaves += layout.leaves(shaped)
            fits.append(fit)
        return leaves, all_of(fits)

    def _is_state(self, f: Frame, slots: tuple[V, ...]) -> B:
        leaves, fit = self._normalized_at(f, slots)
        return and_(fit, all_of(_leaf_eq(a, b) for a, b in zip(f.leaves, leaves, strict=True)))

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
        faults = any_of(ev.faults)
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


def _unchanged(new: Any, old: Any) -> bool:
    return new is old or (not isinstance(new, (bool, int)) and bool(new.eq(old)))
