"""Testing an implementation against its spec (docs/conformance.md): a hypothesis test that
steps both together through an adapter (conformance_test)."""

from verikit.testing.adapter import AdapterError
from verikit.testing.conformance import ConformanceFailure, conformance_test
from verikit.testing.values import Record

__all__ = ["AdapterError", "ConformanceFailure", "Record", "conformance_test"]
