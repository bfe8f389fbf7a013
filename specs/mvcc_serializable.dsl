spec MvccSerializable

// Multi-version concurrency control: snapshot isolation made serializable by optimistic
// validation of the read set (Kung & Robinson's OCC backward validation; what SSI in
// PostgreSQL achieves by other means), on the write-skew example of Berenson et al., "A
// Critique of ANSI SQL Isolation Levels" (1995): doctors on call.
//
// Protocol: each doctor's transaction starts at a snapshot timestamp and reads every doctor's
// on-call flag as of that snapshot (the newest version committed at or before it). If at
// least two doctors are on call it takes itself off call, a write buffered until commit.
// At commit the database validates: if any key the transaction read or wrote has a version
// committed after its snapshot, the transaction aborts (and may start again with a new
// snapshot); otherwise it commits, and its writes become versions at the next timestamp.
// The database is global state; each transaction step is atomic on it.
//
// Properties: SomeoneOnCall — at least one doctor is on call, an invariant every
// transaction preserves when run alone, so every serializable execution preserves it too.
// VersionsMonotonic — no key has a version newer than the clock.
//
// Bug: none here. mvcc_serializable_write_skew.dsl validates only the write set (first
// committer wins), which is plain snapshot isolation: two doctors read both on call, each
// takes only itself off call, the write sets are disjoint and both commit: write skew.

const Doctors = 2
const MaxTs = 3        // commit timestamps 1..MaxTs

var onCall: map<Txn, bool> = { d: true for d in Txn }   // the newest version of each key
var version: map<Txn, 0..MaxTs> = { d: 0 for d in Txn }  // its commit timestamp
var clock: 0..MaxTs = 0                                  // the last commit timestamp

node Txn[Doctors] {
  var phase: enum { Idle, Active, Committed, Aborted } = Idle
  var snapTs: 0..MaxTs = 0
  var snapshot: map<Txn, bool> = { d: true for d in Txn }  // the versions as of snapTs
  var reads: set<Txn> = {}
  var writes: set<Txn> = {}

  action begin when phase == Idle or phase == Aborted {
    phase = Active
    snapTs = clock
    snapshot = onCall
    reads = {}
    writes = {}
  }

  action read(k in all Txn - reads) when phase == Active { reads = reads + {k} }

  // the application: go off call only if someone else stays on call (as far as it can see)
  action go_off_call when phase == Active and reads == all Txn and writes == {}
                       and len({ d for d in Txn if snapshot[d] }) >= 2 {
    writes = {self}
  }

  action commit when phase == Active and reads == all Txn {
    if exists k in reads + writes: version[k] > snapTs {   // validation: read and write sets
      phase = Aborted
      aborts = aborts + 1
    } else {
      require clock < MaxTs
      clock = clock + 1
      for k in writes {
        onCall[k] = false
        version[k] = clock
      }
      phase = Committed
    }
  }
}

// history, for the witnesses only
var aborts: 0..MaxTs = 0

invariant SomeoneOnCall: exists d in Txn: onCall[d]
invariant VersionsMonotonic: forall d in Txn: version[d] <= clock

reachable OneOffCall: exists d in Txn: not onCall[d]
reachable SkewPrevented: aborts >= 1 and forall d in Txn: d.phase == Committed

terminal when forall d in Txn: d.phase == Committed
