// expect: holds states=3 depth=2
// Dining, one seat: eat(p) is enabled only while nobody eats, so weak fairness per p does not
// force it; strong fairness per p does: every p eats again and again.
spec StrongFairPerParameter
const N = 2
type P = 1..N
var eating: P? = none
action eat(p: P) when eating == none { eating = p }
action stop when eating != none { eating = none }
fair action stop
strong fair action eat(p)
property Eats: forall p in P: always eventually eating == p
