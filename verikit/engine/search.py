"""Breadth-first search over a compiled model, so every counterexample is a shortest one.

Counting follows TLC: a state is counted once however often it is reached; a state outside a
`constraint` is checked against the invariants but neither counted nor explored; `depth` is the
number of BFS levels that hold a counted state (a model with only initial states has depth 1).
Only the current and the next BFS level keep full states; everything else is a fingerprint and
two array slots in the `Store`.

With `symmetric` node groups the visited set is keyed by `symmetry.canonical_key` (one key per
class of states equal up to renaming those nodes); the states stored and expanded are still the
ones reached, so paths replay unchanged. Without symmetry the key is the model's fingerprint.

`max_depth` = d stores levels 1..d; level d is still expanded (so its deadlocks are found and we
know whether anything lies beyond), and a successor not yet seen makes the result INCOMPLETE.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Hashable

from verikit.compile.compiled import CompiledModel, Predicate, State
from verikit.core.model import SAFETY_KINDS, STEP_KIND, Property
from verikit.engine import liveness
from verikit.engine.deadline import GENERATED, DeadlineExpired, deadline_of, interrupt_at
from verikit.engine.options import CheckOptions, Progress
from verikit.engine.result import ActionCoverage, CheckResult, Discovery, Stats, Verdict
from verikit.engine.spans import action_at as action_at  # re-exported (trace imports it)
from verikit.engine.store import ROOT, Store
from verikit.engine.symmetry import canonical_key
from verikit.errors import SpecFault

TICK = 1024  # work between clock reads (timeout, progress): states expanded + successors made
DEFAULT = CheckOptions()


def check(compiled: CompiledModel, options: CheckOptions = DEFAULT) -> CheckResult:
    """Explore every reachable state of `compiled` (within the limits of `options`), then
    decide its liveness properties (engine/liveness.py) when the search was complete.

    The cyclic garbage collector is paused meanwhile: the search allocates millions of
    acyclic tuples, and scanning them repeatedly costs about 10% of the run for nothing."""
    search = _Search(compiled, options)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = search.run()
        return liveness.extend(compiled, options, result) if compiled.model.liveness else result
    except KeyboardInterrupt:
        raise Interrupted(search.interrupted()) from None
    finally:
        if was_enabled:
            gc.enable()


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped the search; `partial` is what it had found by then (its figures, and
    the verdict INCOMPLETE, reason "interrupted", unless it had already found a violation)."""

    def __init__(self, partial: CheckResult) -> None:
        super().__init__("interrupted")
        self.partial = partial


