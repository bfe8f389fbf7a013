"""specs/two_phase_commit.dsl written out by hand, network included: an independent count.

The network follows the semantics verikit documents (semantics/network.py): in-flight messages
are a bag of envelopes (src, dst, message); any one may be delivered (if the receiving
handler's guard holds), dropped, or duplicated while fewer than `max_in_flight` are in flight;
a step whose sends would exceed `max_in_flight` does not happen. Node ids: the coordinator is
0, participants 1..n. Nothing here comes from verikit, so equal counts say the lowering of
nodes, handlers and faults is right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

Envelope = tuple[int, int, tuple[object, ...]]  # (src, dst, message)
Bag = frozenset[tuple[Envelope, int]]
State = tuple[str, frozenset[int], tuple[str, ...], Bag]  # phase, yes, participant states, bag
COORDINATOR = 0


def _bag(counter: Counter[Envelope]) -> Bag:
    return frozenset((e, n) for e, n in counter.items() if n > 0)


class TwoPhaseCommit:
    def __init__(self, n: int, max_in_flight: int, timeout_commits: bool = False) -> None:
        self.participants = range(1, n + 1)
        self.max_in_flight = max_in_flight
        self.timeout_commits = timeout_commits  # the bug of two_phase_commit_buggy.dsl

    def init(self) -> State:
        return "Init", frozenset(), ("Working",) * len(self.participants), frozenset()

    def _send(self, bag: Bag, envelopes: Iterable[Envelope]) -> Bag | None:
        counter = Counter(dict(bag))
        counter.update(envelopes)
        return _bag(counter) if counter.total() <= self.max_in_flight else None

    def _decide(
        self, yes: frozenset[int], states: tuple[str, ...], bag: Bag, d: str
    ) -> State | None:
        sent = self._send(bag, [(COORDINATOR, p, ("Outcome", d)) for p in self.participants])
        return None if sent is None else ("Done", yes, states, sent)

    def next(self, s: State) -> list[State]:
        return [t for t in self._steps(s) if t is not None]

    def _steps(self, s: State) -> Iterator[State | None]:
        phase, yes, states, bag = s
        if phase == "Init":  # begin
            sent = self._send(bag, [(COORDINATOR, p, ("Prepare",)) for p in self.participants])
            yield None if sent is None else ("Waiting", yes, states, sent)
        if phase == "Waiting":  # give_up
            yield self._decide(yes, states, bag, "Abort")
        for i, state in enumerate(states):
            if self.timeout_commits and state == "Prepared":
                yield phase, yes, _set(states, i, "Committed"), bag
        for envelope, _ in bag:
            rest = Counter(dict(bag))
            rest[envelope] -= 1
            yield phase, yes, states, _bag(rest)  # drop
            copied = self._send(bag, [envelope])  # duplicate
            yield None if copied is None else (phase, yes, states, copied)
            yield from self._deliver(s, envelope, _bag(rest))

    def _deliver(self, s: State, envelope: Envelope, rest: Bag) -> Iterator[State | None]:
        phase, yes, states, _ = s
        src, dst, message = envelope
        match message:
            case ("Vote", vote) if phase == "Waiting":
                if not vote:
                    yield self._decide(yes, states, rest, "Abort")
                elif yes | {src} == frozenset(self.participants):
                    yield self._decide(yes | {src}, states, rest, "Commit")
                else:
                    yield phase, yes | {src}, states, rest
            case ("Prepare",) if states[dst - 1] == "Working":
                for vote in (False, True):
                    sent = self._send(rest, [(dst, src, ("Vote", vote))])
                    after = _set(states, dst - 1, "Prepared" if vote else "Aborted")
                    yield None if sent is None else (phase, yes, after, sent)
            case ("Outcome", decision):
                after = _set(states, dst - 1, "Committed" if decision == "Commit" else "Aborted")
                yield phase, yes, after, rest


def _set(states: tuple[str, ...], i: int, value: str) -> tuple[str, ...]:
    return states[:i] + (value,) + states[i + 1 :]


def count_states(model: TwoPhaseCommit) -> tuple[int, int]:
    """Distinct reachable states and BFS levels (the initial state is level 1)."""
    seen = {model.init()}
    level, depth = [model.init()], 0
    while level:
        depth += 1
        fresh = []
        for s in level:
            for t in model.next(s):
                if t not in seen:
                    seen.add(t)
                    fresh.append(t)
        level = fresh
    return len(seen), depth
