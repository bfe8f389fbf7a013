"""The corpus: the folder a spec lies in is its expected verdict (holds, violated, error,
expected: a bug variant checked with --all-violations), and the first line `// expect: …`
pins the details: state counts, the violated property and the counterexample length, or the
error's line:col and message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verikit import api
from verikit.engine.options import CheckOptions
from verikit.report import SpecReport

CORPUS = Path(__file__).parent
CASES = sorted(CORPUS.glob("*/*.dsl"))


def expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"// expect: (.*)", first)
    assert match, f"{path} must start with `// expect: …`"
    return match.group(1)


def fields(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split() if "=" in part)


def check(path: Path) -> SpecReport:
    return api.check_file(path)


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "holds"], ids=str)
def test_spec_holds(path: Path) -> None:
    expect = fields(expectation(path))
    report = check(path)
    assert report.verdict == "holds", report.diagnostics or report.result
    assert report.result is not None
    if "states" in expect:
        assert report.result.stats.distinct_states == int(expect["states"])
    if "depth" in expect:
        assert report.result.stats.depth == int(expect["depth"])


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "violated"], ids=str)
def test_spec_is_violated(path: Path) -> None:
    text = expectation(path)
    report = check(path)
    assert report.verdict == "violated"
    assert report.result is not None
    (violation,) = report.result.violations
    kind, _, rest = text.removeprefix("violated ").partition(" ")
    kind, _, name = kind.partition("=")
    assert violation.kind == kind
    if name:
        assert violation.property == name
    steps = fields(rest).get("steps")
    if steps is not None:
        assert len(violation.path) - 1 == int(steps)


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "expected"], ids=str)
def test_bug_variant_shows_each_expected_violation(path: Path) -> None:
    """`// expect: expected P=steps Q=steps … states=N`, checked with --all-violations."""
    expect = fields(expectation(path).removeprefix("expected "))
    report = api.check_file(path, options=CheckOptions(stop_at_first=False))
    assert report.verdict == "expected", report.result
    assert report.result is not None
    if "states" in expect:
        assert report.result.stats.distinct_states == int(expect.pop("states"))
    shown = {d.property: len(d.path) - 1 for d in report.result.violations}
    assert shown == {name: int(steps) for name, steps in expect.items()}


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "error"], ids=str)
def test_spec_is_rejected_with_a_located_message(path: Path) -> None:
    match = re.fullmatch(r"error (\d+):(\d+) (.*)", expectation(path))
    assert match, "error cases state `// expect: error LINE:COL message`"
    line, col, message = int(match.group(1)), int(match.group(2)), match.group(3)
    report = check(path)
    assert report.verdict == "error"
    located = [(d.span.line, d.span.col, d.message) for d in report.diagnostics]
    if report.result is not None:  # a runtime fault: located by its span
        located += [
            (d.fault.span.line, d.fault.span.col, d.fault.message)
            for d in report.result.violations
            if d.fault is not None
        ]
    assert any((ln, cl) == (line, col) and message in msg for ln, cl, msg in located), located
