// expect: holds states=9 depth=5
// `fair action tick(p)`: one obligation per p (TLA+'s \A p: WF_vars(Tick(p))), so no counter
// is starved while another ticks; with `fair action tick` alone, ticking only p=2 is fair.
spec FairPerParameter
const N = 2
type P = 1..N
var count: map<P, 0..2> = { p: 0 for p in P }
action tick(p: P) { count[p] = (count[p] + 1) % 3 }
fair action tick(p)
property Ticks: forall p in P: always eventually count[p] == 1
