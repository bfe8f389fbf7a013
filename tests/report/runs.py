"""Small specs, one per outcome a CI report must show, checked on the python backend."""

from __future__ import annotations

from pathlib import Path

from verikit import api
from verikit.report import SpecReport

COUNTER = """spec Counter
var x: 0..3 = 0
action inc when x < 3 { x = x + 1 }
terminal when x == 3
invariant Small: x <= 3
reachable Three: x == 3
"""
VIOLATED = """spec Broken
var x: 0..3 = 0
action inc when x < 3 { x = x + 1 }
terminal when x == 3
invariant NeverTwo: x != 2
"""
EXPECTED = VIOLATED.replace("spec Broken", "spec BugVariant") + "expect violation NeverTwo\n"
BAD = """spec Bad
var x: 0..3 = 0
action inc when x < 3 { x = y + 1 }
"""
SPECS = {"counter": COUNTER, "violated": VIOLATED, "expected": EXPECTED, "bad": BAD}


def write_specs(directory: Path) -> dict[str, Path]:
    paths = {}
    for name, source in SPECS.items():
        paths[name] = directory / f"{name}.dsl"
        paths[name].write_text(source)
    return paths


def check(path: Path) -> SpecReport:
    return api.check_file(path, backend="python")


def check_all(directory: Path) -> dict[str, SpecReport]:
    return {name: check(path) for name, path in write_specs(directory).items()}
