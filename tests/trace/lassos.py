"""Liveness counterexamples (lassos) to replay, print, save and draw, built by hand.

Until the engine's liveness pass produces them, each lasso is a Discovery written here on a
model whose liveness property replaces a safety one of the same predicate:

    commit_never_decided   MiniCommit: after begin, the network copies and loses the same
                           Prepare forever (steps 2–3 repeat); eventually Decided fails
    stuck_short            0 → 1 → 2 and then nothing can happen; eventually Far fails
    request_ignored        at 1 a request is made (P), then 2 → 3 → 2 forever, never 4 (Q)
    spin_or_finish         1 may spin forever or finish; only `fair action finish` excludes
                           the spinning loop
    RETRY                  a DSL spec: the client pings, the network loses the Ping, the
                           client retries, forever (eventually Acked fails)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.engine.fakes import graph, prop
from tests.trace.models import mini_commit
from tests.trace.test_replay import action, walk
from verikit.api import load
from verikit.compile import build
from verikit.compile.compiled import CompiledModel, Predicate
from verikit.core.model import Fairness
from verikit.engine import Discovery
from verikit.engine.result import DiscoveryKind
from verikit.report import Loaded

RETRY = """\
spec Retry
message Ping {}
message Pong {}
network { loss: true  reorder: true  max_in_flight: 1 }
node Client {
  var sent: bool = false
  var acked: bool = false
  action ping when not sent { sent = true; send Ping {} to Server }
  action retry when sent and not acked { send Ping {} to Server }
  on Pong { acked = true }
}
node Server {
  on Ping from c { send Pong {} to c }
}
reachable Sent: Client.sent
reachable Acked: Client.acked
terminal when Client.acked
"""


def as_liveness(
    c: CompiledModel, name: str, kind: str, trigger: Predicate | None = None
) -> CompiledModel:
    """`c` with property `name` made a liveness property of `kind` (same predicate); a
    `leads_to` gets `trigger` as its P (its expression reads what the property reads)."""
    pairs = []
    for p, holds in c.properties:
        if p.name == name:
            p = dataclasses.replace(p, kind=kind, trigger=p.expr if trigger else None)
        pairs.append((p, holds))
    props = tuple(p for p, _ in pairs)
    triggers = {name: trigger} if trigger else {}
    model = dataclasses.replace(c.model, properties=props)
    return dataclasses.replace(c, model=model, properties=tuple(pairs), triggers=triggers)


def fair(c: CompiledModel, *decls: Fairness) -> CompiledModel:
    return dataclasses.replace(c, model=dataclasses.replace(c.model, fairness=decls))


def commit_never_decided() -> tuple[CompiledModel, Discovery]:
    c = as_liveness(mini_commit(), "Decided", "eventually")
    path = walk(c, action(c, "Coordinator.begin"), action(c, "duplicate"), action(c, "drop"))
    return c, Discovery("Decided", "eventually", path, loop_start=1)


def stuck_short() -> tuple[CompiledModel, Discovery]:
    c = graph({0: [1], 1: [2]}, properties=[prop("reachable", "Far", lambda s: False)])
    return as_liveness(c, "Far", "eventually"), Discovery(
        "Far", "eventually", (0, 0, 0), loop_start=2
    )


def request_ignored() -> tuple[CompiledModel, Discovery]:
    """States 0..4: 0 → 1 → 2, 2 → 3 | 4, 3 → 2; P: at == 1, Q: at == 4."""
    c = graph({0: [1], 1: [2], 2: [3, 4], 3: [2]},
              properties=[prop("reachable", "Answered", lambda s: s[0] == 4)])  # fmt: skip
    c = as_liveness(c, "Answered", "leads_to", trigger=lambda s: s[0] == 1)
    return c, Discovery("Answered", "leads_to", (0, 0, 0, 0, 0), loop_start=2)


def spin_or_finish() -> tuple[CompiledModel, Discovery]:
    """0 → 1; 1 spins (ordinal 0) or finishes into 2 (ordinal 1); eventually at == 2."""
    c = graph({0: [1], 1: [("spin", 1), ("finish", 2)]}, deadlock=False,
              properties=[prop("reachable", "Finished", lambda s: s[0] == 2)])  # fmt: skip
    c = as_liveness(c, "Finished", "eventually")
    return c, Discovery("Finished", "eventually", (0, 0, 0), loop_start=1)


def finish_fairly(c: CompiledModel, strong: bool = False) -> CompiledModel:
    finish = [a.name for a in c.model.actions].index("finish")
    return fair(c, Fairness(strong, (finish,), "action", "fair action finish"))


def retry_spec(tmp_path: Path) -> Path:
    path = tmp_path / "retry.dsl"
    path.write_text(RETRY, encoding="utf-8")
    return path


def retry_forever(spec: Path, kind: DiscoveryKind = "eventually") -> tuple[Loaded, Discovery]:
    """The Retry spec with Acked made a liveness property of `kind` (`Sent leads_to Acked`
    for a leads_to), compiled by verikit; its lasso: ping; then drop, retry forever."""
    loaded = load(spec)
    sent = next(p for p in loaded.model.properties if p.name == "Sent")
    props = tuple(
        dataclasses.replace(p, kind=kind, trigger=sent.expr if kind == "leads_to" else None)
        if p.name == "Acked"
        else p
        for p in loaded.model.properties
    )
    model = dataclasses.replace(loaded.model, properties=props)
    c = build(model)
    path = walk(c, action(c, "Client.ping"), action(c, "network.drop"), action(c, "Client.retry"))
    lasso = Discovery("Acked", kind, path, loop_start=1)
    return dataclasses.replace(loaded, model=model, compiled=c), lasso
