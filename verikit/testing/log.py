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
per state: the initial state, then one step each; an ITF trace of another spec is refused.
The check is a search: the set of spec states the run can be in, moved by each line through
up to `hidden` unlogged steps (before the first line too: a log may begin late) and then the
logged action (if any), kept where the logged variables agree. The first line that leaves no
state is where the run leaves the spec; the report shows the closest spec states, fewest
differing variables first, or the steps that were enabled. A runtime fault of the spec on the
way is the spec's error, not the log's (status "fault": exit 2, as `check`).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from verikit.api import UsageError, load, load_for_trace
from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core.model import Model
from verikit.errors import Diagnostic, SourceFile, SpecFault, render
from verikit.report import Loaded
from verikit.semantics import ConstValue
from verikit.testing.adapter import differing, keyword_of, method_names
from verikit.testing.harness import differences_of
from verikit.testing.values import from_python, to_python
from verikit.trace import itf
from verikit.trace.display import envelope, show

DEFAULT_MAX_STATES = 100_000
Status = Literal["conforms", "violated", "incomplete", "fault"]
SHOWN_CLOSEST = 3  # spec states shown where a line fits none, closest first
SHOWN_ENABLED = 8  # enabled steps listed where a logged action is enabled in no state


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
    fault: SpecFault | None = None  # the spec's runtime fault ("fault": a bad spec, exit 2)


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


def load_for_log(
    spec: str | Path, log: str | Path, consts: Mapping[str, ConstValue] | None = None
) -> Loaded:
    """The spec, loaded for this log: for an ITF trace with the constants it was made with.
    An ITF trace of another spec (its #meta names another, or it has variables or actions
    the spec lacks) is refused, naming what does not match: its states are not this spec's."""
    document = _itf_document(log)
    if document is None:
        return load(spec, consts)
    recorded = itf.spec_of(document)
    if recorded is None:
        loaded = load_for_trace(spec, log, consts)
    else:
        loaded = load(spec, consts)  # variable and action names do not depend on constants
        if recorded != loaded.model.name:
            raise UsageError(_other_spec(log, spec, recorded, document, loaded.model))
        loaded = load_for_trace(spec, log, consts)
    if any(_foreign(document, loaded.model)):
        raise UsageError(_other_spec(log, spec, recorded, document, loaded.model))
    return loaded


def _itf_document(log: str | Path) -> dict[str, Any] | None:
    try:
        document = json.loads(Path(log).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None  # read_log says what is wrong with the file
    if not isinstance(document, dict) or not isinstance(document.get("states"), list):
        return None
    return document


def _foreign(document: dict[str, Any], model: Model) -> tuple[list[str], list[str]]:
    """The ITF trace's variables and actions that `model` does not have."""
    names = {var.name for var in model.vars}
    declared = document.get("vars")
    listed = [v for v in declared if isinstance(v, str)] if isinstance(declared, list) else []
    stored = [k for s in document["states"] if isinstance(s, dict) for k in s if k != "#meta"]
    variables = [v for v in dict.fromkeys([*listed, *stored]) if v not in names]
    known = {action.name for action in model.actions} | {"init"}
    taken = [_meta_action(s) for s in document["states"]]
    actions = [a for a in dict.fromkeys(taken) if a is not None and a not in known]
    return variables, actions


def _meta_action(state: Any) -> str | None:
    meta = state.get("#meta") if isinstance(state, dict) else None
    action = meta.get("action") if isinstance(meta, dict) else None
    return action if isinstance(action, str) else None


def _other_spec(
    log: str | Path, spec: str | Path, recorded: str | None, document: dict[str, Any], model: Model
) -> str:
    variables, actions = _foreign(document, model)
    other = recorded is not None and recorded != model.name
    made = f"a trace of spec {recorded}, not" if other else "not a trace"
    lines = [f"{log} is {made} of {model.name} ({spec}): its states are not {model.name}'s"]
    if variables:
        lines.append(f"  variables {model.name} does not have: {', '.join(variables)}"
                     f" (its variables: {', '.join(v.name for v in model.vars)})")  # fmt: skip
    if actions:
        lines.append(f"  actions {model.name} does not have: {', '.join(actions)}"
                     f" (its actions: {', '.join(a.name for a in model.actions)})")  # fmt: skip
    if not variables and not actions:
        lines.append(f"  (its variables and actions have {model.name}'s names, but it was made "
                     f"from {recorded}: check it against that spec)")  # fmt: skip
    return "\n".join(lines)


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
    followed = [events[0]]  # the line being followed, for a fault's report
    try:
        outcome = _follow(compiled, events, source, _Budget(max_states), hidden, followed)
    except _Limit:
        return Verdict("incomplete", f"{source}: INCOMPLETE: more than {max_states} spec states "
                       "considered (--max-states); raise it or lower --hidden")  # fmt: skip
    except SpecFault as fault:
        # the spec itself is wrong (a value out of range, a missing key), not the log: bad spec
        line = followed[-1]
        return Verdict("fault", _fault_text(source, line, fault), line.line, fault)
    if isinstance(outcome, Verdict):
        return outcome
    hiding = f", up to {hidden} hidden steps before each" if hidden else ""
    return Verdict("conforms", f"{source}: conforms to {compiled.model.name}: {len(events)} "
                   f"lines matched{hiding}; {len(outcome)} spec states fit its end")  # fmt: skip


def _follow(
    compiled: CompiledModel,
    events: list[Event],
    source: str,
    budget: _Budget,
    hidden: int,
    followed: list[Event],
) -> Verdict | dict[Hashable, State]:
    """The spec states that fit the whole log, or the verdict on the first line that fits none."""
    current = {compiled.fingerprint(s): s for s in compiled.init_states()}
    first, rest = events[0], events
    if first.action is None:  # the first line observes the state the run starts in
        # (after up to `hidden` unlogged steps: the log may begin late)
        start = list(_closure(compiled, current, hidden, budget).values())
        current = _fitting(compiled.fingerprint, start, first, budget)
        if not current:
            what = "initial" if not hidden else "first observed"
            return _violated(compiled, source, first, start, {}, len(start), what)
        rest = events[1:]
    for event in rest:
        followed.append(event)
        before = _closure(compiled, current, hidden, budget)
        options = _options(compiled, before, event)
        after = _fitting(compiled.fingerprint, options, event, budget)
        if not after:
            return _violated(compiled, source, event, options, before, len(before), "")
        current = after
    return current


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
    compiled: CompiledModel,
    source: str,
    event: Event,
    options: list[State],
    before: dict[Hashable, State],
    count: int,
    what: str,
) -> Verdict:
    """The line fits no behaviour: with the spec states closest to it (fewest differing
    variables first) or, when its action is enabled nowhere, the steps that were."""
    model = compiled.model
    where = event.place(source)
    if not options:
        text = (f"{where}: {event.text} fits no behaviour of {model.name}: it is enabled in "
                f"none of the {count} spec states the run can be in here")  # fmt: skip
        return Verdict("violated", "\n".join([text, *_enabled(compiled, before)]), event.line)
    observed = dict(event.state)
    ranked = sorted(_differences(model, observed, options).items(), key=lambda kv: len(kv[0]))
    shown = ranked[:SHOWN_CLOSEST]
    subject = event.text if not what else f"the {what} state"
    lines = [f"{where}: {subject} fits no behaviour of {model.name}; the closest "
             f"{_closest(len(shown), len(options))} (spec expected → log has):"]  # fmt: skip
    for rank, (differences, _) in enumerate(shown, 1):
        noun = "variable differs" if len(differences) == 1 else "variables differ"
        lines.append(f"  {rank}. {len(differences)} {noun}:")
        lines += [f"       {var}: {expected} → {seen}" for var, expected, seen in differences]
    if len(ranked) > len(shown):
        lines.append(f"  (and {len(ranked) - len(shown)} more, differing in as many variables "
                     "or more)")  # fmt: skip
    return Verdict("violated", "\n".join(lines), event.line)


