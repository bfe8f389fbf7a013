spec TwoPhaseLossyLinksGlobal

// specs/reference/two_phase_lossy_links.dsl written in global-state style: one variable per
// link, each holding at most one message (a Promela channel of capacity 1). A send into a
// link that holds a message is lost (Promela's lossy channels, `spin -m`); a message in a
// link may be lost too. The coordinator (TM) links to each participant (RM) both ways; the
// other links of the node-style spec are never used. Distinct states, N = 2 / 3 / 4:
// 836 / 19,746 / 485,456, as the node-style spec with `max_per_link: 1  when_full: lose`.

const N = 2

type RM = 1..N
type Decision = enum { Commit, Abort }
type ToRM = enum { Prepare, CommitMsg, AbortMsg }

var phase: enum { Waiting, Done } = Waiting
var yes: set<RM> = {}
var decision: Decision = Abort
var rmState: map<RM, enum { Working, Prepared, Committed, Aborted }> = { r: Working for r in RM }
var toRM: map<RM, ToRM?> = { r: none for r in RM }     // the link TM -> RM r
var toTM: map<RM, bool?> = { r: none for r in RM }     // the link RM r -> TM: a vote

fn decide(d: Decision) {
  phase = Done
  decision = d
}

fn vote(r: RM, v: bool) {
  if toTM[r] == none { toTM[r] = v }                  // else lost: the link is full
}

action SendPrepare(r: RM) when phase == Waiting and r not in yes {
  if toRM[r] == none { toRM[r] = Prepare }
}
action TMRcvVote(r: RM) when toTM[r] != none {
  let v = toTM[r]
  toTM[r] = none
  if phase == Waiting {
    if not v {
      decide(Abort)
    } else {
      yes = yes + {r}
      if yes == all RM { decide(Commit) }
    }
  }
}
action GiveUp when phase == Waiting { decide(Abort) }
action SendOutcome(r: RM) when phase == Done {
  if toRM[r] == none { toRM[r] = if decision == Commit then CommitMsg else AbortMsg }
}
action RMRcvPrepare(r: RM) when toRM[r] == Prepare {
  toRM[r] = none
  if rmState[r] == Working {
    choose v in bool {
      rmState[r] = if v then Prepared else Aborted
      vote(r, v)
    }
  } else {
    vote(r, rmState[r] != Aborted)
  }
}
action RMRcvOutcome(r: RM) when toRM[r] == CommitMsg or toRM[r] == AbortMsg {
  rmState[r] = if toRM[r] == CommitMsg then Committed else Aborted
  toRM[r] = none
}
action LoseToRM(r: RM) when toRM[r] != none { toRM[r] = none }
action LoseToTM(r: RM) when toTM[r] != none { toTM[r] = none }

invariant Atomicity:
  not exists r1, r2 in RM: rmState[r1] == Committed and rmState[r2] == Aborted
reachable AllCommit: forall r in RM: rmState[r] == Committed
reachable AllAbort: forall r in RM: rmState[r] == Aborted
