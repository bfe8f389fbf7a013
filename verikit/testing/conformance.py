"""A hypothesis test that an implementation refines its spec (see harness.py for a run).

    from verikit.testing import conformance_test
    test_counter = conformance_test("specs/crdt_counter.dsl", CounterAdapter)

pytest collects `test_counter` like any test. hypothesis draws each step's choice among the
enabled spec steps (each run first leaves out each kind of network fault with probability
one half: `swarm`), so a failing run shrinks to few, early choices; the settings (examples,
deadline, database) are the user's: `settings(max_examples=200)(conformance_test(...))`, a
profile, or the defaults. A mismatch fails the test with `ConformanceFailure`: the step, the
adapter call, the variables that differ and the spec's run as text; the run is saved as ITF
(`trace_out`) on hypothesis's final replay, after shrinking it further step by step, so `verikit render spec.dsl FILE -o x.svg`
draws it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.control import current_build_context

from verikit.api import load
from verikit.compile.compiled import CompiledModel, Successor
from verikit.engine.result import Discovery
from verikit.semantics import ConstValue
from verikit.testing.adapter import bind
from verikit.testing.harness import Mismatch, SpecCache, run, shrink
from verikit.trace import itf
from verikit.trace.output import OutputProblem, write_output
from verikit.trace.replay import replay
from verikit.trace.text import render

DEFAULT_TRACE_DIR = Path(".verikit") / "conformance"
MISMATCH = "conformance"  # the property name a saved mismatch records
FAULT_KINDS = ("drop", "duplicate", "crash", "restart", "partition", "heal")  # the network's


class ConformanceFailure(AssertionError):
    """The implementation left the spec; the message says where and how."""

    def __init__(self, message: str, mismatch: Mismatch) -> None:
        super().__init__(message)
        self.mismatch = mismatch


def conformance_test(
    spec: str | Path,
    adapter: type,
    *,
    consts: Mapping[str, ConstValue] | None = None,
    max_steps: int = 20,
    trace_out: str | Path | None = None,
) -> Callable[..., None]:
    """A hypothesis test (a function for pytest to collect) of `adapter`'s implementation
    against `spec`. The spec is loaded and the adapter checked now, so a bad spec or a bad
    adapter fails at import with a SpecError or an AdapterError saying what is wrong."""
    loaded = load(spec, consts)
    compiled = loaded.compiled
    binding = bind(compiled.model, adapter)
    cache = SpecCache(compiled)
    name = getattr(adapter, "__name__", "adapter")
    out = (
        Path(trace_out) if trace_out else DEFAULT_TRACE_DIR / f"{loaded.model.name}.{name}.itf.json"
    )

    faults = sorted({a.kind for a in compiled.model.actions if a.kind in FAULT_KINDS})

    @given(st.data())
    def test(data: st.DataObject) -> None:
        muted = swarm(data, faults)

        def choose(successors: Sequence[Successor]) -> int:
            allowed = [i for i, s in enumerate(successors)
                       if compiled.model.actions[s.action].kind not in muted]  # fmt: skip
            options = allowed or list(range(len(successors)))
            return options[0] if len(options) == 1 else options[data.draw(
                st.integers(0, len(options) - 1))]  # fmt: skip

        init = data.draw(st.integers(0, len(compiled.init_states()) - 1))
        outcome = run(compiled, binding, adapter, init, choose, max_steps, cache)
        if isinstance(outcome, Mismatch):
            if not _final():  # hypothesis is still shrinking: no need for words yet
                raise ConformanceFailure(f"step {outcome.step}: {outcome.reason}", outcome)
            outcome = shrink(compiled, binding, adapter, outcome, cache)
            saved = _save(compiled, outcome, out)
            raise ConformanceFailure(describe(compiled, outcome, saved), outcome)

    test.__name__ = f"conformance_{name}"
    test.__qualname__ = test.__name__
    return test


def swarm(data: st.DataObject, faults: Sequence[str]) -> frozenset[str]:
    """The fault kinds this run leaves out, each with probability one half (swarm testing,
    Groce et al., ISSTA 2012). Faults are enabled wherever a message is in flight, so a run
    that may take them all spends most steps losing and copying messages and seldom gets deep
    into the protocol; runs without some kinds go deeper, runs with all of them still come.
    Shrinking turns a kind back on only if the failure stays."""
    return frozenset(kind for kind in faults if data.draw(st.booleans(), label=f"no {kind}"))


def mismatch_trace_itf(compiled: CompiledModel, mismatch: Mismatch) -> dict[str, Any]:
    """The spec's run to the expected state, as ITF, with the mismatch in its #meta."""
    trace = replay(compiled, Discovery(MISMATCH, "reachable", mismatch.path))
    document = itf.to_itf(trace, compiled.model)
    about = document["#meta"]["verikit"]
    # no property or kind: `verikit replay` confirms the run itself, not a discovery
    del about["property"], about["kind"]
    document["#meta"]["description"] = f"{compiled.model.name}: conformance mismatch"
    about["mismatch"] = {
        "step": mismatch.step,
        "call": mismatch.call,
        "reason": mismatch.reason,
        "differences": [
            {"var": d.var, "expected": d.expected, "observed": d.observed}
            for d in mismatch.differences
        ],
    }
    return document


def describe(compiled: CompiledModel, mismatch: Mismatch, saved: str) -> str:
    lines = [f"step {mismatch.step}: {mismatch.reason}"]
    if mismatch.differences:
        lines.append("the variables that differ (spec expected → implementation has):")
        lines += [f"  {d.var}: {d.expected} → {d.observed}" for d in mismatch.differences]
    if mismatch.path:
        lines += ["", "the spec's run (its last state is the one expected):"]
        trace = replay(compiled, Discovery(MISMATCH, "reachable", mismatch.path))
        lines += render(trace).splitlines()[1:]
    if saved:
        lines += ["", saved]
    return "\n".join(lines)


def _save(compiled: CompiledModel, mismatch: Mismatch, out: Path) -> str:
    """Save the run as ITF; what happened, in words, for the failure message."""
    if not mismatch.path:
        return ""
    data = json.dumps(mismatch_trace_itf(compiled, mismatch), indent=2).encode() + b"\n"
    try:
        write_output(out, data, force=True)  # verikit's own file, rewritten each failure
    except OutputProblem as problem:
        return f"the run was not saved: {problem}"
    return f"saved as ITF: {out} (draw it: verikit render SPEC {out} -o mismatch.svg)"


def _final() -> bool:
    try:
        return bool(current_build_context().is_final)
    except Exception:  # outside hypothesis (a direct call): always the final word
        return True
