// expect: violated reachable=Impossible
spec Vacuous
var x: bool = false
action flip { x = not x }
reachable Impossible: x and not x
