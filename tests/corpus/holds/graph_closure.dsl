// expect: holds states=8 depth=4
spec Reachability
// Set-valued constants (a relation, quorums) and closure(R), the transitive closure of a
// relation: links are added one at a time, never closing a cycle.
const Edges = {(1, 2), (2, 3), (3, 4)}
const Quorums = {{1, 2}, {2, 3}, {1, 3}}
type V = 1..4
var links: set<tuple<V, V>> = {}
action link(e in Edges) when e not in links { links = links + {e} }
invariant Acyclic: forall v in V: (v, v) not in closure(links)
invariant WithinEdges: closure(links) subset closure(Edges)
invariant QuorumsIntersect: forall q, r in Quorums: q & r != {}
reachable Path: (1, 4) in closure(links)
terminal when links == Edges
