// expect: error 9:18 this broadcast sends 3 messages, more than `max_in_flight: 2`
// A broadcast to a group is one step sending one message per node; to three participants it
// can never fit under max_in_flight 2. Rather than block for ever (a deadlock far away from
// its cause), the spec is refused at the broadcast, naming the bound.
spec TooWide
message Prepare {}
network { max_in_flight: 2 }
node Coordinator {
  action begin { broadcast Prepare {} to Participant }
}
node Participant[3] { on Prepare { skip } }
