"""Name, type and arity errors: each says what was expected, at the exact line:col, and a
spec with several mistakes reports all of them at once."""

from __future__ import annotations

from tests.semantics.helpers import errors, the_error


def test_unknown_variable_suggests_the_closest_name() -> None:
    text = "spec S\nvar term: 0..3 = 0\naction a { term = termm + 1 }\n"
    assert the_error(text) == (3, 19, "unknown variable `termm` — did you mean `term`?")


def test_comparing_a_sequence_with_a_bool_names_both_types() -> None:
    text = "spec S\nvar log: seq<int> = []\ninvariant I: log == true\n"
    assert the_error(text) == (3, 14, "`log` is seq<int>, cannot compare with bool")


def test_calling_a_fn_with_too_many_arguments() -> None:
    text = (
        "spec S\nvar x: int = 0\nfn double(a: int) -> int = a * 2\naction a { x = double(x, 1) }\n"
    )
    assert the_error(text) == (4, 16, "`double` takes 1 argument, got 2")


def test_builtin_arity_is_checked_too() -> None:
    text = "spec S\nvar s: set<0..3> = {}\ninvariant I: len(s, s) < 2\n"
    assert the_error(text) == (3, 14, "`len` takes 1 argument, got 2")


def test_duplicate_declaration_points_at_the_first_one() -> None:
    text = "spec S\nvar x: int = 0\nconst y = 1\n\nvar x: bool = true\n"
    assert the_error(text) == (5, 1, "duplicate declaration of `x` (first declared at line 2)")


def test_map_keys_must_be_finite() -> None:
    text = "spec S\nvar m: map<int, bool> = {}\n"
    assert the_error(text) == (2, 12, "map keys must be a finite type, not int")


def test_choose_inside_for_is_rejected() -> None:
    text = "spec S\nvar x: 0..3 = 0\naction a { for i in 1..2 { choose j in 0..3 { x = j } } }\n"
    line, col, message = the_error(text)
    assert (line, col) == (3, 28)
    assert message.startswith("`choose` is not allowed inside `for`")


def test_a_fn_that_requires_cannot_be_called_inside_for() -> None:
    text = "spec S\nvar x: int = 0\nfn p() { require x > 0 }\naction a { for i in 1..2 { p() } }\n"
    assert the_error(text) == (4, 28, "`p` uses `require`, which is not allowed inside `for`")


def test_mutually_recursive_fns_are_reported_with_the_cycle() -> None:
    text = (
        "spec S\nvar x: int = 0\nfn f(a: int) -> int = g(a)\nfn g(a: int) -> int = f(a)\n"
        "action a { x = f(1) }\n"
    )
    line, col, message = the_error(text)
    assert (line, col) == (4, 23)
    assert message.startswith("recursive fn `f` (f → g → f)")


def test_unknown_message_in_send() -> None:
    text = (
        "spec S\nmessage Vote { yes: bool }\nnode A { action a { send Vot { yes: true } to A } }\n"
    )
    assert the_error(text) == (3, 26, "unknown message `Vot` — did you mean `Vote`?")


def test_unknown_message_in_a_handler() -> None:
    text = "spec S\nmessage Ping {}\nnode A { on Pnig { skip } }\n"
    assert the_error(text) == (3, 10, "unknown message `Pnig` — did you mean `Ping`?")


def test_unknown_field_of_a_message() -> None:
    text = "spec S\nmessage Vote { yes: bool }\nnode A { action a { send Vote { yess: true } to A } }\n"
    assert the_error(text) == (3, 33, "unknown field `yess` of message Vote — did you mean `yes`?")


def test_missing_field_of_a_record_literal() -> None:
    text = "spec S\ntype R = record { a: int, b: bool }\nvar r: R = R { a: 1 }\n"
    assert the_error(text) == (3, 12, "missing field `b` of record R")


def test_constant_expression_expected() -> None:
    text = "spec S\nvar x: int = 0\nconst N = x + 1\n"
    assert the_error(text) == (3, 11, "constant expression expected: `x` is a variable")


def test_unknown_type_suggests_a_declared_one() -> None:
    text = "spec S\ntype Decision = enum { A, B }\nvar d: Decison = A\n"
    assert the_error(text) == (3, 8, "unknown type `Decison` — did you mean `Decision`?")


def test_cyclic_types_are_reported() -> None:
    text = "spec S\ntype A = set<B>\ntype B = set<A>\n"
    assert the_error(text) == (2, 1, "type A refers to itself (type A → type B → type A)")


