spec CrdtLwwBuggy

// A last-writer-wins register CRDT replicated by anti-entropy gossip over a network that
// loses, duplicates and reorders messages — with the bug: equal timestamps have no tie-break.
//
// Protocol: a write stamps its value with a Lamport timestamp (one more than the register's
// current stamp). Replicas send their register to each other; a replica adopts a received
// register whose stamp is later than its own. Two replicas writing concurrently can pick the
// SAME stamp; a correct LWW register breaks the tie by replica id (crdt_lww.dsl). (A register is
// modelled by the write it holds: its stamp and its writer; the value does not matter.)
//
// Property: Convergence — two replicas that have delivered the same writes hold the same
// register. (crdt_lww.dsl also checks the merge laws. They are left out here: commutativity
// already fails in the state right after two concurrent writes, and the search would stop
// there, before the replicas have exchanged anything and diverged.)
//
// Bug: merge keeps the local register on a tie, so it is not commutative. Replicas 1 and 2
// both write at stamp 1, exchange their registers, and each keeps its own write: they have
// delivered the same writes and disagree for ever.

const N = 2        // replicas
const MaxStamp = 2 // Lamport timestamps 0..MaxStamp

type Stamp = 0..MaxStamp
type Register = record { stamp: Stamp, writer: Replica? }   // writer none: never written
type Write = record { origin: Replica, stamp: 1..MaxStamp }   // one write per replica and stamp

message Gossip { reg: Register, seen: set<Write> }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

// THE BUG: on equal stamps the local register wins — whichever replica merges
fn merge(mine: Register, theirs: Register) -> Register =
  if theirs.stamp > mine.stamp then theirs else mine

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

reachable Overwritten: exists r in Replica: r.reg.stamp == 2 and r.reg.writer != r
reachable ConcurrentWrites: forall r in Replica: r.reg.stamp == 1 and r.reg.writer == r

expect violation Convergence
