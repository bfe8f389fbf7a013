spec CrdtCounter

// A state-based PN-Counter CRDT (Shapiro et al., "Conflict-free Replicated Data Types", 2011)
// replicated by anti-entropy gossip over a network that loses, duplicates and reorders.
//
// Protocol: each replica counts its own increments in P[self] and its decrements in N[self];
// the counter's value is sum(P) - sum(N). Now and then a replica sends its whole state to
// another, which merges it entry by entry with max — a merge that is commutative, associative
// and idempotent, so lost, repeated and reordered gossip does no harm.
//
// Properties: Convergence (strong eventual consistency: two replicas that have delivered the
// same updates hold the same state), CountsEveryUpdate (the value is the number of delivered
// increments minus delivered decrements), and the merge laws (commutative, associative,
// idempotent) on every pair and triple of reachable replica states.
//
// Bug: none. The classic mistake — merging by sum instead of max — is not idempotent: a
// duplicated or re-sent state is counted twice. Replace `max({a[r], b[r]})` by `a[r] + b[r]`
// in merge and the check fails after a single increment (MergeIsIdempotent).
// Defaults check in a split second; --const MaxOps=2 takes half a minute, --const N=3 (5.6
// million states) about twenty minutes.

const N = 2        // replicas
const MaxOps = 1   // increments, and decrements, each replica issues

type Count = 0..MaxOps
type Counts = map<Replica, Count>
type Update = record { origin: Replica, inc: bool, n: 1..MaxOps }  // origin's n-th inc or dec

message Gossip { p: Counts, n: Counts, seen: set<Update> }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

fn merge(a: Counts, b: Counts) -> Counts = { r: max({a[r], b[r]}) for r in Replica }

// sum(c), as the number of updates it accounts for (origin r's updates 1..c[r])
fn total(c: Counts) -> int = len({ u for u in Update if u.inc and u.n <= c[u.origin] })

node Replica[N] {
  var p: Counts = { r: 0 for r in Replica }
  var n: Counts = { r: 0 for r in Replica }
  var seen: set<Update> = {}   // history, for the properties only: the updates delivered here

  action increment when p[self] < MaxOps {
    p[self] = p[self] + 1
    seen = seen + { Update { origin: self, inc: true, n: p[self] } }
  }

  action decrement when n[self] < MaxOps {
    n[self] = n[self] + 1
    seen = seen + { Update { origin: self, inc: false, n: n[self] } }
  }

  action gossip(to in Replica) when to != self {
    send Gossip { p: p, n: n, seen: seen } to to
  }

  on Gossip(m) {
    p = merge(p, m.p)
    n = merge(n, m.n)
    seen = seen + m.seen
  }
}

fn value(r: Replica) -> int = total(r.p) - total(r.n)

invariant Convergence:
  forall a, b in Replica: a.seen == b.seen implies a.p == b.p and a.n == b.n

invariant CountsEveryUpdate:
  forall r in Replica:
    value(r) == len({ u for u in r.seen if u.inc }) - len({ u for u in r.seen if not u.inc })

invariant MergeCommutes: forall a, b in Replica: merge(a.p, b.p) == merge(b.p, a.p)
invariant MergeIsIdempotent: forall a in Replica: merge(a.p, a.p) == a.p
invariant MergeAssociates:
  forall a, b, c in Replica: merge(merge(a.p, b.p), c.p) == merge(a.p, merge(b.p, c.p))

reachable DecrementSpreads: exists r in Replica: r.n[r] == 0 and total(r.n) > 0
reachable AllUpdatesEverywhere: forall r in Replica: len(r.seen) == 2 * N * MaxOps
