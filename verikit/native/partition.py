"""One partition of a cluster search, over a loaded model library (runtime/expand.c).

A cluster worker process owns the states whose fingerprints map to its partition. The C side
keeps everything per state (fingerprints, parent words, the frontier); Python only moves byte
buffers of records between partitions and small summaries to the driver (verikit/cluster).
One partition per process: the C state is global, like search.c's.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterator
from dataclasses import dataclass

from verikit.native.library import NativeLibrary

NO_KEY = (1 << 64) - 1  # vkc_key_at: not here; vkc_parent: no such state
ROOT_PART = 255  # the partition field of the virtual root's reference
ORD_BITS = 24
ORD_MASK = (1 << ORD_BITS) - 1
MISROUTED = 10  # a record reached a partition that does not own it (a verikit bug)

_I64P = ctypes.POINTER(ctypes.c_int64)


class _PyBuffer(ctypes.Structure):
    """CPython's Py_buffer: the memory behind any bytes-like object, read-only ones too."""

    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None


@contextlib.contextmanager
def _memory(data: object) -> Iterator[tuple[int, int]]:
    """The address and size of a bytes-like object's memory, without copying it: records
    arrive as read-only views into Ray's shared object store, which ctypes' from_buffer
    refuses and bytes() would copy."""
    view = _PyBuffer()
    _get_buffer(data, ctypes.byref(view), 0)  # PyBUF_SIMPLE: contiguous bytes
    try:
        yield view.buf or 0, view.len
    finally:
        _release_buffer(ctypes.byref(view))


