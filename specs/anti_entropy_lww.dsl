spec AntiEntropyLww

// Dynamo-style replication — with the bug: conflicts resolved by last-writer-wins on
// wall-clock timestamps instead of version vectors.
//
// Protocol: as in anti_entropy.dsl (read its header), except for how a replica resolves the
// versions it holds: it keeps the one with the latest timestamp from the coordinating
// replica's wall clock (Cassandra's cell resolution; Riak with allow_mult=false and
// last_write_wins). Wall clocks are not synchronised.
//
// Property: NoCausalRegression — no replica keeps a version strictly older than one it has
// held.
//
// Bug: replica 1, its clock ahead, takes write 1 at time 1; replica 2 receives it, and a
// client who read it writes 2 through replica 2, whose clock says 0: write 2 descends from
// write 1, but its timestamp is earlier, so write 1 wins and the causally later write is
// dropped. Fixed by anti_entropy.dsl (version vectors keep it, or keep both as siblings).

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

// THE BUG: keep the version with the latest wall-clock timestamp (ties: the later write id)
fn resolve(vs: set<Ver>) -> set<Ver> =
  { v for v in vs if not exists u in vs: u.ts > v.ts or (u.ts == v.ts and u.w > v.w) }

fn descends(a: VV, b: VV) -> bool = forall r in Replica: a[r] >= b[r]
fn above(a: VV, b: VV) -> bool = descends(a, b) and a != b

// (NoSilentLoss of anti_entropy.dsl fails first, in 4 steps: a concurrent write loses the
// tie-break. Here the point is the causally later write, so only this invariant is checked.)
invariant NoCausalRegression:
  forall r in Replica: forall w in r.held: forall u in r.store: not above(vvOf[w], u.vv)

reachable CausalOverwrite:
  exists r in Replica: len(r.held) == 2 and len(r.store) == 1 and writes == 2

terminal when writes == MaxWrites

expect violation NoCausalRegression
