// expect: violated invariant=AtMostOneExtra steps=6
// `max_duplicates: 2`: two duplicates of one Credit credit the account three times for one
// payment (tests/corpus/holds/bounded_duplicates.dsl allows one duplicate, and holds).
spec TwoDuplicates
message Credit {}
network { reorder: true  duplicate: true  max_duplicates: 2  max_in_flight: 3 }
node Bank {
  var sent: 0..2 = 0
  action pay when sent < 2 { sent = sent + 1; send Credit {} to Account }
}
node Account {
  var credited: 0..3 = 0
  on Credit { credited = credited + 1 }
}
invariant AtMostOneExtra: Account.credited <= Bank.sent + 1
terminal when true
