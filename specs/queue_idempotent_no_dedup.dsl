spec QueueIdempotentNoDedup extends "queue_idempotent.dsl"

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
//
// Everything not restated below is queue_idempotent.dsl's (see "Variants" in
// docs/language.md). Its fairness declarations stay (a variant cannot drop them), but
// without the liveness property Settled they constrain nothing.

node Consumer {
  drop var keys   // no idempotency keys

  on Deliver(m) {
    choose ok in bool {
      if ok {
        applied[m.id] = min({applied[m.id] + 1, 2})   // THE BUG: no idempotency key checked
        unacked = unacked + {m.id}
      }
    }
  }
}

drop var deduplicated
drop lemma KeyMeansApplied
drop lemma UnackedWasApplied
drop lemma AckMeansApplied
drop property Settled
drop reachable RedeliveryDeduplicated

expect violation ExactlyOnce
