// expect: error 4:25 out of range
spec Overflow
var x: 0..2 = 0
action inc when x < 5 { x = x + 1 }
