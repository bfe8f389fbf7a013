"""Runs another back end found (decoded Z3 models) as ordinary Discoveries.

The bounded model checker hands back plain states and the name of the action into each. Here
they become a `Discovery` path of successor ordinals, found with the compiled model, and the
last state is classified by evaluating the compiled predicates in the explicit engine's order,
so the result replays, prints and draws exactly like an explicit counterexample. A state Z3
claims is a step but the compiled model does not produce, or a "bad" state that is not bad,
means the two back ends disagree: `DecodedRunError`, a bug in verikit, never a user error.
"""

from __future__ import annotations

from collections.abc import Sequence

from verikit.compile.compiled import CompiledModel, Predicate, State
from verikit.core.model import SAFETY_KINDS, STEP_KIND, Property
from verikit.engine.result import Discovery
from verikit.engine.search import action_at
from verikit.errors import SpecFault


class DecodedRunError(Exception):
    """Z3 and the compiled model disagree about a run (an encoder bug)."""


def path_of(
    compiled: CompiledModel, states: Sequence[State], actions: Sequence[str]
) -> tuple[int, ...]:
    """The Discovery path of a run: the initial state's index, then per step the ordinal of
    the first successor equal to the next state, preferring one by the action Z3 named."""
    if not states:
        return ()
    inits = compiled.init_states()
    if states[0] not in inits:
        raise DecodedRunError(f"Z3's initial state is not one of the model's: {states[0]}")
    if len(actions) != len(states) - 1:
        raise DecodedRunError(f"{len(states)} states but {len(actions)} actions")
    path = [inits.index(states[0])]
    model = compiled.model
    steps = zip(states, states[1:], actions, strict=False)
    for index, (old, new, name) in enumerate(steps, 1):
        successors = compiled.labelled_successors(old)
        equal = [k for k, s in enumerate(successors) if s.state == new]
        if not equal:
            raise DecodedRunError(
                f"step {index} ({name}) of Z3's run is not a step of the model: {old} -> {new}"
            )
        named = [k for k in equal if model.actions[successors[k].action].name == name]
        path.append((named or equal)[0])
    return tuple(path)


def discovery_of(
    compiled: CompiledModel,
    states: Sequence[State],
    actions: Sequence[str],
    category: str,
    deadlock: bool = True,
) -> Discovery:
    """What the explicit engine would report at the end of this run. `category` says why
    the last state is bad: "transition" (an action property fails or faults on the step
    into it), "state" (a property fails or faults on it), "step" (its
    successors fault, or it is a deadlock), "init" (the init block faults; no states)."""
    if category == "init":
        try:
            compiled.init_states()
        except SpecFault as init_fault:
            return Discovery("init", "fault", (), init_fault)
        raise DecodedRunError("Z3 says the init block faults; the compiled model disagrees")
    path = path_of(compiled, states, actions)
    last = states[-1]
    if category == "transition":
        found = _bad_transition(compiled, states[-2], last) if len(states) > 1 else None
    elif category == "state":
        found = _bad_state(compiled, last)
    else:
        found = _bad_step(compiled, last, deadlock)
    if found is None:
        raise DecodedRunError(f"Z3 says {last} is bad ({category}); the compiled model disagrees")
    name, kind, fault = found
    return Discovery(name, kind, path, fault)  # type: ignore[arg-type]


def witness_of(
    compiled: CompiledModel, states: Sequence[State], actions: Sequence[str], name: str
) -> Discovery:
    """A run reaching a `reachable` property, confirmed on its last state."""
    path = path_of(compiled, states, actions)
    holds = dict((p.name, f) for p, f in compiled.predicates("reachable"))
    if not holds[name](states[-1]):
        raise DecodedRunError(f"Z3's witness for {name} does not satisfy it")
    return Discovery(name, "reachable", path)


Found = tuple[str, str, SpecFault | None]


def _bad_state(compiled: CompiledModel, state: State) -> Found | None:
    """As engine/search.py admits a state: constraints, then invariants, then reachables."""
    try:
        within = all(holds(state) for _, holds in compiled.predicates("constraint"))
        for prop, holds in compiled.predicates(*SAFETY_KINDS):
            if not holds(state):
                return prop.name, "invariant", None
        if within:
            for _, holds in compiled.predicates("reachable"):
                holds(state)
    except SpecFault as fault:
        return _faulting(compiled.properties, state), "fault", fault
    return None


def _bad_transition(compiled: CompiledModel, before: State, after: State) -> Found | None:
    """As engine/search.py checks a step that changes the state: each action property."""
    if before == after:
        return None
    for prop, holds in compiled.predicates(STEP_KIND):
        try:
            if not holds(before + after):
                return prop.name, "step", None
        except SpecFault as fault:
            return prop.name, "fault", fault
    return None


def _bad_step(compiled: CompiledModel, state: State, deadlock: bool) -> Found | None:
    """As engine/search.py expands a state: its successors fault, or it is a dead end."""
    hits = list(compiled.action_hits)
    try:
        successors = compiled.next_states(state)
    except SpecFault as fault:
        return action_at(compiled.model, fault.span) or "next", "fault", fault
    finally:
        compiled.action_hits[:] = hits
    if successors or not deadlock:
        return None
    terminals = compiled.predicates("terminal")
    try:
        if any(holds(state) for _, holds in terminals):
            return None
    except SpecFault as fault:
        return _faulting(terminals, state), "fault", fault
    return "deadlock", "deadlock", None


def _faulting(properties: Sequence[tuple[Property, Predicate]], state: State) -> str:
    """The first property whose predicate faults on the state (the engine's naming)."""
    for prop, holds in properties:
        try:
            holds(state)
        except SpecFault:
            return prop.name
    return "property"
