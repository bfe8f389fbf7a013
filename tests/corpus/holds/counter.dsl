// expect: holds states=4 depth=4
spec Counter
var x: 0..3 = 0
action inc when x < 3 { x = x + 1 }
invariant Bounded: x <= 3
reachable Top: x == 3
terminal when x == 3
