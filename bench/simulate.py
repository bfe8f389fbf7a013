"""The targets of issue 12 for `verikit simulate`, measured on this machine.

* beyond exhaustive reach: raft_buggy.dsl at N=5, MaxTerm=5, MaxLog=3, where `check` stops at
  its time limit: the time `simulate` takes to find the bug (median over seeds) and the shrunk
  length, against the shortest counterexample `check` finds at the default constants;
* every `expect violation` spec of specs/ within 30 s;
* steps per second on raft.dsl, per backend (and with two workers).

Each figure comes from `verikit simulate` as a user runs it (a subprocess, example database
off, the native library already built by a first run), read from its JSON.

    python bench/simulate.py                 # all of it, a few minutes
    python bench/simulate.py --seeds 3 --skip-check
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
BIG = ("-c", "N=5", "-c", "MaxTerm=5", "-c", "MaxLog=3")
SEEDS = (1111, 2222, 3333, 4444, 5555, 6666, 7777)


def verikit(*args: str, timeout: float = 600) -> dict[str, Any]:
    """One verikit command with --format json: its report (the first line)."""
    command = [sys.executable, "-m", "verikit", *args, "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return dict(json.loads(done.stdout.splitlines()[0]))


def beyond_reach(seeds: int, skip_check: bool) -> None:
    spec = str(SPECS / "raft_buggy.dsl")
    if not skip_check:
        stopped = verikit("check", spec, *BIG, "--timeout", "60")
        print(f"check N=5 MaxTerm=5 MaxLog=3 --timeout 60: {stopped['verdict']} "
              f"({stopped['incomplete_reason']}), {stopped['distinct_states']:,} states, "
              f"explored depth {stopped.get('explored_depth')}")  # fmt: skip
    shortest = verikit("check", spec)["violations"][0]["trace_length"]
    print(f"check at the default constants: shortest counterexample {shortest} steps")
    verikit("simulate", spec, *BIG, "--runs", "1", "--no-cache")  # builds the library
    found, lengths = [], []
    for seed in SEEDS[:seeds]:
        doc = verikit("simulate", spec, *BIG, "--seed", str(seed), "--timeout", "60",
                      "--no-cache")  # fmt: skip
        sim = doc["simulation"]
        shrinking = sim["shrinking"] or {}
        print(f"  seed {seed}: {doc['verdict']}, found after {sim['found_seconds']} s "
              f"(run {sim['found_run']}, {sim['steps_per_second']:,.0f} steps/s, "
              f"{sim['backend']}), shrunk {shrinking.get('original_length')} -> "
              f"{shrinking.get('shrunk_length')} steps in {shrinking.get('seconds')} s")  # fmt: skip
        if sim["found_seconds"] is not None:
            found.append(sim["found_seconds"])
            lengths.append(shrinking.get("shrunk_length"))
    if found:
        print(f"median time to find: {statistics.median(found):.2f} s over {len(found)} seeds; "
              f"shrunk lengths {lengths} (shortest at small constants: {shortest}, "
              f"2x = {2 * shortest})")  # fmt: skip


def bug_variants() -> None:
    for path in sorted(SPECS.glob("*.dsl")):
        try:
            if "expect violation" not in path.read_text(encoding="utf-8"):
                continue
        except OSError:  # renamed meanwhile
            continue
        verikit("simulate", str(path), "--runs", "1", "--no-cache")  # builds the library
        doc = verikit("simulate", str(path), "--timeout", "30", "--seed", "1", "--no-cache")
        sim = doc.get("simulation") or {}
        print(f"  {path.name}: {doc['verdict']}, found after {sim.get('found_seconds')} s "
              f"(run {sim.get('found_run')}, {sim.get('backend')}), "
              f"shrunk {sim.get('shrinking')}")  # fmt: skip


def throughput() -> None:
    spec = str(SPECS / "raft.dsl")
    for args in (("--backend", "native"), ("--backend", "native", "--workers", "2"),
                 ("--backend", "python")):  # fmt: skip
        runs = "500" if "python" in args else "5000"
        doc = verikit("simulate", spec, "--runs", runs, "--seed", "9", "--no-cache", *args)
        sim = doc["simulation"]
        print(f"  raft.dsl {' '.join(args)}: {sim['steps_per_second']:,.0f} steps/s "
              f"({sim['steps']:,} steps in {sim['seconds']:.2f} s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()
    print("== a bug beyond exhaustive reach")
    beyond_reach(args.seeds, args.skip_check)
    print("== the bundled bug variants (--timeout 30)")
    bug_variants()
    print("== throughput")
    throughput()


if __name__ == "__main__":
    main()
