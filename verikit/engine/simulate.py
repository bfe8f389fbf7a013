"""Random simulation: many random walks over a compiled model, for specs too big to enumerate.

Each run is a walk of up to `depth` steps from a random initial state. At every state the
walk computes all successors (so deadlocks are real deadlocks) and then picks one: first an
action among the enabled ones, then one of that action's successors, both uniformly. With
swarm testing (on by default) each run first switches off a random half of its features (every
user action and handler, and each fault kind: loss, duplication, crash, partition); the walk
then chooses only among the features left on, falling back to every enabled action when none
is. Each run checks what `check` checks: invariants, deadlock, runtime faults, constraints (a
state outside one is checked against the invariants, then the run ends), and collects the
`reachable` witnesses; with liveness properties it also recognises a lasso when a walk
returns to a state it visited (engine/lasso.py judges fairness and the property).

Reproducible: run 0 of a simulation with seed S is seeded with S itself, run i > 0 with a
64-bit mix of S and i (`run_seed`), so the seed printed for a failing run reproduces it as run
0 of a new simulation, and simulations with nearby seeds share no runs. Its choices are recorded as
`[initial state, action, index within that action's successors, action, index, ...]`, the same
encoding hypothesis draws in engine/shrink.py, which shrinks a violation afterwards.

Workers: with `workers` > 1, forked processes share the runs (worker w does runs w, w+W, ...)
and report the lowest-numbered failing run, so the violation found does not depend on the
number of workers (the counts of a run that stopped early may).

The successor function is a seam: `Expander` turns a state into its successors and how many
each action produced; the compiled Python model provides one (next_states, whose successors
come grouped by action in model order, and its per-action counters), and a native library
may provide another with the same meaning.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import SAFETY_KINDS, STEP_KIND, Model
from verikit.engine.lasso import LassoJudge
from verikit.engine.result import CheckResult, Discovery, Stats, Verdict
from verikit.engine.spans import action_at
from verikit.errors import SpecFault

DEFAULT_RUNS = 1000  # runs when neither --runs nor --timeout is given
DEFAULT_DEPTH = 100  # steps per run
BACKENDS = ("auto", "native", "python")
FAULT_GROUPS = (("drop",), ("duplicate",), ("crash", "restart"), ("partition", "heal"))


@dataclass(frozen=True)
class SimulateOptions:
    """`runs` None: until the timeout (DEFAULT_RUNS without one). `seed` None: a fresh one,
    reported in the result. `shrink_seconds` bounds the shrinking of a violation found."""

    runs: int | None = None
    depth: int = DEFAULT_DEPTH
    seed: int | None = None
    timeout: float | None = None
    workers: int = 1
    swarm: bool = True
    deadlock: bool = True
    shrink: bool = True
    shrink_seconds: float = 20.0
    database: str | None = None  # directory of hypothesis's example database; None: off
    replay_database: bool = True  # try the database's last failure first
    backend: str = "auto"  # "native" (engine/native_walk.py), "python", or native when it can
    # called about once a second with (runs done, steps, seconds), in one process only
    progress: Callable[[int, int, float], None] | None = None

    def __post_init__(self) -> None:
        if self.runs is not None and self.runs < 1:
            raise ValueError(f"runs must be at least 1, got {self.runs}")
        if self.depth < 0:
            raise ValueError(f"depth must be at least 0, got {self.depth}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout}")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend}")


@dataclass(frozen=True)
class ActionCoverage:
    """Per action: successors the walks took, and steps in which it was enabled."""

    name: str
    kind: str
    taken: int
    enabled: int


@dataclass(frozen=True)
class Shrinking:
    """How a violation's trace was shortened: `original` and `shrunk` count steps."""

    original: int
    shrunk: int
    seconds: float
    by: str  # "hypothesis and step removal", "step removal", or why it was not shrunk


