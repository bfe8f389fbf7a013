spec QueueIdempotentNoDedup

// An at-least-once queue with retries and a dead-letter queue — with the bug: the consumer
// does not de-duplicate.
//
// Protocol: as in queue_idempotent.dsl (read its header), except that the consumer applies
// every delivery it processes successfully; it keeps no idempotency keys.
//
// Property: ExactlyOnce — no payment is applied twice.
//
// Bug: the consumer applies a payment; its ack is lost (or it crashes before acking, or the
// visibility timeout fires while it works); the broker delivers the payment again and the
// consumer applies it again: the customer is charged twice. Every at-least-once queue (SQS,
// RabbitMQ, Kafka consumers committing offsets after processing) redelivers; a consumer that
// assumes exactly-once delivery double-charges. Fixed by queue_idempotent.dsl.

const Payments = 2
const MaxAttempts = 2

type Id = 1..Payments

message Deliver { id: Id }
message Ack { id: Id }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

node Broker {
  var state: map<Id, enum { Queued, Hidden, Deleted, Dead }> = { i: Queued for i in Id }
  var attempts: map<Id, 0..MaxAttempts> = { i: 0 for i in Id }

  action deliver(i: Id) when state[i] == Queued and attempts[i] < MaxAttempts {
    attempts[i] = attempts[i] + 1
    state[i] = Hidden
    send Deliver { id: i } to Consumer
  }

  // the visibility timeout: no ack came in time (or it is still on its way)
  action timeout(i: Id) when state[i] == Hidden { state[i] = Queued }

  action dead_letter(i: Id) when state[i] == Queued and attempts[i] == MaxAttempts {
    state[i] = Dead
  }

  on Ack(m) {
    if state[m.id] == Hidden or state[m.id] == Queued { state[m.id] = Deleted }
  }
}

node Consumer {
  var unacked: set<Id> = {}           // applied (or found applied), ack not yet sent

  on Deliver(m) {
    choose ok in bool {
      if ok {
        applied[m.id] = min({applied[m.id] + 1, 2})   // THE BUG: no idempotency key checked
        unacked = unacked + {m.id}
      }
    }
  }

  action ack(i in unacked) {
    unacked = unacked - {i}
    send Ack { id: i } to Broker
  }

  // a crash and restart, as one step: memory is lost, the database (keys) is not. Written by
  // hand because `crash: true` would crash the broker too, and a broker that never restarts
  // (restarts are never fair) settles nothing.
  action crash_restart when not crashed {
    unacked = {}
    crashed = true
  }
}

// history, for the properties only: how often each payment took effect (2: twice or more)
var applied: map<Id, 0..2> = { i: 0 for i in Id }
var crashed: bool = false        // the consumer has crashed (once at most)

invariant ExactlyOnce: forall i in Id: applied[i] <= 1
invariant AckedWasApplied: forall i in Id: Broker.state[i] == Deleted implies applied[i] >= 1
invariant DeadLetteredAfterLimit:
  forall i in Id: Broker.state[i] == Dead implies Broker.attempts[i] == MaxAttempts

reachable AllApplied: forall i in Id: Broker.state[i] == Deleted
reachable Parked: exists i in Id: Broker.state[i] == Dead and applied[i] == 0
reachable AppliedAndParked: exists i in Id: Broker.state[i] == Dead and applied[i] == 1

// every payment is deleted or parked: the queue is empty
terminal when forall i in Id: Broker.state[i] == Deleted or Broker.state[i] == Dead

expect violation ExactlyOnce
