// expect: holds states=249 depth=12
spec SymmetricTwoPhase
// two-phase commit whose three participants are `symmetric`: one state per class of states
// equal up to renaming them (tests/native/test_symmetry.py compares both backends)
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
