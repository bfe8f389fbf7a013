"""What `check` establishes when a limit stops it: `explored_depth` D means every state
reachable in D steps or fewer was found and checked, deadlocks included. So it is always
below the length of the shortest violation, on either backend; and a depth limit d
establishes d - 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from verikit import api
from verikit.engine import CheckOptions
from verikit.engine.result import Verdict

SPECS = Path(__file__).resolve().parents[2] / "specs"
COUNTER = """spec Counter
var x: 0..5 = 0
action inc when x < 5 { x = x + 1 }
invariant Small: x <= 5
"""  # deadlocks after 5 steps


def explored(path: Path, backend: str, **limits: int) -> int | None:
    report = api.check_file(path, options=CheckOptions(**limits), backend=backend)
    assert report.result is not None
    if report.result.verdict != Verdict.INCOMPLETE:
        return None
    return report.result.explored_depth


@pytest.mark.parametrize("backend", ["python", "native"])
def test_a_stopped_search_never_claims_a_depth_holding_a_violation(
    backend: str, tmp_path: Path
) -> None:
    counter = tmp_path / "counter.dsl"
    counter.write_text(COUNTER, encoding="utf-8")
    for path, shortest in ((SPECS / "two_phase_commit_buggy.dsl", 4), (counter, 5)):
        claims = [explored(path, backend, max_states=n) for n in range(1, 60)]
        made = [c for c in claims if c is not None]
        assert made, "some limit stops the search before the violation"
        assert all(-1 <= c < shortest for c in made), claims


@pytest.mark.parametrize("backend", ["python", "native"])
def test_a_depth_limit_establishes_one_step_less(backend: str) -> None:
    assert explored(SPECS / "raft.dsl", backend, max_depth=4) == 3
