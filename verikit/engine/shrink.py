"""Shrinking a violation a random walk found, and replaying the last one first.

Three passes, under one time budget (and a count of hypothesis's walks, so that a seed
shrinks the same way every time unless the clock runs out first):

1. Step removal, on the steps themselves (each named by its action, parameters and which of
   that action's equal-looking successors it is): remove chunks of steps, then single steps,
   and let one step stand in for a detour of up to WINDOW steps, while the violation still
   shows; repeat until nothing shortens. Every replayed prefix is kept in a trie, so each
   state's checks and successors are computed once: this pass is fast.
2. hypothesis. A walk is a sequence of draws, `[initial state, action, index, action, index,
   ...]` (engine/simulate.py records the walker's choices in this encoding): the action is an
   index into the model's actions (a disabled one means the next enabled one, cyclically) and
   the index picks among that action's successors (modulo their number). The shortened
   trace's draws are handed to hypothesis through its example database, which replays them
   first; its shrinker then deletes and lowers draws for as long as the walk still shows the
   same violation within as many steps, finding different, shorter runs that step removal
   cannot reach. The database lives under a verikit cache directory and keeps the last shrunk
   failure of each spec, so the next simulation replays it first.
3. Step removal again, then, among traces of equal length, fewer fault steps (loss,
   duplication, crash, partition) and fewer switches between nodes (swapping neighbouring
   steps, or taking another action in place of a fault).

A shrunk trace is never longer than the one it came from: every candidate is capped at the
current length, and only a better one (by length, then faults, then switches) replaces it.
A liveness lasso gets the step-removal passes only (hypothesis's walks do not close loops):
every candidate must still close a fair loop, or stutter at its end, on which the property
fails.
"""

from __future__ import annotations

import hashlib
import os
import time
import unittest
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verikit.compile.compiled import CompiledModel, State, Successor
from verikit.core.model import LIVENESS_KINDS
from verikit.engine.lasso import LassoJudge
from verikit.engine.result import Discovery
from verikit.engine.simulate import (
    Checks,
    Found,
    Shrinking,
    SimulateOptions,
    python_expander,
)
from verikit.errors import SpecFault

FAULT_KINDS = ("drop", "duplicate", "crash", "restart", "partition", "heal")
INDEX_BOUND = 2**16  # an index draw is taken modulo the number of successors
HYPOTHESIS_WALKS = 300  # walks hypothesis may try: a count, so a seed shrinks the same way
CACHE_ENV = "VERIKIT_CACHE"


def cache_directory() -> Path:
    """$VERIKIT_CACHE, else ~/.cache/verikit (where native/build.py keeps its libraries)."""
    explicit = os.environ.get(CACHE_ENV)
    return Path(explicit) if explicit else Path.home() / ".cache" / "verikit"


def database_directory() -> str:
    return str(cache_directory() / "hypothesis")


# ---------------------------------------------------------------- walks from draws


Draw = Callable[[int], int]  # draw(n): a value in 0..n-1


class Executor:
    """Runs a walk whose choices come from `draw`, checking what the walker checks."""

    def __init__(self, compiled: CompiledModel, deadlock: bool) -> None:
        self.compiled = compiled
        self.checks = Checks(compiled, deadlock)
        self.expand = python_expander(compiled)
        self.inits = compiled.init_states()
        self.width = len(compiled.model.actions)

    def run(self, draw: Draw, limit: int) -> tuple[Discovery | None, list[int]]:
        """(the violation the walk shows within `limit` steps, the choices drawn)."""
        choices = [draw(len(self.inits))]
        path = [choices[0]]
        state = self.inits[choices[0]]
        found, go_on = self.checks.state(state, path)
        for _ in range(limit):
            if found is not None or not go_on:
                break
            try:
                succs, counts = self.expand(state)
            except SpecFault as fault:
                return self.checks.step_fault(fault, path), choices
            if not succs:
                return self.checks.dead_end(state, path), choices
            wanted = draw(self.width)
            action = next(a % self.width for a in range(wanted, wanted + self.width)
                          if counts[a % self.width])  # fmt: skip
            index = draw(INDEX_BOUND) % counts[action]
            choices += (action, index)
            path.append(sum(counts[:action]) + index)
            before, state = state, succs[path[-1]]
            found, go_on = self.checks.state(state, path, before)
        return found, choices

    def choices_of(self, path: tuple[int, ...]) -> list[int]:
        """The draws that walk `path`: each step's action, and its index among that action's
        successors."""
        choices = [path[0]]
        state = self.inits[path[0]]
        for ordinal in path[1:]:
            succs, counts = self.expand(state)
            action, before = 0, 0
            while before + counts[action] <= ordinal:
                before += counts[action]
                action += 1
            choices += (action, ordinal - before)
            state = succs[ordinal]
        return choices


