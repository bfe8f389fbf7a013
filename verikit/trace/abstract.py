"""The reachable state space folded to one box per value of chosen variables.

    folded = abstract_graph(compiled, ["Coordinator.phase"])   # `verikit graph --abstract`

A spec past a few hundred states cannot be drawn state by state (a 288-state graph was a
4027×7139 picture nobody could read), but its shape can: every reachable state is explored
as for the full graph (breadth first, the same constraints, no symmetry reduction) and
counted in the box of its values of the chosen variables; an arrow joins two boxes when a
step leads from a state of one to a state of the other, and counts those steps by action.
The shortest counterexample's boxes and arrows are marked, so the story still reads.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import SAFETY_KINDS, Model, Var
from verikit.engine import CheckOptions, check
from verikit.engine.search import initial_states
from verikit.errors import SpecFault
from verikit.trace import display
from verikit.trace.graph import BOOKKEEPING, Bounds
from verikit.trace.replay import replay
from verikit.trace.text import headline

STATE_LIMIT = 2_000_000  # states explored to fold: beyond this a summary takes too long
Key = tuple[str, ...]


class NotAVariable(Exception):
    """`--abstract` named no variable of the spec; the message lists those it could name."""


@dataclass(frozen=True)
class Group:
    """The states whose chosen variables have these `values` (`phase = Waiting`), counted;
    `initial` of them are initial states; `problems` counts the states that break each
    invariant (or deadlock, or fault)."""

    index: int
    values: Key
    states: int
    initial: int = 0
    problems: tuple[tuple[str, int], ...] = ()
    on_path: bool = False


@dataclass(frozen=True)
class Fold:
    """The steps from a state of group `src` to a state of group `dst`, counted by action."""

    src: int
    dst: int
    steps: int
    actions: tuple[tuple[str, int], ...]
    on_path: bool = False


@dataclass(frozen=True)
class AbstractGraph:
    spec: str
    variables: tuple[str, ...]
    groups: tuple[Group, ...]
    folds: tuple[Fold, ...]
    states: int
    counterexample: str = ""


class TooBigToFold(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the spec has more than {limit:,} reachable states, too many to fold "
                         "into a picture; reduce the constants")  # fmt: skip


class TooManyBoxes(Exception):
    def __init__(self, boxes: int, limit: int, names: Sequence[str]) -> None:
        super().__init__(
            f"--abstract {' '.join(names)} gives {boxes} boxes, more than --max-states "
            f"{limit}; choose a variable with fewer values or raise --max-states"
        )


def names(model: Model, sample: State) -> list[str]:
    """Every name `--abstract` takes: a variable (a node's variable as `Node.var`, meaning all
    its nodes) or one node's part of it (`Node[2].var`). `sample` is any state: the parts of
    a slot depend on its layout, not on its values."""
    out: list[str] = []
    for var, value in zip(model.vars, sample, strict=True):
        if _shown(model, var):
            out.append(_var_names(var)[-1])
            out += [name for name, _, _ in display.slot_values(var, value) if name not in out]
    return out


def selector(model: Model, sample: State, wanted: Sequence[str]) -> Callable[[State], Key]:
    """The function from a state to its box's values; NotAVariable for an unknown name."""
    picks: list[tuple[int, int | None]] = []  # (slot, part); None: every part of the slot
    for name in wanted:
        pick = _pick(model, sample, name)
        if pick is None:
            raise NotAVariable(f"--abstract {name}: no such variable; it can be one of "
                               f"{', '.join(names(model, sample))}")  # fmt: skip
        picks.append(pick)

    def key(state: State) -> Key:
        out: list[str] = []
        for slot, part in picks:
            parts = list(display.slot_values(model.vars[slot], state[slot]))
            for name, value, t in parts if part is None else [parts[part]]:
                out.append(f"{name} = {display.show(t, value)}")
        return tuple(out)

    return key


def _pick(model: Model, sample: State, name: str) -> tuple[int, int | None] | None:
    for slot, var in enumerate(model.vars):
        if not _shown(model, var):
            continue
        if name in _var_names(var):
            return slot, None
        parts = [part for part, _, _ in display.slot_values(var, sample[slot])]
        if name in parts:
            return slot, parts.index(name)
    return None


def _var_names(var: Var) -> tuple[str, ...]:
    shown = display.var_name(var)
    return (var.name, shown) if var.owner is None else (var.name, shown, f"{var.owner}.{shown}")


