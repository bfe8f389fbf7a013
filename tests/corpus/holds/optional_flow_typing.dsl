// expect: holds states=23 depth=6
spec FollowTheLeader
// `leader: Replica?` is read as a plain node id where a guard proves it is not `none`:
// sent to, assigned through, bound by `let`, compared, in `and`, `implies` and `if`.
message Ping {}
node Replica[2] {
  var leader: Replica? = none
  var pings: 0..1 = 0
  var known: set<Replica> = {}
  action elect(c in Replica) when leader == none { leader = c }
  action ping when leader != none and leader != self and pings == 0 {
    send Ping {} to leader
    leader.pings = 0
    let l = leader
    known = known + {l}
    pings = 1
  }
  action forget {
    require leader != none
    if leader == self { leader = none }
  }
  on Ping from p { known = known + {p} }
}
network { max_in_flight: 1 }
invariant KnowsItsLeader:
  forall r in Replica: r.leader != none and r.pings == 1 implies r.leader in r.known
