"""Stopping work that has no loop of ours to poll a clock in: loading a spec (parsing,
analysis, code generation, `compile()`) and computing its initial states (one call into
generated code). The search polls its own clock (engine/search.py); these phases cannot, so
a timer interrupts them: at the deadline SIGALRM raises DeadlineExpired wherever the main
thread is. Only work whose partial results are thrown away runs under it.

DeadlineExpired is a BaseException on purpose: generated code turns every Exception it meets
into a runtime fault of the spec, and a deadline is not one.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DeadlineExpired(BaseException):
    """The deadline passed while work ran under `interrupt_at`."""


GENERATED = "<verikit "  # the file name of every generated module (compile/load.py)
RETRY = 0.02  # seconds between alarms once the deadline has passed, until one interrupts


@contextmanager
def interrupt_at(deadline: float | None, only_in: str | None = None) -> Iterator[None]:
    """Run the block, raising DeadlineExpired in it once `time.monotonic()` passes `deadline`
    (None: no deadline). With `only_in`, only a frame of a file whose name starts with it is
    interrupted (the alarm repeats until one is): the search lets generated code be stopped
    mid-call, never its own bookkeeping. Away from the main thread, or without SIGALRM
    (Windows), nothing interrupts the block; the deadline is checked once it has run."""
    if deadline is None:
        yield
        return
    if time.monotonic() >= deadline:
        raise DeadlineExpired
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        if time.monotonic() >= deadline:
            raise DeadlineExpired
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        if only_in is None or (frame is not None and frame.f_code.co_filename.startswith(only_in)):
            signal.setitimer(signal.ITIMER_REAL, 0)  # one exception: none while it unwinds
            raise DeadlineExpired

    previous = signal.signal(signal.SIGALRM, expire)
    outer, entered = signal.getitimer(signal.ITIMER_REAL), time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(deadline - entered, 1e-3), RETRY)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if outer[0] > 0:  # someone else's timer (a caller's own limit): set it going again
            left = outer[0] - (time.monotonic() - entered)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer[1])


def deadline_of(timeout: float | None, started: float | None) -> float | None:
    """The monotonic time a run with `timeout` seconds must stop at, its clock started at
    `started` (None: now)."""
    if timeout is None:
        return None
    return (time.monotonic() if started is None else started) + timeout
