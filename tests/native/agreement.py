"""Shared by the native code generator's tests: build a model's C, and check it against the
compiled Python model state by state (initial states, labelled successors in order, faults,
property and trigger verdicts)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import pytest

from verikit.compile import build as build_python
from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model
from verikit.errors import SpecFault
from verikit.native.build import NativeUnavailable, build, find_compiler
from verikit.native.codegen import NativeSource, generate
from verikit.native.library import NativeFault, NativeLibrary


def _has_compiler() -> bool:
    try:
        find_compiler()
    except NativeUnavailable:
        return False
    return True


needs_compiler = pytest.mark.skipif(
    not _has_compiler(), reason="no C compiler (cc, gcc or clang, or $CC) on this machine"
)

State = tuple[Any, ...]
VK_FAULT, VK_UNREPRESENTABLE = 1, 2


def native(model: Model) -> tuple[NativeSource, NativeLibrary]:
    source = generate(model)
    return source, build(source).library


def _python(thunk: Callable[[], Any]) -> Any:
    try:
        return thunk()
    except SpecFault:
        return "fault"


def _native(thunk: Callable[[], Any]) -> Any:
    try:
        return thunk()
    except NativeFault as fault:
        return {VK_FAULT: "fault", VK_UNREPRESENTABLE: "unrepresentable"}.get(fault.code, fault)


class Unrepresented(Exception):
    """Native could not hold a value on the way (the driver would fall back to Python)."""


def agree_on_state(
    compiled: CompiledModel,
    source: NativeSource,
    lib: NativeLibrary,
    state: State,
    strict: bool = True,
) -> list[State]:
    """Both engines agree on `state` (successors with their actions, in order, or a fault;
    every property and trigger); returns its successors. A value native cannot hold raises
    Unrepresented when `strict`, else it is accepted (the driver falls back to Python, which
    is always correct) and the state counts as agreeing."""
    layout = source.layout
    words = layout.pack(state)
    assert layout.unpack(words) == state
    expected = _python(lambda: [(s.action, s.state) for s in compiled.labelled_successors(state)])
    got = _native(lambda: [(a, layout.unpack(w)) for a, w in lib.successors(words)])
    if got == "unrepresentable":
        if strict:
            raise Unrepresented(f"successors of {state}")
        return []
    assert got == expected, f"successors of {state}"
    for i, (prop, predicate) in enumerate(compiled.properties):
        want = _python(lambda p=predicate: bool(p(state)))  # type: ignore[misc]
        have = _native(lambda i=i: lib.prop(i, words))  # type: ignore[misc]
        if have == "unrepresentable" and strict:
            raise Unrepresented(f"{prop.kind} {prop.name} in {state}")
        if have != "unrepresentable":
            assert have == want, f"{prop.kind} {prop.name} in {state}"
        if prop.trigger is not None:
            trigger = compiled.triggers[prop.name]
            want = _python(lambda t=trigger: bool(t(state)))  # type: ignore[misc]
            have = _native(lambda i=i: lib.trigger(i, words))  # type: ignore[misc]
            if have == "unrepresentable" and strict:
                raise Unrepresented(f"trigger of {prop.name} in {state}")
            if have != "unrepresentable":
                assert have == want, f"trigger of {prop.name} in {state}"
    return [] if expected == "fault" else [t for _, t in expected]


def agree(model: Model, limit: int, extra: tuple[State, ...] = (), strict: bool = True) -> int:
    """BFS from the initial states (and `extra` states) over up to `limit` states, checking
    that both engines agree on each; returns how many states were compared."""
    compiled = build_python(model)
    source, lib = native(model)
    layout = source.layout
    init = _python(compiled.init_states)
    got = _native(lambda: [layout.unpack(w) for _, w in lib.init_states()])
    if got == "unrepresentable":
        if strict:
            raise Unrepresented("initial states")
        return 0
    assert got == init, "initial states"
    if init == "fault":
        init = []
    seen = set(init)
    todo = deque([*init, *extra])
    count = 0
    while todo and count < limit:
        state = todo.popleft()
        count += 1
        for t in agree_on_state(compiled, source, lib, state, strict):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return count
