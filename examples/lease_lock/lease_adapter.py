"""The adapter between specs/lease_fencing.dsl and lease_lock.py (see docs/conformance.md).

Spec node ids, in declaration order: LockService 0, Client[1] and Client[2] 1 and 2, Storage
3. `observe` shows the clock, the service, the clients and the storage; the spec's history
(`newest`, `fenced`, kept for its properties) and its network are left to the spec.
"""

from __future__ import annotations

from typing import Any

from lease_lock import (
    SERVICE,
    STORAGE,
    Acquire,
    Grant,
    Message,
    Packet,
    Storage,
    System,
    UncheckedStorage,
    UnfencedStorage,
    Write,
)

SERVICE_ID, FIRST_CLIENT, STORAGE_ID = 0, 1, 3


def _address(node: int) -> str | int:
    if node == SERVICE_ID:
        return SERVICE
    return STORAGE if node == STORAGE_ID else node - FIRST_CLIENT


def _message(msg: Any) -> Message:
    if msg.tag == "Acquire":
        return Acquire()
    if msg.tag == "Grant":
        return Grant(msg.token, msg.expires)
    return Write(msg.token)


def _packet(envelope: Any) -> Packet:
    return Packet(_address(envelope.src), _address(envelope.dst), _message(envelope.msg))


class LeaseAdapter:
    storage: type[Storage] = Storage
    skews = (0, 1)  # Client[1]'s clock is exact, Client[2]'s runs a tick behind (spec: any)
    lease = 2  # the spec's Lease

    def __init__(self) -> None:
        self.system = System(self.skews, lease=self.lease, storage=self.storage)

    def tick(self) -> None:
        self.system.tick()

    def acquire(self, node: int) -> None:
        self.system.acquire(node - FIRST_CLIENT)

    def check_lease(self, node: int) -> None:
        self.system.check_lease(node - FIRST_CLIENT)

    def write(self, node: int) -> None:
        self.system.write(node - FIRST_CLIENT)

    def on_Acquire(self, node: int, envelope: Any) -> None:
        self.system.deliver(_packet(envelope))

    def on_Grant(self, node: int, envelope: Any) -> None:
        self.system.deliver(_packet(envelope))

    def on_Write(self, node: int, envelope: Any) -> None:
        self.system.deliver(_packet(envelope))

    def drop(self, envelope: Any) -> None:
        self.system.drop(_packet(envelope))

    def duplicate(self, envelope: Any) -> None:
        self.system.duplicate(_packet(envelope))

    def observe(self) -> dict[str, object]:
        s = self.system
        clients = {FIRST_CLIENT + i: c for i, c in enumerate(s.clients)}
        return {
            "now": s.now,
            "LockService.expires": {SERVICE_ID: s.service.expires},
            "LockService.issued": {SERVICE_ID: s.service.issued},
            "Client.skew": {n: c.skew for n, c in clients.items()},
            "Client.token": {n: c.token for n, c in clients.items()},
            "Client.expires": {n: c.expires for n, c in clients.items()},
            "Client.pending": {n: c.pending for n, c in clients.items()},
            "Storage.fence": {STORAGE_ID: s.storage.fence},
            "Storage.data": {STORAGE_ID: s.storage.data},
        }


class UnfencedLeaseAdapter(LeaseAdapter):
    storage = UnfencedStorage


class UncheckedLeaseAdapter(LeaseAdapter):
    storage = UncheckedStorage
