"""What a search may spend, and how it reports while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """A snapshot handed to `CheckOptions.progress` about once a second."""

    distinct_states: int
    depth: int
    states_per_second: float
    queue: int  # states waiting to be explored (rest of this BFS level + the next one so far)
    seconds: float
    phase: str = "safety"  # "liveness" while the liveness pass rebuilds the whole graph
    workers: tuple[float, ...] = ()  # a cluster search: states per second stored by each worker


@dataclass(frozen=True)
class CheckOptions:
    """Limits and switches of one `engine.check` run.

    A limit that stops the search makes the verdict INCOMPLETE, never HOLDS. `max_depth` counts
    BFS levels the way `Stats.depth` does (initial states are level 1). `deadlock=False` turns
    deadlock detection off even when the spec asks for it; `stop_at_first=False` keeps going
    after a violation and reports the first (shortest) one of each property. `symmetry=False`
    ignores the spec's `symmetric` groups and counts every state (to compare, or to debug).
    """

    max_states: int | None = None
    max_depth: int | None = None
    timeout: float | None = None  # seconds
    deadlock: bool = True
    progress: Callable[[Progress], None] | None = None
    stop_at_first: bool = True
    symmetry: bool = True
    # count, per action, the successors it generated and the distinct new states among them
    # (`CheckResult.coverage`, TLC's -coverage); costs a fingerprint per successor
    coverage: bool = False
    # when the run's clock started (time.monotonic()); None: when the search starts. The API
    # sets it before loading the spec, so that loading counts against `timeout` too
    started: float | None = None
    # seconds for the liveness pass alone, from when it starts (`timeout` still bounds the
    # whole run); when it runs out after a complete safety search, safety stays established
    liveness_timeout: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_states", "max_depth"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1, got {value}")
        for name in ("timeout", "liveness_timeout"):
            seconds = getattr(self, name)
            if seconds is not None and seconds <= 0:
                raise ValueError(f"{name} must be positive, got {seconds}")
