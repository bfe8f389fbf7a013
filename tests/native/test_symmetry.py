"""Symmetry reduction on the native backend: the canonical words C computes are the same for
every renaming of a state and differ between states no renaming relates, so the reduced
search counts exactly the classes the Python backend counts, and (storing the states it
reached) reports the same counterexamples, step for step, for any number of workers."""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import pytest

from tests.engine.test_symmetry import GOSSIP, TOKENS, TWO_PHASE, compiled_from, reachable_states
from verikit.compile.compiled import CompiledModel
from verikit.engine import native as backends
from verikit.engine.options import CheckOptions
from verikit.engine.result import CheckResult
from verikit.engine.symmetry import permutations, permuter
from verikit.native.codegen import generate
from verikit.native.csymmetry import symmetric_groups

from .agreement import native, needs_compiler

pytestmark = needs_compiler

ROOT = Path(__file__).resolve().parents[2]

VIOLATED_GOSSIP = GOSSIP.replace("NETWORK", "crash: true").replace(
    "p not in p.heard", "len(p.heard) < 2"
)
BUGGY_TWO_PHASE = TWO_PHASE.replace("const Buggy = false", "const Buggy = true")
SPECS = {
    "tokens": TOKENS,
    "tokens violated": TOKENS.replace("p.n <= 2", "p.n <= 1"),
    "gossip fifo crash": GOSSIP.replace("NETWORK", "reorder: false  crash: true"),
    "gossip bag crash": GOSSIP.replace("NETWORK", "reorder: true  crash: true"),
    "gossip partition": GOSSIP.replace("NETWORK", "partition: true"),
    "gossip violated": VIOLATED_GOSSIP,
    "two phase": TWO_PHASE,
    "two phase buggy": BUGGY_TWO_PHASE,
}


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIKIT_CACHE", str(tmp_path_factory.getbasetemp() / "native-cache"))


def paxos(groups: tuple[str, ...], **consts: int) -> CompiledModel:
    """specs/paxos.dsl with the named node groups declared `symmetric`."""
    return with_symmetry("paxos.dsl", groups, consts)


def with_symmetry(spec: str, groups: tuple[str, ...], consts: dict[str, int]) -> CompiledModel:
    """A bundled spec with the named node groups declared `symmetric`."""
    text = (ROOT / "specs" / spec).read_text(encoding="utf-8")
    for group in groups:
        assert f"\nnode {group}[" in text
        text = text.replace(f"\nnode {group}[", f"\nsymmetric node {group}[")
    return compiled_from(text, dict(consts))


def figures(result: CheckResult) -> tuple[Any, ...]:
    stats = result.stats
    found = [(d.kind, d.property, d.path) for d in (*result.violations, *result.witnesses)]
    return (result.verdict, stats.distinct_states, stats.transitions, stats.depth, found,
            result.incomplete_reason, result.symmetry)  # fmt: skip


def both(
    compiled: CompiledModel, options: CheckOptions, **native_args: Any
) -> tuple[CheckResult, CheckResult]:
    python = backends.check(compiled, options, backend="python")
    reduced = backends.check(compiled, options, backend="native", **native_args)
    assert reduced.backend is not None and reduced.backend.name == "native"
    return python, reduced


# ---------------------------------------------------------------- the search


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("name", SPECS)
def test_the_reduced_search_agrees_with_python_step_for_step(name: str, workers: int) -> None:
    python, reduced = both(compiled_from(SPECS[name]), CheckOptions(), workers=workers)
    assert figures(reduced) == figures(python)
    assert reduced.symmetry == python.symmetry != ()


@pytest.mark.parametrize("name", ["gossip bag crash", "gossip violated", "two phase buggy"])
def test_whole_states_compared_count_the_same_classes(name: str) -> None:
    python, reduced = both(compiled_from(SPECS[name]), CheckOptions(), workers=2, full_states=True)
    assert figures(reduced) == figures(python)


@pytest.mark.parametrize("limit", [1, 7, 100, 500])
def test_max_states_stops_at_the_same_state(limit: int) -> None:
    compiled = compiled_from(SPECS["gossip bag crash"])
    python, reduced = both(compiled, CheckOptions(max_states=limit), workers=2)
    assert figures(reduced) == figures(python)
    assert reduced.stats.distinct_states == limit


