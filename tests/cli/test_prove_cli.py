"""`verikit prove`: a line per invariant and lemma, the counterexample to induction as the
state before, the step and why the property breaks, JSON for tools, honest exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit.cli import app

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "symbolic" / "specs"
TWO_PHASE = ROOT / "specs" / "two_phase_commit.dsl"

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["prove", *args])
    return result.exit_code, result.stdout, result.stderr


def test_two_phase_commit_is_proved_with_its_lemmas_and_exits_0() -> None:
    code, out, _ = run(str(TWO_PHASE))
    assert code == 0
    assert "every invariant and lemma holds in every reachable state" in out
    assert "proved         Atomicity (k=1)\n" in out
    assert "proved         lemma YesVotesComeFromPrepared (k=1)\n" in out
    assert "proved         no runtime fault (k=1)\n" in out


def test_a_property_that_is_not_inductive_exits_3_and_shows_the_step_that_breaks_it() -> None:
    code, out, _ = run(str(SPECS / "even_steps.dsl"), "--k", "2")
    assert code == 3
    assert "NOT PROVED: AtMostTen" in out
    assert "NOT INDUCTIVE  AtMostTen (k=1..2): a state where it holds steps to one" in out
    assert (
        "      before (satisfies AtMostTen; so does the state Z3 found leading to it):\n"
        "          x = 9\n"
        "      step: step\n"
        "          x: 9 → 11\n"
        "      AtMostTen is false after it because\n"
        "          x = 11\n"
    ) in out


def test_without_lemmas_atomicity_is_not_inductive_and_the_cti_shows_the_network(
    tmp_path: Path,
) -> None:
    text = TWO_PHASE.read_text()
    bare = tmp_path / "two_phase_commit.dsl"
    bare.write_text(text[: text.index("// Lemmas:")] + text[text.index("reachable ") :])
    code, out, _ = run(str(bare), "--k", "1", "--const", "N=2")
    assert code == 3
    assert "NOT INDUCTIVE  Atomicity (k=1): a state where it holds steps to one" in out
    assert "      before (satisfies Atomicity):\n          Coordinator.phase = " in out
    assert "          in flight: " in out and "\n      step: " in out
    assert "      Atomicity is false after it because\n          Participant[1].state = " in out


def test_a_real_counterexample_exits_1_with_the_replayed_trace() -> None:
    code, out, _ = run(str(SPECS / "steps_past_four.dsl"))
    assert code == 1
    assert "VIOLATED: AtMostFour" in out
    assert "StepsPastFour: invariant AtMostFour is violated after 3 steps" in out


def test_a_reachable_runtime_fault_exits_2_with_the_run_to_it() -> None:
    code, out, _ = run(str(SPECS / "faulting_counter.dsl"))
    assert code == 2
    assert "runtime fault after 3 steps: nothing past it is proved" in out
    assert "faulting_counter.dsl:8:15: value 4 out of range 0..3" in out


def test_json_has_one_entry_per_property_with_its_counterexample_to_induction() -> None:
    code, out, _ = run(str(SPECS / "even_steps.dsl"), "--k", "1", "--format", "json")
    assert code == 3
    doc = json.loads(out)
    assert doc["verdict"] == "unproved" and doc["max_k"] == 1
    statuses = {p["property"]: p["status"] for p in doc["properties"]}
    assert statuses == {"AtMostTen": "not_inductive", "no runtime fault": "proved"}
    cti = doc["properties"][0]["cti"]
    assert cti["assumed"] == ["AtMostTen"]
    assert cti["states"] == [{"x": {"#bigint": "9"}}, {"x": {"#bigint": "11"}}]
    assert cti["step"]["action"] == "step"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "0"], "--k must be at least 1, got 0"),
        (["--format", "yaml"], "--format must be text or json"),
        (["--timeout", "0"], "--timeout must be a positive number of seconds, got 0.0"),
        (["--timeout", "inf"], "--timeout must be a positive number of seconds, got inf"),
        (["--timeout", "nan"], "--timeout must be a positive number of seconds, got nan"),
    ],
)
def test_bad_flags_are_usage_errors(args: list[str], message: str) -> None:
    code, _, err = run(str(TWO_PHASE), *args)
    assert code == 2
    assert message in err


def test_a_bad_spec_exits_2_with_file_line_col() -> None:
    bad = ROOT / "tests" / "corpus" / "error" / "unknown_variable.dsl"
    code, out, err = run(str(bad))
    assert code == 2
    assert f"{bad}:5:25: error: unknown variable `termm`" in out + err


def test_loading_the_cli_does_not_load_z3() -> None:
    probe = "import sys, verikit.cli; print('z3' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_bug_variant_whose_bug_the_base_case_shows_is_expected_exit_0() -> None:
    code, out, _ = run(str(ROOT / "specs" / "two_phase_commit_buggy.dsl"), "--k", "5")
    assert code == 0
    assert "— expected violation found (this spec demonstrates a bug): Atomicity" in out


def test_a_bug_variant_whose_bug_is_proved_away_exits_1(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.dsl"
    fixed.write_text(TWO_PHASE.read_text() + "\nexpect violation Atomicity\n")
    code, out, _ = run(str(fixed), "--const", "N=2")
    assert code == 1
    assert (
        "VIOLATED: the expected violation of Atomicity was not found: it is proved, the spec "
        "no longer demonstrates its bug"
    ) in out


def test_a_bug_variant_neither_shown_nor_proved_is_unproved_exit_3() -> None:
    code, out, _ = run(str(ROOT / "specs" / "two_phase_commit_buggy.dsl"), "--k", "2")
    assert code == 3 and "NOT PROVED: Atomicity" in out


def test_liveness_properties_are_named_as_left_to_check() -> None:
    code, out, _ = run(str(ROOT / "specs" / "two_phase_commit_liveness.dsl"), "--k", "1")
    assert "  liveness not proved by prove: EventuallyDecided (`verikit check` decides them)" in (
        out.splitlines()
    )
    assert code == 3  # its Atomicity has no lemmas: not inductive


def test_a_spec_without_invariants_is_proved_free_of_faults(tmp_path: Path) -> None:
    bump = tmp_path / "bump.dsl"
    bump.write_text("spec Bump\nvar x: 0..3 = 0\naction bump when x < 3 { x = x + 1 }\n")
    code, out, _ = run(str(bump))
    assert code == 0
    assert out.splitlines()[:2] == [
        f"{bump}: Bump — no state faults (the spec has no invariants or lemmas to prove)",
        "  proved         no runtime fault (k=1)",
    ]


def test_a_proof_of_action_properties_says_it_covers_every_step(tmp_path: Path) -> None:
    spec = tmp_path / "terms.dsl"
    spec.write_text(
        "spec Terms\nvar term: 0..3 = 0\naction bump when term < 3 { term = term + 1 }\n"
        "property Mono: always step: term' >= term\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["prove", str(spec)])
    assert result.exit_code == 0
    assert "every action property on every step" in result.stdout
    assert "proved         Mono (k=1)" in result.stdout
