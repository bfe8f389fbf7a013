/*
 * verikit cluster runtime: one partition of a hash-partitioned, level-synchronous BFS
 * (docs/cluster.md). Included after search.c, so it sees the generated model code; it shares
 * nothing else with search.c (its own state, hash and tables), so both can change apart.
 *
 * A cluster run has P partitions, one per worker process. Partition p owns the states whose
 * fingerprint maps to p: it alone stores them (a 64-bit fingerprint in its visited table and
 * one word per stored state: parent (partition, local index) and successor ordinal). Per level:
 *   expand   its frontier, a chunk of parents at a time: a successor it owns goes straight
 *            into its level table unless visited; one owned elsewhere goes into the outgoing
 *            buffer of its owner (deduplicated within the chunk), as a record of the packed
 *            state, its key and its parent reference;
 *   receive  the records other partitions sent it (unless visited, into the level table);
 *   finish   sort the level's new states by key and evaluate constraints, invariants and
 *            reachables on them;
 *   rank     count, for each storable new state, the storable states of the other
 *            partitions with a smaller key: its position in the single-process order;
 *   commit   store the new states below the key the driver's walk stopped at; they are the
 *            next frontier.
 * A key is (parent's global position + 1) << 24 | ordinal, so the smallest key per state is
 * the (parent, ordinal) a single-process BFS finds it by, and the global order of keys is its
 * discovery order: counts and counterexamples equal the single-process run's.
 */

#define VKC_MAX_PARTS 255
#define VKC_ROOT 255ull          /* the partition field of the virtual root's reference */
#define VKC_REC (VK_W + 2)       /* words per shipped record: state, key, parent reference */
#define VKC_ORD_BITS 24
#define VKC_ORD_MASK ((1ull << VKC_ORD_BITS) - 1)
#define VKC_MASKED 32
#define VKC_RECENT_BITS 14      /* fingerprints remembered per owner while shipping (256 KB) */

/* statuses (library.Status's numbers) */
enum { VKC_OK = 0, VKC_OUT_OF_MEMORY = 6, VKC_UNREPRESENTABLE = 7, VKC_TOO_MANY = 8,
       VKC_UNSUPPORTED = 9, VKC_MISROUTED = 10 };

/* parents' event kinds (library.EventKind's numbers) */
enum { VKC_EV_INIT_FAULT = 1, VKC_EV_TRANSITION_FAULT = 2, VKC_EV_DEADLOCK = 3,
       VKC_EV_TERMINAL_FAULT = 4 };

/* rec flags (as search.c's) */
#define VKC_OUTSIDE 1u
#define VKC_CFAULT 2u
#define VKC_IFAULT 4u

typedef struct vkc_lent {
    uint64_t fp;    /* 0: empty */
    uint64_t key;   /* the smallest key seen */
    uint64_t ref;   /* parent reference of that key: partition << 32 | local index */
    uint64_t at;    /* index of the state's words in the arena */
} vkc_lent;

/* a parent's event (deadlock, fault) for the driver's walk */
typedef struct vkc_pev {
    int32_t kind;
    int32_t pad;
    int64_t rank;   /* the parent's global position (-1: the virtual root) */
    uint64_t local; /* the parent's local index (UINT64_MAX: the root) */
} vkc_pev;

/* a new state the driver's walk must look at */
typedef struct vkc_note {
    uint64_t key, ref;
    uint32_t inv, hold, bad, flags;
} vkc_note;

typedef struct vkc_outbuf {
    uint64_t *recs;     /* n records of VKC_REC words */
    uint64_t n, cap;
    uint64_t *dedup;    /* (fp, record index + 1) pairs: recently shipped states */
    uint64_t dcap;
} vkc_outbuf;

