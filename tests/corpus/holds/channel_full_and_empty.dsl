// expect: holds states=10 depth=10
// Flow control over a channel of one message (`max_per_link: 1`): the producer sends only
// while its channel to the consumer is not full, so no send ever blocks and nothing is lost;
// the consumer acknowledges once its incoming channel is empty.
spec FlowControl
message Item { n: 1..3 }
message Done {}
network { max_per_link: 1 }
node Producer {
  var next: 1..4 = 1
  var finished: bool = false
  action produce when next <= 3 and not full(self, Consumer) {
    send Item { n: next } to Consumer
    next = next + 1
  }
  on Done { finished = true }
}
node Consumer {
  var last: 0..3 = 0
  var gap: bool = false
  on Item(m) {
    if m.n != last + 1 { gap = true }
    last = m.n
  }
  action finish when last == 3 and empty(Producer, self) { send Done {} to Producer }
}
invariant NoGap: not Consumer.gap
reachable AllDelivered: Producer.finished
terminal when Producer.finished
