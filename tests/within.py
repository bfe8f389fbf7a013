"""`finishes_within(seconds)`: a test of "this no longer hangs" fails instead of hanging.

SIGALRM raises `DidNotFinish` wherever the main thread is, generated code included (it is a
BaseException, which generated code passes on rather than turning into a runtime fault)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DidNotFinish(BaseException):
    """The block ran past its allowance: before the fix under test, it hung."""


@contextmanager
def finishes_within(seconds: float) -> Iterator[None]:
    def fail(signum: int, frame: FrameType | None) -> None:
        raise DidNotFinish(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
