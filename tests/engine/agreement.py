"""Every engine on one spec text: the compiled model against the reference interpreter state
by state (successors in order, faults word for word), the explicit search's counts, native C
against compiled (when a compiler exists), and Z3's bmc against the explicit search. Used by
the language tests: a construct is done when every engine runs it the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.native.agreement import _has_compiler
from tests.native.agreement import agree as native_agree
from tests.oracle import reference
from tests.symbolic.support import agree as z3_agree
from verikit import api
from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model
from verikit.engine import CheckOptions, check
from verikit.engine.result import CheckResult
from verikit.errors import SourceFile, SpecFault

State = tuple[Any, ...]


def load(text: str, consts: dict[str, Any] | None = None) -> api.Loaded:
    return api.load_source(SourceFile("spec.dsl", text), consts)


def _outcome(thunk: Any) -> Any:
    """A value, or ("fault", message, line, col) for a runtime fault."""
    try:
        return thunk()
    except SpecFault as fault:
        return ("fault", fault.message, fault.span.line, fault.span.col)


@dataclass(frozen=True)
class Agreed:
    result: CheckResult  # the explicit (python) search
    states: int  # states compared with the reference
    faults: tuple[tuple[str, int, int], ...]  # (message, line, col) met on the way


def compiled_matches_reference(model: Model, compiled: CompiledModel, limit: int) -> Agreed:
    init = _outcome(compiled.init_states)
    assert init == _outcome(lambda: reference.init_states(model)), "initial states"
    faults: list[tuple[str, int, int]] = []
    if isinstance(init, tuple):
        faults.append(init[1:])
        init = []
    seen, todo, count = set(init), list(init), 0
    while todo and count < limit:
        state = todo.pop()
        count += 1
        want = _outcome(lambda s=state: reference.successors(model, s))  # type: ignore[misc]
        got = _outcome(
            lambda s=state: [  # type: ignore[misc]
                (t.action, t.params, t.state) for t in compiled.labelled_successors(s)
            ]
        )
        assert got == want, f"successors of {state}"
        for prop, predicate in compiled.properties:
            assert _outcome(lambda p=predicate, s=state: bool(p(s))) == _outcome(  # type: ignore[misc]
                lambda p=prop, s=state: reference.holds(p, s)  # type: ignore[misc]
            ), f"{prop.name} in {state}"
        if isinstance(got, tuple):
            faults.append(got[1:])
            continue
        for _, _, t in got:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    result = check(compiled, CheckOptions(stop_at_first=False, max_states=200_000))
    return Agreed(result, count, tuple(dict.fromkeys(faults)))


def every_engine_agrees(
    text: str, consts: dict[str, Any] | None = None, *, z3: bool = True, budget: int = 8,
    limit: int = 5_000,
) -> Agreed:  # fmt: skip
    """Compiled = reference (state by state), native = compiled, bmc = explicit (to the
    explicit counterexample's depth, at most `budget`); returns what compiled found."""
    loaded = load(text, consts)
    agreed = compiled_matches_reference(loaded.model, loaded.compiled, limit)
    if _has_compiler():
        assert native_agree(loaded.model, limit) > 0
    if z3:
        z3_agree(loaded.model, budget)
    return agreed