static struct {
    int part, parts, deadlock, stop_at_first, open;
    int64_t max_events;
    int inv[VKC_MASKED], n_inv, reach[VKC_MASKED], n_reach, cons[VK_N_PROPS + 1], n_cons,
        term[VK_N_PROPS + 1], n_term;
    /* visited: fingerprints this partition owns and stored */
    uint64_t *vis, vis_cap, vis_n;
    /* per stored state: ref << 24 | ordinal */
    uint64_t *pk, count, pk_cap;
    /* the frontier */
    uint64_t *cur;
    int64_t *cur_rank;
    uint32_t *nsucc;
    uint64_t n_cur, cur_base, next_parent;
    int is_root, probing, cut, status;
    vkc_pev *pev;
    uint64_t n_pev, cap_pev;
    int64_t hits[VK_N_ACTIONS > 0 ? VK_N_ACTIONS : 1];
    vk_out out;
    vkc_outbuf *outs;
    /* the level table and the words of its states */
    vkc_lent *lvl;
    uint64_t lvl_cap, lvl_n;
    uint64_t *arena, arena_n, arena_cap;
    /* the new level in key order */
    uint64_t *nkey, *nref, *nfp, *nat;
    uint32_t *ninv, *nhold, *nbad, *nflags;
    int64_t *nrank;     /* storable ones: their global position (after rank) */
    uint64_t n_new;
    vkc_note *notes;
    uint64_t n_notes;
} C;

/* ------------------------------------------------------------------ hashing */

/* A state's fingerprint is search.c's vk_key (this file is compiled after it, in the same
   unit): one hash for the single-process and the cluster search. With symmetry (VK_SYMMETRY)
   it is the hash of the state's canonical words, so every renaming of a state has one
   fingerprint and one owner; the words kept are those of the smallest key, the renaming a
   single-process BFS reaches first (its path replays to them), as search.c keeps them. */
static inline uint64_t vkc_fp(const uint64_t *s) { return vk_key(s); }

/* Equal fingerprints, a smaller key: the words of that key's state (another renaming, with
   symmetry; the same words without). */
static inline void vkc_lower_words(uint64_t *words, const uint64_t *s) {
#ifdef VK_SYMMETRY
    memcpy(words, s, sizeof(uint64_t) * VK_W);
#else
    (void)words;
    (void)s;
#endif
}

/* The partition owning a fingerprint: its top 32 bits, scaled (tables use the others). */
static inline int vkc_owner(uint64_t fp) {
    return (int)(((fp >> 32) * (uint64_t)C.parts) >> 32);
}

static inline uint64_t vkc_home(uint64_t fp, uint64_t cap) {
    return (uint64_t)(((unsigned __int128)(fp * 0x9e3779b97f4a7c15ull) * cap) >> 64);
}

/* ------------------------------------------------------------------ memory */

static void *vkc_zalloc(size_t bytes) { return calloc(1, bytes ? bytes : 1); }
static void vkc_free_table(void *p, size_t bytes) { (void)bytes; free(p); }

static int vkc_grow(void **p, uint64_t *cap, uint64_t need, size_t size) {
    if (need <= *cap) return 1;
    uint64_t bigger = *cap ? *cap : 64;
    while (bigger < need) bigger *= 2;
    void *grown = realloc(*p, (size_t)bigger * size);
    if (!grown) return 0;
    *p = grown;
    *cap = bigger;
    return 1;
}

/* ------------------------------------------------------------------ visited table */

static int vkc_vis_contains(uint64_t fp) {
    uint64_t i = vkc_home(fp, C.vis_cap);
    for (;;) {
        uint64_t f = C.vis[i];
        if (f == 0) return 0;
        if (f == fp) return 1;
        i = i + 1 == C.vis_cap ? 0 : i + 1;
    }
}

static void vkc_vis_put_in(uint64_t *slots, uint64_t cap, uint64_t fp) {
    uint64_t i = vkc_home(fp, cap);
    while (slots[i] && slots[i] != fp) i = i + 1 == cap ? 0 : i + 1;
    slots[i] = fp;
}

static int vkc_vis_put(uint64_t fp) {
    if (C.vis_n + 1 > C.vis_cap / 4 * 3) {
        uint64_t cap = C.vis_cap * 2;
        uint64_t *grown = (uint64_t *)vkc_zalloc(cap * sizeof(uint64_t));
        if (!grown) return 0;
        for (uint64_t i = 0; i < C.vis_cap; i++)
            if (C.vis[i]) vkc_vis_put_in(grown, cap, C.vis[i]);
        vkc_free_table(C.vis, C.vis_cap * sizeof(uint64_t));
        C.vis = grown;
        C.vis_cap = cap;
    }
    vkc_vis_put_in(C.vis, C.vis_cap, fp);
    C.vis_n++;
    return 1;
}

