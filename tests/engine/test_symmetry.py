"""Symmetry reduction: one state per class of states equal up to renaming the nodes of a
`symmetric` group, with verdicts, counterexample lengths and traces unchanged.

Every reduced count is compared with a brute force: explore the unreduced state space, rename
each state by every permutation with a renaming written by hand for that spec's state layout,
and count the distinct classes.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine.fakes import fake, from_reference
from tests.semantics.helpers import model_of
from verikit import api
from verikit.compile.compiled import CompiledModel, State
from verikit.core.model import Model, Var
from verikit.core.types import BOOL, IntType, MapType, NodeGroup, NodeType, SetType
from verikit.engine import CheckOptions, CheckResult, Verdict, check
from verikit.engine.symmetry import canonical_key, order_key, permutations, permuter
from verikit.errors import SourceFile
from verikit.trace import replay

Renaming = dict[int, int]
Rename = Callable[[Model, State, Renaming], State]

OFF = CheckOptions(symmetry=False)

TOKENS = """spec Tokens
symmetric node P[3] {
  var s: enum { Idle, Trying, Done } = Idle
  var n: 0..2 = 0
  action try when s == Idle { s = Trying }
  action finish when s == Trying { s = Done; n = if n < 2 then n + 1 else n }
  action reset when s == Done { s = Idle }
}
invariant Bounded: forall p in P: p.n <= 2
reachable SomeoneTwice: exists p in P: p.n == 2
"""

GOSSIP = """spec Gossip
message Hello { who: P }
network { NETWORK  loss: true  max_in_flight: 3 }
symmetric node P[3] {
  var heard: set<P> = {}
  var said: bool = false
  action hello when not said {
    said = true
    broadcast Hello { who: self } to P
  }
  on Hello(m) { heard = heard + {m.who} }
}
invariant NobodyHearsThemself: forall p in P: p not in p.heard
terminal when true
"""

TWO_PHASE = """spec SymmetricTwoPhase
const Buggy = false
type Decision = enum { Commit, Abort }
message Prepare {}
message Vote { yes: bool }
message Outcome { decision: Decision }
network { loss: true  reorder: true  max_in_flight: 3 }

node Coordinator {
  var phase: enum { Init, Waiting, Done } = Init
  var yes: set<Participant> = {}
  action begin when phase == Init {
    phase = Waiting
    broadcast Prepare {} to Participant
  }
  on Vote(m) from p when phase == Waiting {
    if not m.yes { decide(Abort) }
    else {
      yes = yes + {p}
      if yes == all Participant { decide(Commit) }
    }
  }
  action give_up when phase == Waiting { decide(Abort) }
  fn decide(d: Decision) {
    phase = Done
    broadcast Outcome { decision: d } to Participant
  }
}

