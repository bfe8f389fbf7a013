"""The Markdown report (`--report`, and GitHub's step summary): the closing summary as its
title, one table row per spec, then each counterexample as a Mermaid block that parses, with
its text trace folded underneath; a bad spec shows its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.report.mermaid_grammar import parse
from tests.report.runs import check_all
from verikit.report import to_markdown


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory) -> str:
    return to_markdown(list(check_all(tmp_path_factory.mktemp("specs")).values()), 2.0)


def test_the_title_is_the_closing_summary(markdown: str) -> None:
    assert markdown.startswith(
        "## verikit: 4 specs: 1 holds, 1 expected violation, 1 violated, 1 error (2.0 s)\n"
    )


def test_one_table_row_per_spec(markdown: str) -> None:
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    marks = [row.split(" | ")[1] for row in rows]
    assert marks == ["✅ holds", "❌ violated", "✅ expected violation", "❌ error"]
    assert "bad.dsl:3:29: unknown variable `y`" in rows[3]


def test_each_counterexample_is_a_mermaid_chart_with_its_trace(markdown: str) -> None:
    charts = re.findall(r"```mermaid\n(.*?)```", markdown, re.S)
    assert len(charts) == 2  # the violation and the expected one
    for chart in charts:
        assert parse(chart).notes[-1][1].startswith("✗ invariant NeverTwo violated")
    assert markdown.count("<details><summary>Text trace</summary>") == 2
    assert "Expected: this spec demonstrates a bug" in markdown


def test_a_bad_spec_shows_its_error_with_the_caret(markdown: str) -> None:
    block = markdown.split("bad.dsl`\n", 1)[1]
    assert "unknown variable `y`" in block and "^" in block


def test_a_pipe_in_a_message_does_not_break_the_table(tmp_path: Path) -> None:
    from verikit import api

    spec = tmp_path / "pipe.dsl"
    spec.write_text("spec Pipe\nvar x: 0..1 = 0\ninvariant P: x ||| 1\n")
    report = api.check_file(spec, backend="python")
    row = next(line for line in to_markdown([report], 0.1).splitlines() if line.startswith("| `"))
    assert row.count(" | ") == 3
