// expect: holds states=5 depth=5
spec TransferFixed
var a: 0..4 = 4
var b: 0..4 = 0
action move when a > 0 {
  a = a - 1
  b = b + 1
  assert Conserved: a + b == 4
  assert b >= 1
}
terminal when a == 0
