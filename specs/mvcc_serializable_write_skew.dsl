spec MvccSerializableWriteSkew

// Multi-version concurrency control under plain snapshot isolation — the write-skew anomaly.
//
// Protocol: as in mvcc_serializable.dsl (read its header), except for the validation at
// commit: only the write set is checked (first committer wins), as in snapshot isolation
// (Oracle's SERIALIZABLE, PostgreSQL's REPEATABLE READ and before 9.1 its SERIALIZABLE).
//
// Property: SomeoneOnCall — at least one doctor is on call.
//
// Bug: both doctors' transactions start from the same snapshot, both see two doctors on call,
// each takes only itself off call; the write sets are disjoint, so both commit, and nobody is
// on call. Each transaction alone preserves the invariant; no serial order of the two
// produces this state. Fixed by mvcc_serializable.dsl (the read set is validated too).

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
    if exists k in writes: version[k] > snapTs {   // THE BUG: the write set only
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

terminal when forall d in Txn: d.phase == Committed

expect violation SomeoneOnCall
