spec TwoPhaseCommitLivenessUnfair extends "two_phase_commit_liveness.dsl"

// two_phase_commit_liveness.dsl without its fairness declarations: the same retransmitting
// coordinator and re-acknowledging participants over a network that loses, duplicates and
// reorders messages, but nothing promises that a message is ever delivered or that the
// coordinator keeps retransmitting.
//
// Property: EventuallyDecided (every participant ends Committed or Aborted) is violated. The
// counterexample is a lasso: the coordinator starts, then forever sends Prepare and the
// network drops it. Retransmission alone does not make a protocol live; it needs the
// assumption that the network delivers a message sent again and again (`fair delivery`).
// Atomicity still holds.
//
// Constants: N = 3 participants, MaxInFlight = 2 messages in flight at most.
// Everything not restated here is two_phase_commit_liveness.dsl's (see "Variants" in
// docs/language.md).

drop fair delivery
drop strong fair action Coordinator.send_prepare
drop strong fair action Coordinator.send_outcome

expect violation EventuallyDecided
