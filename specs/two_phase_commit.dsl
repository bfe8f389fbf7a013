spec TwoPhaseCommit

// Two-phase commit: the coordinator asks every participant to vote and decides Commit only if
// all vote yes (Abort on a no, or when it stops waiting); the network loses, duplicates and
// reorders messages. Atomicity: no participant has committed while another has aborted.

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

// Lemmas: why Atomicity holds, as facts `verikit prove` proves together with it by induction
// (each one step at a time, k = 1). A commit, or a Commit outcome in flight, means every
// participant voted yes; an Abort outcome means not all did; a yes vote comes from a
// participant still Prepared until the coordinator decides.
lemma CommitOnlyAfterAllYes:
  (exists p in Participant: p.state == Committed) or in_flight(Outcome { decision: Commit })
    implies Coordinator.phase == Done and Coordinator.yes == all Participant
lemma AbortOnlyWithoutAllYes:
  in_flight(Outcome { decision: Abort })
    implies Coordinator.phase == Done and Coordinator.yes != all Participant
lemma AllYesMeansAllPrepared:
  Coordinator.yes == all Participant implies
    forall p in Participant: p.state == Prepared or p.state == Committed
lemma WaitingVotersArePrepared:
  Coordinator.phase == Waiting implies
    Coordinator.yes != all Participant and forall p in Coordinator.yes: p.state == Prepared
lemma YesVotesComeFromPrepared:
  Coordinator.phase != Done implies
    forall p in Participant: in_flight(Vote { yes: true }, p, Coordinator) implies p.state == Prepared
lemma NoVotesCountedBeforeBegin: Coordinator.phase == Init implies Coordinator.yes == {}

reachable SomeoneCommits: exists p in Participant: p.state == Committed
reachable SomeoneAborts: exists p in Participant: p.state == Aborted
reachable AllCommit: forall p in Participant: p.state == Committed

// 2PC may block: a lost Outcome leaves a participant Prepared for ever. Stopping is fine once
// the coordinator has decided.
terminal when Coordinator.phase == Done
