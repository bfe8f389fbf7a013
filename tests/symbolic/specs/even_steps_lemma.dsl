spec EvenStepsLemma

// even_steps.dsl with the lemma its proof needs: x is always even, so no step starts from an
// odd x just below the bound, and `verikit prove` proves both at k = 1.

var x: 0..20 = 0

action step when x < 10 { x = x + 2 }

terminal when x == 10

invariant AtMostTen: x <= 10

lemma Even: x % 2 == 0
