"""A compiled model loaded through ctypes: one state at a time (tests) or a whole search.

States cross the boundary as tuples of 64-bit words in the layout of native/layout.py.
Successors come back labelled with their action index, in the order of compile's
`next_states`, so an ordinal means the same on both sides.
"""

from __future__ import annotations

import ctypes
import enum
import os
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

Words = tuple[int, ...]
Labelled = list[tuple[int, Words]]
ProgressHook = Callable[[int, int, int, float], bool]  # states, depth, queue, seconds -> stop?

VK_OK, VK_FAULT, VK_UNREPRESENTABLE, VK_NOMEM = 0, 1, 2, 3
_U64P = ctypes.POINTER(ctypes.c_uint64)
_I32P = ctypes.POINTER(ctypes.c_int32)
_I64P = ctypes.POINTER(ctypes.c_int64)
_INTP = ctypes.POINTER(ctypes.c_int)
_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
                             ctypes.c_double)  # fmt: skip


class NativeFault(Exception):
    """Generated code reported a fault (VK_FAULT) or a value it cannot hold (VK_UNREPRESENTABLE)."""

    def __init__(self, code: int) -> None:
        names = {VK_FAULT: "runtime fault", VK_UNREPRESENTABLE: "unrepresentable value"}
        super().__init__(names.get(code, f"native error {code}"))
        self.code = code


class EventKind(enum.IntEnum):
    """search.c's event kinds."""

    INIT_FAULT = 1
    TRANSITION_FAULT = 2
    DEADLOCK = 3
    TERMINAL_FAULT = 4
    INVARIANT = 5
    PREDICATE_FAULT = 6
    REACHABLE = 7


class Status(enum.IntEnum):
    """Why a native search ended (search.c's ST_*)."""

    COMPLETE = 0
    HALTED = 1  # stop_at_first and something was found
    MAX_STATES = 2
    MAX_DEPTH = 3
    TIMEOUT = 4
    INTERRUPTED = 5
    OUT_OF_MEMORY = 6
    UNREPRESENTABLE = 7
    TOO_MANY_EVENTS = 8
    UNSUPPORTED = 9


class _Config(ctypes.Structure):
    _fields_ = [
        ("max_states", ctypes.c_int64),
        ("max_depth", ctypes.c_int64),
        ("timeout", ctypes.c_double),
        ("progress_interval", ctypes.c_double),
        ("max_events", ctypes.c_int64),
        ("workers", ctypes.c_int32),
        ("deadlock", ctypes.c_int32),
        ("stop_at_first", ctypes.c_int32),
        ("full_states", ctypes.c_int32),
        ("progress", _PROGRESS),
        ("memory_limit", ctypes.c_int64),
        ("graph", ctypes.c_int32),
        ("_pad", ctypes.c_int32),
    ]


class _Event(ctypes.Structure):
    _fields_ = [
        ("kind", ctypes.c_int32),
        ("prop", ctypes.c_int32),
        ("parent", ctypes.c_int64),
        ("ordinal", ctypes.c_int64),
    ]


class _Stats(ctypes.Structure):
    _fields_ = [
        ("distinct", ctypes.c_int64),
        ("transitions", ctypes.c_int64),
        ("depth", ctypes.c_int64),
        ("peak_queue", ctypes.c_int64),
        ("n_events", ctypes.c_int64),
        ("seconds", ctypes.c_double),
        ("status", ctypes.c_int32),
        ("cut", ctypes.c_int32),
        ("table_slots", ctypes.c_int64),
        ("redone_levels", ctypes.c_int64),
        ("phase_seconds", ctypes.c_double * 5),
        ("graph_edges", ctypes.c_int64),
        ("phase_cpu", ctypes.c_double * 5),
    ]


@dataclass(frozen=True)
class SearchConfig:
    """Limits and switches of one native search (0 or None: no limit)."""

    workers: int = 1
    max_states: int | None = None
    max_depth: int | None = None
    timeout: float | None = None
    deadlock: bool = True
    stop_at_first: bool = True
    full_states: bool = False
    max_events: int = 10000
    progress_interval: float = 0.25
    memory_limit: int | None = None  # resident bytes to stay below (None: default_memory_limit)
    graph: bool = False  # also build the liveness pass's state graph (NativeLibrary.graph)


@dataclass(frozen=True)
class Event:
    """Something the search found: at stored state `parent` itself (ordinal -1) or at its
    `ordinal`-th successor, which is not stored. `prop` indexes Model.properties (-1: none)."""

    kind: EventKind
    prop: int
    parent: int
    ordinal: int


