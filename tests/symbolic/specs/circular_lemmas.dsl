spec CircularLemmas

// Two false properties (x reaches 4, then 6). B follows in one step from A: a state with
// x != 4 never steps to 6. But A is not inductive (2 steps to 4), so a prover that assumed
// the lemma A without proving it would "prove" B. `verikit prove --k 1` proves neither.

var x: 0..20 = 0

action step when x < 10 { x = x + 2 }

terminal when x == 10

invariant B: x != 6

lemma A: x != 4
