"""The cluster search's driver: level-synchronous rounds over Ray actors (docs/cluster.md).

Per level the driver asks every worker to expand its frontier a chunk of parents at a time;
each expansion's records go from the expanding worker straight to their owners through Ray's
object store (the driver passes references, never the bytes). Then every worker orders and
evaluates its new states, the workers rank them against each other's keys, the driver walks
their findings (walk.py) and the workers commit what the walk stored. The driver holds a few
numbers per level and the findings; every state lives in exactly one worker.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from verikit.cluster.connect import ClusterUnavailable
from verikit.cluster.walk import Findings, Stop, split, walk
from verikit.cluster.worker import LevelFindings, PartitionWorker, WorkerInfo
from verikit.engine.options import CheckOptions, Progress
from verikit.native.library import SearchOutcome, Status
from verikit.native.partition import MISROUTED, ORD_BITS, ORD_MASK, ROOT_PART, Committed

CHUNK = 262144  # parents per expand call: bounds the records in flight, and the wait for Ctrl-C
POLL = 0.25  # seconds between looks at the clock, Ctrl-C and progress while workers run
START_TIMEOUT = 300.0  # seconds for the workers to start (each compiles the model, or not)


class WorkerLost(Exception):
    """A worker process died (or its machine left): the run stops, concluding nothing."""


class Deadline(Exception):
    """--timeout passed while the workers ran."""


class WorkerFailed(Exception):
    """A worker reported an internal error (a verikit bug)."""


@dataclass
class Figures:
    """The search's counts so far (engine/search.py's meanings)."""

    distinct: int = 0
    transitions: int = 0
    depth: int = 0
    peak: int = 0
    frontier: int = 1  # the virtual root, whose successors are the initial states
    stored_by: list[int] = field(default_factory=list)
    shipped: int = 0  # bytes of records sent between workers
    status: Status | None = None
    halted: bool = False
    cut: bool = False


class ClusterSearch:
    """One search over started workers (Ray actors of PartitionWorker)."""

    def __init__(self, ray: Any, actors: Sequence[Any], infos: Sequence[WorkerInfo],
                 options: CheckOptions, findings: Findings, n_actions: int,
                 interrupted: Callable[[], bool] = lambda: False,
                 chunk: int = CHUNK) -> None:  # fmt: skip
        self.ray, self.actors, self.infos = ray, list(actors), list(infos)
        self.options, self.findings, self.chunk = options, findings, chunk
        self.interrupted = interrupted
        self.figures = Figures(stored_by=[0] * len(actors))
        self.hits = [0] * n_actions
        self.started = time.monotonic()
        self.deadline = _deadline(options)
        self.next_progress = self.started + 1.0

    @property
    def parts(self) -> int:
        return len(self.actors)

    # ------------------------------------------------------------ the whole search

    def run(self) -> SearchOutcome:
        """Search to the end or a limit; Ctrl-C ends it as INTERRUPTED, --timeout as TIMEOUT
        (the level under way is dropped, as in a single-process search). WorkerLost
        propagates: nothing can be concluded without every partition."""
        f = self.figures
        stored_before = 0
        try:
            asked = self._level(self._ask(probing=False))
            while asked is not None and f.frontier > 0:
                f.depth += 1
                f.peak = max(f.peak, f.frontier)
                stored_before = f.distinct
                asked = self._level(asked)
        except KeyboardInterrupt:
            f.status = Status.INTERRUPTED
        except Deadline:
            f.status = Status.TIMEOUT
        except _Ended:  # a worker's status (memory, a value C cannot hold) is in f.status
            pass
        if f.distinct > stored_before and (f.halted or f.status is not None):
            f.depth += 1
        if f.status is None and self.findings.status is not None:
            f.status = self.findings.status
        if f.status is None:
            f.status = Status.HALTED if f.halted else Status.MAX_DEPTH if f.cut else Status.COMPLETE
        return SearchOutcome(
            distinct=f.distinct, transitions=f.transitions, depth=f.depth, peak_queue=f.peak,
            seconds=time.monotonic() - self.started, status=f.status, cut=f.cut,
            events=tuple(self.findings.events), action_hits=tuple(self.hits), paths=self.path,
            table_slots=0,
        )  # fmt: skip

    # ------------------------------------------------------------ one level
    #
    # A worker runs the driver's calls in the order they were made, so the driver makes each
    # call as soon as its inputs exist, not when the previous call's answer is back: a level
    # costs the driver three waits (the last chunk, the findings, the commit), not six.

    def _level(self, asked: _Asked) -> _Asked | None:
        """Expand the frontier (its first chunks already asked for); store the next level.
        The next level's first chunks, asked for with the commit; None when the search ends."""
        receipts = self._expand(asked)
        finishing = [a.finish.remote(self.findings.pending) for a in self.actors]
        ranking = self._rank()
        answers = self._get(receipts + finishing + ranking)
        for status in answers[: len(receipts)]:
            self._status(status)
        levels: list[LevelFindings] = answers[len(receipts) : len(receipts) + self.parts]
        for level in levels:
            self._status(level.finished.status)
            self.figures.cut |= level.finished.cut
            self.hits = [a + b for a, b in zip(self.hits, level.hits, strict=True)]
        stop = walk(
            self.findings,
            [(part, e) for part, level in enumerate(levels) for e in level.parent_events],
            [(part, n) for part, level in enumerate(levels) for n in level.notes],
            self._limit_key(sum(level.finished.storable for level in levels)),
        )
        return self._commit(stop)

    def _ask(self, probing: bool) -> _Asked:
        """Ask every worker for the first chunk of its frontier."""
        return {ref: (w, outs) for w in range(self.parts)
                for ref, outs in [self._expand_call(w, probing)]}  # fmt: skip

    def _expand_call(self, w: int, probing: bool) -> tuple[Any, Any]:
        outs = self.actors[w].expand.options(num_returns=self.parts + 1).remote(
            self.chunk, probing
        )
        return outs[0], outs

    def _expand(self, running: _Asked) -> list[Any]:
        """Expand every worker's frontier a chunk at a time. A worker's next chunk is asked
        for as soon as its last one is done, and that chunk's records go on to their owners
        (worker to worker: the driver holds only their references), so within a level no
        worker waits for another. The receipts of the records (their statuses), once every
        chunk is done."""
        probing = self._probing(self.figures.depth)
        receipts: list[Any] = []
        while running:
            for ref, done in self._completed(list(running)):
                w, outs = running.pop(ref)
                self._status(done.status)
                self.figures.shipped += done.shipped
                self.figures.stored_by[w] = done.stored
                receipts += [self.actors[dest].receive.remote(outs[1 + dest])
                             for dest in range(self.parts) if dest != w]  # fmt: skip
                if done.left:
                    next_ref, next_outs = self._expand_call(w, probing)
                    running[next_ref] = (w, next_outs)
        return receipts

    def _probing(self, depth: int) -> bool:
        """Whether the level expanded at `depth` only probes (--max-depth's last level)."""
        return self.options.max_depth is not None and depth == self.options.max_depth

    def _rank(self) -> list[Any]:
        """Rank the level's storable states across workers (each counts the others' keys below
        its own): the calls, made right after `finish`."""
        if self.parts == 1:
            return []
        keys = [a.keys.remote() for a in self.actors]
        return [a.rank.remote(*(keys[v] for v in range(self.parts) if v != w))
                for w, a in enumerate(self.actors)]  # fmt: skip

    def _limit_key(self, storable: int) -> int | None:
        """The key of the state at which --max-states is reached, if it is in this level."""
        limit = self.options.max_states
        if limit is None or self.figures.distinct + storable <= limit:
            return None
        position = limit - self.figures.distinct
        found = [k for k in self._get([a.key_at.remote(position) for a in self.actors])
                 if k is not None]  # fmt: skip
        if len(found) != 1:
            raise WorkerFailed(f"state {position} of the level is held by {len(found)} workers")
        return int(found[0])

    def _commit(self, stop: Stop) -> _Asked | None:
        """Store what the walk kept; unless the search ends here, ask for the next level's
        first chunks at once (each worker expands after its commit; an empty frontier's
        chunk is an empty answer)."""
        committing = [a.commit.remote(stop.limit, stop.at) for a in self.actors]
        ends = stop.halted or stop.status is not None
        asked = None if ends else self._ask(self._probing(self.figures.depth + 1))
        committed: list[Committed] = self._get(committing)
        f = self.figures
        for w, c in enumerate(committed):
            self._status(c.status)
            f.stored_by[w] = c.total
        f.transitions += sum(c.transitions for c in committed)
        f.frontier = sum(c.stored for c in committed)
        f.distinct += f.frontier
        f.halted = stop.halted
        if stop.status is not None and f.status is None:
            f.status = stop.status
        return None if f.halted or f.status is not None else asked

    # ------------------------------------------------------------ paths

    def path(self, handle_: int) -> tuple[int, ...]:
        """Init ordinal, then successor ordinals, to a stored state: its parent words, worker
        to worker."""
        if handle_ < 0:
            return ()
        ordinals: list[int] = []
        part, local = split(handle_)
        while part != ROOT_PART:
            word = self._fetch(self.actors[part].parent.remote(local))
            if word is None:
                raise WorkerFailed(f"worker {part} holds no state {local}")
            ordinals.append(word & ORD_MASK)
            ref = word >> ORD_BITS
            part, local = ref >> 32, ref & 0xFFFFFFFF
        return tuple(reversed(ordinals))

    # ------------------------------------------------------------ waiting on workers

    def _get(self, refs: list[Any]) -> list[Any]:
        """The results of `refs`; meanwhile the clock, progress and Ctrl-C are looked at."""
        pending = list(refs)
        with self._answering():
            while pending:
                _, pending = self.ray.wait(pending, num_returns=len(pending), timeout=POLL)
                self._tick()
            return list(self.ray.get(refs))

    def _completed(self, refs: list[Any]) -> list[tuple[Any, Any]]:
        """(ref, result) for those of `refs` that are done, at least one (waiting as `_get`)."""
        with self._answering():
            ready: list[Any] = []
            while not ready:
                ready, _ = self.ray.wait(refs, num_returns=1, timeout=POLL)
                self._tick()
            ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=0)
            return list(zip(ready, self.ray.get(ready), strict=True))

    @contextlib.contextmanager
    def _answering(self) -> Iterator[None]:
        """A worker that died is named (WorkerLost), unless Ctrl-C reached it too (one
        process group): that is an interruption."""
        try:
            yield
        except self.ray.exceptions.RayError as exc:
            if self.interrupted():
                raise KeyboardInterrupt from None
            if isinstance(exc, self.ray.exceptions.RayActorError):
                raise WorkerLost(self._lost(getattr(exc, "actor_id", None))) from None
            raise WorkerLost(self._lost(None, str(exc).splitlines()[0])) from None

    def _fetch(self, ref: Any) -> Any:
        """One result, after the search (no limits apply any more; Ctrl-C was seen)."""
        try:
            return self.ray.get(ref, timeout=START_TIMEOUT)
        except self.ray.exceptions.RayError as exc:
            raise WorkerLost(self._lost(None, str(exc).splitlines()[0])) from None

    def _lost(self, actor_id: str | None, detail: str = "") -> str:
        """Name the lost worker: the one with that actor id, else the first not answering."""
        dead = [w for w, a in enumerate(self.actors) if actor_id and _actor_id(a) == actor_id]
        if not dead:
            dead = [w for w, a in enumerate(self.actors) if not self._answers(a)]
        names = ", ".join(_name(self.infos[w]) for w in dead) or "a worker"
        more = f" ({detail})" if detail else ""
        return (
            f"cluster {names} was lost during the search{more}; nothing is concluded from a "
            "partial state space: run the check again"
        )

    def _answers(self, actor: Any) -> bool:
        try:
            self.ray.get(actor.about.remote(), timeout=5.0)
        except Exception:  # noqa: BLE001 -- any failure to answer means lost
            return False
        return True

    def _status(self, status: int) -> None:
        if status == MISROUTED:
            raise WorkerFailed("a record reached a worker that does not own it")
        if status and self.figures.status is None:
            self.figures.status = Status(status)
            raise _Ended

    def _tick(self) -> None:
        if self.interrupted():
            raise KeyboardInterrupt
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            raise Deadline
        report = self.options.progress
        if report is not None and now >= self.next_progress:
            self.next_progress = now + 1.0
            seconds = now - self.started
            per_worker = tuple(n / seconds for n in self.figures.stored_by)
            stored = sum(self.figures.stored_by)
            report(Progress(stored, self.figures.depth, stored / seconds, self.figures.frontier,
                            seconds, workers=per_worker))  # fmt: skip


