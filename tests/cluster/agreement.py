"""What a cluster run must share with the single-process native run of the same spec."""

from __future__ import annotations

from typing import Any

from verikit.api import load
from verikit.cluster import check as cluster
from verikit.engine import CheckOptions, native
from verikit.engine.result import CheckResult
from verikit.semantics import ConstValue


def figures(result: CheckResult) -> dict[str, Any]:
    s = result.stats
    return {
        "verdict": result.verdict,
        "counts": (s.distinct_states, s.transitions, s.depth, s.peak_queue),
        "violations": [(d.property, d.kind, d.path, d.loop_start) for d in result.violations],
        "witnesses": [(d.property, d.path) for d in result.witnesses],
        "unreached": result.unreached,
        "never_enabled": result.never_enabled,
        "incomplete": result.incomplete_reason,
        "liveness": result.liveness_checked,
    }


def both(path: str, consts: dict[str, ConstValue] | None = None, workers: int = 2,
         options: CheckOptions | None = None) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """(cluster, single process) figures of one spec."""
    compiled = load(path, consts).compiled
    options = options or CheckOptions()
    on_cluster = cluster.check(compiled, options, "ray", workers)
    single = native.check(compiled, options, "native")  # threads: the same figures, sooner
    assert on_cluster.backend is not None and on_cluster.backend.workers == workers
    return figures(on_cluster), figures(single)
