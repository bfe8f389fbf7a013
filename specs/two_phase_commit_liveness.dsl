spec TwoPhaseCommitLiveness

// Two-phase commit that terminates: every participant eventually learns the decision, over a
// network that loses, duplicates and reorders messages.
//
// Protocol: as in two_phase_commit.dsl, the coordinator asks every participant to vote and
// decides Commit only if all vote yes (Abort on a no, or when it gives up waiting). To survive
// lost messages it retransmits: while waiting, it sends Prepare (again) to every participant
// whose vote it lacks; once decided, it sends the Outcome (again) to every participant that
// has not acknowledged it. A participant answers every Prepare with its vote (the same vote
// again if it has already voted: the first one may have been lost) and every Outcome with an
// Ack. Every send is one message and waits while max_in_flight messages are in flight; no
// handler has a `when` guard, so a stale message can always be delivered (it is answered
// again or ignored).
//
// Properties: Atomicity (no participant has committed while another has aborted) and the
// liveness property EventuallyDecided: every participant ends Committed or Aborted.
//
// Fairness: `fair delivery` (strong, per message: a message that can be delivered again and
// again is eventually delivered, so the network may lose retransmissions but not all of
// them), and strong fairness for the coordinator's two sends (a retransmission that is
// possible again and again eventually happens). Strong, not weak: a send waits while the
// network is full, so it is not continuously enabled. Without fairness EventuallyDecided
// fails: two_phase_commit_liveness_unfair.dsl is this spec without the three lines, and the
// network drops every retransmission. With `fair delivery` alone it fails too: the network
// duplicates a stale vote and delivers the copy, again and again, while the coordinator,
// busy with the copies, never sends the outcome. (`fair node Coordinator` would not help:
// receiving those copies counts as the coordinator's steps.)
//
// Constants: N = 3 participants, MaxInFlight = 2 messages in flight at most.

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

fair delivery
strong fair action Coordinator.send_prepare
strong fair action Coordinator.send_outcome

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted

property EventuallyDecided:
  eventually forall p in Participant: p.state == Committed or p.state == Aborted

reachable AllCommit: forall p in Participant: p.state == Committed
reachable AllAbort: forall p in Participant: p.state == Aborted
reachable AllAcknowledged: Coordinator.acked == all Participant

// the round is over once every participant has acknowledged the outcome
terminal when Coordinator.acked == all Participant
