// expect: holds states=2 depth=2
// TLA+'s WF_vars(go) is about <<go>>_vars steps: go(b: false) changes nothing, so repeating it
// for ever does not take `go` while go(b: true) stays enabled; the fair behavior ends done.
spec StutterDoesNotDischargeFairness
var done: bool = false
action go(b: bool) { if b { done = true } }
fair action go
property Done: eventually done
