spec KafkaReplicationKip101Only extends "kafka_replication.dsl"

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
// Everything not restated below is kafka_replication.dsl's (see "Variants" in
// docs/language.md).

node Replica[N] {
  // become a follower of the current epoch: truncate first
  action truncate when registered and leader != none and leader != self
                    and leader.registered and following != epoch {
    let end = min({ len(log), epoch_end(leader.log, last_epoch()) })   // THE BUG (KIP-279)
    log = take(log, end)
    hw = min({ hw, end })
    following = epoch
  }
}

expect violation AgreeBelowHighWatermark
