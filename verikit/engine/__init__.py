"""Explicit-state search over a compiled model: `check(compiled, options) -> CheckResult`."""

from verikit.engine.options import CheckOptions, Progress
from verikit.engine.result import CheckResult, Discovery, Stats, Verdict
from verikit.engine.search import check

__all__ = ["CheckOptions", "CheckResult", "Discovery", "Progress", "Stats", "Verdict", "check"]
