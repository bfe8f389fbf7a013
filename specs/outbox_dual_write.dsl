spec OutboxDualWrite

// The transactional outbox — with the bug it exists to prevent: a dual write. The service
// publishes the event to the broker itself, inside its transaction and before committing it.
//
// Protocol: as in outbox.dsl (read its header), but there is no outbox table and no relay:
// the service opens a transaction, publishes the order's event to the broker, and then
// commits. The commit may still fail (a constraint, a deadlock victim, a crash before commit):
// the transaction rolls back, and the event is already out.
//
// Property: NoPhantomEvent — the broker never has an event of a rolled-back order.
//
// Bug: begin, publish, the broker receives the event, roll back: downstream services act on
// an order that does not exist. (Committing first and publishing after has the opposite
// failure: a crash in between loses the event.) Fixed by outbox.dsl.
//
// A full copy, not `extends "outbox.dsl"`: it differs in most declarations (no outbox table,
// no relay, no PubAck, the service publishing first), so a variant would restate nearly all
// of it.

const Orders = 3

type Order = 1..Orders

message Publish { order: Order }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

// the service's database: each order's transaction
var orders: map<Order, enum { NotStarted, Open, Committed, RolledBack }> =
  { o: NotStarted for o in Order }

node Service {
  var sent: set<Order> = {}   // events this service has published

  action begin(o: Order) when orders[o] == NotStarted { orders[o] = Open }

  // THE BUG: the event goes to the broker before the transaction has committed
  action publish(o: Order) when orders[o] == Open and o not in sent {
    sent = sent + {o}
    send Publish { order: o } to Broker
  }

  action commit(o: Order) when orders[o] == Open and o in sent { orders[o] = Committed }

  action rollback(o: Order) when orders[o] == Open { orders[o] = RolledBack }
}

node Broker {
  var published: set<Order> = {}

  on Publish(m) {
    published = published + {m.order}
  }
}

// (outbox.dsl also checks EventAfterCommit, no event before its commit; this variant breaks
// that one in three steps, before any rollback: here the rollback is the point)
invariant NoPhantomEvent: forall o in Broker.published: orders[o] != RolledBack
reachable EventPublished: exists o in Order: o in Broker.published
reachable OneCommittedOneRolledBack:
  exists a, b in Order: a in Broker.published and orders[b] == RolledBack

// every transaction is over
terminal when forall o in Order: orders[o] in {Committed, RolledBack}

expect violation NoPhantomEvent
