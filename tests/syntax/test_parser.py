"""Every construct of the language parses to the AST it means."""

from __future__ import annotations

import pytest

from tests.syntax.helpers import GLOBAL_STYLE, NODE_STYLE, decl, expr, stmts, type_of
from verikit.errors import Span
from verikit.syntax import ast as a
from verikit.syntax import parse

X, Y, Z = a.Name("x"), a.Name("y"), a.Name("z")
ONE, TWO = a.IntLit(1), a.IntLit(2)


def bin_(op: str, left: a.Expr, right: a.Expr) -> a.BinOp:
    return a.BinOp(op, left, right)


# ---------------------------------------------------------------- whole examples


def test_node_style_example_parses_to_its_declarations() -> None:
    spec = parse(NODE_STYLE, "2pc.dsl")
    assert spec.name == "TwoPhaseCommit"
    kinds = [type(d).__name__ for d in spec.decls]
    assert kinds == [
        "ConstDecl", "TypeDecl", "MessageDecl", "MessageDecl", "MessageDecl", "NetworkDecl",
        "NodeDecl", "NodeDecl", "PropertyDecl", "PropertyDecl", "TerminalDecl",
    ]  # fmt: skip
    coordinator, participant = spec.decls[6], spec.decls[7]
    assert isinstance(coordinator, a.NodeDecl) and isinstance(participant, a.NodeDecl)
    assert coordinator.count is None and participant.count == a.Name("N")
    decision = coordinator.members[2]
    assert decision == a.VarDecl(
        "decision", a.OptionTypeExpr(a.NamedType("Decision")), a.NoneLit(), durable=True
    )
    handler = coordinator.members[4]
    assert isinstance(handler, a.HandlerDecl)
    assert (handler.message, handler.binding, handler.sender) == ("Vote", "m", "p")
    assert handler.guard == bin_("==", a.Name("phase"), a.Name("Waiting"))
    (if_,) = handler.body
    assert isinstance(if_, a.IfStmt)
    assert if_.cond == a.UnaryOp("not", a.FieldAccess(a.Name("m"), "yes"))
    assert if_.then == (a.CallStmt("decide", (a.Name("Abort"),)),)
    assert if_.else_[1] == a.IfStmt(
        bin_("==", a.Name("yes"), a.AllExpr(a.NamedType("Participant"))),
        (a.CallStmt("decide", (a.Name("Commit"),)),),
    )


def test_node_style_example_properties() -> None:
    atomicity, reachable, terminal = parse(NODE_STYLE).decls[-3:]

    def state_is(p: str, v: str) -> a.BinOp:
        return bin_("==", a.FieldAccess(a.Name(p), "state"), a.Name(v))

    assert atomicity == a.PropertyDecl(
        "invariant",
        "Atomicity",
        a.UnaryOp(
            "not",
            a.Quantifier(
                "exists",
                ("p", "q"),
                a.Name("Participant"),
                bin_("and", state_is("p", "Committed"), state_is("q", "Aborted")),
            ),
        ),
    )
    assert reachable == a.PropertyDecl(
        "reachable",
        "SomeoneCommits",
        a.Quantifier("exists", ("p",), a.Name("Participant"), state_is("p", "Committed")),
    )
    assert terminal == a.TerminalDecl(
        bin_("==", a.FieldAccess(a.Name("Coordinator"), "phase"), a.Name("Done"))
    )


def test_participant_chooses_then_sends_a_vote() -> None:
    participant = parse(NODE_STYLE).decls[7]
    assert isinstance(participant, a.NodeDecl)
    on_prepare = participant.members[1]
    assert isinstance(on_prepare, a.HandlerDecl)
    assert (on_prepare.binding, on_prepare.sender) == (None, "c")
    assert on_prepare.body == (
        a.ChooseStmt(
            "yes",
            a.Name("bool"),
            (
                a.AssignStmt(
                    a.Name("state"),
                    a.IfExpr(a.Name("yes"), a.Name("Prepared"), a.Name("Aborted")),
                ),
                a.SendStmt(a.RecordExpr("Vote", (a.FieldInit("yes", a.Name("yes")),)), a.Name("c")),
            ),
        ),
    )


