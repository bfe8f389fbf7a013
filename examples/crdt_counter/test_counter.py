"""Conformance of counter.py to specs/crdt_counter.dsl: run `pytest examples/crdt_counter`.

The correct replicas pass; the summing ones fail with a shrunk run of the spec, saved as ITF.
"""

from pathlib import Path

from adapter import CounterAdapter
from hypothesis import settings

from verikit.testing import conformance_test

SPEC = Path(__file__).parents[2] / "specs" / "crdt_counter.dsl"

test_counter_refines_spec = settings(max_examples=200, deadline=None)(
    conformance_test(SPEC, CounterAdapter)
)
