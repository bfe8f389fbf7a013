// expect: holds
// Node style over a lossy, duplicating, reordering network.
spec PingPong
message Ping { n: 0..2 }
message Pong { n: 0..2 }
network { loss: true  duplicate: true  reorder: true  max_in_flight: 2 }
node Client {
  var sent: 0..2 = 0
  var acked: 0..2 = 0
  action ping when sent < 2 and sent == acked {
    sent = sent + 1
    send Ping { n: sent } to Server
  }
  action retry when sent > acked { send Ping { n: sent } to Server }
  on Pong(m) when m.n > acked { acked = m.n }
}
node Server {
  on Ping(m) from c { send Pong { n: m.n } to c }
}
invariant AckedNotAhead: Client.acked <= Client.sent
reachable AllAcked: Client.acked == 2
terminal when Client.acked == 2