def same(a: Discovery, b: Discovery) -> bool:
    return a.kind == b.kind and a.property == b.property


# ---------------------------------------------------------------- hypothesis


class _Shows(Exception):
    """Raised inside hypothesis's test: this walk shows the violation."""


class _OutOfTime(BaseException):
    """The shrinking budget is spent: stop hypothesis, keep the best walk it has seen."""


def database_key(compiled: CompiledModel) -> bytes:
    """One key per spec, constants and generated code: a changed spec starts afresh."""
    model = compiled.model
    text = f"{model.name}\0{model.consts!r}\0{compiled.source}"
    return b"verikit-simulate-" + hashlib.sha256(text.encode()).hexdigest()[:32].encode()


def _seeded_database(
    directory: str | None, key: bytes, seeds: Iterable[bytes], read_stored: bool
) -> Any:
    """hypothesis's example database for one spec: every key hypothesis asks about maps to
    this spec's `key` (its secondary corpora to `key` plus their suffix). The walker's failing
    choices come as the secondary corpus: hypothesis does not shrink again what its primary
    corpus holds (its last shrunk failures), but does shrink a secondary entry that fails."""
    from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

    inner = DirectoryBasedExampleDatabase(directory) if directory else None

    class Seeded(ExampleDatabase):  # type: ignore[misc]
        def _map(self, asked: bytes) -> bytes:
            for suffix in (b".secondary", b".pareto"):
                if asked.endswith(suffix):
                    return key + suffix
            return key

        def fetch(self, asked: bytes) -> Iterable[bytes]:
            mapped = self._map(asked)
            if mapped == key + b".secondary":  # the primary corpus counts as shrunk already
                yield from seeds
            if inner is not None and read_stored:
                yield from inner.fetch(mapped)

        def save(self, asked: bytes, value: bytes) -> None:
            if inner is not None:
                inner.save(self._map(asked), value)

        def delete(self, asked: bytes, value: bytes) -> None:
            if inner is not None:
                inner.delete(self._map(asked), value)

    return Seeded()


@dataclass
class _Best:
    discovery: Discovery | None
    choices: list[int]
    calls: int = 0


def hypothesis_search(
    executor: Executor,
    seed: int,
    limit: int,
    deadline: float,
    database: str | None,
    seeds: list[list[int]],
    target: Discovery | None,
    read_stored: bool,
) -> _Best:
    """Let hypothesis replay `seeds` (and, with `read_stored`, the database's stored failures)
    and shrink the first that shows `target` (None: any safety violation), until the
    deadline."""
    import hypothesis
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st
    from hypothesis.database import choices_to_bytes

    best = _Best(None, [])
    key = database_key(executor.compiled)
    db = _seeded_database(database, key, [choices_to_bytes(c) for c in seeds], read_stored)

    @settings(
        database=db,
        phases=[Phase.reuse, Phase.shrink],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
        max_examples=1,
    )
    @hypothesis.seed(seed)  # under @settings: a seed alone would switch the database off
    @given(st.data())
    def attempt(data: Any) -> None:
        best.calls += 1
        if best.calls > HYPOTHESIS_WALKS or time.monotonic() > deadline:
            raise _OutOfTime  # a BaseException: hypothesis lets it through and stops

        def draw(n: int) -> int:
            return int(data.draw(st.integers(0, n - 1)))

        found, choices = executor.run(draw, limit)
        if found is None or target is not None and not same(found, target):
            return
        if best.discovery is not None and not same(found, best.discovery):
            return  # without a target, the first violation replayed is the one shrunk
        if best.discovery is None or len(found.path) < len(best.discovery.path):
            best.discovery, best.choices = found, choices
        raise _Shows

    try:
        attempt()
    except (_Shows, unittest.SkipTest, _OutOfTime):  # SkipTest: nothing to replay
        pass
    except Exception as error:  # hypothesis's own complaints (flaky, ...): keep the best seen
        if not _from_hypothesis(error):
            raise
    return best


