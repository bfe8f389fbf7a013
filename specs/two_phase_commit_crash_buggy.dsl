spec TwoPhaseCommitCrashBuggy

// Two-phase commit with coordinator crash and recovery — with the bug: the coordinator sends
// its decision BEFORE writing it to the durable log.
//
// Protocol: as in two_phase_commit_crash.dsl (vote, decide, crash, recover from the log,
// presume Abort when the log is empty), except for the order of the two steps of a decision:
// here the Outcome messages go out first and the log write follows as a separate step.
//
// Property: Atomicity — no participant has committed while another has aborted.
//
// Bug: the coordinator decides Commit and sends it; one participant commits; the coordinator
// crashes before logging. On restart the log is empty, so it presumes Abort and tells the
// other participant, which aborts. Fixed by two_phase_commit_crash.dsl (log, then send).
// Defaults check in a split second; --const N=3 takes seconds, N=4 minutes.

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
  var phase: enum { Idle, Waiting, Sent, Logged, Done } = Idle
  var yes: set<Participant> = {}
  durable var started: bool = false           // the transaction exists (survives a crash)
  durable var decision: Decision? = none      // the decision log
  var pending: Decision? = none               // decided and sent, not yet logged

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

  // step 1: tell the participants — THE BUG: the decision is not in the log yet
  fn decide(d: Decision) {
    broadcast Outcome { decision: d } to Participant
    pending = d
    phase = Sent
  }

  // step 2: write the decision to the log
  action log_decision when phase == Sent {
    decision = pending
    phase = Done
  }

  // send a decision read back from the log after a restart
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

expect violation Atomicity