def test_global_style_example_parses() -> None:
    spec = parse(GLOBAL_STYLE)
    assert spec.name == "TwoPhase"
    assert spec.decls[1] == a.TypeDecl("RM", a.RangeType(ONE, a.Name("RMs")))
    rm_state = spec.decls[3]
    assert rm_state == a.VarDecl(
        "rmState",
        a.MapTypeExpr(
            a.NamedType("RM"),
            a.EnumTypeExpr(("Working", "Prepared", "Committed", "Aborted")),
        ),
        a.MapComprehension("r", a.Name("Working"), a.Name("RM")),
    )
    receive = spec.decls[7]
    assert isinstance(receive, a.ActionDecl)
    assert receive.params == (a.ParamDecl("r", a.NamedType("RM")),)
    msg = a.RecordExpr(
        "Msg", (a.FieldInit("kind", a.Name("Prepared")), a.FieldInit("rm", a.Name("r")))
    )
    assert receive.guard == bin_(
        "and", bin_("==", a.Name("tmState"), a.Name("Init")), bin_("in", msg, a.Name("msgs"))
    )
    prepare = spec.decls[8]
    assert isinstance(prepare, a.ActionDecl)
    assert prepare.body[0] == a.AssignStmt(
        a.IndexExpr(a.Name("rmState"), a.Name("r")), a.Name("Prepared")
    )
    assert spec.decls[-1] == a.PropertyDecl(
        "constraint", None, bin_("<=", a.CallExpr("len", (a.Name("msgs"),)), a.IntLit(10))
    )


# ---------------------------------------------------------------- declarations


def test_message_fields_are_comma_separated_and_may_be_empty() -> None:
    assert decl("message M { a: int, b: set<int> }") == a.MessageDecl(
        "M",
        (a.FieldDecl("a", a.NamedType("int")), a.FieldDecl("b", a.SetTypeExpr(a.NamedType("int")))),
    )
    assert decl("message M {}") == a.MessageDecl("M", ())


def test_network_settings_need_no_separator() -> None:
    assert decl("network { loss: true; crash: false, max_crashes: 2 }") == a.NetworkDecl(
        (
            a.Setting("loss", a.BoolLit(True)),
            a.Setting("crash", a.BoolLit(False)),
            a.Setting("max_crashes", TWO),
        )
    )


def test_var_equals_any_has_no_initialiser() -> None:
    assert decl("var x: 0..3 = any") == a.VarDecl("x", a.RangeType(a.IntLit(0), a.IntLit(3)), None)
    assert decl("durable var x: bool = true").durable  # type: ignore[union-attr]


def test_init_block() -> None:
    assert decl("init { choose v in 1..3 { x = v } }") == a.InitDecl(
        (a.ChooseStmt("v", a.RangeExpr(ONE, a.IntLit(3)), (a.AssignStmt(X, a.Name("v")),)),)
    )


@pytest.mark.parametrize(
    ("text", "params", "guard"),
    [
        ("action a { skip }", (), None),
        ("action a() { skip }", (), None),
        ("action a when x { skip }", (), X),
        ("action a(p: T, q in S) when x { skip }",
         (a.ParamDecl("p", a.NamedType("T")), a.ParamDecl("q", None, a.Name("S"))), X),
    ],
)  # fmt: skip
def test_action_params_and_guard_are_optional(
    text: str, params: tuple[a.ParamDecl, ...], guard: a.Expr | None
) -> None:
    assert decl(text) == a.ActionDecl("a", params, guard, (a.SkipStmt(),))


def test_pure_fn_and_procedure_fn() -> None:
    assert decl("fn inc(x: int) -> int = x + 1") == a.FnDecl(
        "inc", (a.ParamDecl("x", a.NamedType("int")),), a.NamedType("int"),
        bin_("+", X, ONE), None,
    )  # fmt: skip
    assert decl("fn reset() { x = 0 }") == a.FnDecl(
        "reset", (), None, None, (a.AssignStmt(X, a.IntLit(0)),)
    )


