// expect: holds states=4 depth=4
// The base of the corpus's variant cases (violated/variant_overshoots.dsl,
// error/variant_drops_what_is_not_there.dsl): `extends` reads it from there.
spec Meter
const Max = 3
var x: 0..5 = 0
action inc when x < Max { x = x + 1 }
action reset when x == Max { x = 0 }
invariant Bounded: x <= Max
lemma Small: x <= 5
