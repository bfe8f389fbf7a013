spec Outbox

// The transactional outbox (Richardson, microservices.io "Transactional outbox"; Debezium's
// outbox event router): a service that changes its database and must tell other services
// about it writes the event into an outbox table in the SAME database transaction; a separate
// relay reads the outbox, publishes each event to the message broker, and deletes the row
// once the broker has acknowledged it.
//
// Protocol: the service opens a transaction for an order, then commits it (the order row and
// its outbox row become visible together) or rolls it back (neither does; a crash of the
// service before commit is a rollback too). The database is the global state `orders` and
// `outbox`, shared by the service and the relay, each step atomic. The relay publishes any
// outbox row, as often as it likes (after a lost message, a timeout, a relay restart: the
// relay keeps no state outside the database), and deletes the row when the broker's PubAck
// arrives. The broker records every event it receives and acknowledges it. Messages between
// relay and broker are lost, duplicated and reordered, so an event may be published twice:
// publication is at least once, and consumers de-duplicate (see queue_idempotent.dsl).
//
// Properties: NoPhantomEvent — the broker never has an event of a rolled-back order.
// EventAfterCommit — nor of an order whose transaction has not committed yet.
// OutboxOnlyCommitted — the outbox holds only committed orders. EveryCommittedPublished
// (liveness) — every committed order's event eventually reaches the broker, with the relay's
// publishing strongly fair and delivery fair (the network may drop any one message, not every
// retry).
//
// Bug: none here. outbox_dual_write.dsl publishes to the broker inside the transaction, before
// it commits (a dual write): the transaction rolls back and the event is already out.

const Orders = 3

type Order = 1..Orders

message Publish { order: Order }
message PubAck { order: Order }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

// the service's database: each order's transaction, and the outbox table
var orders: map<Order, enum { NotStarted, Open, Committed, RolledBack }> =
  { o: NotStarted for o in Order }
var outbox: set<Order> = {}

node Service {
  action begin(o: Order) when orders[o] == NotStarted { orders[o] = Open }

  // one transaction: the order row and the outbox row commit together
  action commit(o: Order) when orders[o] == Open {
    orders[o] = Committed
    outbox = outbox + {o}
  }

  action rollback(o: Order) when orders[o] == Open { orders[o] = RolledBack }
}

node Relay {
  action publish(o in outbox) { send Publish { order: o } to Broker }

  on PubAck(m) { outbox = outbox - {m.order} }
}

node Broker {
  var published: set<Order> = {}

  on Publish(m) from r {
    published = published + {m.order}
    send PubAck { order: m.order } to r
  }
}

invariant NoPhantomEvent: forall o in Broker.published: orders[o] != RolledBack
invariant EventAfterCommit: forall o in Broker.published: orders[o] == Committed
invariant OutboxOnlyCommitted: forall o in outbox: orders[o] == Committed

property EveryCommittedPublished:
  always eventually forall o in Order: orders[o] == Committed implies o in Broker.published

strong fair action Relay.publish
fair delivery

reachable EventPublished: exists o in Order: o in Broker.published and o not in outbox
reachable OneCommittedOneRolledBack:
  exists a, b in Order: a in Broker.published and orders[b] == RolledBack

// every transaction is over and the outbox is drained
terminal when outbox == {} and forall o in Order: orders[o] in {Committed, RolledBack}

// Why it holds (what `verikit prove` needs to prove it by induction): an event in flight to
// the broker, like an outbox row, belongs to a committed order.
lemma PublishedOnlyCommitted:
  forall o in Order: in_flight(Publish { order: o }) implies orders[o] == Committed
