spec TwoPhaseCommitBuggy extends "two_phase_commit.dsl"

// Two-phase commit with a tempting shortcut: a participant that voted yes and hears nothing
// commits on its own (participant_timeout), though the coordinator may still decide Abort.
// Atomicity (no participant committed while another aborted) is violated; see the tutorial.
// Everything not restated here is two_phase_commit.dsl's (see "Variants" in
// docs/language.md).

node Participant[N] {
  // THE BUG: after voting yes, stop waiting for the outcome and commit unilaterally
  action participant_timeout when state == Prepared {
    state = Committed
  }
}

// The lemmas explain why the correct protocol holds; this one breaks them.
drop lemma CommitOnlyAfterAllYes
drop lemma AbortOnlyWithoutAllYes
drop lemma AllYesMeansAllPrepared
drop lemma WaitingVotersArePrepared
drop lemma YesVotesComeFromPrepared
drop lemma NoVotesCountedBeforeBegin

// This variant exists to show the bug: `verikit check` succeeds while Atomicity is violated.
expect violation Atomicity
