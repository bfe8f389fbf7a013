"""`expect violation P`: a bug variant passes while it still demonstrates its bug."""

from __future__ import annotations

from pathlib import Path

from verikit import api

BUGGY = """spec Buggy
const Limit = 3
var x: 0..5 = 0
action inc when x < 5 { x = x + 1 }
terminal when x == 5
invariant Small: x < Limit
expect violation Small
"""


def check(tmp_path: Path, **consts: int) -> api.SpecReport:
    spec = tmp_path / "buggy.dsl"
    spec.write_text(BUGGY)
    return api.check_file(spec, consts)


def test_the_expected_violation_found_is_a_success(tmp_path: Path) -> None:
    report = check(tmp_path)
    assert report.verdict == "expected"
    assert api.exit_code([report]) == api.EXIT_HOLDS
    assert report.result is not None
    (violation,) = report.result.violations
    assert (violation.property, len(violation.path) - 1) == ("Small", 3)


def test_a_bug_variant_that_no_longer_shows_its_bug_fails(tmp_path: Path) -> None:
    report = check(tmp_path, Limit=9)
    assert report.verdict == "violated"
    assert api.exit_code([report]) == api.EXIT_VIOLATED


def test_an_unknown_expected_property_is_a_spec_error(tmp_path: Path) -> None:
    spec = tmp_path / "typo.dsl"
    spec.write_text(BUGGY.replace("expect violation Small", "expect violation Smal"))
    report = api.check_file(spec)
    assert report.verdict == "error"
    assert any("Smal" in d.message for d in report.diagnostics)
