spec AntiEntropy

// Dynamo-style replication with version vectors, a sloppy quorum, hinted handoff and
// anti-entropy (DeCandia et al., "Dynamo", 2007; Riak's sibling resolution): concurrent
// writes are kept as siblings, never silently dropped.
//
// Protocol: the key's preference list is Replica[1], Replica[2], Replica[3], in that order;
// its home replicas are the first N. A node may fail for a while (a transient failure, its
// disk kept) and recover; the others see it as down (`down`: the membership view). Writes go
// to the first N *healthy* nodes of the list (the sloppy quorum): a client writes through one
// of them, with the context it read there (the version vectors of the siblings it saw). The
// coordinating replica tags the new version with the context's vector merged and its own
// entry advanced, keeps every sibling the new one does not descend from, and sends the
// version to the other nodes of the quorum: a home node gets it to keep; a stand-in (a node
// past the first N, standing in for a home node that is down) gets it with a hint naming that
// owner, and holds it apart from its own data. Hinted handoff: once the owner has recovered,
// the stand-in sends it the hinted version, and drops the hint when the owner acknowledges
// it. Replicas also gossip (anti-entropy, or read repair after a read): a replica sends one
// of its siblings to another (the versions that differ, one at a time, as a Merkle-tree
// exchange finds them), which keeps the union minus every version some other one strictly
// descends from. A down node neither acts nor receives. Messages are lost, duplicated and
// reordered.
//
// Properties: NoSilentLoss — every version a replica has ever held is still there or
// superseded by a version that descends from it (a causally later write). NoCausalRegression
// — no replica keeps a version strictly older than one it has held. SiblingsConcurrent — the
// versions a replica keeps are pairwise concurrent. HintsForOthers — a stand-in holds hints
// only for home nodes other than itself.
//
// Bug: none here. anti_entropy_lww.dsl resolves conflicts by last-writer-wins on wall-clock
// timestamps: with a clock behind, a causally later write loses to the write it overwrote.
// (Wall clocks and timestamps are modelled there only: version vectors never read them.)

const Replicas = 3    // the preference list, in order
const N = 2           // the key's home replicas: the first N of the list
const MaxWrites = 2
const MaxFailures = 1 // transient failures in a run, one node down at a time

type Pos = 1..Replicas
type WId = 1..MaxWrites
type VV = map<Replica, 0..MaxWrites>
type Ver = record { w: WId, vv: VV }
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
  var held: set<WId> = {}       // history: every write this replica has held

  action fail when down == {} and failures < MaxFailures {
    down = {self}
    failures = failures + 1
  }

  action recover when self in down { down = {} }

  action write when writes < MaxWrites and self in quorum() {
    writes = writes + 1
    let ctx = { r: max({0} + { v.vv[r] for v in store }) for r in Replica }
    let vv = { r: if r == self then ctx[r] + 1 else ctx[r] for r in Replica }
    let new = Ver { w: writes, vv: vv }
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
invariant HintsForOthers:
  forall r in Replica: forall h in r.hints: h.owner != r and home(h.owner) and not home(r)

reachable ConcurrentSiblings: exists r in Replica: len(r.store) == 2
reachable CausalOverwrite:
  exists r in Replica: len(r.held) == 2 and len(r.store) == 1 and writes == 2
// a stand-in took a write for a failed home node, which got it back after recovering
reachable HandedOff:
  exists r in Replica: r.hints != {} and
    forall h in r.hints: h.owner not in down and h.ver.w in h.owner.held

terminal when writes == MaxWrites

// Why it holds (what `verikit prove` needs to prove it by induction): every version anywhere —
// stored, hinted or in flight — is a real write with its real vector; write w's vector counts
// at most w writes, and each replica's own entry in any vector is one it has seen itself (it
// made those writes), so a new write's vector is strictly newer than every earlier one and no
// two writes share a vector; hints go only to a stand-in, for a failed home node.
fn genuine(v: Ver) -> bool = v.w <= writes and v.vv == vvOf[v.w]

lemma HeldAreWritten: forall r in Replica: forall w in r.held: w <= writes
lemma StoredAreGenuine: forall r in Replica: forall v in r.store: genuine(v) and v.w in r.held
lemma HintedAreGenuine: forall r in Replica: forall h in r.hints: genuine(h.ver)
lemma InFlightAreGenuine:
  forall v in Ver:
    (in_flight(Replicate { ver: v }) or in_flight(Gossip { ver: v }) or in_flight(Handoff { ver: v })
      or exists o in Replica: in_flight(Hinted { ver: v, owner: o }))
    implies genuine(v)
lemma VectorsCountWrites: forall w in WId: forall q in Replica: vvOf[w][q] <= (if w <= writes then w else 0)
lemma OwnEntriesSeen:
  forall w in WId: forall q in Replica: w <= writes and vvOf[w][q] > 0 implies
    exists u in q.store: u.vv[q] >= vvOf[w][q]
lemma DistinctVectors: forall a, b in WId: a < b and b <= writes implies vvOf[a] != vvOf[b]
lemma OneDownAtATime: forall a, b in down: a == b
lemma HintsToStandIns:
  forall v in Ver: forall o, x, r in Replica:
    in_flight(Hinted { ver: v, owner: o }, x, r) implies o != r and home(o) and not home(r)
