"""Liveness violations a random walk can show: a lasso, when the walk returns to a state.

A walk s0 .. sj with sj == si (i < j) is a behavior that may repeat si .. sj forever; a walk
that ends in a state without successors (a `terminal` one, or any with deadlock checking off)
stutters there forever. Either is a counterexample to a liveness property when the loop is
fair and the property fails on it, judged exactly as trace/replay.py confirms a lasso (TLA+'s
`<<A>>_vars`: only a step that changes the state enables or takes a fairness obligation):

* `eventually P`: P false in every state of the walk;
* `always_eventually P`: P false in every state of the loop;
* `P leads_to Q`: Q false in every state of the loop, and P in a state after which Q never
  holds again.

Only the two loops a revisit closes are tried (from the first and from the latest visit of the
state): the longest one takes the most obligations, the shortest is the easiest to read.
"""

from __future__ import annotations

from collections.abc import Hashable

from verikit.compile.compiled import CompiledModel, State
from verikit.engine.graph import _rules
from verikit.engine.result import Discovery
from verikit.errors import SpecFault

Obligation = tuple[int, Hashable]


class LassoJudge:
    """Decides, for the states of one walk, whether a loop or a stuttering end violates a
    liveness property. Predicate values are cached per position until `reset`."""

    def __init__(self, compiled: CompiledModel) -> None:
        self.compiled = compiled
        model = compiled.model
        props = {p.name: f for p, f in compiled.properties}
        self.properties = [(p.name, p.kind, props[p.name], compiled.triggers.get(p.name))
                           for p in model.liveness]  # fmt: skip
        self.rules = _rules(model)
        self.strong = [f.strong for f in model.fairness]
        self.values: list[tuple[bool, ...]] = []

    def reset(self) -> None:
        self.values = []

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
            values = self._values(states)
        except SpecFault:
            return None  # the invariant checks of `verikit check` report faults
        for index, (name, kind, _, _) in enumerate(self.properties):
            q = [v[index * 2] for v in values]
            first = 0 if kind == "eventually" else start
            if any(q[first : last + 1]):
                continue
            if kind == "leads_to":
                since = last
                while since > 0 and not q[since - 1]:
                    since -= 1
                if not any(v[index * 2 + 1] for v in values[since : last + 1]):
                    continue
            return Discovery(name, kind, tuple(path), loop_start=start)  # type: ignore[arg-type]
        return None

    def _values(self, states: list[State]) -> list[tuple[bool, ...]]:
        """Per position: (Q, P) for each liveness property (P only for a leads_to)."""
        values = self.values
        for state in states[len(values) :]:
            row: list[bool] = []
            for _, _, holds, trigger in self.properties:
                row += (bool(holds(state)), bool(trigger(state)) if trigger else False)
            values.append(tuple(row))
        return values

    def _fair(self, states: list[State], path: list[int], start: int, last: int) -> bool:
        """No obligation starves on the loop states[start..last] (last == start: a stutter)."""
        if not self.rules or start == last or not any(self.rules):
            return True
        fp = self.compiled.fingerprint
        enabled: list[set[Obligation]] = []
        taken: set[Obligation] = set()
        for position in range(start, last):
            state = states[position]
            here: set[Obligation] = set()
            try:
                succs = self.compiled.labelled_successors(state)
            except SpecFault:
                return False
            for ordinal, succ in enumerate(succs):
                if fp(succ.state) == fp(state):
                    continue  # a stuttering step neither enables nor takes an obligation
                owed = self._obligations(succ.action, succ.params)
                here |= owed
                if ordinal == path[position + 1]:
                    taken |= owed
            enabled.append(here)
        always = set.intersection(*enabled)
        sometimes = set.union(*enabled)
        starved = {o for o in always if not self.strong[o[0]]}
        starved |= {o for o in sometimes if self.strong[o[0]]}
        return not (starved - taken)

    def _obligations(self, action: int, params: tuple[object, ...]) -> set[Obligation]:
        return {
            (decl, None if position is None else params[position])  # type: ignore[misc]
            for decl, position in self.rules[action]
        }
