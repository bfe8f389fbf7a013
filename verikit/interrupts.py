"""Ctrl-C reaches native code too: a Z3 check stops within a moment, not at its end.

    interrupts.install()            # the command line, once, in the main thread
    interrupts.z3_interruptible()   # after importing z3 (api does it before any Z3 work)
    interrupts.on_interrupt(stop)   # any other long native call: `stop()` makes it return

Python raises KeyboardInterrupt only between bytecodes of the main thread, so a long call into
a C library runs to its end before anyone notices the signal. Z3 makes it worse: during each
check it installs its own SIGINT handler, which cancels that one check (it returns "unknown",
reason "interrupted from keyboard") and swallows the signal, so a prover simply goes on to the
next check, which is why `verikit prove` used to ignore Ctrl-C. The cure: Z3 is told to leave
SIGINT alone (its global `ctrl_c` parameter), and `install` asks Python's own C-level handler
to write each signal's number to a pipe (`signal.set_wakeup_fd`); a watcher thread blocked on
that pipe wakes at once and calls every registered canceller (for Z3, `Context.interrupt()`,
which may be called from any thread). The native call returns, and the KeyboardInterrupt that
Python had noted is raised in the main thread as usual. Nothing else changes: the signal is
still handled by Python's default handler, which raises KeyboardInterrupt.

One more trap: a KeyboardInterrupt raised while Python runs a `__del__` method (Z3 frees its
terms in `__del__`, millions of times while encoding) is printed as "Exception ignored" and
lost. So until the command acknowledges the interrupt (`acknowledge()`, called where it is
handled), the watcher repeats the signal every `REMIND_AFTER` seconds; once acknowledged, a
further Ctrl-C ends the process at once (exit 130) instead of interrupting the report.

This module imports nothing from verikit, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable

REMIND_AFTER = 1.0  # seconds before an unacknowledged Ctrl-C is sent again
EXIT_INTERRUPTED = 130

_cancellers: list[Callable[[], None]] = []
_installed = False
_acknowledged = threading.Event()
_reminding = threading.Lock()
_seen = threading.Event()  # a SIGINT arrived (set by the Python-level handler, synchronously)


def install() -> bool:
    """Wake the cancellers on every SIGINT; False when that cannot be done here (not the
    main thread, or the platform has no wakeup fd), and Ctrl-C then works as before."""
    global _installed
    if _installed:
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    read, write = os.pipe()
    os.set_blocking(write, False)  # the C handler must never block on a full pipe
    try:
        signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    except (ValueError, OSError):
        os.close(read)
        os.close(write)
        return False
    threading.Thread(target=_watch, args=(read,), name="verikit-interrupts", daemon=True).start()
    signal.signal(signal.SIGINT, _note_and_raise)
    _installed = True
    return True


def _note_and_raise(signum: int, frame: object) -> None:
    """Python's own Ctrl-C (KeyboardInterrupt), remembered: Click turns a KeyboardInterrupt
    that comes while it parses the command line into "Aborted!" and exit 1, which `pending`
    lets the program correct to 130."""
    _seen.set()
    raise KeyboardInterrupt


def pending() -> bool:
    """A Ctrl-C came and no command has acknowledged it (so nothing reported it yet)."""
    return _seen.is_set() and not _acknowledged.is_set()


def acknowledge() -> None:
    """The command has stopped for Ctrl-C and is reporting: no more reminders, and a second
    Ctrl-C exits at once. Harmless when `install` was not called."""
    _acknowledged.set()
    if _installed and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _exit_now)


def _exit_now(signum: int, frame: object) -> None:
    os._exit(EXIT_INTERRUPTED)


def on_interrupt(cancel: Callable[[], None]) -> None:
    """Call `cancel()` (from the watcher thread) on every Ctrl-C; once per function."""
    if cancel not in _cancellers:
        _cancellers.append(cancel)


def z3_interruptible() -> None:
    """Let Ctrl-C reach Python during a Z3 check instead of Z3 swallowing it (see above)."""
    import z3

    z3.set_param("ctrl_c", False)
    on_interrupt(_interrupt_z3)


def _interrupt_z3() -> None:
    import z3

    z3.main_ctx().interrupt()


def _watch(read: int) -> None:
    """The watcher thread: each SIGINT number written to the pipe cancels the native work."""
    while True:
        try:
            data = os.read(read, 512)
        except OSError:
            return
        if not data:
            return
        if signal.SIGINT in data and not _acknowledged.is_set():
            for cancel in list(_cancellers):
                with contextlib.suppress(Exception):  # a canceller must never kill the watcher
                    cancel()
            _remind_later()


def _remind_later() -> None:
    """Send SIGINT again after REMIND_AFTER seconds unless the command acknowledged it."""
    if not _reminding.acquire(blocking=False):
        return  # a reminder is already pending

    def remind() -> None:
        _reminding.release()
        if not _acknowledged.is_set():
            os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(REMIND_AFTER, remind)
    timer.daemon = True
    timer.start()
