"""Is the log of a real run a behaviour of the spec? (`verikit conform spec.dsl run.jsonl`)

A log is JSON Lines, one object per line, each an event, an observation, or both:

    {"state": {"now": 0}}                                       first line: the initial state as
                                                                 far as seen; later: a step by
                                                                 some action, then what was seen
    {"action": "increment", "params": {"node": 0}}              an action (its full name,
                                                                 `Replica.increment`, or its
                                                                 adapter method name)
    {"action": "on_Gossip", "params": {"node": 1}, "state": {"Replica.p": {"0": [1, 0], ...}}}

Parameters and variables are partial: what a line leaves out may be anything. Values are as an
adapter gives them (verikit.testing.values; JSON's string keys of an int or node map are
read as numbers). An ITF document (a JSON object with "states") is read as one observation
per state: the initial state, then one step each. The check is a search: the set of spec states the run can be in, moved by each
line through up to `hidden` unlogged steps and then the logged action (if any), kept where the
logged variables agree. The first line that leaves no state is where the run leaves the spec;
the report shows the closest spec state and the variables that differ.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from verikit.api import UsageError
from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core.model import Model
from verikit.errors import SpecFault
from verikit.testing.adapter import differing, keyword_of, method_names
from verikit.testing.harness import differences_of
from verikit.testing.values import from_python
from verikit.trace import itf

DEFAULT_MAX_STATES = 100_000
Status = Literal["conforms", "violated", "incomplete"]


@dataclass(frozen=True)
class Event:
    """One line of a log: an action with (some of) its parameters, and/or observed variables."""

    line: int
    text: str  # as a reader would say it: "increment(node=0)", "state"
    action: int | None = None  # index into model.actions
    params: tuple[tuple[int, Any], ...] = ()  # (parameter position, runtime value)
    state: tuple[tuple[int, Any], ...] = ()  # (slot, runtime value)
    in_itf: bool = False  # `line` is then the index of a state of an ITF trace

    def place(self, source: str) -> str:
        return f"{source}, state {self.line}" if self.in_itf else f"{source}:{self.line}"


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str
    line: int | None = None  # the log line that fits no behaviour


# ---------------------------------------------------------------- reading a log


def read_log(path: str | Path, model: Model) -> list[Event]:
    """The events of a JSON Lines log or an ITF trace; UsageError naming file:line:col."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None
    states = _itf(text)
    if states is not None:
        return [_itf_event(model, path, i, s) for i, s in enumerate(states)]
    events = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}:{number}:{error.colno}: not a JSON object: {error.msg}"
                             f"\n  {line}\n  {' ' * (error.colno - 1)}^") from None  # fmt: skip
        except RecursionError:
            raise UsageError(f"{path}:{number}:1: JSON nested too deeply") from None
        events.append(_event(model, path, number, entry, line))
    if not events:
        raise UsageError(f"{path}: the log has no events")
    return events


def log_consts(path: str | Path) -> dict[str, int | bool]:
    """The constants an ITF trace was made with (its #meta), so the spec loads as it did;
    none for a JSON Lines log or a file that cannot be read (read_log says why)."""
    try:
        states = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if _itf(states) is None:
        return {}
    try:
        return itf.consts_of(json.loads(states))
    except itf.ItfError as error:
        raise UsageError(f"{path}: {error}") from None


