"""The adapter between specs/crdt_counter.dsl and counter.py (see docs/conformance.md).

One method per spec action, named after it (`Replica.on Gossip` is `on_Gossip`), taking the
action's parameters (`node` is the acting replica's id); `observe` shows the replicas' counts
as the spec's variables `Replica.p` and `Replica.n`. The spec's `seen` (history kept for its
properties) and its network are left to the spec: they are not observed.
"""

from __future__ import annotations

from typing import Any

from counter import Cluster, Packet, Replica, SummingReplica

REPLICAS = 2  # the spec's N


def _packet(envelope: Any) -> Packet:
    """The implementation's packet for a spec envelope (its `seen` has no counterpart)."""
    msg = envelope.msg
    order = range(REPLICAS)
    return Packet(envelope.src, envelope.dst,
                  tuple(msg.p[r] for r in order), tuple(msg.n[r] for r in order))  # fmt: skip


class CounterAdapter:
    kind: type[Replica] = Replica

    def __init__(self) -> None:
        self.cluster = Cluster(REPLICAS, self.kind)

    def increment(self, node: int) -> None:
        self.cluster.replicas[node].increment()

    def decrement(self, node: int) -> None:
        self.cluster.replicas[node].decrement()

    def gossip(self, node: int, to: int) -> None:
        self.cluster.gossip(node, to)

    def on_Gossip(self, node: int, envelope: Any) -> None:
        self.cluster.deliver(_packet(envelope))

    def drop(self, envelope: Any) -> None:
        self.cluster.drop(_packet(envelope))

    def duplicate(self, envelope: Any) -> None:
        self.cluster.duplicate(_packet(envelope))

    def observe(self) -> dict[str, object]:
        replicas = self.cluster.replicas
        return {
            "Replica.p": {r.rid: list(r.p) for r in replicas},
            "Replica.n": {r.rid: list(r.n) for r in replicas},
        }


class SummingCounterAdapter(CounterAdapter):
    kind = SummingReplica