@dataclass(frozen=True)
class Simulation:
    """What a simulation did. `stopped` says why it ended: "runs" (all done), "violation",
    "timeout" or "interrupted". `found_run` and `found_seed` name the run that found the
    violation (None without one, or when the example database replayed it)."""

    seed: int
    runs: int  # runs completed
    max_runs: int | None
    depth: int
    steps: int
    distinct_states: int
    seconds: float
    workers: int
    swarm: bool
    coverage: tuple[ActionCoverage, ...]
    stopped: str
    longest: int = 0  # steps of the longest run
    found_run: int | None = None
    found_seed: int | None = None
    found_seconds: float | None = None  # from the start to the violation, before shrinking
    shrinking: Shrinking | None = None
    from_database: bool = False  # the violation is the example database's last failure
    nothing_to_find: bool = False  # no invariant, no deadlock check, no liveness property
    backend: str = "python"  # the Space the walks ran on
    backend_reason: str = ""
    build_seconds: float = 0.0  # choosing the Space: generating and compiling C, or loading it

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class SimulationResult:
    result: CheckResult  # verdict VIOLATED or INCOMPLETE (a simulation never proves)
    run: Simulation


# ---------------------------------------------------------------- the successor seam


class Expander(Protocol):
    """A state's successors and, per action in model order, how many of them it produced
    (the successors of action a come right after those of actions 0..a-1)."""

    def __call__(self, state: Any) -> tuple[Sequence[Any], list[int]]: ...


@dataclass(frozen=True)
class Space:
    """What the walks see of a model: its states in some representation, their successors
    in compile's order, the model's properties by index into `Model.properties`, and a
    fingerprint. The compiled Python model is one; the native library (engine/native_walk.py)
    another, whose walks make the same choices."""

    name: str  # "python" or "native"
    reason: str  # why this one, for the report
    init_states: Callable[[], list[Any]]
    expand: Expander
    predicate: Callable[[int], Callable[[Any], bool]]
    fingerprint: Callable[[Any], Hashable]


class SpaceGaveUp(Exception):
    """A space other than Python's cannot go on (a fault it cannot word, a value it cannot
    hold): the simulation is repeated on the Python model, which makes the same choices."""


class BackendUnavailable(Exception):
    """`backend="native"` was asked for and cannot run: the message says why."""


def choose_space(compiled: CompiledModel, backend: str) -> Space:
    """The native library when asked for or (`auto`) when it can run, else Python's model."""
    if backend == "python":
        return python_space(compiled, "asked for with --backend python")
    from verikit.engine.native_walk import native_space  # imports this module

    found = native_space(compiled)
    if isinstance(found, Space):
        return found
    if backend == "native":
        raise BackendUnavailable(f"--backend native: {found}")
    return python_space(compiled, found)


def python_space(compiled: CompiledModel, reason: str = "asked for") -> Space:
    predicates = [f for _, f in compiled.properties]
    return Space(
        "python",
        reason,
        compiled.init_states,
        python_expander(compiled),
        predicates.__getitem__,
        compiled.fingerprint,
    )


def python_expander(compiled: CompiledModel) -> Expander:
    """next_states plus the per-action counters it bumps: one call, no labels."""
    next_states, hits = compiled.next_states, compiled.action_hits
    width = len(hits)

    def expand(state: State) -> tuple[list[State], list[int]]:
        hits[:] = [0] * width
        return next_states(state), list(hits)

    return expand


# ---------------------------------------------------------------- checks of one state