def test_no_symmetry_searches_every_state_natively() -> None:
    compiled = compiled_from(SPECS["two phase"])
    python, full = both(compiled, CheckOptions(symmetry=False))
    assert figures(full) == figures(python)
    assert full.symmetry == ()
    reduced = backends.check(compiled, backend="native")
    assert reduced.stats.distinct_states * 4 < full.stats.distinct_states


@pytest.mark.parametrize(
    ("groups", "consts", "states"),
    [
        (("Acceptor",), {"MaxBallot": 1}, 753),  # of 3,517 states
        (("Acceptor",), {"MaxBallot": 1, "Acceptors": 4}, 1_639),  # of 20,770
        (("Proposer", "Acceptor"), {"MaxBallot": 1}, 386),
    ],
)
def test_paxos_with_symmetric_groups_counts_what_python_counts(
    groups: tuple[str, ...], consts: dict[str, int], states: int
) -> None:
    python, reduced = both(paxos(groups, **consts), CheckOptions(), workers=2)
    assert figures(reduced) == figures(python)
    assert reduced.stats.distinct_states == states


@pytest.mark.parametrize(
    ("spec", "states"), [("paxos.dsl", 33_220), ("paxos_ignore_accepted.dsl", 29_806)]
)
def test_workers_sharing_large_levels_keep_the_first_state_found_of_each_class(
    spec: str, states: int
) -> None:
    """Levels of thousands of states are expanded by every worker at once (smaller ones by
    one thread): the words kept per class must still be the first found's."""
    compiled = with_symmetry(spec, ("Acceptor",), {"Proposers": 1})
    one, *more = (backends.check(compiled, backend="native", workers=n) for n in (1, 2, 3))
    assert one.stats.distinct_states == states and one.stats.peak_queue > 4_000
    assert all(figures(result) == figures(one) for result in more)


# ---------------------------------------------------------------- the canonical words


def canonical_words(compiled: CompiledModel) -> Any:
    """state -> the canonical words C computes for it."""
    source, library = native(compiled.model)
    canon = library._lib.vk_api_canon  # noqa: SLF001 - the test export of csymmetry.py
    words = library.state_words
    canon.argtypes = [ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint64)]
    canon.restype = None

    def of(state: Any) -> tuple[int, ...]:
        packed = (ctypes.c_uint64 * words)(*source.layout.pack(state))
        out = (ctypes.c_uint64 * words)()
        canon(packed, out)
        return tuple(out)

    return of


@pytest.mark.parametrize("name", ["gossip fifo crash", "gossip bag crash", "gossip partition",
                                  "two phase"])  # fmt: skip
def test_the_canonical_words_name_exactly_the_classes_of_states(name: str) -> None:
    compiled = compiled_from(SPECS[name])
    of = canonical_words(compiled)
    renamings = [permuter(compiled.model, image) for image in permutations(compiled.model)]
    states = reachable_states(compiled)
    classes = {frozenset([s, *(rename(s) for rename in renamings)]) for s in states}
    keys: dict[tuple[int, ...], int] = {}
    for s in states:
        key = of(s)
        assert all(of(rename(s)) == key for rename in renamings)  # one key for a whole class
        keys[key] = keys.get(key, 0) + 1
    assert len(keys) == len(classes)  # and different classes, different keys


def test_two_groups_are_renamed_each_within_itself() -> None:
    compiled = paxos(("Proposer", "Acceptor"), MaxBallot=1)
    of = canonical_words(compiled)
    renamings = [permuter(compiled.model, image) for image in permutations(compiled.model)]
    assert len(renamings) == 2 * 6 - 1
    for s in list(reachable_states(compiled))[:300]:
        assert len({of(s), *(of(rename(s)) for rename in renamings)}) == 1


# ---------------------------------------------------------------- the generated code


def test_only_groups_of_two_or_more_symmetric_nodes_are_canonicalized() -> None:
    compiled = paxos(("Acceptor",), MaxBallot=1)
    assert "vk_canon" in generate(compiled.model).c
    assert [g.name for g in symmetric_groups(compiled.model)] == ["Acceptor"]
    single = paxos(("Proposer",), Proposers=1, MaxBallot=1)
    assert symmetric_groups(single.model) == ()
    assert "VK_SYMMETRY" not in generate(single.model).c
