// expect: holds states=12 depth=5
spec Ballots
// `pick` is TLA+'s CHOOSE: the same element every time (the least in set order), and
// `let … in` names a value inside an expression.
const N = 3
type Id = 1..N
var votes: set<Id> = {}
var leader: Id? = none
action vote(i: Id) when i not in votes and leader == none { votes = votes + {i} }
action elect when len(votes) >= 2 and leader == none {
  leader = pick i in votes where (let rest = votes - {i} in len(rest) >= 1)
}
invariant LeaderIsLeast: leader != none implies leader == min(votes)
invariant LetShadows: let votes = len(votes) in votes <= N
terminal when leader != none
