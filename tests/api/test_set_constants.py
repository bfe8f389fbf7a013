"""Set and tuple constants outside the spec: `--const` reads them as a spec writes them,
reports show them so, and a saved trace records them for its replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verikit import api

SPEC = """spec Q
const Quorums = {{1, 2}, {2, 3}}
var votes: set<1..3> = {}
action vote(i in 1..3) when i not in votes { votes = votes + {i} }
invariant NoQuorum: not exists q in Quorums: q subset votes
"""


def test_const_overrides_read_sets_and_tuples() -> None:
    got = api.parse_const_overrides(["Q={{1, 2}, {3}}", "E={(1, true)}", "P=(2, 3)"])
    assert got == {
        "Q": frozenset({frozenset({1, 2}), frozenset({3})}),
        "E": frozenset({(1, True)}),
        "P": (2, 3),
    }


def test_a_malformed_set_constant_is_a_usage_error() -> None:
    with pytest.raises(api.UsageError, match=r"--const Q=\{1, true\}: the elements of a constant set differ"):
        api.parse_const_overrides(["Q={1, true}"])


def test_a_saved_trace_replays_with_the_set_constant_it_was_made_with(tmp_path: Path) -> None:
    spec = tmp_path / "q.dsl"
    spec.write_text(SPEC)
    trace = tmp_path / "t.json"
    quorums = frozenset({frozenset({1, 3})})
    report = api.check_file(spec, consts={"Quorums": quorums})
    document = api.first_trace_itf(report)
    assert report.verdict == "violated" and document is not None
    assert document["#meta"]["verikit"]["consts"] == {"Quorums": "{{1, 3}}"}
    assert len(document["states"]) == 3  # votes 1 then 3: the only quorum
    trace.write_text(json.dumps(document))
    assert api.replay_file(spec, trace).ok  # loads the spec with Quorums = {{1, 3}} again
    assert not api.replay_file(spec, trace, {"Quorums": frozenset({frozenset({2})})}).ok
    document["#meta"]["verikit"]["consts"]["Quorums"] = "{{1, true}}"
    trace.write_text(json.dumps(document))
    with pytest.raises(api.UsageError, match=r"t.json: constant Quorums = \{\{1, true\}\} in its #meta: the elements of a constant set differ"):
        api.replay_file(spec, trace)
