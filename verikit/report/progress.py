"""The live progress line of a long run, drawn by rich on an interactive terminal only.

    line = TerminalLine(Console(stderr=True))
    line.show(search_line(states=1_234, depth=7, per_second=5_000.0, queue=80, seconds=3.0))
    line.clear()                      # before the report

Each update goes back to the start of the line, erases it and writes the new one cut to one
column less than the terminal is wide: a line that wrapped used to leave its first part
behind at every update (a trail of stale lines on a 60-column terminal). rich measures the
text in terminal cells (a wide character counts twice), cuts it with an ellipsis and styles
it; it leaves colour out under NO_COLOR and every style off a terminal. Whether a line is
drawn at all (a terminal, not CI, not JSON) is the caller's choice: see `wanted`.
"""

from __future__ import annotations

import os
from typing import IO

from rich.console import Console
from rich.text import Text

ERASE = "\r\x1b[K"  # to the line's start, then erase to its end
NUMBER, PHASE = "bold", "cyan"


def wanted(stream: IO[str]) -> bool:
    """A progress line is for a person at an interactive terminal: never in CI logs, pipes,
    files or a terminal that cannot move the cursor (TERM=dumb)."""
    is_terminal = getattr(stream, "isatty", lambda: False)()
    return bool(is_terminal) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class TerminalLine:
    """One line of a terminal, rewritten in place."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def show(self, line: Text | str) -> None:
        text = Text(line) if isinstance(line, str) else line.copy()
        text.no_wrap = True
        text.truncate(max(self.console.width - 1, 1), overflow="ellipsis")
        self.console.file.write(ERASE)
        self.console.print(text, end="", soft_wrap=True, highlight=False)
        self.console.file.flush()

    def clear(self) -> None:
        self.console.file.write(ERASE)
        self.console.file.flush()


def search_line(
    states: int, depth: int, per_second: float, queue: int, seconds: float, phase: str = ""
) -> Text:
    """`  1,234 states  depth 7  5,000 states/s  queue 80  3 s`, the numbers in bold; a
    phase other than the safety search (liveness, a second pass) comes first."""
    text = Text("  ")
    if phase:
        text.append(f"{phase}: ", style=PHASE)
    return _fields(
        text,
        (f"{states:,}", " states  depth "),
        (str(depth), "  "),
        (f"{per_second:,.0f}", " states/s  queue "),
        (f"{queue:,}", "  "),
        (f"{seconds:.0f}", " s"),
    )


def bmc_line(done: int, depth: int, last: float, seconds: float) -> Text:
    """`  bmc: depth 3 of 12 checked (0.4 s), checking depth 4  9 s`."""
    doing = f"checking depth {done + 1}" if done < depth else "done"
    text = Text("  ")
    text.append("bmc: ", style=PHASE)
    return _fields(text, ("", "depth "), (str(done), f" of {depth} checked ({last:.1f} s), "),
                   ("", f"{doing}  "), (f"{seconds:.0f}", " s"))  # fmt: skip


def simulation_line(runs: int, steps: int, seconds: float) -> Text:
    """`  simulate: 120 runs  4,800 steps  2,400 steps/s  2 s`."""
    rate = steps / seconds if seconds > 0 else 0.0
    text = Text("  ")
    text.append("simulate: ", style=PHASE)
    return _fields(text, (f"{runs:,}", " runs  "), (f"{steps:,}", " steps  "),
                   (f"{rate:,.0f}", " steps/s  "), (f"{seconds:.0f}", " s"))  # fmt: skip


def _fields(text: Text, *pairs: tuple[str, str]) -> Text:
    for number, words in pairs:
        text.append(number, style=NUMBER)
        text.append(words)
    return text
