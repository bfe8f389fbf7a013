// expect: violated step=TermNeverDecreases steps=4
// An action property: `term'` is the term after the step. The reset from 3 back to 1 breaks
// it; the counterexample is the shortest run and ends with that step.
spec TermDecreases
var term: 0..3 = 0
var voted: bool = false
action bump when term < 3 { term = term + 1; voted = false }
action vote when not voted { voted = true }
action reset when term == 3 { term = 1 }
property TermNeverDecreases: always step: term' >= term
