"""A lease lock service, its clients and a storage that checks fencing tokens
(specs/lease_fencing.dsl).

Plain Python, written as a service would be: the lock service grants one lease at a time,
each with the next fencing token; a client writes only while its lease looks valid on its own
clock (which may run behind true time), and storage turns away a write whose token is lower
than the highest it has accepted. The network is an in-memory bag of packets that the test
harness (through the adapter) delivers, drops or duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE = "service"
STORAGE = "storage"


@dataclass(frozen=True)
class Acquire:
    pass


@dataclass(frozen=True)
class Grant:
    token: int
    expires: int


@dataclass(frozen=True)
class Write:
    token: int


Message = Acquire | Grant | Write


@dataclass(frozen=True)
class Packet:
    src: str | int  # a client's index, SERVICE or STORAGE
    dst: str | int
    msg: Message


class LockService:
    def __init__(self, lease: int, max_tokens: int) -> None:
        self.lease = lease
        self.max_tokens = max_tokens
        self.expires = 0  # end of the current lease; none granted yet
        self.issued = 0  # the last fencing token

    def can_grant(self, now: int) -> bool:
        return now >= self.expires and self.issued < self.max_tokens

    def grant(self, now: int) -> Grant:
        self.issued += 1
        self.expires = now + self.lease
        return Grant(self.issued, self.expires)


class Client:
    def __init__(self, skew: int, drift: int) -> None:
        self.skew = skew  # how far this client's clock runs behind true time
        self.drift = drift  # the safety margin for that
        self.token: int | None = None
        self.expires = 0
        self.pending: int | None = None  # a write under this token is under way

    def lease_valid(self, now: int) -> bool:
        return self.token is not None and now - self.skew + self.drift < self.expires

    def on_grant(self, grant: Grant) -> None:
        if self.token is None:  # a duplicated request's second grant is not used
            self.token, self.expires = grant.token, grant.expires

    def check_lease(self, now: int) -> None:
        if not self.lease_valid(now):
            raise RuntimeError("lease expired")
        self.pending = self.token

    def start_write(self) -> Write:
        if self.pending is None:
            raise RuntimeError("no write under way")
        write, self.pending = Write(self.pending), None
        return write


class Storage:
    def __init__(self) -> None:
        self.fence = 0  # the highest token accepted
        self.data: int | None = None  # the token of the write the stored value came from

    def write(self, token: int) -> bool:
        if token < self.fence:
            return False  # a stale lease holder: fenced off
        self.fence, self.data = token, token
        return True


class UnfencedStorage(Storage):
    """The seeded bug: storage without fencing, as most storage is: it neither remembers nor
    checks tokens, so the last write wins, a paused former lease holder's write included."""

    def write(self, token: int) -> bool:
        self.data = token
        return True


class UncheckedStorage(Storage):
    """The issue's seeded bug, subtler: storage keeps the highest token it has seen, as the
    fenced storage does, but never compares a write's token with it, so a stale lease holder's
    write still lands. Its state equals the fenced storage's until such a write arrives: the
    bug shows only on the stale write itself, at the end of a 14-step run at the least."""

    def write(self, token: int) -> bool:
        self.fence, self.data = max(self.fence, token), token
        return True


class System:
    """The service, the clients, the storage, a clock and the packets in flight."""

    def __init__(self, skews: tuple[int, ...], *, lease: int = 2, drift: int = 1,
                 max_tokens: int = 2, storage: type[Storage] = Storage) -> None:  # fmt: skip
        self.now = 0
        self.service = LockService(lease, max_tokens)
        self.clients = [Client(skew, drift) for skew in skews]
        self.storage = storage()
        self.in_flight: list[Packet] = []

    def tick(self) -> None:
        self.now += 1

    def acquire(self, client: int) -> None:
        self.in_flight.append(Packet(client, SERVICE, Acquire()))

    def check_lease(self, client: int) -> None:
        self.clients[client].check_lease(self.now)

    def write(self, client: int) -> None:
        self.in_flight.append(Packet(client, STORAGE, self.clients[client].start_write()))

    def deliver(self, packet: Packet) -> None:
        self.in_flight.remove(packet)
        msg = packet.msg
        if isinstance(msg, Acquire) and self.service.can_grant(self.now):
            self.in_flight.append(Packet(SERVICE, packet.src, self.service.grant(self.now)))
        elif isinstance(msg, Grant) and isinstance(packet.dst, int):
            self.clients[packet.dst].on_grant(msg)
        elif isinstance(msg, Write):
            self.storage.write(msg.token)

    def drop(self, packet: Packet) -> None:
        self.in_flight.remove(packet)

    def duplicate(self, packet: Packet) -> None:
        self.in_flight.append(packet)
