spec Raft

// Raft log replication and truncation (Ongaro & Ousterhout, "In Search of an Understandable
// Consensus Algorithm", 2014), over a network that loses, duplicates and reorders messages.
//
// Protocol: a follower that times out becomes a candidate of the next term and asks for votes;
// a server votes at most once per term, and only for a candidate whose log is at least as
// up to date as its own; a majority of votes makes a leader. The leader appends client
// entries to its log and sends AppendEntries carrying prevLogIndex/prevLogTerm; a follower
// accepts only if its log holds that entry, then drops any conflicting suffix and appends.
// The leader commits an index once a majority matches it AND the entry there is from its
// current term (entries of earlier terms are committed only indirectly, §5.4.2).
//
// Properties: Election Safety (one leader per term), Log Matching (same index and term ⇒
// same prefix), Leader Completeness (a leader holds every entry committed in a term up to
// its own), State Machine Safety (no two servers commit different entries at one index).
//
// Modelling choices: an entry is just its term (a leader appends at most one entry per term,
// so index + term identifies it); the leader may send AppendEntries from any prevLogIndex of
// its log, which covers every nextIndex a real leader could have; failed AppendEntries and
// refused votes are not answered (a lost reply looks the same).
//
// Bug: none — see raft_buggy.dsl (the Figure 8 commit rule). Defaults keep the check to
// seconds; overnight: --const N=5 --const MaxTerm=4 --const MaxLog=3.

const N = 3          // servers
const MaxTerm = 4    // the Figure 8 scenario needs four terms with three servers
const MaxLog = 2     // entries per log

type Term = 0..MaxTerm
type LogTerm = 1..MaxTerm
type Idx = 0..MaxLog

message AppendEntries { term: Term, prev: Idx, prevTerm: Term, entry: LogTerm?, commit: Idx }
message AppendReply { term: Term, match: Idx }

network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }

node Server[N] {
  durable var term: Term = 0
  durable var votedFor: Server? = none
  durable var log: seq<LogTerm, MaxLog> = []
  var leader: bool = false
  var commit: Idx = 0
  var matched: map<Server, Idx> = { s: 0 for s in Server }   // the leader's matchIndex

  // §5.4.1: v votes for c in term t only once, and only if c's log is at least as up to date
  fn grants(v: Server, c: Server, t: Term) -> bool =
    (v.term < t or (v.term == t and (v.votedFor == none or v.votedFor == c)))
      and (last_term(c) > last_term(v)
           or (last_term(c) == last_term(v) and len(c.log) >= len(v.log)))

  // any message from a later term turns this server into a follower of that term
  fn observe(t: Term) {
    if t > term {
      term = t
      votedFor = none
      step_down()
    }
  }

  fn step_down() {
    leader = false
    matched = { s: 0 for s in Server }
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
  }

  // a client request: the leader appends one entry of its term
  action request when leader and len(log) < MaxLog and last_term(self) != term {
    log = append(log, term)
  }

  action replicate(f in Server, prev in 0..len(log)) when leader and f != self {
    send AppendEntries {
      term: term,
      prev: prev,
      prevTerm: if prev == 0 then 0 else log[prev],
      entry: if prev < len(log) then log[prev + 1] else none,
      commit: commit
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
          }
        }
        let match = if m.entry == none then m.prev else m.prev + 1
        commit = max({commit, min({m.commit, match})})
        send AppendReply { term: term, match: match } to l
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

fn leaders() -> set<Server> = { s for s in Server if s.leader }

fn last_term(s: Server) -> Term = if len(s.log) == 0 then 0 else last(s.log)

fn quorums(c: Server) -> set<set<Server>> =
  { q for q in all set<Server> if c in q and 2 * len(q) > N }

invariant ElectionSafety:
  forall a, b in leaders(): a.term == b.term implies a == b

invariant LogMatching:
  forall a, b in Server: forall i in 1..MaxLog:
    (i <= len(a.log) and i <= len(b.log) and a.log[i] == b.log[i])
      implies take(a.log, i) == take(b.log, i)

// every entry some server has committed, in a term up to the leader's, is in the leader's log
invariant LeaderCompleteness:
  forall l in leaders(): forall s in Server:
    s.term <= l.term implies forall i in 1..s.commit:
      i <= len(l.log) and i <= len(s.log) and l.log[i] == s.log[i]

invariant StateMachineSafety:
  forall a, b in Server: forall i in 1..MaxLog:
    (i <= a.commit and i <= b.commit)
      implies (i <= len(a.log) and i <= len(b.log) and a.log[i] == b.log[i])

reachable LeaderElected: exists s in Server: s.leader
reachable EntryCommitted: exists s in Server: s.commit >= 1
reachable FollowerTruncates:      // an uncommitted entry overwritten by a later leader
  exists s in Server: len(s.log) >= 1 and s.log[1] > 1 and s.commit == 0 and not s.leader
reachable TwoEntriesCommittedEverywhere: forall s in Server: s.commit == 2

// the model's budget of terms is spent: no server can start another election
terminal when forall s in Server: s.term == MaxTerm