/* ------------------------------------------------------------------ level table */

static int vkc_lvl_grow(void) {
    uint64_t cap = C.lvl_cap ? C.lvl_cap * 2 : 4096;
    vkc_lent *grown = (vkc_lent *)vkc_zalloc(cap * sizeof(vkc_lent));
    if (!grown) return 0;
    for (uint64_t i = 0; i < C.lvl_cap; i++) {
        if (!C.lvl[i].fp) continue;
        uint64_t j = vkc_home(C.lvl[i].fp, cap);
        while (grown[j].fp) j = j + 1 == cap ? 0 : j + 1;
        grown[j] = C.lvl[i];
    }
    vkc_free_table(C.lvl, C.lvl_cap * sizeof(vkc_lent));
    C.lvl = grown;
    C.lvl_cap = cap;
    return 1;
}

/* A new state for this level, unless seen: the smallest key (and its parent) is kept. */
static int vkc_lvl_offer(const uint64_t *s, uint64_t fp, uint64_t key, uint64_t ref) {
    if (C.lvl_n + 1 > C.lvl_cap / 4 * 3 && !vkc_lvl_grow()) return 0;
    uint64_t i = vkc_home(fp, C.lvl_cap);
    for (;;) {
        vkc_lent *e = &C.lvl[i];
        if (e->fp == 0) {
            if (!vkc_grow((void **)&C.arena, &C.arena_cap, (C.arena_n + 1) * VK_W, sizeof(uint64_t)))
                return 0;
            memcpy(C.arena + C.arena_n * VK_W, s, sizeof(uint64_t) * VK_W);
            e->fp = fp;
            e->key = key;
            e->ref = ref;
            e->at = C.arena_n++;
            C.lvl_n++;
            return 1;
        }
        if (e->fp == fp) {
            if (key < e->key) {
                e->key = key;
                e->ref = ref;
                vkc_lower_words(C.arena + e->at * VK_W, s);
            }
            return 1;
        }
        i = i + 1 == C.lvl_cap ? 0 : i + 1;
    }
}

/* A successor reaching this partition: stored before, cut by max_depth, or new. */
static int vkc_arrive(const uint64_t *s, uint64_t fp, uint64_t key, uint64_t ref) {
    if (vkc_vis_contains(fp)) return 1;
    if (C.probing) {
        C.cut = 1;
        return 1;
    }
    return vkc_lvl_offer(s, fp, key, ref);
}

/* ------------------------------------------------------------------ outgoing records */

/* Ship a successor to its owner, merged (smallest key) with an equal one shipped shortly
   before: a direct-mapped cache of recent fingerprints per owner, small enough to stay in the
   processor's cache, catches the duplicates nearby parents make at a fraction of the cost of a
   full table; the owner merges the rest. (Equal fingerprints mean equal states everywhere in
   the search, here too.) */
static int vkc_ship(vkc_outbuf *o, const uint64_t *s, uint64_t fp, uint64_t key, uint64_t ref) {
    if (!o->dedup) {
        o->dcap = 1ull << VKC_RECENT_BITS;
        o->dedup = (uint64_t *)calloc(o->dcap * 2, sizeof(uint64_t));
        if (!o->dedup) return 0;
    }
    uint64_t i = (fp * 0x9e3779b97f4a7c15ull) >> (64 - VKC_RECENT_BITS);
    if (o->dedup[2 * i] == fp) {
        uint64_t *rec = o->recs + (o->dedup[2 * i + 1] - 1) * VKC_REC;
        if (key < rec[VK_W]) {
            rec[VK_W] = key;
            rec[VK_W + 1] = ref;
            vkc_lower_words(rec, s);
        }
        return 1;
    }
    if (!vkc_grow((void **)&o->recs, &o->cap, (o->n + 1) * VKC_REC, sizeof(uint64_t))) return 0;
    uint64_t *rec = o->recs + o->n * VKC_REC;
    memcpy(rec, s, sizeof(uint64_t) * VK_W);
    rec[VK_W] = key;
    rec[VK_W + 1] = ref;
    o->dedup[2 * i] = fp;
    o->dedup[2 * i + 1] = ++o->n;
    return 1;
}

