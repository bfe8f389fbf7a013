spec LeaseNoFencing extends "lease_fencing.dsl"

// A lease-based lock WITHOUT fencing tokens (Kleppmann, "How to do distributed locking", 2016).
//
// Protocol: as in lease_fencing.dsl (read its header), except that storage accepts every
// write: the token travels with it but storage ignores it, and keeps no fence.
//
// Property: NoStaleOverwrite — once storage has accepted a write from a newer lease holder, it
// never accepts one from a holder whose lease was superseded: the stored value always comes
// from the newest holder that has written (no interleaved writes from two holders).
//
// Bug: the classic stale-holder write. Client 1 checks its lease and pauses; the lease
// expires, client 2 gets the next one and writes; client 1 wakes up and overwrites client 2's
// data. lease_fencing.dsl adds the token check in storage and holds.
//
// Defaults check in a split second; larger constants (--const Clients=3 --const MaxTime=5
// --const MaxToken=3) find the same 14-step counterexample. Everything not restated below is
// lease_fencing.dsl's (see "Variants" in docs/language.md).

node Storage {
  drop var fence

  // THE BUG: no token check — every write is accepted
  on Write(m) {
    data = m.token
    newest = max({newest, m.token})
  }
}

drop var fenced                // history of turned-away writes: there are none
drop lemma FenceIsNewest
drop reachable StaleWriteFenced

expect violation NoStaleOverwrite
