"""The visited set and the breadcrumbs that rebuild any path, in a few dozen bytes per state.

States get consecutive indices in discovery order. For each index two machine ints are kept:
the index of its parent (-1 for an initial state) and the ordinal that led to it (the
successor ordinal in its parent's `next_states`, or its position in `init_states()`). Full
states are never kept here; trace.replay rebuilds them from a path.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable

ROOT = -1


class Store:
    """Visited fingerprints plus parent/ordinal arrays; the search appends to them directly."""

    __slots__ = ("seen", "parents", "ordinals")

    def __init__(self) -> None:
        self.seen: set[Hashable] = set()
        self.parents = array("i")
        self.ordinals = array("i")

    def __len__(self) -> int:
        return len(self.parents)

    def add(self, fingerprint: Hashable, parent: int, ordinal: int) -> int:
        """Record a new state and return its index (the hot loop inlines this)."""
        self.seen.add(fingerprint)
        self.parents.append(parent)
        self.ordinals.append(ordinal)
        return len(self.parents) - 1

    def path(self, index: int) -> tuple[int, ...]:
        """Init ordinal, then successor ordinals, leading to the state with this index."""
        steps: list[int] = []
        parents, ordinals = self.parents, self.ordinals
        while index != ROOT:
            steps.append(ordinals[index])
            index = parents[index]
        steps.reverse()
        return tuple(steps)

    def path_via(self, parent: int, ordinal: int) -> tuple[int, ...]:
        """The path to a state that is not stored: `ordinal`-th successor of `parent`."""
        return (ordinal,) if parent == ROOT else (*self.path(parent), ordinal)
