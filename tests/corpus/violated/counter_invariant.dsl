// expect: violated invariant=Small steps=3
spec Counter
var x: 0..5 = 0
action inc when x < 5 { x = x + 1 }
action reset when x == 5 { x = 0 }
invariant Small: x < 3
