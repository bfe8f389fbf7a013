"""A PN-Counter CRDT replicated by gossip over an unreliable network (specs/crdt_counter.dsl).

Plain Python, written as a service would be: replicas count their own increments and
decrements and merge a peer's state entry by entry with max. The network is an in-memory bag
of packets that the test harness (through the adapter) delivers, drops or duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Packet:
    src: int
    dst: int
    p: tuple[int, ...]
    n: tuple[int, ...]


class Replica:
    def __init__(self, rid: int, replicas: int) -> None:
        self.rid = rid
        self.p = [0] * replicas
        self.n = [0] * replicas

    def increment(self) -> None:
        self.p[self.rid] += 1

    def decrement(self) -> None:
        self.n[self.rid] += 1

    def value(self) -> int:
        return sum(self.p) - sum(self.n)

    def merge(self, p: tuple[int, ...], n: tuple[int, ...]) -> None:
        self.p = [max(a, b) for a, b in zip(self.p, p, strict=True)]
        self.n = [max(a, b) for a, b in zip(self.n, n, strict=True)]


class SummingReplica(Replica):
    """The classic bug: merging by sum, so a repeated or re-sent state is counted twice."""

    def merge(self, p: tuple[int, ...], n: tuple[int, ...]) -> None:
        self.p = [a + b for a, b in zip(self.p, p, strict=True)]
        self.n = [a + b for a, b in zip(self.n, n, strict=True)]


class Cluster:
    def __init__(self, replicas: int, kind: type[Replica] = Replica) -> None:
        self.replicas = [kind(r, replicas) for r in range(replicas)]
        self.in_flight: list[Packet] = []

    def gossip(self, src: int, dst: int) -> None:
        r = self.replicas[src]
        self.in_flight.append(Packet(src, dst, tuple(r.p), tuple(r.n)))

    def deliver(self, packet: Packet) -> None:
        self.in_flight.remove(packet)
        self.replicas[packet.dst].merge(packet.p, packet.n)

    def drop(self, packet: Packet) -> None:
        self.in_flight.remove(packet)

    def duplicate(self, packet: Packet) -> None:
        self.in_flight.append(packet)
