"""The store: paths rebuilt from parent/ordinal arrays, and memory per stored state."""

from __future__ import annotations

import tracemalloc

from tests.engine.fakes import FakeAction, fake
from verikit.compile.compiled import CompiledModel, State
from verikit.core.types import IntType
from verikit.engine import check
from verikit.engine.store import ROOT, Store


def test_a_path_is_the_init_ordinal_then_the_successor_ordinals() -> None:
    store = Store()
    a = store.add("a", ROOT, 2)
    b = store.add("b", a, 0)
    c = store.add("c", b, 5)
    assert store.path(c) == (2, 0, 5)
    assert store.path_via(c, 1) == (2, 0, 5, 1)
    assert store.path_via(ROOT, 3) == (3,)
    assert len(store) == 3 and "b" in store.seen


def digits(width: int, base: int) -> CompiledModel:
    """`width` digits in 0..base-1, each step increments one digit: base**width states in
    BFS levels as wide as a real protocol's (thousands of states at once)."""

    def bump(s: State) -> list[tuple[tuple[int, ...], State]]:
        return [((i,), s[:i] + (d + 1,) + s[i + 1 :]) for i, d in enumerate(s) if d < base - 1]

    vars_ = [(f"d{i}", IntType(0, base - 1)) for i in range(width)]
    return fake(vars_, [(0,) * width], [FakeAction("bump", bump)], deadlock=False, fingerprint=hash)


def test_memory_per_stored_state_stays_under_200_bytes() -> None:
    model = digits(5, 10)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = check(model)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert result.stats.distinct_states == 100_000
    assert result.stats.peak_queue > 5_000  # the frontier is part of what is measured
    assert peak / result.stats.distinct_states < 200
