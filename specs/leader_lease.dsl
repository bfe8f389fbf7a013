spec LeaderLease

// Leader leases under bounded clock drift (Gray & Cheriton, "Leases", 1989; the master lease
// of Chubby and of Raft-based stores that serve reads from the leader without a round trip).
//
// Protocol: a lease service (true time, like a quorum's promise) grants leadership for Lease
// ticks to one server at a time: it grants again, to anyone, only once the current lease has
// run out on its clock (the holder may renew before). A server asks for the lease, noting
// the time of the request on its own clock, and carries it in the request; the grant echoes
// it. The server counts its lease from when it ASKED (the grant may be slow) and, since its
// clock may run slow by up to Drift ticks over a lease, keeps Drift ticks of margin: it acts
// as leader — serves reads from its local state — only while its clock reads less than
// asked + Lease - Drift. Clocks run slow: a server's clock may stand still during a tick,
// Drift times at most. Messages are lost, duplicated and reordered.
//
// Property: OneLeaderActing — no two servers act as leader in the same tick (a server that
// serves a read marks itself acting until the next tick).
//
// Bug: none here. leader_lease_no_expiry_check.dsl serves reads while it holds a lease at all,
// without checking it against its own clock: after the lease ran out, a new leader was
// elected and both serve (a stale read).

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

  action serve when leaseEnd != none and clock() < leaseEnd {
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

// Why it holds (what `verikit prove` needs to prove it by induction): a server acts only on a
// live lease; a live lease is the one the service last granted, and ends, with the margin for
// drift, no later than the service's own (which never runs past now + Lease, so a renewal
// never shortens it); a grant in flight that would still be live is the service's current
// grant, and a request carries a time no later than its sender's clock.
lemma ActingOnALiveLease:
  forall s in Server: s.acting implies s.leaseEnd != none and now - s.lag < s.leaseEnd
lemma LiveLeaseIsTheServices:
  forall s in Server: s.leaseEnd != none and now - s.lag < s.leaseEnd implies
    LeaseService.holder == s and s.leaseEnd + Drift <= LeaseService.expires
lemma GrantsInFlightAreTheServices:
  forall a in Time: forall s in Server:
    (forall x in Server: not in_flight(Grant { asked: a }, x, s))
    and (in_flight(Grant { asked: a }, LeaseService, s) implies
      a <= now and (a + Lease - Drift > now - s.lag implies
        LeaseService.holder == s and a + Lease <= LeaseService.expires))
lemma RequestsCarryTheirClock:
  forall a in Time: not in_flight(Acquire { asked: a }, LeaseService, LeaseService)
    and forall s in Server: in_flight(Acquire { asked: a }, s, LeaseService) implies a <= now - s.lag
lemma ServiceLeaseFromNow: LeaseService.expires <= now + Lease
