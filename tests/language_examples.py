"""The node-style example of the language guide, shared by the syntax and semantics tests."""

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
