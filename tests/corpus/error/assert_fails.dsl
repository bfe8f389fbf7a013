// expect: error 9:3 assertion Conserved failed: a + b == 4
spec Transfer
// Money moves between two accounts one unit at a time; the buggy refund creates a unit.
var a: 0..5 = 4
var b: 0..5 = 0
action move when a > 0 {
  a = a - 1
  b = b + 1
  assert Conserved: a + b == 4
}
action refund when b > 0 and a < 5 {
  a = a + 1
  if b < 3 { b = b - 1 }
}