class Checks:
    """What every walk checks, shared by the walker and the shrinker."""

    def __init__(self, compiled: CompiledModel, deadlock: bool, space: Space | None = None) -> None:
        self.compiled = compiled
        space = space or python_space(compiled)
        props = list(enumerate(compiled.model.properties))
        self.invariants = tuple((p.name, space.predicate(i)) for i, p in props
                                if p.kind in SAFETY_KINDS)  # fmt: skip
        self.constraints = tuple(space.predicate(i) for i, p in props if p.kind == "constraint")
        self.terminals = tuple(space.predicate(i) for i, p in props if p.kind == "terminal")
        self.reachables = tuple((p.name, space.predicate(i)) for i, p in props
                                if p.kind == "reachable")  # fmt: skip
        # action properties, over (before + after): native refuses them, so states are tuples
        self.steps = tuple((p.name, f) for p, f in compiled.predicates(STEP_KIND))
        self.deadlock = deadlock and compiled.model.deadlock

    def state(
        self, state: State, path: list[int], before: State | None = None
    ) -> tuple[Discovery | None, bool]:
        """(a violation in `state`, or on the step into it from `before`, whether the walk
        may go on from it)."""
        if self.steps and before is not None and before != state:
            for name, holds in self.steps:
                try:
                    if not holds(before + state):
                        return Discovery(name, "step", tuple(path)), False
                except SpecFault as fault:
                    return Discovery(name, "fault", tuple(path), fault), False
        try:
            for name, holds in self.invariants:
                if not holds(state):
                    return Discovery(name, "invariant", tuple(path)), False
            inside = all(c(state) for c in self.constraints)
        except SpecFault as fault:
            return Discovery(_faulting(self.compiled, state), "fault", tuple(path), fault), False
        return None, inside

    def dead_end(self, state: State, path: list[int]) -> Discovery | None:
        """A state without successors: a deadlock unless a `terminal` condition holds."""
        if not self.deadlock:
            return None
        try:
            if any(t(state) for t in self.terminals):
                return None
        except SpecFault as fault:
            return Discovery(_faulting(self.compiled, state), "fault", tuple(path), fault)
        return Discovery("deadlock", "deadlock", tuple(path))

    def step_fault(self, fault: SpecFault, path: list[int]) -> Discovery:
        name = action_at(self.compiled.model, fault.span) or "next"
        return Discovery(name, "fault", tuple(path), fault)


def _faulting(compiled: CompiledModel, state: State) -> str:
    for prop, holds in compiled.properties:
        try:
            holds(state)
        except SpecFault:
            return prop.name
    return "property"


def nothing_to_find(model: Model, deadlock: bool) -> bool:
    """No invariant, no deadlock check and no liveness property: only runtime faults (and
    reachable witnesses) can come out of a simulation."""
    return (
        not model.props(*SAFETY_KINDS, STEP_KIND)
        and not (deadlock and model.deadlock)
        and not (model.liveness)
    )


# ---------------------------------------------------------------- one walk


@dataclass
class Tally:
    """What the runs of one process saw; merged across workers."""

    runs: int = 0
    steps: int = 0
    longest: int = 0
    seen: set[int] = field(default_factory=set)
    taken: list[int] = field(default_factory=list)
    enabled: list[int] = field(default_factory=list)
    witnesses: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    """A violation a walk found: its run, its discovery and the choices that led there."""

    run: int
    discovery: Discovery
    choices: tuple[int, ...]
    seconds: float


def features(model: Model) -> list[tuple[int, ...]]:
    """Swarm features: each user action or handler alone, each fault kind as a group."""
    result: list[tuple[int, ...]] = []
    for index, action in enumerate(model.actions):
        if action.kind in ("action", "receive"):
            result.append((index,))
    for group in FAULT_GROUPS:
        members = tuple(i for i, a in enumerate(model.actions) if a.kind in group)
        if members:
            result.append(members)
    return result