def test_symmetric_node_group_with_members() -> None:
    node = decl(
        "symmetric node S[2] { var x: int = 0  init { x = 1 }  on M { skip }  fn f() { skip } }"
    )
    assert isinstance(node, a.NodeDecl)
    assert node.symmetric and node.count == TWO
    assert [type(m).__name__ for m in node.members] == [
        "VarDecl", "InitDecl", "HandlerDecl", "FnDecl",
    ]  # fmt: skip
    assert node.members[2] == a.HandlerDecl("M", None, None, None, (a.SkipStmt(),))


def test_properties_and_terminal() -> None:
    assert decl("invariant I: x") == a.PropertyDecl("invariant", "I", X)
    assert decl("reachable R: x") == a.PropertyDecl("reachable", "R", X)
    assert decl("constraint C: x < 2") == a.PropertyDecl("constraint", "C", bin_("<", X, TWO))
    assert decl("constraint x < 2") == a.PropertyDecl("constraint", None, bin_("<", X, TWO))
    assert decl("terminal when x") == a.TerminalDecl(X)


def test_expect_violation_names_the_demonstrated_property() -> None:
    expect = decl("expect violation Atomicity")
    assert expect == a.ExpectDecl("Atomicity")
    assert (expect.span.line, expect.span.col, expect.span.end_col) == (2, 1, 27)


def test_expect_and_violation_stay_usable_as_names() -> None:
    assert expr("expect.violation") == a.FieldAccess(a.Name("expect"), "violation")
    assert decl("message M { expect: bool }") == a.MessageDecl(
        "M", (a.FieldDecl("expect", a.NamedType("bool")),)
    )


def test_comments_and_semicolons_are_ignored() -> None:
    spec = parse("spec T // the name\n# a comment\nconst A = 1; const B = 2;\n")
    assert spec.decls == (a.ConstDecl("A", ONE), a.ConstDecl("B", TWO))


# ---------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bool", a.NamedType("bool")),
        ("1..N", a.RangeType(ONE, a.Name("N"))),
        ("0..N - 1", a.RangeType(a.IntLit(0), bin_("-", a.Name("N"), ONE))),
        ("enum { A, B }", a.EnumTypeExpr(("A", "B"))),
        ("record { f: int, g: bool? }", a.RecordTypeExpr((
            a.FieldDecl("f", a.NamedType("int")),
            a.FieldDecl("g", a.OptionTypeExpr(a.NamedType("bool")))))),
        ("set<T>", a.SetTypeExpr(a.NamedType("T"))),
        ("map<K, set<V>>", a.MapTypeExpr(a.NamedType("K"), a.SetTypeExpr(a.NamedType("V")))),
        ("seq<T>", a.SeqTypeExpr(a.NamedType("T"))),
        ("seq<T, 4>", a.SeqTypeExpr(a.NamedType("T"), a.IntLit(4))),
        ("T??", a.OptionTypeExpr(a.OptionTypeExpr(a.NamedType("T")))),
    ],
)  # fmt: skip
def test_types(text: str, expected: a.TypeExpr) -> None:
    assert type_of(text) == expected


# ---------------------------------------------------------------- statements


def test_assignment_targets_chain() -> None:
    target = a.IndexExpr(a.FieldAccess(a.IndexExpr(X, a.Name("k")), "f"), a.Name("j"))
    assert stmts("x[k].f[j] = 1") == (a.AssignStmt(target, ONE),)
    assert stmts("x.f = 1") == (a.AssignStmt(a.FieldAccess(X, "f"), ONE),)


def test_else_if_nests_in_else() -> None:
    (if_,) = stmts("if x { skip } else if y { skip } else { z = 1 }")
    assert if_ == a.IfStmt(
        X, (a.SkipStmt(),), (a.IfStmt(Y, (a.SkipStmt(),), (a.AssignStmt(Z, ONE),)),)
    )


