"""The reachable state space of a small spec as plain data: nodes, edges, a highlighted path.

    graph = state_graph(compiled, limit=200)   # TooManyStates above the limit

Explored breadth-first like the engine (same successor order, a `constraint` bounds it the
same way), but every state is kept, since the graph is for people and a few hundred states
at most. States are keyed by the compiled fingerprint, without symmetry reduction: a reader
should see every state, not one per permutation of interchangeable nodes. Each state is labelled with what
differs from its BFS parent, which the drawing names (a state with several predecessors
differs from each in its own way), and keeps its whole state too; `graph_dot.py` draws it.
Above a few hundred states, `abstract.py` draws one box per value of chosen variables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from verikit.compile.compiled import CompiledModel, Predicate, State, Successor
from verikit.core.model import SAFETY_KINDS, Model
from verikit.engine import CheckOptions, Discovery, check
from verikit.engine.search import initial_states
from verikit.errors import SpecFault
from verikit.trace import display
from verikit.trace.replay import replay
from verikit.trace.text import describe, headline
from verikit.trace.trace import Envelope, Step

DEFAULT_LIMIT = 200
SHORT = 24  # a longer message is named by its kind on an edge: `Gossip {…}`
BOOKKEEPING = ("up", "crashes", "partitions", "duplicates")  # all up, zero at the start: shown when changed



@dataclass(frozen=True)
class Bounds:
    """What a drawing of the state space asks of a state besides its values (graph.py and
    abstract.py): is it inside the constraints, and has it stopped where stopping is not
    allowed. A predicate that faults leaves the state out: the engine reports the fault."""

    constraints: tuple[Predicate, ...]
    terminals: tuple[Predicate, ...]
    deadlock: bool

    @classmethod
    def of(cls, compiled: CompiledModel) -> Bounds:
        return cls(
            tuple(f for _, f in compiled.predicates("constraint")),
            tuple(f for _, f in compiled.predicates("terminal")),
            compiled.model.deadlock,
        )

    def within(self, state: State) -> bool:
        try:
            return all(holds(state) for holds in self.constraints)
        except SpecFault:
            return False

    def deadlocked(self, state: State) -> bool:
        if not self.deadlock:
            return False
        try:
            return not any(holds(state) for holds in self.terminals)
        except SpecFault:
            return False

class TooManyStates(Exception):
    """The spec is too big to draw; the message names the limit and how far the search got."""

    def __init__(self, limit: int, depth: int) -> None:
        super().__init__(
            f"the spec has more than {limit} reachable states (found {limit + 1} within "
            f"{depth} steps of an initial state); raise --max-states or reduce the constants"
        )
        self.limit, self.depth = limit, depth


@dataclass(frozen=True)
class StateNode:
    """One distinct state. `lines` are its variables (an initial state) or those that differ
    from its BFS parent: `Participant[1].state = Prepared`, `+ Vote { yes: true } P → C` for
    a message put in flight, `− …` for one gone. `problems` are what is wrong here: violated
    invariants, "deadlock", "fault: …"."""

    index: int  # discovery order, the engine's
    depth: int  # steps from an initial state
    parent: int | None  # None for an initial state
    lines: tuple[str, ...]
    problems: tuple[str, ...] = ()
    on_path: bool = False
    full: tuple[str, ...] = ()  # every variable: the whole state, for a tooltip or `--labels full`

    @property
    def initial(self) -> bool:
        return self.parent is None


@dataclass(frozen=True)
class StateEdge:
    """Every step from `src` to `dst`, in words (several actions may join the same states)."""

    src: int
    dst: int
    actions: tuple[str, ...]
    on_path: bool = False


@dataclass(frozen=True)
class StateGraph:
    """`path` holds the node indices of the shortest counterexample (empty if there is none)
    and `counterexample` says what it shows."""

    spec: str
    nodes: tuple[StateNode, ...]
    edges: tuple[StateEdge, ...]
    path: tuple[int, ...] = ()
    counterexample: str = ""


def state_graph(compiled: CompiledModel, limit: int = DEFAULT_LIMIT) -> StateGraph:
    """The whole reachable graph with the engine's first counterexample highlighted.
    TooManyStates above `limit` states; SpecFault when the initial states fault."""
    explorer = _Explorer(compiled, limit)
    explorer.run()  # first, so a big spec is refused before the engine explores it all
    result = check(compiled, CheckOptions(symmetry=False))  # every state, as the graph
    found = next((d for d in result.violations if d.path), None)
    return explorer.graph(found)


def build_graph(
    compiled: CompiledModel, limit: int = DEFAULT_LIMIT, found: Discovery | None = None
) -> StateGraph:
    """The reachable graph, with the path of `found` (if any) highlighted."""
    explorer = _Explorer(compiled, limit)
    explorer.run()
    return explorer.graph(found)


class _Explorer:
    """BFS keeping every state; nodes are numbered in discovery order."""

    def __init__(self, compiled: CompiledModel, limit: int) -> None:
        self.compiled = compiled
        self.model = compiled.model
        self.limit = limit
        self.invariants = compiled.predicates(*SAFETY_KINDS)
        self.bounds = Bounds.of(compiled)
        self.states: list[State] = []
        self.nodes: list[StateNode] = []
        self.index: dict[Hashable, int] = {}
        self.edges: dict[tuple[int, int], list[str]] = {}

    def run(self) -> None:
        first, _ = initial_states(self.compiled, self.limit)  # a spec may have 10^9
        added = (self._add(s, None, 0) for s in first)
        level = [i for i in added if i is not None]
        depth = 0
        while level:
            depth += 1
            level = [new for parent in level for new in self._expand(parent, depth)]

    def graph(self, found: Discovery | None) -> StateGraph:
        path = self._follow(found.path) if found is not None else ()
        on_path, steps = set(path), set(zip(path, path[1:], strict=False))
        nodes = tuple(dataclasses.replace(n, on_path=n.index in on_path) for n in self.nodes)
        edges = tuple(
            StateEdge(a, b, tuple(words), (a, b) in steps) for (a, b), words in self.edges.items()
        )
        story = ""
        if found is not None:
            story = headline(replay(self.compiled, found)).removeprefix(f"{self.model.name}: ")
        return StateGraph(self.model.name, nodes, edges, path, story)

    def _expand(self, parent: int, depth: int) -> Iterator[int]:
        """Add the new successors of node `parent` (they are `depth` steps deep)."""
        state = self.states[parent]
        try:
            successors = self.compiled.labelled_successors(state)
        except SpecFault as fault:
            self._problem(parent, f"fault: {fault}")
            return
        if not successors and self.bounds.deadlocked(state):
            self._problem(parent, "deadlock")
        for succ in successors:
            key = self.compiled.fingerprint(succ.state)
            known = key in self.index
            target = self.index[key] if known else self._add(succ.state, parent, depth)
            if target is None:
                continue  # outside a constraint
            words = self.edges.setdefault((parent, target), [])
            said = self._words(state, succ)
            if said not in words:
                words.append(said)
            if not known:
                yield target

    def _add(self, state: State, parent: int | None, depth: int) -> int | None:
        """A new node (None for a state outside a constraint, which the engine skips too)."""
        if not self.bounds.within(state):
            return None
        if len(self.nodes) == self.limit:
            raise TooManyStates(self.limit, depth)
        index = len(self.nodes)
        old = None if parent is None else self.states[parent]
        self.index[self.compiled.fingerprint(state)] = index
        self.states.append(state)
        full = tuple(state_lines(self.model, None, state))
        lines = full if old is None else tuple(state_lines(self.model, old, state))
        self.nodes.append(StateNode(index, depth, parent, lines, self._violated(state), full=full))
        return index

    def _violated(self, state: State) -> tuple[str, ...]:
        out = []
        for prop, holds in self.invariants:
            try:
                if not holds(state):
                    out.append(prop.name)
            except SpecFault as fault:
                out.append(f"fault in {prop.name}: {fault}")
        return tuple(out)

    def _problem(self, index: int, problem: str) -> None:
        node = self.nodes[index]
        self.nodes[index] = dataclasses.replace(node, problems=(*node.problems, problem))

    def _words(self, old: State, succ: Successor) -> str:
        """The step in short words: `Client ping`, `Server receives Ping { n: 1 }`, `network
        drops Gossip {…}`; the target's label shows the whole message and its ends."""
        action = self.model.actions[succ.action]
        node, params, message = display.describe(self.model, succ, old)
        body = message.body if isinstance(message, Envelope) else message
        if body is not None and len(body) > SHORT:
            body = body.split(" ", 1)[0] + " {…}"
        match action.kind:
            case "receive" if body is not None:
                return f"{node or 'network'} receives {body}"
            case "drop" | "duplicate" if body is not None:
                return f"network {action.kind}s {body}"
        step = Step(0, action.name, action.kind, node, params, body, succ.state, ())
        return describe(step)

    def _follow(self, path: tuple[int, ...]) -> tuple[int, ...]:
        """Node indices along a Discovery path, as far as its states are nodes (the last state
        of a violation outside a `constraint` is not)."""
        if not path:
            return ()
        key = self.compiled.fingerprint
        state = self.compiled.init_states()[path[0]]
        out = [self.index[key(state)]]
        for ordinal in path[1:]:
            state = self.compiled.labelled_successors(state)[ordinal].state
            if key(state) not in self.index:
                break
            out.append(self.index[key(state)])
        return tuple(out)


