spec LeaseFencing

// A lease-based lock with fencing tokens (Kleppmann, "How to do distributed locking", 2016).
//
// Protocol: a lock service grants time-bounded leases, at most one unexpired lease at a time,
// each with a fencing token one higher than the last. A client writes to storage only while
// its lease looks valid on its own clock, which may run up to Drift ticks behind true time,
// so it keeps a safety margin of Drift ticks. Checking the lease and writing are two steps: a
// GC pause or a slow network may fall in between, for as long as the lease runs out and the
// next holder is granted one. Storage remembers the highest token it has accepted and rejects
// a write carrying a lower one. Messages are lost, duplicated and reordered.
//
// Property: NoStaleOverwrite — once storage has accepted a write from a newer lease holder, it
// never accepts one from a holder whose lease was superseded: the stored value always comes
// from the newest holder that has written (no interleaved writes from two holders).
//
// Bug: none here. Without the token check (lease_no_fencing.dsl) a client that paused after
// checking its lease overwrites the next holder's data.
//
// Defaults check in a split second; --const Clients=3 --const MaxTime=5 --const MaxToken=3
// explores 1.4 million states in about ten seconds.

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
  var fence: 0..MaxToken = 0   // the highest token accepted
  var data: Token? = none      // the lease token of the write the stored value came from

  on Write(m) {
    if m.token >= fence {
      fence = m.token
      data = m.token
      newest = max({newest, m.token})
    } else {
      fenced = true
    }
  }
}

// history, for the properties only: the newest lease whose holder's write storage accepted,
// and whether storage ever turned a stale write away
var newest: 0..MaxToken = 0
var fenced: bool = false

// the run is over when time is up: stopping there is not a deadlock
terminal when now == MaxTime

invariant NoStaleOverwrite: Storage.data == none or Storage.data == newest

// Why it holds (what `verikit prove` needs to prove it by induction): storage's fence is the
// newest token it has accepted, so an accepted write carries the newest token.
lemma FenceIsNewest: Storage.fence == newest

reachable SecondHolderWrites: Storage.data == 2
reachable StaleWriteFenced: fenced
