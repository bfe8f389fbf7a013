spec MvccSerializableWriteSkew extends "mvcc_serializable.dsl"

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
// Everything not restated below is mvcc_serializable.dsl's (see "Variants" in
// docs/language.md).

node Txn[Doctors] {
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

drop reachable SkewPrevented   // nothing aborts here: the write sets are disjoint

expect violation SomeoneOnCall
