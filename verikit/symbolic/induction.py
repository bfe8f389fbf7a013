"""k-induction of every invariant and lemma with Z3: `prove(model, ProveOptions(max_k=4))`.

For k = 1, 2, … up to `max_k`:

* **Base case.** Bounded model checking at depth k - 1: a run of k - 1 steps from an initial
  state whose last state violates a property. Depths are tried in increasing order, so a run
  found is a shortest counterexample (the property is "violated", as `verikit check` would
  say). Every state but the last of a run satisfies the `constraint`s (as in the explicit
  search, a state outside them is checked but not explored).
* **Step case.** A path of k + 1 pairwise distinct states s0 … sk (each within its types,
  each step a transition, s0 … s(k-1) within the constraints) on which the assumed
  properties hold in s0 … s(k-1): can the property fail in sk? If not, it is proved by
  k-induction. The distinctness ("simple path") constraints make k-induction complete for a
  finite system: a long enough k always succeeds (not necessarily a small one).
* **Action properties** (`always step: e`, kind "step") hold at a state when the step into
  it satisfies e or changes nothing; the base case asks about the step into the last state,
  the step case assumes e on the steps into s1 … s(k-1) and asks about the step into sk.
  sk need not differ from s0 … s(k-1) then: a shortest run to a bad step is simple up to the
  step's source, but the step may lead back to a state visited before (0, 1, 2, 3, then 1).

**Which properties are assumed (why it is sound).** Assuming a lemma that is not yet proved
is circular on its own: two false lemmas could each "prove" the other. So each round proves
a set of properties *together*, Houdini-style: every open property is assumed in
s0 … s(k-1); each one whose step case fails is dropped from the set, and the rest are checked
again without it, until no more fail. What remains is a set S whose conjunction is
k-inductive (each member follows in sk from all of S in s0 … s(k-1)), and whose base case
holds up to depth k - 1, so every member of S holds in every reachable state. Properties
proved in an earlier round are facts about all reachable states, so later rounds assume them
in every state of the path, sk included. A property never proved keeps the counterexample to
induction of its last attempt: the path whose first states satisfy everything assumed in that
check and whose last state violates it.

**Runtime faults and the encoding's limits.** `Encoding.step` gives a faulting transition a
junk successor, so s0 … s(k-1) of the step case, and every state but the last of a base-case
run, are assumed free of faults (a transition, an invariant, a lemma or a constraint faults
there) and of overflows (a successor Z3's layout cannot hold): the states `verikit check`
expands. So a proved property holds, and evaluates without a fault, in every state of every
run none of whose earlier states faults; the shortest run to a violation is such a run, which
is all the soundness argument needs. That no reachable state faults at all is one more goal,
"no runtime fault", proved in the same rounds: its base case looks for a faulting state at
each depth (found: `Proof.fault`, a bug in the spec as `verikit check` reports it, and the
proof stops there), its step case for a faultless path into one. An overflow is not a
fault of the spec but a limit of the encoding (a successor the layout cannot hold, from a
state none of whose steps faults; a step storing a value outside its type is a runtime fault,
as in `check`): the base case reports one it reaches (as an error), and "no runtime fault"
covers it in its step case too. The other step cases assume none happens before sk,
so when "no runtime fault" is not proved and such a step is possible at all, no other
property is reported proved (`_within_types_only`).

**Structural facts.** Before the first round, the map slots verikit fills for every node
(node variables, `up`, FIFO queues) are proved total, and then assumed like proved lemmas,
so a counterexample to induction never shows a node without its variables. Among the
counterexamples Z3 finds, one with at most `max_in_flight` messages in flight is preferred.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

from verikit.core import ir
from verikit.core.model import SAFETY_KINDS, STEP_KIND, Model, Property
from verikit.core.types import BOOL, INT, MapType, domain
from verikit.symbolic.encode import Encoding
from verikit.symbolic.proof import NO_FAULT, Cti, Fault, Outcome, Proof

DEFAULT_MAX_K = 4
LAST_DISTINCT = "·sk differs from s0..s(k-1)"  # the step case's switch for its last state


@dataclass(frozen=True)
class ProveOptions:
    max_k: int = DEFAULT_MAX_K  # try k = 1 .. max_k
    timeout: float | None = None  # seconds for the whole proof (Z3's share); then "unknown"


@dataclass(frozen=True)
class _Goal:
    """What one round tries to prove: a property (its `expr`), a structural fact (kind
    "fact", never reported), or that no state faults (kind "fault", `expr` None). An action
    property (kind "step") is about the step into a state: it holds at a frame when the step
    from the frame before changes nothing or satisfies it, and trivially at the first."""

    name: str
    kind: str
    expr: ir.Expr | None


@dataclass(frozen=True)
class _Answer:
    """One solver call: sat with its model, unsat, or unknown with a reason."""

    status: str  # "sat" | "unsat" | "unknown"
    model: Any = None
    reason: str = ""


def prove(model: Model, options: ProveOptions | None = None) -> Proof:
    """Try to prove every invariant and lemma of `model` (see the module docstring).
    Raises `Unsupported` (from the encoder) for a model Z3 cannot express."""
    return _Prover(model, options or ProveOptions()).run()


class _Prover:
    def __init__(self, model: Model, options: ProveOptions) -> None:
        if options.max_k < 1:
            raise ValueError(f"max_k must be at least 1, got {options.max_k}")
        self.started = time.monotonic()
        self.options = options
        self.model = model
        self.enc = Encoding(model)
        props = model.props(*SAFETY_KINDS, STEP_KIND)
        self.goals = [_Goal(p.name, p.kind, p.expr) for p in props]
        self.goals.append(_Goal(NO_FAULT, "fault", None))  # a goal even with no property
        self.bound = in_flight_bound(model)
        self.queries = 0
        self.base = z3.Solver()
        self.base_frames: list[Any] = []
        self.outcomes: dict[str, Outcome] = {}  # settled: proved, violated, or unknown
        self.attempts: dict[str, Outcome] = {}  # the last failed step case of an open goal
        self.fault: Fault | None = None

    # ------------------------------------------------------------ the rounds

    def run(self) -> Proof:
        proved: list[_Goal] = []
        open_ = list(self.goals)
        tried = 0
        while open_ and tried < self.options.max_k:
            tried += 1
            depth = tried - 1
            still_open = self._base_cases(open_, depth)
            if still_open is None:
                break  # a fault (or a depth not known to be faultless): nothing past it
            open_ = still_open
            if tried == 1:
                proved += self._structural_facts()
            survivors = self._houdini(tried, open_, proved) if open_ else []
            for goal in survivors:
                self.outcomes[goal.name] = Outcome(goal.name, goal.kind, "proved", tried)
            proved += survivors
            open_ = [g for g in open_ if g not in survivors]
        outcomes = tuple(self._final(g, tried) for g in self.goals)
        no_fault = any(o.kind == "fault" and o.status == "proved" for o in outcomes)
        if not no_fault and self._may_overflow():
            outcomes = tuple(_within_types_only(o) for o in outcomes)
        seconds = time.monotonic() - self.started
        return Proof(outcomes, tried, seconds, self.queries, self.fault)

    def _may_overflow(self) -> bool:
        """Can some state within its types, none of whose steps faults, step to one the
        layout cannot hold? (A store outside its type, `r.a = 5` for a field of type 0..2,
        faults instead, as in `check`.) Then every step case, which assumes no such step
        before its last state, holds only for runs that keep within the layout, and that
        needs the "no runtime fault" goal proved."""
        f = self.enc.frame("overflow")
        return (
            self._check(z3.Solver(), [self.enc.domain(f), self.enc.overflow(f)]).status != "unsat"
        )

    def _base_cases(self, open_: list[_Goal], depth: int) -> list[_Goal] | None:
        """The goals still open after the base case at `depth`; None if a state there may
        fault: then a property's run could end in a fault, not a violation, so stop."""
        no_fault = next((g for g in open_ if g.expr is None), None)
        if no_fault is not None and not self._base_case(no_fault, depth):
            return None
        return [g for g in open_ if g.expr is None or self._base_case(g, depth)]

    def _structural_facts(self) -> list[_Goal]:
        """The facts of `structural_facts` that hold initially and are 1-inductive (all of
        them): assumed from then on, like proved lemmas."""
        facts = [_Goal(f.name, "fact", f.expr) for f in structural_facts(self.model)]
        facts = [f for f in facts if self._base_case(f, 0)]
        return self._houdini(1, facts, []) if facts else []

    def _final(self, goal: _Goal, tried: int) -> Outcome:
        if goal.name in self.outcomes:
            return self.outcomes[goal.name]
        if goal.name in self.attempts and self.fault is None:
            return self.attempts[goal.name]
        if self.fault is not None:
            why = "Z3's layout cannot hold a state" if self.fault.overflow else "the spec faults"
            reason = f"{why} {self.fault.where}: nothing past it is proved"
        else:  # the base case could not rule out a fault at this depth
            found = (o.reason for o in self.outcomes.values() if o.kind == "fault" and o.reason)
            reason = next(found, "a runtime fault was not ruled out")
        return Outcome(goal.name, goal.kind, "unknown", tried, reason=reason)

    def _base_case(self, goal: _Goal, depth: int) -> bool:
        """Does `goal` stay open after the base case at `depth`? Not when a run of `depth`
        steps breaks it (violated: for "no runtime fault", `self.fault` too) or Z3 cannot
        tell (unknown: it cannot be proved at this k or any larger one)."""
        if goal.expr is None and depth == 0 and not self._initial_states_fit(goal):
            return False
        frames = self._base_path(depth)
        bad = self._bad(goal, frames, depth)
        if goal.expr is None and depth == 0:
            bad = z3.Or(bad, self.enc.init_faults())
        answer = self._check(self.base, [bad])
        if answer.status == "unsat":
            return True
        if answer.status == "sat":
            states, actions = self._decode_path(answer.model, frames)
            violated = Outcome(goal.name, goal.kind, "violated", depth, states, actions)
            self.outcomes[goal.name] = violated
            if goal.expr is None:
                overflow = self.enc.overflow(frames[depth])
                self.fault = Fault(states, actions, _true(answer.model, overflow))
        else:
            reason = f"the base case at depth {depth}: {answer.reason}"
            unknown = Outcome(goal.name, goal.kind, "unknown", depth + 1, reason=reason)
            self.outcomes[goal.name] = unknown
        return False

    def _initial_states_fit(self, goal: _Goal) -> bool:
        """The init block faults (`init { r = R { a: 5 } }` into a 0..2 field: a fault of
        the spec, as `check` reports it), or an initial state does not fit the layout (an
        encoding limit): either is reported before any base case, whose initial frames,
        within their types, could not show it."""
        checks = ((self.enc.init_faults(), False), (self.enc.init_overflow(), True))
        for formula, overflow in checks:
            answer = self._check(z3.Solver(), [formula])
            if answer.status == "unsat":
                continue
            if answer.status == "sat":
                self.outcomes[goal.name] = Outcome(goal.name, goal.kind, "violated", 0)
                self.fault = Fault((), (), overflow=overflow)
                return False
            reason = f"the initial states: {answer.reason}"
            self.outcomes[goal.name] = Outcome(goal.name, goal.kind, "unknown", 1, reason=reason)
            return False
        return True

    def _base_path(self, depth: int) -> list[Any]:
        """The base solver's frames 0..depth (added one step at a time, kept for later k);
        every state before the last is one the search expands."""
        while len(self.base_frames) <= depth:
            i = len(self.base_frames)
            frame = self.enc.frame(f"b{i}")
            self.base.add(self.enc.domain(frame))
            if i == 0:
                self.base.add(self.enc.init(frame))
            else:
                previous = self.base_frames[-1]
                self.base.add(self._expanded(previous))
                self.base.add(self.enc.step(previous, frame))
            self.base_frames.append(frame)
        return self.base_frames[: depth + 1]

    def _houdini(self, k: int, open_: list[_Goal], proved: list[_Goal]) -> list[_Goal]:
        """The largest subset of `open_` whose conjunction is k-inductive (given `proved`)."""
        solver, frames, switches = self._step_problem(k, open_, proved)
        candidates = list(open_)
        changed = True
        while changed and candidates:
            changed = False
            for goal in list(candidates):
                assumed = [switches[g.name] for g in candidates]
                if goal.kind != STEP_KIND:  # a state property's shortest violation is simple
                    assumed.append(switches[LAST_DISTINCT])
                bad = [self._bad(goal, frames, k)]
                answer = self._check(solver, bad, assumed)
                if answer.status == "unsat":
                    continue
                if answer.status == "sat":
                    answer = self._plausible(solver, bad, assumed, frames) or answer
                candidates.remove(goal)
                changed = True
                in_check = [*proved, goal, *candidates]
                self.attempts[goal.name] = self._failed(goal, k, answer, frames, in_check)
        return candidates

    def _step_problem(
        self, k: int, open_: list[_Goal], proved: list[_Goal]
    ) -> tuple[z3.Solver, list[Any], dict[str, Any]]:
        """The step case's path s0..sk; each open goal gets a switch literal that, when
        assumed, makes it hold in s0..s(k-1)."""
        solver = z3.Solver()
        frames = [self.enc.frame(f"k{k}s{i}") for i in range(k + 1)]
        for i, frame in enumerate(frames):
            solver.add(self.enc.domain(frame))
            solver.add(*(self._good(g, frames, i) for g in proved))
            if i < k:
                solver.add(self._expanded(frame))
                solver.add(self.enc.step(frame, frames[i + 1]))
            distinct = [z3.Not(self.enc.equal(other, frame)) for other in frames[:i]]
            if i < k:
                solver.add(*distinct)
            else:  # an action property's shortest violation may step back to an earlier state
                solver.add(z3.Implies(z3.Bool(f"{LAST_DISTINCT} k{k}"), z3.And(*distinct)))
        switches = {LAST_DISTINCT: z3.Bool(f"{LAST_DISTINCT} k{k}")}
        for goal in open_:
            switch = z3.Bool(f"assume {goal.name} k{k}")
            held = (self._good(goal, frames, i) for i in range(k))
            solver.add(z3.Implies(switch, z3.And(*held)))
            switches[goal.name] = switch
        return solver, frames, switches

    def _plausible(
        self, solver: z3.Solver, bad: list[Any], assumed: list[Any], frames: list[Any]
    ) -> _Answer | None:
        """The same counterexample to induction, but with states that look reachable (at
        most max_in_flight messages in flight), if there is one: any model of the query is
        a counterexample, and a reader should not have to wonder about 30,000 copies of a
        message. Cheaper than proving the bound as a lemma, which it is."""
        if self.bound is None:
            return None
        nicer = [self.enc.holds(self.bound, frame) for frame in frames]
        answer = self._check(solver, [*bad, *nicer], assumed)
        return answer if answer.status == "sat" else None

    def _failed(
        self, goal: _Goal, k: int, answer: _Answer, frames: list[Any], in_check: list[_Goal]
    ) -> Outcome:
        if answer.status == "unknown":
            reason = f"the induction step at k={k}: {answer.reason}"
            return Outcome(goal.name, goal.kind, "unknown", k, reason=reason)
        states, actions = self._decode_path(answer.model, frames)
        names = {g.name for g in in_check}
        assumed = tuple(g.name for g in self.goals if g.name in names and g.expr is not None)
        cti = Cti(states, actions, assumed)
        return Outcome(goal.name, goal.kind, "not_inductive", k, cti=cti)

    # ------------------------------------------------------------ formulas

    def _good(self, goal: _Goal, frames: Sequence[Any], i: int) -> Any:
        """The goal holds at frames[i] (an action property: on the step into it)."""
        frame = frames[i]
        if goal.expr is None:
            return z3.Not(self._faulty(frame))
        if goal.kind == STEP_KIND:
            return z3.Not(self._bad(goal, frames, i))
        return self.enc.holds(goal.expr, frame)

    def _bad(self, goal: _Goal, frames: Sequence[Any], i: int) -> Any:
        """The goal fails at frames[i]: a property is false or faults (an action property:
        on the step into it, when that step changes the state); a state faults or has a
        successor the layout cannot hold (`check` stores it; Z3 would drop it)."""
        frame = frames[i]
        if goal.expr is None:
            return self._faulty(frame)
        if goal.kind == STEP_KIND:
            if i == 0:
                return z3.BoolVal(False)
            value, faults = self.enc.step_holds(goal.expr, frames[i - 1], frame)
            moved = z3.Not(self.enc.equal(frames[i - 1], frame))
            return z3.And(moved, z3.Or(z3.Not(value), faults))
        return z3.Or(
            z3.Not(self.enc.holds(goal.expr, frame)), self.enc.prop_faults(goal.expr, frame)
        )

    def _faulty(self, frame: Any) -> Any:
        """As `check` sees a state: an invariant, lemma or constraint that faults in it, or,
        inside the constraints (where it computes successors), a step that faults (storing
        a value outside its type included) or a successor the layout cannot hold."""
        enc = self.enc
        return z3.Or(enc.faults(frame), z3.And(enc.within(frame), enc.overflow(frame)))

    def _expanded(self, frame: Any) -> Any:
        """A state the search expands: within the constraints, nothing faults, and the
        layout holds its successors."""
        return z3.And(self.enc.within(frame), z3.Not(self._faulty(frame)))

    # ------------------------------------------------------------ the solver

    def _decode_path(
        self, m: z3.ModelRef, frames: Sequence[Any]
    ) -> tuple[tuple[Any, ...], tuple[str, ...]]:
        states = tuple(self.enc.decode(m, f) for f in frames)
        actions = tuple(self.enc.action_taken(m, f) for f in frames[1:])
        return states, actions

    def _check(self, solver: z3.Solver, goal: list[Any], assumed: Sequence[Any] = ()) -> _Answer:
        """One query: `goal` added in a scope of its own, under the switch literals
        `assumed`, within what is left of the time budget."""
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            return _Answer("unknown", reason=self._out_of_time())
        if remaining is not None:
            solver.set("timeout", max(1, int(remaining * 1000)))
        self.queries += 1
        solver.push()
        try:
            solver.add(*goal)
            result = solver.check(*assumed)
            if result == z3.sat:
                return _Answer("sat", solver.model())
            if result == z3.unsat:
                return _Answer("unsat")
            reason = solver.reason_unknown()
            if reason in ("timeout", "canceled") and self.options.timeout is not None:
                return _Answer("unknown", reason=self._out_of_time())
            return _Answer("unknown", reason=f"Z3 could not decide it ({reason})")
        finally:
            solver.pop()

    def _out_of_time(self) -> str:
        return f"the time limit of {self.options.timeout:g} s ran out"

    def _remaining(self) -> float | None:
        if self.options.timeout is None:
            return None
        return self.options.timeout - (time.monotonic() - self.started)