class _Note(ctypes.Structure):
    _fields_ = [
        ("key", ctypes.c_uint64),
        ("ref", ctypes.c_uint64),
        ("inv", ctypes.c_uint32),
        ("hold", ctypes.c_uint32),
        ("bad", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
    ]


class _ParentEvent(ctypes.Structure):
    _fields_ = [
        ("kind", ctypes.c_int32),
        ("pad", ctypes.c_int32),
        ("rank", ctypes.c_int64),
        ("local", ctypes.c_uint64),
    ]


@dataclass(frozen=True)
class Note:
    """A new state the walk must look at: its key, parent reference and findings (bit j of
    `inv`: the j-th invariant is violated; of `hold`/`bad`: the j-th reachable holds/faults)."""

    key: int
    ref: int
    inv: int
    hold: int
    bad: int
    flags: int  # 1 outside a constraint, 2 a constraint faulted, 4 an invariant faulted


@dataclass(frozen=True)
class ParentEvent:
    """A parent that deadlocked or faulted: its kind (library.EventKind), global position in
    its level (-1: the virtual root) and local index (None: the root)."""

    kind: int
    rank: int
    local: int | None


@dataclass(frozen=True)
class Finished:
    """A level's new states here, once ordered and evaluated."""

    status: int
    new: int
    storable: int
    notes: int
    parent_events: int
    cut: bool


@dataclass(frozen=True)
class Committed:
    status: int
    stored: int  # this level's states stored here: the next frontier
    transitions: int  # successors of the parents up to the walk's last one
    total: int  # states stored here in all


class Partition:
    """The cluster entry points of a loaded library (vkc_* in runtime/expand.c)."""

    def __init__(self, library: NativeLibrary) -> None:
        self.library = library
        lib = self._lib = library.cdll
        lib.vkc_open.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                 ctypes.c_int64]  # fmt: skip
        lib.vkc_expand.argtypes = [ctypes.c_int64, ctypes.c_int, _I64P]
        lib.vkc_out_bytes.argtypes = [ctypes.c_int]
        lib.vkc_out_bytes.restype = ctypes.c_int64
        lib.vkc_out_take.argtypes = [ctypes.c_int, ctypes.c_void_p]
        lib.vkc_out_take.restype = None
        lib.vkc_receive.argtypes = [ctypes.c_void_p, ctypes.c_int64]
        lib.vkc_finish.argtypes = [ctypes.c_uint32, _I64P]
        lib.vkc_keys.argtypes = [ctypes.c_void_p]
        lib.vkc_keys.restype = None
        lib.vkc_rank.argtypes = [ctypes.c_void_p, ctypes.c_int64]
        lib.vkc_rank.restype = None
        lib.vkc_key_at.argtypes = [ctypes.c_int64]
        lib.vkc_key_at.restype = ctypes.c_uint64
        lib.vkc_notes.argtypes = [ctypes.c_void_p]
        lib.vkc_notes.restype = None
        lib.vkc_pevents.argtypes = [ctypes.c_void_p]
        lib.vkc_pevents.restype = None
        lib.vkc_hits.argtypes = [_I64P]
        lib.vkc_hits.restype = None
        lib.vkc_commit.argtypes = [ctypes.c_uint64, ctypes.c_int64, _I64P]
        lib.vkc_parent.argtypes = [ctypes.c_uint64]
        lib.vkc_parent.restype = ctypes.c_uint64
        lib.vkc_stored.restype = ctypes.c_int64
        lib.vkc_frontier.restype = ctypes.c_int64
        lib.vkc_close.restype = None
        self.record_bytes: int = 8 * lib.vkc_record_words()
        self._figures = (ctypes.c_int64 * 5)()
        self._storable = 0

    def open(self, part: int, parts: int, deadlock: bool, stop_at_first: bool,
             max_events: int) -> int:  # fmt: skip
        return int(self._lib.vkc_open(part, parts, int(deadlock), int(stop_at_first), max_events))

    def close(self) -> None:
        self._lib.vkc_close()

    def expand(self, max_parents: int, probing: bool) -> tuple[int, int]:
        """Expand up to `max_parents` more parents: (status, parents left)."""
        left = ctypes.c_int64(0)
        status = self._lib.vkc_expand(max_parents, int(probing), ctypes.byref(left))
        return int(status), left.value

    def take(self, dest: int) -> bytearray:
        """The records waiting for partition `dest` (the buffer empties), copied once."""
        records = bytearray(self._lib.vkc_out_bytes(dest))
        if records:
            self._lib.vkc_out_take(dest, (ctypes.c_char * len(records)).from_buffer(records))
        return records

    def receive(self, records: object) -> int:
        """Store records another partition sent (any bytes-like object, read in place)."""
        with _memory(records) as (address, size):
            return int(self._lib.vkc_receive(address, size // self.record_bytes))

    def finish(self, pending: int) -> Finished:
        status = self._lib.vkc_finish(pending, self._figures)
        new, storable, notes, events, cut = self._figures[:5]
        self._storable = storable
        return Finished(int(status), new, storable, notes, events, bool(cut))

    def keys(self) -> bytearray:
        """The storable new states' keys, sorted, as little-endian 64-bit words."""
        keys = bytearray(8 * self._storable)
        if keys:
            self._lib.vkc_keys((ctypes.c_char * len(keys)).from_buffer(keys))
        return keys

    def rank(self, keys: object) -> None:
        """Count, for each new state here, the other partition's `keys` below its own."""
        with _memory(keys) as (address, size):
            self._lib.vkc_rank(address, size // 8)

    def key_at(self, rank: int) -> int | None:
        key = int(self._lib.vkc_key_at(rank))
        return None if key == NO_KEY else key

    def notes(self, count: int) -> list[Note]:
        buffer = (_Note * max(count, 1))()
        self._lib.vkc_notes(buffer)
        return [Note(n.key, n.ref, n.inv, n.hold, n.bad, n.flags) for n in buffer[:count]]

    def parent_events(self, count: int) -> list[ParentEvent]:
        buffer = (_ParentEvent * max(count, 1))()
        self._lib.vkc_pevents(buffer)
        return [ParentEvent(e.kind, e.rank, None if e.local == NO_KEY else e.local)
                for e in buffer[:count]]  # fmt: skip

    def hits(self) -> tuple[int, ...]:
        """This level's successors per action (then zeroed)."""
        buffer = (ctypes.c_int64 * max(self.library.n_actions, 1))()
        self._lib.vkc_hits(buffer)
        return tuple(buffer[: self.library.n_actions])

    def commit(self, limit: int, at_rank: int) -> Committed:
        figures = (ctypes.c_int64 * 3)()
        status = self._lib.vkc_commit(limit, at_rank, figures)
        return Committed(int(status), figures[0], figures[1], figures[2])

    def parent(self, local: int) -> int | None:
        """A stored state's word: parent reference << 24 | ordinal (None: no such state)."""
        word = int(self._lib.vkc_parent(local))
        return None if word == NO_KEY else word

    def stored(self) -> int:
        return int(self._lib.vkc_stored())

    def frontier(self) -> int:
        return int(self._lib.vkc_frontier())