def _from_hypothesis(error: BaseException) -> bool:
    if type(error).__module__.startswith("hypothesis"):
        return True
    inner = getattr(error, "exceptions", ())
    return bool(inner) and all(isinstance(e, _Shows) or _from_hypothesis(e) for e in inner)


# ---------------------------------------------------------------- the final pass


Label = tuple[int, tuple[Any, ...], int]  # action, parameters, which of the equal-looking


class _Node:
    """A replayed prefix: its last state, the path to it, what checking it found, and (once
    asked) its labelled successors and the prefixes extending it."""

    __slots__ = ("state", "path", "found", "go_on", "succs", "end", "children")

    def __init__(
        self, state: State, path: tuple[int, ...], found: Discovery | None, go_on: bool
    ) -> None:
        self.state = state
        self.path = path
        self.found = found
        self.go_on = go_on
        self.succs: list[Successor] | None = None
        self.end: Discovery | None = None  # a fault computing the successors
        self.children: dict[Label, _Node] = {}


class Steps:
    """Replays walks named by step labels, and judges them: (length, faults, switches)."""

    def __init__(self, compiled: CompiledModel, checks: Checks, target: Discovery) -> None:
        self.compiled = compiled
        self.checks = checks
        self.target = target
        self.inits = compiled.init_states()
        self.roots: dict[int, _Node] = {}
        self.lasso = LassoJudge(compiled) if target.kind in LIVENESS_KINDS else None
        model = compiled.model
        self.fault = [a.kind in FAULT_KINDS for a in model.actions]
        names = [[p.name for p in a.params] for a in model.actions]
        self.node_at = [
            names[i].index(a.node_param) if a.node_param in names[i] else None
            for i, a in enumerate(model.actions)
        ]

    def labels(self, path: tuple[int, ...]) -> list[Label]:
        state = self.inits[path[0]]
        labels = []
        for ordinal in path[1:]:
            succs = self.compiled.labelled_successors(state)
            labels.append(_label(succs, ordinal))
            state = succs[ordinal].state
        return labels

    def replay(self, init: int, labels: list[Label]) -> tuple[Discovery, list[Label]] | None:
        """The target shown by these steps (cut where it first shows), else None. Every
        prefix replayed is kept in a trie, so each state's checks and successors are
        computed once however many candidates share it."""
        if self.lasso is not None:
            return self._replay_lasso(init, labels)
        node = self._root(init)
        for count, label in enumerate(labels):
            if node.found is not None:
                return (node.found, labels[:count]) if same(node.found, self.target) else None
            if not node.go_on:
                return None
            succs = self._successors(node)
            if succs is None:
                fault = node.end
                return (fault, labels[:count]) if fault and same(fault, self.target) else None
            child = self._child(node, succs, label)
            if child is None:
                return None
            node = child
        found = node.found
        if found is None and node.go_on:
            found = self._end(node)
        if found is not None and same(found, self.target):
            return found, labels
        return None

    def _child(self, node: _Node, succs: list[Successor], label: Label) -> _Node | None:
        """The step `label` from `node` (remembered in the tree), or None when no successor
        of it carries that label."""
        child = node.children.get(label)
        if child is None:
            ordinal = _find(succs, label)
            if ordinal is None:
                return None
            child = node.children[label] = self._prefix(
                succs[ordinal].state, (*node.path, ordinal), node.state
            )
        return child

    def _root(self, init: int) -> _Node:
        node = self.roots.get(init)
        if node is None:
            node = self.roots[init] = self._prefix(self.inits[init], (init,))
        return node

    def _replay_lasso(self, init: int, labels: list[Label]) -> tuple[Discovery, list[Label]] | None:
        """A lasso target: the steps must stay clear of safety violations and constraints,
        then close a fair loop (or stutter at the end) on which the property fails."""
        assert self.lasso is not None
        nodes = [self._root(init)]
        for label in labels:
            node = nodes[-1]
            succs = self._successors(node) if node.found is None and node.go_on else None
            if succs is None:
                return None
            child = self._child(node, succs, label)
            if child is None:
                return None
            nodes.append(child)
        last = nodes[-1]
        succs = self._successors(last) if last.found is None and last.go_on else None
        if succs is None:
            return None
        states, path = [n.state for n in nodes], list(last.path)
        self.lasso.reset()
        if not succs:
            if self.checks.dead_end(last.state, path) is not None:
                return None  # a deadlock: what a walk reports first
            found = self.lasso.stutter(states, path)
        else:
            fp = self.compiled.fingerprint
            key = fp(last.state)
            earlier = [i for i in range(len(states) - 1) if fp(states[i]) == key]
            found = self.lasso.loop(states, path, earlier) if earlier else None
        return (found, labels) if found is not None and same(found, self.target) else None

    def _prefix(
        self, state: State, path: tuple[int, ...], before: State | None = None
    ) -> _Node:
        found, go_on = self.checks.state(state, list(path), before)
        return _Node(state, path, found, go_on)

    def _successors(self, node: _Node) -> list[Successor] | None:
        """The node's labelled successors (None when computing them faults: node.end)."""
        if node.succs is None and node.end is None:
            try:
                node.succs = self.compiled.labelled_successors(node.state)
            except SpecFault as fault:
                node.end = self.checks.step_fault(fault, list(node.path))
        return node.succs

    def _end(self, node: _Node) -> Discovery | None:
        """What the walk's last state shows by itself: a fault computing its successors, or
        a deadlock."""
        succs = self._successors(node)
        if succs is None:
            return node.end
        return None if succs else self.checks.dead_end(node.state, list(node.path))

    def score(self, labels: list[Label]) -> tuple[int, int, int]:
        faults = sum(1 for a, _, _ in labels if self.fault[a])
        nodes = [self._node(label) for label in labels]
        acting = [n for n in nodes if n is not None]
        switches = sum(1 for x, y in zip(acting, acting[1:], strict=False) if x != y)
        return len(labels), faults, switches

    def _node(self, label: Label) -> Any:
        position = self.node_at[label[0]]
        return None if position is None else label[1][position]

    def alternatives(
        self, init: int, labels: list[Label], at: int, faults: bool = False
    ) -> list[Label]:
        """The steps possible at position `at` (faults only when asked for)."""
        if self.replay(init, labels[:at]) is not None:
            return []  # the violation shows before `at`
        node = self.roots[init]
        for label in labels[:at]:
            child = node.children.get(label)
            if child is None:
                return []
            node = child
        succs = self._successors(node) if node.go_on and node.found is None else None
        if succs is None:
            return []
        return [_label(succs, k) for k, s in enumerate(succs) if faults or not self.fault[s.action]]


