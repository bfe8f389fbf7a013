"""The body of a cluster worker: one partition of the search, in its own process.

The driver makes a Ray actor of `PartitionWorker` (this module never imports Ray: the class is
plain Python, so it is tested and typed without a cluster). The worker compiles the model's C
(or finds it in its machine's cache), then answers the driver's per-level calls; the packed
records it ships to other workers travel as buffers through Ray's object store. It imports
only the native runtime: a worker process starts in a few milliseconds of imports.
"""

from __future__ import annotations

import os
import pickle
import platform
import resource
import socket
import time
from dataclasses import dataclass, replace
from importlib import metadata

from verikit import __version__
from verikit.native.build import build_c
from verikit.native.library import Status, default_memory_limit
from verikit.native.partition import (
    Committed,
    Finished,
    Note,
    ParentEvent,
    Partition,
)


@dataclass(frozen=True)
class WorkerInfo:
    """Who a worker is (to name it when it is lost) and what it runs (to name a mismatch)."""

    part: int
    pid: int
    host: str
    ray: str
    python: str
    verikit: str
    build_seconds: float
    cached: bool


@dataclass(frozen=True)
class Expanded:
    status: int
    left: int  # parents of this level still to expand
    shipped: int  # bytes of records sent to other workers by this call
    stored: int  # states this worker has stored in all


@dataclass(frozen=True)
class LevelFindings:
    finished: Finished
    notes: tuple[Note, ...]
    parent_events: tuple[ParentEvent, ...]
    hits: tuple[int, ...]


class PartitionWorker:
    """A worker process: partition `part` of `parts` of the search of one model at a time (a
    process may serve several checks in turn: `load` replaces the model)."""

    def __init__(self) -> None:
        self.info = WorkerInfo(-1, os.getpid(), socket.gethostname(), _ray_version(),
                               platform.python_version(), __version__, 0.0, False)  # fmt: skip
        self.partition: Partition | None = None
        self.part, self.parts, self.status = -1, 0, 0
        self.memory_limit = default_memory_limit()

    def load(self, c_source: str, part: int, parts: int, deadlock: bool, stop_at_first: bool,
             max_events: int) -> WorkerInfo:  # fmt: skip
        """Compile the model's C (or find it in this machine's cache) and become an empty
        partition of its search."""
        started = time.monotonic()
        self.close()
        try:
            built = build_c(c_source)
        except Exception as exc:  # Ray carries plain exceptions back (not NativeBuildError's)
            raise RuntimeError(f"{exc} (on {self.info.host})") from None
        self.info = replace(self.info, part=part, build_seconds=time.monotonic() - started,
                            cached=built.cached)  # fmt: skip
        self.part, self.parts = part, parts
        self.partition = Partition(built.library)
        self.status = self.partition.open(part, parts, deadlock, stop_at_first, max_events)
        return self.info

    def close(self) -> None:
        """Free the last search's memory (the process stays, for the next check)."""
        if self.partition is not None:
            self._p.close()
            self.partition = None

    @property
    def _p(self) -> Partition:
        if self.partition is None:
            raise RuntimeError("no model loaded in this worker")
        return self.partition

    def about(self) -> WorkerInfo:
        return self.info

    def share_memory(self, workers_here: int) -> None:
        """Several workers on one machine: each may grow into its share of the free memory."""
        self.memory_limit = _memory_limit(workers_here)

    def cpu_seconds(self) -> float:
        """Processor time this worker process has used (bench/cluster.py's per-worker share)."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def expand(self, max_parents: int, probing: bool) -> tuple[object, ...]:
        """Expand the next parents: (Expanded, then the records for each worker, b"" for
        this one, whose own successors went straight into its level table)."""
        status, left = self._p.expand(max_parents, probing)
        status = self._checked(status)
        out = [bytearray() if dest == self.part else self._p.take(dest)
               for dest in range(self.parts)]  # fmt: skip
        shipped = sum(len(records) for records in out)
        return (Expanded(status, left, shipped, self._p.stored()), *map(_shipped, out))

    def receive(self, *batches: object) -> int:
        """Store records other workers sent (read in place in Ray's object store)."""
        for records in batches:
            if self.status == 0:
                self.status = self._p.receive(records)
        return self._checked(self.status)

    def finish(self, pending: int) -> LevelFindings:
        finished = self._p.finish(pending)
        return LevelFindings(
            finished,
            tuple(self._p.notes(finished.notes)),
            tuple(self._p.parent_events(finished.parent_events)),
            self._p.hits(),
        )

    def keys(self) -> pickle.PickleBuffer:
        return _shipped(self._p.keys())

    def rank(self, *others: object) -> None:
        for keys in others:
            self._p.rank(keys)

    def key_at(self, rank: int) -> int | None:
        return self._p.key_at(rank)

    def commit(self, limit: int, at: int) -> Committed:
        committed = self._p.commit(limit, at)
        return Committed(self._checked(committed.status), committed.stored,
                         committed.transitions, committed.total)  # fmt: skip

    def parent(self, local: int) -> int | None:
        return self._p.parent(local)

    def _checked(self, status: int) -> int:
        """The status, or out of memory once this process outgrew its share."""
        if status == 0 and self.memory_limit and _resident() > self.memory_limit:
            self.status = status = Status.OUT_OF_MEMORY
        return status


def _shipped(data: bytearray) -> pickle.PickleBuffer:
    """Bytes for another process, wrapped so that Ray copies them into its object store once
    and the receiver reads them there in place (pickle protocol 5's out-of-band buffers); a
    bare bytearray is pickled, copied again and unpickled into a new object (256 MB from one
    worker to another: 0.58 s as bytearrays, 0.15 s as buffers)."""
    return pickle.PickleBuffer(data)


def _ray_version() -> str:
    try:
        return metadata.version("ray")
    except metadata.PackageNotFoundError:
        return "none"


def _resident() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _memory_limit(workers_here: int) -> int:
    """What this process holds plus its share of 90% of the machine's available memory."""
    whole = default_memory_limit()
    if not whole:
        return 0
    resident = _resident()
    return resident + (whole - resident) // max(workers_here, 1)
