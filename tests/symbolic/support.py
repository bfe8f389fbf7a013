"""Shared checks of the Z3 side against the explicit engine and the reference interpreter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import z3

from verikit import api
from verikit.compile import build
from verikit.compile.compiled import CompiledModel
from verikit.core.model import LIVENESS_KINDS, Model
from verikit.engine import CheckOptions, check
from verikit.engine.result import CheckResult, Discovery
from verikit.symbolic.bmc import BmcResult, bmc
from verikit.symbolic.encode import Encoding, Frame
from verikit.trace.decoded import discovery_of

State = tuple[Any, ...]


def load_text(tmp_path: Path, text: str) -> api.Loaded:
    """A spec written to tmp_path/spec.dsl, loaded."""
    path = tmp_path / "spec.dsl"
    path.write_text(text)
    return api.load(path)


def solutions(
    enc: Encoding, frame: Frame, *facts: Any, stepped: bool = True, limit: int = 500
) -> list[tuple[State, str]]:
    """Every (state, action into it) of `frame` the facts allow, one per state; the action
    is "" for a frame no step leads into (`stepped=False`, e.g. an initial state)."""
    solver = z3.Solver()
    solver.add(*facts)
    found: list[tuple[State, str]] = []
    while solver.check() == z3.sat and len(found) < limit:
        m = solver.model()
        state = enc.decode(m, frame)
        found.append((state, enc.action_taken(m, frame) if stepped else ""))
        solver.add(z3.Not(enc.is_state(frame, state)))
    return found


def satisfiable(*facts: Any) -> bool:
    solver = z3.Solver()
    solver.add(*facts)
    return solver.check() == z3.sat


def explicit(model: Model) -> tuple[CompiledModel, CheckResult]:
    """The explicit engine, every first discovery of each property kept (not only the first
    one), so that the shortest bad thing of any kind is among them."""
    compiled = build(model)
    return compiled, check(compiled, CheckOptions(stop_at_first=False, max_states=200_000))


def shortest(result: CheckResult) -> list[Discovery]:
    """The explicit engine's discoveries of minimal length (liveness and unreached
    `reachable`s aside: bmc does not report those)."""
    found = [
        d
        for d in result.violations
        if d.kind not in LIVENESS_KINDS and (d.path or d.kind == "fault")
    ]
    if not found:
        return []
    least = min(len(d.path) for d in found)
    return [d for d in found if len(d.path) == least]


@dataclass(frozen=True)
class Agreement:
    depth: int  # how deep bmc looked
    explicit: list[Discovery]
    found: Discovery | None
    run: BmcResult


def agree(model: Model, budget: int) -> Agreement:
    """Run both engines; bmc goes as deep as the explicit counterexample (or the explicit
    search's depth when it holds), at most `budget` steps. Asserts that they agree."""
    compiled, result = explicit(model)
    assert result.incomplete_reason is None, result.incomplete_reason
    least = shortest(result)
    depth = max(len(least[0].path) - 1, 0) if least else result.stats.depth
    depth = min(depth, budget)
    run = bmc(model, depth)
    found = None
    if run.bad is not None:
        names = [t.name for t in run.bad.transitions]
        found = discovery_of(compiled, run.bad.states, names, run.category or "", model.deadlock)
    if least and len(least[0].path) - 1 <= depth:
        assert found is not None, f"bmc found nothing within {depth}; explicit: {least}"
        assert len(found.path) == len(least[0].path), (found, least)
        assert (found.property, found.kind) in {(d.property, d.kind) for d in least}, (found, least)
    else:
        assert found is None, f"bmc found {found} within {depth}; explicit found {least}"
    for witness in result.witnesses:
        length = len(witness.path) - 1
        if found is None and length <= depth:
            assert witness.property in run.witnesses, (witness, run.witnesses)
            assert run.witnesses[witness.property].length == length
    return Agreement(depth, least, found, run)
