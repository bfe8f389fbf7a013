"""A bug variant's saved counterexample is a regression test for the fixed spec it extends:
`verikit replay fixed.dsl bug.itf.json` exits 1 saying the bug no longer reproduces (rather
than refusing a trace "of another spec"), and it still replays against the variant."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from verikit.cli import app

FIXED = """spec Counter
const Max = 3
var x: 0..5 = 0
action inc when x < Max { x = x + 1 }
action reset when x == Max { x = 0 }
invariant Bounded: x <= Max
"""
BUGGY = """spec CounterBuggy extends "counter.dsl"
action inc when x < Max { x = x + 2 }
expect violation Bounded
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def saved(tmp_path: Path) -> tuple[Path, Path, Path]:
    fixed, buggy = tmp_path / "counter.dsl", tmp_path / "counter_buggy.dsl"
    fixed.write_text(FIXED)
    buggy.write_text(BUGGY)
    trace = tmp_path / "bug.itf.json"
    code, output = run("check", str(buggy), "--trace-out", str(trace), "--backend", "python")
    assert code == 0, output
    return fixed, buggy, trace


def test_the_variants_trace_replays_against_the_variant(tmp_path: Path) -> None:
    _, buggy, trace = saved(tmp_path)
    code, output = run("replay", str(buggy), str(trace))
    assert code == 0 and "confirmed, 2 steps replayed" in output


def test_against_the_fixed_base_it_no_longer_reproduces_and_exits_1(tmp_path: Path) -> None:
    fixed, _, trace = saved(tmp_path)
    code, output = run("replay", str(fixed), str(trace))
    assert code == 1
    assert "the counterexample of CounterBuggy no longer reproduces in Counter" in output


def test_a_trace_of_an_unrelated_spec_is_still_refused(tmp_path: Path) -> None:
    _, _, trace = saved(tmp_path)
    other = tmp_path / "other.dsl"
    other.write_text(FIXED.replace("spec Counter", "spec Other"))
    code, output = run("replay", str(other), str(trace))
    assert code == 2 and "is a trace of spec CounterBuggy, not of Other" in output


def test_a_variant_whose_states_its_base_cannot_hold_no_longer_reproduces(tmp_path: Path) -> None:
    """The variant changes a variable's type: the trace cannot be decoded against the base,
    which is still the bug not reproducing there (exit 1), not a bad trace (exit 2)."""
    fixed, buggy = tmp_path / "counter.dsl", tmp_path / "counter_buggy.dsl"
    fixed.write_text(FIXED + "var mode: bool = false\n")
    buggy.write_text(BUGGY + "var mode: 0..2 = 2\n")
    trace = tmp_path / "bug.itf.json"
    code, output = run("check", str(buggy), "--trace-out", str(trace), "--backend", "python")
    assert code == 0, output
    code, output = run("replay", str(fixed), str(trace))
    assert code == 1, output
    assert "the counterexample of CounterBuggy no longer reproduces in Counter: its states" in (
        output
    )