def _shown(model: Model, var: Var) -> bool:
    """The spec's own variables (not the network, nor the crash bookkeeping)."""
    network = model.network is not None and var is model.vars[model.network.slot]
    return not network and var.role not in BOOKKEEPING


# ---------------------------------------------------------------- folding


def abstract_graph(
    compiled: CompiledModel,
    wanted: Sequence[str],
    max_boxes: int = 200,
    limit: int = STATE_LIMIT,
) -> AbstractGraph:
    """Every reachable state folded by `wanted`, the first counterexample's path marked.
    NotAVariable for a name the spec lacks; TooManyStates past `limit` states explored;
    TooManyBoxes past `max_boxes` boxes."""
    first, _ = initial_states(compiled, limit)
    if not first:
        return AbstractGraph(compiled.model.name, tuple(wanted), (), (), 0)
    folder = _Folder(compiled, selector(compiled.model, first[0], wanted), limit)
    folder.run(first)
    if len(folder.groups) > max_boxes:
        raise TooManyBoxes(len(folder.groups), max_boxes, wanted)
    return folder.graph(tuple(wanted))


class _Folder:
    def __init__(self, compiled: CompiledModel, key: Callable[[State], Key], limit: int) -> None:
        self.compiled, self.key, self.limit = compiled, key, limit
        self.model = compiled.model
        self.invariants = compiled.predicates(*SAFETY_KINDS)
        self.bounds = Bounds.of(compiled)
        self.seen: set[Hashable] = set()
        self.groups: dict[Key, int] = {}  # values -> box index, in discovery order
        self.states: Counter[Key] = Counter()
        self.initial: Counter[Key] = Counter()
        self.problems: dict[Key, Counter[str]] = {}
        self.folds: dict[tuple[Key, Key], Counter[str]] = {}
        self.queue: deque[State] = deque()

    def run(self, first: Sequence[State]) -> None:
        for state in first:
            if self.bounds.within(state) and self._add(state):
                self.initial[self.key(state)] += 1
        while self.queue:
            self._expand(self.queue.popleft())

    def _expand(self, state: State) -> None:
        here = self.key(state)
        try:
            successors = self.compiled.labelled_successors(state)
        except SpecFault:
            self._problem(here, "fault")
            return
        if not successors and self.bounds.deadlocked(state):
            self._problem(here, "deadlock")
        for succ in successors:
            if not self.bounds.within(succ.state):
                continue
            there = self.key(succ.state)
            action = self.model.actions[succ.action].name
            self.folds.setdefault((here, there), Counter())[action] += 1
            self._add(succ.state)

    def _add(self, state: State) -> bool:
        fingerprint = self.compiled.fingerprint(state)
        if fingerprint in self.seen:
            return False
        if len(self.seen) == self.limit:
            raise TooBigToFold(self.limit)
        self.seen.add(fingerprint)
        key = self.key(state)
        self.groups.setdefault(key, len(self.groups))
        self.states[key] += 1
        for prop, holds in self.invariants:
            try:
                if not holds(state):
                    self._problem(key, prop.name)
            except SpecFault:
                self._problem(key, f"fault in {prop.name}")
        self.queue.append(state)
        return True

    def _problem(self, key: Key, name: str) -> None:
        self.problems.setdefault(key, Counter())[name] += 1

    def graph(self, variables: tuple[str, ...]) -> AbstractGraph:
        path, story = self._path()
        on_path, steps = set(path), set(zip(path, path[1:], strict=False))
        groups = tuple(
            Group(i, key, self.states[key], self.initial[key],
                  tuple(sorted(self.problems.get(key, Counter()).items())), key in on_path)
            for key, i in self.groups.items()
        )  # fmt: skip
        folds = tuple(
            Fold(self.groups[a], self.groups[b], sum(actions.values()),
                 tuple(actions.most_common()), (a, b) in steps)
            for (a, b), actions in self.folds.items()
        )  # fmt: skip
        return AbstractGraph(self.model.name, variables, groups, folds, len(self.seen), story)

    def _path(self) -> tuple[list[Key], str]:
        """The boxes the engine's first counterexample goes through, and what it shows."""
        result = check(self.compiled, CheckOptions(symmetry=False))
        found = next((d for d in result.violations if d.path), None)
        if found is None:
            return [], ""
        trace = replay(self.compiled, found)
        keys = [self.key(step.state) for step in trace.steps if self.key(step.state) in self.groups]
        return keys, headline(trace).removeprefix(f"{self.model.name}: ")
