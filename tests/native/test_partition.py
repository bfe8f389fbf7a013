"""runtime/expand.c, one partition per loaded library: several partitions in one process,
records moved by hand between them as the cluster's workers move them, find the states,
transitions and depth of the single-process search (no Ray needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from verikit.api import load
from verikit.engine import CheckOptions, native
from verikit.native import codegen
from verikit.native.build import build
from verikit.native.library import NativeLibrary
from verikit.native.partition import Partition

from .handwritten import needs_compiler

ROOT = Path(__file__).resolve().parents[2]
TWOPHASE = str(ROOT / "specs" / "reference" / "tla_two_phase.dsl")
EVERY_KEY, EVERY_PARENT = (1 << 64) - 1, (1 << 63) - 1


def partitions(count: int, tmp_path: Path) -> list[Partition]:
    """`count` partitions of TwoPhase N=4: each a copy of the library (its own C globals)."""
    compiled = load(TWOPHASE, {"RMs": 4}).compiled
    library = build(codegen.generate(compiled.model))
    found = []
    for part in range(count):
        copy = tmp_path / f"part{part}.so"
        shutil.copy(library.path, copy)
        partition = Partition(NativeLibrary(copy))
        assert partition.open(part, count, True, True, 100) == 0
        found.append(partition)
    return found


def as_ray_delivers(data: bytearray) -> memoryview:
    """Records as a worker receives them: a read-only view into Ray's object store."""
    return memoryview(bytes(data)).toreadonly()


def search(parts: list[Partition]) -> tuple[int, int, int, int]:
    """Every level: expand, ship, receive, finish, rank, commit. (states, transitions,
    depth, records shipped)."""
    states = transitions = depth = shipped = 0
    while True:
        left = True
        while left:
            left = False
            for w, part in enumerate(parts):
                status, remaining = part.expand(7, False)  # small chunks: many rounds
                assert status == 0
                left |= remaining > 0
                for dest in range(len(parts)):
                    if dest != w:
                        records = part.take(dest)
                        shipped += len(records) // part.record_bytes
                        assert parts[dest].receive(as_ray_delivers(records)) == 0
        for part in parts:
            assert part.finish(0).status == 0
        keys = [part.keys() for part in parts]
        for w, part in enumerate(parts):
            for v, other in enumerate(keys):
                if v != w:
                    part.rank(as_ray_delivers(other))
        committed = [part.commit(EVERY_KEY, EVERY_PARENT) for part in parts]
        stored = sum(c.stored for c in committed)
        transitions += sum(c.transitions for c in committed)
        if stored == 0:
            return states, transitions, depth, shipped
        states += stored
        depth += 1


@needs_compiler
def test_three_partitions_find_the_single_process_counts(tmp_path: Path) -> None:
    single = native.check(load(TWOPHASE, {"RMs": 4}).compiled, CheckOptions(), "native", 1)
    states, transitions, depth, shipped = search(partitions(3, tmp_path))
    assert (states, transitions, depth) == (
        single.stats.distinct_states, single.stats.transitions, single.stats.depth,
    )
    assert shipped > 0  # most successors belong to another partition


@needs_compiler
def test_each_level_is_ranked_into_one_discovery_order(tmp_path: Path) -> None:
    parts = partitions(2, tmp_path)
    for part in parts:
        while part.expand(1000, False)[1]:
            pass
    for w, part in enumerate(parts):
        assert part.receive(parts[1 - w].take(w)) == 0
    storable = sum(part.finish(0).storable for part in parts)
    keys = [part.keys() for part in parts]
    for w, part in enumerate(parts):
        part.rank(keys[1 - w])
    held = [[part.key_at(rank) for part in parts] for rank in range(storable)]
    assert all(sum(k is not None for k in at) == 1 for at in held)  # each position: one worker
    order = [next(k for k in at if k is not None) for at in held]
    assert order == sorted(order)  # positions follow the keys
    assert all(part.key_at(storable) is None for part in parts)