def _label(succs: list[Successor], ordinal: int) -> Label:
    chosen = succs[ordinal]
    twins = sum(
        1 for s in succs[:ordinal] if s.action == chosen.action and s.params == chosen.params
    )
    return chosen.action, chosen.params, twins


def _find(succs: list[Successor], label: Label) -> int | None:
    action, params, twins = label
    for k, s in enumerate(succs):
        if s.action == action and s.params == params:
            if twins == 0:
                return k
            twins -= 1
    return None


def final_pass(steps: Steps, found: Discovery, deadline: float) -> Discovery:
    """Remove steps while the violation shows, then prefer fewer faults and node switches."""
    init = found.path[0]
    labels = steps.labels(found.path)
    best: tuple[Discovery, list[Label]] = (found, labels)

    def better(candidate: list[Label]) -> bool:
        nonlocal best
        outcome = steps.replay(init, candidate)
        if outcome is None or steps.score(outcome[1]) >= steps.score(best[1]):
            return False
        best = outcome
        return True

    def current() -> list[Label]:
        return best[1]

    length = len(labels) + 1
    while len(best[1]) < length and time.monotonic() < deadline:
        length = len(best[1])
        _remove_chunks(better, current, deadline)
        _replace_windows(steps, init, better, current, deadline)
    _prefer(steps, init, better, current, deadline)
    return best[0]