# ---------------------------------------------------------------- labels


def state_lines(model: Model, old: State | None, new: State) -> Iterator[str]:
    """`name = value` for every displayed part of `new` (when `old` is None) or for each part
    that differs from `old`; the network as the messages that came and went."""
    for slot, var in enumerate(model.vars):
        if model.network is not None and slot == model.network.slot:
            if old is None or old[slot] != new[slot]:
                yield from _network_lines(model, old, new)
            continue
        if old is None and var.role in BOOKKEEPING:
            continue
        if old is not None and old[slot] == new[slot]:
            continue
        parts = display.slot_values(var, new[slot], per_key=True)
        before = display.slot_values(var, old[slot], per_key=True) if old is not None else None
        for name, value, t in parts:
            earlier = next(before) if before is not None else None
            if earlier is None or earlier[1] != value:
                yield f"{name} = {display.show(t, value)}"


def _network_lines(model: Model, old: State | None, new: State) -> Iterator[str]:
    now = display.in_flight(model, new)
    if old is None:
        yield from (f"in flight: {_sent(e)}" for e in sorted(now.elements(), key=str))
        if not now:
            yield "in flight: nothing"
        return
    before = display.in_flight(model, old)
    yield from (f"+ {_sent(e)}" for e in sorted((now - before).elements(), key=str))
    yield from (f"− {_sent(e)}" for e in sorted((before - now).elements(), key=str))


def _sent(envelope: Envelope) -> str:
    """Who to whom first: a long message wraps below it."""
    return f"{envelope.src} → {envelope.dst}: {envelope.body}"
