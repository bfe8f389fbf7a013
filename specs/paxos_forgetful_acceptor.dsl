spec PaxosForgetfulAcceptor

// Single-decree Paxos — with the bug: an acceptor keeps its promise in memory only.
//
// Protocol: as in paxos.dsl (read its header), except that an acceptor's promise is not on
// stable storage: after a crash and restart the acceptor has promised nothing, while its
// accepted proposal (written to disk) survives. Real systems have shipped this: a promise
// kept in a cache, or written without fsync, in a Paxos or Raft implementation (Raft's
// votedFor is the same promise, and must be durable for the same reason).
//
// Property: Agreement — at most one value is chosen.
//
// Bug: an acceptor promises ballot 2 and accepts it, making value 2 chosen with another
// acceptor; it crashes and forgets the promise; the older ballot 1, whose proposer collected
// its promises before ballot 2 began, now gets its Accept(1, 1) accepted by a majority that
// includes the forgetful acceptor: value 1 is chosen too. Fixed by paxos.dsl (`durable`).

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
  var promise: 0..MaxBallot = 0            // THE BUG: in memory only, lost in a crash
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

expect violation Agreement
