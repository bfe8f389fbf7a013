"""Shared snippets for the syntax tests: the two whole examples of LANGUAGE.md and
one-liners that parse a single expression, statement or declaration."""

from __future__ import annotations

from verikit.syntax import ast as a
from verikit.syntax import parse

from ..language_examples import NODE_STYLE as NODE_STYLE

GLOBAL_STYLE = """\
spec TwoPhase
const RMs = 3
type RM = 1..RMs
type Msg = record { kind: enum { Prepared, Commit, Abort }, rm: RM? }

var rmState: map<RM, enum { Working, Prepared, Committed, Aborted }> = { r: Working for r in RM }
var tmState: enum { Init, Committed, Aborted } = Init
var tmPrepared: set<RM> = {}
var msgs: set<Msg> = {}

action TMRcvPrepared(r: RM) when tmState == Init and Msg { kind: Prepared, rm: r } in msgs {
  tmPrepared = tmPrepared + {r}
}
action RMPrepare(r: RM) when rmState[r] == Working {
  rmState[r] = Prepared
  msgs = msgs + { Msg { kind: Prepared, rm: r } }
}
action TMCommit when tmState == Init and tmPrepared == all RM { tmState = Committed }
invariant Consistent: not exists r1, r2 in RM: rmState[r1] == Aborted and rmState[r2] == Committed
constraint len(msgs) <= 10
"""


def expr(text: str) -> a.Expr:
    """The expression `text`, parsed as the value of a constant."""
    decl = parse(f"spec T\nconst c = {text}").decls[0]
    assert isinstance(decl, a.ConstDecl)
    return decl.value


def decl(text: str) -> a.Decl:
    (only,) = parse(f"spec T\n{text}").decls
    return only


def stmts(text: str) -> tuple[a.Stmt, ...]:
    """The statements `text`, parsed as the body of an action."""
    action = decl(f"action a {{\n{text}\n}}")
    assert isinstance(action, a.ActionDecl)
    return action.body


def type_of(text: str) -> a.TypeExpr:
    declared = decl(f"type T = {text}")
    assert isinstance(declared, a.TypeDecl)
    return declared.type
