"""A trace saved as ITF JSON, made a Trace again (for `verikit render trace.json -o cex.svg`).

The file's states are replayed against the spec rather than trusted: the actions, messages
and changes a diagram shows are recomputed, so a stale or edited trace is refused instead
of drawn wrong. The property and kind come from the file's `#meta`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast, get_args

from verikit.compile.compiled import CompiledModel
from verikit.core.model import LIVENESS_KINDS
from verikit.engine.result import Discovery, DiscoveryKind
from verikit.trace.itf import ItfError, from_itf, loop_of
from verikit.trace.replay import ReplayError, replay, replay_states
from verikit.trace.trace import Trace


def trace_from_itf(document: dict[str, Any], compiled: CompiledModel) -> Trace:
    """The Trace of an ITF document; ItfError when it does not fit the spec or is not a run
    (for a lasso: when its loop does not close, or it stutters where an action is enabled)."""
    states = from_itf(document, compiled.model)
    loop = loop_of(document)
    run = replay_states(compiled, states, loop)
    if not run.ok:
        raise ItfError(f"not a run of {compiled.model.name}: {run.reason}")
    prop, kind = recorded(document)
    trace = _replayed(compiled, run.path, prop, kind, loop)
    return replace(
        trace, property=prop or "(saved trace)", kind=kind or "reachable", loop_start=loop
    )


def recorded(document: dict[str, Any]) -> tuple[str, str]:
    """The property and kind of discovery the file's `#meta` records ("" when none)."""
    meta = document.get("#meta", {})
    about = meta.get("verikit", {}) if isinstance(meta, dict) else {}
    if not isinstance(about, dict):
        return "", ""
    return str(about.get("property", "")), str(about.get("kind", ""))


def missing_discovery(
    compiled: CompiledModel, path: tuple[int, ...], prop: str, kind: str, loop: int | None
) -> str | None:
    """Why the replayed `path` does not show the discovery its file records: the invariant
    holds at its end, the lasso's loop is unfair or reaches the goal, …; None when it does
    show it, or when the file records no discovery to check."""
    if not prop and not kind:
        return None  # a trace that records no discovery (written by hand, another tool)
    if kind not in get_args(DiscoveryKind):
        return f"it records an unknown kind of discovery `{kind}`"
    discovery = _recorded_discovery(path, prop, kind, loop)
    if discovery is None:
        shape = "a lasso (it has a `loop`)" if loop is not None else "not a lasso (no `loop`)"
        return f"it records {kind} {prop}, but the trace is {shape}"
    named = {p.name for p in compiled.model.properties}
    if kind not in ("deadlock", "fault") and prop not in named:
        return f"the spec has no property `{prop}` any more"
    try:
        replay(compiled, discovery)
    except ReplayError as error:
        return str(error)
    return None


def _recorded_discovery(
    path: tuple[int, ...], prop: str, kind: str, loop: int | None
) -> Discovery | None:
    if kind not in get_args(DiscoveryKind) or (loop is not None) != (kind in LIVENESS_KINDS):
        return None
    return Discovery(prop, cast(DiscoveryKind, kind), path, loop_start=loop)


def _replayed(
    compiled: CompiledModel, path: tuple[int, ...], prop: str, kind: str, loop: int | None
) -> Trace:
    """Replay as the discovery the file names, so the trace carries its evidence; a file
    whose states do not show that discovery (other constants?) is still drawn."""
    discovery = _recorded_discovery(path, prop, kind, loop)
    if discovery is not None:
        try:
            return replay(compiled, discovery)
        except ReplayError:
            pass
    return replay(compiled, Discovery("(saved trace)", "reachable", path))
