"""A counterexample or witness as data: numbered steps with who did what, and what changed.

Everything here is already formatted for people (node names like `Participant[2]`, values as
the spec writes them), so every renderer (text, ITF JSON, diagrams) only lays it out. The full
`state` rides along for renderers that need raw values (ITF).
"""

from __future__ import annotations

from dataclasses import dataclass

from verikit.compile.compiled import State
from verikit.errors import SpecFault


@dataclass(frozen=True)
class Change:
    """One displayed part of the state that changed: `Participant[2].state: Working → Prepared`,
    `rmState[2]: Working → Prepared` (a global map, per key). In the initial step `old` is None
    (the value is set, not changed). For a set or bag, `delta` says what was added and removed
    in the language's own terms: `+ {Msg { kind: Commit, rm: none }}`, `- {2}`."""

    var: str
    old: str | None
    new: str
    delta: str | None = None


@dataclass(frozen=True)
class Envelope:
    """A message in flight: its text, sender and receiver, as display strings."""

    body: str  # "Vote { yes: true }", or just "Prepare" for a message without fields
    src: str
    dst: str

    def __str__(self) -> str:
        return f"{self.body} {self.src} → {self.dst}"


@dataclass(frozen=True)
class Step:
    """State `index` of the trace (0 is the initial state) and the action that led to it.

    `node` is the acting node, `params` the other parameters (name, value), `message` the
    network entry a receive/drop/duplicate acted on (`envelope` is the same, structured),
    `sent` the messages this step added to the network, `changes` the displayed slots that
    changed (internal bookkeeping such as `up` or crash counters is told by `kind` instead).
    """

    index: int
    action: str  # action name, or "init"
    kind: str  # Action.kind, or "init"
    node: str | None
    params: tuple[tuple[str, str], ...]
    message: str | None
    state: State
    changes: tuple[Change, ...]
    envelope: Envelope | None = None
    sent: tuple[Envelope, ...] = ()


@dataclass(frozen=True)
class Trace:
    """The steps that show a discovery. For an invariant, `evidence` holds the final values
    of the variables the property reads (display name, value); for a fault, `fault` carries
    the spec span that failed and the last step is the state it failed in.

    A liveness counterexample is a lasso (see `Discovery.loop_start`): the steps after
    `loop_start` repeat forever (the last state equals the state of step `loop_start`), or,
    when `loop_start` is the last step, the behavior stutters there (no action is enabled).
    Its `evidence` holds the values the property reads where the loop starts; for `leads_to`,
    `trigger` is the step where P holds and after which Q never does."""

    spec: str
    steps: tuple[Step, ...]
    property: str
    kind: str  # "invariant" | "reachable" | "deadlock" | "fault" | a liveness kind
    fault: SpecFault | None = None
    loop_start: int | None = None  # the step where the loop of a lasso starts
    evidence: tuple[tuple[str, str], ...] = ()
    trigger: int | None = None  # leads_to: the step where P holds, never followed by Q
