"""The explicit-state check on a chosen backend: native C (verikit/native) or Python (search.py).

`check` picks the backend (`auto`: native when a C compiler is found and the code generator
accepts the spec, else python) and always says which one ran and why (`CheckResult.backend`).
The native search reports what it found as events at (parent index, successor ordinal); this
module turns them into the same `Discovery`s engine/search.py makes: paths from the parent
array, and for faults the exact `SpecFault` by replaying the path with the compiled Python model
(C detects faults, Python words them). Anything the native run cannot finish faithfully (a value
its layout cannot hold, too many faults to list) is run again on python, with a note.
Liveness properties are decided afterwards by engine/liveness.py, on the state graph the
native search built alongside (engine/native_graph.py), or where it could not, on the graph
engine/graph.py explores.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from verikit import interrupts
from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import Model, Property
from verikit.core.types import DomainTooLarge
from verikit.engine import liveness
from verikit.engine import search as python_search
from verikit.engine.deadline import DeadlineExpired, deadline_of, interrupt_at
from verikit.engine.graph import Budget, StateGraph, explore
from verikit.engine.native_graph import state_graph
from verikit.engine.options import CheckOptions, Progress
from verikit.engine.result import ActionCoverage, Backend, CheckResult, Discovery, Stats, Verdict
from verikit.engine.spans import action_at
from verikit.engine.symmetry import symmetric_groups
from verikit.errors import Span, SpecFault
from verikit.native.build import HasC, NativeUnavailable, build, build_model, find_compiler
from verikit.native.library import (
    Event,
    EventKind,
    NativeLibrary,
    SearchConfig,
    SearchOutcome,
    Status,
)

BackendChoice = Literal["auto", "native", "python"]
BACKENDS: tuple[BackendChoice, ...] = ("auto", "native", "python")
MAX_WORKERS = 256  # runtime/search.c's MAX_WORKERS


class NativeRefused(Exception):
    """The code generator cannot encode the spec (what, and where)."""

    def __init__(self, construct: str, span: Span | None) -> None:
        where = f" ({span})" if span is not None else ""
        super().__init__(f"native cannot encode {construct}{where}")


class BackendUnavailable(Exception):
    """`--backend native` was asked for but cannot run here: the message says why."""


class Generator(Protocol):
    def __call__(self, model: Model) -> HasC: ...


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check(
    compiled: CompiledModel,
    options: CheckOptions = python_search.DEFAULT,
    backend: BackendChoice = "auto",
    workers: int | None = None,
    generate: Generator | None = None,
    full_states: bool = False,
) -> CheckResult:
    """Check `compiled` on the chosen backend; the result says which ran and why."""
    if backend == "python":
        return _python(compiled, options, "asked for with --backend python")
    try:
        # code generation and the C compiler count against --timeout (the compiler is killed)
        with interrupt_at(deadline_of(options.timeout, options.started)):
            library, build_seconds, cached = _native_library(compiled, options, generate)
    except DeadlineExpired:  # python then stops at once: INCOMPLETE, with this reason
        return _python(compiled, options, "the timeout passed while building the native code")
    except (NativeUnavailable, NativeRefused, DomainTooLarge) as why:  # too large to list in C
        if backend == "native":
            raise BackendUnavailable(f"--backend native: {why}") from None
        return _python(compiled, options, str(why))
    count = min(workers or default_workers(), MAX_WORKERS)
    no_graph = _no_graph(compiled, options, full_states)
    run = _NativeRun(compiled, options, library, count, full_states, no_graph is None)
    note = ""
    try:
        outcome = run.search()
        fallback = _needs_python(outcome)
        result = run.result(outcome) if fallback is None else None
        if result is not None and compiled.model.liveness:  # the graph lives in the library
            native = library if no_graph is None else None
            result, note = _liveness(compiled, options, result, native, no_graph)
    except Disagreement as why:
        fallback = f"native and python disagree ({why})"
        result = None
    finally:
        library.release()
    if result is None:
        return _python(compiled, options, f"the native search stopped: {fallback}; ran python")
    reason = "a C compiler was found and the spec is supported" + note
    if options.symmetry and symmetric_groups(compiled.model):
        result = replace(result, symmetry=compiled.model.symmetric)  # as python reports it
    info = Backend(
        "native",
        reason,
        count,
        build_seconds,
        cached,
        outcome.seconds,
        None if full_states else collision_probability(outcome.distinct, outcome.transitions),
    )
    return replace(result, backend=info)


def result_of(
    compiled: CompiledModel, options: CheckOptions, library: NativeLibrary, outcome: SearchOutcome
) -> CheckResult:
    """A native search's figures and events as the engine's result (faults worded by replaying
    their paths in Python). verikit/cluster builds such an outcome from its partitions."""
    return _NativeRun(compiled, options, library, 1, False).result(outcome)


def _no_graph(compiled: CompiledModel, options: CheckOptions, full_states: bool) -> str | None:
    """Why the native search does not build the liveness graph too (None: it does)."""
    if not compiled.model.liveness:
        return "no liveness properties"
    if full_states:
        return "whole states are compared (--full-states)"
    if options.symmetry and compiled.model.symmetric:
        return "symmetry reduction merges states a lasso must tell apart"
    return None


def _liveness(
    compiled: CompiledModel, options: CheckOptions, result: CheckResult,
    library: NativeLibrary | None, why_not: str | None,
) -> tuple[CheckResult, str]:  # fmt: skip
    """`result` with liveness decided on the native search's graph when it built one, else on
    engine/graph.py's; and the note the backend line gets about it ("" when no graph was
    needed: the safety outcome left liveness undecided)."""
    sizes = library.graph_sizes() if library is not None else None
    why = why_not if sizes is None else sizes.failure
    used: list[str] = []

    def native_graph(budget: Budget) -> StateGraph:
        assert library is not None and sizes is not None
        used.append("; liveness decided on the native state graph")
        return state_graph(compiled, library, sizes)

    def python_graph(budget: Budget) -> StateGraph:
        used.append(f"; liveness decided on the Python state graph ({why})")
        return explore(compiled, budget)

    source = native_graph if why is None else python_graph
    return liveness.extend(compiled, options, result, source), "".join(used)


def collision_probability(distinct: int, transitions: int) -> float:
    """TLC's optimistic estimate that two of the states shared a 64-bit fingerprint."""
    return distinct * max(transitions - distinct, 0) / 2.0**64