class Walker:
    """Runs random walks; `walk` is the hot path."""

    def __init__(
        self,
        compiled: CompiledModel,
        options: SimulateOptions,
        space: Space | None = None,
    ) -> None:
        self.compiled = compiled
        self.options = options
        self.space = space or python_space(compiled)
        self.expand = self.space.expand
        self.checks = Checks(compiled, options.deadlock, self.space)
        self.features = features(compiled.model) if options.swarm else []
        self.lasso = LassoJudge(compiled) if compiled.model.liveness else None
        self.fingerprint = self.space.fingerprint
        width = len(compiled.model.actions)
        self.tally = Tally(taken=[0] * width, enabled=[0] * width)
        self.inits: list[State] = []

    def start(self) -> Discovery | None:
        try:
            self.inits = self.space.init_states()
        except SpecFault as fault:
            return Discovery("init", "fault", (), fault)
        return None

    def switched_off(self, rng: random.Random) -> frozenset[int]:
        off: set[int] = set()
        for feature in self.features:
            if rng.random() < 0.5:
                off.update(feature)
        return frozenset(off)

    def walk(self, seed: int) -> tuple[Discovery | None, list[int], list[int]]:
        """One run: its violation (if any), its choices and its path (successor ordinals)."""
        tally = self.tally
        tally.runs += 1
        if not self.inits:
            return None, [], []
        rng = random.Random(seed)
        first = rng.randrange(len(self.inits))
        state = self.inits[first]
        path, choices = [first], [first]
        seen_add, fingerprint = tally.seen.add, self.fingerprint
        found, go_on = self.checks.state(state, path)
        if found is not None or not go_on:
            return found, choices, path
        seen_add(hash(fingerprint(state)))  # counted as check counts: inside the constraints
        self._reach(state, path)
        off = self.switched_off(rng)
        taken, enabled = tally.taken, tally.enabled
        expand, checks, lasso = self.expand, self.checks, self.lasso
        visits: dict[Hashable, list[int]] = {}
        if lasso is not None:
            lasso.reset()
        states: list[State] = [state]
        uniform = rng.random  # int(uniform() * n): a fair pick in 0..n-1, faster than randrange
        steps = 0
        for _ in range(self.options.depth):
            if lasso is not None:
                key = fingerprint(state)
                visits.setdefault(key, []).append(len(path) - 1)
            try:
                succs, counts = expand(state)
            except SpecFault as fault:
                found = checks.step_fault(fault, path)
                break
            if not succs:
                found = checks.dead_end(state, path)
                if found is None and lasso is not None:
                    found = lasso.stutter(states, path)
                break
            on = []
            for a, count in enumerate(counts):
                if count:
                    enabled[a] += 1
                    if a not in off:
                        on.append(a)
            if not on:
                on = [a for a, count in enumerate(counts) if count]
            action = on[int(uniform() * len(on))] if len(on) > 1 else on[0]
            j = int(uniform() * counts[action])
            ordinal = sum(counts[:action]) + j
            before, state = state, succs[ordinal]
            taken[action] += 1
            steps += 1
            path.append(ordinal)
            choices += (action, j)
            found, go_on = checks.state(state, path, before)
            if found is not None or not go_on:
                break
            seen_add(hash(fingerprint(state)))
            if checks.reachables:
                self._reach(state, path)
            if lasso is not None:
                states.append(state)
                earlier = visits.get(fingerprint(state))
                if earlier:
                    found = lasso.loop(states, path, earlier)
                    if found is not None:
                        break
        tally.steps += steps
        tally.longest = max(tally.longest, steps)
        return found, choices, path

    def _reach(self, state: State, path: list[int]) -> None:
        witnesses = self.tally.witnesses
        for name, holds in self.checks.reachables:
            if name not in witnesses:
                try:
                    hit = holds(state)
                except SpecFault:
                    continue  # the invariant checks report faults
                if hit:
                    witnesses[name] = tuple(path)


# ---------------------------------------------------------------- many walks


class Stop:
    """Why the runs of one process should stop: a deadline, Ctrl-C (a flag another process
    may set), or a violation in an earlier-numbered run."""

    def __init__(self, deadline: float | None, shared: Any = None) -> None:
        self.deadline = deadline
        self.shared = shared  # multiprocessing: [stop flag, lowest failing run]

    def __call__(self, run: int) -> str | None:
        if self.shared is not None:
            if self.shared[0]:
                return "interrupted"
            if run > self.shared[1]:
                return "violation"
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return "timeout"
        return None

    def found(self, run: int) -> None:
        if self.shared is not None:
            with self.shared.get_lock():
                self.shared[1] = min(self.shared[1], run)


def run_many(
    walker: Walker, seed: int, runs: range, stop: Stop, start: float
) -> tuple[Found | None, str]:
    """Runs in `runs` order until a violation or a stop; (the violation, why it stopped)."""
    progress, tally = walker.options.progress, walker.tally
    next_report = start + 1.0
    for run in runs:
        why = stop(run)
        if why is not None:
            return None, why
        if progress is not None and time.monotonic() >= next_report:
            next_report = time.monotonic() + 1.0
            progress(tally.runs, tally.steps, next_report - 1.0 - start)
        found, choices, _ = walker.walk(run_seed(seed, run))
        if found is not None:
            stop.found(run)
            return Found(run, found, tuple(choices), time.monotonic() - start), "violation"
    return None, "runs"


Outcome = tuple[Found | None, Tally, str, Discovery | None]


