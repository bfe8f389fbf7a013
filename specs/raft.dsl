spec Raft

// Raft log replication and truncation (Ongaro & Ousterhout, "In Search of an Understandable
// Consensus Algorithm", 2014), over a network that loses, duplicates and reorders messages.
//
// Protocol: a server that times out starts the next term and asks for votes; a server votes
// at most once per term, and only for a candidate whose log is at least as up to date as its
// own (§5.4.1); a majority of votes makes a leader, which appends a no-op entry of its term
// (§8). The leader sends AppendEntries carrying prevLogIndex/prevLogTerm; a follower accepts
// only if its log holds that entry, then drops a conflicting suffix and appends (§5.3), and
// acknowledges. The leader commits an index once a majority holds it AND its entry is from
// the current term; earlier entries are committed only indirectly, below it (§5.4.2).
//
// Properties: ElectionSafety (one leader per term), LogMatching (same index and term ⇒ same
// prefix), LeaderCompleteness (a leader holds every entry committed in a term up to its own),
// StateMachineSafety (no two servers commit different entries at one index).
//
// Modelling choices, to keep the state space small without losing a safety violation:
// * an election is one step: the candidate collects the votes of a majority at once (the
//   RequestVote round trip is not what this spec is about);
// * an entry is just its term, since a leader appends one entry per term;
// * the leader may send AppendEntries from any prevLogIndex at or above what the follower has
//   acknowledged — every nextIndex a real leader could hold — while the follower lacks an
//   entry; refused AppendEntries are not answered (a lost reply looks the same);
// * the commit index is the leader's decision; followers are not told it (what a follower
//   applies is a prefix of what some leader committed).
//
// Bug: none here. raft_buggy.dsl lets the leader commit an entry of an earlier term by
// counting replicas (Figure 8 of the paper). That needs four terms: --const MaxTerm=4 shows
// the correct rule holding where the buggy one fails (5.6 million states, about five
// minutes). The default checks in seconds but is shallow: with two terms of one entry each,
// dropping the prevLogTerm check goes unnoticed; --const MaxTerm=3 (a million states, under
// a minute) catches that in six steps.

const N = 3          // servers
const MaxTerm = 2    // terms 1..MaxTerm
const MaxLog = 2     // entries per log

type Term = 0..MaxTerm
type LogTerm = 1..MaxTerm
type Idx = 0..MaxLog

message AppendEntries { term: Term, prev: Idx, prevTerm: Term, entry: LogTerm? }
message AppendReply { term: Term, match: Idx }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

node Server[N] {
  durable var term: Term = 0
  durable var votedFor: Server? = none
  durable var log: seq<LogTerm, MaxLog> = []
  var leader: bool = false
  var commit: Idx = 0
  var matched: map<Server, Idx> = { s: 0 for s in Server }   // the leader's matchIndex

  // any message from a later term turns this server into a follower of that term
  fn observe(t: Term) {
    if t > term {
      term = t
      votedFor = none
      leader = false
      matched = { s: 0 for s in Server }
    }
  }

  // An election as one step: this server times out, starts the next term and wins the votes
  // of the majority q (itself included).
  action elect(q in quorums(self)) when not leader and term < MaxTerm
                                    and forall v in q: grants(v, self, term + 1) {
    let t = term + 1
    for v in q {
      v.term = t
      v.votedFor = self
      v.leader = false
      v.matched = { s: 0 for s in Server }
    }
    leader = true
    if len(log) < MaxLog { log = append(log, t) }   // the new leader's no-op entry
  }

  action replicate(f in Server, prev in matched[f]..len(log))
      when leader and f != self and matched[f] < len(log) {
    send AppendEntries {
      term: term,
      prev: prev,
      prevTerm: if prev == 0 then 0 else log[prev],
      entry: if prev < len(log) then log[prev + 1] else none
    } to f
  }

  on AppendEntries(m) from l {
    observe(m.term)
    if m.term == term and not leader {
      // the consistency check: this log holds the entry the leader's log has at prev
      if m.prev <= len(log) and (m.prev == 0 or log[m.prev] == m.prevTerm) {
        if m.entry != none {
          if len(log) == m.prev {
            log = append(log, m.entry)
          } else if log[m.prev + 1] != m.entry {
            log = append(take(log, m.prev), m.entry)   // truncate the conflicting suffix
            truncated = true
          }
        }
        send AppendReply { term: term, match: if m.entry == none then m.prev else m.prev + 1 } to l
      }
    }
  }

  on AppendReply(m) from f {
    observe(m.term)
    if leader and m.term == term and m.match > matched[f] {
      matched[f] = m.match
      advance()
    }
  }

  // commit the highest index a majority holds, if its entry is from the current term
  fn advance() {
    let agreed = { i for i in 1..len(log) if 2 * len(replicas(i)) > N and log[i] == term }
    if len(agreed) > 0 and max(agreed) > commit {
      commit = max(agreed)
    }
  }

  fn replicas(i: Idx) -> set<Server> = { s for s in Server if s == self or matched[s] >= i }
}

// v votes for c in term t: once per term, and only if c's log is at least as up to date
fn grants(v: Server, c: Server, t: Term) -> bool =
  (v.term < t or (v.term == t and (v.votedFor == none or v.votedFor == c)))
    and (last_term(c) > last_term(v)
         or (last_term(c) == last_term(v) and len(c.log) >= len(v.log)))

fn last_term(s: Server) -> Term = if len(s.log) == 0 then 0 else last(s.log)

// the smallest majorities holding c (a larger one only also moves more servers to the term)
fn quorums(c: Server) -> set<set<Server>> =
  { q for q in all set<Server> if c in q and len(q) == N / 2 + 1 }

fn leaders() -> set<Server> = { s for s in Server if s.leader }

// history, for the properties only: some follower has truncated a conflicting suffix
var truncated: bool = false

invariant ElectionSafety:
  forall a, b in leaders(): a.term == b.term implies a == b

invariant LogMatching:
  forall a, b in Server: forall i in 1..MaxLog:
    (i <= len(a.log) and i <= len(b.log) and a.log[i] == b.log[i])
      implies take(a.log, i) == take(b.log, i)

// every entry a server has committed, in a term up to the leader's, is in the leader's log
invariant LeaderCompleteness:
  forall l in leaders(): forall s in Server:
    s.term <= l.term implies forall i in 1..s.commit:
      i <= len(l.log) and i <= len(s.log) and l.log[i] == s.log[i]

invariant StateMachineSafety:
  forall a, b in Server: forall i in 1..MaxLog:
    (i <= a.commit and i <= b.commit)
      implies (i <= len(a.log) and i <= len(b.log) and a.log[i] == b.log[i])

reachable EntryCommitted: exists s in Server: s.commit >= 1
reachable WholeLogCommitted: exists s in Server: s.commit == MaxLog
reachable FollowerTruncates: truncated

// the model's budget of terms is spent: no server can start another election
terminal when forall s in Server: s.term == MaxTerm
