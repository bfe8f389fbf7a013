spec EvenSteps

// x counts up from 0 in steps of two and stops at 10, so it never exceeds 10. That is true
// but not inductive: from x = 9, which no run reaches, one step leads to 11. `verikit prove`
// shows that step as its counterexample to induction; even_steps_lemma.dsl adds the lemma
// that rules it out.

var x: 0..20 = 0

action step when x < 10 { x = x + 2 }

terminal when x == 10

invariant AtMostTen: x <= 10
