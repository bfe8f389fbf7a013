"""Liveness violations a random walk can show: a lasso, when the walk returns to a state.

A walk s0 .. sj with sj == si (i < j) is a behavior that may repeat si .. sj forever; a walk
that ends in a state without successors (a `terminal` one, or any with deadlock checking off)
stutters there forever. Either is a counterexample to a liveness property when the loop is
fair and the property fails on it, judged exactly as trace/replay.py confirms a lasso (TLA+'s
`<<A>>_vars`: only a step that changes the state enables or takes a fairness obligation):

* `eventually P`: P false in every state of the walk;
* `always_eventually P`: P false in every state of the loop;
* `eventually_always P`: P false in some state of the loop;
* `P leads_to Q`: Q false in every state of the loop, and P in a state after which Q never
  holds again.

Only the two loops a revisit closes are tried (from the first and from the latest visit of the
state): the longest one takes the most obligations, the shortest is the easiest to read.
"""

from __future__ import annotations

from collections.abc import Hashable

from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import obligation_key
from verikit.engine.graph import _rules
from verikit.engine.result import Discovery
from verikit.errors import SpecFault

Obligation = tuple[int, Hashable]


class LassoJudge:
    """Decides, for the states of one walk, whether a loop or a stuttering end violates a
    liveness property. Per position it keeps, until `reset`, running counts of the states
    where each property's Q (and a leads_to's P) held, the last position where Q held, and
    (computed when a loop first needs them) the fairness obligations enabled there and taken
    by the step from there; so a revisit costs the length of its loop at most, and the
    successors of a state are computed once."""

    def __init__(self, compiled: CompiledModel) -> None:
        self.compiled = compiled
        model = compiled.model
        props = {p.name: f for p, f in compiled.properties}
        self.properties = [(p.name, p.kind, props[p.name], compiled.triggers.get(p.name))
                           for p in model.liveness]  # fmt: skip
        self.rules = _rules(model)
        self.fair = any(self.rules)
        self.strong = [f.strong for f in model.fairness]
        self.reset()

    def reset(self) -> None:
        width = len(self.properties)
        self.q_count: list[list[int]] = [[0] for _ in range(width)]  # states 0..i-1 with Q
        self.p_count: list[list[int]] = [[0] for _ in range(width)]
        self.last_q: list[list[int]] = [[] for _ in range(width)]  # last Q at or before i
        self.enabled: list[set[Obligation] | None] = []
        self.taken: list[set[Obligation] | None] = []

    def stutter(self, states: list[State], path: list[int]) -> Discovery | None:
        """The walk ends in a state without successors, where it stutters forever."""
        last = len(states) - 1
        return self._violated(states, path, last, last)

    def loop(self, states: list[State], path: list[int], earlier: list[int]) -> Discovery | None:
        """The walk's last state equals the states at positions `earlier`."""
        last = len(states) - 1
        for start in dict.fromkeys((earlier[0], earlier[-1])):
            found = self._violated(states, path, start, last)
            if found is not None and self._fair(states, path, start, last):
                return found
        return None

    def _violated(
        self, states: list[State], path: list[int], start: int, last: int
    ) -> Discovery | None:
        try:
            self._extend(states)
        except SpecFault:
            return None  # the invariant checks of `verikit check` report faults
        for index, (name, kind, _, _) in enumerate(self.properties):
            q = self.q_count[index]
            if kind == "eventually_always":  # violated when P is false somewhere on the loop
                if q[last + 1] - q[start] < last + 1 - start:
                    return Discovery(name, "eventually_always", tuple(path), loop_start=start)
                continue
            first = 0 if kind == "eventually" else start
            if q[last + 1] - q[first]:
                continue  # Q holds somewhere it must not
            if kind == "leads_to":
                since = self.last_q[index][last] + 1  # Q false from here to the end
                p = self.p_count[index]
                if not p[last + 1] - p[since]:
                    continue
            return Discovery(name, kind, tuple(path), loop_start=start)  # type: ignore[arg-type]
        return None

    def _extend(self, states: list[State]) -> None:
        """The counts for every position up to the last state of `states`."""
        for position in range(len(self.q_count[0]) - 1 if self.properties else 0, len(states)):
            state = states[position]
            for index, (_, _, holds, trigger) in enumerate(self.properties):
                q = bool(holds(state))
                p = bool(trigger(state)) if trigger is not None else False
                self.q_count[index].append(self.q_count[index][-1] + q)
                self.p_count[index].append(self.p_count[index][-1] + p)
                before = self.last_q[index][-1] if self.last_q[index] else -1
                self.last_q[index].append(position if q else before)

    def _fair(self, states: list[State], path: list[int], start: int, last: int) -> bool:
        """No obligation starves on the loop states[start..last] (last == start: a stutter)."""
        if not self.fair or start == last:
            return True
        always: set[Obligation] | None = None
        sometimes: set[Obligation] = set()
        taken: set[Obligation] = set()
        for position in range(start, last):
            here = self._obligations_at(states, path, position)
            if here is None:
                return False  # a fault: `verikit check` reports it
            enabled, took = here
            always = set(enabled) if always is None else always & enabled
            sometimes |= enabled
            taken |= took
        starved = {o for o in always or () if not self.strong[o[0]]}
        starved |= {o for o in sometimes if self.strong[o[0]]}
        return not (starved - taken)

    def _obligations_at(
        self, states: list[State], path: list[int], position: int
    ) -> tuple[set[Obligation], set[Obligation]] | None:
        """(obligations enabled at `position`, those its step takes), computed once."""
        while len(self.enabled) <= position:
            self.enabled.append(None)
            self.taken.append(None)
        enabled, taken = self.enabled[position], self.taken[position]
        if enabled is not None and taken is not None:
            return enabled, taken
        fp = self.compiled.fingerprint
        state = states[position]
        try:
            succs = self.compiled.labelled_successors(state)
        except SpecFault:
            return None
        enabled, taken = set(), set()
        for ordinal, succ in enumerate(succs):
            if fp(succ.state) == fp(state):
                continue  # a stuttering step neither enables nor takes an obligation
            owed = self._obligations(succ.action, succ.params)
            enabled |= owed
            if ordinal == path[position + 1]:
                taken |= owed
        self.enabled[position], self.taken[position] = enabled, taken
        return enabled, taken

    def _obligations(self, action: int, params: tuple[object, ...]) -> set[Obligation]:
        return {(decl, obligation_key(params, positions)) for decl, positions in self.rules[action]}
