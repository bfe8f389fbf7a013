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
junk successor, so the base case looks first, at each depth, for a state where a transition,
an invariant, a lemma or a constraint faults, or whose successor Z3's layout cannot hold
(`overflow`); it stops there with `Proof.fault` (a bug in the spec, as `verikit check`
reports it) and proves nothing more. The states before the last of a base-case run, and
s0 … s(k-1) of the step case, are assumed free of both. So "proved" means: the property
holds, and evaluates without a fault, in every state of every run none of whose earlier
states faults (the same runs `verikit check` explores before it stops at a fault). The
shortest run to a violation is such a run, and that is all the soundness argument needs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

from verikit.core.model import SAFETY_KINDS, Model, Property
from verikit.symbolic.encode import Encoding
from verikit.symbolic.proof import Cti, Fault, Outcome, Proof

DEFAULT_MAX_K = 4


@dataclass(frozen=True)
class ProveOptions:
    max_k: int = DEFAULT_MAX_K  # try k = 1 .. max_k
    timeout: float | None = None  # seconds for the whole proof; then "unknown"


class _Unknown(Exception):
    """A query Z3 could not decide; the message says why."""


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
        self.model = model
        self.options = options
        self.enc = Encoding(model)
        self.props = model.props(*SAFETY_KINDS)
        self.queries = 0
        self.base = z3.Solver()
        self.base_frames: list[Any] = []
        self.outcomes: dict[str, Outcome] = {}  # final: proved or violated
        self.attempts: dict[str, Outcome] = {}  # the last failed attempt of an open property
        self.fault: Fault | None = None

    # ------------------------------------------------------------ the rounds

    def run(self) -> Proof:
        proved: list[Property] = []
        open_ = list(self.props)
        tried = 0
        while open_ and tried < self.options.max_k and self.fault is None:
            tried += 1
            if not self._faultless(tried - 1):
                break
            open_ = [p for p in open_ if self._base_case(p, tried - 1)]
            survivors = self._houdini(tried, open_, proved) if open_ else []
            for p in survivors:
                self.outcomes[p.name] = Outcome(p.name, p.kind, "proved", tried)
            proved += survivors
            open_ = [p for p in open_ if p not in survivors]
        seconds = time.monotonic() - self.started
        outcomes = tuple(self._final(p, tried) for p in self.props)
        return Proof(outcomes, tried, seconds, self.queries, self.fault)

    def _final(self, prop: Property, tried: int) -> Outcome:
        if prop.name in self.outcomes:
            return self.outcomes[prop.name]
        if self.fault is not None:
            steps = len(self.fault.states) - 1
            why = (
                "Z3's layout cannot hold a successor" if self.fault.overflow else "the spec faults"
            )
            reason = f"{why} after {steps} steps: nothing past it is proved"
            return Outcome(prop.name, prop.kind, "unknown", tried, reason=reason)
        return self.attempts[prop.name]

    def _faultless(self, depth: int) -> bool:
        """No run reaches, in `depth` steps, a state that faults or overflows the layout
        (else `self.fault`, or an "unknown" for every open property)."""
        frames = self._base_path(depth)
        last = frames[depth]
        bad = z3.Or(self.enc.faults(last), self.enc.overflow(last))
        if depth == 0:
            bad = z3.Or(bad, self.enc.init_faults())
        answer = self._check(self.base, [bad])
        if answer.status == "sat":
            states, actions = self._decode_path(answer.model, frames)
            overflow = z3.is_true(answer.model.eval(self.enc.overflow(last), model_completion=True))
            self.fault = Fault(states, actions, overflow)
            return False
        if answer.status == "unknown":
            reason = f"looking for runtime faults at depth {depth}: {answer.reason}"
            for prop in self.props:
                if prop.name not in self.outcomes:
                    self.outcomes[prop.name] = Outcome(prop.name, prop.kind, "unknown", depth + 1,
                                                       reason=reason)  # fmt: skip
            return False
        return True

    def _base_case(self, prop: Property, depth: int) -> bool:
        """False when the base case settles `prop` (violated, or unknown): it leaves the
        proof. A property unknown here cannot be proved at this k or any larger one."""
        frames = self._base_path(depth)
        answer = self._check(self.base, [z3.Not(self.enc.holds(prop.expr, frames[depth]))])
        if answer.status == "unsat":
            return True
        if answer.status == "sat":
            states, actions = self._decode_path(answer.model, frames)
            self.outcomes[prop.name] = Outcome(
                prop.name, prop.kind, "violated", depth, states, actions
            )
        else:
            reason = f"the base case at depth {depth}: {answer.reason}"
            self.outcomes[prop.name] = Outcome(prop.name, prop.kind, "unknown", depth + 1,
                                               reason=reason)  # fmt: skip
        return False

    def _base_path(self, depth: int) -> list[Any]:
        """The base solver's frames 0..depth (added one step at a time, kept for later k);
        every state before the last is explored, so within the constraints and faultless."""
        while len(self.base_frames) <= depth:
            i = len(self.base_frames)
            frame = self.enc.frame(f"b{i}")
            self.base.add(self.enc.domain(frame))
            if i == 0:
                self.base.add(self.enc.init(frame))
            else:
                previous = self.base_frames[-1]
                self.base.add(self._explored(previous))
                self.base.add(self.enc.step(previous, frame))
            self.base_frames.append(frame)
        return self.base_frames[: depth + 1]

    def _houdini(self, k: int, open_: list[Property], proved: list[Property]) -> list[Property]:
        """The largest subset of `open_` whose conjunction is k-inductive (given `proved`)."""
        solver, frames, switches = self._step_problem(k, open_, proved)
        candidates = list(open_)
        changed = True
        while changed and candidates:
            changed = False
            for prop in list(candidates):
                assumed = [switches[p.name] for p in candidates]
                violated = z3.Or(
                    z3.Not(self.enc.holds(prop.expr, frames[k])),
                    self.enc.prop_faults(prop.expr, frames[k]),
                )
                answer = self._check(solver, [violated], assumed)
                if answer.status == "unsat":
                    continue
                candidates.remove(prop)
                changed = True
                self.attempts[prop.name] = self._failed(prop, k, answer, frames, candidates,
                                                        proved)  # fmt: skip
        return candidates

    def _step_problem(
        self, k: int, open_: list[Property], proved: list[Property]
    ) -> tuple[z3.Solver, list[Any], dict[str, Any]]:
        """The step case's path s0..sk; each open property gets a switch literal that, when
        assumed, makes it hold in s0..s(k-1)."""
        solver = z3.Solver()
        frames = [self.enc.frame(f"k{k}s{i}") for i in range(k + 1)]
        for i, frame in enumerate(frames):
            solver.add(self.enc.domain(frame))
            solver.add(*(self.enc.holds(p.expr, frame) for p in proved))
            if i < k:
                solver.add(self._explored(frame))
                solver.add(self.enc.step(frame, frames[i + 1]))
            solver.add(*(z3.Not(self.enc.equal(other, frame)) for other in frames[:i]))
        switches = {}
        for prop in open_:
            switch = z3.Bool(f"assume {prop.name} k{k}")
            body = [self.enc.holds(prop.expr, frame) for frame in frames[:k]]
            solver.add(z3.Implies(switch, z3.And(*body)))
            switches[prop.name] = switch
        return solver, frames, switches

    def _failed(
        self,
        prop: Property,
        k: int,
        answer: _Answer,
        frames: list[Any],
        candidates: list[Property],
        proved: list[Property],
    ) -> Outcome:
        if answer.status == "unknown":
            reason = f"the induction step at k={k}: {answer.reason}"
            return Outcome(prop.name, prop.kind, "unknown", k, reason=reason)
        states, actions = self._decode_path(answer.model, frames)
        in_check = {prop.name, *(p.name for p in proved), *(p.name for p in candidates)}
        assumed = tuple(p.name for p in self.props if p.name in in_check)
        cti = Cti(states, actions, assumed)
        return Outcome(prop.name, prop.kind, "not_inductive", k, cti=cti)

    # ------------------------------------------------------------ helpers

    def _explored(self, frame: Any) -> Any:
        """A state the search explores: within the constraints, its successors computed
        without a fault and held by the layout."""
        enc = self.enc
        return z3.And(enc.within(frame), z3.Not(enc.faults(frame)), z3.Not(enc.overflow(frame)))

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
            return _Answer(
                "unknown", reason=f"the time limit of {self.options.timeout:g} s ran out"
            )
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
            return _Answer("unknown", reason=self._why_unknown(solver))
        finally:
            solver.pop()

    def _why_unknown(self, solver: z3.Solver) -> str:
        reason = solver.reason_unknown()
        if reason in ("timeout", "canceled") and self.options.timeout is not None:
            return f"the time limit of {self.options.timeout:g} s ran out"
        return f"Z3 could not decide it ({reason})"

    def _remaining(self) -> float | None:
        if self.options.timeout is None:
            return None
        return self.options.timeout - (time.monotonic() - self.started)
