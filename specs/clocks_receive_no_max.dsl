spec ClocksReceiveNoMax

// Lamport clocks and hybrid logical clocks — with the bug: a receive advances the Lamport
// clock by one without taking the maximum with the message's timestamp.
//
// Protocol: as in clocks.dsl (read its header), except for the Lamport update on a receive:
// lc + 1 instead of max(lc, m.lc) + 1. The HLC update is left correct.
//
// Property: LamportCausality — a message's receive is timestamped after its send.
//
// Bug: a process sends at lc = 1; the receiver, whose clock is behind, timestamps the receive
// 1 as well, not after the send (with more events before the send, even before it).
// Ordering events by such timestamps (last-writer-wins, a snapshot's cut, a log merge) puts
// an effect before or level with its cause. Fixed by clocks.dsl.

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
    lc = lc + 1                      // THE BUG: m.lc is ignored
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

expect violation LamportCausality
