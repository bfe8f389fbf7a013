"""What `prove` found, as plain data (no Z3 here, so reports can import it freely).

One `Outcome` per invariant and lemma:

    proved          k-induction succeeded at `k`: the property holds in every reachable state
    violated        the base case found a real run from an initial state that breaks it,
                    `k` steps long and as short as any (a counterexample, like `check`'s)
    not_inductive   no proof up to the largest k tried; `cti` is a counterexample to
                    induction: the property may still hold, but induction cannot show it
                    without a stronger lemma
    unknown         Z3 could not decide a query (timeout, or the solver gave up): `reason`
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

State = tuple[Any, ...]  # the runtime representation, as compile.State (symbolic cannot import it)

STATUSES = ("proved", "violated", "not_inductive", "unknown")
NO_FAULT = "no runtime fault"  # the goal (kind "fault") that no reachable state faults


@dataclass(frozen=True)
class Cti:
    """A counterexample to induction: `states` are pairwise distinct, each follows from the
    one before by the action named in `actions` (actions[i] leads to states[i + 1]); every
    state but the last satisfies the property and every property in `assumed`, the last one
    violates the property. It need not be reachable: that is why the property is unproved,
    not violated. `pre`, `post` and `action` are the step that breaks it."""

    states: tuple[State, ...]
    actions: tuple[str, ...]
    assumed: tuple[str, ...]

    @property
    def pre(self) -> State:
        return self.states[-2]

    @property
    def post(self) -> State:
        return self.states[-1]

    @property
    def action(self) -> str:
        return self.actions[-1]


@dataclass(frozen=True)
class Outcome:
    """The proof outcome of one property (see the module docstring for `status`).

    `k`: proved — the k of the successful induction; violated — the counterexample's number
    of steps; not_inductive / unknown — the largest k tried. `states` / `actions` hold a
    violation's run (states[0] an initial state, actions[i] leads to states[i + 1])."""

    property: str
    kind: str  # "invariant" | "lemma"
    status: str
    k: int
    states: tuple[State, ...] = ()
    actions: tuple[str, ...] = ()
    cti: Cti | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Fault:
    """A run from an initial state to a state where evaluating a transition, an invariant, a
    lemma or a constraint faults (a bug in the spec, as `verikit check` reports it), or whose
    successor Z3's layout cannot hold (`overflow`: an encoding limit). The base case stops
    there: nothing past a fault is proved."""

    states: tuple[State, ...]  # empty: the init block faults (or, overflow, does not fit)
    actions: tuple[str, ...]
    overflow: bool

    @property
    def where(self) -> str:
        if not self.states:
            return "in an initial state"
        steps = len(self.states) - 1
        return f"after {steps} step{'' if steps == 1 else 's'}"


@dataclass(frozen=True)
class Proof:
    """Every invariant and lemma of a model, in declaration order, and what it took."""

    outcomes: tuple[Outcome, ...]
    max_k: int
    seconds: float
    queries: int  # solver calls made
    fault: Fault | None = None

    def with_status(self, *statuses: str) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status in statuses)
