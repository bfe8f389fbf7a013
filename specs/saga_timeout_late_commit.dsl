spec SagaTimeoutLateCommit

// An orchestrated saga with compensations — with the bug: a timeout compensates a step that
// commits later.
//
// Protocol: as in saga.dsl (read its header), except for the service's Undo handler: an Undo
// for a step it has not run yet is acknowledged as a no-op, with no tombstone, so the Do that
// arrives after it still runs the step.
//
// Property: NoCommitAfterCompensation — once the saga is Compensated no step is committed.
//
// Bug: the orchestrator times out waiting for a step whose Do is merely slow, and compensates;
// the Undo overtakes the Do, finds nothing to undo and is acknowledged; the saga is over,
// Compensated; then the Do arrives and the step commits, never to be compensated. TCC
// frameworks call it the "hanging" (or "suspension") problem and require a null-compensation
// record for it (Seata's anti-hanging check). Fixed by saga.dsl (the Cancelled tombstone).

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
    }                                            // THE BUG: Idle stays Idle, no tombstone
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

reachable SagaCommits: Orchestrator.phase == Committed
reachable TwoStepsCompensated:
  Orchestrator.phase == Compensated and len({ s for s in Service if s.state == Compensated }) == 2

terminal when Orchestrator.phase == Committed or Orchestrator.phase == Compensated

expect violation NoCommitAfterCompensation
