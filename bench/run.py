"""verikit against a hand-written BFS of TwoPhase.tla: speed and memory (`make bench`).

For each number of resource managers, each side runs in fresh subprocesses so one run's heap
never colours another's figures:

* speed runs without tracemalloc (tracemalloc hooks every allocation and slows both sides
  alike, several-fold): `--rounds` subprocesses per side, alternating baseline and verikit so
  that a busy moment on the machine hits both, each the best of `--repeat` searches (more for
  tiny sizes, until a second has been spent); the best of all, in states per second;
* a memory run under tracemalloc: the peak traced memory of one search above what was live
  when it started, and that peak divided by the distinct states (bytes per stored state; it
  includes the transient frontier and successor lists, so it is an upper bound).

verikit is timed on the search alone, `engine.check` on the compiled model of
specs/reference/tla_two_phase.dsl; loading (parse, analyse, compile) is reported apart. The
baseline (bench/two_phase_baseline.py) stores no parent pointers and so cannot print a trace;
verikit can, which its bytes per state pay for.

    python bench/run.py                  # RMs = 5, 6, 7, a table
    python bench/run.py --rms 5 --json   # machine-readable

Exit status 1 when a side misses TLC's state count or does not hold; missed speed and memory
targets are reported, not failed (a benchmark on a shared machine is no test).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "reference" / "tla_two_phase.dsl"
TLC_COUNTS = {3: 288, 4: 1568, 5: 8832, 6: 50816, 7: 296448}
SPEED_TARGET = 0.5  # verikit states/s at least half the baseline's
BYTES_TARGET = 200  # verikit bytes per stored state below this
# tiny sizes: repeat until a second has been spent searching, for a stable best time
MIN_SECONDS, MAX_RUNS = 1.0, 100

sys.path.insert(0, str(ROOT))  # `verikit` from the checkout even without an install


@dataclass(frozen=True)
class Measurement:
    impl: str  # "baseline" | "verikit"
    rms: int
    states: int
    verdict: str
    seconds: float  # best search time of the speed run
    states_per_second: float
    peak_bytes: int  # tracemalloc peak of the memory run, above the search's start
    bytes_per_state: float
    compile_seconds: float | None = None  # verikit only: load = parse + analyse + compile


# ---------------------------------------------------------------- inside a worker subprocess


def _baseline_search(rms: int) -> tuple[int, str]:
    import two_phase_baseline  # bench/ is sys.path[0] when this file runs as a script

    result = two_phase_baseline.explore(rms)
    return result.distinct_states, "holds" if result.violation is None else "violated"


def _load_verikit(rms: int) -> tuple[Any, float]:
    """The compiled model, loaded once per worker, and the seconds loading took."""
    from verikit import api

    started = time.perf_counter()
    loaded = api.load(str(SPEC), consts={"RMs": rms})
    return loaded.compiled, time.perf_counter() - started


def _run_verikit(compiled: Any) -> tuple[int, str]:
    from verikit.engine import CheckOptions, check

    result = check(compiled, CheckOptions())
    verdict = result.verdict
    return result.stats.distinct_states, str(getattr(verdict, "value", verdict))


def worker(impl: str, rms: int, mode: str, repeat: int) -> dict[str, Any]:
    """One side, one size, one mode; returns what the parent needs as a JSON-able dict."""
    compiled, compile_seconds = _load_verikit(rms) if impl == "verikit" else (None, None)

    def search() -> tuple[int, str]:
        return _run_verikit(compiled) if impl == "verikit" else _baseline_search(rms)

    out: dict[str, Any] = {"compile_seconds": compile_seconds}
    if mode == "memory":
        tracemalloc.start()  # traces only what the search allocates from here on
        states, verdict = search()
        out["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        times: list[float] = []
        while len(times) < repeat or (sum(times) < MIN_SECONDS and len(times) < MAX_RUNS):
            started = time.perf_counter()
            states, verdict = search()
            times.append(time.perf_counter() - started)
        out["seconds"] = min(times)
    out.update(states=states, verdict=verdict)
    return out


# ---------------------------------------------------------------- in the parent


class WorkerFailed(Exception):
    pass


def _spawn(impl: str, rms: int, mode: str, repeat: int) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--worker", impl, str(rms), mode, "--repeat", str(repeat)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise WorkerFailed(lines[-1])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(impl: str, rms: int, speed: dict[str, Any], repeat: int) -> Measurement:
    memory = _spawn(impl, rms, "memory", repeat)
    states = speed["states"]
    return Measurement(
        impl=impl,
        rms=rms,
        states=states,
        verdict=speed["verdict"],
        seconds=speed["seconds"],
        states_per_second=states / speed["seconds"],
        peak_bytes=memory["peak_bytes"],
        bytes_per_state=memory["peak_bytes"] / states,
        compile_seconds=speed["compile_seconds"],
    )


@dataclass(frozen=True)
class Row:
    rms: int
    baseline: Measurement
    verikit: Measurement | None
    error: str | None = None  # why verikit could not be measured

    @property
    def speed_ratio(self) -> float | None:
        v = self.verikit
        return v.states_per_second / self.baseline.states_per_second if v else None

    @property
    def counts_match(self) -> bool:
        expected = TLC_COUNTS.get(self.rms)
        sides = [self.baseline] + ([self.verikit] if self.verikit else [])
        return expected is None or all(m.states == expected for m in sides)

    @property
    def correct(self) -> bool:
        sides = [self.baseline] + ([self.verikit] if self.verikit else [])
        return self.counts_match and all(m.verdict == "holds" for m in sides)

    @property
    def meets_targets(self) -> bool | None:
        if self.verikit is None or self.speed_ratio is None:
            return None
        return self.speed_ratio >= SPEED_TARGET and self.verikit.bytes_per_state < BYTES_TARGET


def _row(rms: int, repeat: int, rounds: int) -> Row:
    """Speed runs alternate between the sides, so a busy moment on the machine hits both."""
    baseline_runs: list[dict[str, Any]] = []
    verikit_runs: list[dict[str, Any]] = []
    error = None
    for _ in range(rounds):
        baseline_runs.append(_spawn("baseline", rms, "speed", repeat))
        if error is None:
            try:
                verikit_runs.append(_spawn("verikit", rms, "speed", repeat))
            except WorkerFailed as failure:
                error = str(failure)
    baseline = measure("baseline", rms, _fastest(baseline_runs), repeat)
    if error is not None:
        return Row(rms, baseline, None, error)
    return Row(rms, baseline, measure("verikit", rms, _fastest(verikit_runs), repeat))


def _fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda run: float(run["seconds"]))


# ---------------------------------------------------------------- output


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def render_table(rows: list[Row]) -> str:
    head = (
        f"{'RMs':>3} {'states':>8} │ {'baseline st/s':>13} {'B/state':>7} │ "
        f"{'verikit st/s':>12} {'B/state':>7} {'compile s':>9} {'search s':>8} │ "
        f"{'speed ×':>7} {'targets':>7}"
    )
    lines = [head, "─" * len(head)]
    for r in rows:
        b, v = r.baseline, r.verikit
        ok = r.meets_targets
        lines.append(
            f"{r.rms:>3} {b.states:>8} │ {b.states_per_second:>13,.0f} {b.bytes_per_state:>7.0f} │ "
            f"{_fmt(v.states_per_second if v else None, ',.0f'):>12} "
            f"{_fmt(v.bytes_per_state if v else None, '.0f'):>7} "
            f"{_fmt(v.compile_seconds if v else None, '.2f'):>9} "
            f"{_fmt(v.seconds if v else None, '.2f'):>8} │ "
            f"{_fmt(r.speed_ratio, '.2f'):>7} {'-' if ok is None else 'met' if ok else 'MISSED':>7}"
        )
        if not r.counts_match:
            got = f"baseline {b.states}, verikit {v.states if v else '-'}"
            lines.append(f"    state count differs from TLC's {TLC_COUNTS[r.rms]}: {got}")
        if r.error:
            lines.append(f"    verikit not measured: {r.error}")
        for m in (b, v):
            if m is not None and m.verdict != "holds":
                lines.append(f"    {m.impl}: {m.verdict}, expected holds")
    lines.append(
        f"targets: verikit ≥ {SPEED_TARGET}× the baseline's states/s, "
        f"< {BYTES_TARGET} bytes per stored state. Speed: best search without tracemalloc; "
        "bytes: tracemalloc peak of a search / distinct states, in a separate run."
    )
    return "\n".join(lines)


def as_json(rows: list[Row]) -> str:
    return json.dumps(
        {
            "spec": str(SPEC.relative_to(ROOT)),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "targets": {"speed_ratio": SPEED_TARGET, "bytes_per_state": BYTES_TARGET},
            "rows": [
                {
                    "rms": r.rms,
                    "tlc_states": TLC_COUNTS.get(r.rms),
                    "baseline": asdict(r.baseline),
                    "verikit": asdict(r.verikit) if r.verikit else None,
                    "verikit_error": r.error,
                    "speed_ratio": r.speed_ratio,
                    "counts_match": r.counts_match,
                    "meets_targets": r.meets_targets,
                }
                for r in rows
            ],
        },
        indent=2,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rms", type=int, nargs="+", default=[5, 6, 7])
    parser.add_argument("--repeat", type=int, default=3, help="least searches per speed run")
    parser.add_argument("--rounds", type=int, default=2, help="speed runs per side, alternating")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--worker", nargs=3, metavar=("IMPL", "RMS", "MODE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        impl, rms, mode = args.worker
        print(json.dumps(worker(impl, int(rms), mode, args.repeat)))
        return 0
    rows = [_row(rms, args.repeat, args.rounds) for rms in args.rms]
    print(as_json(rows) if args.json else render_table(rows))
    return 0 if all(r.correct for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
