"""Cluster checking on a local Ray instance: 1 worker against 2, and what partitioning costs.

Part 1, whole process (as a user waits for it) and search alone (the report's search
seconds), alternating sides, each run a fresh `verikit check --cluster ray --workers W`
process (it starts and stops its own Ray instance): TwoPhase N=9 by default. The state count
of each run is compared with the single-process native run's (`--workers 1`, no cluster).

Part 2, in this process on one Ray instance: for W = 1, 2, 4 workers, the bytes of records
shipped between workers per stored state, the processor seconds each worker used (so the
time W machines would take, each worker on its own core, is the busiest worker's share plus
the driver's rounds), and the levels (one synchronisation round each). docs/cluster.md
extrapolates a scaling curve from these with a network bandwidth.

    python bench/cluster.py                        # N=9, 1 round
    python bench/cluster.py --rms 8 --rounds 3 --json

Exit status 1 when a count differs from the single-process run; targets missed are reported,
not failed (a benchmark on a shared machine is no test). Note the load (printed).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TWOPHASE = ROOT / "specs" / "reference" / "tla_two_phase.dsl"
VERIKIT = [sys.executable, "-m", "verikit"]
TARGET = 1.6  # 2 workers against 1, whole process (issue 17)


@dataclass(frozen=True)
class Run:
    side: str  # "single", "cluster-1", "cluster-2"
    states: int
    whole: float
    search: float


@dataclass(frozen=True)
class Volume:
    workers: int
    states: int
    levels: int
    seconds: float  # the search, wall, on this machine
    shipped_bytes: int
    bytes_per_state: float
    worker_cpu: tuple[float, ...]  # processor seconds per worker
    busiest_share: float  # the busiest worker's processor seconds / the sum (1/W is ideal)


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0]


def run(rms: int, workers: int, cluster: bool) -> Run:
    command = [*VERIKIT, "check", str(TWOPHASE), "--const", f"RMs={rms}", "--workers",
               str(workers), "--format", "json"]  # fmt: skip
    if cluster:
        command += ["--cluster", "ray"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    whole = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    report = json.loads(done.stdout)
    side = f"cluster-{workers}" if cluster else "single"
    return Run(side, report["distinct_states"], whole, report["backend"]["search_seconds"])


def volumes(rms: int, counts: tuple[int, ...]) -> list[Volume]:
    """Part 2: one Ray instance with as many CPUs as the most workers asked for."""
    import ray

    from verikit.api import load as load_spec
    from verikit.cluster.check import _findings
    from verikit.cluster.search import ClusterSearch, start_workers, stop_workers
    from verikit.engine import CheckOptions
    from verikit.native import codegen
    from verikit.native.build import build

    compiled = load_spec(str(TWOPHASE), {"RMs": rms}).compiled
    source = codegen.generate(compiled.model)
    library = build(source).library
    ray.init(address="local", num_cpus=max(counts), include_dashboard=False, log_to_driver=False,
             logging_level=logging.ERROR)  # fmt: skip
    found = []
    try:
        for workers in counts:
            actors, infos = start_workers(ray, source.c, workers, True, True, 10000)
            before = ray.get([a.cpu_seconds.remote() for a in actors])
            options = CheckOptions()
            search = ClusterSearch(ray, actors, infos, options, _findings(library, options),
                                   library.n_actions)  # fmt: skip
            outcome = search.run()
            after = ray.get([a.cpu_seconds.remote() for a in actors])
            stop_workers(ray, actors, keep=False)
            cpu = tuple(round(b - a, 2) for a, b in zip(before, after, strict=True))
            shipped = search.figures.shipped
            found.append(Volume(workers, outcome.distinct, outcome.depth, round(outcome.seconds, 2),
                                shipped, round(shipped / max(outcome.distinct, 1), 2), cpu,
                                round(max(cpu) / max(sum(cpu), 1e-9), 3)))  # fmt: skip
            print(f"  {workers} workers: {outcome.distinct:,} states, {outcome.depth} levels, "
                  f"{outcome.seconds:.1f} s, shipped {shipped / 1e6:,.1f} MB "
                  f"({shipped / max(outcome.distinct, 1):.1f} B/state), worker CPU s {cpu}, "
                  f"load {load()}", flush=True)  # fmt: skip
    finally:
        ray.shutdown()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rms", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--volume-rms", type=int, default=8,
                        help="TwoPhase N for part 2 (default 8: 1.7M states)")  # fmt: skip
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print(f"TwoPhase N={args.rms}: load {load()} at start", flush=True)
    single = run(args.rms, 1, cluster=False)
    print(f"  single process, 1 worker: {single.states:,} states, whole {single.whole:.1f} s, "
          f"search {single.search:.1f} s (load {load()})", flush=True)  # fmt: skip
    runs: list[Run] = []
    for _ in range(args.rounds):
        for workers in (1, 2):  # alternating sides
            done = run(args.rms, workers, cluster=True)
            runs.append(done)
            print(f"  {done.side}: {done.states:,} states, whole {done.whole:.1f} s, "
                  f"search {done.search:.1f} s (load {load()})", flush=True)  # fmt: skip
    wrong = [r for r in runs if r.states != single.states]
    median = {side: (statistics.median(r.whole for r in runs if r.side == side),
                     statistics.median(r.search for r in runs if r.side == side))
              for side in ("cluster-1", "cluster-2")}  # fmt: skip
    whole = median["cluster-1"][0] / median["cluster-2"][0]
    search = median["cluster-1"][1] / median["cluster-2"][1]
    verdict = "met" if whole >= TARGET else "NOT met"
    print(f"2 workers vs 1: {whole:.2f}x whole process, {search:.2f}x search alone "
          f"(target {TARGET}x whole: {verdict}); load {load()} at the end")  # fmt: skip
    print(f"Part 2, TwoPhase N={args.volume_rms}, one Ray instance:", flush=True)
    found = volumes(args.volume_rms, (1, 2, 4))
    if args.json:
        print(json.dumps({"single": asdict(single), "runs": [asdict(r) for r in runs],
                          "speedup_whole": whole, "speedup_search": search,
                          "volumes": [asdict(v) for v in found]}, indent=2))  # fmt: skip
    if wrong:
        print(f"COUNT MISMATCH: {wrong} against {single.states}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
