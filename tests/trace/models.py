"""A small node-style protocol written by hand as a CompiledModel, for trace tests.

One Coordinator and two Participants (global ids 0, 1, 2) with the slots semantics would
lower a node spec to: per-node variables (maps from node id), a network bag of
(src, dst, message) entries, and the crash bookkeeping slots `up` and `crashes`.

    Coordinator.begin           phase Init -> Waiting, Prepare to every participant
    Participant.on_Prepare      Working -> Prepared (vote yes) or Aborted (vote no)
    Coordinator.on_Vote         counts yes votes
    drop / duplicate            the network loses or copies an entry
    crash                       a participant crashes once (its state resets)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.engine.fakes import FakeAction, fake, prop
from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import NetworkInfo, Var
from verikit.core.types import (
    BOOL,
    BagType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    RecordType,
    SeqType,
    SetType,
    domain,
)
from verikit.errors import Span

COORD = NodeGroup("Coordinator", 0, 1)
PART = NodeGroup("Participant", 1, 2)
COORD_T, PART_T, ANY_NODE = NodeType((COORD,)), NodeType((PART,)), NodeType((COORD, PART))
PHASE = EnumType("Phase", ("Init", "Waiting", "Done"))
PSTATE = EnumType("PState", ("Working", "Prepared", "Committed", "Aborted"))
PREPARE = RecordType("Prepare", ())
VOTE = RecordType("Vote", (("yes", BOOL),))
MSG = MessageType((PREPARE, VOTE))
ENTRY = RecordType("", (("src", ANY_NODE), ("dst", ANY_NODE), ("msg", MSG)))

VARS = (
    Var("Coordinator.phase", MapType(COORD_T, PHASE), owner="Coordinator", display="phase"),
    Var("Coordinator.yes", MapType(COORD_T, SetType(PART_T)), owner="Coordinator", display="yes"),
    Var("Participant.state", MapType(PART_T, PSTATE), owner="Participant", display="state"),
    Var("network", BagType(ENTRY), role="network"),
    Var("up", MapType(ANY_NODE, BOOL), role="up"),
    Var("crashes", IntType(0, 1), role="crashes"),
)
PHASE_, YES, STATE, NET, UP, CRASHES = range(6)
SPAN = Span("commit.dsl", 1, 1)
Pairs = Iterator[tuple[tuple[Any, ...], State]]


def put(bag: frozenset[tuple[Any, int]], entry: Any) -> frozenset[tuple[Any, int]]:
    counts = dict(bag)
    counts[entry] = counts.get(entry, 0) + 1
    return frozenset(counts.items())


def take(bag: frozenset[tuple[Any, int]], entry: Any) -> frozenset[tuple[Any, int]]:
    counts = dict(bag)
    counts[entry] -= 1
    return frozenset((e, n) for e, n in counts.items() if n)


def entries(s: State) -> list[Any]:
    return sorted((e for e, _ in s[NET]), key=repr)


def with_slot(s: State, slot: int, value: Any) -> State:
    return s[:slot] + (value,) + s[slot + 1 :]


def begin(s: State) -> Pairs:
    if s[PHASE_] == ("Init",):
        net = s[NET]
        for p in PART.ids:
            net = put(net, (0, p, ("Prepare",)))
        yield (0,), with_slot(with_slot(s, PHASE_, ("Waiting",)), NET, net)


def on_prepare(s: State) -> Pairs:
    for entry in entries(s):
        src, dst, msg = entry
        if msg[0] != "Prepare" or not s[UP][dst] or s[STATE][dst - 1] != "Working":
            continue
        for yes in (False, True):
            state = list(s[STATE])
            state[dst - 1] = "Prepared" if yes else "Aborted"
            net = put(take(s[NET], entry), (dst, src, ("Vote", yes)))
            yield (dst, entry), with_slot(with_slot(s, STATE, tuple(state)), NET, net)


def on_vote(s: State) -> Pairs:
    for entry in entries(s):
        src, _, msg = entry
        if msg[0] != "Vote" or s[PHASE_] != ("Waiting",):
            continue
        t = with_slot(s, NET, take(s[NET], entry))
        yes = s[YES][0] | {src} if msg[1] else s[YES][0]
        t = with_slot(t, YES, (yes,))
        if not msg[1] or yes == frozenset(PART.ids):
            t = with_slot(t, PHASE_, ("Done",))
        yield (0, entry), t


def drop(s: State) -> Pairs:
    for entry in entries(s):
        yield (entry,), with_slot(s, NET, take(s[NET], entry))


def duplicate(s: State) -> Pairs:
    for entry in entries(s):
        if dict(s[NET])[entry] < 2:
            yield (entry,), with_slot(s, NET, put(s[NET], entry))


def crash(s: State) -> Pairs:
    for p in PART.ids:
        if s[UP][p] and s[CRASHES] < 1:
            up = s[UP][:p] + (False,) + s[UP][p + 1 :]
            state = s[STATE][: p - 1] + ("Working",) + s[STATE][p:]
            yield (p,), with_slot(with_slot(with_slot(s, UP, up), STATE, state), CRASHES, 1)


INITIAL: State = (("Init",), (frozenset(),), ("Working", "Working"), frozenset(), (True,) * 3, 0)


def mini_commit() -> CompiledModel:
    actions = [
        FakeAction("Coordinator.begin", begin, params=(("self", COORD_T),), node_param="self"),
        FakeAction("Participant.on_Prepare", on_prepare, kind="receive",
                   params=(("self", PART_T), ("m", ENTRY)), node_param="self", message_param="m"),
        FakeAction("Coordinator.on_Vote", on_vote, kind="receive",
                   params=(("self", COORD_T), ("m", ENTRY)), node_param="self", message_param="m"),
        FakeAction("drop", drop, kind="drop", params=(("m", ENTRY),), message_param="m"),
        FakeAction("duplicate", duplicate, kind="duplicate", params=(("m", ENTRY),),
                   message_param="m"),
        FakeAction("crash", crash, kind="crash", params=(("self", PART_T),), node_param="self"),
    ]  # fmt: skip

    def both_prepared(s: State) -> bool:
        return bool(s[STATE] == ("Prepared", "Prepared"))

    properties = [
        prop("invariant", "NotBothPrepared", lambda s: not both_prepared(s), reads=(STATE,)),
        prop("reachable", "Decided", lambda s: s[PHASE_] == ("Done",), reads=(PHASE_,)),
    ]
    network = NetworkInfo(NET, True, True, True, True, False, None)
    return fake(VARS, [INITIAL], actions, properties, name="MiniCommit", nodes=(COORD, PART),
                network=network, deadlock=False)  # fmt: skip


# ---------------------------------------------------------------- a FIFO network

CLIENT, SERVER = NodeGroup("Client", 0, 1), NodeGroup("Server", 1, 1)
PEER = NodeType((CLIENT, SERVER))
CHANNEL = RecordType("Channel", (("src", PEER), ("dst", PEER)))
PING = MessageType((RecordType("Ping", (("n", IntType(1, 2)),)),))
CHANNELS = tuple(domain(CHANNEL))  # (0, 0), (0, 1), (1, 0), (1, 1)
TO_SERVER = CHANNELS.index((0, 1))


def fifo_ping() -> CompiledModel:
    """The client sends Ping 1 then Ping 2 over a FIFO channel; the server receives the head;
    the network may drop any queued message. State: (Client.sent, Server.got, network)."""

    def with_queue(s: State, q: tuple[Any, ...]) -> tuple[Any, ...]:
        return s[2][:TO_SERVER] + (q,) + s[2][TO_SERVER + 1 :]

    def send(s: State) -> Pairs:
        (n,) = s[0]
        if n < 2:
            yield (0,), ((n + 1,), s[1], with_queue(s, s[2][TO_SERVER] + (("Ping", n + 1),)))

    def receive(s: State) -> Pairs:
        q = s[2][TO_SERVER]
        if q:
            yield (1, (0, 1)), (s[0], (s[1][0] + (q[0][1],),), with_queue(s, q[1:]))

    def drop(s: State) -> Pairs:
        q = s[2][TO_SERVER]
        for position in range(1, len(q) + 1):
            yield ((0, 1), position), (s[0], s[1], with_queue(s, q[: position - 1] + q[position:]))

    client, server = NodeType((CLIENT,)), NodeType((SERVER,))
    vars_ = (
        Var("Client.sent", MapType(client, IntType(0, 2)), owner="Client", display="sent"),
        Var("Server.got", MapType(server, SeqType(IntType(1, 2))), owner="Server", display="got"),
        Var("network", MapType(CHANNEL, SeqType(PING)), role="network"),
    )
    actions = [
        FakeAction("Client.send", send, params=(("self", client),), node_param="self"),
        FakeAction("Server.on Ping", receive, kind="receive",
                   params=(("self", server), ("channel", CHANNEL)),
                   node_param="self", message_param="channel"),
        FakeAction("network.drop", drop, kind="drop",
                   params=(("channel", CHANNEL), ("position", IntType(1, 2))),
                   message_param="channel"),
    ]  # fmt: skip
    initial = ((0,), ((),), ((),) * len(CHANNELS))
    network = NetworkInfo(2, False, True, False, False, False, None)
    return fake(vars_, [initial], actions, name="FifoPing", nodes=(CLIENT, SERVER),
                network=network, deadlock=False)  # fmt: skip
