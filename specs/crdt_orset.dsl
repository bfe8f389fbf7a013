spec CrdtOrSet

// A state-based observed-remove set (OR-Set) CRDT (Shapiro et al., 2011) replicated by
// anti-entropy gossip over a network that loses, duplicates and reorders messages.
//
// Protocol: adding an element creates a unique tag (element, replica, sequence number);
// removing an element tombstones the tags of it that this replica has observed — and only
// those. An element is in the set while some tag of it is not tombstoned. Replicas send their
// whole state (tags and tombstones) to each other and merge by union.
//
// Properties: Convergence (two replicas that have delivered the same updates hold the same
// state); AddWins (an element is present exactly when the replica has delivered an add of it
// that none of the removes it has delivered had observed — so an add concurrent with a
// remove survives it); the merge laws (commutative, associative, idempotent) on reachable
// states.
//
// Bug: none. Defaults check in seconds; --const Elems=2 (689,244 states) or --const
// MaxAdds=3 (435,687) in under half a minute. Three replicas (--const N=3) run to tens of
// millions of states: an overnight run.

const N = 2        // replicas
const Elems = 1    // elements
const MaxAdds = 2  // adds each replica issues
const MaxRemoves = 1

type Elem = 1..Elems
type Tag = record { elem: Elem, origin: Replica, n: 1..MaxAdds }
type Update = record { origin: Replica, add: bool, n: 1..MaxAdds }
type OrSet = record { tags: set<Tag>, tombs: set<Tag> }   // a replica's state

message Gossip { state: OrSet, seen: set<Update>, covered: set<Tag> }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

// the merge a Gossip delivery performs
fn merge(x: OrSet, y: OrSet) -> OrSet = OrSet { tags: x.tags + y.tags, tombs: x.tombs + y.tombs }

// the tags that keep e in the set
fn live(s: OrSet, e: Elem) -> set<Tag> = { t for t in s.tags - s.tombs if t.elem == e }

node Replica[N] {
  var state: OrSet = OrSet { tags: {}, tombs: {} }
  var adds: 0..MaxAdds = 0
  var removes: 0..MaxRemoves = 0
  // history, for the properties only: the updates delivered here, and the adds that some
  // delivered remove had observed when it was issued
  var seen: set<Update> = {}
  var covered: set<Tag> = {}

  action add(e: Elem) when adds < MaxAdds {
    adds = adds + 1
    state.tags = state.tags + { Tag { elem: e, origin: self, n: adds } }
    seen = seen + { Update { origin: self, add: true, n: adds } }
  }

  // remove e: tombstone the tags of e observed here, and only those
  action remove(e: Elem) when removes < MaxRemoves and len(live(state, e)) > 0 {
    removes = removes + 1
    covered = covered + { t for t in state.tags if t.elem == e }
    state.tombs = state.tombs + live(state, e)
    seen = seen + { Update { origin: self, add: false, n: removes } }
  }

  action gossip(to in Replica) when to != self {
    send Gossip { state: state, seen: seen, covered: covered } to to
  }

  on Gossip(m) {
    state = merge(state, m.state)
    seen = seen + m.seen
    covered = covered + m.covered
  }
}

fn contains(r: Replica, e: Elem) -> bool = len(live(r.state, e)) > 0

invariant Convergence: forall a, b in Replica: a.seen == b.seen implies a.state == b.state

invariant AddWins:
  forall r in Replica: forall e in Elem:
    contains(r, e) == exists t in r.state.tags: t.elem == e and t not in r.covered

invariant MergeCommutes: forall a, b in Replica: merge(a.state, b.state) == merge(b.state, a.state)
invariant MergeIsIdempotent: forall a in Replica: merge(a.state, a.state) == a.state
invariant MergeAssociates:
  forall a, b, c in Replica:
    merge(merge(a.state, b.state), c.state) == merge(a.state, merge(b.state, c.state))

reachable AddSurvivesConcurrentRemove:
  exists r in Replica: forall e in Elem: contains(r, e) and exists t in r.state.tombs: t.elem == e
reachable RemovedEverywhere:
  forall r in Replica: forall e in Elem: not contains(r, e) and len(r.state.tombs) > 0