/* Bytes of records waiting for partition `dest`. */
int64_t vkc_out_bytes(int dest) {
    if (!C.outs || dest < 0 || dest >= C.parts) return 0;
    return (int64_t)(C.outs[dest].n * VKC_REC * sizeof(uint64_t));
}

/* Copy them into buf (vkc_out_bytes(dest) bytes) and empty the buffer. */
void vkc_out_take(int dest, uint64_t *buf) {
    vkc_outbuf *o = &C.outs[dest];
    memcpy(buf, o->recs, o->n * VKC_REC * sizeof(uint64_t));
    o->n = 0;
    if (o->dedup) memset(o->dedup, 0, o->dcap * 2 * sizeof(uint64_t));
}

/* ------------------------------------------------------------------ setup */

static void vkc_classify(void) {
    C.n_inv = C.n_reach = C.n_cons = C.n_term = 0;
    for (int p = 0; p < VK_N_PROPS; p++) {
        const char *kind = VK_PROP_KINDS[p];
        if (!strcmp(kind, "invariant") || !strcmp(kind, "lemma")) {
            if (C.n_inv == VKC_MASKED) C.status = VKC_UNSUPPORTED;
            else C.inv[C.n_inv++] = p;
        } else if (!strcmp(kind, "reachable")) {
            if (C.n_reach == VKC_MASKED) C.status = VKC_UNSUPPORTED;
            else C.reach[C.n_reach++] = p;
        } else if (!strcmp(kind, "constraint")) {
            C.cons[C.n_cons++] = p;
        } else if (!strcmp(kind, "terminal")) {
            C.term[C.n_term++] = p;
        }
    }
}

static void vkc_level_free(void) {
    free(C.nkey); free(C.nref); free(C.nfp); free(C.nat);
    free(C.ninv); free(C.nhold); free(C.nbad); free(C.nflags); free(C.nrank);
    free(C.notes);
    C.nkey = C.nref = C.nfp = C.nat = NULL;
    C.ninv = C.nhold = C.nbad = C.nflags = NULL;
    C.nrank = NULL;
    C.notes = NULL;
    C.n_new = C.n_notes = 0;
}

void vkc_close(void) {
    vkc_level_free();
    vkc_free_table(C.vis, C.vis_cap * sizeof(uint64_t));
    vkc_free_table(C.lvl, C.lvl_cap * sizeof(vkc_lent));
    free(C.pk); free(C.cur); free(C.cur_rank); free(C.nsucc); free(C.pev); free(C.arena);
    free(C.out.states); free(C.out.actions); free(C.out.scratch);
    if (C.outs)
        for (int i = 0; i < C.parts; i++) free(C.outs[i].recs), free(C.outs[i].dedup);
    free(C.outs);
    memset(&C, 0, sizeof C);
}

/* Become partition `part` of `parts`: empty tables; partition 0 holds the virtual root, whose
   successors are the initial states. VKC_OK or a status. */
int vkc_open(int part, int parts, int deadlock, int stop_at_first, int64_t max_events) {
    vkc_close();
    if (parts < 1 || parts > VKC_MAX_PARTS || part < 0 || part >= parts) return VKC_UNSUPPORTED;
    C.part = part;
    C.parts = parts;
    C.deadlock = deadlock;
    C.stop_at_first = stop_at_first;
    C.max_events = max_events > 0 ? max_events : 10000;
    vkc_classify();
    C.vis_cap = 1024;
    C.vis = (uint64_t *)vkc_zalloc(C.vis_cap * sizeof(uint64_t));
    C.outs = (vkc_outbuf *)calloc((size_t)parts, sizeof(vkc_outbuf));
    C.out.words = VK_W;
    C.out.scratch = (uint64_t *)calloc(VK_W, sizeof(uint64_t));
    C.is_root = 1;
    C.n_cur = part == 0;
    C.cur = (uint64_t *)calloc(VK_W, sizeof(uint64_t));
    C.cur_rank = (int64_t *)malloc(sizeof(int64_t));
    C.nsucc = (uint32_t *)calloc(1, sizeof(uint32_t));
    if (!C.vis || !C.outs || !C.out.scratch || !C.cur || !C.cur_rank || !C.nsucc)
        return C.status = VKC_OUT_OF_MEMORY;
    C.cur_rank[0] = -1;
    C.open = 1;
    return C.status;
}

