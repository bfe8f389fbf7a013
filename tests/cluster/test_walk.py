"""The driver's walk over a level reproduces engine/search.py's counting rules from the
partitions' findings: the first finding in discovery order (key order) wins, wherever it is."""

from __future__ import annotations

from verikit.cluster.walk import CFAULT, NO_LIMIT, OUTSIDE, Findings, handle, walk
from verikit.native.library import EventKind, Status
from verikit.native.partition import ORD_BITS, ROOT_PART, Note, ParentEvent


def key(parent_rank: int, ordinal: int) -> int:
    return (parent_rank + 1) << ORD_BITS | ordinal


def ref(part: int, local: int) -> int:
    return part << 32 | local


def findings(invariants: int = 2, reachables: int = 1, stop_at_first: bool = True) -> Findings:
    return Findings(tuple(range(invariants)), tuple(range(10, 10 + reachables)), stop_at_first,
                    100)  # fmt: skip


def test_the_violation_first_in_discovery_order_stops_the_level_whichever_worker_holds_it() -> None:
    f = findings()
    late = Note(key(5, 0), ref(0, 7), inv=0b01, hold=0, bad=0, flags=0)
    early = Note(key(3, 2), ref(1, 4), inv=0b01, hold=0, bad=0, flags=0)
    stop = walk(f, [], [(0, late), (1, early)], None)
    assert stop.halted and stop.limit == early.key + 1  # the violating state is stored
    assert stop.at == 3
    assert f.events == [type(f.events[0])(EventKind.INVARIANT, 0, handle(1, 4), 2)]


def test_a_deadlocked_parent_before_a_violating_state_is_reported_first() -> None:
    f = findings()
    violating = Note(key(4, 0), ref(0, 1), inv=0b10, hold=0, bad=0, flags=0)
    stop = walk(f, [(1, ParentEvent(EventKind.DEADLOCK, 2, 9))], [(0, violating)], None)
    assert [e.kind for e in f.events] == [EventKind.DEADLOCK]
    assert f.events[0].parent == handle(1, 9) and f.events[0].ordinal == -1
    assert stop.limit == key(2, 0) and stop.at == 2


def test_the_state_limit_before_any_finding_ends_the_search_incomplete() -> None:
    f = findings()
    violating = Note(key(4, 0), ref(0, 1), inv=0b1, hold=0, bad=0, flags=0)
    stop = walk(f, [], [(0, violating)], key(3, 5))
    assert stop.status is Status.MAX_STATES and not stop.halted
    assert stop.limit == key(3, 5) and stop.at == 3 and f.events == []


def test_an_invariant_is_reported_once_over_levels_when_the_search_goes_on() -> None:
    f = findings(stop_at_first=False)
    first = Note(key(0, 0), ref(0, 0), inv=0b1, hold=0, bad=0, flags=0)
    again = Note(key(1, 0), ref(0, 1), inv=0b1, hold=0, bad=0, flags=0)
    assert walk(f, [], [(0, first)], None).limit == NO_LIMIT
    assert walk(f, [], [(1, again)], None).limit == NO_LIMIT
    assert len(f.events) == 1


def test_a_reachable_witnessed_earlier_hides_its_later_faults() -> None:
    f = findings(reachables=1)
    witness = Note(key(0, 1), ref(ROOT_PART, 0), inv=0, hold=0b1, bad=0, flags=0)
    faulting = Note(key(2, 0), ref(1, 3), inv=0, hold=0, bad=0b1, flags=0)
    stop = walk(f, [], [(1, faulting), (0, witness)], None)
    assert not stop.halted and f.pending == 0
    assert [(e.kind, e.prop, e.parent) for e in f.events] == [(EventKind.REACHABLE, 10, -1)]


def test_a_faulting_constraint_stops_before_storing_and_outside_states_are_not_stored() -> None:
    f = findings()
    outside = Note(key(1, 0), ref(0, 0), inv=0b1, hold=0, bad=0, flags=OUTSIDE)
    stop = walk(f, [], [(0, outside)], None)
    assert stop.halted and stop.limit == outside.key  # outside the constraint: not stored
    g = findings()
    broken = Note(key(1, 1), ref(0, 0), inv=0, hold=0, bad=0, flags=CFAULT)
    stop = walk(g, [], [(0, broken)], None)
    assert stop.halted and stop.limit == broken.key
    assert g.events[0].kind is EventKind.PREDICATE_FAULT
