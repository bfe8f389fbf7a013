"""One local Ray instance for the whole session (2 CPUs, no dashboard, quiet), started only
when a test asks for it and shut down at the end, so no Ray process outlives the suite.
The cluster's tests are skipped, with the reason, where Ray or a C compiler is missing."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from verikit.cluster import local, search

from ..native.handwritten import needs_compiler

HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="Ray is not installed: pip install -e '.[cluster]'")
CLUSTER_MARKS = [needs_ray, needs_compiler]


def needs_cluster(test: Callable[..., None]) -> Callable[..., None]:
    """Skip a test, with the reason, where Ray or a C compiler is missing."""
    return needs_ray(needs_compiler(test))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def ray_session() -> Iterator[ModuleType]:
    import ray

    local.start(ray, num_cpus=2, include_dashboard=False, log_to_driver=False,
                logging_level=logging.ERROR)  # fmt: skip
    try:
        yield ray
    finally:
        search._idle.clear()
        local.stop(ray)
