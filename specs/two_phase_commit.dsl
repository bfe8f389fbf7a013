spec TwoPhaseCommit

// Two-phase commit: a coordinator asks every participant to vote; it decides Commit only if
// all vote yes, Abort otherwise (or when it gives up waiting), and tells everyone the outcome.
// The network may lose, duplicate and reorder messages. Atomicity: no participant commits
// while another aborts. (2PC is safe but may block: a lost Outcome leaves a participant
// Prepared forever, which is why the terminal states are only "the coordinator decided".)

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

  on Outcome(m) {
    state = if m.decision == Commit then Committed else Aborted
  }
}

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted

reachable SomeoneCommits: exists p in Participant: p.state == Committed
reachable SomeoneAborts: exists p in Participant: p.state == Aborted
reachable AllCommit: forall p in Participant: p.state == Committed

terminal when Coordinator.phase == Done
