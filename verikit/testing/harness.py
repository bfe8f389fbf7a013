"""The spec and an implementation, stepped together, compared after every step.

A run starts from a fresh adapter and an initial spec state, then takes one spec step per
choice: the choice picks among the enabled labelled successors (faults of the network are
among them), the adapter drives the implementation through the same action with the same
parameters, and the implementation's observed variables must equal those of some successor
by that action and those parameters (the spec may be nondeterministic: the implementation
resolves it). The run follows that successor, checks the spec's invariants on it and goes
on. The first step that fits no successor ends the run with a `Mismatch`: the spec's path to
the closest expected state, and the variables where the implementation differs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core.model import Model
from verikit.errors import SpecFault
from verikit.testing.adapter import (
    AdapterError,
    Binding,
    call_action,
    call_description,
    differing,
    observe,
)
from verikit.trace.display import show, slot_values

Label = tuple[int, tuple[Any, ...]]  # a step as the adapter sees it: action index, params
Chooser = Callable[[Sequence[Successor]], int | None]  # which successor next; None: stop


@dataclass(frozen=True)
class Difference:
    """One displayed part of a variable where the implementation differs from the spec."""

    var: str  # "Replica[2].p", "Storage.fence"
    expected: str
    observed: str


@dataclass(frozen=True)
class Mismatch:
    """Where a run left the spec. `path` is the spec's run (a Discovery path) to the expected
    state closest to what was observed; `step` its index (0: the initial state)."""

    step: int
    call: str  # the adapter call of the step, "init" for the initial state
    path: tuple[int, ...]
    reason: str
    differences: tuple[Difference, ...] = ()
    labels: tuple[Label, ...] = ()  # the (action, params) of each step taken, this one too


class SpecCache:
    """What the spec says about a state (its successors, its invariants) does not change from
    run to run: hypothesis runs revisit the same states thousands of times."""

    LIMIT = 200_000  # states remembered; then forgotten all at once

    def __init__(self, compiled: CompiledModel) -> None:
        self.compiled = compiled
        self._successors: dict[Hashable, list[Successor]] = {}
        self._broken: dict[Hashable, str | None] = {}

    def successors(self, state: State) -> list[Successor]:
        key = self.compiled.fingerprint(state)
        if key not in self._successors:
            if len(self._successors) >= self.LIMIT:
                self._successors.clear()
            self._successors[key] = self.compiled.labelled_successors(state)
        return self._successors[key]

    def broken(self, state: State) -> str | None:
        key = self.compiled.fingerprint(state)
        if key not in self._broken:
            if len(self._broken) >= self.LIMIT:
                self._broken.clear()
            self._broken[key] = _invariant_broken(self.compiled, state)
        return self._broken[key]


@dataclass(frozen=True)
class Run:
    """A run that fit the spec: its path, for a report that wants it."""

    path: tuple[int, ...]


def run(
    compiled: CompiledModel,
    binding: Binding,
    make_adapter: Callable[[], Any],
    init: int,
    choose: Chooser,
    max_steps: int,
    cache: SpecCache | None = None,
) -> Run | Mismatch:
    """One run of at most `max_steps` steps from initial state `init` (an index, taken
    modulo their number); `choose` picks each step among the enabled successors."""
    model = compiled.model
    spec = cache if cache is not None and cache.compiled is compiled else SpecCache(compiled)
    instance = make_adapter()
    inits = compiled.init_states()
    picked = init % len(inits)
    labels: list[Label] = []
    seen = observe(instance, model)
    fitting = [i for i, s in enumerate(inits) if not differing(seen, s)]
    if not fitting:
        reason = "the implementation's initial state is not an initial state of the spec"
        return _mismatch(model, 0, "init", [], inits, picked, seen, reason)
    path = [picked if picked in fitting else fitting[0]]
    state = inits[path[0]]
    broken = spec.broken(state)
    if broken:
        return Mismatch(0, "init", tuple(path), broken)
    for step in range(1, max_steps + 1):
        successors = _successors(spec, state, step)
        if isinstance(successors, Mismatch):
            return successors
        choice = choose(successors) if successors else None
        if choice is None:
            break  # the spec stops here (a terminal state, a deadlock), or the chooser does
        picked, taken = choice, successors[choice]
        labels.append((taken.action, taken.params))
        try:
            call_action(binding, instance, model, taken.action, taken.params)
        except AdapterError:
            raise
        except Exception as error:  # the implementation's own failure is a finding
            call = call_description(binding, model, taken.action, taken.params)
            reason = f"{call} raised {type(error).__name__}: {error}"
            return Mismatch(step, call, (*path, picked), reason, (), tuple(labels))
        seen = observe(instance, model)
        same = [i for i, s in enumerate(successors)
                if s.action == taken.action and s.params == taken.params]  # fmt: skip
        fitting = [i for i in same if not differing(seen, successors[i].state)]
        if not fitting:
            call = call_description(binding, model, taken.action, taken.params)
            reason = f"after {call} the implementation's state is no successor of the spec's"
            options = [successors[i].state for i in same]
            chosen = _mismatch(model, step, call, path, options, same.index(picked), seen, reason)
            return _with_ordinals(chosen, same, labels)
        path.append(picked if picked in fitting else fitting[0])
        state = successors[path[-1]].state
        broken = spec.broken(state)
        if broken:
            call = call_description(binding, model, taken.action, taken.params)
            return Mismatch(step, call, tuple(path), broken, (), tuple(labels))
    return Run(tuple(path))


def shrink(
    compiled: CompiledModel,
    binding: Binding,
    make_adapter: Callable[[], Any],
    mismatch: Mismatch,
    cache: SpecCache | None = None,
) -> Mismatch:
    """A shorter run that still leaves the spec: drop one step at a time, replaying the
    others by their labels (a step whose action is no longer enabled with the same
    parameters rules the candidate out), until no single step can go. hypothesis shrinks
    the choices; this shrinks what they mean, since dropping a step shifts the choices
    after it."""
    best = mismatch
    shorter = True
    while shorter and best.labels:
        shorter = False
        for drop in range(len(best.labels)):
            labels = best.labels[:drop] + best.labels[drop + 1 :]
            choose = _by_labels(compiled.model, labels)
            found = run(compiled, binding, make_adapter, best.path[0], choose, len(labels), cache)
            if isinstance(found, Mismatch) and len(found.labels) < len(best.labels):
                best, shorter = found, True
                break
    return best


def _by_labels(model: Model, labels: Sequence[Label]) -> Chooser:
    """Replay steps by label: the same action and parameters, else (a message whose contents
    changed with the steps dropped before it) the same action with the same parameters but
    its message."""
    remaining = list(labels)

    def choose(successors: Sequence[Successor]) -> int | None:
        if not remaining:
            return None
        action, params = remaining.pop(0)
        alike = [i for i, s in enumerate(successors) if s.action == action]
        exact = [i for i in alike if successors[i].params == params]
        loose = [i for i in alike if _but_message(model, action, successors[i].params)
                 == _but_message(model, action, params)]  # fmt: skip
        found = exact or loose
        return found[0] if found else None

    return choose


def _successors(spec: SpecCache, state: State, step: int) -> list[Successor] | Mismatch:
    try:
        return spec.successors(state)
    except SpecFault as fault:
        return Mismatch(step, "(spec)", (), f"the spec faults at step {step}: {fault}")


def _but_message(model: Model, action: int, params: tuple[Any, ...]) -> tuple[Any, ...]:
    names = [p.name for p in model.actions[action].params]
    message = model.actions[action].message_param
    return tuple(v for name, v in zip(names, params, strict=True) if name != message)


def _invariant_broken(compiled: CompiledModel, state: State) -> str | None:
    for prop, holds in compiled.predicates("invariant"):
        try:
            if not holds(state):
                return f"invariant {prop.name} is violated"
        except SpecFault as fault:
            return f"invariant {prop.name} faults: {fault}"
    return None


def _mismatch(
    model: Model,
    step: int,
    call: str,
    path: list[int],
    options: Sequence[State],
    picked: int,
    seen: dict[int, Any],
    reason: str,
) -> Mismatch:
    """The mismatch against the option closest to what was seen (fewest differing slots;
    the one picked when it is among the closest). `path` gets the option's position."""
    closest = min(range(len(options)),
                  key=lambda i: (len(differing(seen, options[i])), i != picked))  # fmt: skip
    expected = options[closest]
    observed = tuple(seen.get(slot, value) for slot, value in enumerate(expected))
    differences = tuple(differences_of(model, expected, observed, differing(seen, expected)))
    return Mismatch(step, call, (*path, closest), reason, differences)


def _with_ordinals(mismatch: Mismatch, ordinals: list[int], labels: list[Label]) -> Mismatch:
    """Turn the last path entry, a position among `ordinals`, into the successor ordinal."""
    path = (*mismatch.path[:-1], ordinals[mismatch.path[-1]])
    return Mismatch(mismatch.step, mismatch.call, path, mismatch.reason, mismatch.differences,
                    tuple(labels))  # fmt: skip


def differences_of(
    model: Model, expected: State, observed: State, slots: list[int]
) -> list[Difference]:
    """Each displayed part (a node's variable, a map's key) of `slots` that differs."""
    out = []
    for slot in slots:
        var = model.vars[slot]
        parts = zip(slot_values(var, expected[slot], True),
                    slot_values(var, observed[slot], True), strict=True)  # fmt: skip
        for (name, want, t), (_, got, _) in parts:
            if want != got:
                out.append(Difference(name, show(t, want), show(t, got)))
    return out
