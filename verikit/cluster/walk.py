"""The driver's walk over one level: engine/search.py's counting rules, across partitions.

A single-process search walks each level's new states in discovery order, merged with the
events of their parents, and stops at the first violation or at the state limit. The cluster's
partitions hold a level's states apart, so each reports only what the walk can stop at: its
parents' events, and its new states with findings (the first of each kind, runtime/expand.c).
Merged by key (the discovery order) they give the same records and the same stopping point,
which the partitions then commit: every storable state below `limit` is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verikit.native.library import Event, EventKind, Status
from verikit.native.partition import ORD_BITS, ORD_MASK, ROOT_PART, Note, ParentEvent

NO_LIMIT = (1 << 64) - 1  # every key is below it
ALL_PARENTS = (1 << 63) - 1
OUTSIDE, CFAULT, IFAULT = 1, 2, 4
LOCAL_BITS = 40  # a state's handle: partition << LOCAL_BITS | local index


def handle(part: int, local: int) -> int:
    """One number for a stored state of any partition (Event.parent)."""
    return part << LOCAL_BITS | local


def split(handle_: int) -> tuple[int, int]:
    return handle_ >> LOCAL_BITS, handle_ & ((1 << LOCAL_BITS) - 1)


@dataclass
class Findings:
    """What the walk recorded so far (over every level): engine/search.py's `record` rules."""

    invariants: tuple[int, ...]  # property index of the j-th invariant or lemma
    reachables: tuple[int, ...]  # property index of the j-th reachable
    stop_at_first: bool
    max_events: int
    events: list[Event] = field(default_factory=list)
    reported: set[int] = field(default_factory=set)  # invariants (j) already recorded
    deadlock_reported: bool = False
    status: Status | None = None  # TOO_MANY_EVENTS once the list is full
    pending: int = -1  # bit j: the j-th reachable not yet witnessed (set in __post_init__)

    def __post_init__(self) -> None:
        if self.pending < 0:
            self.pending = (1 << len(self.reachables)) - 1

    def record(self, kind: EventKind, j: int, parent: int, ordinal: int) -> bool:
        """Record a finding; True when the search must stop there."""
        prop = -1
        if kind is EventKind.INVARIANT:
            if j in self.reported:
                return False
            self.reported.add(j)
            prop = self.invariants[j]
        elif kind is EventKind.DEADLOCK:
            if self.deadlock_reported:
                return False
            self.deadlock_reported = True
        elif kind is EventKind.REACHABLE:
            prop = self.reachables[j]
        if len(self.events) >= self.max_events:
            self.status = Status.TOO_MANY_EVENTS
            return True
        self.events.append(Event(kind, prop, parent, ordinal))
        return kind is not EventKind.REACHABLE and self.stop_at_first


@dataclass(frozen=True)
class Stop:
    """Where a level's walk ended: store the storable states with keys below `limit`; count
    the transitions of parents at positions up to `at`; `status` when the search ends."""

    limit: int = NO_LIMIT
    at: int = ALL_PARENTS
    halted: bool = False
    status: Status | None = None


@dataclass(frozen=True)
class _Item:
    order: tuple[int, int]  # (key, 0 parent event | 1 state limit | 2 new state)
    part: int
    event: ParentEvent | None = None
    note: Note | None = None


def walk(
    findings: Findings,
    parent_events: list[tuple[int, ParentEvent]],
    notes: list[tuple[int, Note]],
    limit_key: int | None,
) -> Stop:
    """Walk one level: (partition, event) and (partition, note) pairs from every partition,
    and the key of the storable state at which the state limit is reached (None: not in this
    level). Mutates `findings`; returns where the level ends."""
    items = [_Item(((e.rank + 1) << ORD_BITS, 0), part, event=e) for part, e in parent_events]
    items += [_Item((n.key, 2), part, note=n) for part, n in notes]
    if limit_key is not None:
        items.append(_Item((limit_key, 1), -1))
    for item in sorted(items, key=lambda i: i.order):
        if item.event is not None:
            stop = _parent_event(findings, item.part, item.event)
        elif item.note is not None:
            stop = _new_state(findings, item.note)
        else:
            key = item.order[0]
            return Stop(key, (key >> ORD_BITS) - 1, False, Status.MAX_STATES)
        if stop is not None:
            return stop
    return Stop()


def _parent_event(findings: Findings, part: int, event: ParentEvent) -> Stop | None:
    parent = -1 if event.local is None else handle(part, event.local)
    if not findings.record(EventKind(event.kind), -1, parent, -1):
        return None
    return Stop((event.rank + 1) << ORD_BITS, event.rank, True, findings.status)


def _new_state(findings: Findings, note: Note) -> Stop | None:
    """engine/search.py's rules for one new state, in their order (runtime/search.c `visit`)."""
    ref_part, local = note.ref >> 32, note.ref & 0xFFFFFFFF
    parent = -1 if ref_part == ROOT_PART else handle(ref_part, local)
    ordinal, at = note.key & ORD_MASK, (note.key >> ORD_BITS) - 1

    def stop(stored: bool) -> Stop:
        return Stop(note.key + 1 if stored else note.key, at, True, findings.status)

    if note.flags & CFAULT:
        halted = findings.record(EventKind.PREDICATE_FAULT, -1, parent, ordinal)
        return stop(False) if halted else None
    stored = not note.flags & OUTSIDE
    for j in range(len(findings.invariants)):
        if note.inv >> j & 1 and findings.record(EventKind.INVARIANT, j, parent, ordinal):
            return stop(stored)
    if note.flags & IFAULT:
        halted = findings.record(EventKind.PREDICATE_FAULT, -1, parent, ordinal)
        return stop(stored) if halted else None
    if not stored:
        return None
    for j in range(len(findings.reachables)):
        if not findings.pending >> j & 1:
            continue
        if note.bad >> j & 1:  # the state's walk ends here, stopping the search or not
            halted = findings.record(EventKind.PREDICATE_FAULT, -1, parent, ordinal)
            return stop(True) if halted else None
        if note.hold >> j & 1:
            findings.pending &= ~(1 << j)
            findings.record(EventKind.REACHABLE, j, parent, ordinal)
            if findings.status is not None:
                return stop(True)
    return None
