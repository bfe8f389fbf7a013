"""What the liveness pass costs on top of the safety search, for one spec.

    .venv/bin/python bench/liveness.py specs/raft.dsl
    .venv/bin/python bench/liveness.py specs/raft.dsl --const MaxTerm=3 --repeat 3
    .venv/bin/python bench/liveness.py specs/raft.dsl --synthetic   # before specs declare any

The spec is loaded once (verikit.api.load) and compiled twice: as written, and without its
liveness properties. Each is checked `--repeat` times, best time kept: the second is the
safety search alone, the first the safety search plus the liveness pass (graph building,
fair components and lassos for every liveness property: `stop_at_first` is off on both). Reported: states per second of
both, the liveness pass's own figures (states and edges of its graph, which is built without
symmetry, and seconds) and the ratio of the two totals.

`--synthetic` adds, for a spec without liveness properties, the three worst cases (every
state is in the region examined): `always_eventually false`, `eventually false` and
`true leads_to false`, with weak fairness per node over every node action and strong
fairness per message over every message handler. They are violated; that is fine, the
point is the work.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `verikit` from the checkout even without an install

from verikit import api  # noqa: E402
from verikit.compile import build  # noqa: E402
from verikit.core import ir  # noqa: E402
from verikit.core.model import LIVENESS_KINDS, Fairness, Model, Property  # noqa: E402
from verikit.core.types import BOOL  # noqa: E402
from verikit.engine import CheckOptions, CheckResult, check  # noqa: E402


@dataclass(frozen=True)
class Figures:
    spec: str
    safety_states: int
    safety_seconds: float  # best check of the model without liveness properties
    total_seconds: float  # best check of the whole model (safety search + liveness pass)
    liveness_states: int
    liveness_transitions: int
    liveness_seconds: float  # the liveness pass of that best run
    verdict: str
    violated: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.total_seconds / self.safety_seconds


def synthetic(model: Model) -> Model:
    """The model with the worst-case liveness properties and fairness described above."""
    false, true = ir.Lit(False, BOOL), ir.Lit(True, BOOL)
    live = (
        Property("always_eventually", "SyntheticAlwaysEventually", false),
        Property("eventually", "SyntheticEventually", false),
        Property("leads_to", "SyntheticLeadsTo", false, trigger=true),
    )
    nodes = tuple(i for i, a in enumerate(model.actions) if a.node_param is not None)
    handlers = tuple(i for i, a in enumerate(model.actions) if a.kind == "receive")
    fairness = []
    if nodes:
        fairness.append(Fairness(False, nodes, "node", "fair node (synthetic)"))
    if handlers:
        fairness.append(Fairness(True, handlers, "message", "fair delivery (synthetic)"))
    return replace(model, properties=model.properties + live, fairness=tuple(fairness))


def best(compiled: Any, repeat: int) -> tuple[float, CheckResult]:
    """The fastest of `repeat` checks (wall clock of engine.check) and its result."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = check(compiled, CheckOptions(stop_at_first=False))
        runs.append((time.perf_counter() - started, result))
    return min(runs, key=lambda run: run[0])


def measure(path: str, consts: dict[str, int | bool], repeat: int, add: bool) -> Figures | None:
    model = api.load(path, consts).model
    if add:
        model = synthetic(model)
    if not model.liveness:
        return None
    safety_only = replace(model, properties=tuple(
        p for p in model.properties if p.kind not in LIVENESS_KINDS))  # fmt: skip
    safety_seconds, safety = best(build(safety_only), repeat)
    total_seconds, whole = best(build(model), repeat)
    violated = tuple(d.property for d in whole.violations if d.kind in LIVENESS_KINDS)
    return Figures(
        path, safety.stats.distinct_states, safety_seconds, total_seconds,
        whole.liveness_states, whole.liveness_transitions, whole.liveness_seconds,
        whole.verdict.value, violated,
    )  # fmt: skip


def report(f: Figures) -> str:
    pass_rate = f.liveness_states / f.liveness_seconds if f.liveness_seconds else 0.0
    return "\n".join([
        f"{f.spec}: verdict {f.verdict}" + (f", violated {', '.join(f.violated)}" if f.violated else ""),
        f"  safety alone       {f.safety_states:>10,} states  {f.safety_seconds:8.2f} s"
        f"  {f.safety_states / f.safety_seconds:>10,.0f} states/s",
        f"  safety + liveness  {f.safety_states:>10,} states  {f.total_seconds:8.2f} s"
        f"  {f.safety_states / f.total_seconds:>10,.0f} states/s",
        f"  liveness pass      {f.liveness_states:>10,} states  {f.liveness_seconds:8.2f} s"
        f"  {pass_rate:>10,.0f} states/s  ({f.liveness_transitions:,} edges)",
        f"  ratio (safety + liveness) / safety alone: {f.ratio:.2f}",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec")
    parser.add_argument("--const", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--repeat", type=int, default=1, help="checks per side, best kept")
    parser.add_argument("--synthetic", action="store_true",
                        help="add worst-case liveness properties and fairness")  # fmt: skip
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    consts = api.parse_const_overrides(args.const)
    figures = measure(args.spec, consts, max(1, args.repeat), args.synthetic)
    if figures is None:
        print(
            f"{args.spec}: no liveness property (eventually, always_eventually, leads_to), "
            "so there is no liveness pass to measure; --synthetic adds some",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print(json.dumps({**figures.__dict__, "ratio": figures.ratio}))
    else:
        print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
