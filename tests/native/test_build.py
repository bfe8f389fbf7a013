"""Building a model: the system compiler, a cache keyed by source and compiler, clear failures."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from verikit.api import load
from verikit.core.model import Model
from verikit.native import build as native_build
from verikit.native.build import (
    NativeBuildError,
    NativeUnavailable,
    build_c,
    build_model,
    find_compiler,
)
from verikit.native.codegen import NativeSource, generate
from verikit.native.library import NativeFault

from .handwritten import SPEC, build_twophase, needs_compiler, twophase_c

pytestmark = needs_compiler


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("VERIKIT_CACHE", str(cache))
    return cache


def test_a_second_build_of_the_same_source_loads_the_cached_library(
    monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    first = build_twophase(3)
    assert not first.cached and first.compile_seconds > 0
    assert first.path.parent == private_cache / "native"

    def no_compiling(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"compiled again: {args}")

    monkeypatch.setattr(subprocess, "run", no_compiling)
    second = build_twophase(3)
    assert second.cached and second.path == first.path and second.compile_seconds == 0.0


def test_builds_of_one_source_at_the_same_time_do_not_trip_over_each_other() -> None:
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda _: build_twophase(5), range(4)))
    assert {b.path for b in built} == {built[0].path}
    assert all(b.library.init_states() == [(-1, (0,))] for b in built)


def test_another_source_is_another_cache_entry() -> None:
    assert build_twophase(3).path != build_twophase(4).path


def test_an_unwritable_cache_falls_back_to_a_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("VERIKIT_CACHE", str(blocker / "cache"))
    built = build_twophase(3)
    assert not built.path.is_relative_to(blocker)
    assert built.library.init_states() == [(-1, (0,))]


def test_code_the_compiler_rejects_is_kept_and_named(private_cache: Path) -> None:
    with pytest.raises(NativeBuildError) as caught:
        build_c("this is not C;")
    c_file = caught.value.c_file
    assert c_file.exists() and "this is not C;" in c_file.read_text()
    assert str(c_file) in str(caught.value)
    assert "error" in str(caught.value)  # the compiler's own words follow
    assert not list((private_cache / "native").glob("*.so*"))  # nothing half-written


def test_no_compiler_names_what_is_missing_and_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-anywhere")
    with pytest.raises(NativeUnavailable) as caught:
        find_compiler()
    assert "no C compiler found" in str(caught.value)
    assert "$CC=no-such-compiler-anywhere" in str(caught.value)
    assert "apt-get install gcc" in str(caught.value)
    with pytest.raises(NativeUnavailable):
        build_c(twophase_c(3))


def test_the_cache_key_changes_with_the_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = native_build.translation_unit(twophase_c(3))
    compiler = find_compiler()
    other = native_build.Compiler(compiler.path, compiler.identity + " (patched)")
    assert native_build._key(unit, compiler) != native_build._key(unit, other)


def test_one_state_at_a_time_the_library_follows_compiles_successor_order() -> None:
    """Walk both sides in step: native successor k is compile's successor k, same action."""
    library = build_twophase(3).library
    compiled = load(SPEC).compiled
    python_init = compiled.init_states()
    native_init = library.init_states()
    assert [a for a, _ in native_init] == [-1] * len(python_init)
    frontier = list(zip(python_init, (w for _, w in native_init), strict=True))
    seen = set()
    while frontier:
        state, words = frontier.pop()
        if words in seen:
            continue
        seen.add(words)
        python = compiled.labelled_successors(state)
        native = library.successors(words)
        assert [s.action for s in python] == [a for a, _ in native]
        frontier += [(s.state, w) for s, (_, w) in zip(python, native, strict=True)]
        for i, (prop, holds) in enumerate(compiled.properties):
            assert library.prop(i, words) == holds(state), prop.name
    assert len(seen) == 288


def test_a_fault_in_generated_code_raises_native_fault() -> None:
    library = build_twophase(1, "VK_TEST_FAULT").library
    # TMAbort, RMPrepare(1), ...: after RMPrepare(1) and TMRcvPrepared(1) TMCommit faults
    prepared = library.successors((0,))[1][1]
    received = library.successors(prepared)[0][1]
    with pytest.raises(NativeFault) as caught:
        library.successors(received)
    assert caught.value.code == 1
    assert library.prop_kinds() == ("invariant", "invariant", "reachable", "reachable")


def test_an_interrupted_build_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    find_compiler()  # known before the compiler is "interrupted"
    monkeypatch.setattr(subprocess, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_c(twophase_c(6))
    assert not list((private_cache / "native").glob("vk-*"))


def test_a_compiler_that_cannot_build_the_runtime_is_no_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Say, a compiler without the C headers: an environment to fix, not a verikit bug."""
    fake = tmp_path / "fakecc"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = --version ]; then echo "fakecc 1.0"; exit 0; fi\n'
        'echo "probe.c:1:10: fatal error: stdint.h: No such file or directory" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("CC", str(fake))
    with pytest.raises(NativeUnavailable) as caught:
        find_compiler()
    message = str(caught.value)
    assert "cannot build verikit's runtime (probe.c:1:10: fatal error: stdint.h" in message
    assert "apt-get install gcc libc6-dev" in message


def test_a_model_built_before_is_loaded_without_generating_its_c_again(
    private_cache: Path,
) -> None:
    small, large = (load(SPEC, {"RMs": n}).model for n in (2, 3))
    generated: list[int] = []

    def generating(model: Model) -> Callable[[], NativeSource]:
        def run() -> NativeSource:
            generated.append(1)
            return generate(model)

        return run

    first = build_model(small, generating(small))
    again = build_model(load(SPEC, {"RMs": 2}).model, generating(small))  # an equal model
    assert generated == [1] and not first.cached and again.cached
    assert again.library.init_states() == first.library.init_states()
    other = build_model(large, generating(large))  # another model: generated and built
    assert generated == [1, 1] and not other.cached
    assert len(list((private_cache / "native").glob("vk-m-*.so"))) == 2
