// expect: holds states=4 depth=3
spec Batch
// A batch job that may stop anywhere: `deadlock: allowed` says so, instead of
// `terminal when true`.
var done: set<1..2> = {}
action finish(j: 1..2) when j not in done { done = done + {j} }
deadlock: allowed
invariant Small: len(done) <= 2
