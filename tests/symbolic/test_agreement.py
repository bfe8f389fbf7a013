"""The Z3 bounded model checker and the explicit engine agree: run to the explicit engine's
counterexample depth, bmc finds a violation of the same property, kind and length (so a
shortest one); on a spec that holds it finds none. Checked on the bundled specs (where Z3
answers in seconds) and on random small core Models."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from tests.oracle.strategies import models
from verikit import api
from verikit.compile import build
from verikit.core.model import Model
from verikit.engine import CheckOptions, Verdict, check
from verikit.engine.result import Discovery
from verikit.errors import SpecError
from verikit.symbolic.bmc import EncodingOverflow, bmc
from verikit.trace.decoded import discovery_of

SPECS = Path(__file__).parents[2] / "specs"

# Bug variants whose shortest counterexample Z3 reaches in seconds. Left out, with the reason:
# lease_no_fencing (14 steps: ~200 s of solving), raft_buggy (11 steps over 4 terms: minutes),
# raft_election_split (a liveness bug: bmc checks safety only).
BUGS = ["two_phase_commit_buggy.dsl", "two_phase_commit_crash_buggy.dsl", "crdt_lww_buggy.dsl"]

# Specs that hold, with the depth bmc searches them to (Raft's encoding alone takes ~20 s:
# it is measured by bench/bmc.py instead; the CRDT counter and OR-set are refused: their
# message bags have more than 4096 possible envelopes).
HOLDING = [
    ("two_phase_commit.dsl", 4),
    ("two_phase_commit_crash.dsl", 4),
    ("two_phase_commit_liveness.dsl", 3),
    ("lease_fencing.dsl", 3),
    ("crdt_lww.dsl", 3),
    ("raft_election.dsl", 3),
    ("reference/tla_two_phase.dsl", 6),
]


def first_violation(discoveries: tuple[Discovery, ...]) -> Discovery:
    return next(d for d in discoveries if d.path)


@pytest.mark.parametrize("name", BUGS)
def test_bmc_finds_the_bug_at_the_explicit_engines_depth_and_no_shorter(name: str) -> None:
    explicit = api.check_file(SPECS / name)
    assert explicit.result is not None and explicit.verdict == "expected"
    found = first_violation(explicit.result.violations)
    depth = len(found.path) - 1
    bounded = api.bmc_file(SPECS / name, depth=depth)
    assert bounded.verdict == "expected" and bounded.result is not None
    same = first_violation(bounded.result.violations)
    assert (same.property, same.kind, len(same.path) - 1) == (found.property, found.kind, depth)
    assert bounded.traces and len(bounded.traces[0].steps) == depth + 1  # replayed
    assert bounded.bounded is not None and bounded.bounded.checked == depth - 1


@pytest.mark.parametrize(("name", "depth"), HOLDING)
def test_bmc_finds_nothing_in_a_spec_that_holds(name: str, depth: int) -> None:
    bounded = api.bmc_file(SPECS / name, depth=depth)
    assert bounded.verdict == "holds", bounded.diagnostics
    assert bounded.bounded is not None and bounded.bounded.checked == depth


DEPTH = 3  # random models: runs of up to 3 steps


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(models())
def test_random_models_the_first_violation_has_the_same_length_and_kind(model: Model) -> None:
    compiled = build(model)
    explicit = check(compiled, CheckOptions(max_states=3_000))
    assume(explicit.verdict is not Verdict.INCOMPLETE)
    try:
        run = bmc(model, DEPTH, reachable=False)
    except (SpecError, EncodingOverflow):  # Unsupported is a SpecError
        assume(False)
        raise
    shown = [d for d in explicit.violations if d.kind != "reachable"]
    if not shown or len(shown[0].path) - 1 > DEPTH:
        assert run.bad is None, run.bad
        assert run.checked == DEPTH
        return
    first = shown[0]
    assert run.bad is not None, first
    assert run.category is not None
    if first.path == ():  # the init block faults
        assert run.category == "init"
        return
    names = [t.name for t in run.bad.transitions]
    same = discovery_of(compiled, run.bad.states, names, run.category, model.deadlock)
    assert run.bad.length == len(first.path) - 1
    assert same.kind == first.kind
