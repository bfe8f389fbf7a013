spec TwoPhaseCommitCrashBuggy extends "two_phase_commit_crash.dsl"

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
// Defaults check in a split second; --const N=3 takes seconds, N=4 minutes. Everything not
// restated below is two_phase_commit_crash.dsl's (see "Variants" in docs/language.md).

node Coordinator {
  var phase: enum { Idle, Waiting, Sent, Logged, Done } = Idle
  var pending: Decision? = none               // decided and sent, not yet logged

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

  // announce, two_phase_commit_crash.dsl's step 2, now only resends a decision read back
  // from the log after a restart
}

expect violation Atomicity
