"""The explicit state graph the liveness pass works on, in flat arrays of machine ints.

Liveness is a property of cycles, so unlike the safety search this pass keeps every edge.
States are numbered in BFS order from `init_states()`, keyed by `compiled.fingerprint`
(symmetry is not applied: a lasso must replay edge by edge). A state outside a `constraint`
is not a node: edges into it are cut, but it still counts as a successor (its source does not
stutter) and for the enabledness of fairness obligations.

Per state the graph keeps its BFS parent and the ordinal that led to it (shortest prefixes),
its edges in compressed-row form (target, successor ordinal, label), the set of fairness
obligations enabled in it (as in TLA+'s `<<A>>_vars`, only a step that changes the state
enables or takes an obligation: a self-loop edge is labelled NONE and enables nothing), whether it has any successor at all, and one byte per liveness
predicate. About 15 bytes per state and 12 per edge, plus the fingerprint index while
building: enough for Raft-size graphs (10^5 states, 10^6 edges).
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from verikit.compile.compiled import CompiledModel, Predicate, State, Successor
from verikit.core.model import LIVENESS_KINDS, Model, obligation_key
from verikit.engine.options import CheckOptions, Progress
from verikit.engine.result import Discovery
from verikit.engine.spans import action_at
from verikit.engine.store import ROOT
from verikit.errors import SpecFault

TICK = 1024  # work between clock reads: states expanded + edges recorded
OUTSIDE = -1  # index of a state outside the constraints (not a node)
NONE = 0  # the label / enabled-set id with no obligation


class Interrupted(Exception):
    """The liveness pass cannot decide: a limit (`fault` None) or a fault in the spec."""

    def __init__(self, reason: str, fault: Discovery | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fault = fault


class Budget:
    """The limits of one liveness pass; `tick` raises Interrupted once one is exceeded."""

    def __init__(self, options: CheckOptions, seconds_left: float | None) -> None:
        self.options = options
        now = time.monotonic()
        self.start = now
        self.deadline = None if seconds_left is None else now + seconds_left
        self.next_report = now + 1.0

    def tick(self, states: int = 0, depth: int = 0, queue: int = 0) -> None:
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            raise Interrupted(f"timeout {self.options.timeout} s (liveness)")
        if self.options.progress is not None and states and now >= self.next_report:
            self.next_report = now + 1.0
            seconds = now - self.start
            self.options.progress(
                Progress(states, depth, states / seconds, queue, seconds, "liveness")
            )

    def admit(self, states: int) -> None:
        limit = self.options.max_states
        if limit is not None and states > limit:
            raise Interrupted(f"max states {limit} reached (liveness, without symmetry)")


# ---------------------------------------------------------------- fairness obligations


@dataclass(frozen=True)
class Obligations:
    """Interned fairness obligations. An obligation is (declaration index, key); an edge's
    label and a state's enabled set are ids into `labels` / `enabled`, so that the many
    edges sharing one set of obligations share one frozenset."""

    keys: list[tuple[int, Hashable]]  # obligation id -> (index into Model.fairness, key)
    strong: bytearray  # obligation id -> 1 for a strong one
    labels: list[frozenset[int]]  # label id -> the obligations an edge belongs to
    enabled: list[frozenset[int]]  # enabled id -> the obligations enabled in a state


class _Labeller:
    """Maps a transition to its label id, caching by (action, parameter values)."""

    def __init__(self, model: Model) -> None:
        self.rules = _rules(model)
        self.active = any(self.rules)
        self.ids: dict[tuple[int, Hashable], int] = {}
        self.label_ids: dict[frozenset[int], int] = {frozenset(): NONE}
        self.enabled_ids: dict[frozenset[int], int] = {frozenset(): NONE}  # by obligations
        self.by_labels: dict[frozenset[int], int] = {}  # the same ids, by the labels enabling
        self.cache: dict[tuple[int, tuple[Any, ...]], int] = {}
        self.obligations = Obligations([], bytearray(), [frozenset()], [frozenset()])
        self.model = model

    def label(self, succ: Successor) -> int:
        key = (succ.action, succ.params)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._intern_label(succ)
        return found

    def enabled(self, labels: set[int]) -> int:
        """The id of the obligations enabled by transitions with these labels."""
        key = frozenset(labels)
        found = self.by_labels.get(key)
        if found is None:
            union = frozenset().union(*(self.obligations.labels[i] for i in key))
            found = self._intern(self.enabled_ids, self.obligations.enabled, union)
            self.by_labels[key] = found
        return found

    def _intern_label(self, succ: Successor) -> int:
        ids = set()
        for decl, positions in self.rules[succ.action]:
            ids.add(self._obligation(decl, obligation_key(succ.params, positions)))
        return self._intern(self.label_ids, self.obligations.labels, frozenset(ids))

    def _obligation(self, decl: int, key: Hashable) -> int:
        found = self.ids.get((decl, key))
        if found is None:
            found = self.ids[(decl, key)] = len(self.obligations.keys)
            self.obligations.keys.append((decl, key))
            self.obligations.strong.append(self.model.fairness[decl].strong)
        return found

    @staticmethod
    def _intern(
        ids: dict[frozenset[int], int], table: list[frozenset[int]], s: frozenset[int]
    ) -> int:
        found = ids.get(s)
        if found is None:
            found = ids[s] = len(table)
            table.append(s)
        return found


def _rules(model: Model) -> list[list[tuple[int, tuple[int, ...]]]]:
    """Per action: (fairness declaration, positions of the parameters that key it)."""
    rules: list[list[tuple[int, tuple[int, ...]]]] = [[] for _ in model.actions]
    for decl, fairness in enumerate(model.fairness):
        for a in fairness.actions:
            rules[a].append((decl, fairness.key_positions(model.actions[a])))
    return rules


# ---------------------------------------------------------------- the graph


@dataclass(frozen=True)
class StateGraph:
    """States 0..n-1 in BFS order; the edges of s are `edge_start[s]` .. `edge_start[s+1]`."""

    parents: array[int]  # BFS parent, ROOT for an initial state
    ordinals: array[int]  # successor ordinal from the parent (for an initial state: init ordinal)
    edge_start: array[int]
    targets: array[int]
    edge_ordinals: array[int]  # position in the source's labelled_successors
    edge_labels: array[int]  # label id (Obligations.labels); NONE on a self-loop
    enabled: array[int]  # per state: enabled id (Obligations.enabled), by its non-self-loop steps
    ends: bytearray  # 1 where a state has no successor at all: a behavior stutters there
    leaves: bytearray  # 1 where some successor lies outside a constraint (its edge is cut)
    cut_by: set[str]  # the constraints some state was found outside of (its first failing one)
    holds: dict[str, bytearray]  # per liveness property: 1 where its expr holds
    triggers: dict[str, bytearray]  # per leads_to property: 1 where its P holds
    obligations: Obligations

    def __len__(self) -> int:
        return len(self.parents)

    @property
    def transitions(self) -> int:
        return len(self.targets)

    def cut_off(self) -> int:
        """States with a successor outside a constraint: behaviors taking that step leave the
        graph, so liveness says nothing about them (a vacuous pass, perhaps)."""
        return sum(self.leaves)

    def depths(self) -> array[int]:
        """BFS depth per state (0 for an initial state): parents come before children."""
        depth = array("i", bytes(4 * len(self)))
        parents = self.parents
        for s in range(len(self)):
            if parents[s] != ROOT:
                depth[s] = depth[parents[s]] + 1
        return depth


def explore(compiled: CompiledModel, budget: Budget) -> StateGraph:
    """Build the state graph of `compiled` by BFS; Interrupted on a limit or a spec fault."""
    return _Builder(compiled, budget).run()


class _Builder:
    def __init__(self, compiled: CompiledModel, budget: Budget) -> None:
        self.compiled = compiled
        self.budget = budget
        self.labeller = _Labeller(compiled.model)
        self.constraints = [(p.name, f) for p, f in compiled.predicates("constraint")]
        live = compiled.predicates(*LIVENESS_KINDS)
        self.checks: list[tuple[str, Predicate, bytearray]] = []
        holds = {p.name: bytearray() for p, _ in live}
        triggers = {p.name: bytearray() for p, _ in live if p.kind == "leads_to"}
        for p, f in live:
            self.checks.append((p.name, f, holds[p.name]))
            if p.name in triggers:
                self.checks.append((p.name, compiled.triggers[p.name], triggers[p.name]))
        self.index: dict[Hashable, int] = {}
        self.graph = StateGraph(
            array("i"), array("i"), array("i", [0]), array("i"), array("i"), array("i"),
            array("i"), bytearray(), bytearray(), set(), holds, triggers, self.labeller.obligations,
        )  # fmt: skip

    def run(self) -> StateGraph:
        try:
            init = self.compiled.init_states()
        except SpecFault as fault:
            raise Interrupted("the spec faulted", Discovery("init", "fault", (), fault)) from None
        level = []
        for k, state in enumerate(init):
            fp = self.compiled.fingerprint(state)
            if fp not in self.index and self._admit(fp, state, ROOT, k) != OUTSIDE:
                level.append(state)
        depth = 0
        while level:
            depth += 1
            level = self._expand(level, len(self.graph) - len(level), depth)
        return self.graph

    def _admit(self, fp: Hashable, state: State, parent: int, ordinal: int) -> int:
        """Number a state not seen before; OUTSIDE when it lies outside the constraints."""
        try:
            outside = next((name for name, f in self.constraints if not f(state)), None)
            if outside is not None:
                self.graph.cut_by.add(outside)
                self.index[fp] = OUTSIDE
                return OUTSIDE
            bits = [1 if f(state) else 0 for _, f, _ in self.checks]
        except SpecFault as fault:
            path = self._path_via(parent, ordinal)
            raise self._fault(self._faulting(state), path, fault) from None
        g = self.graph
        found = self.index[fp] = len(g.parents)
        self.budget.admit(found + 1)
        g.parents.append(parent)
        g.ordinals.append(ordinal)
        for (_, _, column), bit in zip(self.checks, bits, strict=True):
            column.append(bit)
        return found

    def _expand(self, level: list[State], base: int, depth: int) -> list[State]:
        """Number the successors of one BFS level and record the edges of its states. The
        hot loop of the pass: what it touches per successor is held in locals."""
        g = self.graph
        fingerprint, index_get = self.compiled.fingerprint, self.index.get
        targets, ordinals, labels = g.targets.append, g.edge_ordinals.append, g.edge_labels.append
        nxt: list[State] = []
        next_read = base + len(g.targets)  # read the clock when s + edges reaches it
        for s, state in enumerate(level, base):
            if s + len(g.targets) >= next_read:
                next_read = s + len(g.targets) + TICK
                self.budget.tick(len(g.parents), depth, len(level) - s + base + len(nxt))
            succs, tags = self._successors(s, state)
            g.ends.append(not succs)
            leaves = False
            real: set[int] = set()  # labels of the steps that change the state
            for k, succ in enumerate(succs):
                fp = fingerprint(succ)
                t = index_get(fp)
                if t is None:
                    t = self._admit(fp, succ, s, k)
                    if t != OUTSIDE:
                        nxt.append(succ)
                label = tags[k] if tags and t != s else NONE  # a stutter is no <<A>> step
                if label != NONE:
                    real.add(label)
                if t != OUTSIDE:
                    targets(t)
                    ordinals(k)
                    labels(label)
                else:
                    leaves = True
            g.leaves.append(leaves)
            g.enabled.append(self.labeller.enabled(real) if real else NONE)
            g.edge_start.append(len(g.targets))
        return nxt

    def _successors(self, s: int, state: State) -> tuple[list[State], list[int] | None]:
        """The successors in ordinal order and their label ids (None when nothing is fair:
        then the plain hot path `next_states` serves)."""
        labeller = self.labeller
        try:
            if not labeller.active:
                return self.compiled.next_states(state), None
            labelled = self.compiled.labelled_successors(state)
        except SpecFault as fault:
            name = action_at(self.compiled.model, fault.span) or "next"
            raise self._fault(name, self._path(s), fault) from None
        return [x.state for x in labelled], [labeller.label(x) for x in labelled]

    def _faulting(self, state: State) -> str:
        """Name of the first constraint or liveness property whose predicate faults."""
        for prop, f in self.compiled.predicates("constraint", *LIVENESS_KINDS):
            for predicate in (f, self.compiled.triggers.get(prop.name)):
                try:
                    if predicate is not None:
                        predicate(state)
                except SpecFault:
                    return prop.name
        return "property"

    def _path(self, s: int) -> tuple[int, ...]:
        steps: list[int] = []
        while s != ROOT:
            steps.append(self.graph.ordinals[s])
            s = self.graph.parents[s]
        return tuple(reversed(steps))

    def _path_via(self, parent: int, ordinal: int) -> tuple[int, ...]:
        return (ordinal,) if parent == ROOT else (*self._path(parent), ordinal)

    @staticmethod
    def _fault(name: str, path: tuple[int, ...], fault: SpecFault) -> Interrupted:
        return Interrupted("the spec faulted", Discovery(name, "fault", path, fault))
