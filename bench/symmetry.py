"""Symmetry reduction on the native backend: reduced against unreduced, and against Python's.

Issue 11's target: with `symmetric` groups, the reduced native search must beat the unreduced
one end to end wherever it removes at least 3x the states. Each case is a bundled Paxos spec
with its acceptors (or its proposers and acceptors) declared `symmetric` (written to a
temporary directory), checked in fresh processes, alternating sides, every library built
before the first round (so "whole" holds a cached build):

  native        --backend native --workers 1            (reduced)
  unreduced     --backend native --workers 1 --no-symmetry
  python        --backend python                        (reduced; --python-rounds, default 1)

"whole" is the wall time of the whole `verikit check` process, "search" the search alone as
the report gives it; medians over the rounds.

    python bench/symmetry.py                  # every case, 3 rounds
    python bench/symmetry.py --cases paxos --rounds 5 --python-rounds 0

Exit status 1 when the reduced sides disagree on the state count; a missed target is
reported, not failed (a benchmark on a shared machine is no test).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERIKIT = [sys.executable, "-m", "verikit"]


@dataclass(frozen=True)
class Case:
    name: str
    spec: str  # under specs/
    groups: tuple[str, ...]  # declared symmetric
    consts: tuple[str, ...] = ()


CASES = {
    c.name: c
    for c in (
        Case("paxos", "paxos.dsl", ("Acceptor",)),
        Case("paxos-both", "paxos.dsl", ("Proposer", "Acceptor")),
        Case("paxos-4", "paxos.dsl", ("Acceptor",), ("Acceptors=4", "MaxBallot=1")),
        Case("forgetful", "paxos_forgetful_acceptor.dsl", ("Acceptor",)),
        Case("ignore-accepted", "paxos_ignore_accepted.dsl", ("Acceptor",)),
    )
}

SIDES = {
    "native": ["--backend", "native", "--workers", "1"],
    "unreduced": ["--backend", "native", "--workers", "1", "--no-symmetry"],
    "python": ["--backend", "python"],
}


@dataclass(frozen=True)
class Run:
    states: int
    whole: float
    search: float


def symmetric_spec(case: Case, work: Path) -> Path:
    text = (ROOT / "specs" / case.spec).read_text(encoding="utf-8")
    for group in case.groups:
        assert f"\nnode {group}[" in text, group
        text = text.replace(f"\nnode {group}[", f"\nsymmetric node {group}[")
    path = work / f"{case.name}.dsl"
    path.write_text(text, encoding="utf-8")
    return path


def run(case: Case, spec: Path, side: str) -> Run:
    consts = [arg for c in case.consts for arg in ("--const", c)]
    command = [*VERIKIT, "check", str(spec), *consts, *SIDES[side]]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    whole = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}")
    states = int(re.search(r"([\d,]+) distinct states", done.stdout)[1].replace(",", ""))  # type: ignore[index]
    native = re.search(r"search ([\d.]+) s", done.stdout)
    python = re.search(r"depth \d+, ([\d.]+) s", done.stdout)
    search = float((native or python)[1])  # type: ignore[index]
    return Run(states, whole, search)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-rounds", type=int, default=1)
    args = parser.parse_args()
    print(f"load average at start: {Path('/proc/loadavg').read_text().split()[:3]}")
    rows, ok = [], True
    with tempfile.TemporaryDirectory(prefix="verikit-bench-symmetry-") as tmp:
        for name in args.cases:
            case = CASES[name]
            spec = symmetric_spec(case, Path(tmp))
            for side in ("native", "unreduced"):
                run(case, spec, side)  # build the library once: every round loads it
            runs: dict[str, list[Run]] = {side: [] for side in SIDES}
            for r in range(max(args.rounds, args.python_rounds)):
                for side in SIDES:
                    rounds = args.python_rounds if side == "python" else args.rounds
                    if r < rounds:
                        runs[side].append(run(case, spec, side))
            figures = {side: _median(rs) for side, rs in runs.items() if rs}
            if "python" in figures and figures["python"].states != figures["native"].states:
                ok = False
            rows.append((name, figures))
    print(render(rows))
    return 0 if ok else 1


def _median(runs: list[Run]) -> Run:
    return Run(
        runs[0].states,
        statistics.median(r.whole for r in runs),
        statistics.median(r.search for r in runs),
    )


def render(rows: list[tuple[str, dict[str, Run]]]) -> str:
    lines = [
        "| case | side | states | whole s | search s |",
        "|---|---|---:|---:|---:|",
    ]
    notes = []
    for name, figures in rows:
        for side, f in figures.items():
            lines.append(f"| {name} | {side} | {f.states:,} | {f.whole:.2f} | {f.search:.2f} |")
        reduced, full = figures["native"], figures["unreduced"]
        smaller = full.states / reduced.states
        faster = full.whole / reduced.whole
        verdict = "met" if smaller < 3 or faster > 1 else "NOT met"
        note = (f"{name}: {smaller:.1f}x fewer states; reduced native {faster:.2f}x the "
                f"unreduced end to end ({full.search / reduced.search:.2f}x on the search): "
                f"target {verdict}")  # fmt: skip
        if "python" in figures:
            note += f"; {figures['python'].whole / reduced.whole:.1f}x Python's reduced search"
        notes.append(note)
    return "\n".join([*lines, "", *notes])


if __name__ == "__main__":
    sys.exit(main())
