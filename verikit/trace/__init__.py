"""Counterexamples and witnesses for people and tools: `replay(compiled, discovery) -> Trace`,
rendered as text (`render_text`) or the Informal Trace Format (`to_itf` / `from_itf`)."""

from verikit.trace.itf import from_itf, to_itf
from verikit.trace.replay import ReplayError, ReplayResult, replay, replay_states
from verikit.trace.text import render_text
from verikit.trace.trace import Change, Envelope, Step, Trace

__all__ = [
    "Change",
    "Envelope",
    "ReplayError",
    "ReplayResult",
    "Step",
    "Trace",
    "from_itf",
    "render_text",
    "replay",
    "replay_states",
    "to_itf",
]
