"""Where the native search's time goes, phase by phase, with 1 and with 2 (or more) workers.

Runs the C search in this process (the library built once, cached), alternating worker counts
round by round, and prints per run the wall and CPU seconds (all threads) of each phase of a
level (runtime/search.c): expand, order, evaluate (with the early insert), walk, insert
(reserving the visited table's room), and the load average when it ended. The summary gives
the medians, the measured speed-up of each worker count over one, and an estimate of what an
otherwise idle machine would show: each phase's CPU seconds divided by the workers that share
it (the walk is one thread's), which says how much parallel work the search does, not how
busy the machine was.

    python bench/native_phases.py                                  # TwoPhase N=9, 1 vs 2
    python bench/native_phases.py --rounds 5 --workers 1 2 --const RMs=8
    python bench/native_phases.py --spec specs/raft.dsl --const MaxTerm=3
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verikit.api import load, parse_const_overrides  # noqa: E402
from verikit.native.build import build  # noqa: E402
from verikit.native.codegen import generate  # noqa: E402
from verikit.native.library import NativeLibrary, SearchConfig, SearchOutcome  # noqa: E402

PHASES = ("expand", "order", "evaluate", "walk", "insert")
SERIAL = {"walk"}


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return f.read().split()[0]


def run(library: NativeLibrary, workers: int) -> SearchOutcome:
    try:
        return library.search(SearchConfig(workers=workers))
    finally:
        library.release()


def idle_estimate(out: SearchOutcome, workers: int) -> float:
    """Seconds on an idle machine with `workers` cores: CPU per phase over its threads."""
    return sum(cpu / (1 if name in SERIAL else workers)
               for name, cpu in zip(PHASES, out.phase_cpu, strict=True))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", default=str(ROOT / "specs" / "reference" / "tla_two_phase.dsl"))
    parser.add_argument("--const", action="append", default=None)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    consts = args.const if args.const is not None else ["RMs=9"]
    model = load(args.spec, parse_const_overrides(consts)).model
    library = build(generate(model)).library
    print(f"{Path(args.spec).name} {' '.join(consts)}; load average at the start {loadavg()}")
    print(f"{'workers':>7} {'states':>11} {'search s':>9} "
          + " ".join(f"{p:>15}" for p in PHASES) + "  (wall/cpu s)  load")  # fmt: skip
    runs: dict[int, list[SearchOutcome]] = {w: [] for w in args.workers}
    for _ in range(args.rounds):
        for w in args.workers:
            out = run(library, w)
            runs[w].append(out)
            cells = " ".join(f"{s:7.2f}/{c:7.2f}"
                             for s, c in zip(out.phase_seconds, out.phase_cpu, strict=True))  # fmt: skip
            print(f"{w:7} {out.distinct:11,} {out.seconds:9.2f} {cells}  {loadavg()}", flush=True)
    one = statistics.median(o.seconds for o in runs[args.workers[0]])
    one_idle = statistics.median(idle_estimate(o, 1) for o in runs[args.workers[0]])
    for w, outs in runs.items():
        wall = statistics.median(o.seconds for o in outs)
        idle = statistics.median(idle_estimate(o, w) for o in outs)
        print(f"{w} workers: median search {wall:.2f} s ({one / wall:.2f}x of "
              f"{args.workers[0]}); idle-machine estimate {idle:.2f} s ({one_idle / idle:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