def simulate_runs(
    compiled: CompiledModel,
    options: SimulateOptions,
    seed: int,
    max_runs: int | None,
    space: Space | None = None,
) -> tuple[Outcome, Space]:
    """All runs on `space` (Python's model by default), repeated on Python's when the space
    gives up: (the outcome, the space that produced it)."""
    space = space or python_space(compiled)
    try:
        return _runs(compiled, options, seed, max_runs, space), space
    except SpaceGaveUp as why:
        if space.name == "python":
            raise
        fallback = python_space(compiled, f"{space.name} gave up ({why}); the runs were repeated")
        return _runs(compiled, options, seed, max_runs, fallback), fallback


def _runs(
    compiled: CompiledModel,
    options: SimulateOptions,
    seed: int,
    max_runs: int | None,
    space: Space,
) -> Outcome:
    """All runs, in this process or in workers: (the lowest-numbered violation, the merged
    tally, why the runs stopped, an initial-state fault)."""
    walker = Walker(compiled, options, space)
    fault = walker.start()
    if fault is not None:
        return None, walker.tally, "violation", fault
    start = time.monotonic()
    deadline = start + options.timeout if options.timeout else None
    total = range(max_runs) if max_runs is not None else range(2**62)
    if options.workers == 1:
        stop = Stop(deadline)
        try:
            found, why = run_many(walker, seed, total, stop, start)
        except KeyboardInterrupt:
            found, why = None, "interrupted"
        return found, walker.tally, why, None
    return _parallel(walker, seed, total, deadline, start)


def _parallel(
    walker: Walker, seed: int, total: range, deadline: float | None, start: float
) -> tuple[Found | None, Tally, str, Discovery | None]:
    """Forked workers, each with its share of the runs; Ctrl-C stops them all and collects
    what each had done."""
    context = multiprocessing.get_context("fork")
    workers = walker.options.workers
    shared = context.Array("q", [0, 2**62])
    queue = context.SimpleQueue()
    processes = [
        context.Process(
            target=_worker, args=(walker, seed, total[w::workers], deadline, shared, queue, start)
        )
        for w in range(workers)
    ]
    for p in processes:
        p.start()
    results: list[tuple[Found | None, Tally, str]] = []
    interrupted = False
    while len(results) < workers:
        try:
            results.append(queue.get())
        except KeyboardInterrupt:
            interrupted = True
            shared[0] = 1
        if results and results[-1][2].startswith(GAVE_UP):
            shared[0] = 1  # the others stop too: everything is repeated on Python
    for p in processes:
        p.join()
    gave_up = [why for _, _, why in results if why.startswith(GAVE_UP)]
    if gave_up:
        raise SpaceGaveUp(gave_up[0].removeprefix(GAVE_UP))
    tally = _merge([t for _, t, _ in results], walker.tally)
    found = [f for f, _, _ in results if f is not None]
    best = min(found, key=lambda f: f.run) if found else None
    reasons = {why for _, _, why in results}
    why = "violation" if best else "interrupted" if interrupted else _first_reason(reasons)
    return best, tally, why, None


def _first_reason(reasons: set[str]) -> str:
    for why in ("interrupted", "timeout", "runs"):
        if why in reasons:
            return why
    return "runs"


