spec QueueIdempotent

// An at-least-once queue with retries and a dead-letter queue, and a payment consumer that
// de-duplicates by idempotency key (SQS/RabbitMQ-style redelivery, Stripe-style keys).
//
// Protocol: the broker holds Payments payments. It delivers a queued payment to the consumer
// and hides it (visibility timeout); when the consumer acknowledges it, the broker deletes it.
// The timeout may fire at any time (the consumer may be slow, the Deliver or the Ack lost),
// making the payment visible again; each delivery counts one attempt, and a payment still
// unacknowledged after MaxAttempts deliveries is moved to the dead-letter queue. The consumer
// may fail a delivery (a transient error: nothing happens, the broker retries). On success it
// applies the payment and records its idempotency key in ONE database transaction (the key
// table is durable), and acknowledges in a later step: a crash in between loses the ack but
// not the payment, which the broker delivers again. A delivery whose key is already recorded
// is only acknowledged. Messages are lost, duplicated and reordered; the consumer may crash
// once (and restart).
//
// Properties: ExactlyOnce — no payment is applied twice. AckedWasApplied — the broker deletes
// only applied payments. DeadLetteredAfterLimit — a payment is parked only after MaxAttempts
// deliveries. Settled (liveness, with the broker's actions strongly fair) — every payment is
// eventually applied or parked in the dead-letter queue. Nothing else is assumed fair: the
// network may lose every message and the consumer may fail every time; the retry limit is
// what makes progress.
//
// Bug: none here. queue_idempotent_no_dedup.dsl applies every delivery: a duplicate, or a
// redelivery after a lost ack, applies a payment twice. Defaults check in a second;
// see docs/specs/queue_idempotent.md for larger constants.

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
  durable var keys: set<Id> = {}      // idempotency keys, committed with the payments
  var unacked: set<Id> = {}           // applied (or found applied), ack not yet sent

  on Deliver(m) {
    choose ok in bool {
      if ok {
        if m.id not in keys {         // the de-duplication
          keys = keys + {m.id}
          applied[m.id] = min({applied[m.id] + 1, 2})
        } else {
          deduplicated = true
        }
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
var deduplicated: bool = false   // a redelivery found its key
var crashed: bool = false        // the consumer has crashed (once at most)

invariant ExactlyOnce: forall i in Id: applied[i] <= 1
invariant AckedWasApplied: forall i in Id: Broker.state[i] == Deleted implies applied[i] >= 1
invariant DeadLetteredAfterLimit:
  forall i in Id: Broker.state[i] == Dead implies Broker.attempts[i] == MaxAttempts

// Why they hold (what `verikit prove` needs to prove them by induction): a payment has taken
// effect exactly when its key is recorded, and only applied payments are ever acknowledged.
lemma KeyMeansApplied: forall i in Id: (i in Consumer.keys) == (applied[i] >= 1)
lemma UnackedWasApplied: forall i in Consumer.unacked: applied[i] >= 1
lemma AckMeansApplied: forall i in Id: in_flight(Ack { id: i }) implies applied[i] >= 1

property Settled: eventually forall i in Id: applied[i] >= 1 or Broker.state[i] == Dead

// strong: while the network is full (max_in_flight) a delivery is disabled now and then,
// and weak fairness would let copies of stale messages keep it busy for ever
strong fair action Broker.deliver
strong fair action Broker.timeout
strong fair action Broker.dead_letter

reachable AllApplied: forall i in Id: Broker.state[i] == Deleted
reachable RedeliveryDeduplicated: deduplicated and forall i in Id: Broker.state[i] == Deleted
reachable Parked: exists i in Id: Broker.state[i] == Dead and applied[i] == 0
reachable AppliedAndParked: exists i in Id: Broker.state[i] == Dead and applied[i] == 1

// every payment is deleted or parked: the queue is empty
terminal when forall i in Id: Broker.state[i] == Deleted or Broker.state[i] == Dead
