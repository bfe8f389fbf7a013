"""The command line: honest exit codes, machine-readable output, no tracebacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from verikit.cli import app

CORPUS = Path(__file__).parents[1] / "corpus"
HOLDS = CORPUS / "holds" / "counter.dsl"
VIOLATED = CORPUS / "violated" / "counter_invariant.dsl"
BAD = CORPUS / "error" / "unknown_variable.dsl"

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_spec_that_holds_exits_0() -> None:
    code, out, _ = run("check", str(HOLDS))
    assert code == 0
    assert "all properties hold" in out
    assert "4 distinct states" in out


def test_a_violated_spec_exits_1_with_the_shortest_counterexample() -> None:
    code, out, _ = run("check", str(VIOLATED))
    assert code == 1
    assert "invariant Small is violated after 3 steps" in out


def test_a_bad_spec_exits_2_with_file_line_col_and_a_caret() -> None:
    code, out, err = run("check", str(BAD))
    assert code == 2
    text = out + err
    assert f"{BAD}:5:25: error: unknown variable `termm`" in text
    assert "^" in text
    assert "Traceback" not in text


def test_a_missing_file_is_a_usage_error_without_traceback() -> None:
    code, _, err = run("check", "no/such/spec.dsl")
    assert code == 2
    assert "no such file or directory" in err
    assert "Traceback" not in err


def test_a_bad_flag_is_a_usage_error() -> None:
    code, _, err = run("check", str(HOLDS), "--format", "yaml")
    assert code == 2
    assert "--format must be text or json" in err


def test_a_malformed_const_is_a_usage_error() -> None:
    code, _, err = run("check", str(HOLDS), "--const", "N")
    assert code == 2
    assert "NAME=VALUE" in err


def test_an_unknown_const_names_the_constant() -> None:
    code, out, err = run("check", str(HOLDS), "--const", "Nope=3")
    assert code == 2
    assert "Nope" in out + err


def test_a_limit_exits_3_and_never_says_ok() -> None:
    code, out, _ = run("check", str(HOLDS), "--max-states", "2")
    assert code == 3
    assert "INCOMPLETE" in out
    assert "hold" not in out.split("—", 1)[1].split("\n", 1)[0]


def test_json_output_is_one_object_per_spec(tmp_path: Path) -> None:
    code, out, _ = run("check", str(CORPUS / "violated"), "--format", "json")
    assert code == 1
    *docs, last = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == len(list((CORPUS / "violated").glob("*.dsl")))
    assert last["summary"]["specs"] == last["summary"]["violated"] == len(docs)
    by_name = {Path(d["spec"]).name: d for d in docs}
    counter = by_name["counter_invariant.dsl"]
    assert counter["verdict"] == "violated"
    (violation,) = counter["violations"]
    assert violation["property"] == "Small"
    assert violation["kind"] == "invariant"
    assert violation["trace_length"] == 3
    assert len(violation["trace"]["states"]) == 4
    for key in ("distinct_states", "transitions", "depth", "seconds"):
        assert key in counter


def test_json_reports_a_bad_spec_as_an_error_object() -> None:
    code, out, _ = run("check", str(BAD), "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["verdict"] == "error"
    assert doc["errors"][0]["line"] == 5
    assert doc["errors"][0]["col"] == 25


def test_trace_out_writes_itf_and_replay_confirms_it(tmp_path: Path) -> None:
    trace = tmp_path / "cex.itf.json"
    code, _, _ = run("check", str(VIOLATED), "--trace-out", str(trace))
    assert code == 1
    document = json.loads(trace.read_text())
    assert document["#meta"]["format"] == "ITF"
    assert len(document["states"]) == 4
    code, out, _ = run("replay", str(VIOLATED), str(trace))
    assert code == 0
    assert "confirmed, 3 steps" in out


def test_trace_out_never_overwrites_without_force(tmp_path: Path) -> None:
    trace = tmp_path / "cex.itf.json"
    trace.write_text("precious")
    code, _, err = run("check", str(VIOLATED), "--trace-out", str(trace))
    assert code == 2
    assert "--force" in err
    assert trace.read_text() == "precious"
    code, _, _ = run("check", str(VIOLATED), "--trace-out", str(trace), "--force")
    assert code == 1
    assert trace.read_text() != "precious"


def test_strict_turns_never_enabled_actions_into_an_error(tmp_path: Path) -> None:
    spec = tmp_path / "dead_action.dsl"
    spec.write_text(
        "spec Dead\nvar x: 0..1 = 0\naction flip { x = 1 - x }\naction never when x > 5 { x = 0 }\n"
    )
    code, out, _ = run("check", str(spec))
    assert code == 0
    assert "`never` was never enabled" in out
    code, _, _ = run("check", str(spec), "--strict")
    assert code == 2


def test_compile_emits_the_generated_python() -> None:
    code, out, _ = run("compile", str(HOLDS), "--emit-python")
    assert code == 0
    compile(out, "<generated>", "exec")


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.startswith("verikit ")


@pytest.mark.parametrize("args", [["check"], ["replay", str(HOLDS)], ["frobnicate"]])
def test_wrong_usage_exits_2(args: list[str]) -> None:
    code, _, _ = run(*args)
    assert code == 2


def test_diagram_draws_the_counterexample_and_never_overwrites(tmp_path: Path) -> None:
    svg = tmp_path / "cex.svg"
    code, _, err = run("check", str(VIOLATED), "--diagram", str(svg))
    assert code == 1
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    code, _, err = run("check", str(VIOLATED), "--diagram", str(svg))
    assert code == 2
    assert "--force" in err


def test_diagram_with_an_unknown_extension_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("check", str(VIOLATED), "--diagram", str(tmp_path / "cex.gif"))
    assert code == 2
    assert ".svg" in err


def test_render_draws_a_saved_trace(tmp_path: Path) -> None:
    trace = tmp_path / "cex.itf.json"
    run("check", str(VIOLATED), "--trace-out", str(trace))
    dot = tmp_path / "cex.dot"
    code, _, _ = run("render", str(VIOLATED), str(trace), "-o", str(dot))
    assert code == 0
    first, second = dot.read_text().splitlines()[:2]  # a comment says how to render it
    assert first.startswith("//") and "neato -n2" in first
    assert second.startswith("digraph")


SYMMETRIC = """spec Tokens
symmetric node Worker[3] {
  var busy: bool = false
  action start when not busy { busy = true }
  action stop when busy { busy = false }
}
invariant Fine: forall w in Worker: w.busy or not w.busy
"""


def test_symmetric_groups_are_counted_once_per_orbit_unless_disabled(tmp_path: Path) -> None:
    spec = tmp_path / "tokens.dsl"
    spec.write_text(SYMMETRIC)
    code, out, _ = run("check", str(spec), "--format", "json")
    assert code == 0
    reduced = json.loads(out)
    assert reduced["distinct_states"] == 4  # how many workers are busy: 0..3
    assert reduced["symmetry"] == ["Worker"]
    code, out, _ = run("check", str(spec), "--format", "json", "--no-symmetry")
    full = json.loads(out)
    assert full["distinct_states"] == 8
    assert full["symmetry"] == []


@pytest.mark.parametrize("garbage", ["[]", "null", '"trace"', '{"states": [1, 2]}', "{}"])
@pytest.mark.parametrize("command", ["replay", "render"])
def test_a_file_that_is_not_an_itf_trace_is_a_usage_error(
    tmp_path: Path, command: str, garbage: str
) -> None:
    trace = tmp_path / "garbage.json"
    trace.write_text(garbage)
    extra = ["-o", str(tmp_path / "x.svg")] if command == "render" else []
    code, _, err = run(command, str(VIOLATED), str(trace), *extra)
    assert code == 2 and "Traceback" not in err
    assert f"{trace}: not an ITF trace: expected a JSON object whose `states`" in err


def test_a_trace_of_another_spec_is_refused_by_name(tmp_path: Path) -> None:
    trace = tmp_path / "cex.itf.json"
    run("check", str(VIOLATED), "--trace-out", str(trace))
    other = Path(__file__).parents[2] / "specs" / "two_phase_commit.dsl"
    code, _, err = run("replay", str(other), str(trace))
    assert code == 2
    assert f"{trace} is a trace of spec Counter, not of TwoPhaseCommit ({other})" in err


@pytest.mark.parametrize("flag", ["--trace-out", "--diagram"])
def test_an_output_that_cannot_be_written_is_an_error_exit_2(tmp_path: Path, flag: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    target = blocker / "out.svg"  # below a file: no directory can be made there
    code, out, err = run("check", str(VIOLATED), flag, str(target))
    assert code == 2 and "Traceback" not in err
    assert "VIOLATED" in out  # the check itself ran and was reported
    assert f"error: {target}: cannot write" in err


def test_outputs_go_into_new_directories(tmp_path: Path) -> None:
    trace, diagram = tmp_path / "a" / "cex.itf.json", tmp_path / "b" / "cex.dot"
    code, _, _ = run("check", str(VIOLATED), "--trace-out", str(trace), "--diagram", str(diagram))
    assert code == 1 and trace.is_file() and diagram.is_file()


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("x < 3", "x < 4", "invariant Small holds at the end of its path"),  # the bug is fixed
        ("invariant Small", "invariant Tiny", "the spec has no property `Small` any more"),
    ],
)
def test_replay_refuses_a_trace_that_no_longer_shows_its_violation(
    tmp_path: Path, old: str, new: str, why: str
) -> None:
    """A saved trace is a regression test: its steps still replay, but what it recorded is
    gone, so it is refused (exit 1)."""
    trace = tmp_path / "cex.itf.json"
    run("check", str(VIOLATED), "--trace-out", str(trace))
    edited = tmp_path / "edited.dsl"
    edited.write_text(VIOLATED.read_text().replace(old, new))
    code, out, _ = run("replay", str(edited), str(trace))
    assert code == 1
    assert out.strip() == f"{trace}: 3 steps replayed, but no longer as recorded: {why}"


def _skip_a_step(document: dict[str, Any]) -> None:
    document["states"][2] = document["states"][3]


def _record_a_lasso_kind(document: dict[str, Any]) -> None:
    document["#meta"]["verikit"]["kind"] = "eventually"  # a lasso kind, but no "loop"


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        (_skip_a_step, "state 2 is not a successor of state 1"),
        (
            _record_a_lasso_kind,
            "it records eventually Small, but the trace is not a lasso (no `loop`)",
        ),
    ],
)
def test_replay_rejects_a_tampered_trace(
    tmp_path: Path, tamper: Callable[[dict[str, Any]], None], why: str
) -> None:
    trace = tmp_path / "cex.itf.json"
    run("check", str(VIOLATED), "--trace-out", str(trace))
    document = json.loads(trace.read_text())
    tamper(document)
    trace.write_text(json.dumps(document))
    code, out, _ = run("replay", str(VIOLATED), str(trace))
    assert code == 1
    assert why in out


def test_json_nested_too_deeply_is_a_usage_error(tmp_path: Path) -> None:
    trace = tmp_path / "deep.json"
    trace.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run("replay", str(VIOLATED), str(trace))
    assert code == 2 and "nested too deeply" in err and "Traceback" not in err


def test_trace_out_and_diagram_cannot_share_a_file(tmp_path: Path) -> None:
    same = tmp_path / "cex.svg"
    code, _, err = run("check", str(VIOLATED), "--trace-out", str(same), "--diagram", str(same))
    assert code == 2 and f"--trace-out and --diagram both name {same}" in err
    assert not same.exists()
