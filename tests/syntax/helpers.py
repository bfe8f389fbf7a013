"""Shared snippets for the syntax tests: the two whole examples of LANGUAGE.md and
one-liners that parse a single expression, statement or declaration."""

from __future__ import annotations

from verikit.syntax import ast as a
from verikit.syntax import parse

NODE_STYLE = """\
spec TwoPhaseCommit

const N = 3

type Decision = enum { Commit, Abort }
message Prepare {}
message Vote { yes: bool }
message Outcome { decision: Decision }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 6 }

node Coordinator {
  var phase: enum { Init, Waiting, Done } = Init
  var yes: set<Participant> = {}
  durable var decision: Decision? = none

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
  fn decide(d: Decision) { phase = Done; decision = d; broadcast Outcome { decision: d } to Participant }
}

node Participant[N] {
  var state: enum { Working, Prepared, Committed, Aborted } = Working
  on Prepare from c when state == Working {
    choose yes in bool {
      state = if yes then Prepared else Aborted
      send Vote { yes: yes } to c
    }
  }
  on Outcome(m) { state = if m.decision == Commit then Committed else Aborted }
}

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted
reachable SomeoneCommits: exists p in Participant: p.state == Committed
terminal when Coordinator.phase == Done
"""

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
