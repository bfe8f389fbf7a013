"""Bounded model checking with Z3: seconds per depth on one spec, against the explicit engine
to the same depth, measured in the same run.

    .venv/bin/python bench/bmc.py specs/raft.dsl --depth 5
    .venv/bin/python bench/bmc.py specs/two_phase_commit.dsl --depth 8 --const N=4

bmc asserts one more transition per depth and asks Z3 whether a bad state is reachable at
exactly that depth (push/pop), so its cost per depth grows with the depth; the explicit
engine's cost grows with the number of states within the depth. Reported: the encoding time,
Z3's seconds for each depth (cumulative, too), the explicit engine's seconds to explore the
same number of steps (`max_depth` = depth + 1 BFS levels) and the ratio bmc / explicit.
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
from verikit.symbolic.bmc import bmc  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--const", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    loaded = api.load(args.spec, api.parse_const_overrides(args.const))

    print(f"{args.spec} {' '.join(args.const)}: bmc to depth {args.depth}", flush=True)
    rows: list[float] = []

    def row(depth: int, seconds: float) -> None:  # as each depth ends: a long run shows progress
        if not rows:
            print("  depth   Z3 s   cumulative s (encoding included)")
        rows.append(seconds)
        print(f"  {depth:5}  {seconds:6.2f}  {time.monotonic() - started:12.2f}", flush=True)

    started = time.monotonic()
    run = bmc(loaded.model, args.depth, progress=row)
    bmc_total = time.monotonic() - started
    size = ", ".join(f"{v:,} {k}" for k, v in run.size.items())
    print(f"  encoding {run.encode_seconds:.2f} s ({size})")

    started = time.monotonic()
    explicit = check(loaded.compiled, CheckOptions(max_depth=args.depth + 1))
    explicit_total = time.monotonic() - started

    outcome = f"nothing bad within depth {run.checked}"
    if run.bad is not None:
        outcome = f"a shortest violation, {run.bad.length} steps"
    if run.unknown:
        outcome = f"Z3 gave up ({run.unknown}) after depth {run.checked}"
    print(f"  bmc: {outcome}; {bmc_total:.2f} s in all")
    print(
        f"  explicit engine to the same depth: {explicit.stats.distinct_states:,} states, "
        f"{explicit_total:.2f} s ({explicit.verdict.value})"
    )
    print(f"  ratio bmc / explicit: {bmc_total / max(explicit_total, 1e-6):,.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
