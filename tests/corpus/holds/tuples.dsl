// expect: holds states=39 depth=6
spec Tuples
// Tuples as values and types: built, compared, kept in sets and as map keys, projected
// with t[1], assigned through a position and destructured with `let (a, b) = …`.
type P = 1..3
var edges: set<tuple<P, P>> = {(1, 2), (2, 3)}
var last: tuple<P, bool> = (1, false)
var seen: map<tuple<P, P>, bool> = { e: false for e in all tuple<P, P> }
action add(a: P, b: P) when (a, b) not in edges and a != b {
  edges = edges + {(a, b)}
  last = (b, true)
  last[1] = a
  let (x, y) = (a, b)
  seen[(x, y)] = true
}
action first when edges != {} {
  let e = pick e in edges where e[1] >= 2
  last = (e[2], e == (2, 3))
}
invariant NoSelfLoop: forall e in edges: e[1] != e[2]
invariant Destructured: forall e in edges: let (a, b) = e in a != b
invariant Marked: forall e in edges: seen[e] or e in {(1, 2), (2, 3)}
reachable Back: (3, 1) in edges
