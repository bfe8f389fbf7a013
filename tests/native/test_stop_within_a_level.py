"""The native search looks at its limits (timeout, Ctrl-C, memory, the progress hook) between
states, not only between levels or chunks of a level: a spec whose successors or properties
are slow on each state (quantifiers over 40 nodes, say) still stops at its --timeout."""

from __future__ import annotations

from verikit.api import load_source
from verikit.errors import SourceFile
from verikit.native.library import SearchConfig, Status

from .agreement import native, needs_compiler

WIDE = 2047  # states of the level after the initial one

SPEC = f"""
spec Wide
var x: 0..{WIDE} = 0
action pick(v in 1..{WIDE}) when x == 0 {{ x = v }}
action back when x > 0 {{ x = 0 }}
invariant Bounded: x <= {WIDE}
"""


@needs_compiler
def test_the_search_looks_at_its_limits_every_few_states_it_expands_or_evaluates() -> None:
    _, library = native(load_source(SourceFile("wide.dsl", SPEC)).model)
    calls: list[int] = []

    def count(states: int, depth: int, queue: int, seconds: float) -> bool:
        calls.append(states)
        return False

    outcome = library.search(SearchConfig(workers=1, progress_interval=1e-9), count)
    assert outcome.status is Status.COMPLETE and outcome.distinct == WIDE + 1
    # the wide level is expanded (2047 parents) and evaluated (2047 new states) once each:
    # a look every 8 states of each, where one per chunk of 256 parents was all there was
    assert len(calls) >= 2 * (WIDE // 8)


@needs_compiler
def test_a_stop_asked_for_within_a_level_ends_the_search_before_the_level_ends() -> None:
    _, library = native(load_source(SourceFile("wide.dsl", SPEC)).model)
    calls: list[int] = []

    def stop_at_the_tenth_look(states: int, depth: int, queue: int, seconds: float) -> bool:
        calls.append(states)
        return len(calls) == 10

    outcome = library.search(
        SearchConfig(workers=1, progress_interval=1e-9), stop_at_the_tenth_look
    )
    assert outcome.status is Status.INTERRUPTED
    assert len(calls) == 10 and outcome.distinct == 1
