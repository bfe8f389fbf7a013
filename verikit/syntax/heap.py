"""`paused_gc`: no cyclic garbage collection while a stage builds a whole tree.

Parsing and code generation allocate millions of small objects and keep nearly all of them.
CPython's cyclic collector is triggered by allocations and traverses the surviving objects
again and again as they pile up, so with it running these stages take superlinear time in
the size of the spec (bench/load_scaling.py measures it). Nothing they build is a reference
cycle that must be freed early, so they pause the collector and restore it afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector off for the block, then as it was (nesting is harmless)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
