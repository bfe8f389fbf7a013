"""`verikit check --cluster`: the driver of a hash-partitioned, level-synchronous BFS on Ray.

A back end beside engine/native.py, over the same generated C: each Ray actor owns the states
whose fingerprints map to its partition and expands its share of every level natively
(runtime/expand.c); successors travel in batches of packed state vectors to their owners.
Levels are synchronised and ties broken as in a single-process search, so the counts and the
counterexamples are exactly `check`'s. Ray is imported (by connect.py) only with `--cluster`.
"""

from __future__ import annotations

import contextlib
import platform
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from verikit import __version__
from verikit.cluster.connect import Address, ClusterUnavailable, connected, parse_address
from verikit.cluster.connect import version_mismatch as version_mismatch
from verikit.cluster.search import (
    ClusterSearch,
    WorkerFailed,
    WorkerLost,
    start_workers,
    stop_workers,
)
from verikit.cluster.walk import Findings
from verikit.compile.compiled import CompiledModel
from verikit.core.types import DomainTooLarge
from verikit.engine import liveness
from verikit.engine import search as python_search
from verikit.engine.native import (
    Disagreement,
    collision_probability,
    default_workers,
    result_of,
)
from verikit.engine.options import CheckOptions
from verikit.engine.result import Backend, CheckResult, Stats, Verdict
from verikit.engine.symmetry import symmetric_groups
from verikit.native.build import NativeBuildError, NativeUnavailable, build
from verikit.native.library import NativeLibrary, SearchOutcome, Status

__all__ = ["ClusterUnavailable", "WorkerFailed", "check", "parse_address"]

MAX_EVENTS = 10000  # as the native search's
MAX_WORKERS = 255  # a stored state's parent reference names its worker in 8 bits


def check(
    compiled: CompiledModel, options: CheckOptions, cluster: str, workers: int | None = None
) -> CheckResult:
    """Check `compiled` on a Ray cluster (`cluster`: "ray" or "ray://HOST:PORT") with
    `workers` worker processes. ClusterUnavailable (exit 2) when it cannot run; a lost worker
    is an INCOMPLETE result that names it (exit 3); Ctrl-C raises engine.search.Interrupted
    with the figures so far, as a single-process check does."""
    address = parse_address(cluster)
    _supported(compiled, options, workers)
    source_c, library, build_seconds, cached = _build(compiled, options.symmetry)
    wanted = workers or (default_workers() if address.host is None else None)
    with _interruptible() as interrupted, connected(address, wanted) as (ray, count, reused):
        actors, infos = start_workers(
            ray, source_c, count, options.deadlock and compiled.model.deadlock,
            options.stop_at_first, MAX_EVENTS,
        )  # fmt: skip
        lost = False
        try:
            theirs = [(f"worker {i.part} ({i.host})", _versions(i.ray, i.python, i.verikit))
                      for i in infos]  # fmt: skip
            mismatch = version_mismatch(_versions(ray.__version__), theirs)
            if mismatch is not None:
                raise ClusterUnavailable(f"{address}: {mismatch}")
            search = ClusterSearch(ray, actors, infos, options, _findings(library, options),
                                   library.n_actions, interrupted)  # fmt: skip
            try:
                outcome = search.run()
                result = _result(compiled, options, library, outcome)
            except WorkerLost as why:
                lost = True
                return _lost(search, str(why), address, count, build_seconds, cached)
        finally:
            stop_workers(ray, actors, keep=reused and not lost)
    if outcome.status is Status.INTERRUPTED:
        raise python_search.Interrupted(
            replace(result, backend=_backend(address, count, build_seconds, cached, outcome))
        )
    reason_extra = ""
    if compiled.model.liveness:
        result = liveness.extend(compiled, options, result)
        reason_extra = "; liveness decided on the Python state graph in this process"
    if options.symmetry and symmetric_groups(compiled.model):
        result = replace(result, symmetry=compiled.model.symmetric)  # as a single process says
    info = _backend(address, count, build_seconds, cached, outcome, reason_extra)
    return replace(result, backend=info)


@contextlib.contextmanager
def _interruptible() -> Iterator[Callable[[], bool]]:
    """While the cluster runs, Ctrl-C (and verikit.interrupts' reminders of it) only sets a
    flag, which the driver polls between its calls to the workers: the search then ends as
    INTERRUPTED with its figures, and Ray is shut down in order, never mid-call."""
    hit = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield hit.is_set
        return
    previous = signal.signal(signal.SIGINT, lambda *_: hit.set())
    try:
        yield hit.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


