spec TwoPhaseCommitCrash

// Two-phase commit with coordinator crash and recovery, over a network that loses, duplicates
// and reorders messages, and where any one node may crash and restart.
//
// Protocol: as in two_phase_commit.dsl, the coordinator asks every participant to vote and
// decides Commit only if all vote yes. The decision is written to a durable log FIRST and only
// then sent (two separate steps: a crash may fall in between). A crash wipes everything the
// coordinator had in memory; on restart it reads its log: a logged decision is sent again,
// and with none it presumes Abort (logging that too before sending it). Participants keep
// their state in durable storage, so a participant's crash only makes it unavailable.
//
// Property: Atomicity — no participant has committed while another has aborted.
//
// Bug: none here. two_phase_commit_crash_buggy.dsl sends the decision before logging it; a
// crash in between makes the recovered coordinator presume Abort after some participant
// already committed. Defaults check in a split second; --const N=3 takes seconds, N=4 minutes.

const N = 2   // participants

type Decision = enum { Commit, Abort }

message Prepare {}
message Vote { yes: bool }
message Outcome { decision: Decision }

network {
  loss: true  duplicate: true  reorder: true  max_in_flight: N + 1
  crash: true  max_crashes: 1
}

node Coordinator {
  var phase: enum { Idle, Waiting, Logged, Done } = Idle
  var yes: set<Participant> = {}
  durable var started: bool = false           // the transaction exists (survives a crash)
  durable var decision: Decision? = none      // the decision log

  action begin when not started {
    started = true
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

  // step 1: force the decision to the log
  fn decide(d: Decision) {
    decision = d
    phase = Logged
  }

  // step 2: tell the participants
  action announce when phase == Logged {
    broadcast Outcome { decision: decision } to Participant
    phase = Done
  }

  // after a restart (memory wiped, log kept): resend the logged decision, or presume Abort
  action recover when phase == Idle and started {
    if decision == none { decide(Abort) } else { phase = Logged }
    recovered = true
  }
}

node Participant[N] {
  durable var state: enum { Working, Prepared, Committed, Aborted } = Working

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

// history, for the properties only: the coordinator has recovered from a crash
var recovered: bool = false

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted

reachable AllCommit: forall p in Participant: p.state == Committed
reachable CommitSurvivesCrash: recovered and forall p in Participant: p.state == Committed

terminal when Coordinator.phase == Done
