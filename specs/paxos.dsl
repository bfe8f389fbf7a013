spec Paxos

// Single-decree Paxos (Lamport, "Paxos Made Simple", 2001): proposers and acceptors agree on
// one value over a network that loses and reorders messages, where any one node may crash
// and restart.
//
// Protocol. Phase 1: a proposer takes a fresh ballot and sends Prepare(b) to a majority of
// acceptors (a majority: "some set of acceptors" in the paper). An acceptor that has
// promised nothing higher promises b and answers with the highest-ballot proposal it has
// accepted, if any. Phase 2: with promises from a majority, the proposer proposes the value
// of the highest-ballot proposal among the answers, or its own value if there is none, and
// sends Accept(b, v) to a majority. An acceptor accepts unless it has promised a higher
// ballot. A learner learns v once it hears from a majority that accepted one ballot b with
// value v, so a learner learns exactly the chosen values defined below; as in Lamport's
// Paxos.tla, learners are not modelled as nodes (their Accepted messages multiplied the
// state space by five and decide nothing the ghost `votes` does not).
// An acceptor's promise and accepted proposal are on stable storage (`durable`): a crash
// keeps them. Ballots are unique: a proposer takes the next one from a shared counter (in
// real systems, round number and proposer id).
//
// Properties: Agreement — at most one value is chosen, where v is chosen when a majority of
// acceptors has accepted (voted for) one ballot proposing v (the ghost `votes` and
// `proposal` keep every vote ever cast, since an acceptor's state is overwritten later).
// Validity — a chosen value was proposed by a proposer as its own.
//
// No liveness claim: Paxos promises none (two proposers can preempt each other for ever;
// FLP). The witnesses show that a value is chosen, and chosen again at a higher ballot (the
// case phase 1 exists for).
//
// Network: no duplication. Every handler is idempotent (a second Prepare or Accept finds its
// promise already made, a second Promise an acceptor already counted), so copies add states
// but no acceptor or proposer behavior; with `duplicate: true` the defaults grow past eight
// million states. A proposer sends to a smallest majority: sending to all three acceptors is
// the same up to a dropped message.
//
// Bugs: paxos_forgetful_acceptor.dsl keeps the promise in memory only; paxos_ignore_accepted.dsl
// lets the proposer propose its own value regardless of what phase 1 found.
//
// Defaults (2 proposers, 3 acceptors, 2 ballots): about a million states, seconds on the
// native backend. --const MaxBallot=3 lets a proposer retry (see docs/specs/paxos.md).

const Proposers = 2
const Acceptors = 3
const MaxBallot = 2   // ballots 1..MaxBallot, handed out in order

type Ballot = 1..MaxBallot
type Value = 1..2

message Prepare { bal: Ballot }
message Promise { bal: Ballot, accBal: 0..MaxBallot, accVal: Value? }
message Accept { bal: Ballot, val: Value }

network {
  loss: true  reorder: true  max_in_flight: 4
  crash: true  max_crashes: 1
}

// the last ballot handed out: unique ballots, as round number and proposer id give them
var lastBallot: 0..MaxBallot = 0

node Proposer[Proposers] {
  var phase: enum { Idle, Preparing, Accepting } = Idle
  var ballot: 0..MaxBallot = 0
  var mine: Value? = none                  // the value this proposer would like chosen
  var promised: set<Acceptor> = {}         // promises for this ballot
  var highBal: 0..MaxBallot = 0            // the highest accepted proposal reported
  var highVal: Value? = none

  // start (or restart, preempting the old ballot) phase 1 with a fresh ballot
  action prepare(v in Value, q in majorities()) when lastBallot < MaxBallot {
    lastBallot = lastBallot + 1
    ballot = lastBallot
    mine = v
    wanted = wanted + {v}
    promised = {}
    highBal = 0
    highVal = none
    phase = Preparing
    broadcast Prepare { bal: ballot } to q
  }

  on Promise(m) from a when phase == Preparing and m.bal == ballot {
    promised = promised + {a}
    if m.accBal > highBal {
      highBal = m.accBal
      highVal = m.accVal
    }
  }

  // phase 2: the value of the highest-ballot proposal reported, else our own
  action propose(q in majorities()) when phase == Preparing and 2 * len(promised) > Acceptors {
    let v = if highVal == none then mine else highVal
    phase = Accepting
    proposal[ballot] = v
    broadcast Accept { bal: ballot, val: v } to q
  }
}

node Acceptor[Acceptors] {
  durable var promise: 0..MaxBallot = 0    // the highest ballot promised
  durable var accBal: 0..MaxBallot = 0     // the highest-ballot proposal accepted
  durable var accVal: Value? = none

  on Prepare(m) from p {
    if m.bal > promise {
      promise = m.bal
      send Promise { bal: m.bal, accBal: accBal, accVal: accVal } to p
    }
  }

  on Accept(m) from p {
    if m.bal >= promise {
      promise = m.bal
      accBal = m.bal
      accVal = m.val
      votes[m.bal] = votes[m.bal] + {self}
    }
  }
}

