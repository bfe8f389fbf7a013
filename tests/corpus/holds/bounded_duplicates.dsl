// expect: holds states=13 depth=7
// `max_duplicates: 1`: the network may duplicate a message once in the whole run, so a
// receiver that counts deliveries without deduplicating sees at most one extra.
spec OneDuplicate
message Credit {}
network { reorder: true  duplicate: true  max_duplicates: 1  max_in_flight: 3 }
node Bank {
  var sent: 0..2 = 0
  action pay when sent < 2 { sent = sent + 1; send Credit {} to Account }
}
node Account {
  var credited: 0..3 = 0
  on Credit { credited = credited + 1 }
}
invariant AtMostOneExtra: Account.credited <= Bank.sent + 1
reachable Overcredited: Account.credited == Bank.sent + 1
terminal when true
