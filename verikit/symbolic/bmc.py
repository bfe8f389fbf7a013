"""Incremental bounded model checking: the shortest path to a bad state, up to a depth.

Depth k means paths of k steps (k transitions; depth 0 checks the initial states). For each k
the solver holds init(s0) ∧ step(s0, s1) ∧ … ∧ step(sk-1, sk), asserted once; the bad
conditions at sk are checked inside push/pop. The first satisfiable k is the length of a
shortest counterexample, because every shorter path was checked before.

What is bad mirrors the explicit engine (engine/search.py), in its order within one depth:

1. "state": a state the search admits is bad: a `constraint` faults (constraints are evaluated
   first, short-circuit), an invariant or lemma is false or faults, or — inside the
   constraints — a `reachable` not yet witnessed at a smaller depth faults.
2. "step": a state the search expands (inside every constraint) is bad: computing its
   successors faults, or (deadlock checking on) it has no successor and no `terminal` holds
   (a `terminal` that faults is a fault).
0. "transition" (asked first: the search checks the steps out of a state before it admits
   their targets): the step into sk changes the state and an action property (`always
   step:`) is false or faults on it.

Per depth one query asks for any of these (or an encoding overflow); only when it is
satisfiable do one or two more tell which, in that order. States on the path before sk lie
inside the constraints (the explicit engine explores only those) and are asserted not bad
(known from the shallower queries; it helps Z3). A `reachable` P is witnessed at the least k
with a state inside the constraints where P holds. Liveness properties are not checked here.
A state or successor the layout cannot hold (Encoding.overflow, init_overflow) stops bmc
with EncodingOverflow: dropping it would be a silent approximation. (A value stored outside
its type is not one: it is a runtime fault, a bad step like any other.)

The solver's answer comes back as decoded states (runtime representation) and the transition
taken into each; classifying the bad state (which property, which fault) is left to the caller,
which evaluates the compiled model on it exactly as the explicit engine would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

from verikit.core.model import SAFETY_KINDS, STEP_KIND, Model, Property
from verikit.symbolic.encode import Encoding, Frame, State, Transition, Unsupported

__all__ = ["BmcResult", "EncodingOverflow", "Path", "Unsupported", "bmc"]


class EncodingOverflow(Exception):
    """A reachable step (from a state none of whose steps faults) would store a value the
    layout cannot hold: the encoding would drop it, so bmc refuses to answer. A value outside
    its type is a runtime fault instead (core/ir.py), so this is a limit of the layout only."""


@dataclass(frozen=True)
class Path:
    """A run found by the solver: states s0..sk and the transition into each of s1..sk."""

    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    @property
    def length(self) -> int:
        return len(self.states) - 1


@dataclass
class BmcResult:
    """What bmc found within `depth` steps.

    `bad` is the first bad path (category "state", "step" or "init" for a fault of the init
    block, whose path is empty); None when none exists within `checked` steps. `unknown` is
    the solver's reason when it gave up (timeout) at depth `checked + 1`.
    """

    depth: int
    checked: int = -1  # deepest depth known to be free of bad states
    bad: Path | None = None
    category: str | None = None
    witnesses: dict[str, Path] = field(default_factory=dict)
    unreached: tuple[str, ...] = ()
    unknown: str | None = None
    seconds_per_depth: list[float] = field(default_factory=list)
    encode_seconds: float = 0.0
    size: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int, float], None]  # (depth just checked, seconds it took)


def bmc(
    model: Model,
    depth: int,
    *,
    deadlock: bool = True,
    reachable: bool = True,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> BmcResult:
    """Check every path of at most `depth` steps; raises Unsupported (before solving) or
    EncodingOverflow. `timeout` counts from this call: encoding the model spends it too."""
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    enc = Encoding(model)
    result = BmcResult(depth, encode_seconds=time.monotonic() - started, size=enc.size)
    return _Run(enc, result, deadlock and model.deadlock, reachable, deadline, progress).run()


class _Run:
    def __init__(
        self,
        enc: Encoding,
        result: BmcResult,
        deadlock: bool,
        reachable: bool,
        deadline: float | None,
        progress: Progress | None,
    ) -> None:
        self.enc = enc
        self.model = enc.model
        self.result = result
        self.deadlock = deadlock
        self.pending = list(self.model.props("reachable")) if reachable else []
        self.deadline = deadline  # time.monotonic() at which the solver must give up
        self.progress = progress
        self.solver = z3.Solver()
        self.frames: list[Frame] = []
        self._model: Any = None

    def run(self) -> BmcResult:
        if self._satisfiable(self.enc.init_faults()) is True:
            self.result.bad, self.result.category = Path((), ()), "init"
            return self.result
        for k in range(self.result.depth + 1):
            started = time.monotonic()
            stop = self._depth(k)
            self.result.seconds_per_depth.append(time.monotonic() - started)
            if self.progress is not None:
                self.progress(k, self.result.seconds_per_depth[-1])
            if stop:
                break
            self.result.checked = k
        self.result.unreached = tuple(p.name for p in self.pending)
        return self.result

    def _depth(self, k: int) -> bool:
        """Check depth k; True when the search ends here (found, or the solver gave up)."""
        enc, s = self.enc, self.solver
        f = enc.frame(f"s{k}")
        if k == 0:
            s.add(enc.init(f))
            if self._satisfiable(enc.init_overflow()):
                raise EncodingOverflow(
                    "an initial state holds a value the Z3 encoding's layout cannot hold"
                )
        else:
            s.add(enc.step(self.frames[-1], f))
        self.frames.append(f)
        bad_state, bad_step = self._bad_state(f), self._bad_step(f)
        bad_move = self._bad_transition(self.frames[-2], f) if k else z3.BoolVal(False)
        # a successor not held by the layout, or this state (held) with a value out of type
        overflow = z3.Or(z3.And(enc.within(f), enc.layout_overflow(f)), z3.Not(enc.domain(f)))
        anything = self._satisfiable(z3.Or(bad_move, bad_state, bad_step, overflow))
        if anything is None:
            return True
        if anything:  # one more question or two, to report what the explicit engine would
            return self._classify(k, bad_move, bad_state, bad_step)
        if self._witnesses(f, k) is None:
            return True
        # what the next depth may assume: this state is explored and was not bad
        s.add(enc.within(f), z3.Not(bad_state), z3.Not(bad_step), z3.Not(overflow))
        s.add(z3.Not(bad_move))
        return False

    def _classify(self, k: int, bad_move: Any, bad_state: Any, bad_step: Any) -> bool:
        """Something is bad at depth k: a bad transition into it, then a bad state (the
        explicit engine checks a state when it reaches it, before expanding any state of its
        depth), then a bad step."""
        ordered = (("transition", bad_move), ("state", self._unexpected_first(bad_state)),
                   ("step", bad_step))  # fmt: skip
        for category, bad in ordered:
            answer = self._satisfiable(bad)
            if answer is None:
                return True
            if answer:
                self.result.bad, self.result.category = self._path(), category
                return True
        state = self._path().states[-1]  # the model of the question that found it
        raise EncodingOverflow(
            f"within {k + 1} steps (from the state {state}), a step stores a value the Z3 "
            "encoding's layout cannot hold"
        )

    def _unexpected_first(self, bad_state: Any) -> Any:
        """For a bug variant (`expect violation P`), a bad state that breaks some other
        property, when one exists at this depth: the variant passes only when P alone is
        violated, so among shortest counterexamples that tie, one that fails it comes first
        (whichever of them a breadth-first search happens to meet first)."""
        expected = self.model.expected_properties
        if not expected:
            return bad_state
        f = self.frames[-1]
        others = [p for p in self.model.props(*SAFETY_KINDS) if p.name not in expected]
        if not others:
            return bad_state
        breaks = z3.Or([z3.Not(self.enc.holds(p.expr, f)) for p in others])
        other = z3.And(bad_state, breaks)
        return other if self._satisfiable(other) else bad_state

    # ------------------------------------------------------------ bad conditions

    def _bad_state(self, f: Frame) -> Any:
        enc = self.enc
        constraints = self.model.props("constraint")
        parts = [_sequential_fault(enc, constraints, f, go_on_while=True)]
        for p in self.model.props(*SAFETY_KINDS):
            parts += [z3.Not(enc.holds(p.expr, f)), enc.prop_faults(p.expr, f)]
        pending = [enc.prop_faults(p.expr, f) for p in self.pending]
        if pending:
            parts.append(z3.And(enc.within(f), z3.Or(pending)))
        return z3.Or(parts)

    def _bad_transition(self, f: Frame, g: Frame) -> Any:
        """The step f → g changes the state and an action property fails or faults on it."""
        parts = []
        for p in self.model.props(STEP_KIND):
            value, faults = self.enc.step_holds(p.expr, f, g)
            parts += [z3.Not(value), faults]
        if not parts:
            return z3.BoolVal(False)
        return z3.And(z3.Not(self.enc.equal(f, g)), z3.Or(parts))

    def _bad_step(self, f: Frame) -> Any:
        enc = self.enc
        bad = [enc.step_faults(f)]
        if self.deadlock:
            terminals = self.model.props("terminal")
            none_holds = [
                z3.And(z3.Not(enc.holds(p.expr, f)), z3.Not(enc.prop_faults(p.expr, f)))
                for p in terminals
            ]
            ends_badly = z3.Or(
                _sequential_fault(enc, terminals, f, go_on_while=False), z3.And(none_holds)
            )
            bad.append(z3.And(z3.Not(enc.enabled(f)), ends_badly))
        return z3.And(enc.within(f), z3.Or(bad))

    def _witnesses(self, f: Frame, k: int) -> bool | None:
        """Record the reachables first witnessed at depth k; None if the solver gave up."""
        for prop in list(self.pending):
            wanted = z3.And(
                self.enc.within(f),
                self.enc.holds(prop.expr, f),
                z3.Not(self.enc.prop_faults(prop.expr, f)),
            )
            answer = self._satisfiable(wanted)
            if answer is None:
                return None
            if answer:
                self.pending.remove(prop)
                self.result.witnesses[prop.name] = self._path()
        return True

    # ------------------------------------------------------------ solver

    def _satisfiable(self, condition: Any) -> bool | None:
        """Is `condition` satisfiable with what the solver holds? None: it gave up."""
        if z3.is_false(condition):
            return False
        s = self.solver
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.result.unknown = "timeout"
                return None
            s.set("timeout", max(1, int(left * 1000)))
        s.push()
        try:
            s.add(condition)
            answer = s.check()
            if answer == z3.sat:
                self._model = s.model()
            elif answer == z3.unknown:
                self.result.unknown = s.reason_unknown() or "unknown"
                return None
            return bool(answer == z3.sat)
        finally:
            s.pop()

    def _path(self) -> Path:
        """The run in the last satisfying model."""
        m = self._model
        states = tuple(self.enc.decode(m, f) for f in self.frames)
        taken = tuple(self.enc.transition_taken(m, g) for g in self.frames[1:])
        return Path(states, taken)


def _sequential_fault(
    enc: Encoding, props: tuple[Property, ...], f: Frame, go_on_while: bool
) -> Any:
    """Evaluating props one after the other faults: `all(...)` (constraints) goes on while
    they hold, `any(...)` (terminals) while they do not."""
    faults = []
    clean: list[Any] = []
    for p in props:
        faults.append(z3.And([*clean, enc.prop_faults(p.expr, f)]))
        value = enc.holds(p.expr, f)
        clean += [value if go_on_while else z3.Not(value), z3.Not(enc.prop_faults(p.expr, f))]
    return z3.Or(faults) if faults else z3.BoolVal(False)
