// expect: holds
spec Leases
const Clients = 2
type Client = 1..Clients
type Lease = record { holder: Client?, token: 0..3 }
var lease: Lease = Lease { holder: none, token: 0 }
var seen: map<Client, 0..3> = { c: 0 for c in Client }
action acquire(c: Client) when lease.holder == none and lease.token < 3 {
  lease = Lease { holder: c, token: lease.token + 1 }
  seen[c] = lease.token
}
action release when lease.holder != none { lease.holder = none }
invariant TokenMonotone: forall c in Client: seen[c] <= lease.token
reachable SecondHolder: lease.token == 2 and lease.holder != none
terminal when lease.token == 3 and lease.holder == none
