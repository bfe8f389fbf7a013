spec KafkaReplication

// Kafka-style log replication with leader epochs, an in-sync replica set (ISR) and a high
// watermark, including follower truncation after a leader change (KIP-101, "Alter
// Replication Protocol to use Leader Epoch rather than High Watermark for Truncation").
//
// Protocol: the controller (global state, ZooKeeper's) elects a leader from the ISR among the
// registered replicas when there is none or it is gone, and bumps the leader epoch. The
// leader appends produced records, each tagged with its epoch. A follower of the current
// epoch fetches the next record from the leader at its log end; the fetch response carries
// the leader's high watermark (HW), and the follower's HW becomes the smaller of that and
// its own log end, so a follower's HW lags the leader's by a fetch. The leader tracks each
// follower's log end and advances its HW to the smallest log end in the ISR (never back).
// The leader may drop a lagging follower from the ISR and adds it back once caught up.
// Replicas crash and restart: the log and the HW checkpoint are on disk (`durable`); a
// restarted replica re-registers (ZooKeeper's ephemeral node) and, like any replica that
// becomes a follower of a new epoch, first truncates its log. With leader epochs it asks the
// leader for the end offset of its own last epoch (OffsetsForLeaderEpoch). As KIP-279 later
// refined it, the leader answers with the largest epoch E of its log not above the
// follower's, and E's end offset in its log; the follower truncates to where E ends in both.
//
// Modelling choices: a fetch and the epoch request are each one atomic step between two
// registered replicas; the loss and reordering of their messages are not modelled, since
// what KIP-101 is about are crashes and leader changes, which are. A crashed replica is one
// whose registration is gone (the controller sees the ephemeral node vanish).
//
// Properties: NoCommittedLoss — every record that was ever below a leader's high watermark
// (committed, acknowledged to an acks=all producer) is in the log of the current leader.
// AgreeBelowHighWatermark — any two replicas hold the same records below both their HWs.
//
// Bug: none here. kafka_replication_truncate_to_hw.dsl truncates to the high watermark, as
// Kafka did before 0.11: a restarted follower drops a committed record its HW had not yet
// caught up with, is elected leader, and the record is gone (KIP-101's first scenario).

const N = 2            // replicas
const MaxEpoch = 3
const MaxRecords = 2   // records produced in a run
const MaxLog = 2

type Epoch = 1..MaxEpoch
type Rec = record { epoch: Epoch, id: 1..MaxRecords }
type Idx = 0..MaxLog

network { crash: true  max_crashes: 2 }

// the controller's state
var leader: Replica? = none
var epoch: 0..MaxEpoch = 0
var isr: set<Replica> = all Replica
var produced: 0..MaxRecords = 0

node Replica[N] {
  durable var log: seq<Rec, MaxLog> = []
  durable var hw: Idx = 0                   // the high-watermark checkpoint
  var registered: bool = false              // its ephemeral node in ZooKeeper
  var following: 0..MaxEpoch = 0            // the epoch it has truncated for as a follower
  var leos: map<Replica, Idx> = { r: 0 for r in Replica }   // as leader: followers' log ends

  action register when not registered { registered = true }

  // the controller elects this replica: it is in the ISR and the old leader is gone
  action elected when registered and self in isr and epoch < MaxEpoch
                  and (leader == none or not leader.registered) {
    epoch = epoch + 1
    leader = self
    leos = { r: 0 for r in Replica }
  }

  action produce when leader == self and registered and produced < MaxRecords
                  and len(log) < MaxLog {
    produced = produced + 1
    log = append(log, Rec { epoch: epoch, id: produced })
    advance()
  }

  // become a follower of the current epoch: truncate first
  action truncate when registered and leader != none and leader != self
                    and leader.registered and following != epoch {
    // OffsetsForLeaderEpoch (KIP-101 as refined by KIP-279): the leader answers with the
    // largest epoch of its log up to ours, and where that epoch ends in its log
    let e = max({0} + { r.epoch for r in to_set(leader.log) if r.epoch <= last_epoch() })
    let end = min({ epoch_end(leader.log, e), epoch_end(log, e) })
    log = take(log, end)
    hw = min({ hw, end })
    following = epoch
  }

  action fetch when registered and leader != none and leader != self and leader.registered
                 and following == epoch {
    fetch_from(leader)
  }

  // (a function, so that `l` is a Replica: fields of a Replica? cannot be assigned)
  fn fetch_from(l: Replica) {
    let before = l.hw                             // the HW the fetch response carries
    if len(log) < len(l.log) { log = append(log, l.log[len(log) + 1]) }
    hw = min({ before, len(log) })
    l.leos[self] = len(log)
    if self not in isr and len(log) == len(l.log) { isr = isr + {self} }
    catch_up(l)
  }

  // the leader drops a follower that lags (replica.lag.time.max.ms)
  action shrink(f in isr) when leader == self and registered and f != self {
    isr = isr - {f}
    advance()
  }

  fn advance() {
    let ends = { if r == self then len(log) else leos[r] for r in isr }
    if min(ends) > hw {
      hw = min(ends)
      committed = committed + to_set(take(log, hw))
    }
  }

  fn last_epoch() -> 0..MaxEpoch = if len(log) == 0 then 0 else last(log).epoch
}

// the leader's HW after a follower's fetch (the leader's advance(), from another node)
fn catch_up(l: Replica) {
  let ends = { if r == l then len(l.log) else l.leos[r] for r in isr }
  if min(ends) > l.hw {
    l.hw = min(ends)
    committed = committed + to_set(take(l.log, l.hw))
  }
}

// OffsetsForLeaderEpoch: where epoch e ends in log l (epochs never decrease along a log)
fn epoch_end(l: seq<Rec, MaxLog>, e: 0..MaxEpoch) -> Idx =
  len({ i for i in 1..len(l) if l[i].epoch <= e })

// history, for the properties only: every record ever below a leader's high watermark
var committed: set<Rec> = {}

invariant NoCommittedLoss:
  leader != none and leader.registered implies committed subset to_set(leader.log)

invariant AgreeBelowHighWatermark:
  forall a, b in Replica: forall i in 1..MaxLog:
    (i <= a.hw and i <= b.hw)
      implies (i <= len(a.log) and i <= len(b.log) and a.log[i] == b.log[i])

reachable BothCommitted: len(committed) == MaxRecords
reachable FollowerTruncates: exists r in Replica: r.following == epoch and epoch >= 2 and len(r.log) > 0
reachable CommittedSurvivesLeaderChange: epoch >= 2 and len(committed) >= 1 and leader != none
                                          and leader.registered

// the model's budget: no more epochs
terminal when epoch == MaxEpoch
