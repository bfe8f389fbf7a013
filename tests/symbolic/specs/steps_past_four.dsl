spec StepsPastFour

// The same counter with a false invariant: x reaches 6 after three steps. k-induction's
// base case finds that run, as short as `verikit check`'s counterexample.

var x: 0..20 = 0

action step when x < 10 { x = x + 2 }

terminal when x == 10

invariant AtMostFour: x <= 4
