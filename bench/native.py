"""The native backend against SPIN and against the Python backend, one run, alternating sides.

Every measurement is a fresh process, timed whole (wall clock, as a user waits for it) and, from
its own report, on the search alone. Peak RSS comes from the kernel (`wait4`); bytes per state
are the peak above the start, divided by the states stored; the start is the peak of the same
command stopped after one state (`--max-states 1`: the interpreter, verikit, the loaded spec
and library).

Cases (`--cases` picks some):
  twophase8   TwoPhase N=8 (1,745,408 states): native (1 worker) vs SPIN 6.5.2 `pan` (one
              Promela process of guarded d_steps, -O2, DFS; bench/spin/twophase_1proc.pml)
              vs the Python backend
  twophase9   TwoPhase N=9 (10,340,352 states): native with 1 and with 2 workers, and SPIN
  raft        specs/raft.dsl --const MaxTerm=3: native vs Python
  liveness    specs/two_phase_commit_liveness.dsl --const N=4 (229,051 states, liveness under
              fairness): native (its search builds the liveness graph) vs Python
  workers     TwoPhase N=9: native with 1 and with 2 workers alone (twophase9 without SPIN);
              bench/native_phases.py splits the same runs by phase

    python bench/native.py                      # every case, 3 rounds (Python: 1 round)
    python bench/native.py --cases twophase8 --rounds 5 --json
    python bench/native.py --cases workers --rounds 5     # 2 workers vs 1, alternating

Each run records the load average when it ended (other work on the machine slows every side,
and scaling most of all); the table gives their median.

Exit status 1 when a side misses the expected state count; missed targets are reported, not
failed (a benchmark on a shared machine is no test).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TWOPHASE = ROOT / "specs" / "reference" / "tla_two_phase.dsl"
RAFT = ROOT / "specs" / "raft.dsl"
LIVENESS = ROOT / "specs" / "two_phase_commit_liveness.dsl"
PROMELA = ROOT / "bench" / "spin" / "twophase_1proc.pml"
VERIKIT = [sys.executable, "-m", "verikit"]
COUNTS = {8: 1_745_408, 9: 10_340_352}


@dataclass(frozen=True)
class Run:
    side: str  # "native", "native-2", "spin", "python"
    case: str
    states: int
    whole: float  # wall seconds of the whole process
    search: float  # seconds of the search alone, as the program reports it
    build: float | None  # native: code generation + compile (0-ish when cached)
    peak_rss: int  # bytes
    load: float  # the 1-minute load average when it ended


@dataclass(frozen=True)
class Figure:
    side: str
    case: str
    states: int
    whole: float  # medians over the rounds
    search: float
    build: float | None
    bytes_per_state: float | None
    load: float


def loadavg() -> float:
    with open("/proc/loadavg", encoding="ascii") as f:
        return float(f.read().split()[0])


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a command; (wall seconds, peak RSS bytes, stdout)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return wall, usage.ru_maxrss * 1024, out.read()


def verikit(
    case: str, spec: Path, consts: list[str], backend: str, workers: int = 1, *extra: str
) -> Run:
    command = [*VERIKIT, "check", str(spec), "--format", "json", "--backend", backend, *extra]
    command += ["--workers", str(workers)] if backend == "native" else []
    for const in consts:
        command += ["--const", const]
    wall, rss, out = timed(command, ROOT)
    doc = json.loads(out.splitlines()[0])
    backend_doc = doc["backend"]
    if backend_doc["name"] != backend:
        raise SystemExit(f"{case}: asked for {backend}, ran {backend_doc}")
    side = backend if workers == 1 else f"{backend}-{workers}"
    build = backend_doc["build_seconds"] if backend == "native" else None
    return Run(side, case, doc["distinct_states"], wall, doc["seconds"], build, rss, loadavg())


def warm(spec: Path, consts: list[str]) -> str:
    """Fill the cache with the model's library (timed runs then load it, as a second run of
    the same spec does); returns how long generating and compiling took."""
    command = [*VERIKIT, "check", str(spec), "--format", "json", "--backend", "native"]
    command += ["--max-states", "1", *(x for c in consts for x in ("--const", c))]
    _, _, out = timed(command, ROOT)
    backend = json.loads(out.splitlines()[0])["backend"]
    state = "cached already" if backend["cached"] else "compiled"
    return f"{spec.name} {' '.join(consts)}: build {backend['build_seconds']:.2f} s ({state})"


def spin(case: str, pan: Path) -> Run:
    wall, rss, out = timed([str(pan), "-m100000"], pan.parent)
    stored = re.search(r"(\d+) states, stored", out)
    elapsed = re.search(r"pan: elapsed time ([\d.e+]+) seconds", out)
    if stored is None or elapsed is None:
        raise SystemExit(f"{case}: cannot read pan's output:\n{out}")
    stored_states, seconds = int(stored.group(1)), float(elapsed.group(1))
    return Run("spin", case, stored_states, wall, seconds, None, rss, loadavg())


def build_pan(rms: int, work: Path) -> Path:
    """spin -a, then gcc -O2 (exactly as /work/shared/bench/side_by_side.sh does)."""
    directory = work / f"pan{rms}"
    directory.mkdir()
    subprocess.run(["spin", f"-DN={rms}", "-a", str(PROMELA)], cwd=directory, check=True,
                   capture_output=True)  # fmt: skip
    flags = ["-O2", "-DSAFETY", "-DNOREDUCE", "-DMEMLIM=8000"]
    subprocess.run(["gcc", *flags, "-o", "pan", "pan.c"], cwd=directory, check=True,
                   capture_output=True)  # fmt: skip
    return directory / "pan"


def figures(runs: list[Run], baseline_rss: dict[tuple[str, str], int]) -> list[Figure]:
    out = []
    for side, case in dict.fromkeys((r.side, r.case) for r in runs):
        mine = [r for r in runs if (r.side, r.case) == (side, case)]
        states = mine[0].states
        base = baseline_rss.get((case, side.split("-")[0]))
        per_state = None
        if base is not None:
            per_state = (statistics.median(r.peak_rss for r in mine) - base) / states
        builds = [r.build for r in mine if r.build is not None]
        out.append(
            Figure(
                side,
                case,
                states,
                statistics.median(r.whole for r in mine),
                statistics.median(r.search for r in mine),
                statistics.median(builds) if builds else None,
                per_state,
                statistics.median(r.load for r in mine),
            )  # fmt: skip
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+",
                        default=["twophase8", "twophase9", "raft", "liveness"])  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-rounds", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    have_spin = shutil.which("spin") is not None and shutil.which("gcc") is not None
    runs: list[Run] = []
    cache = tempfile.TemporaryDirectory()  # a cold cache: the first build of each is timed
    os.environ["VERIKIT_CACHE"] = cache.name
    builds = [warm(TWOPHASE, [f"RMs={n}"]) for n in (3, 8, 9)] + [warm(RAFT, ["MaxTerm=3"])]
    builds.append(warm(LIVENESS, ["N=4"]))
    builds.append(warm(RAFT, ["MaxTerm=3"]).replace("cached already", "cached: a second run"))
    # the start: the same command stopped after one state (interpreter, verikit, the loaded
    # spec and library), so the figure is what the search itself held at its peak
    cases = {"twophase8": (TWOPHASE, ["RMs=8"]), "twophase9": (TWOPHASE, ["RMs=9"]),
             "raft": (RAFT, ["MaxTerm=3"]), "liveness": (LIVENESS, ["N=4"])}  # fmt: skip
    baseline = {
        (case, side): verikit(case, spec, consts, side, 1, "--max-states", "1").peak_rss
        for case, (spec, consts) in cases.items() if case in args.cases
        for side in ("native", "python")
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        pans = {n: build_pan(n, Path(tmp)) for n in (8, 9) if have_spin}
        for round_ in range(args.rounds):
            python_too = round_ < args.python_rounds
            if "twophase8" in args.cases:
                runs.append(verikit("twophase8", TWOPHASE, ["RMs=8"], "native"))
                if have_spin:
                    runs.append(spin("twophase8", pans[8]))
                if python_too:
                    runs.append(verikit("twophase8", TWOPHASE, ["RMs=8"], "python"))
            if "twophase9" in args.cases:
                runs.append(verikit("twophase9", TWOPHASE, ["RMs=9"], "native", 1))
                runs.append(verikit("twophase9", TWOPHASE, ["RMs=9"], "native", 2))
                if have_spin:
                    runs.append(spin("twophase9", pans[9]))
            if "raft" in args.cases:
                runs.append(verikit("raft", RAFT, ["MaxTerm=3"], "native"))
                if python_too:
                    runs.append(verikit("raft", RAFT, ["MaxTerm=3"], "python"))
            if "liveness" in args.cases:
                runs.append(verikit("liveness", LIVENESS, ["N=4"], "native"))
                if python_too:
                    runs.append(verikit("liveness", LIVENESS, ["N=4"], "python"))
            if "workers" in args.cases:
                runs.append(verikit("workers", TWOPHASE, ["RMs=9"], "native", 1))
                runs.append(verikit("workers", TWOPHASE, ["RMs=9"], "native", 2))
    cache.cleanup()
    table = figures(runs, baseline)
    if args.json:
        print(json.dumps({"builds": builds, "figures": [asdict(f) for f in table]}, indent=2))
    else:
        print("\n".join(["first build (code generation + C compiler):", *builds, ""]))
        print(render(table))
    expected = {"twophase8": COUNTS[8], "twophase9": COUNTS[9], "workers": COUNTS[9],
                "liveness": 229_051}  # fmt: skip
    wrong = [f for f in table if f.case in expected and f.states != expected[f.case]]
    for f in wrong:
        print(f"error: {f.side} on {f.case} stored {f.states:,} states", file=sys.stderr)
    return 1 if wrong else 0


def render(table: list[Figure]) -> str:
    lines = [f"{'case':10} {'side':9} {'states':>11} {'whole s':>8} {'search s':>9} "
             f"{'build s':>8} {'states/s (search)':>18} {'B/state':>8} {'load':>5}"]  # fmt: skip
    for f in table:
        build = f"{f.build:8.2f}" if f.build is not None else " " * 8
        per = f"{f.bytes_per_state:8.1f}" if f.bytes_per_state is not None else " " * 8
        lines.append(
            f"{f.case:10} {f.side:9} {f.states:11,} {f.whole:8.2f} {f.search:9.2f} {build} "
            f"{f.states / f.search if f.search else 0:18,.0f} {per} {f.load:5.1f}"
        )
    lines += ratios(table)
    return "\n".join(lines)


def ratios(table: list[Figure]) -> list[str]:
    by = {(f.case, f.side): f for f in table}
    out = []
    pairs = [("twophase8", "native", "spin"), ("twophase8", "native", "python"),
             ("twophase9", "native", "spin"), ("raft", "native", "python"),
             ("liveness", "native", "python")]  # fmt: skip
    for case, a, b in pairs:
        if (case, a) in by and (case, b) in by:
            fa, fb = by[case, a], by[case, b]
            out.append(f"{case}: {b}/{a} whole {fb.whole / fa.whole:.2f}x, "
                       f"search {fb.search / fa.search:.2f}x")  # fmt: skip
    for case in ("twophase9", "workers"):
        if (case, "native") in by and (case, "native-2") in by:
            one, two = by[case, "native"], by[case, "native-2"]
            out.append(f"{case}: 2 workers vs 1: whole {one.whole / two.whole:.2f}x, "
                       f"search {one.search / two.search:.2f}x")  # fmt: skip
    return out


if __name__ == "__main__":
    raise SystemExit(main())
