"""Loading time against spec size: parse, analyse, generate and compile generated specs of
growing size, and print seconds per stage, so a superlinear stage shows at a glance.

    .venv/bin/python bench/load_scaling.py                       # 1k 2k 5k 10k 20k invariants
    .venv/bin/python bench/load_scaling.py --sizes 1000 10000 --shape mixed
    .venv/bin/python bench/load_scaling.py --profile 10000       # cProfile of one size

Shapes: `invariants` (two variables, two actions and N invariants, the shape of issue 10's
report) and `mixed` (N/10 variables, N/10 actions, N invariants). Times are CPU seconds of
this process (the machine is shared); each size runs in a fresh subprocess so one size's heap
does not slow the next. The last column, microseconds per invariant, stays flat when loading
is linear.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `verikit` from the checkout even without an install

STAGES = ("parse", "analyse", "generate", "compile")


def spec_text(size: int, shape: str) -> str:
    """A spec with `size` invariants (and, for `mixed`, size/10 variables and actions)."""
    lines = [f"spec Load{size}"]
    if shape == "invariants":
        lines += [
            "var x: 0..3 = 0",
            "var y: 0..3 = 0",
            "action inc when x < 3 { x = x + 1 }",
            "action dec when y > 0 { y = y - 1 }",
        ]
        lines += [f"invariant I{i}: x + y >= {-(i % 7)} or x == {i % 4}" for i in range(size)]
    else:
        k = max(size // 10, 1)
        lines += [f"var v{i}: 0..3 = 0" for i in range(k)]
        lines += [f"action a{i} when v{i} < 3 {{ v{i} = v{i} + 1 }}" for i in range(k)]
        lines += [f"invariant I{i}: v{i % k} >= 0 or v{i * 7 % k} == 1" for i in range(size)]
    return "\n".join(lines) + "\n"


def measure(size: int, shape: str) -> dict[str, float]:
    """CPU seconds of each loading stage for one generated spec (in this process)."""
    from verikit.compile import generate
    from verikit.compile.load import load
    from verikit.semantics import analyze
    from verikit.syntax import parse

    text = spec_text(size, shape)
    seconds: dict[str, float] = {}

    def timed(stage: str, run: object) -> object:
        start = time.process_time()
        result = run()  # type: ignore[operator]
        seconds[stage] = time.process_time() - start
        return result

    spec = timed("parse", lambda: parse(text, f"load{size}.dsl"))
    model = timed("analyse", lambda: analyze(spec, {}))  # type: ignore[arg-type]
    source = timed("generate", lambda: generate(model))  # type: ignore[arg-type]
    timed("compile", lambda: load(model, source))  # type: ignore[arg-type]
    return seconds


def run_fresh(size: int, shape: str, limit: float) -> dict[str, float] | None:
    """`measure` in a subprocess of its own; None when it runs past `limit` seconds."""
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--shape", shape],
            check=True,
            capture_output=True,
            text=True,
            timeout=limit,
        ).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000, 20000])
    parser.add_argument("--shape", choices=("invariants", "mixed"), default="invariants")
    parser.add_argument("--profile", type=int, metavar="SIZE", help="cProfile one size")
    parser.add_argument("--limit", type=float, default=300, help="seconds per size at most")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.one, args.shape)))
        return 0
    if args.profile is not None:
        profiler = cProfile.Profile()
        profiler.runcall(measure, args.profile, args.shape)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return 0
    print(f"shape: {args.shape}; CPU seconds per stage")
    print(f"{'size':>7} " + " ".join(f"{s:>9}" for s in STAGES) + f" {'total':>9} {'us/inv':>7}")
    for size in args.sizes:
        seconds = run_fresh(size, args.shape, args.limit)
        if seconds is None:
            print(f"{size:7d} did not load within {args.limit:g} s", flush=True)
            continue
        total = sum(seconds.values())
        cells = " ".join(f"{seconds[s]:9.2f}" for s in STAGES)
        print(f"{size:7d} {cells} {total:9.2f} {total / size * 1e6:7.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
