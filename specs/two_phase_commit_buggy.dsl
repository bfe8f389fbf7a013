spec TwoPhaseCommitBuggy

// Two-phase commit with a tempting "optimisation": a participant that voted yes and has heard
// nothing for a while gives up waiting and commits on its own (participant_timeout). Yet the
// coordinator may still decide Abort (another participant voted no, or it gave up), so
// Atomicity — no participant commits while another aborts — is violated. Compare
// two_phase_commit.dsl: a prepared participant must wait for the coordinator's decision.

const N = 3

type Decision = enum { Commit, Abort }

message Prepare {}
message Vote { yes: bool }
message Outcome { decision: Decision }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 4 }

node Coordinator {
  var phase: enum { Init, Waiting, Done } = Init
  var yes: set<Participant> = {}

  action begin when phase == Init {
    phase = Waiting
    broadcast Prepare {} to Participant
  }

  on Vote(m) from p when phase == Waiting {
    if not m.yes {
      decide(Abort)
    } else {
      yes = yes + {p}
      if yes == all Participant { decide(Commit) }
    }
  }

  // a timeout: votes may be lost, so the coordinator may stop waiting at any time
  action give_up when phase == Waiting { decide(Abort) }

  fn decide(d: Decision) {
    phase = Done
    broadcast Outcome { decision: d } to Participant
  }
}

node Participant[N] {
  var state: enum { Working, Prepared, Committed, Aborted } = Working

  on Prepare from c when state == Working {
    choose vote in bool {
      state = if vote then Prepared else Aborted
      send Vote { yes: vote } to c
    }
  }

  // THE BUG: after voting yes, stop waiting for the outcome and commit unilaterally
  action participant_timeout when state == Prepared {
    state = Committed
  }

  on Outcome(m) {
    state = if m.decision == Commit then Committed else Aborted
  }
}

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted

reachable SomeoneCommits: exists p in Participant: p.state == Committed
reachable SomeoneAborts: exists p in Participant: p.state == Aborted

terminal when Coordinator.phase == Done