/* ------------------------------------------------------------------ expand */

static int vkc_event(int kind, uint64_t j) {
    if (C.n_pev >= (uint64_t)C.max_events) return C.status = VKC_TOO_MANY;
    if (!vkc_grow((void **)&C.pev, &C.cap_pev, C.n_pev + 1, sizeof(vkc_pev)))
        return C.status = VKC_OUT_OF_MEMORY;
    vkc_pev e = {kind, 0, C.cur_rank[j], C.is_root ? UINT64_MAX : C.cur_base + j};
    C.pev[C.n_pev++] = e;
    return VKC_OK;
}

static int vkc_terminal(const uint64_t *s, int *fault) {
    for (int t = 0; t < C.n_term; t++) {
        int holds = 0, rc = vk_prop(C.term[t], s, &holds);
        if (rc == VK_UNREPRESENTABLE) C.status = VKC_UNREPRESENTABLE;
        if (rc != VK_OK) {
            *fault = 1;
            return 0;
        }
        if (holds) return 1;
    }
    return 0;
}

/* Expand parent j of the frontier: its successors to their owners. */
static void vkc_expand_one(uint64_t j) {
    vk_out *o = &C.out;
    o->n = 0;
    o->fault = VK_OK;
    const uint64_t *s = C.cur + j * VK_W;
    int rc = C.is_root ? vk_init_states(o) : vk_successors(s, o);
    if (o->nomem) {
        C.status = VKC_OUT_OF_MEMORY;
        return;
    }
    if (rc == VK_OK && o->fault != VK_OK) rc = o->fault;
    if (rc == VK_UNREPRESENTABLE) {
        C.status = VKC_UNREPRESENTABLE;
        return;
    }
    C.nsucc[j] = 0;
    if (rc != VK_OK) {
        vkc_event(C.is_root ? VKC_EV_INIT_FAULT : VKC_EV_TRANSITION_FAULT, j);
        return;
    }
    if (o->n > VKC_ORD_MASK) {
        C.status = VKC_UNSUPPORTED;
        return;
    }
    C.nsucc[j] = (uint32_t)o->n;
    for (size_t k = 0; k < o->n; k++)
        if (o->actions[k] >= 0 && o->actions[k] < VK_N_ACTIONS) C.hits[o->actions[k]]++;
    if (o->n == 0) {
        int fault = 0;
        if (!C.is_root && C.deadlock && !vkc_terminal(s, &fault))
            vkc_event(fault ? VKC_EV_TERMINAL_FAULT : VKC_EV_DEADLOCK, j);
        return;
    }
    uint64_t key0 = (uint64_t)(C.cur_rank[j] + 1) << VKC_ORD_BITS;
    uint64_t ref = C.is_root ? VKC_ROOT << 32 : (uint64_t)C.part << 32 | (C.cur_base + j);
    for (size_t k = 0; k < o->n; k++) {
        const uint64_t *t = o->states + k * VK_W;
        uint64_t fp = vkc_fp(t);
        int owner = vkc_owner(fp);
        int ok = owner == C.part ? vkc_arrive(t, fp, key0 | k, ref)
                                 : vkc_ship(&C.outs[owner], t, fp, key0 | k, ref);
        if (!ok) {
            C.status = VKC_OUT_OF_MEMORY;
            return;
        }
    }
}

/* Expand up to max_parents more parents of the frontier (max_depth reached: `probing`, only
   look whether any successor is new). *remaining: parents left. VKC_OK or a status. */
int vkc_expand(int64_t max_parents, int probing, int64_t *remaining) {
    C.probing = probing;
    uint64_t end = C.next_parent + (uint64_t)(max_parents > 0 ? max_parents : 1);
    if (end > C.n_cur) end = C.n_cur;
    for (; C.next_parent < end && C.status == VKC_OK; C.next_parent++)
        vkc_expand_one(C.next_parent);
    *remaining = (int64_t)(C.n_cur - C.next_parent);
    return C.status;
}

