"""Bundled specs through the code generator and the C search: the native backend reports what
engine/search.py reports (counts, depth, verdict, every shortest path), for 1 and 2 workers.

The libraries go to the user's cache (as in real use), so a second run does not compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from verikit.api import load
from verikit.engine import native
from verikit.engine import search as python_search
from verikit.engine.options import CheckOptions
from verikit.engine.result import CheckResult

from ..native.handwritten import needs_compiler
from .test_native import facts

pytestmark = needs_compiler
SPECS = Path(__file__).parents[2] / "specs"

CASES = [
    ("two_phase_commit_buggy.dsl", CheckOptions()),
    ("two_phase_commit_buggy.dsl", CheckOptions(stop_at_first=False)),
    ("two_phase_commit_crash_buggy.dsl", CheckOptions()),
    ("crdt_lww_buggy.dsl", CheckOptions(stop_at_first=False)),
    ("lease_no_fencing.dsl", CheckOptions(max_depth=8)),
    ("raft_buggy.dsl", CheckOptions(max_states=3000)),
    ("two_phase_commit_liveness_unfair.dsl", CheckOptions()),
]


def liveness(result: CheckResult) -> tuple[object, ...]:
    return (result.liveness_checked, result.liveness_undecided, result.liveness_states,
            result.liveness_transitions)  # fmt: skip


@pytest.mark.parametrize(("spec", "options"), CASES, ids=lambda c: str(c)[:40])
def test_native_and_python_agree_on_a_bundled_spec(spec: str, options: CheckOptions) -> None:
    compiled = load(SPECS / spec).compiled
    expected = python_search.check(compiled, options)
    for workers in (1, 2):
        result = native.check(compiled, options, "auto", workers)
        assert result.backend is not None
        assert result.backend.name == "native", result.backend.reason
        assert facts(result) == facts(expected)
        assert liveness(result) == liveness(expected)
