spec Saga

// An orchestrated saga with compensations (Garcia-Molina & Salem, "Sagas", 1987) across three
// services, over a network that loses, duplicates and reorders messages.
//
// Protocol: the orchestrator runs the steps in order: it sends Do to service 1, and on a
// successful Done to service 2, and so on; when the last step succeeds the saga is Committed.
// A service runs its local transaction once, succeeding or failing, and answers every Do
// (a repeated Do gets the same answer). If a step fails, or the orchestrator times out waiting
// for it (its Do or the Done may be lost, or just slow), the saga compensates: the orchestrator
// sends Undo to every step that succeeded and to the step it gave up on, and repeats each
// until that service acknowledges; then the saga is Compensated. The orchestrator resends a
// Do or an Undo whenever it likes (a retry after a timeout), so services see duplicates.
// Services make both handlers idempotent: an Undo compensates a committed step once (a
// second Undo finds it Compensated), and an Undo that arrives before its Do leaves a
// tombstone (Cancelled), so the late Do is refused rather than committed.
//
// Properties: CompensatedOnce — no step's effect is compensated twice (no double refund).
// NoCommitAfterCompensation — once the saga is Compensated no step is committed, and
// AllCommitted — a Committed saga has every step committed. Finishes (liveness, retries
// strongly fair and delivery fair) — every saga ends Committed with every step committed, or
// Compensated with none.
//
// Not modelled: orchestrator crashes (its state would be a durable saga log, as in
// two_phase_commit_crash.dsl); compensations never fail (a real system retries them).
//
// Bugs: saga_compensation_not_idempotent.dsl refunds on every Undo; saga_timeout_late_commit.dsl
// acknowledges an Undo that arrives before its Do without a tombstone, and commits the late Do.

const Steps = 3

message Do {}
message Done { ok: bool }
message Undo {}
message UndoAck {}

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

node Orchestrator {
  var phase: enum { Idle, Forward, Compensating, Committed, Compensated } = Idle
  var step: 1..Steps = 1
  var done: set<Service> = {}        // steps that succeeded
  var pending: set<Service> = {}     // compensations not yet acknowledged

  action start when phase == Idle {
    phase = Forward
    send Do {} to Service[1]
  }

  action retry_do when phase == Forward { send Do {} to Service[step] }

  on Done(m) from s when phase == Forward and s == Service[step] {
    if m.ok {
      done = done + {s}
      if step == Steps {
        phase = Committed
      } else {
        step = step + 1
        send Do {} to Service[step]
      }
    } else {
      compensate(done)
    }
  }

  // gave up waiting for the current step: compensate it too, whatever became of it
  action timeout when phase == Forward { compensate(done + {Service[step]}) }

  fn compensate(targets: set<Service>) {
    phase = if targets == {} then Compensated else Compensating
    pending = targets
  }

  // one Undo at a time, and again until acknowledged (a broadcast would need room in the
  // bounded network for all of them at once, which stale copies may take for ever)
  action send_undo(s in pending) when phase == Compensating { send Undo {} to s }

  on UndoAck from s when phase == Compensating {
    pending = pending - {s}
    if pending == {} { phase = Compensated }
  }
}

node Service[Steps] {
  var state: enum { Idle, Committed, Failed, Compensated, Cancelled } = Idle

  on Do from o {
    if state == Idle {
      choose ok in bool {
        if ok {
          state = Committed
          effects[self] = true
        } else {
          state = Failed
        }
      }
    }
    if state == Committed or state == Failed {   // a repeated Do gets the same answer
      send Done { ok: state == Committed } to o
    }
  }

  on Undo from o {
    if state == Committed {
      state = Compensated
      refunds[self] = min({refunds[self] + 1, 2})
    } else if state == Idle {
      state = Cancelled                          // the tombstone: a late Do is refused
    }
    send UndoAck {} to o
  }
}

// history, for the properties only: which steps took effect, and how often each was undone
var effects: map<Service, bool> = { s: false for s in Service }
var refunds: map<Service, 0..2> = { s: 0 for s in Service }

