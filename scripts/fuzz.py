"""`make fuzz`: run verikit on 1,000 mutated specs and report every broken promise.

    python scripts/fuzz.py [--seed S] [--cases N] [--start I] [--jobs J] [--out DIR]
    python scripts/fuzz.py --seed S --case I        # rerun one case, show its output

Each case mutates a bundled or corpus spec (tests/fuzz/mutate.py) and runs a verikit command
on it in a subprocess under a wall-clock cap and a memory cap, with CI=true
(tests/fuzz/harness.py). A case passes when it exits 0, 1, 2 or 3 within the caps and prints no
traceback; exit 4 (an internal error) is reported, and counts as a failure to fix. The run
prints the exit-code histogram and, for every failure, its seed and index, what was mutated,
the command and the path of the saved mutant. Exit status 0 when every case passed, else 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz.harness import (  # noqa: E402
    ROOT,
    Limits,
    Outcome,
    make_case,
    repro_command,
    run_case,
    spec_paths,
)
from tests.fuzz.mutate import encode  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    limits = Limits(options.timeout, options.max_states, options.wall_cap, options.memory_mb)
    out = Path(options.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if options.case is not None:
        return rerun(options.seed, options.case, limits, out)
    indices = range(options.start, options.start + options.cases)
    print(f"fuzz: seed {options.seed}, cases {indices.start}..{indices.stop - 1}, {limits}")
    outcomes = run_all(options.seed, indices, limits, options.jobs)
    failures = [outcome for outcome in outcomes if outcome.failure]
    for outcome in failures:
        save(outcome, out, limits)
    print_summary(outcomes, failures, out, limits)
    return 1 if failures else 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0, help="index of the first case")
    parser.add_argument("--case", type=int, help="rerun this one case and show its output")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once")
    parser.add_argument("--timeout", type=float, default=Limits.timeout)
    parser.add_argument("--max-states", type=int, default=Limits.max_states)
    parser.add_argument("--wall-cap", type=float, default=Limits.wall_cap)
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--out", default=str(ROOT / "out" / "fuzz"))
    return parser.parse_args(argv)


def run_all(seed: int, indices: range, limits: Limits, jobs: int) -> list[Outcome]:
    bases = spec_paths()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="verikit-fuzz-") as work:
        cases = [make_case(seed, index, bases) for index in indices]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            runs = pool.map(run_case, cases, [Path(work)] * len(cases), [limits] * len(cases))
            for done, outcome in enumerate(runs, 1):
                outcomes.append(outcome)
                if outcome.failure:
                    print(f"  FAIL {outcome.case.name}: {outcome.signature}", flush=True)
                if done % 50 == 0:
                    print(f"  {done}/{len(cases)} cases", flush=True)
    return outcomes


def rerun(seed: int, index: int, limits: Limits, out: Path) -> int:
    case = make_case(seed, index, spec_paths())
    print(f"case {case.name}: {case.description}")
    outcome = run_case(case, out, limits)
    print(repro_command(outcome, out / f"{case.name}.dsl", limits))
    print(outcome.output)
    print(f"exit {outcome.exit_label} in {outcome.seconds:.1f} s: {outcome.failure or 'ok'}")
    return 1 if outcome.failure else 0


def save(outcome: Outcome, out: Path, limits: Limits) -> Path:
    """Keep a failing mutant with its command and output beside it."""
    case = outcome.case
    mutant = out / f"{case.name}.dsl"
    mutant.write_bytes(encode(case.text))
    report = out / f"{case.name}.txt"
    report.write_text(
        f"{case.description}\n{repro_command(outcome, mutant, limits)}\n"
        f"exit {outcome.exit_label} after {outcome.seconds:.1f} s: {outcome.signature}\n\n"
        f"{outcome.output}\n{outcome.crash_report}",
        encoding="utf-8",
    )
    return mutant


def print_summary(
    outcomes: list[Outcome], failures: list[Outcome], out: Path, limits: Limits
) -> None:
    histogram = Counter(_bucket(outcome) for outcome in outcomes)
    print("\nexit codes:")
    for label, count in sorted(histogram.items(), key=lambda item: _order(item[0])):
        print(f"  {label:>16}: {count}")
    commands = Counter(outcome.case.command for outcome in outcomes)
    print("commands: " + ", ".join(f"{name} {count}" for name, count in sorted(commands.items())))
    slowest = max(outcomes, key=lambda outcome: outcome.seconds, default=None)
    if slowest is not None:
        print(f"slowest case: {slowest.case.name}, {slowest.seconds:.1f} s")
    groups: defaultdict[str, list[Outcome]] = defaultdict(list)
    for outcome in failures:
        groups[outcome.signature].append(outcome)
    print(f"\n{len(failures)} failure(s) of {len(outcomes)} cases, {len(groups)} distinct")
    for signature, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        print(f"\n[{len(members)}] {signature}")
        for outcome in members:
            case = outcome.case
            print(f"  seed {case.seed} case {case.index} ({case.base.relative_to(ROOT)})")
            print(f"    {case.description[:160]}")
            print(f"    {repro_command(outcome, out / f'{case.name}.dsl', limits)[:200]}")


def _bucket(outcome: Outcome) -> str:
    """The exit code, with the runs that also printed a traceback counted apart."""
    traceback = outcome.failure == "traceback"
    return outcome.exit_label + (" + traceback" if traceback else "")


def _order(label: str) -> tuple[int, str]:
    code = label.split(" ")[0]
    return (int(code), label) if code.lstrip("-").isdigit() else (999, label)


if __name__ == "__main__":
    sys.exit(main())
