"""Conformance of lease_lock.py to specs/lease_fencing.dsl: run `pytest examples/lease_lock`.

The correct system passes; storage that does not check fencing tokens is caught at its first
write, where it fails to remember the token the spec's storage fences later writes with.
"""

from pathlib import Path

import pytest
from hypothesis import settings
from lease_adapter import LeaseAdapter, UnfencedLeaseAdapter

from verikit.testing import ConformanceFailure, conformance_test

SPEC = Path(__file__).parents[2] / "specs" / "lease_fencing.dsl"

test_lease_lock_refines_spec = settings(max_examples=200, deadline=None)(
    conformance_test(SPEC, LeaseAdapter)
)


def test_the_unfenced_storage_is_caught(tmp_path):
    """The seeded bug (no token check): found, shrunk, and saved for `verikit render`.
    Derandomized: the same runs every time, so the test never depends on luck."""
    test = settings(max_examples=1000, deadline=None, database=None, derandomize=True)(
        conformance_test(
            SPEC, UnfencedLeaseAdapter, max_steps=10, trace_out=tmp_path / "mismatch.itf.json"
        )
    )
    with pytest.raises(ConformanceFailure) as failure:
        test()
    mismatch = failure.value.mismatch
    assert mismatch.step <= 10
    assert mismatch.call.startswith("on_Write(node=3,")
    assert [d.var for d in mismatch.differences] == ["Storage.fence"]
    assert (tmp_path / "mismatch.itf.json").exists()