symmetric node Participant[3] {
  var state: enum { Working, Prepared, Committed, Aborted } = Working
  on Prepare from c when state == Working {
    choose vote in bool {
      state = if vote then Prepared else Aborted
      send Vote { yes: vote } to c
    }
  }
  on Outcome(m) { state = if m.decision == Commit then Committed else Aborted }
  action timeout when Buggy and state == Prepared { state = Committed }
}

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted
reachable AllCommit: forall p in Participant: p.state == Committed
terminal when Coordinator.phase == Done
"""


# ---------------------------------------------------------------- brute force


def reachable_states(compiled: CompiledModel) -> set[State]:
    """Every reachable state, by a plain search without any reduction."""
    seen = set(compiled.init_states())
    frontier = list(seen)
    while frontier:
        successors = {t for s in frontier for t in compiled.next_states(s)}
        frontier = list(successors - seen)
        seen |= successors
    return seen


def renamings(group: NodeGroup) -> Iterator[Renaming]:
    for images in itertools.permutations(group.ids):
        yield dict(zip(group.ids, images, strict=True))


def class_count(compiled: CompiledModel, rename: Rename) -> int:
    """Distinct classes of reachable states, a class being every renaming of a state."""
    model = compiled.model
    (group,) = [g for g in model.nodes if g.name in model.symmetric]
    pis = list(renamings(group))
    states = reachable_states(compiled)
    return len({frozenset(rename(model, s, pi) for pi in pis) for s in states})


def node_map(slots: tuple[Any, ...], first: int, pi: Renaming, value: Callable[[Any], Any]) -> Any:
    """A map keyed by node ids: the entry of node i moves to node pi[i]."""
    out = list(slots)
    for i, v in enumerate(slots):
        out[pi[first + i] - first] = value(v)
    return tuple(out)


def rename_tokens(model: Model, s: State, pi: Renaming) -> State:
    state, n, network = s
    first = model.nodes[0].first
    assert all(queue == () for queue in network)  # no messages: nothing to rename
    return node_map(state, first, pi, lambda v: v), node_map(n, first, pi, lambda v: v), network


def rename_gossip(model: Model, s: State, pi: Renaming) -> State:
    ids = list(model.nodes[0].ids)
    first = ids[0]

    def hello(m: Any) -> Any:
        return ("Hello", pi[m[1]])

    def rename(var: Var, value: Any) -> Any:
        match var.name:
            case "P.heard":
                return node_map(value, first, pi, lambda v: frozenset(pi[x] for x in v))
            case "P.said" | "up":
                return node_map(value, first, pi, lambda v: v)
            case "network" if isinstance(value, frozenset):  # a bag of envelopes
                return frozenset(((pi[a], pi[b], hello(m)), k) for (a, b, m), k in value)
            case "network":  # one FIFO queue per channel (src, dst)
                queues = dict(zip(itertools.product(ids, ids), value, strict=True))
                moved = {(pi[a], pi[b]): tuple(map(hello, q)) for (a, b), q in queues.items()}
                return tuple(moved[channel] for channel in itertools.product(ids, ids))
            case "partition":  # the side holding the lowest id (node 0) names the split
                side = frozenset(pi[x] for x in value)
                return frozenset(ids) - side if side and first not in side else side
        return value  # the crash and partition counters

    return tuple(rename(var, value) for var, value in zip(model.vars, s, strict=True))


def rename_two_phase(model: Model, s: State, pi: Renaming) -> State:
    phase, yes, state, network = s
    pi = {0: 0, **pi}  # the coordinator is node 0 and stays where it is
    participants = model.nodes[1]
    return (
        phase,
        tuple(frozenset(pi[p] for p in v) for v in yes),
        node_map(state, participants.first, pi, lambda v: v),
        frozenset(((pi[src], pi[dst], m), k) for (src, dst, m), k in network),
    )


def compiled_from(text: str, consts: dict[str, int | bool] | None = None) -> CompiledModel:
    return api.load_source(SourceFile("spec.dsl", text), consts).compiled


def lengths(result: CheckResult) -> list[tuple[str, int]]:
    return [(d.property, len(d.path)) for d in (*result.violations, *result.witnesses)]


# ---------------------------------------------------------------- counting


def test_three_identical_nodes_are_explored_once_per_class() -> None:
    compiled = from_reference(model_of(TOKENS))
    full, reduced = check(compiled, OFF), check(compiled)
    # a node takes 8 local states; 3 nodes: 8**3 states, but C(8 + 2, 3) multisets of them
    assert full.stats.distinct_states == 8**3 == len(reachable_states(compiled))
    assert reduced.stats.distinct_states == 120 == class_count(compiled, rename_tokens)
    assert reduced.verdict is full.verdict is Verdict.HOLDS
    assert reduced.stats.depth == full.stats.depth


@pytest.mark.parametrize(
    "network", ["reorder: false  crash: true", "reorder: true  crash: true", "partition: true"]
)
def test_messages_channels_and_fault_slots_are_renamed_with_their_nodes(network: str) -> None:
    compiled = compiled_from(GOSSIP.replace("NETWORK", network))
    full, reduced = check(compiled, OFF), check(compiled)
    assert full.stats.distinct_states == len(reachable_states(compiled))
    assert reduced.stats.distinct_states == class_count(compiled, rename_gossip)
    assert reduced.stats.distinct_states < full.stats.distinct_states / 5
    assert reduced.verdict is full.verdict is Verdict.HOLDS


def test_a_partition_side_is_renamed_to_the_side_holding_the_lowest_id() -> None:
    group = NodeGroup("P", 0, 3)
    node = NodeType((group,))
    side = Var("partition", SetType(node), role="partition")
    model = Model("M", (), (side, Var("up", MapType(node, BOOL))), (), (), (), (group,))
    swap_0_2 = permuter(model, {0: 2, 2: 0})
    # {0, 1} | {2} becomes {2, 1} | {0}, written with the side that holds node 0
    assert swap_0_2((frozenset({0, 1}), (True, True, False))) == (
        frozenset({0}),
        (False, True, True),
    )
    assert swap_0_2((frozenset(), (True, True, True)))[0] == frozenset()  # no partition


# ---------------------------------------------------------------- verdicts and traces


def test_a_violation_is_found_with_a_counterexample_as_short() -> None:
    text = TOKENS.replace("p.n <= 2", "p.n <= 1")
    compiled = from_reference(model_of(text))
    full, reduced = check(compiled, OFF), check(compiled)
    assert reduced.verdict is full.verdict is Verdict.VIOLATED
    assert lengths(reduced) == lengths(full) == [("Bounded", 6)]


def test_a_reduced_counterexample_replays_as_a_real_run() -> None:
    text = GOSSIP.replace("NETWORK", "crash: true").replace("p not in p.heard", "len(p.heard) < 2")
    compiled = compiled_from(text)
    full, reduced = check(compiled, OFF), check(compiled)
    assert lengths(reduced) == lengths(full)
    (violation,) = reduced.violations
    trace = replay(compiled, violation)
    real = reachable_states(compiled)
    assert all(step.state in real for step in trace.steps)
    assert any(len(heard) == 2 for heard in trace.steps[-1].state[0])


def test_symmetric_two_phase_commit_through_the_whole_pipeline(tmp_path: Path) -> None:
    spec = tmp_path / "two_phase.dsl"
    spec.write_text(TWO_PHASE, encoding="utf-8")
    report, unreduced = api.check_file(spec), api.check_file(spec, options=OFF)
    assert report.verdict == unreduced.verdict == "holds"
    assert report.result is not None and unreduced.result is not None
    assert report.result.stats.distinct_states == class_count(
        compiled_from(TWO_PHASE), rename_two_phase
    )
    assert report.result.stats.distinct_states < unreduced.result.stats.distinct_states / 4
    assert lengths(report.result) == lengths(unreduced.result)


def test_the_buggy_symmetric_two_phase_commit_shows_the_same_counterexample(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "two_phase.dsl"
    spec.write_text(TWO_PHASE, encoding="utf-8")
    report = api.check_file(spec, {"Buggy": True})
    unreduced = api.check_file(spec, {"Buggy": True}, options=OFF)
    assert report.verdict == unreduced.verdict == "violated"
    assert report.result is not None and unreduced.result is not None
    assert lengths(report.result) == lengths(unreduced.result) == [("Atomicity", 5)]
    (trace,) = report.traces
    assert trace.steps[-1].action == "Participant.timeout"


# ---------------------------------------------------------------- the key itself


def symmetric(compiled: CompiledModel, *groups: str) -> CompiledModel:
    return dataclasses.replace(
        compiled, model=dataclasses.replace(compiled.model, symmetric=groups)
    )


def test_without_a_symmetric_group_of_two_or_more_the_fingerprint_is_the_key() -> None:
    one, three = NodeGroup("Leader", 0, 1), NodeGroup("P", 1, 3)
    compiled = fake([("x", BOOL)], [(False,)], [], nodes=(one, three))
    assert canonical_key(compiled) is None
    assert canonical_key(symmetric(compiled, "Leader")) is None
    assert canonical_key(symmetric(compiled, "P")) is not None


def test_two_groups_are_permuted_each_within_itself() -> None:
    a, b = NodeGroup("A", 0, 2), NodeGroup("B", 2, 3)
    model = Model("M", (), (), (), (), (), (a, b), symmetric=("A", "B"))
    images = list(permutations(model))
    assert len(images) == 2 * 6 - 1  # every pair of permutations but the identity
    assert all(set(pi) <= set(a.ids) | set(b.ids) for pi in images)
    assert all((old in a.ids) == (new in a.ids) for pi in images for old, new in pi.items())


def test_states_with_negative_ints_get_one_representative_per_class() -> None:
    group = NodeGroup("P", 0, 2)
    slot = Var("P.x", MapType(NodeType((group,)), IntType(-2, -1)), owner="P")
    compiled = symmetric(fake([slot], [((-1, -2),)], [], nodes=(group,)), "P")
    key = canonical_key(compiled)
    assert key is not None
    assert hash((-1, -2)) == hash((-2, -1))  # hash alone cannot tell the two apart
    assert key(((-1, -2),)) == key(((-2, -1),)) in {((-1, -2),), ((-2, -1),)}
    assert key(((-1, -1),)) == ((-1, -1),) != key(((-2, -1),))


def test_the_order_of_representatives_ignores_how_a_set_was_built() -> None:
    built_up, built_down = frozenset([1, 9, 17]), frozenset([17, 9, 1])
    assert order_key(built_up) == order_key(built_down)
    assert order_key((None, 1)) < order_key((3, 1))  # none before any value
    assert order_key(frozenset({1})) != order_key(frozenset({1, 2}))
