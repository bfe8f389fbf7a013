// expect: violated eventually=Each(p=2) steps=1
// Only the first worker ever finishes: the instance for p=2 fails, reported with its value.
spec QuantifiedInstance
const N = 2
type P = 1..N
var done: map<P, bool> = { p: false for p in P }
action finish(p: P) when p == 1 and not done[p] { done[p] = true }
fair action finish
terminal when true
property Each: forall p in P: eventually done[p]
