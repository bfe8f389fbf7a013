// expect: error 5:1 `broadcast` is a keyword, so it cannot name a variable
spec KeywordName
// A keyword declared as a name is refused where it is declared (a statement starting with
// it would not parse), not later at some use.
var broadcast: 0..1 = 0
var x: 0..1 = 0
action a { x = 1 }
terminal when x == 1
