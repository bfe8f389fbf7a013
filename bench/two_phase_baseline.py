"""Lamport's TwoPhase.tla as a hand-written breadth-first search: the baseline for verikit.

The yardstick of DESIGN.md: "states per second against a plain hand-written Python BFS of the
same model". To be an honest yardstick it is as fast as plain Python gets, so a whole state is
one int (a bitmask) rather than a tuple of fields:

    bits 2r, 2r+1          rmState[r]     0 working, 1 prepared, 2 committed, 3 aborted
    bits 2N, 2N+1          tmState        0 init, 1 committed, 2 aborted
    bit  2N+2+r            r in tmPrepared
    bit  3N+2+r            [type |-> "Prepared", rm |-> r] in msgs
    bit  4N+2 / 4N+3       [type |-> "Commit"] / [type |-> "Abort"] in msgs

The search expands one BFS level at a time: successors are collected in a list and the new
level is `set(successors) - seen`, so deduplication runs in C. It checks TCConsistent on every
new state (TPTypeOK holds by construction of the encoding) and keeps no parent pointers, so it
cannot print a trace: it is a lower bound on the time and memory of a real checker.

It reaches TLC's counts: 288 (3 RMs), 1568 (4), 8832 (5), 50816 (6), 296448 (7).

    python bench/two_phase_baseline.py 7
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

RM_STATES = ("working", "prepared", "committed", "aborted")
TM_STATES = ("init", "committed", "aborted")


@dataclass(frozen=True)
class Layout:
    """Bit positions of the state fields for `rms` resource managers."""

    rms: int

    @property
    def tm(self) -> int:
        return 2 * self.rms

    @property
    def tm_prepared(self) -> int:
        return 2 * self.rms + 2

    @property
    def prepared_msgs(self) -> int:
        return 3 * self.rms + 2

    @property
    def commit_msg(self) -> int:
        return 1 << (4 * self.rms + 2)

    @property
    def abort_msg(self) -> int:
        return 1 << (4 * self.rms + 3)


@dataclass(frozen=True)
class Result:
    rms: int
    distinct_states: int
    depth: int  # BFS levels below the initial state
    seconds: float
    violation: int | None  # an encoded state violating TCConsistent, if any

    @property
    def states_per_second(self) -> float:
        return self.distinct_states / self.seconds if self.seconds > 0 else float("inf")


def explore(rms: int) -> Result:
    """Every state reachable from TPInit, breadth first; stops at a TCConsistent violation."""
    lay = Layout(rms)
    started = time.perf_counter()
    seen, depth, violation = _search(lay)
    return Result(rms, len(seen), depth, time.perf_counter() - started, violation)


def reachable(rms: int) -> set[int]:
    """The encoded reachable states (for tests: `decode` each and compare)."""
    return _search(Layout(rms))[0]


def _search(lay: Layout) -> tuple[set[int], int, int | None]:
    tm, commit, abort = lay.tm, lay.commit_msg, lay.abort_msg
    all_prepared = ((1 << lay.rms) - 1) << lay.tm_prepared
    tm_commit = (1 << tm) | commit  # TMCommit: tmState' = "committed", msgs' = msgs ∪ {Commit}
    tm_abort = (2 << tm) | abort
    # per RM: (working->prepared, field mask, committed value, tmPrepared bit, Prepared msg bit)
    per_rm = [
        (1 << 2 * r, 3 << 2 * r, 2 << 2 * r, 1 << lay.tm_prepared + r, 1 << lay.prepared_msgs + r)
        for r in range(lay.rms)
    ]
    low_bits = sum(1 << 2 * r for r in range(lay.rms))
    seen = {0}  # TPInit is all zeros
    level = {0}
    depth = 0
    while level:
        successors: list[int] = []
        add = successors.append
        for s in level:
            if not (s >> tm) & 3:  # tmState = "init"
                for _, _, _, tp_bit, msg_bit in per_rm:
                    if s & msg_bit and not s & tp_bit:  # TMRcvPrepared(r)
                        add(s | tp_bit)
                if s & all_prepared == all_prepared:  # TMCommit
                    add(s | tm_commit)
                add(s | tm_abort)  # TMAbort
            has_commit, has_abort = s & commit, s & abort
            for prepared, field, committed, _, msg_bit in per_rm:
                state = s & field
                if not state:  # rmState[r] = "working"
                    add(s | prepared | msg_bit)  # RMPrepare(r)
                    add(s | field)  # RMChooseToAbort(r)
                # the receive actions stay enabled after they took effect; skip those self-loops
                if has_commit and state != committed:  # RMRcvCommitMsg(r)
                    add(s & ~field | committed)
                if has_abort and state != field:  # RMRcvAbortMsg(r)
                    add(s | field)
        level = set(successors)
        level -= seen
        seen |= level
        depth += 1 if level else 0
        for s in level:  # TCConsistent: no RM committed while another aborted
            high, low = s >> 1 & low_bits, s & low_bits
            if high & ~low and high & low:
                return seen, depth, s
    return seen, depth, None


def decode(rms: int, s: int) -> dict[str, Any]:
    """An encoded state in TLA+ terms, for tests and for reading a violation."""
    lay = Layout(rms)
    msgs: set[tuple[str, int | None]] = {
        ("Prepared", r) for r in range(rms) if s >> lay.prepared_msgs + r & 1
    }
    msgs |= {("Commit", None)} if s & lay.commit_msg else set()
    msgs |= {("Abort", None)} if s & lay.abort_msg else set()
    return {
        "rmState": tuple(RM_STATES[s >> 2 * r & 3] for r in range(rms)),
        "tmState": TM_STATES[s >> lay.tm & 3],
        "tmPrepared": frozenset(r for r in range(rms) if s >> lay.tm_prepared + r & 1),
        "msgs": frozenset(msgs),
    }


def main(argv: list[str]) -> None:
    for rms in [int(a) for a in argv] or [3, 4, 5, 6, 7]:
        r = explore(rms)
        verdict = (
            "ok" if r.violation is None else f"TCConsistent violated: {decode(rms, r.violation)}"
        )
        print(
            f"RMs={rms}: {r.distinct_states} distinct states, depth {r.depth}, "
            f"{r.seconds:.3f} s, {r.states_per_second:,.0f} states/s, {verdict}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
