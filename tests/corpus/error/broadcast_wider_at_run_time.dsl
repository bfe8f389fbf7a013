// expect: error 12:41 this broadcast sends more messages than `max_in_flight: 2`
// The width of a broadcast to a computed set of nodes is known only when it runs: once the
// coordinator has heard from all three participants, its broadcast to them could never fit
// under max_in_flight 2, which is a runtime fault naming the bound, not a deadlock.
spec TooWideLater
message Hello {}
message Welcome {}
network { reorder: true  max_in_flight: 2 }
node Coordinator {
  var known: set<Participant> = {}
  on Hello from p { known = known + {p} }
  action welcome when len(known) >= 2 { broadcast Welcome {} to known }
}
node Participant[3] {
  var said: bool = false
  action hello when not said { said = true; send Hello {} to Coordinator }
  on Welcome { skip }
}
terminal when true
