// expect: holds states=4 depth=4
// One instance per value: Each(p=1..3) and Chain(p=1..2) are checked and reported apart.
spec QuantifiedLiveness
const N = 3
type P = 1..N
var done: map<P, bool> = { p: false for p in P }
action finish(p: P) when not done[p] and (p == 1 or done[p - 1]) { done[p] = true }
action reset when done[N] { done = { p: false for p in P } }
fair action finish
fair action reset
property Each: forall p in P: always eventually done[p]
property Chain: forall p in 1..N - 1: done[p] leads_to done[p + 1]
