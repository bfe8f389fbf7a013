spec RaftElectionSplit extends "raft_election.dsl"

// raft_election.dsl without its assumption that the last term is uncontested: any server
// without a leader may time out into any term, the last one included. Same protocol, same
// fairness; N = 3, MaxTerm = 2, at most 2 messages in flight. Everything not restated below
// is raft_election.dsl's (see "Variants" in docs/language.md).
//
// Property: EventuallyLeader is violated. The counterexample is a split vote that lasts for
// ever: every server times out into term 2, the last term, and votes for itself; from then on
// the candidates keep asking each other and every request is refused. The behavior is fair:
// every request is delivered, every candidate keeps asking, and no server can time out any
// more. With unbounded terms the same split could repeat in every term. Fairness cannot
// exclude it; Raft's randomized election timeouts make it improbable, not impossible.

node Server[N] {
  // any server without a leader may time out, in every term (the last one too)
  action timeout when role != Leader and term < MaxTerm {
    term = term + 1
    role = Candidate
    votedFor = self
    votes = {self}
  }
}

expect violation EventuallyLeader
