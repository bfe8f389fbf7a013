// expect: holds states=38 depth=6
// Action properties that hold: the log only grows and an entry, once written, never changes;
// a vote happens at most once per term (a step that changes nothing satisfies every one).
spec LogAppendOnly
terminal when true
var term: 0..2 = 0
var voted: bool = false
var log: seq<0..2, 2> = []
action bump when term < 2 { term = term + 1; voted = false }
action vote when not voted { voted = true }
action record when len(log) < 2 { log = append(log, term) }
property Grows: always step: len(log') >= len(log)
property Kept: forall i in 1..2: always step: i <= len(log) implies log'[i] == log[i]
property OneVote: always step: voted and term' == term implies voted'
