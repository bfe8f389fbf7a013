spec TwoPhase

// Lamport's TwoPhase.tla (TLA+ Examples), transcribed variable for variable and action for
// action. A transaction manager (TM) commits only once every resource manager (RM) has sent
// Prepared; messages are a set that only grows, so loss, duplication and reordering are all
// implicit. TCConsistent: no RM has committed while another has aborted.
// TLC's distinct states: 288 (RMs=3), 1568 (4), 8832 (5), 50816 (6), 296448 (7).

const RMs = 3

type RM = 1..RMs
type RMState = enum { Working, Prepared, Committed, Aborted }
type TMState = enum { Init, Committed, Aborted }
type MsgKind = enum { Prepared, Commit, Abort }

// [type |-> "Prepared", rm |-> r] has an rm; [type |-> "Commit"] and [type |-> "Abort"] do not.
type Msg = record { kind: MsgKind, rm: RM? }

var rmState: map<RM, RMState> = { r: Working for r in RM }
var tmState: TMState = Init
var tmPrepared: set<RM> = {}
var msgs: set<Msg> = {}

// ---------------------------------------------------------------- the transaction manager

action TMRcvPrepared(r: RM) when tmState == Init and Msg { kind: Prepared, rm: r } in msgs {
  tmPrepared = tmPrepared + {r}
}

action TMCommit when tmState == Init and tmPrepared == all RM {
  tmState = Committed
  msgs = msgs + { Msg { kind: Commit, rm: none } }
}

action TMAbort when tmState == Init {
  tmState = Aborted
  msgs = msgs + { Msg { kind: Abort, rm: none } }
}

// ---------------------------------------------------------------- the resource managers

action RMPrepare(r: RM) when rmState[r] == Working {
  rmState[r] = Prepared
  msgs = msgs + { Msg { kind: Prepared, rm: r } }
}

action RMChooseToAbort(r: RM) when rmState[r] == Working {
  rmState[r] = Aborted
}

action RMRcvCommitMsg(r: RM) when Msg { kind: Commit, rm: none } in msgs {
  rmState[r] = Committed
}

action RMRcvAbortMsg(r: RM) when Msg { kind: Abort, rm: none } in msgs {
  rmState[r] = Aborted
}

// ---------------------------------------------------------------- properties

// TPTypeOK: the declared types already pin rmState, tmState and tmPrepared; what is left is
// msgs \subseteq Messages, i.e. exactly the Prepared messages name an RM.
invariant TPTypeOK: forall m in msgs: (m.kind == Prepared) == (m.rm != none)

invariant TCConsistent:
  not exists r1, r2 in RM: rmState[r1] == Aborted and rmState[r2] == Committed

reachable SomeRMCommits: exists r in RM: rmState[r] == Committed
reachable SomeRMAborts: exists r in RM: rmState[r] == Aborted
