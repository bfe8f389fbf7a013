// expect: holds states=4 depth=4
// `eventually always`: x may fall back from 3 to 2, but never below 1 once it got there.
spec Persistence
var x: 0..3 = 0
action up when x < 3 { x = x + 1 }
action back when x == 3 { x = 2 }
fair action up
property AboveOne: eventually always x >= 1
