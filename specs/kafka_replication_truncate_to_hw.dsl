spec KafkaReplicationTruncateToHw extends "kafka_replication.dsl"

// Kafka-style replication — with the bug KIP-101 fixed: a follower truncates its log to its
// high watermark, not to the leader epoch's end offset (Kafka before 0.11).
//
// Protocol: as in kafka_replication.dsl (read its header), except for the truncation of a
// replica that becomes a follower (after a restart or a leader change): it keeps only the
// records below its own high-watermark checkpoint.
//
// Property: NoCommittedLoss — every committed record is in the current leader's log.
//
// Bug (KIP-101, scenario 1): the follower has fetched the last record, but its HW lags a
// fetch behind the leader's, which has advanced past the record: it is committed. The
// follower restarts and truncates to its HW, dropping the record; the leader crashes; the
// follower, still in the ISR, is elected: the committed record is gone. Fixed by
// kafka_replication.dsl. Everything not restated below is kafka_replication.dsl's (see
// "Variants" in docs/language.md).

node Replica[N] {
  // become a follower of the current epoch: truncate first
  action truncate when registered and leader != none and leader != self
                    and leader.registered and following != epoch {
    let end = min({ len(log), hw })               // THE BUG: the HW, not the epoch's end
    log = take(log, end)
    hw = min({ hw, end })
    following = epoch
  }
}

expect violation NoCommittedLoss
