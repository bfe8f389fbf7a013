"""A tiny spec and implementations of it, for the harness's tests."""

from pathlib import Path

SPEC = """\
spec Tiny

var x: 0..3 = 0
var heads: 0..2 = 0

action inc when x < 3 { x = x + 1 }
action reset(to: 0..1) when x == 3 { x = to }
action flip when heads < 2 {
  choose b in bool {
    if b { heads = heads + 1 }
  }
}

invariant Bounded: INVARIANT
"""


def write_spec(directory: Path, invariant: str = "x <= 3") -> Path:
    path = directory / "tiny.dsl"
    path.write_text(SPEC.replace("INVARIANT", invariant))
    return path


class Counter:
    """Implements Tiny: its coin comes up heads every other flip (the spec allows either)."""

    def __init__(self) -> None:
        self.x = 0
        self.heads = 0
        self.flips = 0

    def inc(self) -> None:
        self.x += 1

    def reset(self, to: int) -> None:
        self.x = to

    def flip(self) -> None:
        self.flips += 1
        if self.flips % 2 == 0:
            self.heads += 1

    def observe(self) -> dict[str, object]:
        return {"x": self.x, "heads": self.heads}


class ResetsToZero(Counter):
    """A bug: reset ignores where it was asked to reset to."""

    def reset(self, to: int) -> None:
        self.x = 0


class CrashesAtTwo(Counter):
    def inc(self) -> None:
        if self.x == 2:
            raise RuntimeError("overflow")
        self.x += 1


class HidesHeads(Counter):
    """Observes only x: heads is the spec's to track."""

    def observe(self) -> dict[str, object]:
        return {"x": self.x}
