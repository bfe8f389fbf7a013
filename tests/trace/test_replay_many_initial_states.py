"""Replay looks at no more initial states than it needs: a spec may have 10^9 of them
(six variables of 32 values each, chosen freely), and rebuilding or checking a trace must not list them all."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from verikit import api
from verikit.engine.result import Discovery
from verikit.trace import replay, replay_states

VARS = 6
replay_module = importlib.import_module("verikit.trace.replay")  # `replay` is also a function
SPEC = (
    "spec Many\n"
    + "".join(f"var v{i}: 0..31 = any\n" for i in range(VARS))
    + ("action bump when v0 < 31 { v0 = v0 + 1 }\ninvariant Fine: v0 == 0\n")
)


@pytest.fixture
def loaded(tmp_path: Path) -> api.Loaded:
    path = tmp_path / "many.dsl"
    path.write_text(SPEC)
    return api.load(path)


def test_a_path_through_an_early_initial_state_replays_without_listing_the_rest(
    loaded: api.Loaded,
) -> None:
    trace = replay(loaded.compiled, Discovery("Fine", "invariant", (3, 0)))
    assert len(trace.steps) == 2


def test_a_recorded_first_state_is_found_among_the_first_initial_states(
    loaded: api.Loaded,
) -> None:
    outcome = replay_states(loaded.compiled, [(0, 0, 0, 0, 0, 1)])
    assert outcome.ok, outcome.message


def test_a_first_state_past_the_lookup_limit_is_refused_saying_so(
    loaded: api.Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay_module, "INITIAL_LOOKUP_LIMIT", 1_000)
    last = tuple(31 for _ in range(VARS))  # generated last of 2^30
    outcome = replay_states(loaded.compiled, [last])
    assert not outcome.ok
    assert "state 0 is not an initial state among the spec's first 1,000 (it has more)" in (
        outcome.message
    )
