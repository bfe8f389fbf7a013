// expect: holds states=41 depth=9
// A crash closes the client's connections (`drop_on_crash`): the request it made before
// crashing is lost with it, so no reply reaches the restarted client, which never asked.
// Only the client crashes (`crash: [Client]`), at most twice; the server stays up.
spec ReplyAfterRestart
message Req {}
message Resp {}
network {
  reorder: true  max_in_flight: 2
  crash: [Client]  max_crashes: [Client: 2]  drop_on_crash: true
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
reachable AnsweredAfterACrash: Client.asked == 2 and not Client.waiting and Server.served == 1
terminal when true
