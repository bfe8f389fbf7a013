"""The bounded model checking loop: depths in order, so the first bad path is a shortest one;
what counts as bad is what the explicit engine reports (invariants, runtime faults,
deadlocks, constraints bounding the search); reachables get their shortest witness; the
solver giving up, and values the encoding cannot hold, are said, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compile.test_stored_types import CASES as STORED
from tests.compile.test_stored_types import COUNTER as STORED_COUNTER
from tests.semantics.helpers import model_of
from verikit import api
from verikit.compile import build
from verikit.core import ir
from verikit.core.model import Action, Model, Var
from verikit.core.types import BOOL, INT, IntType, RecordType
from verikit.engine import check
from verikit.symbolic.bmc import bmc
from verikit.trace.decoded import DecodedRunError, discovery_of, path_of

from .support import load_text

CORPUS = Path(__file__).parents[1] / "corpus"


COUNTER = """spec Counter
var x: 0..5 = 0
action inc when x < 5 { x = x + 1 }
action reset when x == 5 { x = 0 }
invariant Small: x < 3
reachable Two: x == 2
"""


def test_the_first_bad_depth_is_the_length_of_a_shortest_counterexample(tmp_path: Path) -> None:
    loaded = load_text(tmp_path, COUNTER)
    run = bmc(loaded.model, 10)
    assert run.bad is not None and run.category == "state"
    assert run.bad.length == 3 and run.checked == 2  # depths 0, 1, 2 were clean
    assert run.bad.states == ((0,), (1,), (2,), (3,))
    assert [t.name for t in run.bad.transitions] == ["inc"] * 3
    assert run.witnesses["Two"].length == 2
    assert len(run.seconds_per_depth) == 4


def test_nothing_found_within_the_depth_claims_only_that_depth(tmp_path: Path) -> None:
    loaded = load_text(tmp_path, COUNTER.replace("x < 3", "x <= 5"))
    run = bmc(loaded.model, 4)
    assert run.bad is None and run.unknown is None
    assert run.checked == 4 and run.unreached == ()


def test_a_runtime_fault_is_bad_where_the_explicit_engine_reports_it(tmp_path: Path) -> None:
    loaded = api.load(CORPUS / "error" / "runtime_out_of_range.dsl")
    run = bmc(loaded.model, 5)
    assert run.bad is not None and run.category == "step"
    assert run.bad.states[-1] == (2,)  # computing the successors of x = 2 faults
    names = [t.name for t in run.bad.transitions]
    found = discovery_of(loaded.compiled, run.bad.states, names, "step")
    assert (found.property, found.kind) == ("inc", "fault")
    assert found.fault is not None and "out of range" in found.fault.message
    explicit = api.check_file(CORPUS / "error" / "runtime_out_of_range.dsl").result
    assert explicit is not None
    (same,) = explicit.violations
    assert (same.property, same.kind, same.path) == (found.property, found.kind, found.path)
    assert same.fault is not None and same.fault.span == found.fault.span


def test_a_state_without_successors_is_a_deadlock_unless_told_otherwise() -> None:
    loaded = api.load(CORPUS / "violated" / "deadlock.dsl")
    run = bmc(loaded.model, 5)
    assert run.bad is not None and run.category == "step" and run.bad.length == 2
    assert bmc(loaded.model, 5, deadlock=False).bad is None


def test_a_terminal_state_is_no_deadlock(tmp_path: Path) -> None:
    stuck = "spec Stuck\nvar x: 0..2 = 0\naction step when x < 2 { x = x + 1 }\n"
    assert bmc(load_text(tmp_path, stuck).model, 4).bad is not None
    ending = stuck + "terminal when x == 2\n"
    assert bmc(load_text(tmp_path, ending).model, 4).bad is None


def test_a_constraint_bounds_the_runs_as_in_the_explicit_engine() -> None:
    loaded = api.load(CORPUS / "holds" / "constraint_bounds_search.dsl")  # n <= 2
    run = bmc(loaded.model, 6)
    assert run.bad is None and run.checked == 6
    assert run.witnesses["Two"].length == 2


def test_a_state_outside_the_constraint_is_still_checked(tmp_path: Path) -> None:
    spec = "spec S\nvar n: 0..9 = 0\naction up when n < 9 { n = n + 1 }\n"
    spec += "constraint n <= 2\ninvariant Low: n <= 2\n"
    run = bmc(load_text(tmp_path, spec).model, 6)
    assert run.bad is not None and run.bad.length == 3  # n = 3: checked, not extended


def test_an_unreachable_reachable_is_reported_as_not_reached_within_the_depth() -> None:
    run = bmc(api.load(CORPUS / "violated" / "vacuous_reachable.dsl").model, 3)
    assert run.bad is None and run.unreached == ("Impossible",)


def test_a_faulting_init_block_is_bad_before_any_state(tmp_path: Path) -> None:
    x = ir.StateVar(0, "x", IntType(0, 2))
    init = (ir.Assign(x, (), ir.Lit(3, INT), x.type),)
    model = Model("M", (), (Var("x", x.type),), init, (), ())
    run = bmc(model, 3)
    assert run.category == "init" and run.bad is not None and run.bad.states == ()
    found = discovery_of(build(model), (), (), "init")
    assert (found.property, found.kind, found.path) == ("init", "fault", ())


def test_when_the_solver_runs_out_of_time_nothing_is_claimed() -> None:
    loaded = api.load(Path(__file__).parents[2] / "specs" / "two_phase_commit.dsl")
    run = bmc(loaded.model, 8, timeout=1e-3)
    assert run.unknown == "timeout" and run.bad is None
    report = api.bmc_file(
        Path(__file__).parents[2] / "specs" / "two_phase_commit.dsl", depth=8, timeout=1e-3
    )
    assert report.verdict == "incomplete" and api.exit_code([report]) == api.EXIT_INCOMPLETE


def test_a_field_stored_outside_its_type_is_a_fault_as_in_the_explicit_engine() -> None:
    """`r = R { g: 5 }` with g: 0..2 faults (core/ir.py: a store outside its type, at any
    depth); bmc reports the step as the explicit engine does, not an encoding overflow."""
    rec = RecordType("R", (("g", IntType(0, 2)),))
    r = ir.StateVar(0, "r", rec)
    five = ir.RecordLit((ir.Lit(5, INT),), rec)
    grow = Action("grow", "action", (), ir.Lit(True, BOOL), (ir.Assign(r, (), five, rec),))
    model = Model("M", (), (Var("r", rec),), (), (grow,), ())
    run = bmc(model, 2)
    assert run.bad is not None and run.category == "step" and run.bad.states == (((0,),),)
    (fault,) = check(build(model)).violations
    assert fault.kind == "fault" and fault.fault is not None
    assert fault.fault.message == "value 5 out of range 0..2 in field g"


def test_a_run_the_compiled_model_does_not_make_is_an_internal_error(tmp_path: Path) -> None:
    compiled = load_text(tmp_path, COUNTER).compiled
    assert path_of(compiled, [(0,), (1,)], ["inc"]) == (0, 0)
    with pytest.raises(DecodedRunError, match="not a step of the model"):
        path_of(compiled, [(0,), (2,)], ["inc"])
    with pytest.raises(DecodedRunError, match="initial state"):
        path_of(compiled, [(1,)], [])
    with pytest.raises(DecodedRunError, match="compiled model disagrees"):
        discovery_of(compiled, [(0,), (1,)], ["inc"], "state")  # x = 1 is not bad


def test_an_initial_value_outside_its_type_is_an_init_fault() -> None:
    rec = RecordType("R", (("g", IntType(0, 2)),))
    r = ir.StateVar(0, "r", rec)
    init = (ir.Assign(r, (), ir.RecordLit((ir.Lit(5, INT),), rec), rec),)
    stay = Action("stay", "action", (), ir.Lit(True, BOOL), ())
    model = Model("M", (), (Var("r", rec),), init, (stay,), ())
    run = bmc(model, 1)
    assert run.bad is not None and run.category == "init"


TIE = """spec FifoDup
message M { v: 0..2 }
network { reorder: false  duplicate: true  loss: true  max_in_flight: 3 }
node A {
  var n: 0..2 = 0
  action send_ when n < 2 { send M { v: n } to B; n = n + 1 }
}
node B {
  var got: seq<0..2, 3> = []
  on M(m) when len(got) < 3 { got = append(got, m.v) }
}
invariant P: not (len(B.got) == 3 and B.got[1] == 0 and B.got[2] == 1 and B.got[3] == 1)
invariant Q: not (len(B.got) == 2 and B.got[1] == 1 and B.got[2] == 1)
terminal when true
"""


@pytest.mark.parametrize(("expected", "other"), [("P", "Q"), ("Q", "P")])
def test_a_bug_variant_fails_when_another_property_breaks_as_soon(
    tmp_path: Path, expected: str, other: str
) -> None:
    """P and Q both break after six steps, in different states. A bug variant passes only
    when its property alone is violated, so bmc reports the other one (`violated`), not
    whichever Z3 happens to find first."""
    path = tmp_path / "tie.dsl"
    path.write_text(TIE + f"expect violation {expected}\n")
    report = api.bmc_file(path, depth=6)
    assert report.verdict == "violated"
    assert report.result is not None
    assert [d.property for d in report.result.violations] == [other]


@pytest.mark.parametrize("name", sorted(STORED))
def test_a_store_outside_its_type_is_the_same_fault_in_bmc(name: str) -> None:
    """Every nested store the compiled model and the reference fault on (a record field, a
    set element, a sequence position, an option, a map entry …), bmc finds at the same
    depth, and it replays to the same fault, word for word."""
    body, message = STORED[name]
    model = model_of(f"spec S\n{STORED_COUNTER}{body}\n")
    compiled = build(model)
    (expected,) = [d for d in check(compiled).violations if d.kind == "fault"]
    run = bmc(model, 6)
    assert run.bad is not None and run.category == "step"
    names = [t.name for t in run.bad.transitions]
    found = discovery_of(compiled, run.bad.states, names, "step")
    assert (found.property, found.kind, found.path) == (
        expected.property, expected.kind, expected.path
    )
    assert found.fault is not None and found.fault.message == message
