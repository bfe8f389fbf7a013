spec RaftBuggy extends "raft.dsl"

// Raft log replication and truncation — with the commit rule of Figure 8 of the Raft paper
// (Ongaro & Ousterhout, 2014) done wrong: the leader commits an entry of an EARLIER term as
// soon as a majority holds it.
//
// Protocol: as in raft.dsl (one-step elections with the up-to-date check, a no-op entry per
// new leader, AppendEntries with prevLogIndex/prevLogTerm, truncation of a conflicting
// suffix, commit by majority match), over a network that loses, duplicates and reorders.
//
// Properties: ElectionSafety, LogMatching, LeaderCompleteness, StateMachineSafety.
//
// Bug: advance() counts replicas of any entry, not only of entries of the current term. The
// shortest counterexample (three servers, four terms): S1 leads term 1 and appends an entry
// no one else gets; S2 leads term 2 and appends a conflicting one; S1 leads term 3 and copies
// its term-1 entry to S3 — a majority — and commits it; S2, whose last entry (term 2) is
// newer than S3's (term 1), then wins term 4 with S3's vote, although its log lacks the
// committed entry: LeaderCompleteness fails, and S2's AppendEntries would next truncate
// the committed entry away from S3. raft.dsl keeps the §5.4.2 rule and holds.
// Defaults: the four terms the scenario needs; seconds. Everything not restated below is
// raft.dsl's (see "Variants" in docs/language.md).

const MaxTerm = 4    // terms 1..MaxTerm: the scenario needs four

node Server[N] {
  // commit the highest index a majority holds — THE BUG: whatever the term of its entry
  fn advance() {
    let agreed = { i for i in 1..len(log) if 2 * len(replicas(i)) > N }
    if len(agreed) > 0 and max(agreed) > commit {
      commit = max(agreed)
    }
  }
}

expect violation LeaderCompleteness
