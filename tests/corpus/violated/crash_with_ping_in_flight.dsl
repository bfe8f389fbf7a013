// expect: violated invariant=NoPingWhileDown steps=2
// `crashed(p)` and `in_flight(M)` in a property: a crash leaves the ping it missed in flight.
spec CrashWithPingInFlight
message Ping {}
network { reorder: true  loss: true  crash: true  max_in_flight: 2 }
node Client {
  var sent: bool = false
  action ping when not sent { sent = true; send Ping {} to Server }
}
node Server {
  var got: bool = false
  on Ping { got = true }
}
terminal when true
invariant NoPingWhileDown: crashed(Server) implies not in_flight(Ping {})
