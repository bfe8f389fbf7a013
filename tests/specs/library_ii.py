"""Pins of the second spec library (issue 15), shared with tests/specs/test_specs.py, which
checks every bundled spec against its pin: (verdict, distinct states at the default
constants, the property a bug variant breaks, the length of its shortest counterexample).
Each number is also on the spec's page under docs/specs/; change both together.
"""

from __future__ import annotations

# a liveness bug variant adds its lasso's loop length and the property's kind
Plain = tuple[str, int, str | None, int | None]
Lasso = tuple[str, int, str, int, int, str]

LIBRARY_II: dict[str, Plain | Lasso] = {
    "paxos.dsl": ("holds", 1_157_946, None, None),
    "paxos_forgetful_acceptor.dsl": ("expected", 1_503_623, "Agreement", 18),
    "paxos_ignore_accepted.dsl": ("expected", 1_007_581, "Agreement", 16),
    "queue_idempotent.dsl": ("holds", 13_734, None, None),
    "queue_idempotent_no_dedup.dsl": ("expected", 88, "ExactlyOnce", 4),
    "outbox.dsl": ("holds", 1_890, None, None),
    "outbox_dual_write.dsl": ("expected", 79, "NoPhantomEvent", 4),
    "saga.dsl": ("holds", 4_466, None, None),
    "saga_compensation_not_idempotent.dsl": ("expected", 261, "CompensatedOnce", 8),
    "saga_timeout_late_commit.dsl": ("expected", 97, "NoCommitAfterCompensation", 6),
    "kafka_replication.dsl": ("holds", 3_831, None, None),
    "kafka_replication_truncate_to_hw.dsl": ("expected", 1_448, "NoCommittedLoss", 12),
    "kafka_replication_kip101_only.dsl": ("expected", 3_146, "AgreeBelowHighWatermark", 16),
    "mvcc_serializable.dsl": ("holds", 101, None, None),
    "mvcc_serializable_write_skew.dsl": ("expected", 90, "SomeoneOnCall", 10),
    "clocks.dsl": ("holds", 63_092, None, None),
    "clocks_receive_no_max.dsl": ("expected", 30, "LamportCausality", 2),
    "leader_lease.dsl": ("holds", 113_166, None, None),
    "leader_lease_no_expiry_check.dsl": ("expected", 36_167, "OneLeaderActing", 10),
    "leader_lease_no_drift_margin.dsl": ("expected", 38_299, "OneLeaderActing", 10),
    "anti_entropy.dsl": ("holds", 73_523, None, None),
    "anti_entropy_lww.dsl": ("expected", 426, "NoCausalRegression", 4),
    "failure_detector.dsl": ("holds", 162, None, None),
    "failure_detector_shared_timer.dsl": (
        "expected",
        54,
        "Completeness",
        1,
        3,
        "always_eventually",
    ),
}

# liveness specs, for tests/specs/test_liveness_pins.py: (verdict, liveness graph states and
# transitions, and for a bug variant its lasso: initial and successor ordinals, loop start)
LIBRARY_II_LIVENESS: dict[
    str, tuple[str, int, int] | tuple[str, int, int, tuple[int, ...], int]
] = {
    "queue_idempotent.dsl": ("holds", 13_734, 72_359),
    "outbox.dsl": ("holds", 1_890, 7_785),
    "saga.dsl": ("holds", 4_466, 15_176),
    "failure_detector.dsl": ("holds", 162, 702),
    "failure_detector_shared_timer.dsl": ("expected", 54, 234, (0, 3, 0, 1, 1), 1),
}

# specs with timing queries, for tests/specs/test_queries.py: (verdict, {query: answer})
LIBRARY_II_QUERIES: dict[str, tuple[str, dict[str, str]]] = {
    "clocks.dsl": ("holds", {"HlcDriftBound": "impossible"}),
}

# specs whose invariants `verikit prove` proves by induction, with the lemmas in the spec, for
# tests/specs/test_library_ii.py: (constants, when not the defaults; the invariants it proves).
# Paxos and anti-entropy are proved at their defaults too (k=1; 95 s and 120 s of CPU, too slow
# for the suite, see their pages); the suite proves them at the smaller constants given here.
LIBRARY_II_PROOFS: dict[str, tuple[dict[str, int], tuple[str, ...]]] = {
    "paxos.dsl": ({"Proposers": 1}, ("Agreement", "Validity")),
    "anti_entropy.dsl": (
        {"Replicas": 2, "N": 1},
        ("NoSilentLoss", "NoCausalRegression", "SiblingsConcurrent", "HintsForOthers"),
    ),
    "saga.dsl": ({}, ("CompensatedOnce", "NoCommitAfterCompensation", "AllCommitted")),
    "leader_lease.dsl": ({}, ("OneLeaderActing",)),
}
