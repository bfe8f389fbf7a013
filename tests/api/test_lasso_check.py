"""A liveness violation end to end: `verikit check` finds the lasso, prints it with its loop
marked, reports it in JSON, saves it as ITF that `verikit replay` and `verikit render` take
back. Fairness removes it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from verikit import api, report
from verikit.cli import app

RETRY = """spec Retry
message Ping {}
message Pong {}
network { loss: true  reorder: true  max_in_flight: 1 }
node Client {
  var sent: bool = false
  var acked: bool = false
  action ping when not sent { sent = true; send Ping {} to Server }
  action retry when sent and not acked { send Ping {} to Server }
  on Pong { acked = true }
}
node Server {
  on Ping from c { send Pong {} to c }
}
property EventuallyAcked: eventually Client.acked
terminal when Client.acked
"""


def spec(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "retry.dsl"
    path.write_text(RETRY + extra, encoding="utf-8")
    return path


def test_a_lost_ping_retried_forever_is_printed_as_a_lasso(tmp_path: Path) -> None:
    checked = api.check_file(spec(tmp_path))
    assert checked.verdict == "violated"
    assert report.to_text(checked).splitlines()[5:] == [
        "  Retry: eventually EventuallyAcked violated: a fair behavior never reaches it"
        " — prefix of 1 step, then steps 2–3 repeat forever",
        "   0. initial state",
        "        Client.sent = false",
        "        Client.acked = false",
        "   1. Client ping",
        "        sent: false → true",
        "        sends Ping to Server",
        "      ── loop starts here ──",
        "   2. network drops Ping Client → Server",
        "   3. Client retry",
        "        sends Ping to Server",
        "      ↩ back to step 2",
        "  EventuallyAcked is false in every state; where the loop starts (step 1):",
        "        Client.acked = false",
    ]


def test_the_report_says_what_the_liveness_pass_decided_and_at_what_cost(tmp_path: Path) -> None:
    checked = api.check_file(spec(tmp_path))
    line = report.to_text(checked).splitlines()[3]  # after the stats and backend lines
    assert line.startswith("  liveness: EventuallyAcked decided on 5 states, ")
    assert "(every cycle: no fairness declared, no symmetry)" in line and line.endswith(" s")
    fair = report.to_text(api.check_file(spec(tmp_path, "fair delivery\n"))).splitlines()[3]
    assert "(fair cycles, no symmetry)" in fair
    doc = report.to_dict(checked)["liveness"]
    assert (doc["checked"], doc["undecided"], doc["states"]) == (["EventuallyAcked"], [], 5)


def test_a_limit_leaves_liveness_undecided_and_says_so(tmp_path: Path) -> None:
    checked = api.check_file(spec(tmp_path), options=api.CheckOptions(max_states=2))
    assert checked.verdict == "incomplete"
    assert "  liveness not decided (max states 2 reached): EventuallyAcked" in (
        report.to_text(checked).splitlines()
    )
    doc = report.to_dict(checked)["liveness"]
    assert (doc["checked"], doc["undecided"]) == ([], ["EventuallyAcked"])
    assert doc["undecided_reason"] == "max states 2 reached"


def test_the_json_report_marks_the_loop(tmp_path: Path) -> None:
    (violation,) = report.to_dict(api.check_file(spec(tmp_path)))["violations"]
    assert (violation["kind"], violation["trace_length"], violation["loop_start"]) == (
        "eventually", 3, 1)  # fmt: skip
    assert violation["trace"]["loop"] == 1


def test_a_saved_lasso_is_replayed_and_rendered(tmp_path: Path) -> None:
    path, trace, dot = spec(tmp_path), tmp_path / "lasso.itf.json", tmp_path / "lasso.dot"
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(path), "--trace-out", str(trace)]).exit_code == 1
    assert json.loads(trace.read_text())["loop"] == 1
    replayed = runner.invoke(app, ["replay", str(path), str(trace)])
    assert replayed.exit_code == 0
    assert replayed.stdout.strip().endswith(
        "confirmed, 3 steps replayed (prefix of 1 step, then steps 2–3 repeat forever)"
    )
    assert runner.invoke(app, ["render", str(path), str(trace), "-o", str(dot)]).exit_code == 0
    assert "steps 2–3 repeat forever" in dot.read_text()


def test_fair_delivery_removes_the_lasso(tmp_path: Path) -> None:
    assert api.check_file(spec(tmp_path, "fair delivery\n")).verdict == "holds"


def test_a_saved_lasso_that_fairness_now_rules_out_is_not_confirmed(tmp_path: Path) -> None:
    """The steps still replay, but the loop starves the new `fair delivery`: the saved
    counterexample no longer shows the violation, and replay says so (exit 1)."""
    trace = tmp_path / "lasso.itf.json"
    saved = CliRunner().invoke(app, ["check", str(spec(tmp_path)), "--trace-out", str(trace)])
    assert saved.exit_code == 1
    fair = spec(tmp_path, "fair delivery\n")
    replayed = CliRunner().invoke(app, ["replay", str(fair), str(trace)])
    assert replayed.exit_code == 1
    assert replayed.stdout.strip() == (
        f"{trace}: 3 steps replayed (prefix of 1 step, then steps 2–3 repeat forever), but no "
        "longer as recorded: eventually EventuallyAcked: the loop is unfair: `fair delivery` "
        "for Envelope { src: Client, dst: Server, msg: Ping {} } is enabled in some state of "
        "the loop and never taken"
    )


def test_a_saved_lasso_whose_goal_the_loop_now_reaches_is_not_confirmed(tmp_path: Path) -> None:
    trace = tmp_path / "lasso.itf.json"
    saved = CliRunner().invoke(app, ["check", str(spec(tmp_path)), "--trace-out", str(trace)])
    assert saved.exit_code == 1
    weaker = spec(tmp_path)
    weaker.write_text(RETRY.replace("eventually Client.acked", "eventually Client.sent"))
    replayed = CliRunner().invoke(app, ["replay", str(weaker), str(trace)])
    assert replayed.exit_code == 1
    assert "eventually EventuallyAcked: its predicate holds in state 1 of the lasso" in (
        replayed.stdout
    )


CUT = """spec Cut
var x: 0..5 = 0
action inc when x < 5 { x = x + 1 }
constraint x <= {bound}
property P: eventually x == 5
terminal when x == 5
"""


def test_a_constraint_that_cuts_behaviors_off_is_warned_about(tmp_path: Path) -> None:
    """x == 5 lies outside the constraint, so every behavior leaves the graph at x == 2 and
    `eventually x == 5` holds vacuously: it holds, with a warning at the constraint."""
    path = tmp_path / "cut.dsl"
    path.write_text(CUT.replace("{bound}", "2"))
    checked = api.check_file(path)
    assert checked.verdict == "holds"
    (warning,) = checked.warnings
    assert (warning.severity, warning.span.line) == ("warning", 4)
    assert warning.message.startswith("liveness: 1 state inside the constraints step to")
    assert api.check_file(path, strict=True).verdict == "error"


def test_the_warning_names_the_constraint_that_cut_even_when_a_fair_loop_stays_inside(
    tmp_path: Path,
) -> None:
    """At x == 3 the behavior may stay (an unfair loop: `inc` is fair) or step to x == 4,
    outside `Cutter`: every fair behavior is cut off, so P holds vacuously."""
    path = tmp_path / "cut.dsl"
    path.write_text(
        "spec Cut\nvar x: 0..5 = 0\nvar y: 0..1 = 0\n"
        "action inc when x < 4 { x = x + 1 }\naction stay when x == 3 { x = 3 }\n"
        "fair action inc\nproperty P: eventually x == 5\nterminal when x == 4\n"
        "constraint Harmless: y <= 1\nconstraint Cutter: x <= 3\n"
    )
    checked = api.check_file(path)
    assert checked.verdict == "holds"
    (warning,) = checked.warnings
    assert warning.span.line == 10  # Cutter, not Harmless


def test_a_constraint_that_cuts_nothing_off_is_not_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "cut.dsl"
    path.write_text(CUT.replace("{bound}", "5"))
    checked = api.check_file(path)
    assert checked.verdict == "holds" and checked.warnings == ()
