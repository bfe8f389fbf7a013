"""Symmetry on the cluster: `symmetric` node groups are reduced as a single-process check
reduces them (one owner per class of renamed states, the renaming a one-worker BFS reaches
first kept), so the counts and the counterexamples are its own; --no-symmetry counts every
state."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from verikit.api import load
from verikit.cluster import check as cluster
from verikit.compile import build
from verikit.engine import CheckOptions
from verikit.errors import SourceFile
from verikit.semantics import analyze
from verikit.syntax import parse

from .agreement import both
from .conftest import CLUSTER_MARKS

pytestmark = CLUSTER_MARKS
ROOT = Path(__file__).resolve().parents[2]

SYMMETRIC = """spec Tokens
network { max_in_flight: 1 }
symmetric node P[3] {
  var s: enum { Idle, Trying, Done } = Idle
  action try when s == Idle { s = Trying }
  action finish when s == Trying { s = Done }
}
invariant Fine: forall p in P: p.s != Trying or p.s == Trying
terminal when true
"""


# Two parents of one level reach one class of states by two renamings, (1, 2) from the first
# and (2, 1) from the second, and the class's owner meets the second one first. The state
# kept must be the first parent's renaming: from it the path's ordinal 0 is the violating
# step, from the other renaming ordinal 0 is a harmless one. (With `pad = 2` the fingerprints
# put the second parent and the class on one worker and the first parent on the other.)
RENAMINGS = """spec Renamings
var pad: 0..2 = 2
symmetric node P[2] {
  var x: 0..3 = 0
  action set1 when x == 0 and all_zero() { x = 1 }
  action set2 when x == 0 and all_zero() { x = 2 }
  action set_other when x == 0 and not all_zero() and not any_three() {
    x = if someone(1) then 2 else 1
  }
  action step when x == 1 or x == 2 { x = if x == 1 then 3 else 0 }
}
fn all_zero() -> bool = forall q in P: q.x == 0
fn any_three() -> bool = exists q in P: q.x == 3
fn someone(v: int) -> bool = exists q in P: q.x == v
invariant NoThreeBesideTwo: not (exists p in P: exists q in P: p.x == 3 and q.x == 2)
deadlock: allowed
"""


def test_symmetric_groups_are_reduced_as_a_single_process_reduces_them(
    ray_session: ModuleType,
) -> None:
    source = SourceFile("tokens.dsl", SYMMETRIC)
    compiled = build(analyze(parse(source.text, source.name), {}))
    reduced = cluster.check(compiled, CheckOptions(), "ray", 2)
    whole = cluster.check(compiled, CheckOptions(symmetry=False), "ray", 2)
    assert (reduced.stats.distinct_states, whole.stats.distinct_states) == (10, 27)
    assert reduced.symmetry == ("P",)
    corpus = str(ROOT / "tests" / "corpus" / "holds" / "symmetric_two_phase.dsl")
    for options in (CheckOptions(), CheckOptions(symmetry=False)):
        on_cluster, single = both(corpus, options=options)
        assert on_cluster == single


def test_a_counterexample_under_symmetry_is_the_single_process_one(
    ray_session: ModuleType, tmp_path: Path
) -> None:
    for name in ("two_phase_commit.dsl", "two_phase_commit_buggy.dsl"):
        text = (ROOT / "specs" / name).read_text()
        (tmp_path / name).write_text(text.replace("\nnode Participant[", "\nsymmetric node Participant["))
    on_cluster, single = both(str(tmp_path / "two_phase_commit_buggy.dsl"))
    assert on_cluster == single
    assert single["violations"]  # found, rebuilt across workers and replayed
    whole, _ = both(str(tmp_path / "two_phase_commit_buggy.dsl"),
                    options=CheckOptions(symmetry=False))  # fmt: skip
    assert on_cluster["counts"][0] < whole["counts"][0]


def test_the_renaming_kept_is_the_one_the_counterexample_replays_to(
    ray_session: ModuleType, tmp_path: Path
) -> None:
    spec = tmp_path / "renamings.dsl"
    spec.write_text(RENAMINGS)
    on_cluster, single = both(str(spec))
    assert on_cluster == single
    compiled = load(str(spec)).compiled
    [violation] = cluster.check(compiled, CheckOptions(), "ray", 2).violations
    state = compiled.init_states()[violation.path[0]]
    for ordinal in violation.path[1:]:
        state = compiled.next_states(state)[ordinal]
    [(_, no_three_beside_two)] = compiled.predicates("invariant")
    assert not no_three_beside_two(state)  # the state shown breaks the invariant