fn majorities() -> set<set<Acceptor>> =
  { q for q in all set<Acceptor> if len(q) == Acceptors / 2 + 1 }

// history, for the properties only: the value proposed at each ballot, and every vote cast
var proposal: map<Ballot, Value?> = { b: none for b in Ballot }
var votes: map<Ballot, set<Acceptor>> = { b: {} for b in Ballot }
var wanted: set<Value> = {}   // the values proposers came up with themselves

fn chosen_at(b: Ballot) -> bool = 2 * len(votes[b]) > Acceptors
fn chosen() -> set<Value> =
  { v for v in Value if exists b in Ballot: chosen_at(b) and proposal[b] == v }

invariant Agreement: len(chosen()) <= 1
invariant Validity: chosen() subset wanted

reachable ValueChosen: len(chosen()) == 1
reachable ChosenTwice: exists b1, b2 in Ballot: b1 < b2 and chosen_at(b1) and chosen_at(b2)

// the budget of ballots is spent: nobody can start phase 1 again
terminal when lastBallot == MaxBallot

// Why it holds (what `verikit prove` needs to prove it by induction) — Lamport's SafeAt: a
// ballot's proposal is safe: for every lower ballot c a majority either voted at c for the
// same value or promised past c without voting at c (so c can choose nothing else); an
// acceptor's accepted proposal is its highest vote; a promise in flight reports the highest
// vote below its ballot; a proposer collecting promises knows that no promising acceptor
// voted between the highest ballot reported and its own.
fn voted(a: Acceptor, c: Ballot) -> bool = a in votes[c]
fn safe_at(b: Ballot, v: Value) -> bool =
  forall c in Ballot: c < b implies exists q in majorities(): forall a in q:
    (voted(a, c) and proposal[c] == v) or (not voted(a, c) and a.promise > c)

lemma ProposalsAreSafe:
  forall b in Ballot: forall v in Value: proposal[b] == v implies safe_at(b, v) and v in wanted
lemma ProposedOnlyHandedOut: forall b in Ballot: proposal[b] != none implies b <= lastBallot
lemma VotesForProposals: forall b in Ballot: votes[b] != {} implies proposal[b] != none
lemma AcceptorsRemember:
  forall a in Acceptor:
    a.accBal <= a.promise and a.promise <= lastBallot and (a.accBal == 0) == (a.accVal == none)
    and (a.accBal > 0 implies voted(a, a.accBal) and proposal[a.accBal] == a.accVal)
    and forall c in Ballot: voted(a, c) implies c <= a.accBal
lemma AcceptsCarryTheProposal:
  forall b in Ballot: forall v in Value: in_flight(Accept { bal: b, val: v }) implies proposal[b] == v
lemma PreparesHandedOut: forall b in Ballot: in_flight(Prepare { bal: b }) implies b <= lastBallot
lemma PromisesReportTheHighestVote:
  forall a in Acceptor: forall p in Proposer: forall b in Ballot: forall ab in 0..MaxBallot:
    (in_flight(Promise { bal: b, accBal: ab, accVal: none }, a, p) implies
      ab == 0 and a.promise >= b and forall c in Ballot: c < b implies not voted(a, c))
    and forall v in Value: in_flight(Promise { bal: b, accBal: ab, accVal: v }, a, p) implies
      0 < ab and ab < b and a.promise >= b and voted(a, ab) and proposal[ab] == v
      and forall c in Ballot: ab < c and c < b implies not voted(a, c)
lemma BallotsAreUnique:
  forall p, q in Proposer: p.ballot <= lastBallot and (p != q and p.ballot == q.ballot implies p.ballot == 0)
lemma PromisesComeFromAcceptors:
  forall x, p in Proposer: forall b in Ballot: forall ab in 0..MaxBallot:
    not in_flight(Promise { bal: b, accBal: ab, accVal: none }, x, p)
    and forall v in Value: not in_flight(Promise { bal: b, accBal: ab, accVal: v }, x, p)
lemma ProposersCollect:
  forall p in Proposer: p.phase == Preparing implies
    0 < p.ballot and p.ballot <= lastBallot and proposal[p.ballot] == none
    and p.mine != none and p.mine in wanted and p.highBal < p.ballot
    and (p.highBal == 0) == (p.highVal == none)
    and (p.highBal > 0 implies proposal[p.highBal] == p.highVal)
    and forall a in p.promised: a.promise >= p.ballot
      and forall c in Ballot: p.highBal < c and c < p.ballot implies not voted(a, c)
