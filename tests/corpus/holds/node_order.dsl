// expect: holds states=314 depth=7
spec LastWriterWins
// Node ids in order: index(p) is p's position in its group (from 1), and `<` compares two
// ids of one group by it; a tie on the clock goes to the higher replica.
const MaxClock = 1
node Replica[3] {
  var clock: 0..MaxClock = 0
  var winner: Replica? = none
  action write when clock < MaxClock { clock = clock + 1 }
  action merge(q in Replica) when q != self {
    winner = if (q.clock, index(q)) == (clock, index(self)) then self
      else if q.clock > clock or (q.clock == clock and self < q) then q else self
  }
}
network { max_in_flight: 1 }
invariant Wins: forall r in Replica: r.winner != none implies index(r.winner) >= 1
invariant Ordered: forall p, q in Replica: p < q implies index(p) < index(q)
invariant Positions: forall p in Replica: Replica[index(p)] == p
