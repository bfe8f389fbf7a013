"""The CI recipes shipped with verikit run as written: the `verikit` commands of the example
workflow in docs/ci.md, of the GitHub action (action.yml) and of the pre-commit hook
(.pre-commit-hooks.yaml), each in a shell, on a directory of bundled specs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
# the two bug variants extend the two specs they break, which come along
SPECS = ("two_phase_commit", "two_phase_commit_buggy", "queue_idempotent", "queue_idempotent_no_dedup")
SARIF_SCHEMA = json.loads((ROOT / "tests" / "report" / "sarif-schema-2.1.0.json").read_text())
INSTALL = re.compile(r'python -m pip install "\$\{\{ github\.action_path \}\}"')


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A repository with a specs/ directory, as the workflow's checkout step leaves it."""
    (tmp_path / "specs").mkdir()
    for name in SPECS:
        shutil.copy(ROOT / "specs" / f"{name}.dsl", tmp_path / "specs")
    return tmp_path


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`command` in bash, with this interpreter's `verikit` first on the PATH (the install)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    environment = {**os.environ, "PATH": path, "GITHUB_ACTIONS": "", **env}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=environment, text=True,
                          capture_output=True, timeout=300, check=False)  # fmt: skip


def run_steps(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r"^\s*(?:- )?run: (.+)$", text, re.M)]


def workflow() -> str:
    doc = (ROOT / "docs" / "ci.md").read_text()
    section = doc.split("### Example workflow", 1)[1]
    (block,) = re.findall(r"```yaml\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    return str(block)


def assert_reports(cwd: Path) -> None:
    junit = ET.parse(cwd / "verikit-junit.xml").getroot()
    assert len(junit.findall("testsuite")) == len(SPECS) and junit.get("failures") == "0"
    jsonschema.validate(json.loads((cwd / "verikit.sarif").read_text()), SARIF_SCHEMA)
    assert (cwd / "verikit-report.md").read_text().count("```mermaid") == 2


def test_the_example_workflow_runs_as_written(checkout: Path) -> None:
    steps = run_steps(workflow())
    assert [s for s in steps if not s.startswith("verikit ")] == [
        'python -m pip install "verikit @ git+https://github.com/verikit/verikit"'
    ]  # the install is the one step not run here: this interpreter's verikit stands for it
    for step in (s for s in steps if s.startswith("verikit ")):
        done = shell(step, checkout)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    assert_reports(checkout)


def test_the_action_runs_as_written(checkout: Path) -> None:
    steps = run_steps((ROOT / "action.yml").read_text())
    assert INSTALL.fullmatch(steps[0]), steps[0]
    (check,) = steps[1:]
    done = shell(check, checkout, SPECS="specs", ARGS="--backend python")
    assert done.returncode == 0, done.stderr
    assert_reports(checkout)
    again = shell(check, checkout, SPECS="specs", ARGS="")  # --force: a rerun replaces them
    assert again.returncode == 0, again.stderr


def test_the_pre_commit_hook_runs_as_written(checkout: Path) -> None:
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text()
    entry = re.search(r"^  entry: (.+)$", hook, re.M)
    args = re.search(r"^  args: \[(.+)\]", hook, re.M)
    assert entry is not None and args is not None
    done = shell(f"{entry[1]} {args[1]}", checkout)
    assert done.returncode == 0 and "4 specs: 2 hold, 2 expected violations" in done.stdout
