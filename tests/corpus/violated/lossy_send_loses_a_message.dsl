// expect: violated invariant=NoGap steps=5
// A send into a full channel completes and loses its message (`when_full: lose`, Promela's
// lossy channels): the producer sends item 2 while item 1 still fills the channel, so the
// consumer sees 1 then 3. tests/corpus/holds/channel_full_and_empty.dsl waits for room.
spec LossySend
message Item { n: 1..3 }
network { max_per_link: 1  when_full: lose }
node Producer {
  var next: 1..4 = 1
  action produce when next <= 3 {
    send Item { n: next } to Consumer
    next = next + 1
  }
}
node Consumer {
  var last: 0..3 = 0
  var gap: bool = false
  on Item(m) {
    if m.n != last + 1 { gap = true }
    last = m.n
  }
}
invariant NoGap: not Consumer.gap
terminal when true
