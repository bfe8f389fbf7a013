spec Clocks

// Lamport clocks (Lamport, "Time, Clocks, and the Ordering of Events", 1978) and hybrid
// logical clocks (Kulkarni et al., "Logical Physical Clocks", 2014), side by side on the same
// events, over a network that duplicates and reorders messages.
//
// Protocol: two processes with physical clocks that tick on their own, never more than Eps
// apart (synchronised, as by NTP). A process has local events and sends messages; each event
// advances both logical clocks. Lamport: an event sets lc to lc + 1; a receive sets it to
// max(lc, m.lc) + 1. HLC (l, c): a local or send event sets l to max(l, pt), with c counting
// events at the same l; a receive sets l to max(l, m.l, pt), and c to one more than the
// largest c among the clocks that had that l (zero when pt is the largest).
//
// Properties: LamportCausality and HlcCausality — a message's receive is timestamped after
// its send (history: the flags set by a receive that is not). HlcBoundedDrift — an HLC never
// runs more than Eps ahead of its process's physical clock: l never exceeds the largest
// physical clock. The same bound over real time, with real clock offsets and message delays,
// is the query HlcDriftBound (`verikit query specs/clocks.dsl`).
//
// The model is bounded by a constraint on the clocks (every state with larger clocks is
// still checked against the invariants, but not explored).
//
// Bug: none here. clocks_receive_no_max.dsl advances the Lamport clock on a receive without
// taking the maximum with the message's timestamp.

const Eps = 1          // physical clocks are at most Eps apart
const MaxTime = 2      // physical clocks run 0..MaxTime
const MaxLc = 4        // explore Lamport clocks up to this value

type Clock = 0..MaxTime + MaxLc + 2

message Msg { lc: Clock, l: Clock, c: Clock }

network { duplicate: true  reorder: true  max_in_flight: 2 }

node Proc[2] {
  var pt: 0..MaxTime = 0   // the physical clock
  var lc: Clock = 0        // Lamport
  var l: Clock = 0         // HLC: the logical part, tracking the largest physical clock seen
  var c: Clock = 0         // HLC: the counter

  action tick when pt < MaxTime and forall q in Proc: pt + 1 - q.pt <= Eps { pt = pt + 1 }

  action local { event() }

  action send_msg {
    event()
    send Msg { lc: lc, l: l, c: c } to other()
  }

  on Msg(m) {
    lc = max({lc, m.lc}) + 1
    let nl = max({l, m.l, pt})
    if nl == l and nl == m.l {
      c = max({c, m.c}) + 1
    } else if nl == l {
      c = c + 1
    } else if nl == m.l {
      c = m.c + 1
    } else {
      c = 0
    }
    l = nl
    if lc <= m.lc { lamport_broken = true }
    if l < m.l or (l == m.l and c <= m.c) { hlc_broken = true }
  }

  fn event() {
    lc = lc + 1
    let nl = max({l, pt})
    c = if nl == l then c + 1 else 0
    l = nl
  }

  fn other() -> Proc = if self == Proc[1] then Proc[2] else Proc[1]
}

// history, for the properties only: a receive timestamped no later than its send
var lamport_broken: bool = false
var hlc_broken: bool = false

invariant LamportCausality: not lamport_broken
invariant HlcCausality: not hlc_broken
invariant HlcBoundedDrift: forall p in Proc: p.l - p.pt <= Eps

constraint forall p in Proc: p.lc <= MaxLc

reachable ReceiveAdvancesPastPhysical: exists p in Proc: p.l > p.pt
reachable CounterUsed: exists p in Proc: p.c >= 2

// The bound over real time. Physical clocks run at true time plus an offset, the offsets
// within Eps / 2 of true time (so within Eps of each other). Induction step: if every HLC
// value so far is at most the largest physical clock of its time (the message's l when sent
// at t1, the receiver's previous l at tp), then after a receive at t2 the receiver's l is at
// most the largest physical clock at t2, hence at most Eps ahead of its own.
query HlcDriftBound {
  real offA, offB, t1, tp, t2, lmsg, lprev
  assume -Eps / 2 <= offA and offA <= Eps / 2
  assume -Eps / 2 <= offB and offB <= Eps / 2
  assume 0 <= t1 and t1 <= t2 and 0 <= tp and tp <= t2
  assume lmsg <= max(t1 + offA, t1 + offB)
  assume lprev <= max(tp + offA, tp + offB)
  let lnew = max(max(lprev, lmsg), t2 + offB)
  never lnew - (t2 + offB) > Eps
}