/* Records another partition shipped here (n of them). */
int vkc_receive(const uint64_t *recs, int64_t n) {
    for (int64_t r = 0; r < n && C.status == VKC_OK; r++) {
        const uint64_t *rec = recs + r * VKC_REC;
        uint64_t fp = vkc_fp(rec);
        if (vkc_owner(fp) != C.part) return C.status = VKC_MISROUTED;
        if (!vkc_arrive(rec, fp, rec[VK_W], rec[VK_W + 1])) C.status = VKC_OUT_OF_MEMORY;
    }
    return C.status;
}

/* ------------------------------------------------------------------ finish: order, evaluate */

/* Sort (key, entry) pairs by key: least significant digit radix sort, 11 bits a pass,
   passes only over the bits keys use. */
static int vkc_sort(uint64_t *keys, uint64_t *vals, uint64_t n) {
    uint64_t top = 0;
    for (uint64_t i = 0; i < n; i++) top |= keys[i];
    uint64_t *k2 = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    uint64_t *v2 = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    if (!k2 || !v2) {
        free(k2);
        free(v2);
        return 0;
    }
    for (int shift = 0; shift < 64 && (top >> shift); shift += 11) {
        uint64_t count[2049] = {0};
        for (uint64_t i = 0; i < n; i++) count[((keys[i] >> shift) & 2047) + 1]++;
        for (int d = 0; d < 2048; d++) count[d + 1] += count[d];
        for (uint64_t i = 0; i < n; i++) {
            uint64_t at = count[(keys[i] >> shift) & 2047]++;
            k2[at] = keys[i];
            v2[at] = vals[i];
        }
        memcpy(keys, k2, n * sizeof(uint64_t));
        memcpy(vals, v2, n * sizeof(uint64_t));
    }
    free(k2);
    free(v2);
    return 1;
}

static void vkc_evaluate(uint64_t i, uint32_t pending) {
    const uint64_t *s = C.arena + C.nat[i] * VK_W;
    uint32_t inv = 0, hold = 0, bad = 0, flags = 0;
    int holds;
    for (int c = 0; c < C.n_cons; c++) {
        int rc = vk_prop(C.cons[c], s, &holds);
        if (rc == VK_UNREPRESENTABLE) C.status = VKC_UNREPRESENTABLE;
        if (rc != VK_OK) {
            flags |= VKC_CFAULT;
            goto done;
        }
        if (!holds) {
            flags |= VKC_OUTSIDE;
            break;
        }
    }
    for (int j = 0; j < C.n_inv; j++) {
        int rc = vk_prop(C.inv[j], s, &holds);
        if (rc == VK_UNREPRESENTABLE) C.status = VKC_UNREPRESENTABLE;
        if (rc != VK_OK) {
            flags |= VKC_IFAULT;
            goto done;
        }
        if (!holds) inv |= 1u << j;
    }
    if (flags & VKC_OUTSIDE) goto done;
    for (int j = 0; j < C.n_reach; j++) {
        if (!(pending >> j & 1)) continue;
        int rc = vk_prop(C.reach[j], s, &holds);
        if (rc == VK_UNREPRESENTABLE) C.status = VKC_UNREPRESENTABLE;
        if (rc != VK_OK) bad |= 1u << j;
        else if (holds) hold |= 1u << j;
    }
done:
    C.ninv[i] = inv, C.nhold[i] = hold, C.nbad[i] = bad, C.nflags[i] = flags;
}

static int vkc_storable(uint64_t i) { return !(C.nflags[i] & (VKC_OUTSIDE | VKC_CFAULT)); }

/* The new states the driver's walk must see: the first of each kind of finding here, and with
   stop_at_first off every fault (each one is an event). */