def _itf(text: str) -> list[dict[str, Any]] | None:
    """The states of an ITF document, or None when the text is not one."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("states"), list):
        return None
    return list(document["states"])


def _itf_event(model: Model, path: str | Path, index: int, entry: Any) -> Event:
    """State `index` of an ITF trace, as an observation (its values in ITF's encoding)."""
    if not isinstance(entry, dict):
        raise UsageError(f"{path}: state {index} is not a JSON object")
    slots = {var.name: i for i, var in enumerate(model.vars)}
    observed = []
    for name, value in entry.items():
        if name == "#meta":
            continue
        if name not in slots:
            raise UsageError(f"{path}: state {index}: spec {model.name} has no variable {name}")
        try:
            observed.append((slots[name], itf.decode(model.vars[slots[name]].type, value)))
        except (itf.ItfError, KeyError, TypeError, ValueError, IndexError) as error:
            raise UsageError(f"{path}: state {index}, variable {name}: {error}") from None
    return Event(index, f"state {index}", state=tuple(observed), in_itf=True)


def _event(model: Model, path: str | Path, number: int, entry: Any, line: str) -> Event:
    def bad(message: str, near: str = "") -> UsageError:
        column = max(line.find(near), 0) + 1 if near else 1
        return UsageError(f"{path}:{number}:{column}: {message}\n  {line}\n  {' ' * (column - 1)}^")

    if not isinstance(entry, dict):
        raise bad('expected a JSON object with "action" and/or "state"')
    unknown = sorted(set(entry) - {"action", "params", "state"})
    if unknown:
        raise bad(f'unknown key "{unknown[0]}": a line has "action", "params" and "state"',
                  f'"{unknown[0]}"')  # fmt: skip
    if "action" not in entry and "state" not in entry:
        raise bad('expected "action" and/or "state"')
    action: int | None = None
    params: tuple[tuple[int, Any], ...] = ()
    text = "state"
    if "action" in entry:
        action = _action(model, entry["action"])
        if action is None:
            names = ", ".join(a.name for a in model.actions)
            raise bad(f"unknown action {json.dumps(entry['action'])}: spec {model.name} has "
                      f"{names}", '"action"')  # fmt: skip
        try:
            params = _params(model, action, entry.get("params", {}))
        except ValueError as error:
            raise bad(str(error), '"params"') from None
        text = _shown(model, action, entry.get("params", {}))
    elif "params" in entry:
        raise bad('"params" without an "action"', '"params"')
    try:
        state = _state(model, entry.get("state", {}))
    except ValueError as error:
        raise bad(str(error), '"state"') from None
    return Event(number, text, action, params, state)


def _action(model: Model, name: Any) -> int | None:
    methods = method_names(model)
    for index, action in enumerate(model.actions):
        if name in (action.name, methods[index]):
            return index
    return None


def _params(model: Model, action: int, given: Any) -> tuple[tuple[int, Any], ...]:
    if not isinstance(given, dict):
        raise ValueError('"params" must be an object from parameter name to value')
    declared = model.actions[action].params
    names = {keyword_of(p.name): i for i, p in enumerate(declared)} | {
        p.name: i for i, p in enumerate(declared)
    }
    out = []
    for name, value in given.items():
        if name not in names:
            known = ", ".join(keyword_of(p.name) for p in declared) or "none"
            raise ValueError(f"{model.actions[action].name} has no parameter {name} "
                             f"(its parameters: {known})")  # fmt: skip
        position = names[name]
        out.append((position, from_python(declared[position].type, value, name)))
    return tuple(out)


def _state(model: Model, given: Any) -> tuple[tuple[int, Any], ...]:
    if not isinstance(given, dict):
        raise ValueError('"state" must be an object from spec variable name to value')
    slots = {var.name: i for i, var in enumerate(model.vars)}
    out = []
    for name, value in given.items():
        if name not in slots:
            raise ValueError(f"spec {model.name} has no variable {name} (its variables: "
                             f"{', '.join(slots)})")  # fmt: skip
        out.append((slots[name], from_python(model.vars[slots[name]].type, value, name)))
    return tuple(out)


def _shown(model: Model, action: int, given: dict[str, Any]) -> str:
    inner = ", ".join(f"{k}={json.dumps(v)}" for k, v in given.items())
    return f"{model.actions[action].name}({inner})"


# ---------------------------------------------------------------- the search


class _Limit(Exception):
    pass


def conform(
    compiled: CompiledModel,
    events: list[Event],
    source: str,
    hidden: int = 0,
    max_states: int = DEFAULT_MAX_STATES,
) -> Verdict:
    """Follow the log through the spec (see the module docstring)."""
    model = compiled.model
    budget = _Budget(max_states)
    try:
        inits = compiled.init_states()
        first, rest = events[0], events
        if first.action is None:  # the first line observes the initial state
            current = _fitting(compiled.fingerprint, inits, first, budget)
            if not current:
                return _violated(model, source, first, inits, len(inits), "initial")
            rest = events[1:]
        else:
            current = {compiled.fingerprint(s): s for s in inits}
        for event in rest:
            before = _closure(compiled, current, hidden, budget)
            options = _options(compiled, before, event)
            after = _fitting(compiled.fingerprint, options, event, budget)
            if not after:
                return _violated(model, source, event, options, len(before), "")
            current = after
    except _Limit:
        return Verdict("incomplete", f"{source}: INCOMPLETE: more than {max_states} spec states "
                       "considered (--max-states); raise it or lower --hidden")  # fmt: skip
    except SpecFault as fault:
        return Verdict("violated", f"{source}: the spec faults while following the log: {fault}")
    hiding = f", up to {hidden} hidden steps before each" if hidden else ""
    return Verdict("conforms", f"{source}: conforms to {model.name}: {len(events)} lines "
                   f"matched{hiding}; {len(current)} spec states fit its end")  # fmt: skip


@dataclass
class _Budget:
    left: int

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _Limit


def _closure(
    compiled: CompiledModel, states: dict[Hashable, State], hidden: int, budget: _Budget
) -> dict[Hashable, State]:
    """The states reachable from `states` in at most `hidden` steps."""
    seen = dict(states)
    layer = list(states.values())
    for _ in range(hidden):
        following = []
        for state in layer:
            for succ in compiled.labelled_successors(state):
                key = compiled.fingerprint(succ.state)
                if key not in seen:
                    seen[key] = succ.state
                    following.append(succ.state)
        budget.spend(len(following))
        layer = following
    return seen


def _options(compiled: CompiledModel, states: dict[Hashable, State], event: Event) -> list[State]:
    """The states the event's step can lead to (by any action for an observation alone)."""
    return [succ.state for state in states.values()
            for succ in compiled.labelled_successors(state) if _is(event, succ)]  # fmt: skip


def _is(event: Event, succ: Successor) -> bool:
    if event.action is None:
        return True
    return succ.action == event.action and all(succ.params[i] == v for i, v in event.params)


def _fitting(
    fingerprint: Any, states: Iterable[State], event: Event, budget: _Budget
) -> dict[Hashable, State]:
    observed = dict(event.state)
    out = {fingerprint(s): s for s in states if not differing(observed, s)}
    budget.spend(len(out))
    return out


def _violated(
    model: Model, source: str, event: Event, options: list[State], before: int, what: str
) -> Verdict:
    where = event.place(source)
    if not options:
        text = (f"{where}: {event.text} fits no behaviour of {model.name}: it is enabled in "
                f"none of the {before} spec states the run can be in here")  # fmt: skip
        return Verdict("violated", text, event.line)
    observed = dict(event.state)
    closest = min(options, key=lambda s: len(differing(observed, s)))
    seen = tuple(observed.get(slot, value) for slot, value in enumerate(closest))
    lines = [f"{where}: {event.text if not what else 'the ' + what + ' state'} fits no "
             f"behaviour of {model.name}; the closest of {len(options)} spec states "
             "(spec → log):"]  # fmt: skip
    lines += [f"  {d.var}: {d.expected} → {d.observed}"
              for d in differences_of(model, closest, seen, differing(observed, closest))]  # fmt: skip
    return Verdict("violated", "\n".join(lines), event.line)
