// expect: holds
// Sequences: append, take (truncate), len, indexing from 1.
spec Log
var log: seq<0..2, 3> = []
action write(v: 0..2) when len(log) < 3 { log = append(log, v) }
action truncate(n: 0..2) when n < len(log) { log = take(log, n) }
invariant Short: len(log) <= 3
invariant FirstIsValue: len(log) == 0 or log[1] in 0..2
reachable Full: len(log) == 3 and log[3] == 2
