// expect: error 5:1 expected
spec Broken
var x: bool = false
action flip { x = not x
invariant I: x or not x
