spec TwoPhaseCommitBuggy

// Two-phase commit with a tempting shortcut: a participant that voted yes and hears nothing
// commits on its own (participant_timeout), though the coordinator may still decide Abort.
// Atomicity (no participant committed while another aborted) is violated; see the tutorial.

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
reachable AllCommit: forall p in Participant: p.state == Committed

// 2PC may block: a lost Outcome leaves a participant Prepared for ever. Stopping is fine once
// the coordinator has decided.
terminal when Coordinator.phase == Done

// This variant exists to show the bug: `verikit check` succeeds while Atomicity is violated.
expect violation Atomicity
