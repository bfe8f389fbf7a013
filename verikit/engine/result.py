"""What a search found, as plain data (rendering lives in trace/ and report/)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from verikit.errors import SpecFault

DiscoveryKind = Literal[
    "invariant", "reachable", "deadlock", "fault", "eventually", "always_eventually",
    "eventually_always", "leads_to", "step",
]  # fmt: skip


class Verdict(enum.Enum):
    HOLDS = "holds"  # the search was complete and found nothing wrong
    VIOLATED = "violated"  # at least one discovery in `violations`
    INCOMPLETE = "incomplete"  # a limit stopped the search before it was complete


@dataclass(frozen=True)
class Stats:
    """Counts with TLC's meaning: `distinct_states` counts each state once (states outside a
    `constraint` not at all); `depth` is the number of BFS levels holding a counted state (1
    for a model with only initial states); `transitions` counts every successor generated,
    duplicates included; `peak_queue` is the largest BFS level (states waiting at once when a
    level starts)."""

    distinct_states: int
    transitions: int
    depth: int
    seconds: float
    states_per_second: float
    peak_queue: int


@dataclass(frozen=True)
class Discovery:
    """A property outcome with the shortest path that shows it.

    `path[0]` indexes `init_states()`; each further element is a successor ordinal into
    `next_states` / `labelled_successors` of the previous state. A `reachable` never reached has
    an empty path. A fault's path leads to the state on which evaluation failed; `property`
    then names what failed: the property whose predicate faulted, the action whose span holds
    the fault (or "next" when no single action does), or "init" for the initial states.

    A liveness violation is a lasso: `loop_start` is the position (0 = the initial state) of
    the state where the loop begins. When it is the last state of the path, no action is
    enabled there and the behavior stutters forever; otherwise the path's last step returns
    to that state (the last state equals the state at `loop_start`), and the steps after
    `loop_start` repeat forever.
    """

    property: str
    kind: DiscoveryKind
    path: tuple[int, ...]
    fault: SpecFault | None = None
    loop_start: int | None = None


@dataclass(frozen=True)
class ActionCoverage:
    """One action's share of the search: successors it generated (from every explored state,
    duplicates included) and the distinct states first found through it (None: the backend
    does not count them)."""

    action: str
    kind: str
    successors: int
    new_states: int | None


@dataclass(frozen=True)
class Backend:
    """Which explicit-state backend ran and why: reported in one line, text and JSON.

    `build_seconds` is code generation plus C compilation (compilation is 0 when the cache held
    the library), apart from `search_seconds`. With 64-bit fingerprints two states may share
    one; `collision_probability` is TLC's optimistic estimate of that having happened."""

    name: str  # "native" or "python"
    reason: str
    workers: int = 1
    build_seconds: float = 0.0
    cached: bool = False
    search_seconds: float = 0.0
    collision_probability: float | None = None  # None: python, or native with full states


@dataclass(frozen=True)
class CheckResult:
    """The outcome of `engine.check`.

    The liveness fields describe the pass that decides `eventually`, `always_eventually` and
    `leads_to` properties after a complete safety search, on a graph of its own (symmetry off,
    so its state count may exceed `stats.distinct_states`). `liveness_checked` names the
    liveness properties decided (held, or violated and listed in `violations`);
    `liveness_undecided` says why the others were not ("max states 1000 reached", "stopped at
    the first violation", "the spec faulted"); both stay empty for a model without liveness
    properties."""

    verdict: Verdict
    stats: Stats
    violations: tuple[Discovery, ...]
    witnesses: tuple[Discovery, ...]  # one shortest path per `reachable` that was reached
    unreached: tuple[str, ...]  # `reachable`s not reached (violations only if the search ended)
    never_enabled: tuple[str, ...]  # actions without a successor; only for a complete search
    incomplete_reason: str | None = None  # "max states 1000 reached", "timeout 2.0 s", …
    symmetry: tuple[str, ...] = ()  # node groups whose permutations were counted as one
    liveness_checked: tuple[str, ...] = ()
    liveness_undecided: str | None = None
    liveness_states: int = 0  # states of the liveness graph (inside the constraints)
    liveness_transitions: int = 0  # its edges (transitions between counted states)
    liveness_cut_off: int = 0  # its states with a successor outside a constraint
    liveness_cut_by: tuple[str, ...] = ()  # the constraints those successors fail
    liveness_seconds: float = 0.0  # building the graph and deciding every property
    # the safety search finished and found nothing, but a limit stopped the liveness pass:
    # the invariants (and deadlock freedom) are established, liveness is not (INCOMPLETE)
    safety_established: bool = False
    backend: Backend | None = None  # set by engine.native.check (None: engine.check directly)
    # a search a limit stopped: every state reachable in this many steps or fewer was found and
    # checked against the invariants (-1: not even every initial state); None when not stopped
    explored_depth: int | None = None
    # per action, in the model's order, when CheckOptions.coverage asked for it
    coverage: tuple[ActionCoverage, ...] | None = None