def _supported(compiled: CompiledModel, options: CheckOptions, workers: int | None) -> None:
    if workers is not None and workers > MAX_WORKERS:
        raise ClusterUnavailable(f"--cluster runs at most {MAX_WORKERS} workers, not {workers}")
    if options.coverage:
        raise ClusterUnavailable("--coverage is not counted on a cluster: run without --cluster")


def _build(compiled: CompiledModel, symmetry: bool) -> tuple[str, NativeLibrary, float, bool]:
    """The model's C (what the workers compile) and its library here (for the walk's names
    and to replay faults): refused specs are exit 2, the cluster runs native code only.
    `symmetric` groups are reduced unless `symmetry` is off (--no-symmetry)."""
    from verikit.native import codegen

    model = compiled.model if symmetry else replace(compiled.model, symmetric=())
    started = time.monotonic()
    try:
        source = codegen.generate(model)
        built = build(source)
    except codegen.NativeRefusal as refusal:
        where = f" ({refusal.span})" if refusal.span is not None else ""
        raise ClusterUnavailable(
            f"--cluster runs the native engine, which cannot encode {refusal.construct}{where}; "
            "check this spec without --cluster"
        ) from None
    except (NativeUnavailable, DomainTooLarge) as why:
        raise ClusterUnavailable(f"--cluster runs the native engine: {why}") from None
    except NativeBuildError:
        raise
    return source.c, built.library, time.monotonic() - started, built.cached


def _findings(library: NativeLibrary, options: CheckOptions) -> Findings:
    kinds = library.prop_kinds()
    invariants = tuple(i for i, k in enumerate(kinds) if k in ("invariant", "lemma"))
    reachables = tuple(i for i, k in enumerate(kinds) if k == "reachable")
    return Findings(invariants, reachables, options.stop_at_first, MAX_EVENTS)


def _result(
    compiled: CompiledModel, options: CheckOptions, library: NativeLibrary, outcome: SearchOutcome
) -> CheckResult:
    unsupported = {
        Status.UNREPRESENTABLE: "a value does not fit the native state layout",
        Status.TOO_MANY_EVENTS: "too many faults to list",
        Status.UNSUPPORTED: "more than 32 invariants or reachables, 16M successors of a state, "
        "or 4G states in one worker",
    }
    if outcome.status in unsupported:
        raise ClusterUnavailable(
            f"the cluster search stopped: {unsupported[outcome.status]}; check this spec without "
            "--cluster (the Python engine handles it)"
        )
    try:
        return result_of(compiled, options, library, outcome)
    except Disagreement as why:  # a verikit bug: never shown as a counterexample
        raise WorkerFailed(f"the cluster's findings do not replay: {why}") from None


def _lost(search: ClusterSearch, message: str, address: Address, count: int,
          build_seconds: float, cached: bool) -> CheckResult:  # fmt: skip
    """INCOMPLETE with the figures of the levels every worker finished, and no findings: a
    path through a lost worker cannot be rebuilt, and its states are gone."""
    f = search.figures
    seconds = time.monotonic() - search.started
    stats = Stats(f.distinct, f.transitions, f.depth, seconds,
                  f.distinct / seconds if seconds > 0 else 0.0, f.peak)  # fmt: skip
    backend = Backend("native", _reason(address, count), count, build_seconds, cached, seconds,
                      None)  # fmt: skip
    return CheckResult(Verdict.INCOMPLETE, stats, (), (), (), (), message, backend=backend,
                       explored_depth=max(f.depth - 3, -1))  # fmt: skip


def _reason(address: Address, count: int) -> str:
    where = address if address.host is None else f"the Ray cluster at {address}"
    return f"on {where}: {count} worker processes, states partitioned by hash"


def _backend(address: Address, count: int, build_seconds: float, cached: bool,
             outcome: SearchOutcome, extra: str = "") -> Backend:  # fmt: skip
    return Backend("native", _reason(address, count) + extra, count, build_seconds, cached,
                   outcome.seconds,
                   collision_probability(outcome.distinct, outcome.transitions))  # fmt: skip


def _versions(ray: str, python: str | None = None, verikit: str | None = None) -> dict[str, str]:
    return {"Ray": ray, "Python": python or platform.python_version(),
            "verikit": verikit or __version__}  # fmt: skip