Differences = tuple[tuple[str, str, str], ...]  # (variable, spec expected, log has)


def _differences(
    model: Model, observed: dict[int, Any], options: list[State]
) -> dict[Differences, State]:
    """Each distinct way the options differ from the observation (one state per way)."""
    out: dict[Differences, State] = {}
    for state in options:
        seen = tuple(observed.get(slot, value) for slot, value in enumerate(state))
        found = differences_of(model, state, seen, differing(observed, state))
        out.setdefault(tuple((d.var, d.expected, d.observed) for d in found), state)
    return out


def _closest(shown: int, options: int) -> str:
    if shown == 1:
        return f"spec state of {options}" if options > 1 else "spec state, the only one"
    return f"{shown} of {options} spec states, fewest differences first"


def _enabled(compiled: CompiledModel, before: dict[Hashable, State]) -> list[str]:
    """What was expected instead: the steps enabled in the states the run can be in."""
    steps: dict[str, None] = {}
    for state in before.values():
        for succ in compiled.labelled_successors(state):
            steps.setdefault(_step_text(compiled.model, succ))
    if not steps:
        return ["  expected: nothing (no step is enabled there)"]
    listed = list(steps)[:SHOWN_ENABLED]
    more = f", … ({len(steps) - len(listed)} more)" if len(steps) > len(listed) else ""
    return [f"  expected one of: {', '.join(listed)}{more}"]


def _step_text(model: Model, succ: Successor) -> str:
    """A step as a log line would name it: `Replica.gossip(node=0, to=1)`."""
    action = model.actions[succ.action]
    shown = ", ".join(
        f"{keyword_of(p.name)}=<{envelope(p.type, value) or show(p.type, value)}>"
        if p.name == action.message_param
        else f"{keyword_of(p.name)}={to_python(p.type, value)!r}"
        for p, value in zip(action.params, succ.params, strict=True)
    )
    return f"{action.name}({shown})"


def _fault_text(source: str, line: Event, fault: SpecFault) -> str:
    """The fault as `check` words it, with the spec line and a caret under its span."""
    diagnostic = Diagnostic(fault.span, f"runtime fault: {fault.message}")
    try:
        text = Path(fault.span.file).read_text(encoding="utf-8")
        shown = render(diagnostic, SourceFile(fault.span.file, text))
    except (OSError, UnicodeDecodeError):
        shown = render(diagnostic)
    return (f"{line.place(source)}: the spec faults while following {line.text} (a bad spec, "
            f"not a log that does not fit: `verikit check` finds the fault too):\n{shown}")  # fmt: skip
