// expect: error 6:13 pick: no element qualifies
spec PickNothing
var x: 0..3 = 0
action step when x < 3 {
  x = x + 1
  let big = pick v in 0..x where v > 1
}
