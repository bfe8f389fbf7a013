"""Checking the log of a real run against the spec: a log the example implementation wrote
conforms; hand-edited ones fail, naming the line and what differs."""

import json
import re

import pytest
from counter import Cluster  # examples/crdt_counter

from verikit.api import UsageError, load
from verikit.testing.log import conform, read_log

CRDT = "specs/crdt_counter.dsl"


def run_and_log(path):
    """Drive the example counter like a service would, logging each step and the counts."""
    cluster = Cluster(2)
    lines = [{"state": observed(cluster)}]

    def step(action, params, do):
        do()
        lines.append({"action": action, "params": params, "state": observed(cluster)})

    step("increment", {"node": 0}, lambda: cluster.replicas[0].increment())
    step("gossip", {"node": 0, "to": 1}, lambda: cluster.gossip(0, 1))
    step("on_Gossip", {"node": 1}, lambda: cluster.deliver(cluster.in_flight[0]))
    step("decrement", {"node": 1}, lambda: cluster.replicas[1].decrement())
    step("gossip", {"node": 1, "to": 0}, lambda: cluster.gossip(1, 0))
    step("Replica.on Gossip", {"self": 0}, lambda: cluster.deliver(cluster.in_flight[0]))
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return lines


def observed(cluster):
    return {
        "Replica.p": {r.rid: list(r.p) for r in cluster.replicas},
        "Replica.n": {r.rid: list(r.n) for r in cluster.replicas},
    }


def verdict(path, hidden=0, max_states=100_000):
    compiled = load(CRDT).compiled
    return conform(compiled, read_log(path, compiled.model), str(path), hidden, max_states)


