"""conformance_test: a hypothesis test of an implementation against its spec. The example
PN-counter (examples/crdt_counter) passes; its seeded bug (merge by sum) is found, shrunk to a
short run of the spec and saved as ITF that `verikit render` draws."""

import json
import re

import pytest
from adapter import CounterAdapter, SummingCounterAdapter  # examples/crdt_counter
from hypothesis import HealthCheck, settings

from tests.testing import tiny
from verikit import api
from verikit.testing import ConformanceFailure, conformance_test

CRDT = "specs/crdt_counter.dsl"
QUIET = settings(database=None, derandomize=True, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


def test_the_correct_counter_passes_200_examples(tmp_path):
    test = settings(QUIET, max_examples=200)(
        conformance_test(CRDT, CounterAdapter, trace_out=tmp_path / "t.json")
    )
    test()
    assert not (tmp_path / "t.json").exists()


def test_the_summing_counter_is_caught_with_a_short_run_drawn_as_a_chart(tmp_path):
    out = tmp_path / "mismatch.itf.json"
    test = settings(QUIET, max_examples=200)(
        conformance_test(CRDT, SummingCounterAdapter, trace_out=out)
    )
    with pytest.raises(ConformanceFailure) as failure:
        test()
    mismatch = failure.value.mismatch
    assert 1 <= mismatch.step <= 10
    assert mismatch.call.startswith("on_Gossip(node=")
    assert re.search(r" Replica\[\d\] → Replica\[\d\]>\)$", mismatch.call)  # as the spec shows it
    assert {d.var for d in mismatch.differences} & {"Replica[1].p", "Replica[2].p",
                                                    "Replica[1].n", "Replica[2].n"}  # fmt: skip
    text = str(failure.value)
    assert f"step {mismatch.step}: after on_Gossip" in text
    assert "the variables that differ (spec expected → implementation has):" in text
    assert str(out) in text

    document = json.loads(out.read_text())
    assert len(document["states"]) == mismatch.step + 1
    meta = document["#meta"]["verikit"]
    assert "property" not in meta and meta["mismatch"]["step"] == mismatch.step
    assert meta["mismatch"]["differences"][0]["expected"] == mismatch.differences[0].expected
    assert api.replay_file(CRDT, out).ok
    drawn = api.render_file(CRDT, out, tmp_path / "mismatch.svg")
    assert (tmp_path / "mismatch.svg").read_text().lstrip().startswith("<")
    assert drawn is not None


def test_the_users_settings_rule_the_run(tmp_path):
    calls = []

    class Counting(tiny.Counter):
        def __init__(self) -> None:
            super().__init__()
            calls.append(1)

    test = settings(QUIET, max_examples=7)(conformance_test(tiny.write_spec(tmp_path), Counting))
    test()
    assert len(calls) == 7


def test_a_tiny_bug_is_shrunk_to_the_shortest_run(tmp_path):
    test = settings(QUIET, max_examples=300)(
        conformance_test(
            tiny.write_spec(tmp_path), tiny.ResetsToZero, trace_out=tmp_path / "t.json"
        )  # fmt: skip
    )
    with pytest.raises(ConformanceFailure) as failure:
        test()
    mismatch = failure.value.mismatch
    assert (mismatch.step, mismatch.call) == (4, "reset(to=1)")
    assert "  x: 1 → 0" in str(failure.value)