@dataclass(frozen=True)
class SearchOutcome:
    distinct: int
    transitions: int
    depth: int
    peak_queue: int
    seconds: float
    status: Status
    cut: bool
    events: tuple[Event, ...]
    action_hits: tuple[int, ...]
    paths: Callable[[int], tuple[int, ...]]  # stored index -> init ordinal, successor ordinals
    table_slots: int
    phase_seconds: tuple[float, ...] = ()  # expand, order, evaluate, walk, insert
    phase_cpu: tuple[float, ...] = ()  # the same phases' CPU seconds, all threads
    redone_levels: int = 0  # level tables grown in mid-level (the estimate was too small)


GRAPH_FAILURES = {
    1: "a liveness predicate faulted",
    2: "more than 32 liveness properties, or 2^31 states, edges or fairness keys",
    3: "a parameter keying fairness has no native layout",
    4: "out of memory for the graph",
    5: "symmetry reduction merges states a lasso must tell apart",
    6: "whole states are compared (--full-states)",
    7: "the search did not complete",
}  # search.c's GF_*


@dataclass(frozen=True)
class GraphSizes:
    states: int
    edges: int  # every successor of every state
    inside: int  # edges into states inside the constraints
    bindings: int  # interned (action, key) pairs
    failure: str | None  # why the graph cannot be used (None: it can)
    live: int  # liveness properties (columns: holds, and trigger for leads_to)
    cut_by: int  # bit c: a state lies outside the c-th constraint (in property order) first


@dataclass(frozen=True)
class Binding:
    id: int
    action: int
    words: tuple[int, ...]  # the keyed parameters' values, packed (native/ckeys.py)


@dataclass(frozen=True)
class NativeGraph:
    """engine/graph.py's StateGraph arrays, with labels and enabled sets still as the search
    numbered them (`sets[i]`: the labels of enabled set i)."""

    parents: array[int]
    ordinals: array[int]
    edge_start: array[int]
    targets: array[int]
    edge_ordinals: array[int]
    edge_labels: array[int]
    enabled: array[int]
    ends: bytearray
    leaves: bytearray
    sets: list[tuple[int, ...]]


def _ints(n: int) -> array[int]:
    return array("i", bytes(4 * n))


def _ptr(a: array[int]) -> int:
    return a.buffer_info()[0]


def _bytes(b: bytearray) -> ctypes.Array[ctypes.c_char] | None:
    return (ctypes.c_char * len(b)).from_buffer(b) if b else None


