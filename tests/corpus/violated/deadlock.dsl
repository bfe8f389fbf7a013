// expect: violated deadlock steps=2
spec Stuck
var x: 0..2 = 0
action step when x < 2 { x = x + 1 }
invariant Fine: x <= 2
