"""The bundled liveness specs, pinned beyond their verdicts (tests/specs/test_specs.py): the
size of the liveness graph and the lasso of a bug variant, step by step. Under the TLA+ rule
for fairness (only a step that changes the state enables or takes an obligation) none of
these changed: none of their graphs has a self-loop, so no stutter ever counted for fairness.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.specs.library_ii import LIBRARY_II_LIVENESS
from verikit import api
from verikit.syntax import ast

SPECS = Path(__file__).resolve().parents[2] / "specs"


@dataclass(frozen=True)
class LivePin:
    verdict: str
    states: int  # liveness graph states
    transitions: int  # liveness graph edges
    lasso: tuple[int, ...] = ()  # a bug variant's lasso: init ordinal, successor ordinals
    loop_start: int | None = None


PINS = {
    "raft_election.dsl": LivePin("holds", 4_466, 18_381),
    "raft_election_split.dsl": LivePin(
        "expected", 6_972, 33_003, (0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 4, 0, 6, 1, 6, 3, 6, 5, 6), 6
    ),
    "two_phase_commit_liveness.dsl": LivePin("holds", 21_422, 83_506),
    "two_phase_commit_liveness_unfair.dsl": LivePin("expected", 21_422, 83_506, (0, 0, 0, 6), 1),
}
PINS.update({name: LivePin(*pin) for name, pin in LIBRARY_II_LIVENESS.items()})  # issue 15


def declares_a_property(path: Path) -> bool:
    """Whether the spec has a `property`, its own or one inherited from the spec it extends."""
    spec = api.parse_source(api.read_source(path))
    return any(isinstance(d, ast.PropertyDecl) and d.kind in ast.TEMPORAL_KINDS for d in spec.decls)


def test_every_bundled_liveness_spec_is_pinned() -> None:
    live = {p.name for p in SPECS.rglob("*.dsl") if declares_a_property(p)}
    assert live == set(PINS)


@pytest.mark.parametrize("name", sorted(PINS))
def test_liveness_graph_and_lasso(name: str) -> None:
    pin, report = PINS[name], api.check_file(SPECS / name)
    result = report.result
    assert result is not None
    assert report.verdict == pin.verdict
    assert (result.liveness_states, result.liveness_transitions) == (pin.states, pin.transitions)
    lassos = [(d.path, d.loop_start) for d in result.violations]
    assert lassos == ([(pin.lasso, pin.loop_start)] if pin.lasso else [])
