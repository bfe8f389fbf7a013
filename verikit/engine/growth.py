"""Ints without a range that keep growing: the usual reason a search never ends.

A search stopped at a limit says where it stopped, not why the space is so large. When the
model has `int` variables without a range, a short greedy walk per variable shows whether it
grows along a path: from the first initial state, each step takes the successor (inside every
`constraint`, as the search) where that variable is largest in magnitude. A variable that sets a new record in most of the
steps is named, with its values at both ends of the walk (api turns that into a warning).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Var
from verikit.core.types import MISSING, IntType, MapType, Type
from verikit.errors import SpecFault

WALK_STEPS = 48
WALK_SECONDS = 1.0


@dataclass(frozen=True)
class Growth:
    """`var` grew from `first` to `last` (in magnitude) along a walk of `steps` steps."""

    var: Var
    first: int
    last: int
    steps: int


def unbounded(t: Type) -> bool:
    """An int without a range, or a node variable (a map over node ids) of one."""
    match t:
        case IntType(lo=lo, hi=hi):
            return lo is None or hi is None
        case MapType(value=value):
            return isinstance(value, IntType) and (value.lo is None or value.hi is None)
    return False


def growing_ints(
    compiled: CompiledModel, steps: int = WALK_STEPS, seconds: float = WALK_SECONDS
) -> tuple[Growth, ...]:
    """The unbounded int variables that grow along a greedy walk of `steps` steps (all the
    walks stop after `seconds`: a report after a limit must not wait long for a hint)."""
    model = compiled.model
    deadline = time.monotonic() + seconds

    def stop() -> bool:
        return time.monotonic() > deadline

    slots = [i for i, v in enumerate(model.vars) if v.role == "user" and unbounded(v.type)]
    if not slots:
        return ()
    found = []
    for i in slots:  # a walk per variable: each one pushes its own variable up
        path = _walk(compiled, i, steps, stop)
        sizes = [_magnitude(state[i]) for state in path]
        records = sum(1 for k in range(1, len(sizes)) if sizes[k] > max(sizes[:k]))
        if 2 * (len(path) - 1) >= steps and 2 * records >= len(path) - 1:  # a long walk, a
            # new record in at least half of its steps
            found.append(Growth(model.vars[i], sizes[0], sizes[-1], len(path) - 1))
    return tuple(found)


def _walk(
    compiled: CompiledModel, slot: int, steps: int, stop: Callable[[], bool]
) -> list[tuple[Any, ...]]:
    try:
        initial = compiled.init_states()
    except SpecFault:
        return []
    if not initial:
        return []
    inside = [f for p, f in compiled.properties if p.kind == "constraint"]
    path = [initial[0]]
    for _ in range(steps):
        if stop():
            break
        try:  # a state outside a constraint is not explored: the walk does not go there
            successors = [
                t for t in compiled.next_states(path[-1]) if all(c(t) for c in inside)
            ]
        except SpecFault:
            break
        if not successors:
            break
        path.append(max(successors, key=lambda s: _magnitude(s[slot])))
    return path


def _magnitude(value: Any) -> int:
    if isinstance(value, tuple):  # a node variable: its largest entry
        return max((abs(v) for v in value if v is not MISSING), default=0)
    return abs(int(value))
