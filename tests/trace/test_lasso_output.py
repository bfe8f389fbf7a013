"""Lassos out of verikit and back: ITF's "loop", the JSON report, `verikit replay` and
`verikit render` of a saved lasso, and the message sequence chart with its loop marked."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.trace.lassos import (
    commit_never_decided,
    request_ignored,
    retry_forever,
    retry_spec,
    stuck_short,
)
from verikit import api, report
from verikit.cli import app
from verikit.engine import Discovery
from verikit.engine.result import CheckResult, Stats, Verdict
from verikit.report import Loaded, SpecReport
from verikit.trace import Trace, from_itf, replay, to_itf
from verikit.trace.chart import build_chart
from verikit.trace.dot import write_diagram
from verikit.trace.itf import ItfError, loop_of
from verikit.trace.saved import trace_from_itf

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def saved(tmp_path: Path) -> tuple[Path, Path, Loaded, Trace]:
    """The Retry spec on disk and its lasso saved as ITF, as `verikit check --trace-out`
    writes it."""
    spec = retry_spec(tmp_path)
    loaded, lasso = retry_forever(spec)
    trace = replay(loaded.compiled, lasso)
    path = tmp_path / "lasso.itf.json"
    path.write_text(json.dumps(to_itf(trace, loaded.model)), encoding="utf-8")
    return spec, path, loaded, trace


# ---------------------------------------------------------------- ITF


def test_itf_marks_the_state_where_the_loop_starts() -> None:
    c, lasso = commit_never_decided()
    doc = to_itf(replay(c, lasso), c.model)
    assert doc["loop"] == 1
    values = [{k: v for k, v in state.items() if k != "#meta"} for state in doc["states"]]
    assert len(values) == 4 and values[3] == values[1]  # the last is the loop's first again
    assert doc["#meta"]["verikit"]["kind"] == "eventually"
    assert doc["#meta"]["description"].endswith("then steps 2–3 repeat forever")


def test_a_lasso_comes_back_from_itf_as_the_same_trace() -> None:
    for c, lasso in (commit_never_decided(), stuck_short(), request_ignored()):
        trace = replay(c, lasso)
        doc = json.loads(json.dumps(to_itf(trace, c.model)))
        assert loop_of(doc) == lasso.loop_start
        assert from_itf(doc, c.model) == [s.state for s in trace.steps]
        assert trace_from_itf(doc, c) == trace  # evidence and trigger recomputed


@pytest.mark.parametrize("loop", [-1, "1", True, 1.5])
def test_a_loop_that_is_not_a_state_index_is_refused(loop: object) -> None:
    with pytest.raises(ItfError, match='"loop" must be the index of a state'):
        loop_of({"loop": loop, "states": []})


def test_a_saved_lasso_whose_loop_does_not_close_is_not_drawn() -> None:
    c, lasso = commit_never_decided()
    doc = to_itf(replay(c, lasso), c.model) | {"loop": 2}
    with pytest.raises(ItfError, match=r"the last state \(3\) is not state 2"):
        trace_from_itf(doc, c)


# ---------------------------------------------------------------- replay and render files


def test_replay_file_confirms_a_lasso_and_its_closing_step(tmp_path: Path) -> None:
    spec, path, _, _ = saved(tmp_path)
    outcome = api.replay_file(spec, path)
    assert outcome.ok
    assert outcome.message == (
        f"{path}: confirmed, 3 steps replayed (prefix of 1 step, then steps 2–3 repeat forever)"
    )


def test_replay_file_refuses_a_stutter_where_an_action_is_enabled(tmp_path: Path) -> None:
    spec, path, _, _ = saved(tmp_path)
    doc = json.loads(path.read_text()) | {"loop": 3}
    path.write_text(json.dumps(doc))
    outcome = api.replay_file(spec, path)
    assert not outcome.ok
    assert outcome.message.endswith("state 3 has successors, so the behavior cannot stutter there")


def test_the_cli_replays_and_renders_a_saved_lasso(tmp_path: Path) -> None:
    spec, path, _, _ = saved(tmp_path)
    runner = CliRunner()
    replayed = runner.invoke(app, ["replay", str(spec), str(path)])
    assert replayed.exit_code == 0 and "steps 2–3 repeat forever" in replayed.stdout
    dot = tmp_path / "lasso.dot"
    rendered = runner.invoke(app, ["render", str(spec), str(path), "-o", str(dot)])
    assert rendered.exit_code == 0
    assert 'class="loop-box"' in dot.read_text()


# ---------------------------------------------------------------- the JSON and text report


def lasso_report(tmp_path: Path, with_trace: bool = True) -> SpecReport:
    spec, _, loaded, trace = saved(tmp_path)
    lasso = Discovery("Acked", "eventually", (0, 0, 1, 0), loop_start=1)
    stats = Stats(5, 6, 4, 0.01, 500.0, 2)
    result = CheckResult(
        Verdict.VIOLATED, stats, (lasso,), (), (), (), liveness_checked=("Acked",),
        liveness_states=5, liveness_transitions=6,
    )  # fmt: skip
    traces = (trace,) if with_trace else ()
    return SpecReport(str(spec), "violated", loaded.source, loaded, result, traces)


def test_the_json_report_has_the_loop_start_and_the_itf_loop(tmp_path: Path) -> None:
    (violation,) = report.to_dict(lasso_report(tmp_path))["violations"]
    assert violation["kind"] == "eventually"
    assert (violation["trace_length"], violation["loop_start"]) == (3, 1)
    assert violation["trace"]["loop"] == 1 and len(violation["trace"]["states"]) == 4


def test_a_safety_violation_has_a_null_loop_start() -> None:
    corpus = Path(__file__).parents[1] / "corpus" / "violated" / "counter_invariant.dsl"
    (violation,) = report.to_dict(api.check_file(corpus))["violations"]
    assert violation["loop_start"] is None and "loop" not in violation["trace"]


def test_the_text_report_prints_the_lasso(tmp_path: Path) -> None:
    lines = report.to_text(lasso_report(tmp_path)).splitlines()
    assert lines[0].endswith("Retry — VIOLATED: Acked")
    assert lines[2].startswith("  liveness: Acked decided on 5 states, 6 transitions")
    assert lines[4] == (
        "  Retry: eventually Acked violated: a fair behavior never reaches it"
        " — prefix of 1 step, then steps 2–3 repeat forever"
    )
    assert "      ── loop starts here ──" in lines and "      ↩ back to step 2" in lines


def test_without_a_trace_the_report_still_describes_the_lasso(tmp_path: Path) -> None:
    lines = report.to_text(lasso_report(tmp_path, with_trace=False)).splitlines()
    assert lines[-1] == (
        "eventually Acked violated by a fair behavior: prefix of 1 step, then steps 2–3 repeat"
        " forever:"
    )


# ---------------------------------------------------------------- diagrams


def test_the_chart_of_a_lasso_knows_its_loop_and_trigger() -> None:
    c, lasso = request_ignored()
    chart = build_chart(replay(c, lasso), c.model)
    assert (chart.loop_start, chart.trigger) == (2, 1)
    assert (
        chart.verdict == "✗ leads_to Answered violated: triggered at step 1, its goal never follows"
    )


def svg(trace: Trace, path: Path, model: object) -> ET.Element:
    outcome = write_diagram(trace, model, path)  # type: ignore[arg-type]
    assert outcome.ok, outcome.message
    return ET.parse(path).getroot()


def texts(root: ET.Element, cls: str) -> list[str]:
    groups = [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]
    words = [" ".join(t.text or "" for t in g.iter(f"{SVG}text")) for g in groups]
    return [" ".join(w.split()) for w in words]  # wrapped lines read as one


@needs_dot
def test_the_rows_that_repeat_are_boxed_and_the_last_goes_back(tmp_path: Path) -> None:
    _, _, loaded, trace = saved(tmp_path)
    root = svg(trace, tmp_path / "lasso.svg", loaded.model)
    assert texts(root, "loop") == ["↻ steps 2–3 repeat forever"]
    steps = texts(root, "step")
    assert steps[3] == "3 ↩ back to step 2"
    assert texts(root, "final")[0].startswith("state 3 = state 1")
    assert texts(root, "violation") == ["✗ eventually Acked violated: never reached"]
    assert 'fill="#c0392b"' not in ET.tostring(_step(root, 3), encoding="unicode")  # not red


def _step(root: ET.Element, index: int) -> ET.Element:
    return [g for g in root.iter(f"{SVG}g") if "step" in (g.get("class") or "").split()][index]


@needs_dot
def test_a_stutter_is_boxed_and_says_nothing_is_enabled(tmp_path: Path) -> None:
    c, lasso = stuck_short()
    root = svg(replay(c, lasso), tmp_path / "stutter.svg", c.model)
    assert texts(root, "loop") == ["↻ stutters here forever"]
    assert texts(root, "step")[2] == "2 no action is enabled"
    assert texts(root, "final")[0].startswith("stutters in this state")


@needs_dot
def test_a_leads_to_marks_where_it_was_triggered(tmp_path: Path) -> None:
    c, lasso = request_ignored()
    root = svg(replay(c, lasso), tmp_path / "leads_to.svg", c.model)
    assert texts(root, "step")[1] == "1 ⚑ triggered here"
    assert texts(root, "loop") == ["↻ steps 3–4 repeat forever"]


@needs_dot
def test_lanes_stay_straight_through_the_loop_box(tmp_path: Path) -> None:
    c, lasso = commit_never_decided()
    root = svg(replay(c, lasso), tmp_path / "lasso.svg", c.model)
    for line in [g for g in root.iter(f"{SVG}g") if "lifeline" in (g.get("class") or "")]:
        d = next(line.iter(f"{SVG}path")).get("d", "")
        xs = [float(p.split(",")[0]) for p in d.replace("M", " ").replace("C", " ").split()]
        assert max(xs) - min(xs) < 1, "a lifeline bends"
