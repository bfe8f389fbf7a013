// expect: violated always_eventually=Ticks(p=1) steps=3
// One obligation for the whole action: the loop that ticks only p=2 takes `tick`, so it is
// fair, and counter 1 never reaches 1. `fair action tick(p)` rules it out (holds/ case).
spec FairWholeActionStarves
const N = 2
type P = 1..N
var count: map<P, 0..2> = { p: 0 for p in P }
action tick(p: P) { count[p] = (count[p] + 1) % 3 }
fair action tick
property Ticks: forall p in P: always eventually count[p] == 1