static int vkc_pick_notes(void) {
    uint32_t seen_inv = 0, seen_hold = 0, seen_bad = 0;
    int seen_cfault = 0, seen_ifault = 0;
    for (uint64_t i = 0; i < C.n_new; i++) {
        uint32_t fl = C.nflags[i];
        int wanted = (C.ninv[i] & ~seen_inv) || (C.nhold[i] & ~seen_hold) ||
                     (C.nbad[i] & ~seen_bad) || ((fl & VKC_CFAULT) && !seen_cfault) ||
                     ((fl & VKC_IFAULT) && !seen_ifault) ||
                     (!C.stop_at_first && ((fl & (VKC_CFAULT | VKC_IFAULT)) || C.nbad[i]));
        if (!wanted) continue;
        seen_inv |= C.ninv[i], seen_hold |= C.nhold[i], seen_bad |= C.nbad[i];
        seen_cfault |= (fl & VKC_CFAULT) != 0, seen_ifault |= (fl & VKC_IFAULT) != 0;
        if (C.n_notes >= (uint64_t)C.max_events + 3 * VKC_MASKED + 2) return C.status = VKC_TOO_MANY;
        vkc_note nt = {C.nkey[i], C.nref[i], C.ninv[i], C.nhold[i], C.nbad[i], fl};
        C.notes[C.n_notes++] = nt;
    }
    return VKC_OK;
}

/* The level is expanded and received: its new states in key order, evaluated (`pending`: the
   reachables not yet witnessed). figures: new states, storable ones, notes, parent events,
   cut (max_depth: a successor beyond it). VKC_OK or a status. */
int vkc_finish(uint32_t pending, int64_t *figures) {
    uint64_t n = C.lvl_n;
    vkc_level_free();
    C.nkey = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    C.nat = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    C.nref = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    C.nfp = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    C.ninv = (uint32_t *)malloc((n ? n : 1) * sizeof(uint32_t));
    C.nhold = (uint32_t *)malloc((n ? n : 1) * sizeof(uint32_t));
    C.nbad = (uint32_t *)malloc((n ? n : 1) * sizeof(uint32_t));
    C.nflags = (uint32_t *)malloc((n ? n : 1) * sizeof(uint32_t));
    C.nrank = (int64_t *)malloc((n ? n : 1) * sizeof(int64_t));
    C.notes = (vkc_note *)malloc(((uint64_t)C.max_events + 3 * VKC_MASKED + 2) * sizeof(vkc_note));
    if (!C.nkey || !C.nat || !C.nref || !C.nfp || !C.ninv || !C.nhold || !C.nbad || !C.nflags ||
        !C.nrank || !C.notes)
        return C.status = VKC_OUT_OF_MEMORY;
    uint64_t at = 0;
    for (uint64_t i = 0; i < C.lvl_cap; i++)
        if (C.lvl[i].fp) C.nkey[at] = C.lvl[i].key, C.nat[at++] = i;
    if (!vkc_sort(C.nkey, C.nat, n)) return C.status = VKC_OUT_OF_MEMORY;
    for (uint64_t i = 0; i < n; i++) {
        vkc_lent *e = &C.lvl[C.nat[i]];
        C.nref[i] = e->ref;
        C.nfp[i] = e->fp;
        C.nat[i] = e->at;
    }
    C.n_new = n;
    vkc_free_table(C.lvl, C.lvl_cap * sizeof(vkc_lent));
    C.lvl = NULL;
    C.lvl_cap = C.lvl_n = 0;
    int64_t storable = 0;
    for (uint64_t i = 0; i < n && C.status == VKC_OK; i++) {
        vkc_evaluate(i, pending);
        C.nrank[i] = vkc_storable(i) ? storable++ : -1;
    }
    if (C.status == VKC_OK) vkc_pick_notes();
    figures[0] = (int64_t)n;
    figures[1] = storable;
    figures[2] = (int64_t)C.n_notes;
    figures[3] = (int64_t)C.n_pev;
    figures[4] = C.cut;
    return C.status;
}

/* The storable new states' keys, in order, into buf (figures[1] of them). */
void vkc_keys(uint64_t *buf) {
    uint64_t at = 0;
    for (uint64_t i = 0; i < C.n_new; i++)
        if (C.nrank[i] >= 0) buf[at++] = C.nkey[i];
}

/* Another partition's storable keys (sorted): each storable state here moves back by the
   number of them below its key. After every other partition's, a state's rank is its position
   among the level's storable states: the single-process discovery order. */
void vkc_rank(const uint64_t *keys, int64_t n) {
    int64_t below = 0;
    for (uint64_t i = 0; i < C.n_new; i++) {
        if (C.nrank[i] < 0) continue;
        while (below < n && keys[below] < C.nkey[i]) below++;
        C.nrank[i] += below;
    }
}

