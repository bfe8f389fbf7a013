"""The help reads whole at any width, shows each option's choices, and every usage error
(Typer's or verikit's) has one style: `error: …` on standard error, exit 2. typer is pinned
to the range these tests ran on (pyproject.toml); verikit needs no separate click."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit import cli
from verikit.cli import app

runner = CliRunner()
BOX = re.compile(r"[│╭╮╰╯─]")


def help_text(*args: str, width: int = 80) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0
    return result.stdout


def words(text: str) -> str:
    """The text without the box drawing, its words joined by single spaces."""
    return " ".join(BOX.sub(" ", text).replace("`", "").split())


@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_command_description_is_whole_at_any_width(width: int) -> None:
    shown = words(help_text(width=width))
    for command in ("simulate", "bmc", "query", "prove"):
        doc = inspect.getdoc(getattr(cli, f"{command}_command"))
        assert doc is not None and words(doc) in shown, command


@pytest.mark.parametrize("width", [60, 80, 120])
def test_descriptions_wrap_at_the_width_not_at_the_docstring_lines(width: int) -> None:
    """A continued description line was as full as the next word allowed (it used to break
    where the docstring's source lines did, leaving half-empty lines)."""
    panel = help_text(width=width).split("Commands", 1)[1].splitlines()[1:]
    rows = [line.strip("│ ").rstrip() and line[1:-1] for line in panel if line.startswith("│")]
    start = len(rows[0]) - len(rows[0][2:].lstrip()[rows[0][2:].lstrip().index(" "):].lstrip())
    for line, after in zip(rows, rows[1:], strict=False):
        if after[:start].strip():
            continue  # the next row is another command
        room = len(line) - start
        used, next_word = len(line.rstrip()) - start, after[start:].split()[0]
        assert used + 1 + len(next_word) > room - 2, (line, after)  # rich pads a column


def test_choices_and_value_shapes_are_shown() -> None:
    shown = words(help_text("check", width=120))
    for metavar in ("--format -f [text|json]", "--engine [explicit|smt]",
                    "--backend [auto|native|python]", "--const -c NAME=VALUE"):  # fmt: skip
        assert metavar in shown, metavar
    assert "<str>" not in shown and "list[str]" not in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus"], "error: No such option: --bogus"),
        (["check"], "error: Missing argument 'target'."),
        (["check", "x.dsl", "--max-states", "abc"], "error: Invalid value for '--max-states'"),
        (["check", "/nonexistent/x.dsl"], "error: /nonexistent/x.dsl: no such file"),
    ],
)
def test_every_usage_error_has_one_style(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.startswith(message)
    assert not BOX.search(result.stderr) and len(result.stderr.splitlines()) == 1


def test_the_cli_runs_without_a_separate_click() -> None:
    code = "import sys; sys.modules['click'] = None; import verikit.cli"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_shell_completion_is_installable() -> None:
    verikit = Path(sys.executable).parent / "verikit"
    done = subprocess.run([str(verikit), "--show-completion", "bash"], capture_output=True,
                          text=True, check=False, env={"PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0 and "_verikit_completion" in done.stdout
    assert "--install-completion" in words(help_text(width=120))


def test_help_points_to_the_published_docs_not_to_a_local_directory() -> None:
    shown = words(help_text(width=200))
    assert f"{cli.DOCS}/language.md" in shown and cli.DOCS.startswith("https://")
    assert " docs/" not in shown
