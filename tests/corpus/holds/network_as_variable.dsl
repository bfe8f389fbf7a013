// expect: holds states=3 depth=3
spec NetworkVariable
// A keyword where only a name fits is that name: a variable named `network` may start a
// statement (the lexer reads the keyword there, the parser takes it as the name).
var network: 0..2 = 0
var x: 0..2 = 0
action a when x < 2 {
  x = x + 1
  network = network + 1
}
invariant Same: network == x
terminal when x == 2
