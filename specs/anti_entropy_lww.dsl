spec AntiEntropyLww

// Dynamo-style replication — with the bug: conflicts resolved by last-writer-wins on
// wall-clock timestamps instead of version vectors.
//
// Protocol: as in anti_entropy.dsl (read its header: preference list, sloppy quorum, hinted
// handoff, anti-entropy), except for how a replica resolves the versions it holds: it keeps
// the one with the latest timestamp from the coordinating replica's wall clock (Cassandra's
// cell resolution; Riak with allow_mult=false and last_write_wins). Wall clocks are not
// synchronised.
//
// Property: NoCausalRegression — no replica keeps a version strictly older than one it has
// held.
//
// Bug: replica 1, its clock ahead, takes write 1 at time 1 and sends it to replica 2, the
// other node of the quorum; a client who read it there writes 2 through replica 2, whose clock
// says 0: write 2 descends from write 1, but its timestamp is earlier, so write 1 wins and the
// causally later write is dropped. Fixed by anti_entropy.dsl (version vectors keep it, or keep
// both as siblings).

const Replicas = 3    // the preference list, in order
const N = 2           // the key's home replicas: the first N of the list
const MaxWrites = 2
const MaxTime = 1     // wall clocks run 0..MaxTime, independently (any skew)
const MaxFailures = 1 // transient failures in a run, one node down at a time

type Pos = 1..Replicas
type WId = 1..MaxWrites
type VV = map<Replica, 0..MaxWrites>
type Ver = record { w: WId, vv: VV, ts: 0..MaxTime }
type Hint = record { owner: Replica, ver: Ver }

message Replicate { ver: Ver }             // to a home node of the quorum
message Hinted { ver: Ver, owner: Replica } // to a stand-in, for a home node that is down
message Handoff { ver: Ver }               // the stand-in hands a hinted version to its owner
message HandoffAck { ver: Ver }
message Gossip { ver: Ver }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

var writes: 0..MaxWrites = 0
var vvOf: map<WId, VV> = { w: { r: 0 for r in Replica } for w in WId }   // history
var down: set<Replica> = {}       // the membership view: the nodes seen as failed
var failures: 0..MaxFailures = 0

node Replica[Replicas] {
  var store: set<Ver> = {}
  var hints: set<Hint> = {}     // versions held for a home node that was down
  var clock: 0..MaxTime = 0     // this replica's wall clock
  var held: set<WId> = {}       // history: every write this replica has held

  action tick when clock < MaxTime and self not in down { clock = clock + 1 }

  action fail when down == {} and failures < MaxFailures {
    down = {self}
    failures = failures + 1
  }

  action recover when self in down { down = {} }

  action write when writes < MaxWrites and self in quorum() {
    writes = writes + 1
    let ctx = { r: max({0} + { v.vv[r] for v in store }) for r in Replica }
    let vv = { r: if r == self then ctx[r] + 1 else ctx[r] for r in Replica }
    let new = Ver { w: writes, vv: vv, ts: clock }
    vvOf[writes] = vv
    keep(store + {new})
    for r in quorum() - {self} {
      if home(r) {
        send Replicate { ver: new } to r
      } else {
        for o in down {
          send Hinted { ver: new, owner: o } to r
        }
      }
    }
  }

  on Replicate(m) when self not in down { keep(store + {m.ver}) }

  on Hinted(m) when self not in down { hints = hints + {Hint { owner: m.owner, ver: m.ver }} }

  action handoff(h in hints) when self not in down and h.owner not in down {
    send Handoff { ver: h.ver } to h.owner
  }

  on Handoff(m) from s when self not in down {
    keep(store + {m.ver})
    send HandoffAck { ver: m.ver } to s
  }

  on HandoffAck(m) from o when self not in down {
    hints = hints - {Hint { owner: o, ver: m.ver }}
  }

  action gossip(to in Replica - {self}, v in store) when self not in down {
    send Gossip { ver: v } to to
  }

  on Gossip(m) when self not in down { keep(store + {m.ver}) }

  fn keep(all_vers: set<Ver>) {
    store = resolve(all_vers)
    held = held + { v.w for v in all_vers }
  }
}

// a node's place in the preference list
fn pos(r: Replica) -> Pos = min({ i for i in Pos if Replica[i] == r })
fn home(r: Replica) -> bool = pos(r) <= N
// the sloppy quorum: the first N healthy nodes of the preference list
fn quorum() -> set<Replica> =
  { r for r in Replica if r not in down and
      len({ q for q in Replica if q not in down and pos(q) < pos(r) }) < N }

// THE BUG: keep the version with the latest wall-clock timestamp (ties: the later write id)
fn resolve(vs: set<Ver>) -> set<Ver> =
  { v for v in vs if not exists u in vs: u.ts > v.ts or (u.ts == v.ts and u.w > v.w) }

fn descends(a: VV, b: VV) -> bool = forall r in Replica: a[r] >= b[r]
fn above(a: VV, b: VV) -> bool = descends(a, b) and a != b

// (NoSilentLoss of anti_entropy.dsl fails first: a concurrent write loses the tie-break.
// Here the point is the causally later write, so only this invariant is checked.)
invariant NoCausalRegression:
  forall r in Replica: forall w in r.held: forall u in r.store: not above(vvOf[w], u.vv)

reachable CausalOverwrite:
  exists r in Replica: len(r.held) == 2 and len(r.store) == 1 and writes == 2

terminal when writes == MaxWrites

expect violation NoCausalRegression
