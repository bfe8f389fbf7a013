"""`verikit conform SPEC LOG`: 0 the log is a behaviour of the spec, 1 it is not (the line and
the variables that differ), 2 bad input (file:line:col), 3 the search limit was hit."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from verikit.cli import app

ROOT = Path(__file__).resolve().parents[2]
CRDT = str(ROOT / "specs" / "crdt_counter.dsl")

runner = CliRunner()

P0 = {"0": [0, 0], "1": [0, 0]}
P1 = {"0": [1, 0], "1": [0, 0]}
LOG = [
    {"state": {"Replica.p": P0}},
    {"action": "increment", "params": {"node": 0}, "state": {"Replica.p": P1}},
    {"action": "gossip", "params": {"node": 0, "to": 1}},
    {
        "action": "on_Gossip",
        "params": {"node": 1},
        "state": {"Replica.p": {"0": [1, 0], "1": [1, 0]}},
    },
]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, lines: list[object]) -> str:
    path = tmp_path / "run.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def test_a_conforming_log_exits_0(tmp_path: Path) -> None:
    code, out, _ = run("conform", CRDT, write(tmp_path, LOG))
    assert code == 0
    assert "conforms to CrdtCounter: 4 lines matched" in out


def test_a_log_that_leaves_the_spec_exits_1_naming_the_line(tmp_path: Path) -> None:
    bad = [*LOG[:3], {**LOG[3], "state": {"Replica.p": {"0": [1, 0], "1": [2, 0]}}}]
    code, _, err = run("conform", CRDT, write(tmp_path, bad))
    assert code == 1
    assert "run.jsonl:4: Replica.on Gossip(node=1) fits no behaviour of CrdtCounter" in err
    assert "Replica[2].p: {Replica[1]: 1, Replica[2]: 0} → {Replica[1]: 2, Replica[2]: 0}" in err


def test_hidden_steps_cover_an_unlogged_event(tmp_path: Path) -> None:
    path = write(tmp_path, [LOG[0], LOG[1], LOG[3]])
    assert run("conform", CRDT, path)[0] == 1
    assert run("conform", CRDT, path, "--hidden", "1")[0] == 0


def test_a_malformed_line_exits_2_naming_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(json.dumps(LOG[0]) + "\n" + '{"action": "increment", "params": {"node": 0}\n')
    code, _, err = run("conform", CRDT, str(path))
    assert code == 2
    assert f"error: {path}:2:" in err and "not a JSON object" in err
    assert "Traceback" not in err


def test_the_search_limit_exits_3(tmp_path: Path) -> None:
    code, _, err = run("conform", CRDT, write(tmp_path, LOG), "--hidden", "4", "--max-states", "10")
    assert code == 3
    assert "INCOMPLETE" in err


def test_bad_options_and_missing_files_exit_2(tmp_path: Path) -> None:
    assert run("conform", CRDT, str(tmp_path / "none.jsonl"))[0] == 2
    assert run("conform", CRDT, write(tmp_path, LOG), "--hidden", "-1")[0] == 2
    assert run("conform", str(tmp_path / "none.dsl"), write(tmp_path, LOG))[0] == 2


def test_an_itf_trace_is_checked_with_the_constants_it_was_made_with(tmp_path: Path) -> None:
    trace = tmp_path / "two.itf.json"
    code, _, _ = run("check", str(ROOT / "specs" / "two_phase_commit_buggy.dsl"),
                     "--const", "N=2", "--trace-out", str(trace))  # fmt: skip
    assert code in (0, 1) and trace.exists()  # its violation may be `expect`ed
    spec = str(ROOT / "specs" / "two_phase_commit_buggy.dsl")
    code, out, err = run("conform", spec, str(trace))
    assert code == 0, err
    assert "conforms to" in out
    assert run("conform", spec, str(trace), "--const", "N=4")[0] == 1  # --const wins: no fit


def trace_of(tmp_path: Path, spec: str) -> str:
    """The counterexample of a bug variant among the bundled specs, as ITF."""
    trace = tmp_path / f"{Path(spec).stem}.itf.json"
    code, _, err = run("check", str(ROOT / "specs" / spec), "--backend", "python",
                       "--trace-out", str(trace))  # fmt: skip
    assert code == 0 and trace.exists(), err
    return str(trace)


def test_an_itf_trace_of_another_spec_exits_2_naming_both_specs(tmp_path: Path) -> None:
    # crdt_lww_buggy.dsl's variables and actions have crdt_lww.dsl's names: only its #meta tells
    trace = trace_of(tmp_path, "crdt_lww_buggy.dsl")
    code, _, err = run("conform", str(ROOT / "specs" / "crdt_lww.dsl"), trace)
    assert code == 2
    assert f"error: {trace} is a trace of spec CrdtLwwBuggy, not of CrdtLww" in err
    assert "its variables and actions have CrdtLww's names" in err
    assert run("conform", str(ROOT / "specs" / "crdt_lww_buggy.dsl"), trace)[0] == 0


def test_an_itf_trace_of_another_spec_names_the_variables_and_actions_that_differ(
    tmp_path: Path,
) -> None:
    trace = trace_of(tmp_path, "anti_entropy_lww.dsl")
    code, _, err = run("conform", CRDT, trace)
    assert code == 2
    assert "is a trace of spec AntiEntropyLww, not of CrdtCounter" in err
    assert "variables CrdtCounter does not have: writes, vvOf, down, failures, Replica.store" in err
    assert (
        "actions CrdtCounter does not have: Replica.tick, Replica.write, Replica.on Replicate"
        in err
    )
    assert "unknown constant" not in err  # the trace's constants are not blamed on the spec


def test_an_itf_trace_without_a_spec_name_is_refused_by_its_variables(tmp_path: Path) -> None:
    document = json.loads(Path(trace_of(tmp_path, "anti_entropy_lww.dsl")).read_text())
    del document["#meta"]["verikit"]
    anonymous = tmp_path / "anonymous.itf.json"
    anonymous.write_text(json.dumps(document))
    code, _, err = run("conform", CRDT, str(anonymous))
    assert code == 2
    assert f"{anonymous} is not a trace of CrdtCounter" in err
    assert "variables CrdtCounter does not have: writes" in err


FAULTY = """\
spec Faulty

var x: 0..2 = 0

action inc { x = x + 1 }
"""


def test_a_fault_of_the_spec_exits_2_with_its_span_not_1(tmp_path: Path) -> None:
    spec = tmp_path / "faulty.dsl"
    spec.write_text(FAULTY)
    log = write(tmp_path, [{"state": {"x": 0}}, {"action": "inc"}, {"action": "inc"},
                           {"action": "inc"}])  # fmt: skip
    code, _, err = run("conform", str(spec), log)
    assert code == 2
    assert "run.jsonl:4: the spec faults while following inc() (a bad spec" in err
    assert f"{spec}:5:14: error: runtime fault: value 3 out of range 0..2" in err
    assert "   5 | action inc { x = x + 1 }\n     |              ^^^^^^^^^" in err