class NativeLibrary:
    """A loaded model library. Searches keep global state in the library: one at a time."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lib = ctypes.CDLL(str(path))
        self._declare()
        self.state_words: int = self._lib.vk_api_state_words()
        self.n_actions: int = self._lib.vk_api_n_actions()
        self.n_props: int = self._lib.vk_api_n_props()

    def _declare(self) -> None:
        lib = self._lib
        lib.vk_api_init.argtypes = [_U64P, _I32P, ctypes.c_int, _INTP]
        lib.vk_api_successors.argtypes = [_U64P, _U64P, _I32P, ctypes.c_int, _INTP]
        lib.vk_api_prop.argtypes = [ctypes.c_int, _U64P, _INTP]
        lib.vk_api_trigger.argtypes = [ctypes.c_int, _U64P, _INTP]
        lib.vk_api_search.argtypes = [ctypes.POINTER(_Config), ctypes.POINTER(_Stats)]
        lib.vk_api_events.argtypes = [ctypes.POINTER(_Event), ctypes.c_int64]
        lib.vk_api_action_hits.argtypes = [_I64P]
        lib.vk_api_action_hits.restype = None
        lib.vk_api_path.argtypes = [ctypes.c_int64, _I64P, ctypes.c_int64]
        lib.vk_api_path.restype = ctypes.c_int64
        lib.vk_api_release.restype = None
        lib.vk_api_graph_sizes.restype = None
        lib.vk_api_graph_sizes.argtypes = [ctypes.c_void_p]
        lib.vk_api_graph_bindings.restype = None
        lib.vk_api_graph_bindings.argtypes = [ctypes.c_void_p] * 3
        lib.vk_api_graph_tree.restype = None
        lib.vk_api_graph_tree.argtypes = [ctypes.c_void_p] * 2
        lib.vk_api_graph_sets.argtypes = [ctypes.c_void_p] * 2
        lib.vk_api_graph_column.restype = None
        lib.vk_api_graph_column.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        lib.vk_api_graph_sets.restype = None
        lib.vk_api_graph_set_labels.restype = ctypes.c_int64
        lib.vk_api_graph_finish.restype = ctypes.c_int64
        lib.vk_api_graph_finish.argtypes = [ctypes.c_void_p, ctypes.c_int64, *[ctypes.c_void_p] * 7]
        lib.vk_api_request_stop.restype = None
        lib.vk_api_prop_kind.restype = ctypes.c_char_p
        lib.vk_api_action_name.restype = ctypes.c_char_p

    @property
    def cdll(self) -> ctypes.CDLL:
        """The loaded library itself, for the cluster partition's entry points (partition.py)."""
        return self._lib

    # ------------------------------------------------------------ one state at a time

    def init_states(self) -> Labelled:
        """The initial states (action -1 each), in compile's order; NativeFault on a fault."""
        return self._generate(lambda buf, acts, cap, n: self._lib.vk_api_init(buf, acts, cap, n))

    def successors(self, words: Sequence[int]) -> Labelled:
        """(action, successor) pairs in compile's `next_states` order; NativeFault on a fault."""
        state = self._state(words)
        return self._generate(
            lambda buf, acts, cap, n: self._lib.vk_api_successors(state, buf, acts, cap, n)
        )

    def prop(self, i: int, words: Sequence[int]) -> bool:
        """Model.properties[i] on a state (for leads_to: its Q)."""
        return self._predicate(self._lib.vk_api_prop, i, words)

    def trigger(self, i: int, words: Sequence[int]) -> bool:
        """P of `P leads_to Q` for Model.properties[i]; False for the other kinds."""
        return self._predicate(self._lib.vk_api_trigger, i, words)

    def prop_kinds(self) -> tuple[str, ...]:
        return tuple(self._lib.vk_api_prop_kind(i).decode() for i in range(self.n_props))

    def action_names(self) -> tuple[str, ...]:
        return tuple(self._lib.vk_api_action_name(i).decode() for i in range(self.n_actions))

    def _state(self, words: Sequence[int]) -> ctypes.Array[ctypes.c_uint64]:
        if len(words) != self.state_words:
            raise ValueError(f"a state has {self.state_words} words, got {len(words)}")
        return (ctypes.c_uint64 * self.state_words)(*words)

    def _predicate(self, fn: Callable[..., int], i: int, words: Sequence[int]) -> bool:
        if not 0 <= i < self.n_props:
            raise IndexError(f"property {i} of {self.n_props}")
        holds = ctypes.c_int(0)
        code = fn(i, self._state(words), ctypes.byref(holds))
        if code != VK_OK:
            raise NativeFault(code)
        return bool(holds.value)

    def _generate(self, call: Callable[..., int]) -> Labelled:
        cap = 64
        while True:
            buf = (ctypes.c_uint64 * (cap * self.state_words))()
            acts = (ctypes.c_int32 * cap)()
            n = ctypes.c_int(0)
            code = call(buf, acts, cap, ctypes.byref(n))
            if code == -1:  # too small: n says how many
                cap = max(n.value, 2 * cap)
                continue
            if code != VK_OK:
                raise NativeFault(code)
            w = self.state_words
            return [(acts[i], tuple(buf[i * w : (i + 1) * w])) for i in range(n.value)]

    # ------------------------------------------------------------ whole search

    def search(self, config: SearchConfig, progress: ProgressHook | None = None) -> SearchOutcome:
        """Run the BFS of search.c. Paths stay readable until the next search on this library."""
        hook = _PROGRESS(_hook(progress)) if progress is not None else _PROGRESS()
        raw = _Config(
            max_states=config.max_states or 0,
            max_depth=config.max_depth or 0,
            timeout=config.timeout or 0.0,
            progress_interval=config.progress_interval,
            max_events=config.max_events,
            workers=config.workers,
            deadlock=int(config.deadlock),
            stop_at_first=int(config.stop_at_first),
            full_states=int(config.full_states),
            progress=hook,
            memory_limit=default_memory_limit() if config.memory_limit is None
            else config.memory_limit,
            graph=int(config.graph),
        )  # fmt: skip
        stats = _Stats()
        with self._lock:
            self._lib.vk_api_search(ctypes.byref(raw), ctypes.byref(stats))
            events = (_Event * max(stats.n_events, 1))()
            count = self._lib.vk_api_events(events, stats.n_events)
            hits = (ctypes.c_int64 * max(self.n_actions, 1))()
            self._lib.vk_api_action_hits(hits)
        return SearchOutcome(
            distinct=stats.distinct,
            transitions=stats.transitions,
            depth=stats.depth,
            peak_queue=stats.peak_queue,
            seconds=stats.seconds,
            status=Status(stats.status),
            cut=bool(stats.cut),
            events=tuple(
                Event(EventKind(e.kind), e.prop, e.parent, e.ordinal) for e in events[:count]
            ),
            action_hits=tuple(hits[: self.n_actions]),
            paths=self._path,
            table_slots=stats.table_slots,
            phase_seconds=tuple(stats.phase_seconds),
            phase_cpu=tuple(stats.phase_cpu),
            redone_levels=stats.redone_levels,
        )

    def _path(self, index: int) -> tuple[int, ...]:
        if index < 0:
            return ()
        cap = 256
        while True:
            buf = (ctypes.c_int64 * cap)()
            n = self._lib.vk_api_path(index, buf, cap)
            if n >= 0:
                return tuple(buf[:n])
            if cap > 1 << 26:
                raise IndexError(f"no stored state {index}")
            cap *= 4

    # ------------------------------------------------------------ the liveness graph

    def graph_sizes(self) -> GraphSizes:
        """What the last search (with `SearchConfig.graph`) built, or why it cannot be used."""
        raw = (ctypes.c_int64 * 7)()
        self._lib.vk_api_graph_sizes(raw)
        failure = None if raw[4] == 0 else GRAPH_FAILURES.get(raw[4], f"graph failure {raw[4]}")
        return GraphSizes(raw[0], raw[1], raw[2], raw[3], failure, raw[5], raw[6])

    def graph_bindings(self, sizes: GraphSizes) -> list[Binding]:
        """The interned (action, key words) pairs of keyed successors (native/ckeys.py)."""
        n, kw = sizes.bindings, self._lib.vk_api_graph_key_words()
        ids, actions = (ctypes.c_int32 * max(n, 1))(), (ctypes.c_int32 * max(n, 1))()
        words = (ctypes.c_uint64 * max(n * kw, 1))()
        self._lib.vk_api_graph_bindings(ids, actions, words)
        return [Binding(ids[i], actions[i], tuple(words[i * kw : (i + 1) * kw])) for i in range(n)]

    def graph(self, sizes: GraphSizes, lut: array[int]) -> NativeGraph:
        """The graph's arrays, each edge labelled lut[binding] (0 on a self-loop)."""
        n, m = sizes.states, sizes.inside
        parents, ordinals, enabled = _ints(n), _ints(n), _ints(n)
        start, targets, edge_ordinals, labels = _ints(n + 1), _ints(m), _ints(m), _ints(m)
        ends, leaves = bytearray(n), bytearray(n)
        self._lib.vk_api_graph_tree(_ptr(parents), _ptr(ordinals))
        n_sets = self._lib.vk_api_graph_finish(
            _ptr(lut), len(lut), _ptr(start), _ptr(targets), _ptr(edge_ordinals), _ptr(labels),
            _ptr(enabled), _bytes(ends), _bytes(leaves),
        )  # fmt: skip
        if n_sets < 0:
            raise MemoryError("no memory for the liveness graph's enabled sets")
        set_start, set_labels = _ints(n_sets + 1), _ints(self._lib.vk_api_graph_set_labels())
        self._lib.vk_api_graph_sets(_ptr(set_start), _ptr(set_labels))
        sets = [tuple(set_labels[set_start[i] : set_start[i + 1]]) for i in range(n_sets)]
        return NativeGraph(parents, ordinals, start, targets, edge_ordinals, labels, enabled,
                           ends, leaves, sets)  # fmt: skip

    def action_hits(self) -> tuple[int, ...]:
        """Per action: the transitions of it the last search met."""
        hits = (ctypes.c_int64 * max(self.n_actions, 1))()
        self._lib.vk_api_action_hits(hits)
        return tuple(hits[: self.n_actions])

    def graph_column(self, sizes: GraphSizes, j: int, trigger: bool) -> bytearray:
        """Per state: whether the j-th liveness property (trigger: its leads_to's P) holds."""
        out = bytearray(sizes.states)
        self._lib.vk_api_graph_column(j, int(trigger), _bytes(out))
        return out

    def request_stop(self) -> None:
        """Make a running search return soon with status INTERRUPTED (any thread may call it)."""
        self._lib.vk_api_request_stop()

    def release(self) -> None:
        """Free the memory the last search kept for its paths."""
        with self._lock:
            self._lib.vk_api_release()


def default_memory_limit() -> int:
    """Resident bytes a search may grow to: what this process holds now plus 90% of the memory
    the system has available (Linux's MemAvailable). Past it the search stops as out of memory
    (INCOMPLETE, with its figures) rather than meet the OOM killer. 0 (none) where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            available = next(int(line.split()[1]) * 1024 for line in meminfo
                             if line.startswith("MemAvailable:"))  # fmt: skip
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, StopIteration, ValueError, IndexError):
        return 0
    return resident + available * 9 // 10


def _hook(progress: ProgressHook) -> Callable[[int, int, int, float], int]:
    def call(states: int, depth: int, queue: int, seconds: float) -> int:
        try:
            return int(bool(progress(states, depth, queue, seconds)))
        except BaseException:  # noqa: BLE001 -- an exception cannot cross into C: stop instead
            return 1

    return call
