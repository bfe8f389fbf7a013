"""The local Ray instance of one `--cluster ray` check (verikit/cluster/local.py) starts
without Ray's one-second connect retries and without an API server, a user's own Ray
settings win, and Ray's own `ray.init` is left as it was."""

from __future__ import annotations

import os
from types import ModuleType, SimpleNamespace

import pytest

from verikit.cluster import local

from .conftest import needs_cluster


class RecordingRay:
    """Ray's `init` only: records the environment the local instance would start with."""

    def __init__(self) -> None:
        self.environment: dict[str, str] = {}

    def init(self, **_: object) -> None:
        self.environment = dict(os.environ)


def without_quick_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the settings in this process's environment (restored after the test)."""
    for name in local.QUICK_START:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_a_local_instance_starts_without_ray_s_one_second_connect_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_quick_start(monkeypatch)
    ray = RecordingRay()
    local.start(ray)
    assert ray.environment["RAY_raylet_client_connect_timeout_milliseconds"] == "50"
    assert ray.environment["RAY_raylet_client_num_connect_attempts"] == "200"  # still 10 s


def test_a_user_s_own_ray_settings_win(monkeypatch: pytest.MonkeyPatch) -> None:
    without_quick_start(monkeypatch)
    monkeypatch.setenv("RAY_raylet_client_connect_timeout_milliseconds", "2000")
    ray = RecordingRay()
    local.start(ray)
    assert ray.environment["RAY_raylet_client_connect_timeout_milliseconds"] == "2000"


def test_a_local_instance_runs_no_api_server_and_leaves_ray_s_own_start_as_it_was() -> None:
    class Node:
        def start_api_server(self, **_: object) -> str:
            return "started"

    started: list[object] = []

    class FakeRay(RecordingRay):
        _private = SimpleNamespace(node=SimpleNamespace(Node=Node))

        def init(self, **_: object) -> None:
            started.append(Node().start_api_server(include_dashboard=False))

    local.start(FakeRay())
    assert started == [None]  # no API server for this instance
    assert Node().start_api_server() == "started"  # the next ray.init starts one as usual


@needs_cluster
def test_the_session_instance_runs_no_api_server(ray_session: ModuleType) -> None:
    processes = ray_session._private.worker._global_node.all_processes
    assert "raylet" in processes and "dashboard" not in processes
