"""`make lease-region`: the safe region of specs/lease_timing.dsl, found by Z3, for the docs.

    python scripts/lease_region.py [spec]

Each cell binary-searches one constant with `verikit query` (api.query_file) until the
boundary between "impossible" and "possible" is pinned to 1 part in 10^5, and checks it
against the closed form derived in docs/specs/lease_timing.md,

    safe  ⟺  Guard >= (1 + Rho) * D + 2 * Rho * L / (1 - Rho),

failing (exit 1) if any cell disagrees. Two Markdown tables are printed: the longest safe
lease for the spec's guard, and the shortest safe guard for its lease, by drift and delay.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from verikit import api

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "lease_timing.dsl"
RHOS = [Fraction(n, 10**6) for n in (10, 100, 1000, 10000)]  # 10 ppm … 1 %
DELAYS = [Fraction(n, 1000) for n in (1, 10, 50, 100)]  # 1 ms … 100 ms
PRECISION = Fraction(1, 10**5)  # relative width of the final bracket


def safe_guard(length: Fraction, rho: Fraction, delay: Fraction) -> Fraction:
    """The closed form: the shortest guard for which no two clients hold the lease at once."""
    return (1 + rho) * delay + 2 * rho * length / (1 - rho)


def is_safe(spec: Path, consts: dict[str, Fraction]) -> bool:
    report = api.query_file(spec, dict(consts))
    (answer,) = report.answers
    if answer.verdict not in ("impossible", "possible"):
        raise SystemExit(f"{spec}: {consts}: {answer.verdict} {answer.reason}")
    return answer.verdict == "impossible"


def boundary(safe: Callable[[Fraction], bool], rising: bool) -> Fraction | None:
    """The value x where `safe(x)` flips: safe above it when `rising`, below it otherwise.
    None when every positive x is unsafe (probed down to 10^-9 and up to 10^9)."""
    lo, hi = Fraction(1, 10**9), Fraction(1)
    if rising:
        while not safe(hi):
            lo, hi = hi, hi * 2
            if hi > 10**9:
                return None
    else:
        if not safe(lo):
            return None
        while safe(hi):
            lo, hi = hi, hi * 2
    while hi - lo > PRECISION * hi:  # invariant: the flip lies in (lo, hi]
        mid = (lo + hi) / 2
        if safe(mid) == rising:
            hi = mid
        else:
            lo = mid
    return hi if rising else lo


def longest_lease(spec: Path, guard: Fraction, rho: Fraction, delay: Fraction) -> Fraction | None:
    consts = {"Rho": rho, "D": delay, "Guard": guard}
    return boundary(lambda length: is_safe(spec, {**consts, "L": length}), rising=False)


def shortest_guard(spec: Path, length: Fraction, rho: Fraction, delay: Fraction) -> Fraction:
    consts = {"L": length, "Rho": rho, "D": delay}
    found = boundary(lambda guard: is_safe(spec, {**consts, "Guard": guard}), rising=True)
    assert found is not None
    return found


def agrees(found: Fraction | None, exact: Fraction) -> bool:
    if found is None or exact <= 0:
        return found is None and exact <= 0
    return abs(found - exact) <= 2 * PRECISION * exact


def _ppm(rho: Fraction) -> str:
    return f"{float(rho * 10**6):g} ppm" if rho < Fraction(1, 1000) else f"{float(rho * 100):g} %"


def _ms(delay: Fraction) -> str:
    return f"{float(delay * 1000):g} ms"


def table(title: str, cell: Callable[[Fraction, Fraction], str]) -> list[str]:
    lines = [title, "", "| drift ρ \\ delay D | " + " | ".join(_ms(d) for d in DELAYS) + " |"]
    lines.append("|---" * (len(DELAYS) + 1) + "|")
    for rho in RHOS:
        lines.append(f"| {_ppm(rho)} | " + " | ".join(cell(rho, d) for d in DELAYS) + " |")
    return lines + [""]


def main(spec: Path = SPEC) -> int:
    model_consts = dict(api.query_file(spec).model.consts)  # type: ignore[union-attr]
    guard, length = Fraction(model_consts["Guard"]), Fraction(model_consts["L"])  # type: ignore[arg-type]
    disagreements: list[str] = []

    def lease_cell(rho: Fraction, delay: Fraction) -> str:
        found = longest_lease(spec, guard, rho, delay)
        exact = (guard - (1 + rho) * delay) * (1 - rho) / (2 * rho)
        if not agrees(found, exact):
            disagreements.append(f"L for ρ={rho}, D={delay}: Z3 {found}, closed form {exact}")
        return "none" if found is None else f"{float(found):,.4g} s"

    def guard_cell(rho: Fraction, delay: Fraction) -> str:
        found = shortest_guard(spec, length, rho, delay)
        exact = safe_guard(length, rho, delay)
        if not agrees(found, exact):
            disagreements.append(f"Guard for ρ={rho}, D={delay}: Z3 {found}, closed form {exact}")
        return f"{float(found) * 1000:,.4g} ms"

    print("\n".join(table(f"Longest safe lease L (Guard = {float(guard):g} s):", lease_cell)))
    print("\n".join(table(f"Shortest safe guard (L = {float(length):g} s):", guard_cell)))
    for line in disagreements:
        print("DISAGREES:", line, file=sys.stderr)
    parts = int(1 / PRECISION)
    print(f"every cell agrees with the closed form to 1 part in {parts:,}"
          if not disagreements else f"{len(disagreements)} cells disagree")  # fmt: skip
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(*(Path(a) for a in sys.argv[1:2])))