def test_every_statement_kind() -> None:
    body = stmts(
        """
        for v in S { x = v }
        let w = 2
        require w > 1
        send M { f: 1 } to p
        broadcast M {} to G
        f(1, 2)
        skip
        """
    )
    assert body == (
        a.ForStmt("v", a.Name("S"), (a.AssignStmt(X, a.Name("v")),)),
        a.LetStmt("w", TWO),
        a.RequireStmt(bin_(">", a.Name("w"), ONE)),
        a.SendStmt(a.RecordExpr("M", (a.FieldInit("f", ONE),)), a.Name("p")),
        a.BroadcastStmt(a.RecordExpr("M", ()), a.Name("G")),
        a.CallStmt("f", (ONE, TWO)),
        a.SkipStmt(),
    )


# ---------------------------------------------------------------- record literal vs block


def test_brace_after_condition_opens_a_block() -> None:
    (if_,) = stmts("if x { y = 1 }")
    assert if_ == a.IfStmt(X, (a.AssignStmt(Y, ONE),))


def test_brace_with_field_colon_is_a_record_literal() -> None:
    (if_,) = stmts("if x == M { f: 1 } { y = 1 }")
    assert isinstance(if_, a.IfStmt)
    assert if_.cond == bin_("==", X, a.RecordExpr("M", (a.FieldInit("f", ONE),)))


def test_empty_braces_after_a_name_are_an_empty_record() -> None:
    (if_,) = stmts("if x == M {} { skip }")
    assert isinstance(if_, a.IfStmt)
    assert if_.cond == bin_("==", X, a.RecordExpr("M", ()))


def test_record_literal_may_have_comments_before_its_first_field() -> None:
    assert expr("M { // the field\n f: 1 }") == a.RecordExpr("M", (a.FieldInit("f", ONE),))


def test_a_colon_inside_a_comment_does_not_make_a_record() -> None:
    (if_,) = stmts("if ready {\n  // note: the block starts here\n  x = 1\n}")
    assert if_ == a.IfStmt(a.Name("ready"), (a.AssignStmt(X, ONE),))


def test_keyword_before_a_brace_is_never_a_record() -> None:
    (if_,) = stmts("if x == none { skip }")
    assert isinstance(if_, a.IfStmt) and if_.cond == bin_("==", X, a.NoneLit())


def test_guard_ending_in_a_name_then_block() -> None:
    action = decl("action a when phase == Init { phase = Done }")
    assert isinstance(action, a.ActionDecl)
    assert action.guard == bin_("==", a.Name("phase"), a.Name("Init"))


