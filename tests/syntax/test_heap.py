"""Parsing builds its tree with CPython's cyclic collector paused (its repeated traversals of
the growing tree made loading superlinear), and leaves the collector as it found it."""

from __future__ import annotations

import gc

import pytest

from verikit.syntax import ast, parse
from verikit.syntax import parser as parser_module


def test_the_tree_is_built_with_the_collector_paused_and_it_runs_again_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = []
    real = parser_module.shape

    def recording(spec: ast.Spec) -> ast.Spec:
        seen.append(gc.isenabled())
        return real(spec)

    monkeypatch.setattr(parser_module, "shape", recording)
    assert gc.isenabled()
    parse("spec S\nvar x: bool = false")
    assert seen == [False] and gc.isenabled()


def test_a_paused_collector_stays_paused() -> None:
    gc.disable()
    try:
        parse("spec S\nvar x: bool = false")
        assert not gc.isenabled()
    finally:
        gc.enable()
