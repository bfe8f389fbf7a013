// expect: violated invariant=NoStaleReply steps=5
// Without `drop_on_crash` a message in flight outlives a crash (UDP-like): the reply to a
// request the client made before crashing reaches the restarted client, which never asked.
// tests/corpus/holds/crash_drops_connections.dsl is the same spec with connections.
spec StaleReplyAfterRestart
message Req {}
message Resp {}
network {
  reorder: true  max_in_flight: 2
  crash: [Client]  max_crashes: [Client: 2]
}
node Client {
  var waiting: bool = false              // this incarnation asked and awaits the reply
  durable var asked: 0..2 = 0            // requests made, over every incarnation
  durable var stale: bool = false        // a reply reached an incarnation that did not ask
  action ask when not waiting and asked < 2 {
    waiting = true
    asked = asked + 1
    send Req {} to Server
  }
  on Resp {
    if not waiting { stale = true }
    waiting = false
  }
}
node Server {
  var served: 0..2 = 0
  on Req from c { served = if served < 2 then served + 1 else 2; send Resp {} to c }
}
invariant NoStaleReply: not Client.stale
terminal when true
