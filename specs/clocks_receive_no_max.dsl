spec ClocksReceiveNoMax extends "clocks.dsl"

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
// an effect before or level with its cause. Fixed by clocks.dsl. Everything not restated
// below is clocks.dsl's (see "Variants" in docs/language.md).

node Proc[2] {
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
}

drop query HlcDriftBound   // the HLC's real-time bound is clocks.dsl's question, not this one's

expect violation LamportCausality
