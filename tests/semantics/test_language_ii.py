"""Semantics of the language II constructs of expressions and statements (issue 13): what
they mean in the core IR, and the located errors of their misuse."""

from __future__ import annotations

from tests.semantics.helpers import model_of, nodes_of, the_error
from verikit.core import ir


def test_assert_lowers_to_an_ir_assert_naming_it() -> None:
    model = model_of("spec A\nvar x: 0..3 = 0\naction a { assert Low: x < 3\n x = 1 }\n")
    (first, _) = model.actions[0].body
    assert isinstance(first, ir.Assert) and first.message == "assertion Low failed: x < 3"
    assert (first.span.line, first.span.col) == (3, 12)


def test_an_assert_needs_a_condition() -> None:
    line, col, message = the_error("spec A\nvar x: 0..3 = 0\naction a { assert x + 1 }\n")
    assert (line, col) == (3, 19)
    assert message == "`x + 1` is int, expected bool after `assert`"


# ---------------------------------------------------------------- optionals, flow-typed

NODE = """spec F
message Ping {}
network { max_in_flight: 1 }
node R[2] {
  var leader: R? = none
  var n: 0..3 = 0
  action a {
    %s
  }
}
"""


def unwraps(body: str) -> list[ir.Unwrap]:
    return nodes_of(model_of(NODE % body).actions[0].body, ir.Unwrap)


def test_a_guard_lets_an_optional_be_used_as_its_value() -> None:
    for body in [
        "if leader != none { send Ping {} to leader }",
        "if none != leader { leader.n = 1 }",
        "if not (leader == none) { let l = leader\n n = if l == self then 1 else 2 }",
        "if leader == none { skip } else { leader.n = 2 }",
        "require leader != none\n leader.n = 1",
        "n = if leader != none and leader.n > 0 then 1 else 0",
    ]:
        assert unwraps(body), body


def test_the_narrowing_ends_where_the_place_may_change() -> None:
    text = NODE % "if leader != none { leader = none\n let l = leader\n n = if l == none then 0 else 1 }"
    model_of(text)  # `l` is R? again: comparing it with none is fine
    line, col, message = the_error(
        NODE % "if leader != none { let l = leader\n n = if l == none then 0 else 1 }"
    )
    assert message == "`none` is not a value of R (an optional type `T?` is needed)"


def test_an_optional_compared_with_none_inside_its_guard_stays_optional() -> None:
    model_of(NODE % "if leader != none { n = if leader == none then 0 else 1 }")


def test_a_wrong_destination_is_still_refused_with_its_type() -> None:
    line, col, message = the_error(NODE % "send Ping {} to n")
    assert (line, col) == (8, 21)
    assert message == "`send … to` needs a node id: `n` is 0..3"


# ---------------------------------------------------------------- tuples

TUPLE = "spec T\nvar t: tuple<0..2, bool> = (0, false)\nvar i: 1..2 = 1\naction a {\n  %s\n}\n"


def test_a_tuple_is_a_record_with_numbered_fields() -> None:
    model = model_of(TUPLE % "t[1] = 2")
    assert str(model.vars[0].type) == "tuple<0..2, bool>"
    (assign,) = model.actions[0].body
    assert isinstance(assign, ir.Assign) and assign.path == (ir.FieldStep(0),)


def test_a_tuple_position_must_be_a_constant_in_range() -> None:
    assert the_error(TUPLE % "i = t[3]") == (5, 9, "a tuple of 2 is indexed by a constant position 1..2")
    assert the_error(TUPLE % "t[i] = 1")[2] == "a tuple of 2 is indexed by a constant position 1..2"


def test_destructuring_needs_a_tuple_of_as_many() -> None:
    line, col, message = the_error(TUPLE % "let (a, b, c) = t")
    assert (line, col, message) == (5, 19, "`t` is tuple<0..2, bool>, expected a tuple of 3")
    line, col, message = the_error(TUPLE % "i = let (a, b, c) = t in 1")
    assert (line, col, message) == (5, 23, "`t` is tuple<0..2, bool>, expected a tuple of 3")


def test_a_let_expression_destructures_a_tuple() -> None:
    model = model_of(TUPLE % "i = let (n, b) = t in if b then 1 else 2")
    (assign,) = model.actions[0].body
    assert isinstance(assign, ir.Assign) and isinstance(assign.value, ir.Let)


def test_a_tuple_literal_takes_its_positions_types_from_the_context() -> None:
    line, col, message = the_error(TUPLE % "t = (1, 2)")
    assert (line, col) == (5, 11) and "position 2 of the tuple" in message


# ---------------------------------------------------------------- let … in, pick


def test_pick_is_the_pick_builtin_of_a_comprehension() -> None:
    model = model_of("spec P\nvar x: 0..3 = 0\naction a { x = pick v in 0..3 where v > x }\n")
    (assign,) = model.actions[0].body
    assert isinstance(assign, ir.Assign) and isinstance(assign.value, ir.Call)
    assert assign.value.name == "pick" and isinstance(assign.value.args[0], ir.SetComp)


