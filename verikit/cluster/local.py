"""The local Ray instance `--cluster ray` starts for one check, started and stopped quickly.

A user waits for Ray's start and stop on every check, and on a small machine they cost as
much as a search of ten million states saves. Ray's defaults suit a long-lived shared
cluster; this instance lives for one run and serves nothing but its workers, so:

- its raylet connects to its object store in 50 ms steps instead of 1 s ones (a lost race
  with the store's start cost a whole second in about every second run; Ray's settings, set
  in the environment the instance's processes inherit, unless the user set them);
- it runs no API server (HTTP job submission, the state API, the dashboard's backend: nothing
  a check asks of it), whose start Ray waits for before it starts the raylet (half a second);
- on stop, the autoscaler's monitor (which watches nothing here) is killed first: it ignores
  the SIGTERM Ray stops processes with, so Ray waited its full second of grace for it. The
  others stop as Ray stops them, the raylet first, taking its agents and workers with it
  (asking them all at once left the raylet's agents behind), so no Ray process outlives the
  check.

The last two reach into `ray._private`; where a Ray version lacks what they use, the
instance simply starts and stops as Ray does by default.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any

QUICK_START = {
    "RAY_raylet_client_connect_timeout_milliseconds": "50",
    "RAY_raylet_client_num_connect_attempts": "200",  # Ray's 10 s of patience, kept
}
_MONITOR = "monitor"  # ray_constants.PROCESS_TYPE_MONITOR
_RAYLET = "raylet"  # ray_constants.PROCESS_TYPE_RAYLET
STOP_WAIT = 10.0  # seconds to wait for the raylet's workers and agents to exit


def start(ray: Any, **options: Any) -> None:
    """`ray.init(address="local", **options)`, quickly."""
    for name, value in QUICK_START.items():
        os.environ.setdefault(name, value)
    with _without_api_server(ray):
        ray.init(address="local", **options)


def stop(ray: Any) -> None:
    """Disconnect and stop every process of the instance `start` started; return once they
    have exited (the raylet stops its agents and workers without waiting for them)."""
    processes = _processes(ray)
    raylets = {info.process.pid for info in processes.get(_RAYLET, ())}
    its_children = _children(raylets)
    for info in processes.get(_MONITOR, ()):
        with contextlib.suppress(Exception):  # already gone
            info.process.kill()
    ray.shutdown()  # the raylet first, which stops its agents and workers
    _wait_until_gone(its_children, STOP_WAIT)


@contextlib.contextmanager
def _without_api_server(ray: Any) -> Iterator[None]:
    node_class = getattr(getattr(getattr(ray, "_private", None), "node", None), "Node", None)
    original = getattr(node_class, "start_api_server", None)
    if node_class is None or original is None:
        yield
        return
    node_class.start_api_server = _no_api_server
    try:
        yield
    finally:
        node_class.start_api_server = original


def _no_api_server(self: Any, **_: Any) -> None:
    """Node.start_api_server, for an instance nobody queries over HTTP."""


def _processes(ray: Any) -> dict[str, list[Any]]:
    node = getattr(getattr(getattr(ray, "_private", None), "worker", None), "_global_node", None)
    processes = getattr(node, "all_processes", None)
    return dict(processes) if isinstance(processes, dict) else {}


def _children(parents: set[int]) -> set[int]:
    """The processes whose parent is one of `parents` (Linux's /proc; none elsewhere)."""
    found = set()
    for entry in _proc_entries():
        stat = _stat(entry)
        if stat is not None and stat[1] in parents:
            found.add(int(entry))
    return found


def _wait_until_gone(pids: set[int], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    stat = _stat(str(pid))
    return stat is not None and stat[0] != "Z"  # a zombie has exited


def _proc_entries() -> list[str]:
    try:
        return [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def _stat(pid: str) -> tuple[str, int] | None:
    """A process's state letter and parent, from /proc/PID/stat (None: no such process)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[1])
    except (OSError, IndexError, ValueError):
        return None
