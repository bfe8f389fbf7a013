"""Generating a module costs work in proportion to the model, counted, never timed: a
generated function names only what it uses, and a module constant is numbered in constant
time. (bench/load_scaling.py measures the seconds.)"""

from __future__ import annotations

from typing import Any

import pytest

from verikit.compile import generate
from verikit.compile import source as source_module
from verikit.compile.source import Constants
from verikit.semantics import analyze
from verikit.syntax import parse


def spec(variables: int, invariants: int) -> str:
    lines = ["spec Wide"]
    lines += [f"var v{i}: 0..3 = 0" for i in range(variables)]
    lines += ["action inc when v0 < 3 { v0 = v0 + 1 }"]
    lines += [f"invariant I{i}: v{i % variables} >= 0" for i in range(invariants)]
    return "\n".join(lines)


def names_chosen(monkeypatch: pytest.MonkeyPatch, variables: int, invariants: int) -> int:
    """How many local names code generation chooses for the spec."""
    model = analyze(parse(spec(variables, invariants)))
    count = 0
    real = source_module.identifier

    def counting(text: str) -> str:
        nonlocal count
        count += 1
        return real(text)

    monkeypatch.setattr(source_module, "identifier", counting)
    generate(model)
    monkeypatch.setattr(source_module, "identifier", real)
    return count


def test_a_property_function_costs_the_same_however_many_slots_there_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrow = names_chosen(monkeypatch, 50, 200) - names_chosen(monkeypatch, 50, 100)
    wide = names_chosen(monkeypatch, 100, 200) - names_chosen(monkeypatch, 100, 100)
    assert narrow == wide  # 100 more invariants: the same names, whatever the slot count
    assert wide <= 100 * 2  # a couple of names each, not one per slot


class CountingList(list[Any]):
    """A list that counts how many times it is iterated."""

    iterations = 0

    def __iter__(self) -> Any:
        CountingList.iterations += 1
        return super().__iter__()


def test_numbering_a_constant_does_not_scan_the_constants_before_it() -> None:
    constants = Constants()
    constants.defs = CountingList()
    names = [constants.value(frozenset({i})) for i in range(1000)]
    assert names[:2] == ["K_0", "K_1"] and names[-1] == "K_999"
    assert CountingList.iterations == 0
