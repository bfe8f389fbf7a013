spec TwoPhaseCommitLivenessUnfair

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
//
// A full copy, not `extends "two_phase_commit_liveness.dsl"`: a variant cannot leave out
// its base's fairness declarations (docs/language.md, "Variants", has no `drop fair`).

const N = 3
const MaxInFlight = 2

type Decision = enum { Commit, Abort }

message Prepare {}
message Vote { yes: bool }
message Outcome { decision: Decision }
message Ack {}

network { loss: true  duplicate: true  reorder: true  max_in_flight: MaxInFlight }

node Coordinator {
  var phase: enum { Init, Waiting, Done } = Init
  var yes: set<Participant> = {}
  var decision: Decision = Abort            // meaningful once phase == Done
  var acked: set<Participant> = {}

  action begin when phase == Init { phase = Waiting }

  // Prepare goes out (again) to every participant whose vote has not arrived: the first
  // Prepare, or the participant's vote, may have been lost
  action send_prepare(p in all Participant - yes) when phase == Waiting {
    send Prepare {} to p
  }

  on Vote(m) from p {
    if phase == Waiting {
      if not m.yes {
        decide(Abort)
      } else {
        yes = yes + {p}
        if yes == all Participant { decide(Commit) }
      }
    }
  }

  // a timeout: the coordinator may stop waiting at any time
  action give_up when phase == Waiting { decide(Abort) }

  // the decision goes out (again) to every participant that has not acknowledged it
  action send_outcome(p in all Participant - acked) when phase == Done {
    send Outcome { decision: decision } to p
  }

  on Ack from p { acked = acked + {p} }

  fn decide(d: Decision) {
    phase = Done
    decision = d
  }
}

node Participant[N] {
  var state: enum { Working, Prepared, Committed, Aborted } = Working

  on Prepare from c {
    if state == Working {
      choose vote in bool {
        state = if vote then Prepared else Aborted
        send Vote { yes: vote } to c
      }
    } else {
      send Vote { yes: state != Aborted } to c   // the same vote again
    }
  }

  on Outcome(m) from c {
    state = if m.decision == Commit then Committed else Aborted
    send Ack {} to c
  }
}

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted

property EventuallyDecided:
  eventually forall p in Participant: p.state == Committed or p.state == Aborted

reachable AllCommit: forall p in Participant: p.state == Committed
reachable AllAbort: forall p in Participant: p.state == Aborted
reachable AllAcknowledged: Coordinator.acked == all Participant

// the round is over once every participant has acknowledged the outcome
terminal when Coordinator.acked == all Participant

expect violation EventuallyDecided
