"""Shared helpers for the semantics tests: analyse spec text, collect its diagnostics, and
explore small models with the reference evaluator of tests/oracle."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TypeVar

import pytest

from tests.oracle import reference
from tests.oracle.reference import Exploration, State
from verikit.core.model import Action, Model
from verikit.errors import SpecError
from verikit.semantics import analyze
from verikit.syntax import parse

from ..language_examples import NODE_STYLE as NODE_STYLE

T = TypeVar("T")


GLOBAL_STYLE = """\
spec TwoPhase
const RMs = 3
type RM = 1..RMs
type Msg = record { kind: enum { Prepared, Commit, Abort }, rm: RM? }

var rmState: map<RM, enum { Working, Prepared, Committed, Aborted }> = { r: Working for r in RM }
var tmState: enum { Init, Committed, Aborted } = Init
var tmPrepared: set<RM> = {}
var msgs: set<Msg> = {}

action TMRcvPrepared(r: RM) when tmState == Init and Msg { kind: Prepared, rm: r } in msgs {
  tmPrepared = tmPrepared + {r}
}
action TMCommit when tmState == Init and tmPrepared == all RM {
  tmState = Committed
  msgs = msgs + { Msg { kind: Commit, rm: none } }
}
action TMAbort when tmState == Init {
  tmState = Aborted
  msgs = msgs + { Msg { kind: Abort, rm: none } }
}
action RMPrepare(r: RM) when rmState[r] == Working {
  rmState[r] = Prepared
  msgs = msgs + { Msg { kind: Prepared, rm: r } }
}
action RMChooseToAbort(r: RM) when rmState[r] == Working { rmState[r] = Aborted }
action RMRcvCommitMsg(r: RM) when Msg { kind: Commit, rm: none } in msgs { rmState[r] = Committed }
action RMRcvAbortMsg(r: RM) when Msg { kind: Abort, rm: none } in msgs { rmState[r] = Aborted }
invariant Consistent: not exists r1, r2 in RM: rmState[r1] == Aborted and rmState[r2] == Committed
constraint len(msgs) <= 10
"""


def model_of(text: str, consts: Mapping[str, int | bool] | None = None) -> Model:
    return analyze(parse(text, "spec.dsl"), consts)


def errors(text: str, consts: Mapping[str, int | bool] | None = None) -> list[tuple[int, int, str]]:
    """Every diagnostic of a spec that semantics rejects, as (line, col, message)."""
    with pytest.raises(SpecError) as caught:
        model_of(text, consts)
    return [(d.span.line, d.span.col, d.message) for d in caught.value.diagnostics]


def the_error(text: str, consts: Mapping[str, int | bool] | None = None) -> tuple[int, int, str]:
    found = errors(text, consts)
    assert len(found) == 1, found
    return found[0]


def action(model: Model, name: str) -> Action:
    matches = [a for a in model.actions if a.name == name]
    assert matches, [a.name for a in model.actions]
    return matches[0]


def action_kinds(model: Model) -> dict[str, str]:
    return {a.name: a.kind for a in model.actions}


def explore(model: Model) -> Exploration:
    """Breadth-first search with the reference evaluator of tests/oracle (small models only)."""
    return reference.explore(model, max_states=200_000)


def reachable(model: Model) -> set[State]:
    """Every state the reference evaluator reaches (no constraints, no counting rules)."""
    seen = set(reference.init_states(model))
    todo = list(seen)
    while todo:
        for _, _, t in reference.successors(model, todo.pop()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def violated(model: Model) -> set[str]:
    return {name for name, _ in explore(model).violations}


def nodes_of(tree: object, kind: type[T]) -> list[T]:
    """Every IR node of class `kind` inside `tree` (an IR node or a tuple of them), depth first."""
    found: list[T] = []

    def walk(x: object) -> None:
        if isinstance(x, kind):
            found.append(x)
        if isinstance(x, tuple):
            for y in x:
                walk(y)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                walk(getattr(x, f.name))

    walk(tree)
    return found
