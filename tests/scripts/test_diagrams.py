"""scripts/diagrams.py (`make diagrams`): the docs' counterexample images come from the specs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.diagrams import main, page_for, shows_a_bug, with_image

CORPUS = Path(__file__).parents[1] / "corpus"
SPECS = Path(__file__).parents[2] / "specs"
PAGE = "# Counter\n\nIt counts.\n\n## Counterexample\n\nx passes 2.\n"


def test_the_image_goes_under_the_counterexample_heading() -> None:
    page = with_image(PAGE, "img/counter_buggy.svg")
    assert page == (
        "# Counter\n\nIt counts.\n\n## Counterexample\n\n"
        "![counterexample](img/counter_buggy.svg)\n\nx passes 2.\n"
    )
    assert with_image(page, "img/counter_buggy.svg") is None  # already there


def test_a_page_without_a_counterexample_heading_is_left_alone() -> None:
    assert with_image("# Counter\n\nIt counts.\n", "img/counter_buggy.svg") is None


def test_a_variant_is_drawn_on_the_page_of_the_spec_it_varies(tmp_path: Path) -> None:
    for page in ("raft.md", "raft_election.md", "lease_no_fencing.md"):
        (tmp_path / page).write_text(PAGE)
    assert page_for("raft_election_split", tmp_path) == tmp_path / "raft_election.md"
    assert page_for("raft_buggy", tmp_path) == tmp_path / "raft.md"
    assert page_for("lease_no_fencing", tmp_path) == tmp_path / "lease_no_fencing.md"
    assert page_for("crdt_lww_buggy", tmp_path) is None


def test_buggy_variants_and_expect_violation_specs_show_a_bug(tmp_path: Path) -> None:
    (tmp_path / "a_buggy.dsl").write_text("spec A\n")
    (tmp_path / "b.dsl").write_text("spec B\nexpect violation Safe\n")
    (tmp_path / "c.dsl").write_text("spec C\n// no expect violation here\n")
    assert [shows_a_bug(tmp_path / f) for f in ("a_buggy.dsl", "b.dsl", "c.dsl")] == [
        True,
        True,
        False,
    ]


def test_a_variant_expecting_its_inherited_query_to_fail_shows_no_trace(tmp_path: Path) -> None:
    shutil.copy(SPECS / "lease_timing.dsl", tmp_path / "timing.dsl")
    variant = 'spec Short extends "timing.dsl"\nconst Guard = D\nexpect violation BothHoldLease\n'
    (tmp_path / "short.dsl").write_text(variant)
    assert not shows_a_bug(tmp_path / "short.dsl")  # a witness from `verikit query`, no trace


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_main_draws_each_bug_and_links_its_page(tmp_path: Path) -> None:
    specs, docs = tmp_path / "specs", tmp_path / "docs"
    specs.mkdir()
    shutil.copy(CORPUS / "violated" / "counter_invariant.dsl", specs / "counter_buggy.dsl")
    shutil.copy(CORPUS / "holds" / "counter.dsl", specs / "counter.dsl")
    (docs / "specs").mkdir(parents=True)
    (docs / "specs" / "counter_buggy.md").write_text(PAGE)
    assert main(specs, docs) == 0
    assert [p.name for p in (docs / "specs" / "img").iterdir()] == ["counter_buggy.svg"]
    assert "](img/counter_buggy.svg)" in (docs / "specs" / "counter_buggy.md").read_text()


def test_a_bug_spec_without_a_counterexample_fails_the_target(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(CORPUS / "holds" / "counter.dsl", specs / "counter_buggy.dsl")
    assert main(specs, tmp_path / "docs") == 1


def test_a_spec_expecting_only_a_possible_timing_query_has_nothing_to_draw(tmp_path: Path) -> None:
    query = "query Overlap {\n  real t\n  never t > 0\n}\n"
    (tmp_path / "q.dsl").write_text(f"spec Q\n{query}expect violation Overlap\n")
    (tmp_path / "r.dsl").write_text(f"spec R\n{query}expect violation Safe\n")
    assert [shows_a_bug(tmp_path / f) for f in ("q.dsl", "r.dsl")] == [False, True]
