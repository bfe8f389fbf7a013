/*
 * Hand-written model code in the generated-code ABI (notes: docs/native.md) for Lamport's
 * TwoPhase, specs/reference/tla_two_phase.dsl with RMs = VK_RMS (default 3). The runtime tests
 * build it to exercise the search without the code generator. One 64-bit word per state:
 *   bits 2r..2r+1          rmState[r+1]   Working 0, Prepared 1, Committed 2, Aborted 3
 *   bits 2N..2N+1          tmState        Init 0, Committed 1, Aborted 2
 *   bits 2N+2..3N+1        tmPrepared     bit r: r+1 in tmPrepared
 *   bits 3N+2..4N+1        msgs           bit r: Msg{Prepared, r+1} in msgs
 *   bit  4N+2 / 4N+3       msgs           Msg{Commit, none} / Msg{Abort, none} in msgs
 * Test switches: VK_TEST_FAULT makes TMCommit fault (as a division by zero would) and
 * VK_TEST_UNREPRESENTABLE makes it report an unrepresentable value; VK_TEST_STRICT turns
 * TCConsistent into "no RM has committed"; VK_TEST_NO_RECEIVE disables RMRcvCommitMsg and
 * RMRcvAbortMsg (so the model deadlocks).
 */
#ifndef VK_RMS
#define VK_RMS 3
#endif
#define VK_STATE_WORDS 1
#define VK_N_ACTIONS 7
#define VK_N_PROPS 4

static const char *const VK_ACTION_NAMES[VK_N_ACTIONS] = {
    "TMRcvPrepared", "TMCommit", "TMAbort", "RMPrepare",
    "RMChooseToAbort", "RMRcvCommitMsg", "RMRcvAbortMsg"};
static const char *const VK_PROP_KINDS[VK_N_PROPS] = {
    "invariant", "invariant", "reachable", "reachable"};

#define RM(s, r) (((s) >> (2 * (r))) & 3u)
#define TM(s) (((s) >> (2 * VK_RMS)) & 3u)
#define TMPREP_SHIFT (2 * VK_RMS + 2)
#define MSGPREP_SHIFT (3 * VK_RMS + 2)
#define ALL ((1ull << VK_RMS) - 1)
#define COMMIT_BIT (1ull << (4 * VK_RMS + 2))
#define ABORT_BIT (1ull << (4 * VK_RMS + 3))

static uint64_t set_rm(uint64_t s, int r, uint64_t v) {
    return (s & ~(3ull << (2 * r))) | (v << (2 * r));
}

static int vk_init_states(vk_out *o) {
    vk_push(o, -1)[0] = 0;
    return VK_OK;
}

static int vk_successors(const uint64_t *sp, vk_out *o) {
    uint64_t s = sp[0];
    int r;
    if (TM(s) == 0)
        for (r = 0; r < VK_RMS; r++)
            if (s >> (MSGPREP_SHIFT + r) & 1) vk_push(o, 0)[0] = s | 1ull << (TMPREP_SHIFT + r);
    if (TM(s) == 0 && ((s >> TMPREP_SHIFT) & ALL) == ALL) {
#if defined(VK_TEST_FAULT)
        o->fault = VK_FAULT;
        return VK_FAULT;
#elif defined(VK_TEST_UNREPRESENTABLE)
        o->fault = VK_UNREPRESENTABLE;
        return VK_UNREPRESENTABLE;
#endif
        vk_push(o, 1)[0] = (s & ~(3ull << (2 * VK_RMS))) | 1ull << (2 * VK_RMS) | COMMIT_BIT;
    }
    if (TM(s) == 0) vk_push(o, 2)[0] = s | 2ull << (2 * VK_RMS) | ABORT_BIT;
    for (r = 0; r < VK_RMS; r++)
        if (RM(s, r) == 0) vk_push(o, 3)[0] = set_rm(s, r, 1) | 1ull << (MSGPREP_SHIFT + r);
    for (r = 0; r < VK_RMS; r++)
        if (RM(s, r) == 0) vk_push(o, 4)[0] = set_rm(s, r, 3);
#ifndef VK_TEST_NO_RECEIVE
    if (s & COMMIT_BIT)
        for (r = 0; r < VK_RMS; r++) vk_push(o, 5)[0] = set_rm(s, r, 2);
    if (s & ABORT_BIT)
        for (r = 0; r < VK_RMS; r++) vk_push(o, 6)[0] = set_rm(s, r, 3);
#endif
    return VK_OK;
}

static int vk_prop(int i, const uint64_t *sp, int *holds) {
    uint64_t s = sp[0];
    int r, committed = 0, aborted = 0;
    for (r = 0; r < VK_RMS; r++) {
        committed |= RM(s, r) == 2;
        aborted |= RM(s, r) == 3;
    }
    switch (i) {
    case 0: *holds = 1; return VK_OK; /* msgs hold exactly the well-typed messages */
#ifdef VK_TEST_STRICT
    case 1: *holds = !committed; return VK_OK;
#else
    case 1: *holds = !(committed && aborted); return VK_OK;
#endif
    case 2: *holds = committed; return VK_OK;
    case 3: *holds = aborted; return VK_OK;
    }
    return VK_FAULT;
}

static int vk_trigger(int i, const uint64_t *s, int *holds) {
    (void)i;
    (void)s;
    *holds = 0;
    return VK_OK;
}