invariant CompensatedOnce:
  forall s in Service: refunds[s] <= 1 and (refunds[s] == 1 implies effects[s])
invariant NoCommitAfterCompensation:
  Orchestrator.phase == Compensated implies forall s in Service: s.state != Committed
invariant AllCommitted:
  Orchestrator.phase == Committed implies forall s in Service: s.state == Committed

property Finishes:
  eventually (Orchestrator.phase == Committed and forall s in Service: s.state == Committed)
          or (Orchestrator.phase == Compensated and forall s in Service: s.state != Committed)

strong fair action Orchestrator.start
strong fair action Orchestrator.retry_do
strong fair action Orchestrator.send_undo
fair delivery

reachable SagaCommits: Orchestrator.phase == Committed
reachable TwoStepsCompensated:
  Orchestrator.phase == Compensated and len({ s for s in Service if s.state == Compensated }) == 2
reachable LateDoRefused:
  Orchestrator.phase == Compensated and exists s in Service: s.state == Cancelled

terminal when Orchestrator.phase == Committed or Orchestrator.phase == Compensated

// Why it holds (what `verikit prove` needs to prove it by induction): the orchestrator moves
// forward one step at a time, the steps behind it succeeded and the ones ahead are untouched;
// only the orchestrator sends Do and Undo; each answer in flight tells the truth about its
// service; and once compensating, a service the orchestrator no longer waits for can never
// commit again.
fn pos(s: Service) -> int = min({ i for i in 1..Steps if Service[i] == s })

lemma NothingBeforeStart:
  Orchestrator.phase == Idle implies
    Orchestrator.step == 1 and Orchestrator.done == {} and (forall s in Service: s.state == Idle)
    and not in_flight(Do {}) and not in_flight(Undo {}) and not in_flight(UndoAck {})
    and not in_flight(Done { ok: true }) and not in_flight(Done { ok: false })
lemma OnlyTheOrchestratorAsks:
  forall s, x in Service: not in_flight(Do {}, x, s) and not in_flight(Undo {}, x, s)
lemma StepsAheadUntouched:
  forall s in Service: pos(s) > Orchestrator.step implies
    s.state == Idle and not in_flight(Do {}, Orchestrator, s)
    and not in_flight(Undo {}, Orchestrator, s) and s not in Orchestrator.pending
lemma StepsBehindDone:
  forall s in Service: (s in Orchestrator.done) ==
    (pos(s) < Orchestrator.step or (Orchestrator.phase == Committed and pos(s) == Steps))
lemma CommittedAtTheLastStep: Orchestrator.phase == Committed implies Orchestrator.step == Steps
lemma NoUndoGoingForward:
  Orchestrator.phase in {Idle, Forward, Committed} implies
    Orchestrator.pending == {} and not in_flight(Undo {}) and not in_flight(UndoAck {})
    and forall s in Service: s.state in {Idle, Committed, Failed}
      and (s in Orchestrator.done implies s.state == Committed)
lemma AnswersTellTheTruth:
  forall s in Service:
    (in_flight(Done { ok: true }, s, Orchestrator) implies s.state in {Committed, Compensated})
    and (in_flight(Done { ok: false }, s, Orchestrator) implies s.state == Failed)
    and (in_flight(UndoAck {}, s, Orchestrator) implies s.state in {Compensated, Cancelled, Failed})
lemma UndoneForGood:
  Orchestrator.phase in {Compensating, Compensated} implies
    forall s in Service: s not in Orchestrator.pending implies
      s.state != Committed and (s.state == Idle implies pos(s) > Orchestrator.step)
lemma CompensatedHasNoPending:
  Orchestrator.phase == Compensated implies Orchestrator.pending == {}
lemma RefundsFollowState:
  forall s in Service: refunds[s] <= 1 and (refunds[s] == 1) == (s.state == Compensated)
    and effects[s] == (s.state in {Committed, Compensated})
