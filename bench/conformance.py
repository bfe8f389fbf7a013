"""The conformance harness against the lease lock's subtle seeded bug (storage that keeps the
fencing tokens but skips the check, examples/lease_lock): how often a run reaches it, and how
long hypothesis takes to find and shrink it.

    .venv/bin/python bench/conformance.py                  # both parts, default sizes
    .venv/bin/python bench/conformance.py --runs 3000 --seeds 10

Part 1 drives the harness with plain random choices (no hypothesis), `--runs` runs of 20
steps each, with every fault kind possible in every run ("uniform") and with each fault kind
left out of a run with probability 1/2 ("swarm", what verikit.testing does): the share of runs
that reach the 14-step mismatch. Part 2 runs the hypothesis test itself, not derandomized,
under `--seeds` seeds (1,000 examples, 20 steps, the explain phase off): seconds to the shrunk
failure and its length. Times are wall seconds; the machine may be shared, so print the load.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples" / "lease_lock"))

from hypothesis import Phase, seed, settings  # noqa: E402
from lease_adapter import UncheckedLeaseAdapter  # noqa: E402

from verikit.api import load  # noqa: E402
from verikit.compile.compiled import Successor  # noqa: E402
from verikit.testing import ConformanceFailure, conformance_test  # noqa: E402
from verikit.testing.adapter import bind  # noqa: E402
from verikit.testing.conformance import FAULT_KINDS  # noqa: E402
from verikit.testing.harness import Mismatch, SpecCache, run  # noqa: E402

SPEC = ROOT / "specs" / "lease_fencing.dsl"
STEPS = 20


def reach_rate(runs: int, swarm: bool) -> float:
    """The share of random runs of STEPS steps that end in the mismatch."""
    compiled = load(SPEC).compiled
    binding = bind(compiled.model, UncheckedLeaseAdapter)
    cache = SpecCache(compiled)
    kinds = [a.kind for a in compiled.model.actions]
    rng = random.Random(1)
    hits = 0
    for _ in range(runs):
        muted = {k for k in FAULT_KINDS if swarm and rng.random() < 0.5}

        def choose(successors: Sequence[Successor], muted: set[str] = muted) -> int:
            options = [i for i, s in enumerate(successors) if kinds[s.action] not in muted]
            return rng.choice(options or list(range(len(successors))))

        outcome = run(
            compiled, binding, UncheckedLeaseAdapter, rng.randrange(4), choose, STEPS, cache
        )
        hits += isinstance(outcome, Mismatch)
    return hits / runs


def time_to_failure(case: int) -> tuple[float, int | None]:
    """Seconds for hypothesis to find and shrink the failure under seed `case`, and its step."""
    phases = [p for p in Phase if p != Phase.explain]
    test = conformance_test(SPEC, UncheckedLeaseAdapter, max_steps=STEPS,
                            trace_out=Path("/tmp") / "bench-conformance.itf.json")  # fmt: skip
    test = seed(case)(
        settings(max_examples=1000, deadline=None, database=None, phases=phases)(test)
    )
    start = time.perf_counter()
    try:
        test()
    except ConformanceFailure as failure:
        return time.perf_counter() - start, failure.mismatch.step
    return time.perf_counter() - start, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for swarm in (False, True):
        rate = reach_rate(args.runs, swarm)
        print(f"{'swarm' if swarm else 'uniform'}: {rate:.4f} of {args.runs} runs reach it")
    for case in range(args.seeds):
        seconds, step = time_to_failure(case)
        found = f"shrunk to step {step}" if step is not None else "not found"
        print(f"seed {case}: {found} in {seconds:.2f} s")


if __name__ == "__main__":
    main()
