"""Reaching Ray: `--cluster ray` starts a local instance, `--cluster ray://HOST:PORT` joins one.

Ray is an optional extra, imported here only, and only when `--cluster` is given. Everything
that can go wrong before the search starts (no Ray, a bad address, an address where nothing
answers, a cluster of another Ray version, too few CPUs) is a ClusterUnavailable: exit 2 with
a message that names the address or the versions.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from verikit.cluster import local

INSTALL = "pip install 'verikit[cluster]'"
CONNECT_TIMEOUT = 10.0  # seconds to wait for a cluster address to answer
DEFAULT_PORT = 6379  # `ray start --head`'s


class ClusterUnavailable(Exception):
    """The cluster cannot be used (the message says why and what to do): exit 2."""


@dataclass(frozen=True)
class Address:
    """Where the cluster is: None for a local instance started for this run."""

    host: str | None = None
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        return "a local Ray instance" if self.host is None else f"ray://{self.host}:{self.port}"


_FORM = re.compile(r"ray(?:://(?P<host>\[[^\]]+\]|[^:/\s]+)(?::(?P<port>\d{1,5}))?)?")


def parse_address(text: str) -> Address:
    """`ray` or `ray://HOST[:PORT]` (PORT: the head's GCS port, 6379 by default)."""
    match = _FORM.fullmatch(text.strip())
    if match is None:
        raise ClusterUnavailable(
            f"--cluster must be `ray` (a local Ray instance) or `ray://HOST:PORT` (the head "
            f"of a running Ray cluster), got `{text}`"
        )
    if match.group("host") is None:
        return Address()
    port = int(match.group("port") or DEFAULT_PORT)
    if not 0 < port < 65536:
        raise ClusterUnavailable(f"--cluster {text}: {port} is not a port number")
    return Address(match.group("host").strip("[]"), port)


def import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise ClusterUnavailable(
            f"--cluster needs Ray, which is not installed here; install it with: {INSTALL}"
        ) from None
    return ray


@contextlib.contextmanager
def connected(address: Address, workers: int | None) -> Iterator[tuple[ModuleType, int, bool]]:
    """Ray, initialised for this run (and shut down after it, unless it already was); the
    number of workers to start (`workers`, else one per CPU of the cluster); and whether Ray
    was running already (its worker processes may then serve the next check too)."""
    ray = import_ray()
    if address.host is not None:
        _reachable(address)
    if ray.is_initialized():  # an embedding program (or a test session) runs Ray already
        yield ray, _workers(ray, workers, "this process's Ray instance"), True
        return
    try:
        _init(ray, address, workers or 1)
    except ClusterUnavailable:
        raise
    except (Exception, SystemExit) as exc:  # Ray exits the process when GCS never answers
        with contextlib.suppress(Exception):
            ray.shutdown()
        raise ClusterUnavailable(_why(address, exc)) from None
    try:
        yield ray, _workers(ray, workers, str(address)), False
    finally:
        if address.host is None:
            local.stop(ray)
        else:
            ray.shutdown()


def _init(ray: Any, address: Address, workers: int) -> None:
    quiet: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                             "logging_level": logging.ERROR}  # fmt: skip
    if address.host is None:
        local.start(ray, num_cpus=workers, **quiet)  # never a `ray start` instance
        return
    # a bounded wait for the cluster's control service (Ray's default is minutes)
    os.environ.setdefault("RAY_gcs_rpc_server_reconnect_timeout_s", str(int(CONNECT_TIMEOUT)))
    os.environ.setdefault("RAY_gcs_server_request_timeout_seconds", str(int(CONNECT_TIMEOUT)))
    ray.init(address=f"{address.host}:{address.port}", **quiet)


def _reachable(address: Address) -> None:
    """Something answers at the address within CONNECT_TIMEOUT seconds."""
    assert address.host is not None
    try:
        with socket.create_connection((address.host, address.port), timeout=CONNECT_TIMEOUT):
            return
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
        raise ClusterUnavailable(
            f"cannot reach the Ray cluster at {address} ({reason}, waited at most "
            f"{CONNECT_TIMEOUT:.0f} s); start one with `ray start --head --port={address.port}` "
            "on its head machine, or use `--cluster ray` for a local one"
        ) from None


def _why(address: Address, exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "version" in text.lower() and "mismatch" in text.lower():
        return f"Ray version mismatch with the cluster at {address}: {text}"
    if isinstance(exc, SystemExit):
        text = "its control service did not answer"
    return f"cannot join the Ray cluster at {address}: {text}"


def _workers(ray: Any, workers: int | None, where: str) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if workers is None:
        return max(cpus, 1)
    if cpus < workers:
        raise ClusterUnavailable(
            f"{where} has {cpus} CPUs; --workers {workers} needs one CPU per worker"
        )
    return workers


def version_mismatch(driver: dict[str, str], workers: list[tuple[str, dict[str, str]]]) -> str | None:
    """A message naming the first worker whose versions differ from the driver's, else None.
    `driver` and each worker's map names ("Ray", "Python", "verikit") to versions."""
    for name, versions in workers:
        differ = [f"{what} {versions[what]} (this process: {driver[what]})"
                  for what in driver if versions.get(what) != driver[what]]  # fmt: skip
        if differ:
            return f"version mismatch on {name}: " + ", ".join(differ)
    return None
