spec FailureDetectorSharedTimer extends "failure_detector.dsl"

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
// Fixed by failure_detector.dsl (a timer per node). Everything not restated below is
// failure_detector.dsl's (see "Variants" in docs/language.md).

node Monitor {
  var silent: 0..Timeout = 0          // THE BUG: one timer for every node

  action tick {
    silent = min({silent + 1, Timeout})
    if silent == Timeout { suspects = all Node }
  }

  on Heartbeat from n {
    silent = 0
    suspects = {}
  }
}

expect violation Completeness
