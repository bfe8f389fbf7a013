"""`verikit bmc` and `verikit check --engine smt`: the same report, JSON and exit codes as
`check`, a shortest counterexample that replays and draws like an explicit one, and an
honest "within depth K" instead of "holds"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit.cli import app

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "specs" / "two_phase_commit_buggy.dsl"
CORRECT = ROOT / "specs" / "two_phase_commit.dsl"
COUNTER = ROOT / "tests" / "corpus" / "violated" / "counter_invariant.dsl"

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_correct_spec_holds_only_within_the_depth() -> None:
    code, out, _ = run("bmc", str(CORRECT), "--depth", "3")
    assert code == 0
    assert "no violation within depth 3 (bounded check, not a proof)" in out
    assert "bmc: depths 0..3 checked" in out


def test_a_bug_is_found_with_its_shortest_trace_and_exit_1() -> None:
    code, out, _ = run("bmc", str(COUNTER), "--depth", "10")
    assert code == 1
    assert "VIOLATED" in out and "violated after" in out


def test_an_expected_bug_is_a_success_as_with_check() -> None:
    code, out, _ = run("bmc", str(BUGGY), "--depth", "6")
    assert code == 0
    assert "expected violation found" in out
    assert "invariant Atomicity is violated after 4 steps" in out


@pytest.mark.parametrize(
    ("name", "depth", "headline"),
    [
        ("two_phase_commit_buggy.dsl", "3", "the expected violation of Atomicity was not found "
         "within depth 3; it may lie deeper (`verikit check` searches every depth)"),
        ("two_phase_commit_liveness_unfair.dsl", "2", "the expected violation of "
         "EventuallyDecided is a liveness property, which bmc does not check; `verikit check` does"),
    ],
)  # fmt: skip
def test_an_expected_bug_bmc_does_not_confirm_is_incomplete_exit_3(
    name: str, depth: str, headline: str
) -> None:
    """Too shallow a search, or a liveness bug: a bounded non-answer, neither ok nor failed."""
    code, out, _ = run("bmc", str(BUGGY.parent / name), "--depth", depth)
    assert code == 3
    assert f"INCOMPLETE: {headline}" in out
    assert f"depths 0..{depth} checked" in out


def test_check_with_the_smt_engine_is_bmc_with_the_same_json() -> None:
    code, out, _ = run("check", str(BUGGY), "--engine", "smt", "--depth", "6", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["verdict"], doc["engine"]) == ("expected", "smt")
    (violation,) = doc["violations"]
    assert (violation["property"], violation["trace_length"]) == ("Atomicity", 4)
    assert len(violation["trace"]["states"]) == 5
    explicit = json.loads(run("check", str(BUGGY), "-f", "json")[1])
    assert set(doc) >= set(explicit) - {"liveness"}  # the same shape (another shortest run)
    assert violation.keys() == explicit["violations"][0].keys()


def test_the_counterexample_is_saved_drawn_and_replayed(tmp_path: Path) -> None:
    trace, diagram = tmp_path / "cex.itf.json", tmp_path / "cex.dot"
    code, _, _ = run(
        "bmc", str(BUGGY), "--depth", "6", "--trace-out", str(trace), "--diagram", str(diagram)
    )
    assert code == 0 and trace.is_file() and diagram.is_file()
    code, out, _ = run("replay", str(BUGGY), str(trace))
    assert code == 0 and "confirmed, 4 steps replayed" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--engine", "z4"], "--engine must be explicit or smt, got `z4`"),
        (["check", "--depth", "3"], "--depth bounds the smt engine"),
        (["check", "--engine", "smt", "--max-states", "9"], "bound the explicit engine"),
        (["bmc", "--depth", "-1"], "--depth must be at least 0, got -1"),
        (["bmc", "-f", "xml"], "--format must be text or json"),
        (["bmc", "--timeout", "inf"], "--timeout must be a positive number of seconds, got inf"),
        (["check", "--timeout", "nan"], "--timeout must be a positive number of seconds, got nan"),
    ],
)
def test_bad_flags_are_usage_errors(args: list[str], message: str) -> None:
    code, _, err = run(*args[:1], str(CORRECT), *args[1:])
    assert code == 2 and message in err and "Traceback" not in err


def test_a_missing_file_is_a_usage_error() -> None:
    code, _, err = run("bmc", "no/such.dsl")
    assert code == 2 and "no such file" in err


def test_a_construct_z3_cannot_encode_exits_2_at_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "unbounded.dsl"
    spec.write_text("spec U\nvar log: seq<int> = []\naction add { log = append(log, 1) }\n")
    code, out, err = run("bmc", str(spec), "--depth", "2")
    assert code == 2
    text = out + err
    assert f"{spec}:2:1: error: cannot encode variable `log`" in text
    assert "the sequence has no maximum length" in text and "^" in text
    assert "Traceback" not in text


def test_when_the_timeout_runs_out_the_exit_code_is_3() -> None:
    code, out, err = run("bmc", str(CORRECT), "--depth", "8", "--timeout", "0.001")
    assert code == 3  # loading counts against the timeout too: it stops there (or in Z3)
    assert "INCOMPLETE" in out + err and "Traceback" not in out + err


def test_a_bad_spec_is_an_smt_error_object_in_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.dsl"
    bad.write_text("spec Bad\nvar x: 0..3 = 0\naction a { x = y }\n")
    code, out, _ = run("bmc", str(bad), "--format", "json")
    doc = json.loads(out)
    assert code == 2 and (doc["verdict"], doc["engine"]) == ("error", "smt")
    assert (doc["errors"][0]["line"], doc["errors"][0]["col"]) == (3, 16)