def _python(compiled: CompiledModel, options: CheckOptions, reason: str) -> CheckResult:
    started = time.monotonic()
    result = python_search.check(compiled, options)
    info = Backend("python", reason, 1, 0.0, False, time.monotonic() - started, None)
    return replace(result, backend=info)


def _native_library(
    compiled: CompiledModel, options: CheckOptions, generate: Generator | None
) -> tuple[NativeLibrary, float, bool]:
    """Generate and build (or reuse) the model's library: (library, seconds, cached)."""
    find_compiler()  # before generating: "no compiler" is the clearer reason
    model = compiled.model
    if model.symmetric and not options.symmetry:
        model = replace(model, symmetric=())  # --no-symmetry: the unreduced space, natively
    started = time.monotonic()
    if generate is None:  # found by the model when built before: no C generated (nor the
        built = build_model(model, lambda: _codegen()(model))  # generator imported: 0.1 s)
    else:
        built = build(generate(model))
    return built.library, time.monotonic() - started, built.cached


def _codegen() -> Generator:
    """The native code generator; its refusals become NativeRefused."""
    from verikit.native import codegen

    def generate(model: Model) -> HasC:
        try:
            return codegen.generate(model)
        except codegen.NativeRefusal as refusal:
            raise NativeRefused(refusal.construct, refusal.span) from None

    return generate


def _time_left(options: CheckOptions) -> float | None:
    """Seconds of `timeout` left for the search: loading and building count too."""
    if options.timeout is None:
        return None
    spent = 0.0 if options.started is None else time.monotonic() - options.started
    return max(options.timeout - spent, 1e-9)


def _needs_python(outcome: SearchOutcome) -> str | None:
    """Why a native outcome cannot stand as the answer (None: it can)."""
    reasons = {
        Status.UNREPRESENTABLE: "a value does not fit the native state layout",
        Status.TOO_MANY_EVENTS: "too many faults to list",
        Status.UNSUPPORTED: "more than 32 invariants or reachables, or 16M successors of a state",
    }
    return reasons.get(outcome.status)


class Disagreement(Exception):
    """Replaying a native path with the Python model did not show what C reported (a bug in
    the native engine or its code generator: the Python engine decides instead)."""