def _remove_chunks(
    better: Callable[[list[Label]], bool], current: Callable[[], list[Label]], deadline: float
) -> None:
    """Remove chunks of steps, halving their size down to single steps (from the end)."""
    size = max(len(current()) // 2, 1)
    while size >= 1 and time.monotonic() < deadline:
        start, progressed = len(current()) - size, False
        while start >= 0 and time.monotonic() < deadline:
            labels = current()
            if better(labels[:start] + labels[start + size :]):
                progressed = True
            start = min(start - 1, len(current()) - size)
        if not progressed:
            size //= 2


WINDOW = 8  # the most steps one other step may stand in for


def _replace_windows(
    steps: Steps,
    init: int,
    better: Callable[[list[Label]], bool],
    current: Callable[[], list[Label]],
    deadline: float,
) -> None:
    """Let one other step stand in for up to WINDOW steps (a detour the walk took where a
    single step would do), from the start of the trace on, until nothing improves."""
    at = 0
    while at < len(current()) and time.monotonic() < deadline:
        labels = current()
        replaced = False
        for other in steps.alternatives(init, labels, at, faults=True):
            if time.monotonic() >= deadline:
                return
            for width in range(1, WINDOW + 1):
                if at + width > len(labels):
                    break
                if better(labels[:at] + [other] + labels[at + width :]):
                    replaced = True
                    break
            if replaced:
                break
        if not replaced:
            at += 1


def _prefer(
    steps: Steps,
    init: int,
    better: Callable[[list[Label]], bool],
    current: Callable[[], list[Label]],
    deadline: float,
) -> None:
    """Equal length, fewer faults and switches: replace a fault step by another step, swap
    neighbours; until nothing improves or time is up."""
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        labels = current()
        for at, label in enumerate(labels):
            if not steps.fault[label[0]] or time.monotonic() >= deadline:
                continue
            for other in steps.alternatives(init, labels, at):
                if better(labels[:at] + [other] + labels[at + 1 :]):
                    improved = True
                    break
            labels = current()
        for at in range(len(labels) - 1):
            if time.monotonic() >= deadline:
                break
            labels = current()
            if at + 1 < len(labels) and labels[at] != labels[at + 1]:
                swapped = labels[:at] + [labels[at + 1], labels[at]] + labels[at + 2 :]
                improved = better(swapped) or improved


# ---------------------------------------------------------------- the entry points


class Shrink:
    """What engine.simulate calls: `replay_last` before walking, `__call__` on a violation."""

    def __init__(self, compiled: CompiledModel, options: SimulateOptions, seed: int) -> None:
        self.compiled = compiled
        self.options = options
        self.seed = seed
        self.executor = Executor(compiled, options.deadlock)

    def replay_last(self) -> Found | None:
        """The database's last failure for this spec, shrunk, if it still fails."""
        if self.options.database is None or not self.options.replay_database:
            return None
        start = time.monotonic()
        deadline = start + self.options.shrink_seconds
        best = hypothesis_search(self.executor, self.seed, self.options.depth, deadline,
                                 self.options.database, [], None, True)  # fmt: skip
        if best.discovery is None:
            return None
        return Found(-1, best.discovery, tuple(best.choices), time.monotonic() - start)

    def __call__(self, found: Found, seconds: float) -> tuple[Discovery, Shrinking]:
        start = time.monotonic()
        deadline = start + seconds
        original = found.discovery
        length = len(original.path) - 1
        if not original.path:
            return original, Shrinking(0, 0, 0.0, "nothing to shrink")
        steps = Steps(self.compiled, self.executor.checks, original)
        if original.kind in LIVENESS_KINDS:  # hypothesis's walks do not close loops
            shrunk = final_pass(steps, original, deadline)
            return shrunk, Shrinking(length, len(shrunk.path) - 1, time.monotonic() - start,
                                     "step removal (a lasso)")  # fmt: skip
        shrunk = final_pass(steps, original, deadline)  # fast: hypothesis starts from it
        by = "step removal"
        choices = self.executor.choices_of(shrunk.path)
        best = hypothesis_search(self.executor, self.seed, len(shrunk.path) - 1, deadline,
                                 self.options.database, [choices], original, False)  # fmt: skip
        if best.discovery is not None and len(best.discovery.path) <= len(shrunk.path):
            shrunk, by = best.discovery, "step removal, hypothesis, step removal"
            shrunk = final_pass(steps, shrunk, max(deadline, time.monotonic() + 1.0))
        return shrunk, Shrinking(length, len(shrunk.path) - 1, time.monotonic() - start, by)
