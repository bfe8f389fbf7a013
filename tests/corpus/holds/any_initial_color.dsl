// expect: holds states=6
// `= any` makes every value of the type an initial state; the toggle doubles them.
spec Colors
type Color = enum { Red, Green, Blue }
var c: Color = any
var lit: bool = false
action toggle { lit = not lit }
invariant Known: c in {Red, Green, Blue}
reachable BlueLit: c == Blue and lit
