"""scripts/lease_region.py (`make lease-region`): Z3's boundary search lands on the closed form."""

from __future__ import annotations

from fractions import Fraction

from scripts.lease_region import SPEC, agrees, longest_lease, safe_guard, shortest_guard

F = Fraction


def test_the_longest_safe_lease_matches_the_closed_form() -> None:
    guard, rho, delay = F("0.15"), F("0.001"), F("0.1")
    exact = (guard - (1 + rho) * delay) * (1 - rho) / (2 * rho)  # 24.925 s
    found = longest_lease(SPEC, guard, rho, delay)
    assert found is not None and agrees(found, exact)
    assert found <= exact  # the search reports the last length it proved safe


def test_a_delay_longer_than_the_guard_leaves_no_safe_lease() -> None:
    assert longest_lease(SPEC, F("0.05"), F("0.001"), F("0.1")) is None


def test_the_shortest_safe_guard_matches_the_closed_form() -> None:
    length, rho, delay = F(10), F("0.01"), F("0.05")
    found = shortest_guard(SPEC, length, rho, delay)
    exact = safe_guard(length, rho, delay)
    assert agrees(found, exact) and found >= exact
