"""Verdicts and errors are coloured for a person at a terminal, and only there: never with
NO_COLOR set, in a pipe, or in JSON."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.report.runs import write_specs
from verikit import cli
from verikit.cli import app

runner = CliRunner()
RED, GREEN = "\x1b[31m", "\x1b[32m"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_is_for_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(cli.sys, "stdout", Terminal())
    assert cli._colour_on()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._colour_on()
    monkeypatch.setattr(cli.sys, "stdout", io.StringIO())  # a pipe
    monkeypatch.delenv("NO_COLOR")
    assert not cli._colour_on()


def test_headlines_and_errors_are_coloured_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_specs(tmp_path)
    monkeypatch.setattr(cli, "_colour_on", lambda: True)
    out = runner.invoke(app, ["check", str(tmp_path), "--backend", "python"], color=True).stdout
    bold, reset = "\x1b[1m", "\x1b[0m"
    assert f"— {RED}{bold}VIOLATED{reset}: NeverTwo" in out
    assert f"— {GREEN}{bold}all properties hold{reset}" in out
    assert f"bad.dsl:3:29: {RED}{bold}error{reset}: unknown variable" in out
    trace = [line for line in out.splitlines() if line.startswith("   ")]  # steps, values
    assert trace and not any("\x1b[" in line for line in trace)


def test_never_in_a_pipe_or_json(tmp_path: Path) -> None:
    write_specs(tmp_path)
    for args in ([], ["-f", "json"]):
        out = runner.invoke(app, ["check", str(tmp_path), "--backend", "python", *args]).stdout
        assert "\x1b[" not in out