_Asked = dict[Any, tuple[int, Any]]  # an expand call's first result -> (worker, all results)


class _Ended(Exception):
    """A worker reported a status that ends the search (memory, unrepresentable value...)."""


def _deadline(options: CheckOptions) -> float | None:
    if options.timeout is None:
        return None
    return (options.started or time.monotonic()) + options.timeout


def _actor_id(actor: Any) -> str | None:
    actor_id = getattr(actor, "_actor_id", None)
    return None if actor_id is None else str(actor_id.hex())


def _name(info: WorkerInfo) -> str:
    return f"worker {info.part} (pid {info.pid} on {info.host})"


# Idle worker processes, by Ray job: a program that runs Ray itself (a test session, an
# embedding service) reuses them for its next check instead of starting processes again.
_idle: dict[str, list[Any]] = {}


def start_workers(ray: Any, c_source: str, parts: int, deadlock: bool, stop_at_first: bool,
                  max_events: int) -> tuple[list[Any], list[WorkerInfo]]:  # fmt: skip
    """One worker per partition, spread over the cluster's machines, each with the model
    loaded; and their WorkerInfos."""
    idle = _idle.setdefault(_job(ray), [])
    actors = [idle.pop() for _ in range(min(parts, len(idle)))]
    remote = ray.remote(PartitionWorker)
    actors += [
        remote.options(num_cpus=1, max_restarts=0, max_task_retries=0,
                       scheduling_strategy="SPREAD").remote()
        for _ in range(parts - len(actors))
    ]  # fmt: skip
    loads = [a.load.remote(c_source, part, parts, deadlock, stop_at_first, max_events)
             for part, a in enumerate(actors)]  # fmt: skip
    try:
        infos: list[WorkerInfo] = ray.get(loads, timeout=START_TIMEOUT)
    except ray.exceptions.GetTimeoutError:
        stop_workers(ray, actors, keep=False)
        raise ClusterUnavailable(
            f"the {parts} workers did not start within {START_TIMEOUT:.0f} s"
        ) from None
    except ray.exceptions.RayError as exc:  # no compiler on a node, a worker killed, ...
        stop_workers(ray, actors, keep=False)
        cause = getattr(exc, "cause", None) or exc
        detail = str(cause).strip().splitlines()
        raise ClusterUnavailable(
            f"a cluster worker failed to start: {detail[0] if detail else type(cause).__name__}"
        ) from None
    hosts: dict[str, int] = {}
    for info in infos:
        hosts[info.host] = hosts.get(info.host, 0) + 1
    ray.get([a.share_memory.remote(hosts[i.host]) for a, i in zip(actors, infos, strict=True)])
    return actors, infos


def stop_workers(ray: Any, actors: Sequence[Any], keep: bool) -> None:
    """Kill the workers, or (`keep`) free their memory and keep them for the next check."""
    if keep:
        try:
            ray.get([a.close.remote() for a in actors], timeout=60)
        except Exception:  # noqa: BLE001 -- one is gone: start afresh next time
            keep = False
    if keep:
        _idle.setdefault(_job(ray), []).extend(actors)
        return
    _idle.pop(_job(ray), None)
    for actor in actors:
        with contextlib.suppress(Exception):  # already gone
            ray.kill(actor)


def _job(ray: Any) -> str:
    return str(ray.get_runtime_context().get_job_id())
