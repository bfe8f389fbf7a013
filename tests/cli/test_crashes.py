"""A crash is a verikit bug, never a verdict: every command exits 4 ("internal error"), names
the spec and the verikit version, says it is a bug in verikit and where its traceback went (a
crash report file to send to the maintainers), prints no traceback, and never exits 1. In a
directory run the specs after a crash still run, each with its own result."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from verikit import __version__, api, cli
from verikit.cli import app
from verikit.report import InternalError, SpecReport

CORPUS = Path(__file__).parents[1] / "corpus"
HOLDS = CORPUS / "holds" / "counter.dsl"
VIOLATED = CORPUS / "violated" / "counter_invariant.dsl"

runner = CliRunner()


def crash_when_analysing(monkeypatch: pytest.MonkeyPatch, spec_name: str = "Counter") -> None:
    """Every command analyses its spec: make that raise, as a bug in verikit would."""
    analyze = api.analyze

    def broken(spec: Any, *args: Any, **kwargs: Any) -> Any:
        if spec.name == spec_name:
            raise ZeroDivisionError("division by zero")
        return analyze(spec, *args, **kwargs)

    monkeypatch.setattr(api, "analyze", broken)


def crash_report_of(text: str) -> Path:
    found = re.search(r"the full traceback is in (\S+);", text)
    assert found, text
    return Path(found.group(1))


def test_a_crash_exits_4_and_says_it_is_a_verikit_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    crash_when_analysing(monkeypatch)
    result = runner.invoke(app, ["check", str(HOLDS)])
    assert result.exit_code == 4
    shown = result.stdout + result.stderr
    assert f"{HOLDS}: internal error in verikit {__version__}" in shown
    assert "bug in verikit" in shown and "ZeroDivisionError: division by zero" in shown
    assert "send that file, with the spec, to the verikit maintainers" in shown
    assert "Traceback" not in shown
    report = crash_report_of(shown)
    saved = report.read_text()
    assert "Traceback (most recent call last)" in saved and "ZeroDivisionError" in saved
    assert f"verikit {__version__}" in saved and str(HOLDS) in saved
    report.unlink()


@pytest.mark.parametrize("command", ["check", "bmc", "query", "prove", "replay", "render",
                                     "graph", "compile"])  # fmt: skip
def test_every_command_exits_4_on_a_crash_never_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    trace = tmp_path / "cex.itf.json"
    assert runner.invoke(app, ["check", str(VIOLATED), "--trace-out", str(trace)]).exit_code == 1
    crash_when_analysing(monkeypatch)
    args = {
        "replay": [str(VIOLATED), str(trace)],
        "render": [str(VIOLATED), str(trace), "-o", str(tmp_path / "cex.dot")],
        "graph": [str(VIOLATED), "-o", str(tmp_path / "states.dot")],
    }.get(command, [str(VIOLATED)])
    result = runner.invoke(app, [command, *args])
    assert result.exit_code == 4
    shown = result.stdout + result.stderr
    assert f"internal error in verikit {__version__} ({command})" in shown
    assert "Traceback" not in shown
    crash_report_of(shown).unlink()


def test_in_a_directory_the_specs_after_a_crash_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(HOLDS, tmp_path / "a_crashes.dsl")
    other = (tmp_path / "b_holds.dsl")
    other.write_text(HOLDS.read_text().replace("spec Counter", "spec Other"))
    crash_when_analysing(monkeypatch)
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == 4
    first, second, summary = (json.loads(line) for line in result.stdout.splitlines())
    assert summary["summary"] | {"seconds": 0} == {"specs": 2, "holds": 1, "expected": 0,
        "violated": 0, "incomplete": 0, "error": 0, "internal": 1, "seconds": 0}  # fmt: skip
    assert first["spec"].endswith("a_crashes.dsl") and first["verdict"] == "internal"
    [error] = first["errors"]
    assert error["kind"] == "internal" and error["version"] == __version__
    assert "ZeroDivisionError" in error["message"]
    assert Path(error["crash_report"]).is_file()
    Path(error["crash_report"]).unlink()
    assert second["spec"].endswith("b_holds.dsl") and second["verdict"] == "holds"


def test_a_spec_error_object_says_its_kind_is_spec() -> None:
    bad = CORPUS / "error" / "unknown_variable.dsl"
    result = runner.invoke(app, ["check", str(bad), "--format", "json"])
    assert result.exit_code == 2
    [error] = json.loads(result.stdout)["errors"]
    assert error["kind"] == "spec" and error["line"] == 5


def test_an_internal_error_outranks_every_other_exit_code() -> None:
    crash = InternalError("a.dsl", "check", "ZeroDivisionError", None, __version__)
    reports = {v: SpecReport(f"{v}.dsl", v) for v in ("holds", "incomplete", "violated", "error")}
    assert api.exit_code([*reports.values(), crash]) == 4
    assert api.exit_code(list(reports.values())) == 2
    assert api.exit_code([reports["holds"], reports["incomplete"], reports["violated"]]) == 1
    assert api.exit_code([reports["holds"], reports["incomplete"]]) == 3
    assert api.prove_exit_code([crash]) == 4


def test_a_crash_outside_any_command_body_still_exits_4(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_error_report(*args: Any) -> str:
        raise RuntimeError("the error report itself is broken")

    monkeypatch.setattr(cli, "render_all", broken_error_report)  # used by _guarded itself
    monkeypatch.setattr(cli.interrupts, "install", lambda: True)  # not in the test process
    bad = CORPUS / "error" / "type_mismatch.dsl"
    monkeypatch.setattr("sys.argv", ["verikit", "compile", str(bad)])  # a SpecError to render
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 4
    err = capsys.readouterr().err
    assert "internal error in verikit" in err and "RuntimeError" in err
    assert "Traceback" not in err
    crash_report_of(err).unlink()
