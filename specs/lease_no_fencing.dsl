spec LeaseNoFencing

// A lease-based lock WITHOUT fencing tokens (Kleppmann, "How to do distributed locking", 2016).
//
// Protocol: a lock service grants time-bounded leases, at most one unexpired lease at a time,
// each with a fencing token one higher than the last. A client writes to storage only while
// its lease looks valid on its own clock, which may run up to Drift ticks behind true time,
// so it keeps a safety margin of Drift ticks. Checking the lease and writing are two steps: a
// GC pause or a slow network may fall in between, for as long as the lease runs out and the
// next holder is granted one. Storage accepts every write (the token travels with it but
// storage ignores it). Messages are lost, duplicated and reordered.
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
// --const MaxToken=3) find the same 14-step counterexample.

const Clients = 2
const Lease = 2       // ticks a lease lasts
const Drift = 1       // a client's clock runs up to this many ticks behind true time
const MaxTime = 3     // true time runs 0..MaxTime
const MaxToken = 2    // leases the service grants in one run

type Time = 0..MaxTime + Lease
type Token = 1..MaxToken

message Acquire {}
message Grant { token: Token, expires: Time }
message Write { token: Token }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

var now: 0..MaxTime = 0   // true time

action tick when now < MaxTime { now = now + 1 }

node LockService {
  var expires: Time = 0        // end of the current lease (none granted yet: 0)
  var issued: 0..MaxToken = 0  // the last fencing token

  on Acquire from c when now >= expires and issued < MaxToken {
    issued = issued + 1
    expires = now + Lease
    send Grant { token: issued, expires: expires } to c
  }
}

node Client[Clients] {
  var skew: 0..Drift = any     // how far this client's clock runs behind true time
  var token: Token? = none     // this client's lease (each client takes the lock once a run)
  var expires: Time = 0
  var pending: Token? = none   // the lease looked valid: a write under this token is under way

  fn valid() -> bool = token != none and now - skew + Drift < expires

  action acquire when token == none { send Acquire {} to LockService }

  on Grant(m) {
    if token == none {   // a second grant (a duplicated request) is not used
      token = m.token
      expires = m.expires
    }
  }

  action check_lease when valid() and pending == none { pending = token }

  // after a pause of any length: the lease is not checked again
  action write when pending != none {
    send Write { token: pending } to Storage
    pending = none
  }
}

node Storage {
  var data: Token? = none      // the lease token of the write the stored value came from

  on Write(m) {
    data = m.token
    newest = max({newest, m.token})
  }
}

// history, for the property only: the newest lease whose holder's write storage accepted
var newest: 0..MaxToken = 0

// the run is over when time is up: stopping there is not a deadlock
terminal when now == MaxTime

invariant NoStaleOverwrite: Storage.data == none or Storage.data == newest

reachable SecondHolderWrites: Storage.data == 2

expect violation NoStaleOverwrite
