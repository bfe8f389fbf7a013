// expect: holds states=18 depth=6
// `crashed(p)` reads the crash bookkeeping, `network.empty` the messages in flight: a crash
// resets the server's `got`; Ping is the only message, so the network is empty or holds one.
spec CrashResetsAndNetworkEmpty
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
invariant Resets: crashed(Server) implies not Server.got
invariant OneMessage: network.empty or in_flight(Ping {})