def _worker(
    walker: Walker,
    seed: int,
    runs: range,
    deadline: float | None,
    shared: Any,
    queue: Any,
    start: float,
) -> None:
    """A forked worker: Ctrl-C is the parent's to handle (it sets the shared stop flag)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        found, why = run_many(walker, seed, runs, Stop(deadline, shared), start)
    except SpaceGaveUp as gave_up:
        found, why = None, GAVE_UP + str(gave_up)
    queue.put((found, walker.tally, why))
    os._exit(0)  # no atexit handlers of the parent (hypothesis, pytest) in the child


GAVE_UP = "gave up: "


def _merge(tallies: list[Tally], into: Tally) -> Tally:
    merged = Tally(taken=list(into.taken), enabled=list(into.enabled))
    for t in tallies:
        merged.runs += t.runs
        merged.steps += t.steps
        merged.longest = max(merged.longest, t.longest)
        merged.seen |= t.seen
        merged.taken = [a + b for a, b in zip(merged.taken, t.taken, strict=True)]
        merged.enabled = [a + b for a, b in zip(merged.enabled, t.enabled, strict=True)]
        for name, path in t.witnesses.items():
            merged.witnesses.setdefault(name, path)
    return merged


# ---------------------------------------------------------------- the whole simulation


Shrinker = Callable[[Found, float], tuple[Discovery, Shrinking]]
Replayer = Callable[[], Found | None]


MASK = 2**64 - 1


def run_seed(seed: int, run: int) -> int:
    """Run 0 walks with the simulation's seed, run i with splitmix64 of the seed and i (a
    non-negative int below 2**63, as --seed takes)."""
    if run == 0:
        return seed
    z = (seed + run * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return (z ^ (z >> 31)) >> 1


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 10**9)


def simulate(
    compiled: CompiledModel,
    options: SimulateOptions,
    shrinker: Shrinker | None = None,
    replayer: Replayer | None = None,
    space: Space | None = None,
) -> SimulationResult:
    """Walk, then shrink what was found. `replayer` tries the example database's last failure
    first (engine/shrink.py); `shrinker` shortens a violation (both None: as found)."""
    seed = new_seed() if options.seed is None else options.seed
    max_runs = options.runs if options.runs is not None or options.timeout else DEFAULT_RUNS
    start = time.monotonic()
    from_database = False
    found: Found | None = None
    fault: Discovery | None = None
    tally = Tally(
        taken=[0] * len(compiled.model.actions), enabled=[0] * len(compiled.model.actions)
    )
    why = "runs"
    try:
        found = replayer() if replayer is not None else None
    except KeyboardInterrupt:
        found = None
    searched, build = time.monotonic() - start, 0.0
    if found is not None:
        from_database, why = True, "violation"
    else:
        if space is None:
            space = choose_space(compiled, options.backend)
            build = time.monotonic() - start - searched
        walking = time.monotonic()
        (found, tally, why, fault), space = simulate_runs(compiled, options, seed, max_runs, space)
        searched = time.monotonic() - walking
    violation, shrinking = fault, None
    if found is not None:
        violation = found.discovery
        if shrinker is not None and options.shrink:
            try:
                violation, shrinking = shrinker(found, options.shrink_seconds)
            except KeyboardInterrupt:
                shrinking = Shrinking(_length(violation), _length(violation), 0.0,
                                      "not shrunk: interrupted")  # fmt: skip
    seconds = time.monotonic() - start
    model = compiled.model
    run = Simulation(
        seed=seed,
        runs=tally.runs,
        max_runs=max_runs,
        depth=options.depth,
        steps=tally.steps,
        distinct_states=len(tally.seen),
        seconds=searched,
        workers=options.workers,
        swarm=options.swarm,
        coverage=tuple(
            ActionCoverage(a.name, a.kind, t, e)
            for a, t, e in zip(model.actions, tally.taken, tally.enabled, strict=True)
        ),
        stopped=why,
        longest=tally.longest,
        found_run=None if found is None or from_database else found.run,
        found_seed=None if found is None or from_database else run_seed(seed, found.run),
        found_seconds=None if found is None else found.seconds,
        shrinking=shrinking,
        from_database=from_database,
        nothing_to_find=nothing_to_find(model, options.deadlock),
        backend="python" if space is None else space.name,
        backend_reason="" if space is None else space.reason,
        build_seconds=build,
    )
    return SimulationResult(_result(compiled, violation, tally, run, seconds), run)


def _length(d: Discovery) -> int:
    return max(len(d.path) - 1, 0)


def _result(
    compiled: CompiledModel,
    violation: Discovery | None,
    tally: Tally,
    run: Simulation,
    seconds: float,
) -> CheckResult:
    witnesses = tuple(Discovery(n, "reachable", p) for n, p in tally.witnesses.items())
    unreached = tuple(
        p.name for p in compiled.model.props("reachable") if p.name not in tally.witnesses
    )
    reason = {
        "runs": f"{run.runs:,} runs of up to {run.depth} steps",
        "timeout": "timeout",
        "interrupted": "interrupted",
    }.get(run.stopped)
    stats = Stats(run.distinct_states, run.steps, run.longest + 1, seconds, run.steps_per_second, 0)
    return CheckResult(
        Verdict.VIOLATED if violation is not None else Verdict.INCOMPLETE,
        stats,
        (violation,) if violation is not None else (),
        witnesses,
        unreached,
        (),
        reason,
    )
