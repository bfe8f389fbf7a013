"""Issue 13's lossy two-phase commit, links of one message each (Promela channels of capacity
1 with lossy sends): written with nodes, `max_per_link: 1` and `when_full: lose`, it reaches
exactly the states and transitions of the same model in global-state style (one variable per
link): 836 / 19,746 / 485,456 states for N = 2 / 3 / 4. The same nodes under the one global
bound `max_in_flight: 2 * N` need many times more (6,201 at N = 2). N = 4 is measured by
bench/lossy_links.py (seconds natively, minutes in Python)."""

from __future__ import annotations

from pathlib import Path

import pytest

from verikit import api
from verikit.engine import CheckOptions, check
from verikit.errors import SourceFile

REFERENCE = Path(__file__).resolve().parents[2] / "specs" / "reference"
NODES = REFERENCE / "two_phase_lossy_links.dsl"
GLOBAL = REFERENCE / "two_phase_lossy_links_global.dsl"


def counts(path: Path, n: int) -> tuple[str, int, int]:
    report = api.check_file(path, {"N": n})
    assert report.result is not None, report.diagnostics
    stats = report.result.stats
    return report.verdict, stats.distinct_states, stats.transitions


@pytest.mark.parametrize(("n", "states", "transitions"), [(2, 836, 5_310), (3, 19_746, 187_117)])
def test_node_style_links_match_the_global_state_model(
    n: int, states: int, transitions: int
) -> None:
    assert counts(NODES, n) == ("holds", states, transitions)
    assert counts(GLOBAL, n) == ("holds", states, transitions)


def test_one_global_bound_instead_of_links_multiplies_the_states() -> None:
    text = NODES.read_text(encoding="utf-8").replace(
        "network { loss: true  max_per_link: 1  when_full: lose }",
        "network { loss: true  reorder: true  max_in_flight: 2 * N }",
    )
    assert "max_in_flight: 2 * N }" in text
    loaded = api.load_source(SourceFile("global_bound.dsl", text))
    result = check(loaded.compiled, CheckOptions())
    assert result.stats.distinct_states == 6_201
