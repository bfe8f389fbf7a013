"""k-induction (`verikit prove`): the library's protocols proved with their lemmas,
counterexamples to induction that are real steps of the compiled model, base-case
counterexamples as short as the explicit search's, unproved lemmas never assumed, runtime
faults found as `check` finds them, and an honest "unknown" when time runs out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verikit import api
from verikit.compile.compiled import CompiledModel
from verikit.core.model import SAFETY_KINDS
from verikit.engine import CheckOptions, check
from verikit.engine.result import Verdict
from verikit.errors import SourceFile, SpecFault
from verikit.report import Loaded
from verikit.symbolic.induction import ProveOptions, prove
from verikit.symbolic.proof import NO_FAULT, Outcome, Proof

from .support import load_text

HERE = Path(__file__).parent / "specs"
LIBRARY = Path(__file__).resolve().parents[2] / "specs"
ROUNDS = ProveOptions(max_k=4)


def proof_of(loaded: Loaded, options: ProveOptions = ROUNDS) -> Proof:
    return prove(loaded.model, options)


def outcomes(proof: Proof) -> dict[str, Outcome]:
    return {o.property: o for o in proof.outcomes}


def without_lemma(name: str) -> Loaded:
    """two_phase_commit.dsl with one of its lemmas deleted."""
    text = (LIBRARY / "two_phase_commit.dsl").read_text()
    cut = re.sub(rf"lemma {name}:.*?(?=\nlemma |\n\nreachable)", "", text, flags=re.S)
    assert cut != text
    return api.load_source(SourceFile("two_phase_commit.dsl", cut))


def assert_real_cti(compiled: CompiledModel, outcome: Outcome) -> None:
    """Every state but the last satisfies what was assumed (the property among it), the last
    violates the property, the states are distinct, and each step is a transition of the
    compiled model by the action Z3 named."""
    cti = outcome.cti
    assert cti is not None and outcome.status == "not_inductive"
    holds = {p.name: f for p, f in compiled.predicates(*SAFETY_KINDS)}
    assert outcome.property in cti.assumed
    for state in cti.states[:-1]:
        assert all(holds[name](state) for name in cti.assumed)
    assert not holds[outcome.property](cti.post)
    assert len(set(cti.states)) == len(cti.states) == outcome.k + 1
    for old, new, action in zip(cti.states[:-1], cti.states[1:], cti.actions, strict=True):
        steps = compiled.labelled_successors(old)
        assert any(
            s.state == new and compiled.model.actions[s.action].name == action for s in steps
        )


# ---------------------------------------------------------------- proofs


@pytest.mark.parametrize(
    ("spec", "consts"),
    [("two_phase_commit.dsl", {}), ("two_phase_commit.dsl", {"N": 4}), ("lease_fencing.dsl", {})],
)
def test_the_library_protocols_are_proved_by_one_step_induction_with_their_lemmas(
    spec: str, consts: dict[str, int]
) -> None:
    loaded = api.load(LIBRARY / spec, consts)
    proof = proof_of(loaded)
    assert {(o.status, o.k) for o in proof.outcomes} == {("proved", 1)}
    kinds = [o.kind for o in proof.outcomes]
    assert "invariant" in kinds and "lemma" in kinds and kinds[-1] == "fault"
    assert proof.fault is None and proof.max_k == 1


def test_without_one_of_its_lemmas_atomicity_is_not_inductive_and_the_cti_is_a_step() -> None:
    loaded = without_lemma("AllYesMeansAllPrepared")
    atomicity = outcomes(proof_of(loaded, ProveOptions(max_k=2)))["Atomicity"]
    assert atomicity.status == "not_inductive" and atomicity.k == 2
    assert_real_cti(loaded.compiled, atomicity)


def test_a_true_invariant_that_is_not_inductive_shows_its_counterexample_to_induction() -> None:
    loaded = api.load(HERE / "even_steps.dsl")
    assert check(loaded.compiled, CheckOptions()).verdict == Verdict.HOLDS
    at_most_ten = outcomes(proof_of(loaded))["AtMostTen"]
    assert at_most_ten.status == "not_inductive" and at_most_ten.k == 4
    assert_real_cti(loaded.compiled, at_most_ten)
    assert at_most_ten.cti is not None
    assert [s[0] for s in at_most_ten.cti.states] == [3, 5, 7, 9, 11]  # the only such path


def test_the_right_lemma_makes_it_inductive() -> None:
    proof = proof_of(api.load(HERE / "even_steps_lemma.dsl"))
    assert {o.property: (o.status, o.k) for o in proof.outcomes} == {
        "AtMostTen": ("proved", 1),
        "Even": ("proved", 1),
        NO_FAULT: ("proved", 1),
    }


def test_a_long_enough_simple_path_proves_it_without_the_lemma() -> None:
    # an odd path below 11 has at most five states (1, 3, 5, 7, 9): k = 6 leaves none
    proof = proof_of(api.load(HERE / "even_steps.dsl"), ProveOptions(max_k=6))
    at_most_ten = outcomes(proof)["AtMostTen"]
    assert (at_most_ten.status, at_most_ten.k) == ("proved", 6)


def test_an_unproved_lemma_is_never_assumed() -> None:
    # B follows from A in one step, but A is not inductive: neither may be proved
    proof = proof_of(api.load(HERE / "circular_lemmas.dsl"), ProveOptions(max_k=1))
    found = outcomes(proof)
    assert (found["B"].status, found["A"].status) == ("not_inductive", "not_inductive")
    assert found["B"].cti is not None and found["B"].cti.assumed == ("B",)


# ---------------------------------------------------------------- real counterexamples


@pytest.mark.parametrize(
    ("path", "consts", "prop"),
    [
        (HERE / "steps_past_four.dsl", {}, "AtMostFour"),
        (Path(__file__).parents[1] / "corpus" / "violated" / "counter_invariant.dsl", {}, "Small"),
        (LIBRARY / "two_phase_commit_buggy.dsl", {"N": 2}, "Atomicity"),
    ],
)
def test_the_base_case_finds_a_counterexample_as_short_as_the_explicit_search(
    path: Path, consts: dict[str, int], prop: str
) -> None:
    loaded = api.load(path, consts)
    explicit = check(loaded.compiled, CheckOptions())
    (shortest,) = [d for d in explicit.violations if d.property == prop]
    found = outcomes(proof_of(loaded, ProveOptions(max_k=len(shortest.path))))[prop]
    assert found.status == "violated" and found.k == len(shortest.path) - 1
    assert found.states[0] in loaded.compiled.init_states()
    report = api.prove_file(path, consts, k=len(shortest.path))
    bug_variant = prop in loaded.model.expected_properties  # `expect violation`: exit 0
    assert report.verdict == ("expected" if bug_variant else "violated")
    assert len(report.traces[0].steps) == len(shortest.path)


def test_a_reachable_runtime_fault_stops_the_proof_as_it_stops_the_search() -> None:
    loaded = api.load(HERE / "faulting_counter.dsl")
    proof = proof_of(loaded, ProveOptions(max_k=5))
    found = outcomes(proof)
    assert found["Small"].status == "proved"  # in every state before the fault
    assert (found[NO_FAULT].status, found[NO_FAULT].k) == ("violated", 3)
    assert proof.fault is not None and not proof.fault.overflow
    with pytest.raises(SpecFault):
        loaded.compiled.next_states(proof.fault.states[-1])
    report = api.prove_file(HERE / "faulting_counter.dsl", k=5)
    assert report.verdict == "error" and report.fault is not None
    assert api.prove_exit_code([report]) == api.EXIT_ERROR


def test_a_fault_beyond_the_base_case_is_a_counterexample_to_induction_into_it() -> None:
    loaded = api.load(HERE / "faulting_counter.dsl")
    no_fault = outcomes(proof_of(loaded, ProveOptions(max_k=2)))[NO_FAULT]
    assert no_fault.status == "not_inductive" and no_fault.cti is not None
    assert loaded.compiled.labelled_successors(no_fault.cti.pre)
    with pytest.raises(SpecFault):
        loaded.compiled.next_states(no_fault.cti.post)


# ---------------------------------------------------------------- limits


def test_when_the_time_runs_out_nothing_is_proved_and_the_reason_says_so() -> None:
    proof = proof_of(api.load(LIBRARY / "two_phase_commit.dsl"), ProveOptions(timeout=1e-3))
    assert {o.status for o in proof.outcomes} == {"unknown"}
    assert all("time limit of 0.001 s ran out" in (o.reason or "") for o in proof.outcomes)
    report = api.prove_file(LIBRARY / "two_phase_commit.dsl", timeout=1e-3)
    assert report.verdict == "unproved"
    assert api.prove_exit_code([report]) == api.EXIT_INCOMPLETE


def test_a_spec_z3_cannot_encode_is_an_error_report_with_its_reason(tmp_path: Path) -> None:
    spec = tmp_path / "logs.dsl"
    spec.write_text(
        "spec Logs\nvar s: set<seq<0..9, 5>> = {}\n"
        "action add(x: 0..9) { s = s + {[x]} }\ninvariant Small: len(s) <= 20\n"
    )
    report = api.prove_file(spec)
    assert report.verdict == "error" and report.proof is None
    assert "cannot encode" in report.diagnostics[0].message
    assert api.prove_exit_code([report]) == api.EXIT_ERROR


def test_exit_codes_rank_a_violation_above_an_unproved_property() -> None:
    proved = api.prove_file(HERE / "even_steps_lemma.dsl")
    unproved = api.prove_file(HERE / "even_steps.dsl")
    violated = api.prove_file(HERE / "steps_past_four.dsl")
    assert api.prove_exit_code([proved]) == api.EXIT_HOLDS
    assert api.prove_exit_code([proved, unproved]) == api.EXIT_INCOMPLETE
    assert api.prove_exit_code([unproved, violated]) == api.EXIT_VIOLATED


# ---------------------------------------------------------------- values outside their types

JUMP = """spec Jump
type R = record { a: 0..2 }
var n: 0..10 = 0
var r: R = R { a: 0 }
action step when n < 10 { n = n + 1 }
action jump when n == 6 and r.a == 0 { r = R { a: 5 } }
invariant P: r.a <= 2
"""


def test_a_step_out_of_a_fields_type_is_a_runtime_fault_as_in_check(tmp_path: Path) -> None:
    """`r = R { a: 5 }` into a 0..2 field faults after 6 steps in `check` (core/ir.py: every
    store is checked, however deep); prove finds the same fault, and P, which holds in every
    state before it, is proved."""
    loaded = load_text(tmp_path, JUMP)
    (fault,) = check(loaded.compiled).violations
    assert fault.kind == "fault" and len(fault.path) - 1 == 6
    assert fault.fault is not None and fault.fault.message == "value 5 out of range 0..2 in field a"
    proof = proof_of(loaded, ProveOptions(max_k=7))
    found = outcomes(proof)
    assert found["P"].status == "proved"
    assert (found[NO_FAULT].status, found[NO_FAULT].k) == ("violated", 6)
    assert proof.fault is not None and not proof.fault.overflow
    report = api.prove_file(tmp_path / "spec.dsl", k=7)
    assert report.verdict == "error" and report.fault is not None
    assert report.fault.fault is not None and report.fault.fault.message == fault.fault.message


def test_an_initial_state_outside_its_types_is_an_init_fault(tmp_path: Path) -> None:
    text = JUMP.replace(
        "var r: R = R { a: 0 }", "var r: R = R { a: 0 }\ninit { r = R { a: n + 3 } }"
    )
    loaded = load_text(tmp_path, text)
    (fault,) = check(loaded.compiled).violations
    assert (fault.property, fault.kind, fault.path) == ("init", "fault", ())
    proof = proof_of(loaded)
    assert outcomes(proof)[NO_FAULT].status == "violated"
    assert proof.fault is not None and proof.fault.states == () and not proof.fault.overflow
    report = api.prove_file(tmp_path / "spec.dsl")
    assert report.verdict == "error" and report.fault is not None
    assert report.fault.fault is not None
    assert report.fault.fault.message == "value 3 out of range 0..2 in field a"


def test_a_spec_without_invariants_is_still_proved_free_of_faults(tmp_path: Path) -> None:
    bump = "spec Bump\nvar x: 0..3 = 0\naction bump { x = x + 1 }\n"
    report = api.prove_file(load_text(tmp_path, bump).source.name)
    assert report.verdict == "error" and report.fault is not None  # x = 4 after 4 steps
    assert api.prove_exit_code([report]) == 2
    safe = bump.replace("action bump {", "action bump when x < 3 {")
    proof = proof_of(load_text(tmp_path, safe))
    assert [(o.property, o.status) for o in proof.outcomes] == [(NO_FAULT, "proved")]


def test_a_step_that_faults_only_outside_the_constraint_is_no_fault(tmp_path: Path) -> None:
    """`check` never computes the successors of x == 3 (outside the constraint), so the
    division by zero there is not reachable for it, nor for prove."""
    text = (
        "spec C\nvar x: 0..5 = 0\nvar y: int = 0\naction inc when x < 5 { x = x + 1 }\n"
        "action div { y = 10 / (3 - x) }\nconstraint x <= 2\ninvariant Ok: x <= 5\n"
        "terminal when true\n"
    )
    loaded = load_text(tmp_path, text)
    assert check(loaded.compiled).verdict is Verdict.HOLDS
    found = outcomes(proof_of(loaded))
    assert (found["Ok"].status, found[NO_FAULT].status) == ("proved", "proved")
    unconstrained = load_text(tmp_path, text.replace("constraint x <= 2\n", ""))
    assert outcomes(proof_of(unconstrained))[NO_FAULT].status == "violated"
