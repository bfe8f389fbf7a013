spec CrdtLwwBuggy extends "crdt_lww.dsl"

// A last-writer-wins register CRDT replicated by anti-entropy gossip (crdt_lww.dsl) — with the
// bug: equal timestamps have no tie-break.
//
// Property: Convergence — two replicas that have delivered the same writes hold the same
// register. (crdt_lww.dsl also checks the merge laws. They are dropped here: commutativity
// already fails in the state right after two concurrent writes, and the search would stop
// there, before the replicas have exchanged anything and diverged.)
//
// Bug: merge keeps the local register on a tie, so it is not commutative. Replicas 1 and 2
// both write at stamp 1, exchange their registers, and each keeps its own write: they have
// delivered the same writes and disagree for ever. Everything not restated below is
// crdt_lww.dsl's (see "Variants" in docs/language.md).

// THE BUG: on equal stamps the local register wins — whichever replica merges
fn merge(mine: Register, theirs: Register) -> Register =
  if theirs.stamp > mine.stamp then theirs else mine

drop fn later   // the tie-break by writer id
drop fn rank

drop invariant MergeCommutes
drop invariant MergeIsIdempotent
drop invariant MergeAssociates

expect violation Convergence
