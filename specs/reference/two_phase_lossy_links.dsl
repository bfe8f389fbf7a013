spec TwoPhaseLossyLinks

// Two-phase commit over lossy links that each hold one message, as Promela channels of
// capacity 1 in a SPIN model run with lossy channels (`spin -m`): a send into a link that
// already holds a message completes, and the message is lost (`when_full: lose`); a message
// in a link may also be lost (`loss: true`). Because anything may be lost, the coordinator
// retransmits: Prepare to each participant it has no yes vote from, then the outcome to each
// participant, as often as it likes; a participant asked again repeats its vote.
//
// Counts (distinct states, N = 2 / 3 / 4): 836 / 19,746 / 485,456, the figures of the same
// model written in global-state style, one variable per link
// (specs/reference/two_phase_lossy_links_global.dsl). Written with the one global bound
// `max_in_flight: 2 * N` and `reorder: true` instead, it has 6,201 and 859,746 states for
// N = 2 and 3 (43x at N = 3), with "make room" steps in its counterexamples.

const N = 2

type Decision = enum { Commit, Abort }

message Prepare {}
message Vote { yes: bool }
message Outcome { decision: Decision }

network { loss: true  max_per_link: 1  when_full: lose }

node Coordinator {
  var phase: enum { Waiting, Done } = Waiting
  var yes: set<Participant> = {}
  var decision: Decision = Abort              // meaningful once phase == Done

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
  action give_up when phase == Waiting { decide(Abort) }
  action send_outcome(p in all Participant) when phase == Done {
    send Outcome { decision: decision } to p
  }

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
  on Outcome(m) {
    state = if m.decision == Commit then Committed else Aborted
  }
}

invariant Atomicity:
  not exists p, q in Participant: p.state == Committed and q.state == Aborted
reachable AllCommit: forall p in Participant: p.state == Committed
reachable AllAbort: forall p in Participant: p.state == Aborted
