spec CrdtLww

// A last-writer-wins register CRDT replicated by anti-entropy gossip over a network that
// loses, duplicates and reorders messages.
//
// Protocol: a write stamps its value with a Lamport timestamp (one more than the register's
// current stamp). Replicas send their register to each other; a replica adopts a received
// register whose stamp is later than its own. Two replicas writing concurrently can pick the
// SAME stamp; the tie is broken by the writer's replica id, so every replica picks the same
// winner whatever the order of delivery. (A register is modelled by the write it holds: its
// stamp and its writer; the value written does not matter.)
//
// Properties: Convergence (two replicas that have delivered the same writes hold the same
// register); the merge laws (commutative, associative, idempotent) on reachable states.
//
// Bug: none. crdt_lww_buggy.dsl drops the tie-break and diverges.
// Defaults check in seconds; --const N=3: 1.1 million states, minutes.

const N = 2        // replicas
const MaxStamp = 2 // Lamport timestamps 0..MaxStamp

type Stamp = 0..MaxStamp
type Register = record { stamp: Stamp, writer: Replica? }   // writer none: never written
type Write = record { origin: Replica, stamp: 1..MaxStamp }   // one write per replica and stamp

message Gossip { reg: Register, seen: set<Write> }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

// the later stamp wins; on equal stamps, the higher writer id
fn merge(mine: Register, theirs: Register) -> Register =
  if later(theirs, mine) then theirs else mine

fn later(x: Register, y: Register) -> bool =
  x.stamp > y.stamp or (x.stamp == y.stamp and rank(x.writer) > rank(y.writer))

// a replica's number: the language has no order on node ids (see the report)
fn rank(r: Replica?) -> int = if r == none then 0 else min({ i for i in 1..N if Replica[i] == r })

node Replica[N] {
  var reg: Register = Register { stamp: 0, writer: none }
  var seen: set<Write> = {}   // history, for the properties only: the writes delivered here

  action write when reg.stamp < MaxStamp {
    reg = Register { stamp: reg.stamp + 1, writer: self }
    seen = seen + { Write { origin: self, stamp: reg.stamp } }
  }

  action gossip(to in Replica) when to != self {
    send Gossip { reg: reg, seen: seen } to to
  }

  on Gossip(m) {
    reg = merge(reg, m.reg)
    seen = seen + m.seen
  }
}

invariant Convergence: forall a, b in Replica: a.seen == b.seen implies a.reg == b.reg

invariant MergeCommutes: forall a, b in Replica: merge(a.reg, b.reg) == merge(b.reg, a.reg)
invariant MergeIsIdempotent: forall a in Replica: merge(a.reg, a.reg) == a.reg
invariant MergeAssociates:
  forall a, b, c in Replica: merge(merge(a.reg, b.reg), c.reg) == merge(a.reg, merge(b.reg, c.reg))

reachable Overwritten: exists r in Replica: r.reg.stamp == 2 and r.reg.writer != r
reachable ConcurrentWrites: forall r in Replica: r.reg.stamp == 1 and r.reg.writer == r
