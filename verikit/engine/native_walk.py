"""The native library as the walks' model (engine/simulate.py's `Space`): several times the
steps per second of the compiled Python model.

A native state is the tuple of its packed 64-bit words. The library lists a state's successors
in compile's `next_states` order with each one's action, and evaluates `Model.properties[i]`
on a state, so a walk makes exactly the choices it makes on the Python model: the same seed
gives the same runs on either, and a path of successor ordinals replays on the Python model
unchanged. The library cannot word a runtime fault (nor hold every value the Python model
can): it reports a code, and `SpaceGaveUp` sends the whole simulation back to Python, which
repeats the same runs and words the fault exactly.

The library's single-state calls (search.c: vk_api_init, vk_api_successors, vk_api_prop) are
called through ctypes with buffers allocated once, which is most of the speed.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from verikit.compile.compiled import CompiledModel
from verikit.engine.simulate import Space, SpaceGaveUp

VK_OK, TOO_SMALL = 0, -1
Words = tuple[int, ...]


class NativeWalks:
    """Single-state calls into one model library."""

    def __init__(self, path: Path, actions: int) -> None:
        lib = ctypes.CDLL(str(path))
        u64p, i32p, intp = (ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_int32),
                            ctypes.POINTER(ctypes.c_int))  # fmt: skip
        lib.vk_api_init.argtypes = [u64p, i32p, ctypes.c_int, intp]
        lib.vk_api_successors.argtypes = [u64p, u64p, i32p, ctypes.c_int, intp]
        lib.vk_api_prop.argtypes = [ctypes.c_int, u64p, intp]
        self.lib = lib
        self.words = int(lib.vk_api_state_words())
        self.actions = actions
        self.current = (ctypes.c_uint64 * self.words)()
        self.holds = ctypes.c_int(0)
        self.count = ctypes.c_int(0)
        self.loaded: Words | None = None
        self._buffers(256)

    def _buffers(self, cap: int) -> None:
        self.cap = cap
        self.buf = (ctypes.c_uint64 * (cap * self.words))()
        self.acts = (ctypes.c_int32 * cap)()

    def init_states(self) -> list[Words]:
        states = self._collect(lambda: self.lib.vk_api_init(
            self.buf, self.acts, self.cap, ctypes.byref(self.count)))[0]  # fmt: skip
        return [states[i] for i in range(len(states))]

    def expand(self, state: Words) -> tuple[Sequence[Words], list[int]]:
        self._load(state)
        return self._collect(lambda: self.lib.vk_api_successors(
            self.current, self.buf, self.acts, self.cap, ctypes.byref(self.count)))  # fmt: skip

    def _load(self, state: Words) -> None:
        """Copy `state` into the argument buffer, unless it is there already."""
        if state is not self.loaded:
            self.current[:] = list(state)
            self.loaded = state

    def _collect(self, call: Callable[[], int]) -> tuple[Sequence[Words], list[int]]:
        code = call()
        while code == TOO_SMALL:
            self._buffers(max(self.count.value, 2 * self.cap))
            code = call()
        if code != VK_OK:
            raise SpaceGaveUp(f"the native library reported code {code}")
        n, w = self.count.value, self.words
        counts = [0] * self.actions
        for a in self.acts[:n]:
            if a >= 0:
                counts[a] += 1
        return _Flat(self.buf[: n * w], w, n), counts

    def predicate(self, index: int) -> Callable[[Words], bool]:
        lib, current, holds, load = self.lib, self.current, self.holds, self._load
        byref = ctypes.byref(holds)

        def holds_in(state: Words) -> bool:
            load(state)
            if lib.vk_api_prop(index, current, byref) != VK_OK:
                raise SpaceGaveUp("the native library faulted evaluating a property")
            return bool(holds.value)

        return holds_in


class _Flat(Sequence[Words]):
    """Successors as one flat list of words; a walk takes one, so only that one becomes a
    tuple."""

    __slots__ = ("flat", "width", "size")

    def __init__(self, flat: list[int], width: int, count: int) -> None:
        self.flat = flat
        self.width = width
        self.size = count

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: Any) -> Any:
        w = self.width
        return tuple(self.flat[i * w : (i + 1) * w])


def native_space(compiled: CompiledModel) -> Space | str:
    """The model's native library as a Space, or why there is none (a sentence)."""
    from verikit.native import codegen
    from verikit.native.build import NativeUnavailable, build, find_compiler

    model = compiled.model
    if model.liveness:
        return "liveness lassos are judged on the Python model"
    try:
        find_compiler()
        built = build(codegen.generate(replace(model, symmetric=())))  # states as reached
    except (NativeUnavailable, codegen.NativeRefusal) as why:
        return str(why)
    except Exception as why:  # the native back end is an accelerator: any refusal falls back
        return f"the native back end cannot take this spec ({type(why).__name__}: {why})"
    walks = NativeWalks(built.path, len(model.actions))
    return Space(
        "native",
        "a C compiler was found and the spec is supported",
        walks.init_states,
        walks.expand,
        walks.predicate,
        _identity,
    )


def _identity(state: Any) -> Any:
    return state
