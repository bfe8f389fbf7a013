// expect: error 5:25 unknown variable `termm` — did you mean `term`?
spec Typo
var term: 0..3 = 0
action bump when term < 3 { term = term + 1 }
invariant Small: term + termm < 10
