// expect: violated deadlock steps=2
// The shortest counterexample: A sends, then the network drops the message; nobody retries.
spec Lossy
message Hello {}
network { loss: true  reorder: true }
node A {
  var sent: bool = false
  action hello when not sent { sent = true; send Hello {} to B }
}
node B {
  var got: bool = false
  on Hello { got = true }
}
invariant Fine: B.got implies A.sent
terminal when B.got
