spec AntiEntropy

// Dynamo-style replication with version vectors and anti-entropy (DeCandia et al., "Dynamo",
// 2007; Riak's sibling resolution): concurrent writes are kept as siblings, never silently
// dropped.
//
// Protocol: a client writes through any replica, with the context it read there (the version
// vectors of the siblings it saw). The coordinating replica tags the new version with the
// context's vector merged and its own entry advanced, and keeps every sibling the new one does
// not descend from. Replicas gossip (anti-entropy, or read repair after a read): a replica
// sends its siblings to another, which keeps the union minus every version some other one
// strictly descends from. Messages are lost, duplicated and reordered.
//
// Properties: NoSilentLoss — every version a replica has ever held is still there or
// superseded by a version that descends from it (a causally later write). NoCausalRegression
// — no replica keeps a version strictly older than one it has held. SiblingsConcurrent — the
// versions a replica keeps are pairwise concurrent.
//
// Not modelled: sloppy quorums and hinted handoff (a stand-in replica holding a write for a
// down one, handing it over later), which move versions the same way gossip does here.
//
// Bug: none here. anti_entropy_lww.dsl resolves conflicts by last-writer-wins on wall-clock
// timestamps: with a clock behind, a causally later write loses to the write it overwrote.

const Replicas = 2
const MaxWrites = 2
const MaxTime = 1     // wall clocks run 0..MaxTime, independently (any skew)

type WId = 1..MaxWrites
type VV = map<Replica, 0..MaxWrites>
type Ver = record { w: WId, vv: VV, ts: 0..MaxTime }

message Gossip { vers: set<Ver> }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

var writes: 0..MaxWrites = 0
var vvOf: map<WId, VV> = { w: { r: 0 for r in Replica } for w in WId }   // history

node Replica[Replicas] {
  var store: set<Ver> = {}
  var clock: 0..MaxTime = 0     // this replica's wall clock
  var held: set<WId> = {}       // history: every write this replica has held

  action tick when clock < MaxTime { clock = clock + 1 }

  action write when writes < MaxWrites {
    writes = writes + 1
    let ctx = { r: max({0} + { v.vv[r] for v in store }) for r in Replica }
    let vv = { r: if r == self then ctx[r] + 1 else ctx[r] for r in Replica }
    let new = Ver { w: writes, vv: vv, ts: clock }
    vvOf[writes] = vv
    keep(store + {new})
  }

  action gossip(to in Replica - {self}) when store != {} { send Gossip { vers: store } to to }

  on Gossip(m) { keep(store + m.vers) }

  fn keep(all_vers: set<Ver>) {
    store = resolve(all_vers)
    held = held + { v.w for v in all_vers }
  }
}

// keep the versions no other one strictly descends from: siblings
fn resolve(vs: set<Ver>) -> set<Ver> = { v for v in vs if not exists u in vs: above(u.vv, v.vv) }

fn descends(a: VV, b: VV) -> bool = forall r in Replica: a[r] >= b[r]
fn above(a: VV, b: VV) -> bool = descends(a, b) and a != b

invariant NoSilentLoss:
  forall r in Replica: forall w in r.held: exists u in r.store: descends(u.vv, vvOf[w])
invariant NoCausalRegression:
  forall r in Replica: forall w in r.held: forall u in r.store: not above(vvOf[w], u.vv)
invariant SiblingsConcurrent:
  forall r in Replica: forall a, b in r.store: a != b implies not descends(a.vv, b.vv)

reachable ConcurrentSiblings: exists r in Replica: len(r.store) == 2
reachable CausalOverwrite:
  exists r in Replica: len(r.held) == 2 and len(r.store) == 1 and writes == 2

terminal when writes == MaxWrites
