"""What action properties (`always step:`) cost the explicit search, for one spec.

    .venv/bin/python bench/action_properties.py specs/reference/tla_two_phase.dsl \\
        --const RMs=5 --property "always step: tmState != Init implies tmState' == tmState"

The spec is checked (Python backend: native refuses action properties) as written and with
the given action property appended, `--repeat` times each, alternating, best time kept. The
property is evaluated on every step that changes the state, over the pair (before, after):
the ratio of the two times is its cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `verikit` from the checkout even without an install

from verikit import api  # noqa: E402
from verikit.engine import CheckOptions, check  # noqa: E402
from verikit.errors import SourceFile  # noqa: E402


def timed(text: str, name: str, consts: dict[str, api.ConstValue]) -> tuple[float, int, int]:
    loaded = api.load_source(SourceFile(name, text), consts)
    started = time.perf_counter()
    result = check(loaded.compiled, CheckOptions())
    seconds = time.perf_counter() - started
    return seconds, result.stats.distinct_states, result.stats.transitions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--const", action="append", default=[])
    parser.add_argument("--property", required=True, help="e.g. \"always step: x' >= x\"")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    consts = api.parse_const_overrides(args.const)
    plain = Path(args.spec).read_text(encoding="utf-8")
    stepped = plain + f"\nproperty BenchStep: {args.property}\n"
    best = {"plain": float("inf"), "with the action property": float("inf")}
    sizes: dict[str, tuple[int, int]] = {}
    for _ in range(args.repeat):
        for label, text in (("plain", plain), ("with the action property", stepped)):
            seconds, states, transitions = timed(text, args.spec, consts)
            best[label] = min(best[label], seconds)
            sizes[label] = (states, transitions)
    for label, seconds in best.items():
        states, transitions = sizes[label]
        print(f"{label:>26}: {seconds:.2f} s, {states:,} states, {transitions:,} transitions")
    print(f"{'ratio':>26}: {best['with the action property'] / best['plain']:.2f}")


if __name__ == "__main__":
    main()
