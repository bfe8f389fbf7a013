"""The fuzz slice of `make test`: mutated specs end with an honest exit code (0, 1, 2 or 3)
within their caps and without a traceback. `make fuzz` runs the same harness on 1,000 cases.

A failing case prints its mutation and the command that reproduces it; rerun it alone with
`python scripts/fuzz.py --seed 20261205 --case <index>`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.fuzz.harness import (
    BACKENDS,
    COMMANDS,
    Case,
    Limits,
    Outcome,
    make_case,
    repro_command,
    run_case,
    spec_paths,
)
from tests.fuzz.mutate import MUTATORS, NESTING_KINDS, encode, mutate, nest, tokenize

SEED = 20261205
SLICE = 40
LIMITS = Limits(timeout=5.0, max_states=2000, wall_cap=30.0, memory_mb=2048)
BASES = spec_paths()
COUNTER = Path(__file__).parents[1] / "corpus" / "holds" / "counter.dsl"


@pytest.mark.parametrize("index", range(SLICE))
def test_a_mutated_spec_ends_with_an_honest_exit_code(index: int, tmp_path: Path) -> None:
    outcome = run_case(make_case(SEED, index, BASES), tmp_path, LIMITS)
    assert outcome.failure is None, explain(outcome, tmp_path)


def explain(outcome: Outcome, workdir: Path) -> str:
    case = outcome.case
    command = repro_command(outcome, workdir / f"{case.name}.dsl", LIMITS)
    return (
        f"{case.name} ({case.description}) exit {outcome.exit_label}: {outcome.failure}\n"
        f"{command}\n{outcome.output[-3000:]}"
    )


def test_the_slice_covers_every_command_and_every_mutator() -> None:
    cases = [make_case(SEED, index, BASES) for index in range(SLICE)]
    assert {case.command for case in cases} == set(COMMANDS)
    assert {case.backend for case in cases} == set(BACKENDS)
    used = {part.split(":")[0] for case in cases for part in case.description.split("; ")}
    assert used == set(MUTATORS)


def test_a_case_is_the_same_every_time() -> None:
    assert make_case(7, 3, BASES) == make_case(7, 3, BASES)
    assert make_case(7, 3, BASES) != make_case(7, 4, BASES)


def test_the_bases_are_the_bundled_and_the_corpus_specs() -> None:
    names = {path.name for path in BASES}
    assert {"raft.dsl", "tla_two_phase.dsl", "counter.dsl", "syntax_missing_brace.dsl"} <= names


@pytest.mark.parametrize("name", sorted(MUTATORS))
def test_every_mutator_changes_the_spec_or_the_command(name: str) -> None:
    text = COUNTER.read_text(encoding="utf-8")
    for seed in range(20):
        mutation = MUTATORS[name](random.Random(seed), text)
        assert mutation.text != text or mutation.consts, mutation.description


def test_tokens_join_back_to_the_text() -> None:
    text = COUNTER.read_text(encoding="utf-8")
    assert "".join(token.text for token in tokenize(text)) == text


def test_a_byte_that_is_not_utf8_reaches_the_file_as_that_byte() -> None:
    assert encode("x\udcffy") == b"x\xffy"


@pytest.mark.parametrize("kind", NESTING_KINDS)
def test_nesting_keeps_the_spec_well_formed_at_a_small_depth(kind: str, tmp_path: Path) -> None:
    """Twenty levels of any kind still check (exit 0): the mutator nests where the grammar
    allows it, in place or in a new declaration, so deep mutants reach past the parser."""
    text = COUNTER.read_text(encoding="utf-8")
    for seed in range(2):  # in place, then (for most kinds) in a new declaration
        mutation = nest(random.Random(seed), text, kind, 20)
        case = Case(
            0, seed, COUNTER, mutation.description, mutation.text, "check", "text", (), "python"
        )
        outcome = run_case(case, tmp_path, LIMITS)
        assert outcome.exit_code == 0, (mutation.description, outcome.output)


@pytest.mark.parametrize(
    ("exit_code", "output", "failure"),
    [
        (0, "ok", None),
        (1, "violated", None),
        (2, "error: expected ...", None),
        (3, "INCOMPLETE", None),
        (4, "internal error: a verikit bug", "internal-error"),
        (2, "Traceback (most recent call last):\n  ...\nRecursionError: ...", "traceback"),
        (5, "", "exit 5"),
        (-11, "", "signal SIGSEGV"),
        (None, "", "hang"),
    ],
)
def test_a_run_passes_only_with_an_honest_exit_code_and_no_traceback(
    exit_code: int | None, output: str, failure: str | None
) -> None:
    case = make_case(SEED, 0, BASES)
    assert Outcome(case, exit_code, 0.1, output).failure == failure


def test_mutations_compose_and_say_what_they_did() -> None:
    text = COUNTER.read_text(encoding="utf-8")
    mutation = mutate(random.Random(1), text)
    assert mutation.description
    assert all(part.split(":")[0] in MUTATORS for part in mutation.description.split("; "))
