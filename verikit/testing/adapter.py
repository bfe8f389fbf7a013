"""The adapter contract: how a spec's actions and variables meet an implementation's code.

An adapter is a class whose instances each drive one fresh copy of the implementation:

    class CounterAdapter:
        def __init__(self) -> None: ...                 # a fresh implementation
        def increment(self, node: int) -> None: ...     # one method per spec action
        def on_Gossip(self, node: int, envelope: Record) -> None: ...
        def drop(self, envelope: Record) -> None: ...   # network faults are actions too
        def observe(self) -> dict[str, object]: ...     # spec variable name -> value

The method of an action is its name after the last dot, spaces as underscores
(`Replica.on Gossip` -> `on_Gossip`, `network.drop` -> `drop`); when two actions would share a
method, both use the full name (`Client_acquire`). Parameters are passed by keyword under
their spec names, except a node's own id, `self` in the spec, which is `node`. `observe`
returns the spec variables the implementation can show (`Replica.p`, `now`, ...), in the
values of verikit.testing.values; the variables it leaves out (the network, history kept only
for properties) are the spec's to track.
"""

from __future__ import annotations

import inspect
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import State
from verikit.core.model import Action, Model
from verikit.testing.values import from_python, to_python
from verikit.trace.display import envelope, show

OBSERVE = "observe"


class AdapterError(Exception):
    """The adapter does not fit the spec: what is missing or wrong, by name."""


@dataclass(frozen=True)
class Binding:
    """Which adapter method drives each action, and under which keyword names."""

    methods: tuple[str, ...]  # per model action
    keywords: tuple[tuple[str, ...], ...]  # per model action: its parameters' keyword names


def bind(model: Model, adapter: type) -> Binding:
    """Check `adapter` has a fitting method for every action and `observe`; AdapterError
    listing everything that does not fit."""
    methods = method_names(model)
    keywords = tuple(tuple(keyword_of(p.name) for p in a.params) for a in model.actions)
    problems = []
    if not callable(getattr(adapter, OBSERVE, None)):
        problems.append(f"no method {OBSERVE}(self) returning the spec variables it shows")
    for action, method, names in zip(model.actions, methods, keywords, strict=True):
        problems += _method_problems(adapter, action, method, names)
    if problems:
        name = getattr(adapter, "__name__", repr(adapter))
        raise AdapterError(f"adapter {name} does not fit spec {model.name}:\n  "
                           + "\n  ".join(problems))  # fmt: skip
    return Binding(methods, keywords)


def method_names(model: Model) -> tuple[str, ...]:
    short = [_identifier(a.name.rsplit(".", 1)[-1]) for a in model.actions]
    return tuple(
        _identifier(a.name) if short.count(name) > 1 else name
        for a, name in zip(model.actions, short, strict=True)
    )


def keyword_of(param: str) -> str:
    return "node" if param == "self" else param


def _identifier(name: str) -> str:
    text = re.sub(r"\W", "_", name)
    return text + "_" if keyword.iskeyword(text) else text


def _method_problems(
    adapter: type, action: Action, method: str, names: tuple[str, ...]
) -> list[str]:
    call = f"{method}(self{''.join(', ' + n for n in names)})"
    function = getattr(adapter, method, None)
    if not callable(function):
        return [f"no method {call} for action {action.name}"]
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []  # a builtin or C callable: its call will tell
    try:
        signature.bind(None, **{n: None for n in names})
    except TypeError as error:
        return [f"{method} for action {action.name} must be {call}: {error}"]
    return []


def call_action(
    binding: Binding, instance: Any, model: Model, index: int, params: tuple[Any, ...]
) -> None:
    """Drive the implementation through action `index` with `params` (runtime values)."""
    action = model.actions[index]
    arguments = {
        name: to_python(p.type, value)
        for name, p, value in zip(binding.keywords[index], action.params, params, strict=True)
    }
    method: Callable[..., Any] = getattr(instance, binding.methods[index])
    method(**arguments)


def call_description(binding: Binding, model: Model, index: int, params: tuple[Any, ...]) -> str:
    """The adapter call as it was made; a network entry as the spec shows it (`<Gossip {...}
    Replica[1] → Replica[2]>`), since its full Record would fill the screen."""
    action = model.actions[index]
    shown = ", ".join(
        f"{name}=<{envelope(p.type, value) or show(p.type, value)}>"
        if p.name == action.message_param
        else f"{name}={to_python(p.type, value)!r}"
        for name, p, value in zip(binding.keywords[index], action.params, params, strict=True)
    )
    return f"{binding.methods[index]}({shown})"


def observe(instance: Any, model: Model) -> dict[int, Any]:
    """The implementation's observable state: slot index -> runtime value."""
    seen = getattr(instance, OBSERVE)()
    if not isinstance(seen, dict) or not seen:
        raise AdapterError(f"{OBSERVE}() must return a non-empty dict from spec variable "
                           f"name to value, got {seen!r}")  # fmt: skip
    slots = {var.name: i for i, var in enumerate(model.vars)}
    out: dict[int, Any] = {}
    for name, value in seen.items():
        if name not in slots:
            known = ", ".join(slots)
            raise AdapterError(f"{OBSERVE}() returned {name!r}, which is not a variable of "
                               f"spec {model.name} (its variables: {known})")  # fmt: skip
        try:
            out[slots[name]] = from_python(model.vars[slots[name]].type, value, name)
        except ValueError as error:
            raise AdapterError(f"{OBSERVE}() returned a wrong value: {error}") from None
    return out


def differing(observed: dict[int, Any], state: State) -> list[int]:
    """The observed slots whose values differ from `state`'s."""
    return [slot for slot, value in observed.items() if state[slot] != value]
