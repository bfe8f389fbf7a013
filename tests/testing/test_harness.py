"""The spec and an implementation step together; the first step the implementation takes
off the spec is a Mismatch naming the step, the call and the variables that differ."""

from collections.abc import Sequence

import pytest

from tests.testing import tiny
from verikit.api import load
from verikit.compile.compiled import Successor
from verikit.testing.adapter import bind
from verikit.testing.harness import Mismatch, Run, run, shrink


def by_names(compiled, names: Sequence[str]):
    """Choose steps by action name (the first enabled successor of that action)."""
    remaining = list(names)

    def choose(successors: Sequence[Successor]) -> int | None:
        if not remaining:
            return None
        name = remaining.pop(0)
        actions = compiled.model.actions
        return next(i for i, s in enumerate(successors) if actions[s.action].name == name)

    return choose


def last_of(compiled, name: str):
    """Choose steps by name, taking the last enabled successor (reset(to=1), flip to heads)."""

    def pick(names: Sequence[str]):
        remaining = list(names)

        def choose(successors: Sequence[Successor]) -> int | None:
            if not remaining:
                return None
            want = remaining.pop(0)
            actions = compiled.model.actions
            fits = [i for i, s in enumerate(successors) if actions[s.action].name == want]
            return fits[-1]

        return choose

    return pick


def final_state(compiled, path):
    state = compiled.init_states()[path[0]]
    for ordinal in path[1:]:
        state = compiled.labelled_successors(state)[ordinal].state
    return state


def loaded(tmp_path, adapter, invariant="x <= 3"):
    compiled = load(tiny.write_spec(tmp_path, invariant)).compiled
    return compiled, bind(compiled.model, adapter)


def test_an_implementation_that_follows_the_spec_completes_the_run(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.Counter)
    steps = ["flip", "inc", "flip", "inc", "inc", "reset", "flip", "flip"]
    outcome = run(compiled, binding, tiny.Counter, 0, by_names(compiled, steps), 20)
    assert isinstance(outcome, Run)
    assert len(outcome.path) == 1 + len(steps)


def test_the_implementation_resolves_the_specs_choices(tmp_path):
    # the spec's flip may land either way; the implementation's coin decides which is followed
    compiled, binding = loaded(tmp_path, tiny.Counter)
    outcome = run(compiled, binding, tiny.Counter, 0, by_names(compiled, ["flip"] * 4), 20)
    assert isinstance(outcome, Run)
    assert final_state(compiled, outcome.path) == (0, 2)  # heads on the 2nd and 4th flip


def test_a_wrong_state_is_a_mismatch_naming_step_call_and_variables(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.ResetsToZero)
    choose = last_of(compiled, "reset")(["inc", "inc", "inc", "reset"])
    outcome = run(compiled, binding, tiny.ResetsToZero, 0, choose, 20)
    assert isinstance(outcome, Mismatch)
    assert outcome.step == 4
    assert outcome.call == "reset(to=1)"
    assert [(d.var, d.expected, d.observed) for d in outcome.differences] == [("x", "1", "0")]
    assert final_state(compiled, outcome.path) == (1, 0)  # what the spec expected


def test_an_exception_from_the_implementation_is_a_mismatch(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.CrashesAtTwo)
    choose = by_names(compiled, ["inc", "inc", "inc"])
    outcome = run(compiled, binding, tiny.CrashesAtTwo, 0, choose, 20)
    assert isinstance(outcome, Mismatch)
    assert outcome.step == 3
    assert outcome.reason == "inc() raised RuntimeError: overflow"


def test_every_invariant_is_checked_after_every_step(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.Counter, "not (x == 2 and heads == 1)")
    choose = by_names(compiled, ["inc", "flip", "flip", "inc"])
    outcome = run(compiled, binding, tiny.Counter, 0, choose, 20)
    assert isinstance(outcome, Mismatch)
    assert (outcome.step, outcome.reason) == (4, "invariant Bounded is violated")


def test_variables_not_observed_are_tracked_by_the_spec(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.HidesHeads)
    steps = ["flip", "flip", "flip", "inc", "inc", "inc", "reset"]
    assert isinstance(
        run(compiled, binding, tiny.HidesHeads, 0, by_names(compiled, steps), 20), Run
    )


def test_shrinking_drops_every_step_the_mismatch_does_not_need(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.ResetsToZero)
    steps = ["flip", "inc", "flip", "inc", "flip", "inc", "reset"]
    choose = last_of(compiled, "reset")(steps)
    found = run(compiled, binding, tiny.ResetsToZero, 0, choose, 20)
    assert isinstance(found, Mismatch) and found.step == 7
    shrunk = shrink(compiled, binding, tiny.ResetsToZero, found)
    names = [compiled.model.actions[action].name for action, _ in shrunk.labels]
    assert names == ["inc", "inc", "inc", "reset"]
    assert shrunk.differences == found.differences


def test_max_steps_bounds_a_run(tmp_path):
    compiled, binding = loaded(tmp_path, tiny.Counter)
    outcome = run(compiled, binding, tiny.Counter, 0, by_names(compiled, ["flip"] * 9), 2)
    assert isinstance(outcome, Run) and len(outcome.path) == 3


@pytest.mark.parametrize("init", [0, 5])
def test_the_initial_state_is_compared_too(tmp_path, init):
    class StartsAtOne(tiny.Counter):
        def __init__(self) -> None:
            super().__init__()
            self.x = 1

    compiled, binding = loaded(tmp_path, StartsAtOne)
    outcome = run(compiled, binding, StartsAtOne, init, by_names(compiled, []), 20)
    assert isinstance(outcome, Mismatch)
    assert (outcome.step, outcome.call) == (0, "init")
    assert [(d.var, d.expected, d.observed) for d in outcome.differences] == [("x", "0", "1")]


def test_the_spec_cache_answers_as_the_spec_does_and_forgets_past_its_limit(tmp_path):
    from verikit.testing.harness import SpecCache

    compiled, _ = loaded(tmp_path, tiny.Counter, "x < 3")
    cache = SpecCache(compiled)
    cache.LIMIT = 2
    state = compiled.init_states()[0]
    for _ in range(3):  # x = 0, 1, 2
        assert cache.successors(state) == compiled.labelled_successors(state)
        assert cache.broken(state) is None
        state = cache.successors(state)[0].state
    assert cache.broken(state) == "invariant Bounded is violated"  # x == 3 after 3 incs
    assert len(cache._successors) <= 2 and len(cache._broken) <= 2