# ---------------------------------------------------------------- expressions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", a.IntLit(42)),
        ("true", a.BoolLit(True)),
        ("false", a.BoolLit(False)),
        ("none", a.NoneLit()),
        ("self", a.Name("self")),
        ("{}", a.SetExpr(())),
        ("{x, 1}", a.SetExpr((X, ONE))),
        ("[x, 1]", a.SeqExpr((X, ONE))),
        ("[]", a.SeqExpr(())),
        ("1..x", a.RangeExpr(ONE, X)),
        ("{ x + 1 for x in S }", a.SetComprehension(bin_("+", X, ONE), "x", a.Name("S"))),
        ("{ x for x in S if x > 1 }",
         a.SetComprehension(X, "x", a.Name("S"), bin_(">", X, ONE))),
        ("{ k: 0 for k in 1..3 }", a.MapComprehension("k", a.IntLit(0), a.RangeExpr(ONE, a.IntLit(3)))),
        ("M { f: 1, g: x }", a.RecordExpr("M", (a.FieldInit("f", ONE), a.FieldInit("g", X)))),
        ("all T", a.AllExpr(a.NamedType("T"))),
        ("all set<T>", a.AllExpr(a.SetTypeExpr(a.NamedType("T")))),
        ("all (1..3)", a.AllExpr(a.RangeType(ONE, a.IntLit(3)))),
        ("len(x)", a.CallExpr("len", (X,))),
        ("f()", a.CallExpr("f", ())),
        ("G[2].x", a.FieldAccess(a.IndexExpr(a.Name("G"), TWO), "x")),
        ("if x then 1 else 2", a.IfExpr(X, ONE, TWO)),
        ("forall p, q in S: p", a.Quantifier("forall", ("p", "q"), a.Name("S"), a.Name("p"))),
        ("x not in S", bin_("not in", X, a.Name("S"))),
        ("x subset S", bin_("subset", X, a.Name("S"))),
        ("x => y", bin_("implies", X, Y)),
        ("-x", a.UnaryOp("-", X)),
    ],
)  # fmt: skip
def test_expressions(text: str, expected: a.Expr) -> None:
    assert expr(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x or y and z", bin_("or", X, bin_("and", Y, Z))),
        ("x and y or z", bin_("or", bin_("and", X, Y), Z)),
        ("not x and y", bin_("and", a.UnaryOp("not", X), Y)),
        ("not x == y", a.UnaryOp("not", bin_("==", X, Y))),
        ("x implies y implies z", bin_("implies", X, bin_("implies", Y, Z))),
        ("x or y implies z", bin_("implies", bin_("or", X, Y), Z)),
        ("x - y - z", bin_("-", bin_("-", X, Y), Z)),
        ("x + y * z", bin_("+", X, bin_("*", Y, Z))),
        ("x * y & z % 2", bin_("%", bin_("&", bin_("*", X, Y), Z), TWO)),
        ("-x * y", bin_("*", a.UnaryOp("-", X), Y)),
        ("-x.f", a.UnaryOp("-", a.FieldAccess(X, "f"))),
        ("x + 1 == y", bin_("==", bin_("+", X, ONE), Y)),
        ("x in 1..y + 1", bin_("in", X, a.RangeExpr(ONE, bin_("+", Y, ONE)))),
        ("(x or y) and z", bin_("and", bin_("or", X, Y), Z)),
        ("x and forall p in S: p or y",
         bin_("and", X, a.Quantifier("forall", ("p",), a.Name("S"), bin_("or", a.Name("p"), Y)))),
        ("if x then 1 else 2 + 3",
         a.IfExpr(X, ONE, bin_("+", TWO, a.IntLit(3)))),
        ("x == if y then 1 else 2", bin_("==", X, a.IfExpr(Y, ONE, TWO))),
        ("x[1][2]", a.IndexExpr(a.IndexExpr(X, ONE), TWO)),
    ],
)  # fmt: skip
def test_precedence(text: str, expected: a.Expr) -> None:
    assert expr(text) == expected


def test_quantifier_body_extends_to_the_end() -> None:
    inv = decl("invariant I: exists p in S: x and y implies z")
    assert isinstance(inv, a.PropertyDecl) and isinstance(inv.expr, a.Quantifier)
    assert inv.expr.body == bin_("implies", bin_("and", X, Y), Z)


# ---------------------------------------------------------------- spans


def test_spans_point_at_the_source() -> None:
    spec = parse("spec T\nconst N = 1 +  x\naction a {\n  y = N\n}\n", "f.dsl")
    const, action = spec.decls
    assert isinstance(const, a.ConstDecl) and isinstance(action, a.ActionDecl)
    assert const.span == Span("f.dsl", 2, 1, 2, 17)
    assert const.value.span == Span("f.dsl", 2, 11, 2, 17)
    assert isinstance(const.value, a.BinOp)
    assert const.value.right.span == Span("f.dsl", 2, 16, 2, 17)
    assert action.span == Span("f.dsl", 3, 1, 5, 2)
    assert action.body[0].span == Span("f.dsl", 4, 3, 4, 8)
    assert spec.span.file == "f.dsl"


def test_parenthesised_expression_keeps_its_own_span() -> None:
    value = expr("(x)")
    assert value == X and (value.span.line, value.span.col) == (2, 12)


def test_every_node_of_the_example_has_a_span() -> None:
    missing: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, tuple):
            for item in node:
                walk(item)
        elif hasattr(node, "__dataclass_fields__") and not isinstance(node, Span):
            if node.span.file != "2pc.dsl":  # type: ignore[attr-defined]
                missing.append(node)
            for name in node.__dataclass_fields__:
                if name != "span":
                    walk(getattr(node, name))

    walk(parse(NODE_STYLE, "2pc.dsl"))
    walk(parse(GLOBAL_STYLE, "2pc.dsl"))
    assert missing == []