/* The key of the storable state at global position `rank`, if it is here; else UINT64_MAX. */
uint64_t vkc_key_at(int64_t rank) {
    uint64_t lo = 0, hi = C.n_new;
    while (lo < hi) { /* ranks rise with i (skipping -1s): find the first i with rank >= wanted */
        uint64_t mid = lo + (hi - lo) / 2, j = mid;
        while (j < hi && C.nrank[j] < 0) j++;
        if (j == hi || C.nrank[j] >= rank) hi = mid;
        else lo = j + 1;
    }
    while (lo < C.n_new && C.nrank[lo] < 0) lo++;
    return lo < C.n_new && C.nrank[lo] == rank ? C.nkey[lo] : UINT64_MAX;
}

void vkc_notes(vkc_note *buf) { memcpy(buf, C.notes, C.n_notes * sizeof(vkc_note)); }
void vkc_pevents(vkc_pev *buf) { memcpy(buf, C.pev, C.n_pev * sizeof(vkc_pev)); }

/* This level's successors per action (then zeroed). */
void vkc_hits(int64_t *buf) {
    for (int a = 0; a < VK_N_ACTIONS; a++) buf[a] = C.hits[a], C.hits[a] = 0;
}

/* ------------------------------------------------------------------ commit */

/* Store the storable new states with keys below `limit` (the driver's walk ended there); they
   become the frontier. figures: stored, transitions of the parents at global positions up to
   `at_rank` (the walk's last parent), states stored in all. VKC_OK or a status. */
int vkc_commit(uint64_t limit, int64_t at_rank, int64_t *figures) {
    int64_t transitions = 0;
    if (!C.is_root)
        for (uint64_t j = 0; j < C.n_cur; j++)
            if (C.cur_rank[j] <= at_rank) transitions += C.nsucc[j];
    uint64_t kept = 0;
    for (uint64_t i = 0; i < C.n_new && C.nkey[i] < limit; i++) kept += C.nrank[i] >= 0;
    if (C.count + kept > 0xffffffffull) return C.status = VKC_UNSUPPORTED; /* 32-bit indices */
    free(C.cur);
    free(C.cur_rank);
    free(C.nsucc);
    C.cur = (uint64_t *)malloc((kept ? kept : 1) * VK_W * sizeof(uint64_t));
    C.cur_rank = (int64_t *)malloc((kept ? kept : 1) * sizeof(int64_t));
    C.nsucc = (uint32_t *)calloc(kept ? kept : 1, sizeof(uint32_t));
    if (!C.cur || !C.cur_rank || !C.nsucc ||
        !vkc_grow((void **)&C.pk, &C.pk_cap, C.count + kept, sizeof(uint64_t)))
        return C.status = VKC_OUT_OF_MEMORY;
    C.cur_base = C.count;
    uint64_t at = 0;
    for (uint64_t i = 0; i < C.n_new && C.nkey[i] < limit; i++) {
        if (C.nrank[i] < 0) continue;
        if (!vkc_vis_put(C.nfp[i])) return C.status = VKC_OUT_OF_MEMORY;
        C.pk[C.count++] = C.nref[i] << VKC_ORD_BITS | (C.nkey[i] & VKC_ORD_MASK);
        memcpy(C.cur + at * VK_W, C.arena + C.nat[i] * VK_W, sizeof(uint64_t) * VK_W);
        C.cur_rank[at++] = C.nrank[i];
    }
    C.n_cur = kept;
    C.next_parent = 0;
    C.is_root = 0;
    C.cut = 0;
    C.n_pev = 0;
    C.arena_n = 0;
    vkc_level_free();
    figures[0] = (int64_t)kept;
    figures[1] = transitions;
    figures[2] = (int64_t)C.count;
    return C.status;
}

/* ------------------------------------------------------------------ paths */

/* The stored state `local`'s parent reference << 24 | ordinal; UINT64_MAX when unknown. */
uint64_t vkc_parent(uint64_t local) { return local < C.count ? C.pk[local] : UINT64_MAX; }

int64_t vkc_stored(void) { return (int64_t)C.count; }
int64_t vkc_frontier(void) { return (int64_t)C.n_cur; }
int vkc_record_words(void) { return VKC_REC; }