def _within_types_only(outcome: Outcome) -> Outcome:
    """A proof that assumed every value stays within its type, when that is not proved."""
    if outcome.status != "proved" or outcome.kind == "fault":
        return outcome
    reason = (
        f"holds by {outcome.k}-induction only for runs whose values stay within their types, "
        f"and that is not proved (see {NO_FAULT})"
    )
    return Outcome(outcome.property, outcome.kind, "unknown", outcome.k, reason=reason)


def _true(m: z3.ModelRef, formula: Any) -> bool:
    return bool(z3.is_true(m.eval(formula, model_completion=True)))


def structural_facts(model: Model) -> list[Property]:
    """What the lowering guarantees in every state but the types do not say: every node has
    each of its variables (the map slots verikit fills for every node or channel are total).
    Without it a counterexample to induction could start from a node without a `state`. The
    facts are proved like lemmas (not trusted), then assumed."""
    facts = []
    for i, var in enumerate(model.vars):
        if isinstance(var.type, MapType) and (var.owner is not None or var.role != "user"):
            slot = ir.StateVar(i, var.name, var.type)
            keys = [ir.Lit(k, var.type.key) for k in domain(var.type.key)]
            present = [ir.Call("has", (slot, k), BOOL) for k in keys]
            facts.append(Property("lemma", f"every key of {var.name}", _all(present)))
    return facts


def in_flight_bound(model: Model) -> ir.Expr | None:
    """At most `max_in_flight` messages in flight (true in every reachable state)."""
    net = model.network
    if net is None or net.max_in_flight is None:
        return None
    var = model.vars[net.slot]
    slot = ir.StateVar(net.slot, var.name, var.type)
    size = ir.Call("len" if net.reorder else "total_len", (slot,), INT)
    return ir.Binary("le", size, ir.Lit(net.max_in_flight, INT), BOOL)


def _all(parts: Sequence[ir.Expr]) -> ir.Expr:
    out: ir.Expr = ir.Lit(True, BOOL)
    for part in reversed(parts):
        out = part if out == ir.Lit(True, BOOL) else ir.Binary("and", part, out, BOOL)
    return out