def edited(tmp_path, lines, name="edited.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_a_log_of_the_example_implementation_conforms(tmp_path):
    run_and_log(tmp_path / "run.jsonl")
    outcome = verdict(tmp_path / "run.jsonl")
    assert outcome.status == "conforms", outcome.message
    assert "7 lines matched" in outcome.message


def test_a_dropped_event_is_named(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    outcome = verdict(edited(tmp_path, lines[:2] + lines[3:]))  # the first gossip is gone
    assert (outcome.status, outcome.line) == ("violated", 3)
    assert "edited.jsonl:3: Replica.on Gossip(node=1) fits no behaviour of CrdtCounter" in (
        outcome.message
    )
    assert "enabled in none of the 1 spec states" in outcome.message


def test_a_dropped_event_conforms_when_hidden_steps_are_allowed(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    assert verdict(edited(tmp_path, lines[:2] + lines[3:]), hidden=1).status == "conforms"


def test_reordered_events_are_named(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    outcome = verdict(edited(tmp_path, [lines[0], lines[1], lines[3], lines[2], *lines[4:]]))
    assert (outcome.status, outcome.line) == ("violated", 3)


def test_a_wrong_value_is_named_with_the_variables_that_differ(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    lines[4]["state"]["Replica.n"][1] = [0, 2]
    outcome = verdict(edited(tmp_path, lines))
    assert (outcome.status, outcome.line) == ("violated", 5)
    assert "edited.jsonl:5: Replica.decrement(node=1) fits no behaviour" in outcome.message
    assert "  Replica[2].n: {Replica[1]: 0, Replica[2]: 1} → {Replica[1]: 0, Replica[2]: 2}" in (
        outcome.message
    )


def test_an_unknown_action_is_bad_input_at_its_line_and_column(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    lines[2]["action"] = "gosip"
    with pytest.raises(UsageError) as error:
        verdict(edited(tmp_path, lines))
    where = f"{tmp_path / 'edited.jsonl'}:3:2"
    assert str(error.value).startswith(f'{where}: unknown action "gosip": spec CrdtCounter has')


def test_a_truncated_file_is_bad_input_at_its_line_and_column(tmp_path):
    run_and_log(tmp_path / "run.jsonl")
    text = (tmp_path / "run.jsonl").read_text()
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[: text.index("\n", text.index("gossip")) - 5])
    with pytest.raises(UsageError, match=r"cut.jsonl:3:\d+: not a JSON object"):
        verdict(cut)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"action": "increment", "params": {"who": 0}}, "Replica.increment has no parameter who"),
        ({"state": {"count": 1}}, "spec CrdtCounter has no variable count"),
        (
            {"state": {"Replica.p": {"0": ["x", 0], "1": [0, 0]}}},
            "Replica.p[0][0]: expected an int",
        ),
        ({"params": {"node": 0}}, 'expected "action" and/or "state"'),
        ({"action": "increment", "time": 3}, 'unknown key "time"'),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_a_line_that_does_not_fit_the_spec_is_bad_input(tmp_path, line, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        verdict(edited(tmp_path, [line]))


def test_the_search_stops_at_its_limit(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    assert verdict(edited(tmp_path, lines), hidden=3, max_states=20).status == "incomplete"


def test_an_itf_trace_is_read_as_one_observation_per_state(tmp_path):
    compiled = load(CRDT).compiled
    from verikit.engine.result import Discovery
    from verikit.trace import itf
    from verikit.trace.replay import replay

    state, path = compiled.init_states()[0], [0]
    for _ in range(4):
        path.append(len(compiled.labelled_successors(state)) - 1)
        state = compiled.labelled_successors(state)[path[-1]].state
    trace = replay(compiled, Discovery("x", "reachable", tuple(path)))
    document = itf.to_itf(trace, compiled.model)
    (tmp_path / "t.itf.json").write_text(json.dumps(document))
    assert verdict(tmp_path / "t.itf.json").status == "conforms"
    document["states"][3]["Replica.p"] = document["states"][0]["Replica.p"]
    document["states"][2], document["states"][3] = document["states"][3], document["states"][2]
    (tmp_path / "t.itf.json").write_text(json.dumps(document))
    outcome = verdict(tmp_path / "t.itf.json")
    assert outcome.status == "violated" and "t.itf.json, state" in outcome.message


def test_a_log_that_begins_late_conforms_with_hidden_steps_before_its_first_line(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    late = [{"state": lines[1]["state"]}, *lines[2:]]  # the increment before it is unlogged
    outcome = verdict(edited(tmp_path, late, "late.jsonl"))
    assert (outcome.status, outcome.line) == ("violated", 1)
    assert "late.jsonl:1: the initial state fits no behaviour" in outcome.message
    late = edited(tmp_path, late, "late.jsonl")
    assert verdict(late, hidden=1).status == "conforms"


def test_the_closest_spec_states_are_shown_fewest_differing_variables_first(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    lines[4]["state"]["Replica.n"][1] = [0, 2]
    outcome = verdict(edited(tmp_path, lines), hidden=1)
    assert outcome.status == "violated"
    message = outcome.message
    assert "the closest 3 of 21 spec states, fewest differences first" in message
    ranks = re.findall(r"^  \d\. (\d+) variables? differ", message, re.MULTILINE)
    assert ranks == ["1", "2", "2"]
    first = "       Replica[2].n: {Replica[1]: 0, Replica[2]: 1} → {Replica[1]: 0, Replica[2]: 2}"
    assert first in message.splitlines()[2]


def test_an_action_enabled_nowhere_is_shown_with_the_steps_that_were(tmp_path):
    lines = run_and_log(tmp_path / "run.jsonl")
    outcome = verdict(edited(tmp_path, lines[:2] + lines[3:]))  # the first gossip is gone
    assert "  expected one of: Replica.increment(node=1)," in outcome.message
    assert "Replica.gossip(node=0, to=1)" in outcome.message


def test_a_runtime_fault_of_the_spec_is_the_spec_s_error_with_its_span(tmp_path):
    spec = tmp_path / "faulty.dsl"
    spec.write_text("spec Faulty\n\nvar x: 0..1 = 0\n\naction inc { x = x + 1 }\n")
    compiled = load(spec).compiled
    log = edited(tmp_path, [{"action": "inc"}, {"action": "inc", "state": {"x": 0}}])
    outcome = conform(compiled, read_log(log, compiled.model), str(log))
    assert (outcome.status, outcome.line) == ("fault", 2)
    assert outcome.fault is not None and outcome.fault.span.line == 5
    assert f"{spec}:5:14: error: runtime fault: value 2 out of range 0..1" in outcome.message
