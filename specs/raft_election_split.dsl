spec RaftElectionSplit

// raft_election.dsl without its assumption that the last term is uncontested: any server
// without a leader may time out into any term, the last one included. Same protocol, same
// fairness; N = 3, MaxTerm = 2, at most 2 messages in flight.
//
// Property: EventuallyLeader is violated. The counterexample is a split vote that lasts for
// ever: every server times out into term 2, the last term, and votes for itself; from then on
// the candidates keep asking each other and every request is refused. The behavior is fair:
// every request is delivered, every candidate keeps asking, and no server can time out any
// more. With unbounded terms the same split could repeat in every term. Fairness cannot
// exclude it; Raft's randomized election timeouts make it improbable, not impossible.

const N = 3
const MaxTerm = 2

type Term = 0..MaxTerm

message RequestVote { term: Term }
message Vote { term: Term }

network { loss: true  reorder: true  max_in_flight: 2 }

node Server[N] {
  var term: Term = 0
  var role: enum { Follower, Candidate, Leader } = Follower
  var votedFor: Server? = none
  var votes: set<Server> = {}

  // any server without a leader may time out, in every term (the last one too)
  action timeout when role != Leader and term < MaxTerm {
    term = term + 1
    role = Candidate
    votedFor = self
    votes = {self}
  }

  action request_vote(s in all Server - votes) when role == Candidate {
    send RequestVote { term: term } to s
  }

  on RequestVote(m) from c {
    observe(m.term)
    if m.term == term and (votedFor == none or votedFor == c) {
      votedFor = c
      send Vote { term: term } to c
    }
  }

  on Vote(m) from v {
    observe(m.term)
    if role == Candidate and m.term == term {
      votes = votes + {v}
      if 2 * len(votes) > N { role = Leader }
    }
  }

  // a later term makes this server a follower of that term
  fn observe(t: Term) {
    if t > term {
      term = t
      role = Follower
      votedFor = none
      votes = {}
    }
  }
}

fair delivery
strong fair action Server.request_vote
fair action Server.timeout

invariant ElectionSafety:
  forall a, b in Server: a.role == Leader and b.role == Leader and a.term == b.term implies a == b

property EventuallyLeader: eventually exists s in Server: s.role == Leader

reachable SplitVote:
  exists a, b in Server: a != b and a.role == Candidate and b.role == Candidate and a.term == b.term
reachable LeaderInFirstTerm: exists s in Server: s.role == Leader and s.term == 1
reachable LeaderInLastTerm: exists s in Server: s.role == Leader and s.term == MaxTerm

// the election is over once there is a leader (with every term spent, nothing more happens)
terminal when exists s in Server: s.role == Leader

expect violation EventuallyLeader
