// expect: holds states=3
// As in TLC: a state outside the constraint is checked but neither counted nor explored.
spec Unbounded
var n: int = 0
action up { n = n + 1 }
invariant NonNegative: n >= 0
reachable Two: n == 2
constraint n <= 2
