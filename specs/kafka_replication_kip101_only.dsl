spec KafkaReplicationKip101Only

// Kafka-style replication — with the hole KIP-279 closed in KIP-101's epoch-based truncation:
// the leader answers OffsetsForLeaderEpoch for an epoch it never had with where the next
// larger epoch starts, and the follower keeps a record of that unknown epoch.
//
// Protocol: as in kafka_replication.dsl (read its header), except for the truncation: the
// follower asks for the end offset of its last epoch, and the leader answers with the number
// of records of its log whose epoch is not above it (for an epoch it never had: where the
// next epoch starts), which the follower truncates to if it is shorter.
//
// Property: AgreeBelowHighWatermark — two replicas hold the same records below their HWs.
//
// Bug (KIP-279, "fast leader fail-over"): replica 1 leads epoch 1 and appends a record; it
// crashes; replica 2 leads epoch 2 and appends its own record at the same offset; it crashes;
// replica 1 leads epoch 3 and commits its record alone. Replica 2 returns with a last epoch
// of 2, which the leader never had: the answer, the leader's count of records of epoch 1 or
// 2, is 1, so replica 2 keeps its epoch-2 record at offset 1, and both HWs reach 1 with
// different records. Fixed by kafka_replication.dsl (the leader names the epoch it answers for).

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
    let end = min({ len(log), epoch_end(leader.log, last_epoch()) })   // THE BUG (KIP-279)
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

expect violation AgreeBelowHighWatermark
