// expect: violated invariant=Acyclic steps=2
spec Cycle
// closure(R) finds the cycle a back link closes.
type V = 1..3
var links: set<tuple<V, V>> = {}
action link(a: V, b: V) when a != b and (a, b) not in links { links = links + {(a, b)} }
invariant Acyclic: forall v in V: (v, v) not in closure(links)
