"""The native engine against the compiled Python model: on every bundled and corpus spec and
on random models, the same initial states, the same successors (action and state) in the
same order, faults in the same states and the same property verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle.strategies import models, states
from verikit.api import load, load_source
from verikit.core.model import Model
from verikit.errors import SourceFile
from verikit.native.codegen import generate
from verikit.native.layout import NativeRefusal, Unrepresentable

from .agreement import agree, needs_compiler

pytestmark = needs_compiler

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(
    [*ROOT.glob("specs/*.dsl"), *ROOT.glob("specs/reference/*.dsl"),
     *ROOT.glob("tests/corpus/holds/*.dsl"), *ROOT.glob("tests/corpus/violated/*.dsl")]
)  # fmt: skip
LIMIT = 1000

# What native refuses among them, and why (anything else must run natively).
REFUSED = {
    "constraint_bounds_search.dsl": "an unbounded int",
    "log_append_only.dsl": "the action property `Grows`",  # `always step:` runs on python
    "term_decreases.dsl": "the action property `TermNeverDecreases`",
}


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIKIT_CACHE", str(tmp_path_factory.getbasetemp() / "native-cache"))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_a_spec_explores_the_same_under_both_engines(path: Path) -> None:
    model = load(path).model
    if path.name in REFUSED:
        with pytest.raises(NativeRefusal, match=REFUSED[path.name]):
            agree(model, LIMIT)
        return
    try:
        count = agree(model, LIMIT)
    except NativeRefusal as refusal:
        # FIFO queues without a bound (or a bag over a large domain) have no fixed width
        unbounded = model.network is not None and model.network.max_in_flight is None
        assert unbounded and refusal.construct == "a network without max_in_flight"
        return
    assert count > 0


def test_two_phase_agrees_on_its_whole_state_space() -> None:
    model = load(ROOT / "specs/reference/tla_two_phase.dsl", {"RMs": 4}).model
    assert agree(model, 10**6) == 1568  # TLC's count for RMs=4


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)  # fmt: skip
@given(st.data())
def test_random_models_agree(data: st.DataObject) -> None:
    model: Model = data.draw(models())
    extra = tuple(data.draw(states(model)) for _ in range(3))
    try:
        agree(model, 300, extra, strict=False)
    except NativeRefusal:
        pass  # counted by test_most_random_models_run_natively
    except Unrepresentable:
        pass  # an extra state the packed layout cannot hold


def test_most_random_models_run_natively() -> None:
    refused, total = [], 0

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)  # fmt: skip
    @given(models())
    def count(model: Model) -> None:
        nonlocal total
        total += 1
        try:
            generate(model)
        except NativeRefusal as refusal:
            refused.append(refusal.construct)

    count()
    assert len(refused) <= total // 10, refused  # today: none of them


FIFO = ["two_phase_commit.dsl", "two_phase_commit_crash.dsl", "raft_election.dsl"]


@pytest.mark.parametrize("name", FIFO)
def test_a_fifo_network_explores_the_same_under_both_engines(name: str) -> None:
    """No bundled spec keeps per-channel FIFO order under max_in_flight: these do."""
    text = (ROOT / "specs" / name).read_text().replace("reorder: true", "reorder: false")
    assert "reorder: false" in text
    model = load_source(SourceFile(name, text)).model
    assert model.network is not None and not model.network.reorder
    assert agree(model, LIMIT) > 100
