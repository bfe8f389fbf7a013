spec LeaderLeaseNoExpiryCheck

// Leader leases — with the bug: the old leader serves reads after its lease ran out on its
// own clock.
//
// Protocol: as in leader_lease.dsl (read its header), except that a server acts as leader,
// serving reads from its local state, whenever it holds a lease at all: it never compares the
// lease with its clock.
//
// Property: OneLeaderActing — no two servers act as leader in the same tick.
//
// Bug: server 1 holds a lease; it runs out; the lease service grants the next one to server
// 2, which serves reads; server 1, not checking its clock (or checking a clock frozen by a
// long GC pause, or VM migration), still serves: its reads miss writes server 2 has
// accepted. Fixed by leader_lease.dsl.

const Servers = 2
const Lease = 2
const Drift = 1
const MaxTime = 4

type Time = 0..MaxTime + Lease

message Acquire { asked: Time }
message Grant { asked: Time }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

var now: 0..MaxTime = 0   // true time

// a tick of true time; the clocks of the servers in `paused` do not advance with it (they
// run slow), each at most Drift times in a run
action tick(paused in all set<Server>)
    when now < MaxTime and forall s in paused: s.lag < Drift {
  now = now + 1
  for s in Server {
    s.acting = false
    if s in paused { s.lag = s.lag + 1 }
  }
}

node LeaseService {
  var holder: Server? = none
  var expires: Time = 0

  on Acquire(m) from s {
    if now >= expires or holder == s {
      holder = s
      expires = now + Lease
      send Grant { asked: m.asked } to s
    }
  }
}

node Server[Servers] {
  var lag: 0..Drift = 0         // how far this clock has fallen behind true time
  var leaseEnd: Time? = none    // on this server's clock
  var acting: bool = false      // served a read as leader in this tick

  fn clock() -> int = now - lag

  action ask {
    send Acquire { asked: clock() } to LeaseService
  }

  on Grant(m) {
    if m.asked + Lease - Drift > clock() { leaseEnd = m.asked + Lease - Drift }
  }

  action serve when leaseEnd != none {   // THE BUG: never checked against the clock
    acting = true
    if self != last_acting { changes = min({changes + 1, 2}) }
    last_acting = self
  }
}

// history, for the witnesses only: who acted last, and how often leadership changed hands
var last_acting: Server? = none
var changes: 0..2 = 0

invariant OneLeaderActing: forall a, b in Server: (a.acting and b.acting) implies a == b

reachable LeaderActs: exists s in Server: s.acting
reachable LeadershipMoves: changes == 2

terminal when now == MaxTime

expect violation OneLeaderActing