def test_a_let_expression_binds_a_name_that_cannot_be_assigned() -> None:
    model = model_of("spec L\nvar x: 0..3 = 0\ninvariant I: let y = x + 1 in y > x\n")
    assert isinstance(model.properties[0].expr, ir.Let)
    line, col, message = the_error("spec L\nvar x: int = 0\naction a { x = let y = 1 in y\n y = 2 }\n")
    assert message.startswith("unknown variable `y`")


# ---------------------------------------------------------------- set constants, closure


def test_a_set_constant_is_typed_by_the_values_at_each_position() -> None:
    model = model_of("spec C\nconst Q = {{1, 2}, {2, 3}}\nconst E = {(1, true)}\n"
                     "invariant I: forall q in Q: forall e in E: e[1] in q\n")  # fmt: skip
    assert dict(model.consts)["Q"] == frozenset({frozenset({1, 2}), frozenset({2, 3})})
    lits = nodes_of(model.properties[0].expr, ir.Lit)
    assert {str(x.type) for x in lits} >= {"set<set<1..3>>", "set<tuple<1..1, bool>>"}


def test_a_constant_set_of_mixed_elements_is_refused() -> None:
    line, col, message = the_error("spec C\nconst Q = {1, {2}}\n")
    assert (line, col) == (2, 11)
    assert message == "the elements of a constant set differ: int and set<int>"


def test_an_override_must_have_the_declared_shape() -> None:
    message = the_error("spec C\nconst Q = {{1}}\n", {"Q": frozenset({1})})[2]  # type: ignore[dict-item]
    assert message == "--const Q must be set<set<int>> like its declaration, got set<int>"


def test_closure_needs_a_relation() -> None:
    line, col, message = the_error("spec C\nvar s: set<1..2> = {}\ninvariant I: closure(s) == {}\n")
    assert (line, col) == (3, 22)
    assert message == "`closure` needs a relation, a set of pairs `(a, b)` of one type: `s` is set<1..2>"


# ---------------------------------------------------------------- node ids: index and order

GROUPS = "spec O\n%snode A[2] { var x: 0..1 = 0 }\nnode B[2] { var y: 0..1 = 0 }\ninvariant I: %s\n"


def test_index_is_the_position_in_the_group() -> None:
    model = model_of(GROUPS % ("", "forall b in B: index(b) >= 1"))
    (sub,) = nodes_of(model.properties[0].expr, ir.Binary)[1:2]
    assert sub.op == "sub" and sub.right == ir.Lit(1, sub.right.type)  # B's ids are 2 and 3


def test_order_is_refused_across_groups_and_on_symmetric_groups() -> None:
    assert the_error(GROUPS % ("", "forall a in A: forall b in B: a < b"))[2] == (
        "`<` orders node ids of one group: `a` is a A and `b` a B"
    )
    text = GROUPS.replace("node A", "symmetric node A") % ("", "forall a in A: index(a) > 0")
    assert the_error(text)[2].startswith("`index` tells the nodes of symmetric group `A` apart")


# ---------------------------------------------------------------- keywords as names


def test_a_keyword_that_cannot_be_used_is_refused_where_it_is_declared() -> None:
    for decl in ["var broadcast: int = 0", "const send = 1", "type if = 1..2",
                 "action a { let require = 1 }", "var e: enum { none, some } = some"]:  # fmt: skip
        line, col, message = the_error(f"spec K\n{decl}\n")
        assert line == 2 and "is a keyword, so it cannot name" in message, decl


def test_keywords_that_work_as_names_stay_allowed() -> None:
    model_of("spec K\nvar to: int = 0\naction a { to = to + 1\n to = 2 }\n")
    model = model_of("spec K\nvar network: int = 0\naction a {\n to = 1\n network = 2 }\nvar to: int = 0\n")
    assert [v.name for v in model.vars] == ["network", "to"]


# ---------------------------------------------------------------- deadlock: allowed


def test_deadlock_allowed_turns_deadlock_reports_off() -> None:
    text = "spec D\nvar x: 0..1 = 0\naction a when x == 0 { x = 1 }\n"
    assert model_of(text).deadlock and model_of(text + "deadlock: reported\n").deadlock
    assert not model_of(text + "deadlock: allowed\n").deadlock


def test_a_deadlock_setting_is_one_of_two_words_given_once() -> None:
    text = "spec D\nvar x: 0..1 = 0\naction a when x == 0 { x = 1 }\n"
    assert the_error(text + "deadlock: fine\n")[:2] == (4, 1)
    line, col, message = the_error(text + "deadlock: allowed\ndeadlock: allowed\n")
    assert (line, message) == (5, "duplicate `deadlock` declaration (first at line 4)")


def test_errors_quote_tuples_lets_and_picks() -> None:
    base = "spec S\nvar x: 0..3 = 0\naction a { x = %s }\n"
    assert the_error(base % "(1, 2)")[2] == "`(1, 2)` is tuple<int, int>, expected 0..3 for `x`"
    assert the_error(base % "let y = 1 in y == 1")[2].startswith("`let y = 1 in y == 1` is bool")
    assert the_error(base % "pick b in bool where b")[2].startswith("`pick b in bool where b` is bool")
