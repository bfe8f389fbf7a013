// expect: violated eventually_always=AtTop steps=4
// x keeps leaving 3 and coming back: `eventually always x == 3` fails on the loop 2 → 3 → 2.
spec PersistenceFlaps
var x: 0..3 = 0
action up when x < 3 { x = x + 1 }
action back when x == 3 { x = 2 }
fair action up
property AtTop: eventually always x == 3
