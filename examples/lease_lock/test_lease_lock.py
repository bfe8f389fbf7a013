"""Conformance of lease_lock.py to specs/lease_fencing.dsl: run `pytest examples/lease_lock`.

The correct system passes. Two seeded bugs of the storage are caught, shrunk, saved as ITF and
drawn: storage without fencing at all, caught at its first write, where it fails to remember
the token the spec's storage fences later writes with; and storage that keeps the tokens but
skips the check, caught only when a stale write lands, which takes 14 steps at the least (the
shortest counterexample of specs/lease_no_fencing.dsl, found by BFS).
"""

import shutil
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from lease_adapter import LeaseAdapter, UncheckedLeaseAdapter, UnfencedLeaseAdapter

from verikit.api import render_file
from verikit.testing import ConformanceFailure, conformance_test

SPEC = Path(__file__).parents[2] / "specs" / "lease_fencing.dsl"

test_lease_lock_refines_spec = settings(max_examples=200, deadline=None)(
    conformance_test(SPEC, LeaseAdapter)
)


# Derandomized: the same runs every time, so a test never depends on luck. Without hypothesis's
# explain phase, which traces every line verikit runs and adds ~10 s to a failure.
SEEDED = settings(max_examples=1000, deadline=None, database=None, derandomize=True,
                  phases=[phase for phase in Phase if phase != Phase.explain])  # fmt: skip


def caught(tmp_path, adapter, max_steps):
    """The seeded bug's failure, with its saved run drawn as a chart (as `verikit render`)."""
    saved = tmp_path / "mismatch.itf.json"
    test = SEEDED(conformance_test(SPEC, adapter, max_steps=max_steps, trace_out=saved))
    with pytest.raises(ConformanceFailure) as failure:
        test()
    chart = tmp_path / ("mismatch.svg" if shutil.which("dot") else "mismatch.dot")
    drawn = render_file(SPEC, saved, chart)
    assert drawn.ok, drawn.message
    assert ("<svg" if chart.suffix == ".svg" else "digraph") in chart.read_text()
    return failure.value.mismatch


def test_the_unfenced_storage_is_caught(tmp_path):
    """Storage that neither remembers nor checks tokens: caught at its first write."""
    mismatch = caught(tmp_path, UnfencedLeaseAdapter, max_steps=10)
    assert mismatch.step <= 10
    assert mismatch.call.startswith("on_Write(node=3,")
    assert [d.var for d in mismatch.differences] == ["Storage.fence"]


def test_the_storage_that_skips_the_token_check_is_caught_at_the_stale_write(tmp_path):
    """Storage that keeps the highest token but never compares: the stale holder's write
    lands. Shrunk to the shortest run that shows it, 14 steps: the first holder checks its
    lease, time runs past it, the second holder is granted and writes, then the first writes."""
    mismatch = caught(tmp_path, UncheckedLeaseAdapter, max_steps=20)
    assert mismatch.step == 14
    assert mismatch.call == "on_Write(node=3, envelope=<Write { token: 1 } Client[1] → Storage>)"
    assert [(d.var, d.expected, d.observed) for d in mismatch.differences] == [
        ("Storage.data", "2", "1")
    ]
