"""The bundled examples' own conformance tests run with the suite, so an example that no longer
fits its spec (or verikit.testing) fails `make test`."""

from test_counter import (  # examples/crdt_counter
    test_counter_refines_spec,
    test_the_summing_counter_is_caught,
)
from test_lease_lock import (  # examples/lease_lock
    test_lease_lock_refines_spec,
    test_the_storage_that_skips_the_token_check_is_caught_at_the_stale_write,
    test_the_unfenced_storage_is_caught,
)

__all__ = [
    "test_counter_refines_spec",
    "test_lease_lock_refines_spec",
    "test_the_storage_that_skips_the_token_check_is_caught_at_the_stale_write",
    "test_the_summing_counter_is_caught",
    "test_the_unfenced_storage_is_caught",
]
