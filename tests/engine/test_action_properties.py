"""Action properties (`always step: e`, `x'` the next state) in every engine: the compiled
predicate against the reference interpreter on every transition, the explicit search's
shortest counterexample (ending with the offending step), native C refusing with the
property's span (so `--backend auto` falls back), Z3's bmc at the same depth, and k-induction
proving or refusing them; a step that changes nothing never violates one (TLA+'s [A]_v)."""

from __future__ import annotations

import pytest

from tests.engine.agreement import load
from tests.native.handwritten import needs_compiler
from tests.oracle import reference
from tests.symbolic.support import agree as z3_agree
from verikit.engine import CheckOptions, check, native
from verikit.engine.native import BackendUnavailable
from verikit.symbolic.induction import prove
from verikit.trace.replay import replay

TERMS = """\
spec Terms
var term: 0..3 = 0
var log: seq<0..3, 2> = []
action bump when term < 3 { term = term + 1 }
action record when len(log) < 2 { log = append(log, term) }
action reset when term == 3 { term = 1 }
action idle { skip }
property TermNeverDecreases: always step: term' >= term
property AppendOnly: always step: len(log') >= len(log) and (len(log) == 0 or log'[1] == log[1])
property Moves: always step: term' != term or log' != log
"""


def test_the_compiled_predicate_agrees_with_the_reference_on_every_transition() -> None:
    model = load(TERMS).model
    compiled = load(TERMS).compiled
    steps = compiled.predicates("step")
    seen, todo, pairs = set(), reference.init_states(model), 0
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for _, _, t in reference.successors(model, s):
            for prop, holds in steps:
                assert holds(s + t) == reference.holds(prop, s + t), (prop.name, s, t)
            pairs += 1
            todo.append(t)
    assert len(seen) == 57 and pairs > 100


def test_the_shortest_counterexample_ends_with_the_offending_step() -> None:
    compiled = load(TERMS).compiled
    result = check(compiled, CheckOptions(stop_at_first=False))
    (found,) = result.violations
    assert (found.property, found.kind, len(found.path) - 1) == ("TermNeverDecreases", "step", 4)
    trace = replay(compiled, found)
    assert trace.steps[-1].action == "reset"
    assert [(c.var, c.old, c.new) for c in trace.steps[-1].changes] == [("term", "3", "1")]


def test_a_step_that_changes_nothing_never_violates_one() -> None:
    """`idle` is a self-loop everywhere: `Moves` would fail on it, were it a step."""
    result = check(load(TERMS).compiled, CheckOptions(stop_at_first=False))
    assert "Moves" not in {d.property for d in result.violations}


@needs_compiler
def test_native_refuses_with_the_property_span_and_auto_falls_back() -> None:
    compiled = load(TERMS).compiled
    result = native.check(compiled, CheckOptions(), "auto")
    assert result.backend is not None and result.backend.name == "python"
    assert "`TermNeverDecreases` (`always step:`)" in result.backend.reason
    assert "spec.dsl:8:1" in result.backend.reason
    with pytest.raises(BackendUnavailable):
        native.check(compiled, CheckOptions(), "native")


@pytest.mark.parametrize("fixed", [False, True])
def test_bmc_finds_the_same_step_at_the_same_depth(fixed: bool) -> None:
    text = TERMS.replace("{ term = 1 }", "{ term = 3 }") if fixed else TERMS
    agreed = z3_agree(load(text).model, budget=6)
    if fixed:
        assert agreed.found is None
    else:
        assert agreed.found is not None and agreed.found.kind == "step"
        assert len(agreed.found.path) - 1 == 4


def test_k_induction_proves_a_monotone_step_and_not_a_broken_one() -> None:
    outcomes = {o.property: o for o in prove(load(TERMS).model).outcomes}
    assert outcomes["AppendOnly"].status == "proved"
    assert outcomes["Moves"].status == "proved"  # every step changes the state, or stutters
    # reset steps from 3 back to 1: not inductive, and the shortest run is 4 steps long (k=4
    # looks for runs of up to 3), so no counterexample either
    assert outcomes["TermNeverDecreases"].status == "not_inductive"


def test_k_induction_finds_a_short_broken_step_in_its_base_case() -> None:
    text = TERMS.replace("when term == 3 { term = 1 }", "when term == 1 { term = 0 }")
    outcomes = {o.property: o for o in prove(load(text).model).outcomes}
    broken = outcomes["TermNeverDecreases"]
    assert broken.status == "violated" and len(broken.states) - 1 == 2


def test_a_run_back_to_an_earlier_state_is_not_excluded_from_the_step_case() -> None:
    """0, 1, 2, 3, then back to 1: the bad step returns to a state of the path; a step case
    that made sk differ from s0..s(k-1) would call it proved at k=3."""
    text = "spec Back\nvar t: 0..3 = 0\naction up when t < 3 { t = t + 1 }\n" \
           "action back when t == 3 { t = 1 }\nproperty Up: always step: t' >= t\n"  # fmt: skip
    (up, _) = prove(load(text).model).outcomes
    assert up.status != "proved"