class _Search:
    """One run: `_expand` is the hot path, everything else runs rarely."""

    def __init__(self, compiled: CompiledModel, options: CheckOptions) -> None:
        self.compiled = compiled
        self.options = options
        self.store = Store()
        reduced = canonical_key(compiled) if options.symmetry else None
        self.key = reduced or compiled.fingerprint  # the visited-set key
        self.invariants = tuple((p.name, f) for p, f in compiled.predicates(*SAFETY_KINDS))
        self.steps = tuple((p.name, f) for p, f in compiled.predicates(STEP_KIND))
        self.within = _conjunction([f for _, f in compiled.predicates("constraint")])
        self.terminals = tuple(f for _, f in compiled.predicates("terminal"))
        self.pending = [(p.name, f) for p, f in compiled.predicates("reachable")]
        self.deadlock = options.deadlock and compiled.model.deadlock
        self.max_states = options.max_states or sys.maxsize
        self.violations: list[Discovery] = []
        self.witnesses: list[Discovery] = []
        self.reported: set[tuple[str, str]] = set()
        self.halted = False  # stop_at_first and something was found
        self.reason: str | None = None  # a limit stopped the search
        self.cut = False  # the level at max_depth has successors beyond it
        self.depth = self.transitions = self.peak = 0
        self.explored = 0  # BFS levels whose every state was stored and checked
        self.finished = False
        self.start = time.monotonic()
        started = self.start if options.started is None else options.started
        self.deadline = started + options.timeout if options.timeout else None
        self.alarm = deadline_of(options.timeout, options.started)  # the same, for interrupt_at
        self.next_report = self.start + 1.0

    # ------------------------------------------------------------ driver

    def run(self) -> CheckResult:
        hits = self.compiled.action_hits
        hits[:] = [0] * len(hits)
        self.new_states = [0] * len(hits)
        self.successors = self.compiled.next_states
        if self.options.coverage:
            self.successors = self._counting(self.compiled.next_states)
        level = self._initial()
        base = 0
        while level and not self.stopped:
            self.depth += 1
            self.explored = self.depth  # this level came whole from the one before
            self.peak = max(self.peak, len(level))
            nxt = self._level(level, base, self.successors)
            base += len(level)
            level = nxt
        if len(self.store) > base:  # stopped early with counted states one level deeper
            self.depth += 1
        self.finished = not self.stopped  # every stored level expanded (deadlocks known)
        if self.cut and not self.stopped:
            self.reason = f"max depth {self.options.max_depth}"
        return self._result()

    def _counting(
        self, next_states: Callable[[State], list[State]]
    ) -> Callable[[State], list[State]]:
        """`next_states`, counting per action the successors not seen before (the generated
        code appends them action by action, and counts each action's in `action_hits`)."""
        hits, new, seen, key = self.compiled.action_hits, self.new_states, self.store.seen, self.key

        def successors(s: State) -> list[State]:
            before = list(hits)
            succs = next_states(s)
            if self.depth == self.options.max_depth:
                return succs  # probed beyond the depth limit, never stored
            fresh: set[Hashable] = set()
            start = 0
            for action, (old, now) in enumerate(zip(before, hits, strict=True)):
                for t in succs[start : start + now - old]:
                    fp = key(t)
                    if fp not in seen and fp not in fresh:
                        fresh.add(fp)
                        new[action] += 1
                start += now - old
            return succs

        return successors

    @property
    def stopped(self) -> bool:
        return self.halted or self.reason is not None

    def _initial(self) -> list[State]:
        """Admit the initial states as the successors of a virtual root (parent ROOT)."""
        try:
            with interrupt_at(self.alarm):
                states, complete = self._initial_states()
        except SpecFault as fault:
            self._record(Discovery("init", "fault", (), fault))
            return []
        except DeadlineExpired:
            self.reason = self._timeout("while computing the initial states")
            return []
        level = self._level([()], ROOT, lambda _: states) if states else []
        self.transitions = 0
        if not complete and not self.stopped:
            self.reason = f"max states {self.max_states} reached while computing the initial states"
        return level

    def _initial_states(self) -> tuple[list[State], bool]:
        """`init_states()`, and whether it is all of them: with a state limit, generating
        stops once more distinct states than the limit exist (a spec can have 10^9)."""
        if self.options.max_states is None:
            return self.compiled.init_states(), True
        return initial_states(self.compiled, self.max_states, self.key)

    def _level(
        self, level: list[State], base: int, successors: Callable[[State], list[State]]
    ) -> list[State]:
        """`_expand` with the deadline able to stop generated code mid-call (a state whose
        successors, or a predicate over a huge range, alone outlast it)."""
        try:
            with interrupt_at(self.alarm, only_in=GENERATED):
                return self._expand(level, base, successors)
        except DeadlineExpired:  # it had passed before the level began
            self.reason = self._timeout()
            return []

    # ------------------------------------------------------------ hot path

    def _expand(
        self, level: list[State], base: int, successors: Callable[[State], list[State]]
    ) -> list[State]:
        """Generate the successors of one BFS level (state j has index base + j); store and
        check the new ones and return them as the next level. One long function on purpose:
        everything per successor stays in local variables."""
        fingerprint = self.key
        store = self.store
        seen = store.seen
        seen_add, parents_append = seen.add, store.parents.append
        ordinals_append = store.ordinals.append
        within, invariants, pending, steps = self.within, self.invariants, self.pending, self.steps
        count, limit = len(store), self.max_states
        probing = self.depth == self.options.max_depth
        deadlock = self.deadlock
        transitions = 0
        next_read = base  # read the clock when parent + transitions reaches it
        nxt: list[State] = []
        nxt_append = nxt.append
        try:  # the deadline may stop generated code mid-call (see _level)
            for parent, s in enumerate(level, base):
                if parent + transitions >= next_read:
                    next_read = parent + transitions + TICK
                    if self._tick(len(level) - parent + base + len(nxt)):
                        break
                try:
                    succs = successors(s)
                except SpecFault as fault:
                    if self._transition_fault(parent, fault):
                        break
                    continue
                transitions += len(succs)
                if not succs:
                    if deadlock and self._dead_end(s, parent):
                        break
                    continue
                if probing:
                    self.cut = self.cut or any(fingerprint(t) not in seen for t in succs)
                    continue
                if steps and parent != ROOT and self._step_violated(s, succs, parent):
                    break
                for k, t in enumerate(succs):
                    fp = fingerprint(t)
                    if fp in seen:
                        continue
                    try:
                        if within is not None and not within(t):
                            if self._outside(t, parent, k):
                                return self._done(transitions, nxt)
                            continue
                        if count >= limit:
                            self.reason = f"max states {limit} reached"
                            return self._done(transitions, nxt)
                        seen_add(fp)
                        parents_append(parent)
                        ordinals_append(k)
                        count += 1
                        for name, holds in invariants:
                            if not holds(t) and self._violated(name, parent, k):
                                return self._done(transitions, nxt)
                        if pending:
                            self._reach(t, parent, k)
                    except SpecFault as fault:
                        if self._predicate_fault(t, parent, k, fault):
                            return self._done(transitions, nxt)
                        if fp not in seen:  # the constraint itself faulted: the state is not stored
                            continue
                    nxt_append(t)
        except DeadlineExpired:
            self.reason = self._timeout()
        return self._done(transitions, nxt)

    def _done(self, transitions: int, nxt: list[State]) -> list[State]:
        self.transitions += transitions
        return nxt

    # ------------------------------------------------------------ discoveries (rare)

    def _record(self, discovery: Discovery) -> bool:
        """Keep the first (shortest) discovery per property; True when the search must stop."""
        key = (discovery.kind, discovery.property)
        if key not in self.reported:
            self.reported.add(key)
            self.violations.append(discovery)
            self.halted = self.options.stop_at_first
        return self.halted

    def _step_violated(self, s: State, succs: list[State], parent: int) -> bool:
        """Check the action properties on every step out of s that changes the state (each
        property's first violation, at the least depth, is its shortest counterexample: it
        ends with the offending step); True when the search must stop."""
        for k, t in enumerate(succs):
            if t == s:
                continue  # a stuttering step satisfies every action property (TLA+'s [A]_v)
            pair = s + t
            for name, holds in self.steps:
                if ("step", name) in self.reported:
                    continue
                try:
                    if holds(pair):
                        continue
                except SpecFault as fault:
                    discovery = Discovery(name, "fault", self.store.path_via(parent, k), fault)
                    if self._record(discovery):
                        return True
                    continue
                if self._record(Discovery(name, "step", self.store.path_via(parent, k))):
                    return True
        return False

    def _violated(self, name: str, parent: int, k: int) -> bool:
        return self._record(Discovery(name, "invariant", self.store.path_via(parent, k)))

    def _outside(self, state: State, parent: int, k: int) -> bool:
        """A state outside the constraints: checked against the invariants, nothing more."""
        for name, holds in self.invariants:
            if not holds(state) and self._violated(name, parent, k):
                return True
        return False

    def _reach(self, state: State, parent: int, k: int) -> None:
        for name, holds in list(self.pending):
            if holds(state):
                self.pending.remove((name, holds))
                path = self.store.path_via(parent, k)
                self.witnesses.append(Discovery(name, "reachable", path))

    def _dead_end(self, state: State, parent: int) -> bool:
        try:
            if any(holds(state) for holds in self.terminals):
                return False
        except SpecFault as fault:
            name = _faulting(self.compiled.predicates("terminal"), state)
            return self._record(Discovery(name, "fault", self.store.path(parent), fault))
        return self._record(Discovery("deadlock", "deadlock", self.store.path(parent)))

    def _transition_fault(self, parent: int, fault: SpecFault) -> bool:
        name = action_at(self.compiled.model, fault.span) or "next"
        return self._record(Discovery(name, "fault", self.store.path(parent), fault))

    def _predicate_fault(self, state: State, parent: int, k: int, fault: SpecFault) -> bool:
        name = _faulting(self.compiled.properties, state)
        return self._record(Discovery(name, "fault", self.store.path_via(parent, k), fault))

    # ------------------------------------------------------------ limits and results

    def _tick(self, queue: int) -> bool:
        """Read the clock: stop on timeout, report progress about once a second."""
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            self.reason = self._timeout()
            return True
        report = self.options.progress
        if report is not None and now >= self.next_report:
            self.next_report = now + 1.0
            seconds = now - self.start
            distinct = len(self.store)
            report(Progress(distinct, self.depth, distinct / seconds, queue, seconds))
        return False

    def _timeout(self, where: str = "") -> str:
        return f"timeout {self.options.timeout} s" + (f" {where}" if where else "")

    def interrupted(self) -> CheckResult:
        """The result so far, when Ctrl-C stopped the run (the last level only partly done)."""
        self.reason = "interrupted"
        return self._result()

    def _result(self) -> CheckResult:
        seconds = time.monotonic() - self.start
        distinct = len(self.store)
        complete = not self.stopped
        unreached = tuple(name for name, _ in self.pending)
        violations = list(self.violations)
        never: tuple[str, ...] = ()
        if complete:
            violations += [Discovery(name, "reachable", ()) for name in unreached]
            actions = zip(self.compiled.model.actions, self.compiled.action_hits, strict=True)
            never = tuple(a.name for a, hits in actions if not hits)
        verdict = (
            Verdict.VIOLATED if violations else Verdict.INCOMPLETE if self.reason else Verdict.HOLDS
        )
        rate = distinct / seconds if seconds > 0 else 0.0
        stats = Stats(distinct, self.transitions, self.depth, seconds, rate, self.peak)
        symmetry = (
            self.compiled.model.symmetric if self.key is not self.compiled.fingerprint else ()
        )
        return CheckResult(
            verdict,
            stats,
            tuple(violations),
            tuple(self.witnesses),
            unreached,
            never,
            self.reason,
            symmetry,
            explored_depth=self._explored() if self.reason is not None else None,
            coverage=self._coverage() if self.options.coverage else None,
        )

    def _coverage(self) -> tuple[ActionCoverage, ...]:
        actions = zip(self.compiled.model.actions, self.compiled.action_hits, self.new_states,
                      strict=True)  # fmt: skip
        return tuple(ActionCoverage(a.name, a.kind, hits, new) for a, hits, new in actions)

    def _explored(self) -> int:
        """Steps within which every state was checked: the complete levels, less the last of
        them when deadlock checking is on and that level was not expanded to the end."""
        partial = self.deadlock and not self.finished
        return max(self.explored - 1 - partial, -1)


