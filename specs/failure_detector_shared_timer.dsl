spec FailureDetectorSharedTimer

// A heartbeat failure detector — with the bug: one timer for all nodes.
//
// Protocol: as in failure_detector.dsl (read its header), except that the monitor keeps a
// single "ticks since the last heartbeat" count: a heartbeat from any node resets it and
// clears every suspicion, and when it reaches Timeout every node is suspected.
//
// Property: Completeness — every crashed node is eventually suspected, again and again.
//
// Bug: node 1 crashes; node 2 keeps sending heartbeats, each resetting the shared timer
// before it runs out: the crashed node is never suspected. A health check that asks "have we
// heard from the cluster lately?" instead of "from this node?" misses every partial failure.
// Fixed by failure_detector.dsl (a timer per node).

const Nodes = 2
const Timeout = 2
const MaxCrashes = 1

message Heartbeat {}

network { loss: true  reorder: true  max_in_flight: 2 }

node Monitor {
  var silent: 0..Timeout = 0          // THE BUG: one timer for every node
  var suspects: set<Node> = {}

  action tick {
    silent = min({silent + 1, Timeout})
    if silent == Timeout { suspects = all Node }
  }

  on Heartbeat from n {
    silent = 0
    suspects = {}
  }
}

node Node[Nodes] {
  var crashed: bool = false

  action beat when not crashed { send Heartbeat {} to Monitor }

  action crash when not crashed and crashes < MaxCrashes {
    crashed = true
    crashes = crashes + 1
  }
}

var crashes: 0..MaxCrashes = 0

property Completeness:
  always eventually forall n in Node: n.crashed implies n in Monitor.suspects

fair action Monitor.tick

reachable CrashSuspected: exists n in Node: n.crashed and n in Monitor.suspects
reachable FalseSuspicion: exists n in Node: not n.crashed and n in Monitor.suspects
reachable AllClear: crashes == 0 and Monitor.suspects == {}

expect violation Completeness
