"""GitHub Actions workflow commands: a violation annotates its property's lines, a spec error
its span, an incomplete search warns on the spec; an expected violation is not annotated;
messages and properties are escaped as the Actions toolkit escapes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.report.runs import check_all
from verikit.errors import Span
from verikit.report.github import command, enabled, workflow_commands

COMMAND = re.compile(r"::(error|warning) ((?:[a-zA-Z]+=[^,:]*,?)+)::(.*)")


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return workflow_commands(list(check_all(tmp_path_factory.mktemp("specs")).values()))


def fields(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.fullmatch(line)
    assert match is not None, line
    pairs = dict(pair.split("=", 1) for pair in match[2].split(","))
    return match[1], pairs, match[3]


def test_on_only_when_github_actions_is_true() -> None:
    assert enabled({"GITHUB_ACTIONS": "true"})
    assert not enabled({"GITHUB_ACTIONS": "false"}) and not enabled({})


def test_a_violation_and_a_spec_error_are_annotated_nothing_else(commands: list[str]) -> None:
    files = sorted(Path(fields(line)[1]["file"]).name for line in commands)
    assert files == ["bad.dsl", "violated.dsl"]


def test_a_violation_annotates_the_property_with_its_trace(commands: list[str]) -> None:
    (line,) = [c for c in commands if "violated.dsl" in c]
    level, pairs, message = fields(line)
    assert level == "error" and pairs["title"] == "verikit%3A invariant NeverTwo"
    assert (pairs["line"], pairs["col"], pairs["endLine"], pairs["endColumn"]) == (
        "5", "1", "5", "27",
    )  # fmt: skip
    assert "\n" not in line and message.startswith("invariant NeverTwo violated after 2 steps")
    assert "%0A 1. inc%0A" in message


def test_a_spec_error_annotates_its_span(commands: list[str]) -> None:
    (line,) = [c for c in commands if "bad.dsl" in c]
    level, pairs, message = fields(line)
    assert (level, pairs["line"], pairs["col"], message) == ("error", "3", "29",
                                                             "unknown variable `y`")  # fmt: skip


def test_escaping_follows_the_actions_toolkit() -> None:
    line = command("error", "100% sure\r\nnext", "a,b:c.dsl", Span("x", 2, 3), "t: 1, 2")
    assert line == "::error file=a%2Cb%3Ac.dsl,line=2,col=3,title=t%3A 1%2C 2::100%25 sure%0D%0Anext"