def initial_states(
    compiled: CompiledModel, limit: int, key: Callable[[State], Hashable] | None = None
) -> tuple[list[State], bool]:
    """`compiled.init_states()` cut short: its first states in its order, generated only
    until more than `limit` distinct ones (distinct `key`s, when given) exist, and whether
    that is all of them. A spec may have 10^9 initial states; a caller with a limit needs
    one more than it, to know that there are more."""
    block = compiled.init_block
    if block is None:
        return compiled.init_states(), True
    found: dict[State, None] = {}  # distinct, first occurrence first (as init_states)
    keys: set[Hashable] = set()

    def admit(state: State) -> None:
        if state not in found:
            found[state] = None
            keys.add(state if key is None else key(state))
            if len(keys) > limit:
                raise _Enough

    try:
        block(admit)
    except _Enough:
        return list(found), False
    return list(found), True


class _Enough(BaseException):
    """More initial states than the state limit: generating them stops (a BaseException, so
    that generated code passes it on rather than reporting it as a fault)."""


def _conjunction(predicates: list[Predicate]) -> Predicate | None:
    if not predicates:
        return None
    if len(predicates) == 1:
        return predicates[0]
    return lambda s: all(p(s) for p in predicates)


def _faulting(properties: tuple[tuple[Property, Predicate], ...], state: State) -> str:
    """Name of the first property whose predicate faults on `state` (re-evaluated one by one)."""
    for prop, holds in properties:
        try:
            holds(state)
        except SpecFault:
            return prop.name
    return "property"
