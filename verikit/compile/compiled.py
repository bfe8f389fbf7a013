"""What the compiler hands the engine: plain callables over flat state tuples.

A `State` is a tuple with one slot per `Model.vars` entry, values in the runtime
representation of core.types. `next_states` is the engine's hot path (no labels, no
allocations beyond the successors); `labelled_successors` yields the same successors in the
same order with the action index and parameter values, for traces and replay. Both raise
`verikit.errors.SpecFault` on a runtime fault in the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from verikit.core.model import Model, Property

State = tuple[Any, ...]
Predicate = Callable[[State], bool]


@dataclass(frozen=True)
class Successor:
    action: int  # index into model.actions
    params: tuple[Any, ...]  # values of the action's parameters, in declaration order
    state: State


@dataclass(frozen=True)
class CompiledModel:
    model: Model
    source: str  # the generated Python, for `verikit compile --emit-python`
    init_states: Callable[[], list[State]]  # distinct initial states, deterministic order
    next_states: Callable[[State], list[State]]
    labelled_successors: Callable[[State], list[Successor]]
    properties: tuple[tuple[Property, Predicate], ...]  # every model property, compiled
    fingerprint: Callable[[State], Hashable]  # key for the visited set; equal states, equal keys
    action_hits: list[int]  # per action: successors produced by next_states since reset
    # `P leads_to Q`, by property name: the compiled P (the property's own predicate is Q)
    triggers: dict[str, Predicate] = field(default_factory=dict)
    # what init_states runs: calls its argument with each initial state, repeats included,
    # in the same order (a search with a state limit stops it early by raising from there)
    init_block: Callable[[Callable[[State], None]], None] | None = None

    def predicates(self, *kinds: str) -> tuple[tuple[Property, Predicate], ...]:
        return tuple(pair for pair in self.properties if pair[0].kind in kinds)