@dataclass
class _NativeRun:
    compiled: CompiledModel
    options: CheckOptions
    library: NativeLibrary
    workers: int
    full_states: bool
    graph: bool = False  # also build the liveness graph (engine/native_graph.py)

    def search(self) -> SearchOutcome:
        """Run the C search; Ctrl-C makes it stop and return its figures so far."""
        config = SearchConfig(
            workers=self.workers,
            max_states=self.options.max_states,
            max_depth=self.options.max_depth,
            timeout=_time_left(self.options),
            deadlock=self.options.deadlock and self.compiled.model.deadlock,
            stop_at_first=self.options.stop_at_first,
            full_states=self.full_states,
            graph=self.graph,
        )
        with _interruptible(self.library) as interrupted:
            outcome = self.library.search(config, _progress(self.options, interrupted))
        if interrupted() and outcome.status is not Status.INTERRUPTED:
            outcome = replace(outcome, status=Status.INTERRUPTED)
        if outcome.status is Status.INTERRUPTED:
            raise python_search.Interrupted(self.result(outcome))
        return outcome

    def result(self, outcome: SearchOutcome) -> CheckResult:
        model = self.compiled.model
        violations: list[Discovery] = []
        witnesses: list[Discovery] = []
        reported: set[tuple[str, str]] = set()
        pending = [p.name for p in model.props("reachable")]
        for event in outcome.events:
            discovery = self._discovery(event, outcome, pending)
            if discovery.kind == "reachable":
                pending.remove(discovery.property)
                witnesses.append(discovery)
            elif (discovery.kind, discovery.property) not in reported:
                reported.add((discovery.kind, discovery.property))
                violations.append(discovery)
        reason = self._reason(outcome)
        complete = outcome.status is Status.COMPLETE
        unreached = tuple(pending)
        never: tuple[str, ...] = ()
        if complete:
            violations += [Discovery(name, "reachable", ()) for name in unreached]
            hits = zip(model.actions, outcome.action_hits, strict=True)
            never = tuple(a.name for a, count in hits if not count)
        verdict = (
            Verdict.VIOLATED if violations else Verdict.INCOMPLETE if reason else Verdict.HOLDS
        )
        seconds = outcome.seconds
        rate = outcome.distinct / seconds if seconds > 0 else 0.0
        stats = Stats(
            outcome.distinct, outcome.transitions, outcome.depth, seconds, rate, outcome.peak_queue
        )
        coverage = tuple(ActionCoverage(a.name, a.kind, count, None)  # new states: not counted
                         for a, count in zip(model.actions, outcome.action_hits, strict=True))  # fmt: skip
        return CheckResult(
            verdict, stats, tuple(violations), tuple(witnesses), unreached, never, reason,
            explored_depth=self._explored(outcome) if reason else None,
            coverage=coverage if self.options.coverage else None,
        )  # fmt: skip

    def _explored(self, outcome: SearchOutcome) -> int:
        """Steps within which every state was stored and checked, when a limit stopped the
        search: levels 1..max_depth at a depth cut, else at least all but the last level
        holding a state (that one, and the level before it, may be partial), and one fewer
        with deadlock checking (the last complete level may not be expanded to its end)."""
        if outcome.status is Status.MAX_DEPTH and self.options.max_depth is not None:
            return self.options.max_depth - 1
        deadlock = self.options.deadlock and self.compiled.model.deadlock
        return max(outcome.depth - 2 - deadlock, -1)

    def _reason(self, outcome: SearchOutcome) -> str | None:
        options = self.options
        match outcome.status:
            case Status.MAX_STATES:
                return f"max states {options.max_states} reached"
            case Status.MAX_DEPTH:
                return f"max depth {options.max_depth}"
            case Status.TIMEOUT:
                return f"timeout {options.timeout} s"
            case Status.INTERRUPTED:
                return "interrupted"
            case Status.OUT_OF_MEMORY:
                return f"out of memory after {outcome.distinct} states"
        return None

    # ------------------------------------------------------------ events -> discoveries

    def _discovery(self, event: Event, outcome: SearchOutcome, pending: list[str]) -> Discovery:
        props = self.compiled.model.properties
        at = outcome.paths(event.parent)
        path = at if event.ordinal < 0 else (*at, event.ordinal)
        match event.kind:
            case EventKind.INVARIANT:
                self._replays_to(path, props[event.prop], holds=False)
                return Discovery(props[event.prop].name, "invariant", path)
            case EventKind.REACHABLE:
                self._replays_to(path, props[event.prop], holds=True)
                return Discovery(props[event.prop].name, "reachable", path)
            case EventKind.DEADLOCK:
                return Discovery("deadlock", "deadlock", path)
            case EventKind.INIT_FAULT:
                return Discovery("init", "fault", (), self._fault(self.compiled.init_states))
            case EventKind.TRANSITION_FAULT:
                state = self._state(path)
                fault = self._fault(lambda: self.compiled.next_states(state))
                name = action_at(self.compiled.model, fault.span) or "next"
                return Discovery(name, "fault", path, fault)
            case EventKind.TERMINAL_FAULT:
                terminals = self.compiled.predicates("terminal")
                state = self._state(path)
                fault = self._fault(lambda: any(holds(state) for _, holds in terminals))
                return Discovery(_faulting(terminals, state), "fault", path, fault)
            case EventKind.PREDICATE_FAULT:
                state = self._state(path)
                fault = self._fault(lambda: self._predicates_in_search_order(state, pending))
                return Discovery(_faulting(self.compiled.properties, state), "fault", path, fault)
        raise Disagreement(f"unknown event {event}")

    def _predicates_in_search_order(self, state: State, pending: list[str]) -> None:
        """Evaluate what search.py evaluates on a new state, in its order, to meet its fault."""
        compiled = self.compiled
        if all(holds(state) for _, holds in compiled.predicates("constraint")):
            for _, holds in compiled.predicates("invariant", "lemma"):
                holds(state)
            for prop, holds in compiled.predicates("reachable"):
                if prop.name in pending:
                    holds(state)
        else:
            for _, holds in compiled.predicates("invariant", "lemma"):
                holds(state)

    def _replays_to(self, path: tuple[int, ...], prop: Property, holds: bool) -> None:
        """The path's last state, replayed with the Python model, is what C reported: `prop`
        holds there or not. A counterexample shown is one the user can replay."""
        state = self._state(path)
        predicate = next(p for named, p in self.compiled.properties if named == prop)
        try:
            found = predicate(state)
        except SpecFault as fault:
            raise Disagreement(f"{prop.name} faults in Python at the end of {path}: {fault}") from None
        if bool(found) is not holds:
            raise Disagreement(f"{prop.name} is {bool(found)} in Python at the end of {path}")

    def _state(self, path: tuple[int, ...]) -> State:
        try:
            state = self.compiled.init_states()[path[0]]
            for ordinal in path[1:]:
                state = self.compiled.next_states(state)[ordinal]
        except (IndexError, SpecFault) as exc:
            raise Disagreement(f"path {path} does not replay: {exc}") from None
        return state

    @staticmethod
    def _fault(evaluate: Callable[[], Any]) -> SpecFault:
        try:
            evaluate()
        except SpecFault as fault:
            return fault
        raise Disagreement("C reported a fault that Python does not raise")


def _faulting(properties: Any, state: State) -> str:
    return python_search._faulting(properties, state)


def _progress(
    options: CheckOptions, interrupted: Callable[[], bool]
) -> Callable[[int, int, int, float], bool]:
    """The C search's hook (4 times a second): report once a second; True stops the search."""
    report = options.progress
    next_report = [1.0]

    def hook(states: int, depth: int, queue: int, seconds: float) -> bool:
        if report is not None and seconds >= next_report[0]:
            next_report[0] = seconds + 1.0
            rate = states / seconds if seconds > 0 else 0.0
            report(Progress(states, depth, rate, queue, seconds))
        return interrupted()

    return hook


@contextlib.contextmanager
def _interruptible(library: NativeLibrary) -> Iterator[Callable[[], bool]]:
    """While C searches, Ctrl-C sets a flag (polled by the progress hook) and asks the C search
    to stop at once (through verikit.interrupts' watcher thread), instead of raising
    KeyboardInterrupt at some arbitrary bytecode after the call."""
    hit = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous: Any = None
    if in_main:
        previous = signal.signal(signal.SIGINT, lambda *_: hit.set())
        interrupts.on_interrupt(library.request_stop)
    try:
        yield hit.is_set
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
