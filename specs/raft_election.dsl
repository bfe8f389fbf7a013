spec RaftElection

// Raft leader election (Ongaro & Ousterhout 2014, §5.2) over a network that loses and
// reorders messages: is a leader eventually elected?
//
// Protocol: a server that times out starts the next term as a candidate and votes for itself;
// it asks every server whose vote it lacks with RequestVote, again and again (requests and
// votes may be lost). A server that sees a later term adopts it and becomes a follower. A
// server grants at most one vote per term: to the first candidate that asks, and again to the
// same candidate if it asks again (the first vote may have been lost). A candidate with the
// votes of a majority becomes leader. Logs are left out (every candidate is up to date) and
// leaders send no heartbeats. Every send is one message and waits while max_in_flight
// messages are in flight.
//
// Properties: EventuallyLeader (some server eventually is leader) and ElectionSafety (at most
// one leader per term).
//
// Fairness: `fair delivery` (a message that can be delivered again and again is eventually
// delivered), `strong fair action Server.request_vote` (a candidate that can ask again and
// again eventually asks; strong because a full network blocks the send now and then) and
// `fair action Server.timeout` (a server that could time out all along eventually does).
// `fair node Server` would not do: in a split term every candidate keeps asking for votes in
// vain, which counts as taking steps, and never times out.
//
// What is claimed, and why the last term is special. Terms are bounded by MaxTerm, and
// fairness alone cannot rule out split votes: every server may time out into the same term,
// vote for itself and refuse the others for ever (raft_election_split.dsl shows it; with
// unbounded terms the split can repeat in every term). Real Raft makes a repeated split
// unlikely with randomized election timeouts, a probability argument a model checker cannot
// make. This spec states it as an assumption instead: the LAST term is uncontested (only one
// server may time out into term MaxTerm; see `timeout`'s guard). The check then shows that,
// under fairness, despite lost and reordered requests and votes, stale messages of earlier
// terms and split votes before the last term, a leader is always elected, at the latest in
// the last term. It catches, for example, a server that does not grant its vote again to the
// same candidate: lost votes then stall the last election for ever.
//
// Constants: N = 3 servers, MaxTerm = 2 (term 1 may split; term 2 is uncontested), at most
// 2 messages in flight.

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

  // only one server may start the last term: the model's stand-in for randomized timeouts
  action timeout when role != Leader and term < MaxTerm
                      and (term + 1 < MaxTerm or forall s in Server: s.term < MaxTerm) {
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
