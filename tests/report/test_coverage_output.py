"""`check --coverage` in text and JSON: each action's successors and new states, never
enabled actions marked, each reachable's witness depth, and which backend counted."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.report.runs import write_specs
from verikit import api
from verikit.cli import app
from verikit.report import check_schema

runner = CliRunner()
NEVER = "  action stuck when x > 5 { x = 0 }\n"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", *args, "--coverage", "--backend", "python"])
    return result.exit_code, result.stdout


def test_text_shows_each_action_and_each_witness(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["counter"]
    spec.write_text(spec.read_text() + NEVER.strip() + "\n")
    code, out = run(str(spec))
    assert code == 0
    assert "  coverage (python backend; successors generated / distinct new states):" in out
    assert "    inc              3 / 3\n" in out
    assert "    stuck            0 / 0  never enabled\n" in out
    assert "  reachable Three: witnessed at depth 3" in out


def test_json_carries_the_same_numbers_and_validates(tmp_path: Path) -> None:
    import jsonschema

    code, out = run(str(write_specs(tmp_path)["counter"]), "--format", "json")
    doc = json.loads(out)
    jsonschema.Draft202012Validator(check_schema()).validate(doc)
    assert doc["coverage"] == {
        "backend": "python",
        "actions": [{"action": "inc", "kind": "action", "successors": 3, "distinct_states": 3,
                     "enabled": True}],
        "witnesses": {"Three": 3},
        "unreached": [],
    }  # fmt: skip


def test_coverage_is_for_the_explicit_engine(tmp_path: Path) -> None:
    spec = write_specs(tmp_path)["counter"]
    result = runner.invoke(app, ["check", str(spec), "--coverage", "--engine", "smt"])
    assert result.exit_code == api.EXIT_ERROR and "explicit engine" in result.output
