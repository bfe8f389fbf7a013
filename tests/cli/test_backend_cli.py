"""`verikit check --backend auto|native|python --workers N --full-states`: the report always
says which backend ran and why; a backend that cannot run is a usage error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit.cli import app

from ..native.handwritten import needs_compiler

ROOT = Path(__file__).resolve().parents[2]
TWOPHASE = str(ROOT / "specs" / "reference" / "tla_two_phase.dsl")
BUGGY = str(ROOT / "specs" / "two_phase_commit_buggy.dsl")

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@needs_compiler
def test_auto_runs_native_and_says_so_in_text_and_json() -> None:
    code, out, _ = run("check", TWOPHASE, "--workers", "2")
    assert code == 0
    line = out.splitlines()[2]
    assert line.startswith("  backend: native, 2 workers (a C compiler was found and the spec is")
    assert "fingerprint collision probability" in line
    code, out, _ = run("check", BUGGY, "--format", "json", "--workers", "1")
    assert code == 0
    backend = json.loads(out)["backend"]
    assert (backend["name"], backend["workers"]) == ("native", 1)
    assert set(backend) == {"name", "reason", "workers", "build_seconds", "cached",
                            "search_seconds", "collision_probability"}  # fmt: skip


def test_python_when_asked_for() -> None:
    code, out, _ = run("check", TWOPHASE, "--backend", "python")
    assert code == 0
    assert out.splitlines()[2] == "  backend: python (asked for with --backend python)"


def test_without_a_compiler_auto_says_why_it_ran_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-anywhere")
    code, out, _ = run("check", TWOPHASE)
    assert code == 0
    assert out.splitlines()[2].startswith("  backend: python (no C compiler found")


def test_native_without_a_compiler_is_a_usage_error_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-anywhere")
    code, out, err = run("check", TWOPHASE, "--backend", "native")
    assert code == 2 and out == ""
    assert "--backend native: no C compiler found" in err
    assert "apt-get install gcc" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--backend", "fast"), "--backend must be auto, native or python, got `fast`"),
        (("--workers", "0"), "--workers must be at least 1, got 0"),
        (("--engine", "smt", "--backend", "native"), "--backend and --workers choose how the"),
    ],
)
def test_bad_backend_options_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    code, _, err = run("check", TWOPHASE, *args)
    assert code == 2 and message in err


@needs_compiler
def test_full_states_compare_whole_states() -> None:
    code, out, _ = run("check", TWOPHASE, "--full-states", "--backend", "native")
    assert code == 0
    assert out.splitlines()[2].endswith("; whole states compared")
