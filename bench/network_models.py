"""What the network settings of issue 13 buy: the same protocol under different network
models, their exact state counts and the time of a whole `verikit check` process.

Cases (each run in a fresh process; medians over the rounds):

  lossy-2pc   specs/reference/two_phase_lossy_links.dsl (nodes, `max_per_link: 1`,
              `when_full: lose`) against its global-state twin (..._global.dsl) and against
              the same nodes under the one global bound (`reorder: true  max_in_flight: 2 * N`,
              what the issue had to write before); N = 2, 3, 4 (the global bound only up to
              --global-max, default 3: N = 4 runs past 300 s and 4 GB)
  paxos       specs/paxos.dsl with `crash: true` (as bundled), `crash: [Acceptor]`, and
              `crash: [Acceptor]  drop_on_crash: true`

    python bench/network_models.py                       # every case, 1 round
    python bench/network_models.py --cases paxos --rounds 3

Exit status 1 when the two lossy-2PC styles disagree on a count, or a count differs from the
issue's figures (836 / 19,746 / 485,456; 6,201 / 859,746 under the global bound).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERIKIT = [sys.executable, "-m", "verikit"]
LINKS = ROOT / "specs" / "reference" / "two_phase_lossy_links.dsl"
GLOBAL_STATE = ROOT / "specs" / "reference" / "two_phase_lossy_links_global.dsl"
PAXOS = ROOT / "specs" / "paxos.dsl"

EXPECTED = {
    ("links", 2): 836, ("links", 3): 19_746, ("links", 4): 485_456,
    ("global-state", 2): 836, ("global-state", 3): 19_746, ("global-state", 4): 485_456,
    ("global-bound", 2): 6_201, ("global-bound", 3): 859_746,
}  # fmt: skip


def run(spec: Path, consts: list[str], timeout: float) -> tuple[int | None, float]:
    """Distinct states and wall seconds of one `verikit check` process."""
    args = [*VERIKIT, "check", str(spec), *(f"--const={c}" for c in consts)]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    seconds = time.perf_counter() - start
    found = re.search(r"([\d,]+) distinct states", done.stdout)
    return (int(found.group(1).replace(",", "")) if found else None), seconds


def variant(text: str, old: str, new: str, directory: Path, name: str) -> Path:
    assert old in text, f"{name}: `{old}` not found"
    path = directory / f"{name}.dsl"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def lossy_2pc(directory: Path, rounds: int, global_max: int, timeout: float) -> bool:
    bound = variant(
        LINKS.read_text(encoding="utf-8"),
        "network { loss: true  max_per_link: 1  when_full: lose }",
        "network { loss: true  reorder: true  max_in_flight: 2 * N }",
        directory,
        "two_phase_global_bound",
    )
    ok = True
    for n in (2, 3, 4):
        sides = {"links": LINKS, "global-state": GLOBAL_STATE, "global-bound": bound}
        for side, spec in sides.items():
            if side == "global-bound" and n > global_max:
                continue
            results = [run(spec, [f"N={n}"], timeout) for _ in range(rounds)]
            states = {s for s, _ in results}
            seconds = statistics.median(t for _, t in results)
            want = EXPECTED.get((side, n))
            good = states == {want}
            ok = ok and good
            mark = "" if good else f"   <-- expected {want:,}"
            shown = ", ".join(
                f"{s:,}" if s is not None else "none" for s in sorted(states, key=str)
            )
            print(f"lossy-2pc N={n} {side:13} {shown:>10} states  {seconds:7.2f} s{mark}")
    return ok


def paxos(directory: Path, rounds: int, timeout: float) -> bool:
    text = PAXOS.read_text(encoding="utf-8")
    old = "crash: true  max_crashes: 1"
    sides = {
        "crash: true": PAXOS,
        "crash: [Acceptor]": variant(text, old, "crash: [Acceptor]  max_crashes: 1", directory, "p1"),
        "+ drop_on_crash": variant(
            text, old, "crash: [Acceptor]  max_crashes: 1  drop_on_crash: true", directory, "p2"
        ),
    }  # fmt: skip
    for side, spec in sides.items():
        results = [run(spec, [], timeout) for _ in range(rounds)]
        states = {s for s, _ in results}
        seconds = statistics.median(t for _, t in results)
        shown = ", ".join(f"{s:,}" if s is not None else "none" for s in sorted(states, key=str))
        print(f"paxos {side:19} {shown:>10} states  {seconds:7.2f} s")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=["lossy-2pc", "paxos"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--global-max", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    with open("/proc/loadavg", encoding="utf-8") as load:
        print(f"load average at start: {load.read().split()[0]}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        if "lossy-2pc" in args.cases:
            ok = lossy_2pc(directory, args.rounds, args.global_max, args.timeout) and ok
        if "paxos" in args.cases:
            ok = paxos(directory, args.rounds, args.timeout) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
