// expect: expected SmallX=2 SmallY=3 Settles=6 states=16
// A bug variant that demonstrates three properties: with --all-violations each is checked
// and shown with its own shortest counterexample (an invariant's ends at its first bad state;
// the liveness one is a lasso); the variant passes only when every one is still violated.
spec TwoBugsEachShown
var x: 0..3 = 0
var y: 0..3 = 0
action incx when x < 3 { x = x + 1 }
action incy when y < 3 { y = y + 1 }
terminal when true
invariant SmallX: x < 2
invariant SmallY: y < 3
property Settles: eventually x + y == 7
expect violation SmallX
expect violation SmallY
expect violation Settles
