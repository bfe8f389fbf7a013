"""The progress line, as a terminal shows it: rich writes each update over the last, cut to
the width, so a 60-column terminal keeps one line however long the numbers grow; colour only
without NO_COLOR, and no line at all off a terminal or in CI.

The terminal is emulated as far as the line uses it: characters fill a row and wrap at the
width; a carriage return goes back to the row's start; ESC [ K erases to the row's end.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from verikit.report.progress import (
    TerminalLine,
    bmc_line,
    search_line,
    simulation_line,
    wanted,
)

STYLE = re.compile(r"\x1b\[[0-9;]*m")


def screen(written: str, width: int) -> list[str]:
    """The rows a terminal `width` columns wide shows after `written` (styles ignored)."""
    rows, row, col = [[" "] * width], 0, 0
    text = STYLE.sub("", written)
    i = 0
    while i < len(text):
        if text.startswith("\x1b[K", i):
            rows[row][col:] = [" "] * (width - col)
            i += 3
            continue
        char = text[i]
        i += 1
        if char == "\r":
            col = 0
            continue
        if col == width:  # the cursor waits at the margin; the next character wraps
            row, col = row + 1, 0
            rows.append([" "] * width)
        rows[row][col] = char
        col += 1
    return ["".join(r).rstrip() for r in rows]


def terminal(width: int = 60, **options: object) -> tuple[TerminalLine, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, **options)  # type: ignore[arg-type]
    return TerminalLine(console), out


def test_at_60_columns_every_update_overwrites_the_last_and_leaves_no_stale_line() -> None:
    line, out = terminal(60)
    for n in range(1, 9):
        big = 10**n
        line.show(search_line(big * 37, n * 11, big * 3.5, big, n * 60.0, "liveness" * (n % 2)))
    rows = [r for r in screen(out.getvalue(), 60) if r]
    assert len(rows) == 1
    last = rows[0]
    assert len(last) <= 59 and last.startswith("  3,700,000,000 states  depth 88")
    assert last.endswith("…")  # cut, and says so


@pytest.mark.parametrize("width", [20, 40, 60, 80, 200])
def test_no_width_leaves_a_stale_line(width: int) -> None:
    line, out = terminal(width)
    line.show(bmc_line(3, 12, 0.41, 9.0))
    line.show(simulation_line(1_234_567, 98_765_432, 61.0))
    line.show(search_line(5, 1, 10.0, 2, 0.0))
    rows = [r for r in screen(out.getvalue(), width) if r]
    assert len(rows) == 1 and len(rows[0]) < width
    line.clear()
    assert [r for r in screen(out.getvalue(), width) if r] == []


def test_the_line_reads_as_before() -> None:
    text = search_line(1_234, 7, 5_000.0, 80, 3.0).plain
    assert text == "  1,234 states  depth 7  5,000 states/s  queue 80  3 s"
    assert search_line(1, 1, 1.0, 1, 1.0, "liveness").plain.startswith("  liveness: 1 states")
    assert bmc_line(3, 12, 0.41, 9.0).plain == (
        "  bmc: depth 3 of 12 checked (0.4 s), checking depth 4  9 s"
    )
    assert bmc_line(12, 12, 0.41, 9.0).plain.endswith("done  9 s")
    assert simulation_line(2, 100, 0.0).plain == "  simulate: 2 runs  100 steps  0 steps/s  0 s"


def test_numbers_are_bold_and_the_phase_coloured_unless_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    line, out = terminal(80, color_system="standard")
    line.show(search_line(1_234, 7, 5_000.0, 80, 3.0, "liveness"))
    assert "\x1b[1m1,234" in out.getvalue() and "\x1b[36mliveness" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    line, out = terminal(80, color_system="standard")
    line.show(search_line(1_234, 7, 5_000.0, 80, 3.0, "liveness"))
    assert "\x1b[36m" not in out.getvalue() and "liveness: " in out.getvalue()


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_only_an_interactive_terminal_outside_ci_wants_the_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wanted(Tty())
    assert not wanted(io.StringIO())  # a pipe or a file
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(Tty())
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("CI", "true")
    assert not wanted(Tty())


def test_off_a_terminal_rich_writes_the_plain_text() -> None:
    out = io.StringIO()
    TerminalLine(Console(file=out, width=60)).show(search_line(1, 2, 3.0, 4, 5.0, "liveness"))
    assert out.getvalue() == "\r\x1b[K  liveness: 1 states  depth 2  3 states/s  queue 4  5 s"
