spec FailureDetector

// A heartbeat failure detector (Chandra & Toueg, "Unreliable Failure Detectors for Reliable
// Distributed Systems", 1996): monitored nodes send heartbeats, and a monitor suspects a node
// it has not heard from for Timeout ticks of its clock, until it hears from it again.
//
// Protocol: each node, while alive, sends Heartbeat to the monitor now and then. The monitor
// keeps, per node, the ticks since the last heartbeat (saturating at Timeout); a node whose
// count reaches Timeout is suspected, and a heartbeat clears both. Messages are lost and
// delayed (reordered). Nodes crash and stay down (crash-stop, the model of failure
// detectors), at most MaxCrashes of them.
//
// Properties: Completeness (liveness, with the monitor's clock weakly fair) — every crashed
// node is suspected again and again, from some point on with no end (see the note on
// `always eventually` below). No accuracy property: under
// message delay a live node may be suspected, as the witness FalseSuspicion shows; eventual
// accuracy needs a bound on delays the network does not promise.
//
// Modelling notes: crash-stop is written by hand (`crashed`), because the network's `crash`
// restarts nodes and also crashes the monitor. The monitor's clock is its `tick` action; a
// heartbeat sent before a crash may still arrive after it and clear the suspicion once, so
// "eventually always suspected" (strong completeness) is checked as `always eventually`,
// which the language can state; the stale heartbeats are finite, so the two agree here.
// No duplication: the network may duplicate a message any number of times, and a dead
// node's last heartbeat copied for ever would keep it looking alive; a real network
// duplicates finitely often, which the language cannot bound (max_in_flight bounds the
// copies at one time, not in a run).
//
// Bug: none here. failure_detector_shared_timer.dsl keeps one "last heartbeat" timer for all
// nodes: any node's heartbeat resets it, and a crashed node is never suspected.

const Nodes = 2
const Timeout = 2
const MaxCrashes = 1

message Heartbeat {}

network { loss: true  reorder: true  max_in_flight: 2 }

node Monitor {
  var silent: map<Node, 0..Timeout> = { n: 0 for n in Node }
  var suspects: set<Node> = {}

  action tick {
    for n in Node {
      silent[n] = min({silent[n] + 1, Timeout})
      if silent[n] == Timeout { suspects = suspects + {n} }
    }
  }

  on Heartbeat from n {
    silent[n] = 0
    suspects = suspects - {n}
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
