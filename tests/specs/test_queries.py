"""Every bundled spec with timing queries, pinned: each query's answer at the default
constants, and the spec's verdict (a bug variant's query is possible, as it declares)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.specs.library_ii import LIBRARY_II_QUERIES
from verikit import api
from verikit.syntax import ast

SPECS = Path(__file__).resolve().parents[2] / "specs"

PINS = {  # spec → (verdict, {query: answer})
    "lease_timing.dsl": ("holds", {"BothHoldLease": "impossible"}),
    "lease_timing_no_drift_margin.dsl": ("expected", {"BothHoldLease": "possible"}),
}
PINS.update(LIBRARY_II_QUERIES)  # issue 15


def asks_a_query(path: Path) -> bool:
    """Whether the spec declares a query or inherits one from the spec it extends."""
    spec = api.parse_source(api.read_source(path))
    return any(isinstance(decl, ast.QueryDecl) for decl in spec.decls)


def test_every_bundled_spec_with_queries_is_pinned() -> None:
    with_queries = {str(p.relative_to(SPECS)) for p in SPECS.rglob("*.dsl") if asks_a_query(p)}
    assert with_queries == set(PINS)


@pytest.mark.parametrize("name", sorted(PINS))
def test_bundled_query_answers(name: str) -> None:
    verdict, answers = PINS[name]
    report = api.query_file(SPECS / name)
    assert report.verdict == verdict
    assert {a.query: a.verdict for a in report.answers} == answers
    assert all(a.checked for a in report.answers if a.verdict == "possible")
