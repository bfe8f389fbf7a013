"""A check stopped at a limit names the int variable without a range that grows along a
path (in text and JSON alike: a report warning); a complete check says nothing."""

from __future__ import annotations

import json
from pathlib import Path

from verikit import api
from verikit.engine import CheckOptions
from verikit.report import to_json

SPEC = "spec Grow\nvar n: int = 0\naction inc { n = n + 1 }\n"


def test_a_search_stopped_at_a_limit_names_the_growing_int(tmp_path: Path) -> None:
    path = tmp_path / "grow.dsl"
    path.write_text(SPEC)
    report = api.check_file(path, options=CheckOptions(max_states=100))
    assert report.verdict == "incomplete"
    (warning,) = report.warnings
    assert (warning.span.line, warning.severity) == (2, "warning")
    assert warning.message == (
        "`n` is an int without a range and grows along a path (0 → 48 in 48 steps), "
        "so the search may never end"
    )
    doc = json.loads(to_json(report))
    assert [w["message"] for w in doc["warnings"]] == [warning.message]


def test_a_complete_search_does_not_warn(tmp_path: Path) -> None:
    path = tmp_path / "grow.dsl"
    path.write_text(SPEC.replace("action inc {", "action inc when n < 5 {") + "terminal when n == 5\n")
    report = api.check_file(path)
    assert report.verdict == "holds" and report.warnings == ()