def test_an_enum_member_shared_by_two_enums_needs_a_typed_context() -> None:
    text = (
        "spec S\nvar a: enum { On, Off } = On\nvar b: enum { On, Idle } = On\n"
        "invariant I: On == On\n"
    )
    found = errors(text)
    assert [(line, col) for line, col, _ in found] == [(4, 14), (4, 20)]
    assert found[0][2].startswith("`On` is a member of several enums")


def test_none_needs_an_optional_type() -> None:
    text = "spec S\nvar x: bool = none\n"
    assert the_error(text) == (
        2, 15, "`none` is not a value of bool (an optional type `T?` is needed)"
    )  # fmt: skip


def test_literal_outside_a_bounded_int_is_caught_statically() -> None:
    text = "spec S\nvar x: 0..3 = 5\n"
    assert the_error(text) == (2, 15, "5 is outside 0..3, the range of `x`")


def test_parameters_cannot_be_assigned() -> None:
    text = "spec S\nvar x: 0..3 = 0\naction a(i: 0..3) { i = 2 }\n"
    assert the_error(text) == (3, 21, "cannot assign to `i`: it is a parameter")


def test_self_outside_a_node() -> None:
    text = "spec S\nvar x: int = 0\naction a { x = self }\n"
    assert the_error(text) == (3, 16, "`self` is only available inside a node")


def test_send_outside_a_node() -> None:
    text = "spec S\nmessage Ping {}\nnode A {}\naction a { send Ping {} to A }\n"
    assert the_error(text) == (
        4,
        12,
        "`send` is only allowed inside a node (a message needs a sender)",
    )


def test_reading_a_variable_of_a_group_with_several_nodes_needs_a_node() -> None:
    text = "spec S\nnode P[2] { var x: bool = false }\ninvariant I: P.x\n"
    line, col, message = the_error(text)
    assert (line, col) == (3, 14)
    assert message.startswith("`P` has 2 nodes; name one (`P[1].x`)")


def test_node_index_out_of_range() -> None:
    text = "spec S\nnode P[2] { var x: bool = false }\ninvariant I: P[3].x\n"
    assert the_error(text) == (3, 16, "`P` has nodes 1..2, not 3")


def test_unknown_network_setting() -> None:
    text = "spec S\nnode A {}\nnetwork { los: true }\n"
    assert the_error(text) == (3, 11, "unknown network setting `los` — did you mean `loss`?")


def test_any_needs_a_finite_type() -> None:
    text = "spec S\nvar x: int = any\n"
    assert the_error(text) == (2, 1, "`x = any` needs a finite type, not int")


def test_a_procedure_fn_has_no_value() -> None:
    text = "spec S\nvar x: int = 0\nfn p() { x = 1 }\naction a { x = p() }\n"
    line, col, message = the_error(text)
    assert (line, col) == (4, 16)
    assert message.startswith("`p` is a procedure fn")


def test_every_error_is_reported_at_once_in_source_order() -> None:
    text = "spec S\nvar x: bool = 0\naction a when x + 1 { y = 2 }\ninvariant I: x == Nope\n"
    assert errors(text) == [
        (2, 15, "`0` is int, expected bool for `x`"),
        (3, 15, "`x` is bool, expected an int (operand of `+`)"),
        (3, 23, "unknown variable `y`"),
        (4, 19, "unknown variable `Nope`"),
    ]


def test_one_mistake_is_reported_once() -> None:
    text = "spec S\nvar x: int = 0\ninvariant I: (unknown + 1) * 2 > x and not unknown\n"
    assert [message for _, _, message in errors(text)] == ["unknown variable `unknown`"] * 2


def test_expect_violation_names_a_property() -> None:
    text = "spec S\nvar x: bool = false\ninvariant Never: not x\nexpect violation Nevr\n"
    assert the_error(text) == (
        4, 1, "`expect violation Nevr`: no property named `Nevr` — did you mean `Never`?"
    )  # fmt: skip


def test_a_fault_bound_without_its_fault_is_reported() -> None:
    text = "spec S\nnode A {}\nnetwork { max_crashes: 2 }\n"
    assert the_error(text) == (3, 11, "`max_crashes` has no effect without `crash: true`")


def test_comparing_sets_with_le_suggests_subset() -> None:
    text = "spec S\nvar s: set<0..2> = {}\ninvariant I: s <= {1}\n"
    found = errors(text)
    assert found[0][:2] == (3, 14)
    assert found[0][2].endswith("for sets write `subset`")
