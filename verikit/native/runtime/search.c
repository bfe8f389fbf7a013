/*
 * verikit native runtime: breadth-first search over packed states (docs/native.md).
 * Included after the generated model code, so it sees VK_STATE_WORDS, vk_successors, ...
 *
 * Level-synchronous BFS with W workers. Each level runs in phases:
 *   A  (parallel) expand the frontier in chunks of parents: successors not in the visited table
 *      go into a level table keyed by fingerprint that keeps, per new state, the smallest
 *      (parent, ordinal) that reached it: the one a one-worker BFS discovers it by. Deadlocks
 *      and faults of parents are recorded as events.
 *   B  sort the level's new states by that key (counting sort on the parent): discovery order.
 *   C  (parallel) evaluate constraints, invariants and pending reachables on each of them.
 *   D  walk them in discovery order, merged with the parents' events, applying the counting
 *      rules of engine/search.py one state at a time (limits, stop at the first violation).
 *   E  (parallel) insert the stored ones into the visited table.
 * So counts, depths and counterexamples do not depend on the number of workers.
 *
 * Memory per stored state: one 64-bit fingerprint in an open-addressing table (load <= 3/4)
 * and one 64-bit word packing the parent index (40 bits) and successor ordinal (24 bits).
 * Full states exist only for the current and the next level (or for every state with
 * full_states, which compares states instead of trusting fingerprints).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define VK_W VK_STATE_WORDS
#define ORD_BITS 24
#define ORD_MASK ((1ull << ORD_BITS) - 1)
#define MAX_PARENT ((1ull << (64 - ORD_BITS)) - 2)
#define CHUNK 256
#define MAX_WORKERS 256
#define MAX_MASKED 32

/* event kinds (library.py mirrors them) */
enum { EV_INIT_FAULT = 1, EV_TRANSITION_FAULT, EV_DEADLOCK, EV_TERMINAL_FAULT, EV_INVARIANT,
       EV_PREDICATE_FAULT, EV_REACHABLE };

/* why the search ended (library.py mirrors them) */
enum { ST_COMPLETE = 0, ST_HALTED, ST_MAX_STATES, ST_MAX_DEPTH, ST_TIMEOUT, ST_INTERRUPTED,
       ST_OUT_OF_MEMORY, ST_UNREPRESENTABLE, ST_TOO_MANY_EVENTS, ST_UNSUPPORTED };

typedef int (*vk_progress_fn)(int64_t states, int64_t depth, int64_t queue, double seconds);

typedef struct vk_config {
    int64_t max_states; /* 0: no limit */
    int64_t max_depth;  /* 0: no limit */
    double timeout;     /* seconds, 0: none */
    double progress_interval;
    int64_t max_events;
    int32_t workers;
    int32_t deadlock;
    int32_t stop_at_first;
    int32_t full_states;
    vk_progress_fn progress;
    int64_t memory_limit; /* bytes of resident memory to stay below (0: none): the search stops
                             as out of memory before the system's OOM killer would step in */
    int32_t graph;        /* also build the state graph of the liveness pass (see below) */
    int32_t _pad;
} vk_config;

typedef struct vk_event {
    int32_t kind;
    int32_t prop;     /* property index (invariant, reachable), else -1 */
    int64_t parent;   /* index of the state the event is at or comes from; -1: the virtual root */
    int64_t ordinal;  /* successor ordinal of the state not stored; -1: at `parent` itself */
} vk_event;

typedef struct vk_stats {
    int64_t distinct, transitions, depth, peak_queue, n_events;
    double seconds;
    int32_t status;
    int32_t cut;       /* max_depth: the last level has successors beyond it */
    int64_t table_slots;
    int64_t redone_levels;   /* times a level table grew in mid-level (it was too small) */
    double phase_seconds[5]; /* expand, order, evaluate, walk, insert (for bench/ and tuning) */
    int64_t graph_edges;     /* liveness graph: edges recorded (every successor) */
    double phase_cpu[5];     /* the same phases' CPU seconds, all threads (bench/native_phases.py) */
} vk_stats;

/* ------------------------------------------------------------------ hashing */

static inline uint64_t vk_mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static inline uint64_t vk_hash(const uint64_t *s) {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < VK_W; i++) h = vk_mix(h ^ (s[i] + 0x632be59bd9b4e019ull * (uint64_t)(i + 1)));
    return h ? h : 1; /* 0 marks an empty slot */
}

static inline int vk_same(const uint64_t *a, const uint64_t *b) {
    return memcmp(a, b, sizeof(uint64_t) * VK_W) == 0;
}

/* ---- symmetry (VK_SYMMETRY: the model defines vk_canon, see verikit/native/csymmetry.py).
   A state's key is the hash of its canonical words, so every renaming of it is one state; the
   search still stores and expands the state it reached. With full_states the table holds
   canonical words (vk_stored) and compares them. */
#ifdef VK_SYMMETRY
static inline uint64_t vk_key(const uint64_t *s) {
    uint64_t c[VK_W];
    vk_canon(s, c);
    return vk_hash(c);
}
static inline int vk_same_key(const uint64_t *canonical, const uint64_t *s) {
    uint64_t c[VK_W];
    vk_canon(s, c);
    return vk_same(canonical, c);
}
static inline void vk_stored(uint64_t *to, const uint64_t *s) { vk_canon(s, to); }
#else
#define vk_key vk_hash
#define vk_same_key vk_same
static inline void vk_stored(uint64_t *to, const uint64_t *s) { memcpy(to, s, sizeof(uint64_t) * VK_W); }
#endif
/* ---- end of symmetry */

/* ------------------------------------------------------------------ the search's state */

typedef struct lvl_entry {
    _Atomic uint64_t fp;
    _Atomic uint64_t key;  /* 1 + ((parent + 1) << ORD_BITS | ordinal), the smallest seen */
    _Atomic(uint64_t *) words;     /* the state, in its finder's block storage */
} lvl_entry;

typedef struct block {
    struct block *next;
    size_t used;
    uint64_t words[];
} block;

#define BLOCK_STATES 4096

/* Fairness keys of one successor buffer (the liveness graph): the binding id of each
   successor whose action is keyed (native/ckeys.py), set by graph_key as generated code pushes. */
typedef struct keybuf {
    struct worker *w;
    int32_t *ids;
    size_t cap;
} keybuf;

/* A worker's interned (action, key words) pairs: binding VK_N_ACTIONS + index * workers + id. */
typedef struct bindtab {
    uint64_t *slots; /* 1 + entry index, 0: empty; cap a power of two, load <= 1/2 */
    uint64_t cap;
    int32_t *actions;
    uint64_t *words; /* VK_KEY_WORDS per entry */
    uint64_t n, ncap;
} bindtab;

typedef struct worker {
    int id;
    /* liveness graph: this level's edges (fingerprint and binding of every successor, by
       parent in chunk order), the keys of the two successor buffers, interned bindings */
    uint64_t *efp;
    int32_t *ebind;
    size_t en, ecap;
    keybuf kb[2];
    bindtab bt;
    vk_out out, out2;     /* two, for the generate/probe pipeline */
    uint64_t *fps[2];     /* fingerprints of each buffer's successors */
    size_t fps_cap[2];
    block *blocks;
    vk_event *events;
    size_t n_events, cap_events;
    uint64_t lvl_n; /* entries this worker added to the level table */
    uint64_t shard_in[64];  /* new states of this level per visited-table shard (SHARDS) */
    int64_t hits[VK_N_ACTIONS > 0 ? VK_N_ACTIONS : 1];
    int64_t hits0[VK_N_ACTIONS > 0 ? VK_N_ACTIONS : 1]; /* at the start of the chunk */
} __attribute__((aligned(128))) worker; /* apart: a worker writes its own fields per successor
                                            (hits, out.n), never on another's cache line */

#define SHARD_BITS 6
#define SHARDS (1 << SHARD_BITS)

typedef struct shard {
    uint64_t *slots;
    uint64_t cap, count;
} shard;

typedef struct rec {
    uint32_t inv;    /* violated invariants (bit j: j-th safety property) before any fault */
    uint32_t hold;   /* pending reachables that hold */
    uint32_t bad;    /* pending reachables whose predicate faults */
    uint32_t flags;
} rec;

#define R_OUTSIDE 1u     /* outside a constraint */
#define R_CFAULT 2u      /* a constraint faulted: not stored */
#define R_IFAULT 4u      /* an invariant faulted (after the violations in `inv`) */
#define R_LFAULT 8u      /* a liveness predicate faulted (graph only) */
#define R_CONS_SHIFT 8   /* graph, outside: bits 8..13, the first constraint (cons[]) failing */

static struct {
    vk_config cfg;
    int workers;
    /* property classes, as indices into the model's properties */
    int inv[MAX_MASKED], n_inv, reach[MAX_MASKED], n_reach, cons[VK_N_PROPS + 1], n_cons,
        term[VK_N_PROPS + 1], n_term;
    /* visited table: SHARDS open-addressing tables picked by the fingerprint's top bits, so
       one grows at a time (full_states: fp, index per slot) */
    shard shards[SHARDS];
    uint64_t *all;          /* full_states: every stored state */
    uint64_t *pk;           /* per stored state: (parent + 1) << ORD_BITS | ordinal */
    uint64_t count, pk_cap;
    /* the level being expanded */
    uint64_t *cur;
    uint64_t n_cur;
    int64_t base;           /* index of cur[0]; -1 for the virtual root of the initial states */
    int probing, is_root;
    double growth;          /* new states per expanded state, last level */
    uint32_t *nsucc;
    lvl_entry *lvl;
    uint64_t lvl_cap;
    /* counters every worker writes get cache lines of their own; the flags they read often
       share one that is rarely written */
    _Alignas(64) _Atomic uint64_t lvl_n;
    _Alignas(64) _Atomic uint64_t next_chunk;
    _Alignas(64) _Atomic int lvl_full;
    _Atomic int stop;       /* a status that ends the search at once (timeout, memory, ...) */
    _Atomic int cut;
    _Alignas(64) _Atomic uint64_t redo_next; /* next of redo[] to take */
    _Atomic uint64_t n_abandoned;
    uint64_t redo[MAX_WORKERS], n_redo;      /* chunks cut short last round: expanded first */
    uint64_t abandoned[MAX_WORKERS];         /* chunks cut short this round (one per worker) */
    _Alignas(64) int pad_;
    /* the new level, in discovery order */
    uint64_t *nkey, *nfp, *nxt;
    rec *recs;
    uint64_t n_new;
    uint32_t pending;       /* reachables (bits over reach[]) not yet witnessed */
    /* outcome */
    vk_event *events;
    size_t n_events, cap_events;
    uint8_t reported_inv[MAX_MASKED], reported_deadlock;
    int64_t transitions, depth, peak, hits[VK_N_ACTIONS > 0 ? VK_N_ACTIONS : 1];
    int status, halted;
    double start, next_progress, next_memory_check;
    worker *w;
    double phase_seconds[5]; /* expand, order, evaluate, walk, insert */
    double phase_cpu[5];
    int serial;              /* this level is too small to share out */
    int fused;               /* phase C inserts into the visited table (fingerprints only) */
    int64_t redone;          /* level tables grown in mid-level: the estimate was too small */
    /* the liveness graph (cfg.graph): per stored state, its liveness bits and its raw edges
       (every successor in ordinal order: target index or -1 outside the constraints, binding) */
    int graph, graph_failed; /* graph_failed: GF_*, why the graph cannot be used */
    int live[MAX_MASKED], n_live, live_leads[MAX_MASKED];
    uint64_t *live_bits, live_cap;
    uint64_t *nlive;         /* per new state of the level: its liveness bits */
    uint64_t cut_by;         /* bit c: a state was found outside cons[c] first */
    uint64_t *g_eoff, g_eoff_cap, g_expanded; /* g_eoff[s]: first raw edge of state s */
    int32_t *g_tgt, *g_bind;
    uint64_t g_edges, g_cap;
    int32_t *chunk_w;        /* per chunk of this level: its worker, first edge, edges */
    uint64_t *chunk_off, *chunk_n;
    int32_t *set_start, *set_labels; /* finished graph: enabled label sets, set 0 empty */
    uint64_t n_sets, n_set_labels;
} S;

static double vk_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Wall and process CPU clocks at the start of a phase; phase_add charges the phase with both. */
typedef struct vk_clock {
    double wall, cpu;
} vk_clock;

static vk_clock clock_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    vk_clock c = {vk_now(), (double)t.tv_sec + 1e-9 * (double)t.tv_nsec};
    return c;
}

static void phase_add(int phase, vk_clock since) {
    vk_clock now = clock_now();
    S.phase_seconds[phase] += now.wall - since.wall;
    S.phase_cpu[phase] += now.cpu - since.cpu;
}

static void vk_set_stop(int status) {
    int expected = 0;
    atomic_compare_exchange_strong(&S.stop, &expected, status);
}

/* ------------------------------------------------------------------ memory */

#define BIG (2u << 20)

/* Zeroed memory for a hash table; big ones in huge pages where the system offers them
   (random probes into tens of megabytes miss the TLB less). Free with table_free(p, bytes). */
static void *table_alloc(size_t bytes) {
    if (bytes < BIG) return calloc(1, bytes);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static void table_free(void *p, size_t bytes) {
    if (!p) return;
    if (bytes < BIG) free(p);
    else munmap(p, bytes);
}

/* ------------------------------------------------------------------ worker helpers */

static int out_init(vk_out *o) {
    memset(o, 0, sizeof *o);
    o->words = VK_W;
    o->scratch = (uint64_t *)calloc(VK_W, sizeof(uint64_t));
    return o->scratch != NULL;
}

static void out_free(vk_out *o) {
    free(o->states);
    free(o->actions);
    free(o->scratch);
    memset(o, 0, sizeof *o);
}

static uint64_t *block_slot(worker *w) {
    block *b = w->blocks;
    if (!b || b->used == BLOCK_STATES) {
        block *fresh = (block *)malloc(sizeof(block) + sizeof(uint64_t) * VK_W * BLOCK_STATES);
        if (!fresh) return NULL;
        fresh->next = b;
        fresh->used = 0;
        w->blocks = b = fresh;
    }
    return b->words + VK_W * b->used++;
}

static void blocks_free(worker *w) {
    while (w->blocks) {
        block *next = w->blocks->next;
        free(w->blocks);
        w->blocks = next;
    }
}

static int push_event(vk_event **events, size_t *n, size_t *cap, vk_event e) {
    if (*n == *cap) {
        size_t bigger = *cap ? 2 * *cap : 16;
        vk_event *grown = (vk_event *)realloc(*events, bigger * sizeof(vk_event));
        if (!grown) return 0;
        *events = grown;
        *cap = bigger;
    }
    (*events)[(*n)++] = e;
    return 1;
}

static void worker_event(worker *w, int kind, int64_t parent) {
    vk_event e = {kind, -1, parent, -1};
    if (!push_event(&w->events, &w->n_events, &w->cap_events, e)) vk_set_stop(ST_OUT_OF_MEMORY);
}

/* ------------------------------------------------------------------ parallel phases */

typedef struct job {
    void (*fn)(worker *);
    worker *w;
} job;

static void *job_run(void *arg) {
    job *j = (job *)arg;
    j->fn(j->w);
    return NULL;
}

/* Run fn on every worker: the calling thread is worker 0 (it alone calls the progress hook).
   A small level runs every worker's share in this thread: starting threads would cost more. */
static void parallel(void (*fn)(worker *)) {
    if (S.serial) {
        for (int i = 0; i < S.workers; i++) fn(&S.w[i]);
        return;
    }
    pthread_t threads[MAX_WORKERS];
    job jobs[MAX_WORKERS];
    int started[MAX_WORKERS];
    for (int i = 1; i < S.workers; i++) {
        jobs[i].fn = fn;
        jobs[i].w = &S.w[i];
        started[i] = pthread_create(&threads[i], NULL, job_run, &jobs[i]) == 0;
        if (!started[i]) fn(&S.w[i]); /* no thread: do its share here */
    }
    fn(&S.w[0]);
    for (int i = 1; i < S.workers; i++)
        if (started[i]) pthread_join(threads[i], NULL);
}

/* ------------------------------------------------------------------ visited table */

/* Two words per slot (fingerprint, state index) with full states or the liveness graph. */
static int tab_stride(void) { return S.cfg.full_states || S.graph ? 2 : 1; }

static inline shard *shard_of(uint64_t fp) { return &S.shards[fp >> (64 - SHARD_BITS)]; }

/* The home slot of fp in a shard of cap slots (any cap: shards grow by half, not double, which
   keeps them fuller on average): the fingerprint's bits below the shard bits, scaled. */
static inline uint64_t slot_home(uint64_t fp, uint64_t cap) {
    return (uint64_t)(((unsigned __int128)(fp << SHARD_BITS) * cap) >> 64);
}

static inline const uint64_t *tab_home(uint64_t fp) {
    shard *sh = shard_of(fp);
    return sh->slots + slot_home(fp, sh->cap) * (uint64_t)tab_stride();
}

/* Read-only while workers expand (the table changes only in phase E). */
static int tab_contains(const uint64_t *s, uint64_t fp) {
    shard *sh = shard_of(fp);
    uint64_t cap = sh->cap, i = slot_home(fp, cap);
    int stride = tab_stride();
    for (;;) {
        uint64_t f = sh->slots[i * stride];
        if (f == 0) return 0;
        if (f == fp && (!S.cfg.full_states || vk_same_key(S.all + sh->slots[i * 2 + 1] * VK_W, s)))
            return 1;
        i = i + 1 == cap ? 0 : i + 1;
    }
}

static void slots_put(uint64_t *slots, uint64_t cap, uint64_t fp, uint64_t index) {
    uint64_t i = slot_home(fp, cap);
    int stride = tab_stride();
    while (slots[i * stride]) i = i + 1 == cap ? 0 : i + 1;
    slots[i * stride] = fp;
    if (stride == 2) slots[i * 2 + 1] = index;
}

static size_t shard_bytes(uint64_t cap) {
    return (size_t)cap * (size_t)tab_stride() * sizeof(uint64_t);
}

static int shard_init(shard *sh) {
    sh->cap = 1024;
    sh->count = 0;
    sh->slots = (uint64_t *)table_alloc(shard_bytes(sh->cap));
    return sh->slots != NULL;
}

/* Add a state to its shard (one thread per shard), growing it by half at load 3/4; 0: no
   memory. */
static int shard_put(shard *sh, uint64_t fp, uint64_t index) {
    if (sh->count + 1 > sh->cap / 4 * 3) {
        int stride = tab_stride();
        uint64_t cap = sh->cap + sh->cap / 2;
        uint64_t *grown = (uint64_t *)table_alloc(shard_bytes(cap));
        if (!grown) return 0;
        for (uint64_t i = 0; i < sh->cap; i++)
            if (sh->slots[i * stride])
                slots_put(grown, cap, sh->slots[i * stride], stride == 2 ? sh->slots[i * 2 + 1] : 0);
        table_free(sh->slots, shard_bytes(sh->cap));
        sh->slots = grown;
        sh->cap = cap;
    }
    slots_put(sh->slots, sh->cap, fp, index);
    sh->count++;
    return 1;
}

static uint64_t tab_slots(void) {
    uint64_t total = 0;
    for (int i = 0; i < SHARDS; i++) total += S.shards[i].cap;
    return total;
}

/* ------------------------------------------------------------------ level table */

static void lvl_free(void) {
    table_free(S.lvl, S.lvl_cap * sizeof(lvl_entry));
    S.lvl = NULL;
    S.lvl_cap = 0;
}

static int lvl_alloc(uint64_t cap) {
    lvl_free();
    S.lvl = (lvl_entry *)table_alloc(cap * sizeof(lvl_entry));
    S.lvl_cap = S.lvl ? cap : 0;
    atomic_store(&S.lvl_n, 0);
    atomic_store(&S.lvl_full, 0);
    return S.lvl != NULL;
}

/* Twice the level table's room, its entries moved over (one thread); 0 without memory. */
static int lvl_grow(void) {
    uint64_t cap = 2 * S.lvl_cap;
    lvl_entry *grown = (lvl_entry *)table_alloc(cap * sizeof(lvl_entry));
    if (!grown) return 0;
    for (uint64_t i = 0; i < S.lvl_cap; i++) {
        uint64_t fp = atomic_load_explicit(&S.lvl[i].fp, memory_order_relaxed);
        if (!fp) continue;
        uint64_t j = (uint64_t)(((unsigned __int128)fp * cap) >> 64);
        while (atomic_load_explicit(&grown[j].fp, memory_order_relaxed)) j = j + 1 == cap ? 0 : j + 1;
        atomic_store_explicit(&grown[j].fp, fp, memory_order_relaxed);
        atomic_store_explicit(&grown[j].key, atomic_load(&S.lvl[i].key), memory_order_relaxed);
        atomic_store_explicit(&grown[j].words, atomic_load(&S.lvl[i].words), memory_order_relaxed);
    }
    table_free(S.lvl, S.lvl_cap * sizeof(lvl_entry));
    S.lvl = grown;
    S.lvl_cap = cap;
    atomic_store(&S.lvl_full, 0);
    return 1;
}

/* Lower *slot to value (0 means unset). */
static void atomic_min(_Atomic uint64_t *slot, uint64_t value) {
    uint64_t old = atomic_load_explicit(slot, memory_order_relaxed);
    while ((old == 0 || value < old) &&
           !atomic_compare_exchange_weak_explicit(slot, &old, value, memory_order_relaxed,
                                                  memory_order_relaxed)) {
    }
}

static inline uint64_t lvl_home(uint64_t fp) {
    return (uint64_t)(((unsigned __int128)fp * S.lvl_cap) >> 64); /* any capacity, no modulo */
}

#ifdef VK_SYMMETRY
/* Symmetry: states of one orbit share a fingerprint, not their words. The entry keeps the
   words of the smallest key, the state a one-worker BFS reaches first (its path replays to
   them): a lower key replaces the words, under a lock (the low bit of `words`). 0 when s is
   another state after all (full_states: other canonical words), 1 when done with it. */
static int lvl_lower(lvl_entry *e, const uint64_t *s, uint64_t key) {
    uint64_t now = atomic_load_explicit(&e->key, memory_order_relaxed);
    if (!S.cfg.full_states && now != 0 && key + 1 >= now) return 1; /* keys only go down */
    uint64_t *words;
    for (;;) {
        words = atomic_load_explicit(&e->words, memory_order_acquire);
        if (words && !((uintptr_t)words & 1) &&
            atomic_compare_exchange_weak_explicit(&e->words, &words,
                                                  (uint64_t *)((uintptr_t)words | 1),
                                                  memory_order_acquire, memory_order_relaxed))
            break;
        if (atomic_load_explicit(&S.stop, memory_order_relaxed)) return 1;
    }
    int same = 1;
    if (S.cfg.full_states) {
        uint64_t c[VK_W];
        vk_canon(words, c);
        same = vk_same_key(c, s);
    }
    if (same && key + 1 < atomic_load_explicit(&e->key, memory_order_relaxed)) {
        atomic_store_explicit(&e->key, key + 1, memory_order_relaxed);
        memcpy(words, s, sizeof(uint64_t) * VK_W);
    }
    atomic_store_explicit(&e->words, words, memory_order_release);
    return same;
}
#endif

/* Offer a successor not in the visited table to the level table; the smallest key wins. */
static void lvl_offer(worker *w, const uint64_t *s, uint64_t fp, uint64_t key) {
    uint64_t i = lvl_home(fp);
    if (atomic_load_explicit(&S.lvl_full, memory_order_relaxed)) return; /* level is redone */
    for (;;) {
        lvl_entry *e = &S.lvl[i];
        uint64_t f = atomic_load_explicit(&e->fp, memory_order_acquire);
        if (f == 0) {
            uint64_t expected = 0;
            if (atomic_compare_exchange_strong_explicit(&e->fp, &expected, fp,
                                                        memory_order_acq_rel,
                                                        memory_order_acquire)) {
                uint64_t *slot = block_slot(w);
                if (!slot) {
                    vk_set_stop(ST_OUT_OF_MEMORY);
                    return;
                }
                memcpy(slot, s, sizeof(uint64_t) * VK_W);
                atomic_min(&e->key, key + 1);
                atomic_store_explicit(&e->words, slot, memory_order_release);
                /* the shared count moves 64 at a time (one contended add per 64 states);
                   full at 3/4, counting what each worker may not have added yet */
                if (++w->lvl_n % 64 == 0) {
                    uint64_t n = atomic_fetch_add(&S.lvl_n, 64) + 64;
                    if (n + 64 * (uint64_t)S.workers > S.lvl_cap / 4 * 3)
                        atomic_store(&S.lvl_full, 1);
                }
                return;
            }
            f = expected;
        }
        if (f == fp) {
#ifdef VK_SYMMETRY
            if (lvl_lower(e, s, key)) return;
            i = i + 1 == S.lvl_cap ? 0 : i + 1;
            continue;
#endif
            if (!S.cfg.full_states) {
                atomic_min(&e->key, key + 1);
                return;
            }
            uint64_t *words; /* its finder is still copying it (or ran out of memory) */
            while (!(words = atomic_load_explicit(&e->words, memory_order_acquire)))
                if (atomic_load_explicit(&S.stop, memory_order_relaxed)) return;
            if (vk_same(words, s)) {
                atomic_min(&e->key, key + 1);
                return;
            }
        }
        i = i + 1 == S.lvl_cap ? 0 : i + 1;
    }
}

static uint64_t lvl_count(void) {
    uint64_t n = 0;
    for (int i = 0; i < S.workers; i++) n += S.w[i].lvl_n;
    return n;
}

/* ------------------------------------------------------------------ liveness graph: edges */

/* engine/liveness.py's graph, built by the search itself when cfg.graph is set: per stored
   state its liveness bits (evaluated with the constraints, phase C) and per expanded state
   every successor in ordinal order (phase A records fingerprint and binding per worker and
   chunk; after phase E, when every state of the level has its index, they resolve to target
   indices, -1 for a state outside the constraints). A binding is an action index, or for an
   action whose fairness is keyed by a parameter (fair node, fair delivery) an interned
   (action, packed parameter values) pair. vk_api_graph_* hand the graph to Python, which
   labels bindings with fairness obligations exactly as engine/graph.py does. */
#ifndef VK_KEY_WORDS /* a model file written by hand (tests): no keyed actions */
#define VK_KEY_WORDS 1
#define VK_KEYS_OK 0
#define VK_KEYED(a) 0
#else
#define VK_KEYED(a) VK_ACTION_KEYED[a]
#endif

enum { GF_NONE = 0, GF_FAULT, GF_LIMIT, GF_KEYS, GF_MEMORY, GF_SYMMETRY, GF_FULL_STATES,
       GF_INCOMPLETE };

static void graph_fail(int why) {
    if (!S.graph_failed) S.graph_failed = why;
}

static uint64_t bind_hash(int32_t action, const uint64_t *key) {
    uint64_t h = vk_mix(0x51afd7ed558ccd ^ (uint64_t)(uint32_t)action);
    for (int i = 0; i < VK_KEY_WORDS; i++) h = vk_mix(h ^ key[i]);
    return h;
}

static int bind_grow(bindtab *t) {
    uint64_t cap = t->cap ? 2 * t->cap : 64;
    uint64_t *slots = (uint64_t *)calloc(cap, sizeof(uint64_t));
    if (!slots) return 0;
    for (uint64_t e = 0; e < t->n; e++) {
        uint64_t i = bind_hash(t->actions[e], t->words + e * VK_KEY_WORDS) & (cap - 1);
        while (slots[i]) i = (i + 1) & (cap - 1);
        slots[i] = e + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 1;
}

/* The binding id of (action, key) in worker w's table, added when new; -1 on failure. */
static int64_t bind_intern(worker *w, int32_t action, const uint64_t *key) {
    bindtab *t = &w->bt;
    if ((t->n + 1) * 2 > t->cap && !bind_grow(t)) return -1;
    uint64_t i = bind_hash(action, key) & (t->cap - 1);
    for (; t->slots[i]; i = (i + 1) & (t->cap - 1)) {
        uint64_t e = t->slots[i] - 1;
        if (t->actions[e] == action &&
            !memcmp(t->words + e * VK_KEY_WORDS, key, VK_KEY_WORDS * sizeof(uint64_t)))
            return VK_N_ACTIONS + (int64_t)e * S.workers + w->id;
    }
    if (t->n == t->ncap) {
        uint64_t ncap = t->ncap ? 2 * t->ncap : 64;
        int32_t *actions = (int32_t *)realloc(t->actions, ncap * sizeof(int32_t));
        if (actions) t->actions = actions;
        uint64_t *words = (uint64_t *)realloc(t->words, ncap * VK_KEY_WORDS * sizeof(uint64_t));
        if (words) t->words = words;
        if (!actions || !words) return -1;
        t->ncap = ncap;
    }
    int64_t id = VK_N_ACTIONS + (int64_t)t->n * S.workers + w->id;
    if (id > INT32_MAX) return graph_fail(GF_LIMIT), -1;
    t->actions[t->n] = action;
    memcpy(t->words + t->n * VK_KEY_WORDS, key, VK_KEY_WORDS * sizeof(uint64_t));
    t->slots[i] = ++t->n;
    return id;
}

/* vk_out.key: generated code pushed a successor of a keyed action; key its binding. */
static void graph_key(vk_out *o, const uint64_t *key) {
    keybuf *kb = (keybuf *)o->key_ctx;
    if (o->nomem || o->n == 0) return;
    if (o->n > kb->cap) {
        size_t cap = 2 * o->n;
        int32_t *ids = (int32_t *)realloc(kb->ids, cap * sizeof(int32_t));
        if (!ids) return vk_set_stop(ST_OUT_OF_MEMORY);
        kb->ids = ids;
        kb->cap = cap;
    }
    int64_t id = bind_intern(kb->w, o->actions[o->n - 1], key);
    if (id < 0) {
        graph_fail(GF_LIMIT);
        id = o->actions[o->n - 1];
    }
    kb->ids[o->n - 1] = (int32_t)id;
}

/* Record the successors of one parent (o, their fingerprints fps) as this level's edges. */
static int graph_edges(worker *w, const vk_out *o, const uint64_t *fps) {
    if (w->en + o->n > w->ecap) {
        size_t cap = 2 * (w->en + o->n) + 1024;
        uint64_t *efp = (uint64_t *)realloc(w->efp, cap * sizeof(uint64_t));
        if (efp) w->efp = efp;
        int32_t *ebind = efp ? (int32_t *)realloc(w->ebind, cap * sizeof(int32_t)) : NULL;
        if (ebind) w->ebind = ebind;
        if (!efp || !ebind) return 0;
        w->ecap = cap;
    }
    const keybuf *kb = (const keybuf *)o->key_ctx;
    for (size_t k = 0; k < o->n; k++) {
        int32_t a = o->actions[k];
        w->efp[w->en] = fps[k];
        w->ebind[w->en++] = a >= 0 && a < VK_N_ACTIONS && VK_KEYED(a) ? kb->ids[k] : a;
    }
    return 1;
}

/* ------------------------------------------------------------------ phase A: expand */

/* Resident memory of this process in bytes (Linux), 0 when unknown. */
static int64_t vk_resident(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long long size = 0, resident = 0;
    if (!f) return 0;
    int got = fscanf(f, "%lld %lld", &size, &resident);
    fclose(f);
    return got == 2 ? (int64_t)resident * (int64_t)sysconf(_SC_PAGESIZE) : 0;
}

static void memory_check(void) {
    if (S.cfg.memory_limit > 0 && vk_resident() > S.cfg.memory_limit) vk_set_stop(ST_OUT_OF_MEMORY);
}

static void progress_tick(void) {
    double now = vk_now();
    if (S.cfg.timeout > 0 && now - S.start >= S.cfg.timeout) vk_set_stop(ST_TIMEOUT);
    if (now >= S.next_memory_check) {
        S.next_memory_check = now + 0.05;
        memory_check();
    }
    if (S.cfg.progress && now >= S.next_progress) {
        S.next_progress = now + S.cfg.progress_interval;
        uint64_t done = atomic_load(&S.next_chunk) * CHUNK;
        int64_t queue = (int64_t)(S.n_cur > done ? S.n_cur - done : 0) + (int64_t)lvl_count();
        if (S.cfg.progress((int64_t)S.count, S.depth, queue, now - S.start))
            vk_set_stop(ST_INTERRUPTED);
    }
}

static int is_terminal(const uint64_t *s, int *fault) {
    for (int t = 0; t < S.n_term; t++) {
        int holds = 0, rc = vk_prop(S.term[t], s, &holds);
        if (rc == VK_UNREPRESENTABLE) vk_set_stop(ST_UNREPRESENTABLE);
        if (rc != VK_OK) {
            *fault = 1;
            return 0;
        }
        if (holds) return 1;
    }
    return 0;
}

/* Stage 1 for parent j: its successors into o, their fingerprints into o's fps, and the
   table slots they will probe on their way into the cache. 0: nothing to probe. */
static int expand_generate(worker *w, uint64_t j, vk_out *o, uint64_t **fps, size_t *fps_cap) {
    int64_t parent = S.base + (int64_t)j;
    o->n = 0;
    o->fault = VK_OK;
    int rc = S.is_root ? vk_init_states(o) : vk_successors(S.cur + j * VK_W, o);
    if (o->nomem) return vk_set_stop(ST_OUT_OF_MEMORY), 0;
    if (rc == VK_OK && o->fault != VK_OK) rc = o->fault;
    if (rc == VK_UNREPRESENTABLE) return vk_set_stop(ST_UNREPRESENTABLE), 0;
    if (rc != VK_OK) {
        S.nsucc[j] = 0;
        worker_event(w, S.is_root ? EV_INIT_FAULT : EV_TRANSITION_FAULT, parent);
        return 0;
    }
    S.nsucc[j] = (uint32_t)o->n;
    if (o->n > ORD_MASK) return vk_set_stop(ST_UNSUPPORTED), 0;
    for (size_t k = 0; k < o->n; k++)
        if (o->actions[k] >= 0 && o->actions[k] < VK_N_ACTIONS) w->hits[o->actions[k]]++;
    if (o->n == 0) {
        int fault = 0;
        if (!S.is_root && S.cfg.deadlock && !is_terminal(S.cur + j * VK_W, &fault))
            worker_event(w, fault ? EV_TERMINAL_FAULT : EV_DEADLOCK, parent);
        return 0;
    }
    if (o->n > *fps_cap) {
        uint64_t *grown = (uint64_t *)realloc(*fps, o->n * 2 * sizeof(uint64_t));
        if (!grown) return vk_set_stop(ST_OUT_OF_MEMORY), 0;
        *fps = grown;
        *fps_cap = o->n * 2;
    }
    for (size_t k = 0; k < o->n; k++) {
        uint64_t fp = vk_key(o->states + k * VK_W);
        (*fps)[k] = fp;
        __builtin_prefetch((const void *)tab_home(fp));
        if (!S.probing) __builtin_prefetch((const void *)&S.lvl[lvl_home(fp)], 1);
    }
    if (S.graph && !S.is_root && !graph_edges(w, o, *fps)) return vk_set_stop(ST_OUT_OF_MEMORY), 0;
    return 1;
}

/* Stage 2 for parent j: successors not yet visited go to the level table (or, at the last
   level max_depth allows, only say that the search was cut). */
static void expand_probe(worker *w, uint64_t j, const vk_out *o, const uint64_t *fps) {
    uint64_t key0 = (uint64_t)(S.base + (int64_t)j + 1) << ORD_BITS;
    for (size_t k = 0; k < o->n; k++) {
        const uint64_t *t = o->states + k * VK_W;
        if (tab_contains(t, fps[k])) continue;
        if (S.probing) {
            atomic_store_explicit(&S.cut, 1, memory_order_relaxed);
            return;
        }
        lvl_offer(w, t, fps[k], key0 | k);
    }
}

/* Expand chunks of the level; parent j+1 is generated (its probes prefetched) before parent j
   is probed, so memory latency overlaps with successor generation. */
static void phase_expand(worker *w) {
    vk_out *outs[2] = {&w->out, &w->out2};
    uint64_t *fps[2] = {w->fps[0], w->fps[1]};
    size_t caps[2] = {w->fps_cap[0], w->fps_cap[1]};
    for (;;) {
        if (w->id == 0) progress_tick();
        if (atomic_load_explicit(&S.stop, memory_order_relaxed) ||
            atomic_load_explicit(&S.lvl_full, memory_order_relaxed))
            break;
        uint64_t r = atomic_fetch_add(&S.redo_next, 1);
        uint64_t c = r < S.n_redo ? S.redo[r] : atomic_fetch_add(&S.next_chunk, 1), lo = c * CHUNK;
        if (lo >= S.n_cur) break;
        uint64_t hi = lo + CHUNK < S.n_cur ? lo + CHUNK : S.n_cur;
        if (S.chunk_w) S.chunk_w[c] = w->id, S.chunk_off[c] = w->en;
        size_t events = w->n_events; /* what this chunk adds, undone if it is cut short */
        memcpy(w->hits0, w->hits, sizeof w->hits);
        int pending = 0;
        for (uint64_t j = lo; j <= hi; j++) {
            /* a parent may take long to expand (thousands of successors): the timeout, Ctrl-C
               and the memory limit are looked at between parents, not only between chunks
               (a stopped level is discarded whole) */
            if (w->id == 0 && j > lo && (j & 7) == 0) progress_tick();
            if (atomic_load_explicit(&S.stop, memory_order_relaxed)) break;
            int slot = (int)(j & 1);
            int ready = j < hi && expand_generate(w, j, outs[slot], &fps[slot], &caps[slot]);
            if (pending) expand_probe(w, j - 1, outs[slot ^ 1], fps[slot ^ 1]);
            pending = ready;
        }
        if (S.chunk_w) S.chunk_n[c] = w->en - S.chunk_off[c];
        if (atomic_load(&S.lvl_full) && !atomic_load(&S.stop)) {
            /* a successor may have been turned away: the whole chunk again, after the table
               grew (no event, hit or edge of this pass counts) */
            w->n_events = events;
            memcpy(w->hits, w->hits0, sizeof w->hits);
            S.abandoned[atomic_fetch_add(&S.n_abandoned, 1)] = c;
            break;
        }
    }
    w->fps[0] = fps[0], w->fps[1] = fps[1];
    w->fps_cap[0] = caps[0], w->fps_cap[1] = caps[1];
}

/* ------------------------------------------------------------------ phase B: order */

static void swap_new(uint64_t a, uint64_t b) {
    uint64_t t = S.nkey[a];
    S.nkey[a] = S.nkey[b];
    S.nkey[b] = t;
    t = S.nfp[a];
    S.nfp[a] = S.nfp[b];
    S.nfp[b] = t;
    for (int i = 0; i < VK_W; i++) {
        t = S.nxt[a * VK_W + i];
        S.nxt[a * VK_W + i] = S.nxt[b * VK_W + i];
        S.nxt[b * VK_W + i] = t;
    }
}

/* Sort new states [lo, hi) of one parent by key (= by ordinal): heapsort, in place. */
static void sift(uint64_t lo, uint64_t root, uint64_t n) {
    for (uint64_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && S.nkey[lo + child] < S.nkey[lo + child + 1]) child++;
        if (S.nkey[lo + root] >= S.nkey[lo + child]) return;
        swap_new(lo + root, lo + child);
    }
}

static void sort_group(uint64_t lo, uint64_t hi) {
    uint64_t n = hi - lo;
    if (n < 16) {
        for (uint64_t i = lo + 1; i < hi; i++)
            for (uint64_t j = i; j > lo && S.nkey[j - 1] > S.nkey[j]; j--) swap_new(j - 1, j);
        return;
    }
    for (uint64_t i = n / 2; i-- > 0;) sift(lo, i, n);
    for (uint64_t end = n; end-- > 1;) {
        swap_new(lo, lo + end);
        sift(lo, 0, end);
    }
}

/* The level's new states in discovery order: nkey, nfp and nxt (their words), by a counting
   sort on the parent, then on the ordinal within each parent's (small) group. Each worker
   counts and places the entries of its own slice of the level table (a group's counter is
   shared: atomic when several threads run), then sorts the groups of its range of positions:
   where an entry lands inside its group depends on the threads, the sorted group does not. */
static uint64_t *order_start; /* per parent group: first position (after counting: size) */
static uint64_t order_bound[MAX_WORKERS + 1]; /* worker w sorts [bound[w], bound[w+1]) */

static void lvl_slice(const worker *w, uint64_t *lo, uint64_t *hi) {
    *lo = S.lvl_cap * (uint64_t)w->id / (uint64_t)S.workers;
    *hi = S.lvl_cap * (uint64_t)(w->id + 1) / (uint64_t)S.workers;
}

static inline uint64_t order_take(uint64_t *counter) {
    return S.serial ? (*counter)++ : __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static void phase_order_count(worker *w) {
    uint64_t lo, hi, first = (uint64_t)(S.base + 1); /* key parent field of cur[0] */
    lvl_slice(w, &lo, &hi);
    for (uint64_t i = lo; i < hi; i++) {
        if (!S.lvl[i].fp) continue;
        order_take(&order_start[((S.lvl[i].key - 1) >> ORD_BITS) - first + 1]);
    }
}

static void phase_order_place(worker *w) {
    uint64_t lo, hi, first = (uint64_t)(S.base + 1);
    lvl_slice(w, &lo, &hi);
    for (uint64_t i = lo; i < hi; i++) {
        lvl_entry *e = &S.lvl[i];
        if (!e->fp) continue;
        uint64_t key = e->key - 1, at = order_take(&order_start[(key >> ORD_BITS) - first]);
        S.nkey[at] = key;
        S.nfp[at] = e->fp;
        w->shard_in[e->fp >> (64 - SHARD_BITS)]++;
        memcpy(S.nxt + at * VK_W, e->words, sizeof(uint64_t) * VK_W);
    }
}

static void phase_order_sort(worker *w) {
    uint64_t lo = order_bound[w->id], hi = order_bound[w->id + 1];
    for (uint64_t a = lo, b; a < hi; a = b) {
        for (b = a + 1; b < hi && S.nkey[b] >> ORD_BITS == S.nkey[a] >> ORD_BITS; b++) {
        }
        if (b - a > 1) sort_group(a, b);
    }
}

static int order_level(void) {
    uint64_t n = lvl_count(), groups = S.n_cur;
    order_start = (uint64_t *)calloc(groups + 1, sizeof(uint64_t));
    S.nkey = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    S.nfp = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
    S.nxt = (uint64_t *)malloc((n ? n : 1) * VK_W * sizeof(uint64_t));
    if (!order_start || !S.nkey || !S.nfp || !S.nxt) {
        free(order_start);
        return 0;
    }
    parallel(phase_order_count);
    for (uint64_t g = 0; g < groups; g++) order_start[g + 1] += order_start[g];
    for (int i = 0; i <= S.workers; i++)  /* fixed before placing moves the group starts */
        order_bound[i] = order_start[groups * (uint64_t)i / (uint64_t)S.workers];
    parallel(phase_order_place);
    parallel(phase_order_sort);
    S.n_new = n;
    free(order_start);
    order_start = NULL;
    return 1;
}

/* ------------------------------------------------------------------ phase C': insert early */

/* With fingerprints alone in the visited table (no index per slot), a new state goes into it
   as soon as it is evaluated and known to be stored (not outside a constraint, no fault in
   one): the walk stores every such state unless the search ends there, and then the table is
   not read again. The shards are grown beforehand for every new state of the level (phase
   "reserve", each worker its own shards), so threads only claim empty slots (compare and
   swap). This spares a pass over the level and overlaps the table's cache misses with the
   evaluation of the properties. */
static int shard_reserve(shard *sh, uint64_t need) {
    if (need <= sh->cap / 4 * 3) return 1;
    uint64_t cap = sh->cap + sh->cap / 2;
    while (need > cap / 4 * 3) cap += cap / 2;
    uint64_t *grown = (uint64_t *)table_alloc(shard_bytes(cap));
    if (!grown) return 0;
    for (uint64_t i = 0; i < sh->cap; i++)
        if (sh->slots[i]) slots_put(grown, cap, sh->slots[i], 0);
    table_free(sh->slots, shard_bytes(sh->cap));
    sh->slots = grown;
    sh->cap = cap;
    return 1;
}

static void phase_reserve(worker *w) {
    for (int h = w->id; h < SHARDS; h += S.workers) {
        uint64_t in = 0;
        for (int i = 0; i < S.workers; i++) in += S.w[i].shard_in[h];
        if (!shard_reserve(&S.shards[h], S.shards[h].count + in)) {
            vk_set_stop(ST_OUT_OF_MEMORY);
            return;
        }
    }
}

static void tab_add(worker *w, uint64_t fp) {
    int h = (int)(fp >> (64 - SHARD_BITS));
    shard *sh = &S.shards[h];
    uint64_t cap = sh->cap, i = slot_home(fp, cap);
    for (;; i = i + 1 == cap ? 0 : i + 1) {
        if (S.serial) {
            if (sh->slots[i]) continue;
            sh->slots[i] = fp;
            break;
        }
        uint64_t expected = 0;
        if (!__atomic_load_n(&sh->slots[i], __ATOMIC_RELAXED) &&
            __atomic_compare_exchange_n(&sh->slots[i], &expected, fp, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
            break;
    }
    w->shard_in[h]++; /* now: added (reset before the phase) */
}

/* ------------------------------------------------------------------ phase C: evaluate */

static int eval_prop(int p, const uint64_t *s, int *holds) {
    int rc = vk_prop(p, s, holds);
    if (rc == VK_UNREPRESENTABLE) vk_set_stop(ST_UNREPRESENTABLE);
    return rc;
}

static void evaluate_one(uint64_t i) {
    const uint64_t *s = S.nxt + i * VK_W;
    rec *r = &S.recs[i];
    memset(r, 0, sizeof *r);
    int holds;
    for (int c = 0; c < S.n_cons; c++) {
        if (eval_prop(S.cons[c], s, &holds) != VK_OK) {
            r->flags |= R_CFAULT;
            return;
        }
        if (!holds) {
            r->flags |= R_OUTSIDE;
            r->flags |= (uint32_t)(c < 63 ? c : 63) << R_CONS_SHIFT;
            break;
        }
    }
    for (int j = 0; S.graph && !(r->flags & R_OUTSIDE) && j < S.n_live; j++) {
        int trig = 0;
        if (eval_prop(S.live[j], s, &holds) != VK_OK ||
            (S.live_leads[j] && vk_trigger(S.live[j], s, &trig) != VK_OK)) {
            r->flags |= R_LFAULT;
            break;
        }
        S.nlive[i] |= (uint64_t)(holds != 0) << (2 * j) | (uint64_t)(trig != 0) << (2 * j + 1);
    }
    for (int j = 0; j < S.n_inv; j++) {
        if (eval_prop(S.inv[j], s, &holds) != VK_OK) {
            r->flags |= R_IFAULT;
            return;
        }
        if (!holds) r->inv |= 1u << j;
    }
    if (r->flags & R_OUTSIDE) return;
    for (int j = 0; j < S.n_reach; j++) {
        if (!(S.pending >> j & 1)) continue;
        if (eval_prop(S.reach[j], s, &holds) != VK_OK)
            r->bad |= 1u << j;
        else if (holds)
            r->hold |= 1u << j;
    }
}

static void phase_evaluate(worker *w) {
    for (;;) {
        uint64_t c = atomic_fetch_add(&S.next_chunk, 1), lo = c * CHUNK;
        if (lo >= S.n_new) return;
        uint64_t hi = lo + CHUNK < S.n_new ? lo + CHUNK : S.n_new;
        for (uint64_t i = lo; i < hi; i++) {
            /* a property may take long on one state (quantifiers over 40^3 nodes): the
               timeout is looked at between states (a stopped level is discarded whole) */
            if (w->id == 0 && (i & 7) == 0) progress_tick();
            if (atomic_load_explicit(&S.stop, memory_order_relaxed)) return;
            if (S.fused && i + 8 < hi) __builtin_prefetch((const void *)tab_home(S.nfp[i + 8]), 1);
            evaluate_one(i);
            if (S.fused && !(S.recs[i].flags & (R_OUTSIDE | R_CFAULT))) tab_add(w, S.nfp[i]);
        }
    }
}

/* ------------------------------------------------------------------ phase D: walk */

static int record(int kind, int prop, int64_t parent, int64_t ordinal) {
    if (kind == EV_INVARIANT) {
        if (S.reported_inv[prop]) return 0;
        S.reported_inv[prop] = 1;
        prop = S.inv[prop];
    } else if (kind == EV_DEADLOCK) {
        if (S.reported_deadlock) return 0;
        S.reported_deadlock = 1;
    } else if (kind == EV_REACHABLE) {
        prop = S.reach[prop];
    }
    if ((int64_t)S.n_events >= S.cfg.max_events) {
        vk_set_stop(ST_TOO_MANY_EVENTS);
        return 1;
    }
    vk_event e = {kind, prop, parent, ordinal};
    if (!push_event(&S.events, &S.n_events, &S.cap_events, e)) {
        vk_set_stop(ST_OUT_OF_MEMORY);
        return 1;
    }
    if (kind == EV_REACHABLE) return 0;
    S.halted = S.cfg.stop_at_first;
    return S.halted;
}

static int cmp_event(const void *a, const void *b) {
    const vk_event *x = (const vk_event *)a, *y = (const vk_event *)b;
    return x->parent < y->parent ? -1 : x->parent > y->parent;
}

static vk_event *gather_parent_events(size_t *n) {
    size_t total = 0, at = 0;
    for (int i = 0; i < S.workers; i++) total += S.w[i].n_events;
    vk_event *all = (vk_event *)malloc((total ? total : 1) * sizeof(vk_event));
    if (!all) return NULL;
    for (int i = 0; i < S.workers; i++) {
        memcpy(all + at, S.w[i].events, S.w[i].n_events * sizeof(vk_event));
        at += S.w[i].n_events;
        S.w[i].n_events = 0;
    }
    qsort(all, total, sizeof(vk_event), cmp_event);
    *n = total;
    return all;
}

/* The liveness bits of the state about to be stored (index S.count); 0: no memory. */
static int graph_store(uint64_t i) {
    const rec *r = &S.recs[i];
    if (S.count == S.live_cap) {
        uint64_t cap = S.live_cap ? 2 * S.live_cap : 1024;
        uint64_t *grown = (uint64_t *)realloc(S.live_bits, cap * sizeof(uint64_t));
        if (!grown) return 0;
        S.live_bits = grown;
        S.live_cap = cap;
    }
    if (r->flags & R_LFAULT) graph_fail(GF_FAULT);
    S.live_bits[S.count] = S.nlive[i];
    return 1;
}

/* Store the i-th new state; 0 when the state array cannot grow. */
static int store(uint64_t i) {
    if (S.count == S.pk_cap) {
        uint64_t cap = S.pk_cap ? 2 * S.pk_cap : 1024;
        uint64_t *grown = (uint64_t *)realloc(S.pk, cap * sizeof(uint64_t));
        if (!grown) return 0;
        S.pk = grown;
        if (S.cfg.full_states) {
            uint64_t *all = (uint64_t *)realloc(S.all, cap * VK_W * sizeof(uint64_t));
            if (!all) return 0;
            S.all = all;
        }
        S.pk_cap = cap;
    }
    if (S.cfg.full_states) vk_stored(S.all + S.count * VK_W, S.nxt + i * VK_W);
    if (S.graph && !graph_store(i)) return 0;
    S.pk[S.count++] = S.nkey[i];
    return 1;
}

/* Apply engine/search.py's rules to one new state (the k-th successor of parent) in
   discovery order; 1 when the search must end there. */
static int visit(uint64_t i, int64_t parent, int64_t k, uint64_t *kept) {
    uint64_t limit = S.cfg.max_states > 0 ? (uint64_t)S.cfg.max_states : UINT64_MAX;
    rec *r = &S.recs[i];
    if (r->flags & R_CFAULT) return record(EV_PREDICATE_FAULT, -1, parent, k);
    if (!(r->flags & R_OUTSIDE)) {
        if (S.count >= limit) return S.status = ST_MAX_STATES, 1;
        if (!store(i)) return S.status = ST_OUT_OF_MEMORY, 1;
        S.nfp[*kept] = S.nfp[i];
        if (*kept != i) memcpy(S.nxt + *kept * VK_W, S.nxt + i * VK_W, sizeof(uint64_t) * VK_W);
        ++*kept;
    }
    for (int j = 0; j < S.n_inv; j++)
        if (r->inv >> j & 1 && record(EV_INVARIANT, j, parent, k)) return 1;
    if (r->flags & R_IFAULT) return record(EV_PREDICATE_FAULT, -1, parent, k);
    if (r->flags & R_OUTSIDE) {
        if (S.graph) S.cut_by |= 1ull << (r->flags >> R_CONS_SHIFT & 63);
        return 0;
    }
    for (int j = 0; j < S.n_reach; j++) {
        if (!(S.pending >> j & 1)) continue;
        if (r->bad >> j & 1) return record(EV_PREDICATE_FAULT, -1, parent, k);
        if (r->hold >> j & 1) {
            S.pending &= ~(1u << j);
            record(EV_REACHABLE, j, parent, k);
        }
    }
    return 0;
}

/* Walk the level's new states in discovery order, merged with the events of their parents
   (deadlocks, faults: those parents have no successors). Returns the number of new states
   kept (compacted to the front of nxt/nfp); sets S.halted or S.status when the search ends. */
static uint64_t walk(void) {
    size_t n_pev = 0, e = 0;
    vk_event *pev = gather_parent_events(&n_pev);
    if (!pev) {
        S.status = ST_OUT_OF_MEMORY;
        return 0;
    }
    uint64_t kept = 0, i = 0;
    int64_t last = S.base + (int64_t)S.n_cur - 1, at = last; /* transitions count through `at` */
    for (;;) {
        int64_t parent = i < S.n_new ? (int64_t)(S.nkey[i] >> ORD_BITS) - 1 : INT64_MAX;
        if (e < n_pev && pev[e].parent < parent) {
            if (record(pev[e].kind, -1, pev[e].parent, -1)) {
                at = pev[e].parent;
                break;
            }
            e++;
        } else if (i < S.n_new) {
            if (visit(i, parent, (int64_t)(S.nkey[i] & ORD_MASK), &kept)) {
                at = parent;
                break;
            }
            i++;
        } else {
            break;
        }
        if (atomic_load_explicit(&S.stop, memory_order_relaxed)) break;
    }
    free(pev);
    if (!S.is_root)
        for (int64_t p = S.base; p <= at; p++) S.transitions += S.nsucc[p - S.base];
    return kept;
}

/* ------------------------------------------------------------------ phase E: insert */

static uint64_t insert_from;

/* Each worker inserts the new states of the shards it owns: no two threads touch one shard. */
static inline int owns(const worker *w, uint64_t fp) {
    return (int)((fp >> (64 - SHARD_BITS)) % (uint64_t)S.workers) == w->id;
}

static void phase_insert(worker *w) {
    for (uint64_t i = 0; i < S.n_new; i++) {
        uint64_t fp = S.nfp[i];
        if (i + 16 < S.n_new && owns(w, S.nfp[i + 16]))  /* its slot, on its way to the cache */
            __builtin_prefetch((const void *)tab_home(S.nfp[i + 16]), 1);
        if (!owns(w, fp)) continue;
        if (!shard_put(shard_of(fp), fp, insert_from + i)) {
            vk_set_stop(ST_OUT_OF_MEMORY);
            return;
        }
    }
}

/* ------------------------------------------------------------------ liveness graph: levels */

/* The stored index of fingerprint fp, -1 when no state has it (graph: two words per slot). */
static int64_t tab_index(uint64_t fp) {
    shard *sh = shard_of(fp);
    uint64_t cap = sh->cap, i = slot_home(fp, cap);
    for (;;) {
        uint64_t f = sh->slots[i * 2];
        if (f == 0) return -1;
        if (f == fp) return (int64_t)sh->slots[i * 2 + 1];
        i = i + 1 == cap ? 0 : i + 1;
    }
}

static void graph_chunks_free(void) {
    free(S.chunk_w);
    free(S.chunk_off);
    free(S.chunk_n);
    S.chunk_w = NULL;
    S.chunk_off = S.chunk_n = NULL;
}

/* Before expanding a level: a slot per chunk of parents for where its edges went. */
static int graph_level_begin(void) {
    graph_chunks_free();
    if (!S.graph || S.is_root) return 1;
    uint64_t chunks = (S.n_cur + CHUNK - 1) / CHUNK + 1;
    S.chunk_w = (int32_t *)calloc(chunks, sizeof(int32_t));
    S.chunk_off = (uint64_t *)calloc(chunks, sizeof(uint64_t));
    S.chunk_n = (uint64_t *)calloc(chunks, sizeof(uint64_t));
    return S.chunk_w && S.chunk_off && S.chunk_n;
}

static int grow_u64(uint64_t **p, uint64_t *cap, uint64_t need) {
    if (need <= *cap) return 1;
    uint64_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    uint64_t *grown = (uint64_t *)realloc(*p, c * sizeof(uint64_t));
    if (!grown) return 0;
    *p = grown;
    *cap = c;
    return 1;
}

static void phase_resolve(worker *w) {
    (void)w;
    for (;;) {
        uint64_t c = atomic_fetch_add(&S.next_chunk, 1), lo = c * CHUNK;
        if (lo >= S.n_cur) return;
        const worker *by = &S.w[S.chunk_w[c]];
        const uint64_t *fp = by->efp + S.chunk_off[c];
        const int32_t *bind = by->ebind + S.chunk_off[c];
        uint64_t at = S.g_eoff[S.base + (int64_t)lo], n = S.chunk_n[c];
        for (uint64_t e = 0; e < n; e++) {
            if (e + 8 < n) __builtin_prefetch((const void *)tab_home(fp[e + 8]));
            S.g_tgt[at + e] = (int32_t)tab_index(fp[e]);
            S.g_bind[at + e] = bind[e];
        }
    }
}

/* After a level's states are stored and indexed: its parents' edges, by target index. */
static void graph_level_end(void) {
    if (!S.graph || S.is_root || S.graph_failed) return;
    uint64_t first = (uint64_t)S.base, end = first + S.n_cur;
    if (first != S.g_expanded || S.count > INT32_MAX) return graph_fail(GF_LIMIT);
    if (!grow_u64(&S.g_eoff, &S.g_eoff_cap, end + 1)) return graph_fail(GF_MEMORY);
    if (first == 0) S.g_eoff[0] = 0;
    for (uint64_t j = 0; j < S.n_cur; j++) S.g_eoff[first + j + 1] = S.g_eoff[first + j] + S.nsucc[j];
    uint64_t edges = S.g_eoff[end];
    if (edges > INT32_MAX) return graph_fail(GF_LIMIT);
    if (edges > S.g_cap) {
        uint64_t cap = S.g_cap ? S.g_cap : 4096;
        while (cap < edges) cap *= 2;
        int32_t *tgt = (int32_t *)realloc(S.g_tgt, cap * sizeof(int32_t));
        if (tgt) S.g_tgt = tgt;
        int32_t *bind = tgt ? (int32_t *)realloc(S.g_bind, cap * sizeof(int32_t)) : NULL;
        if (bind) S.g_bind = bind;
        if (!tgt || !bind) return graph_fail(GF_MEMORY);
        S.g_cap = cap;
    }
    atomic_store(&S.next_chunk, 0);
    parallel(phase_resolve);
    S.g_expanded = end;
    S.g_edges = edges;
}

static void graph_free(void) {
    graph_chunks_free();
    if (S.w)
        for (int i = 0; i < S.workers; i++) {
            worker *w = &S.w[i];
            free(w->efp);
            free(w->ebind);
            free(w->kb[0].ids);
            free(w->kb[1].ids);
            free(w->bt.slots);
            free(w->bt.actions);
            free(w->bt.words);
        }
    free(S.live_bits);
    free(S.g_eoff);
    free(S.g_tgt);
    free(S.g_bind);
    free(S.set_start);
    free(S.set_labels);
}

/* The graph, when the search that built it is complete: sizes first. out: states, raw edges,
   edges inside the constraints, bindings, failure (GF_*), liveness properties, cut_by mask. */
void vk_api_graph_sizes(int64_t *out) {
    int complete = S.status == ST_COMPLETE && S.g_expanded == S.count;
    if (S.graph && !complete) graph_fail(GF_INCOMPLETE);
    uint64_t inside = 0, bindings = 0;
    for (uint64_t e = 0; S.graph && e < S.g_edges; e++) inside += S.g_tgt[e] >= 0;
    for (int i = 0; S.w && i < S.workers; i++) bindings += S.w[i].bt.n;
    out[0] = (int64_t)S.count;
    out[1] = (int64_t)S.g_edges;
    out[2] = (int64_t)inside;
    out[3] = (int64_t)bindings;
    out[4] = S.cfg.graph ? S.graph_failed : -1; /* -1: not asked for */
    out[5] = S.n_live;
    out[6] = (int64_t)S.cut_by;
}

/* Every interned binding: its id, action and key words (VK_KEY_WORDS each). */
void vk_api_graph_bindings(int32_t *ids, int32_t *actions, uint64_t *words) {
    uint64_t at = 0;
    for (int i = 0; i < S.workers; i++) {
        bindtab *t = &S.w[i].bt;
        for (uint64_t e = 0; e < t->n; e++, at++) {
            ids[at] = (int32_t)(VK_N_ACTIONS + (int64_t)e * S.workers + i);
            actions[at] = t->actions[e];
            memcpy(words + at * VK_KEY_WORDS, t->words + e * VK_KEY_WORDS,
                   VK_KEY_WORDS * sizeof(uint64_t));
        }
    }
}

int vk_api_graph_key_words(void) { return VK_KEY_WORDS; }

/* Per state: BFS parent (-1: initial) and the ordinal that reached it; liveness column j
   (trigger: its leads_to's P) as bytes. */
void vk_api_graph_tree(int32_t *parents, int32_t *ordinals) {
    for (uint64_t s = 0; s < S.count; s++) {
        parents[s] = (int32_t)((int64_t)(S.pk[s] >> ORD_BITS) - 1);
        ordinals[s] = (int32_t)(S.pk[s] & ORD_MASK);
    }
}

void vk_api_graph_column(int j, int trigger, uint8_t *out) {
    for (uint64_t s = 0; s < S.count; s++) out[s] = S.live_bits[s] >> (2 * j + trigger) & 1;
}

static int cmp_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* The id of the sorted label set `set` (n labels) among the enabled sets, added when new. */
typedef struct settab {
    uint64_t *slots, cap; /* 1 + set id */
    uint64_t start_cap, labels_cap;
} settab;

static uint64_t set_hash(const int32_t *set, uint64_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (uint64_t i = 0; i < n; i++) h = vk_mix(h ^ (uint64_t)(uint32_t)set[i]);
    return h;
}

static int64_t set_intern(settab *t, const int32_t *set, uint64_t n) {
    if ((S.n_sets + 1) * 2 > t->cap) {
        uint64_t cap = t->cap ? 2 * t->cap : 256;
        uint64_t *slots = (uint64_t *)calloc(cap, sizeof(uint64_t));
        if (!slots) return -1;
        for (uint64_t id = 0; id < S.n_sets; id++) {
            uint64_t a = (uint64_t)S.set_start[id], b = (uint64_t)S.set_start[id + 1];
            uint64_t i = set_hash(S.set_labels + a, b - a) & (cap - 1);
            while (slots[i]) i = (i + 1) & (cap - 1);
            slots[i] = id + 1;
        }
        free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    uint64_t i = set_hash(set, n) & (t->cap - 1);
    for (; t->slots[i]; i = (i + 1) & (t->cap - 1)) {
        uint64_t id = t->slots[i] - 1, a = (uint64_t)S.set_start[id];
        if ((uint64_t)S.set_start[id + 1] - a == n && !memcmp(S.set_labels + a, set, n * sizeof(int32_t)))
            return (int64_t)id;
    }
    uint64_t labels = S.n_set_labels + n, sets = S.n_sets + 2;
    if (sets > t->start_cap || labels > t->labels_cap) {
        uint64_t sc = 2 * sets + 64, lc = 2 * labels + 64;
        int32_t *start = (int32_t *)realloc(S.set_start, sc * sizeof(int32_t));
        if (start) S.set_start = start;
        int32_t *lab = start ? (int32_t *)realloc(S.set_labels, lc * sizeof(int32_t)) : NULL;
        if (lab) S.set_labels = lab;
        if (!start || !lab) return -1;
        t->start_cap = sc;
        t->labels_cap = lc;
    }
    if (S.n_sets == 0) S.set_start[0] = 0;
    memcpy(S.set_labels + S.n_set_labels, set, n * sizeof(int32_t));
    S.n_set_labels = labels;
    S.set_start[++S.n_sets] = (int32_t)labels;
    t->slots[i] = S.n_sets;
    return (int64_t)S.n_sets - 1;
}

/* The graph as engine/graph.py's StateGraph holds it, labels from `lut` (binding id -> label
   id, 0: none): per state its first edge (start, n+1 entries), enabled label set id, whether
   it has no successor (ends) or one outside the constraints (leaves); per edge inside the
   constraints its target, ordinal and label (0 on a self-loop: a stutter is no step of an
   action). The number of enabled sets, or -1 without memory. */
int64_t vk_api_graph_finish(const int32_t *lut, int64_t lut_n, int32_t *start, int32_t *targets,
                            int32_t *ordinals, int32_t *labels, int32_t *enabled, uint8_t *ends,
                            uint8_t *leaves) {
    settab t = {0};
    S.n_sets = S.n_set_labels = 0;
    int32_t *set = NULL;
    uint64_t set_cap = 0, out = 0;
    int64_t failed = 0;
    if (set_intern(&t, NULL, 0) != 0) failed = 1; /* set 0: nothing enabled */
    for (uint64_t s = 0; !failed && s < S.count; s++) {
        uint64_t a = S.g_eoff[s], b = S.g_eoff[s + 1], n = 0;
        start[s] = (int32_t)out;
        ends[s] = a == b;
        leaves[s] = 0;
        if (b - a > set_cap) {
            set_cap = 2 * (b - a);
            int32_t *grown = (int32_t *)realloc(set, set_cap * sizeof(int32_t));
            if (!grown) {
                failed = 1;
                break;
            }
            set = grown;
        }
        for (uint64_t e = a; e < b; e++) {
            int32_t target = S.g_tgt[e], bind = S.g_bind[e];
            int32_t label = target == (int32_t)s || bind < 0 || bind >= lut_n ? 0 : lut[bind];
            if (label) set[n++] = label;
            if (target < 0) {
                leaves[s] = 1;
                continue;
            }
            targets[out] = target;
            ordinals[out] = (int32_t)(e - a);
            labels[out++] = label;
        }
        qsort(set, n, sizeof(int32_t), cmp_i32);
        uint64_t m = 0;
        for (uint64_t i = 0; i < n; i++)
            if (!m || set[m - 1] != set[i]) set[m++] = set[i];
        int64_t id = set_intern(&t, set, m);
        if (id < 0) failed = 1;
        enabled[s] = (int32_t)id;
    }
    start[S.count] = (int32_t)out;
    free(set);
    free(t.slots);
    return failed ? -1 : (int64_t)S.n_sets;
}

/* The enabled label sets of vk_api_graph_finish: set i is labels[start[i] .. start[i+1]). */
void vk_api_graph_sets(int32_t *start, int32_t *labels) {
    memcpy(start, S.set_start, (S.n_sets + 1) * sizeof(int32_t));
    memcpy(labels, S.set_labels, S.n_set_labels * sizeof(int32_t));
}

int64_t vk_api_graph_set_labels(void) { return (int64_t)S.n_set_labels; }

/* ------------------------------------------------------------------ one level */

static void level_free(void) {
    free(S.nkey);
    free(S.nfp);
    free(S.recs);
    free(S.nlive);
    S.nkey = S.nfp = S.nlive = NULL;
    S.recs = NULL;
}

/* Expand S.cur; leaves the next level in S.cur. 0 when the search ends. */
static int level(void) {
    /* room for the new states at load <= 3/4, guessed from the previous level's growth */
    double growth = S.growth < 1.0 ? 1.0 : S.growth > 16.0 ? 16.0 : S.growth;
    double guess = (double)S.n_cur * growth * 1.15 + 64.0;
    uint64_t cap = (uint64_t)(guess / 0.75) + 128 * (uint64_t)S.workers;
    S.serial = S.workers == 1 || S.n_cur < 512;
    if (S.cfg.memory_limit > 0 && vk_resident() + (int64_t)(cap * sizeof(lvl_entry)) >
                                      S.cfg.memory_limit)
        return S.status = ST_OUT_OF_MEMORY, 0; /* this level's table would not fit */
    S.nsucc = (uint32_t *)calloc(S.n_cur ? S.n_cur : 1, sizeof(uint32_t));
    if (!S.nsucc || !graph_level_begin()) return S.status = ST_OUT_OF_MEMORY, 0;
    if (!lvl_alloc(cap)) return S.status = ST_OUT_OF_MEMORY, 0;
    atomic_store(&S.next_chunk, 0);
    S.n_redo = 0;
    atomic_store(&S.redo_next, 0);
    atomic_store(&S.n_abandoned, 0);
    for (int i = 0; i < S.workers; i++) {
        S.w[i].n_events = 0;
        S.w[i].lvl_n = 0;
        S.w[i].en = 0;
        memset(S.w[i].hits, 0, sizeof S.w[i].hits);
    }
    for (;;) {
        vk_clock t0 = clock_now();
        parallel(phase_expand);
        phase_add(0, t0);
        if (!atomic_load(&S.lvl_full) || atomic_load(&S.stop)) break;
        /* the estimate was short: a table twice the size, the same entries, and the chunks
           cut short expanded again (their successors already in it are merely met again) */
        if (!lvl_grow()) return S.status = ST_OUT_OF_MEMORY, 0;
        /* next round's redo list: the chunks cut short, and the chunks of this round's redo
           list that no worker reached before the table filled again (forgetting those lost
           their states: a level that grew twice in a row, 1 run in 100 with 2 workers).
           At most one chunk per worker: a worker takes a fresh chunk only once every redo
           chunk has been taken. */
        uint64_t taken = atomic_load(&S.redo_next), n = atomic_load(&S.n_abandoned);
        uint64_t next[MAX_WORKERS];
        memcpy(next, S.abandoned, n * sizeof(uint64_t));
        for (uint64_t r = taken; r < S.n_redo && n < MAX_WORKERS; r++) next[n++] = S.redo[r];
        memcpy(S.redo, next, n * sizeof(uint64_t));
        S.n_redo = n;
        atomic_store(&S.redo_next, 0);
        atomic_store(&S.n_abandoned, 0);
        S.redone++;
    }
    for (int i = 0; i < S.workers; i++)
        for (int a = 0; a < VK_N_ACTIONS; a++) S.hits[a] += S.w[i].hits[a], S.w[i].hits[a] = 0;
    if (atomic_load(&S.stop)) {
        S.status = atomic_load(&S.stop);
        return 0;
    }
    free(S.cur); /* expanded: from here on only the new level's states are needed */
    S.cur = NULL;
    if (S.n_cur && !S.is_root) S.growth = (double)lvl_count() / (double)S.n_cur;
    vk_clock t1 = clock_now();
    for (int i = 0; i < S.workers; i++) memset(S.w[i].shard_in, 0, sizeof S.w[i].shard_in);
    int ok = order_level();
    phase_add(1, t1);
    S.fused = tab_stride() == 1;
    if (ok && S.fused) {
        vk_clock t = clock_now();
        parallel(phase_reserve);
        for (int i = 0; i < S.workers; i++) memset(S.w[i].shard_in, 0, sizeof S.w[i].shard_in);
        phase_add(4, t);
    }
    lvl_free();
    for (int i = 0; i < S.workers; i++) blocks_free(&S.w[i]);
    S.recs = ok ? (rec *)malloc((S.n_new ? S.n_new : 1) * sizeof(rec)) : NULL;
    if (S.graph) S.nlive = (uint64_t *)calloc(S.n_new ? S.n_new : 1, sizeof(uint64_t));
    if (!S.recs || (S.graph && !S.nlive)) return S.status = ST_OUT_OF_MEMORY, 0;
    atomic_store(&S.next_chunk, 0);
    vk_clock t2 = clock_now();
    parallel(phase_evaluate);
    phase_add(2, t2);
    for (int h = 0; S.fused && h < SHARDS; h++)
        for (int i = 0; i < S.workers; i++) S.shards[h].count += S.w[i].shard_in[h];
    if (atomic_load(&S.stop)) return S.status = atomic_load(&S.stop), 0;
    vk_clock t3 = clock_now();
    uint64_t before = S.count, kept = walk();
    phase_add(3, t3);
    if (!S.status && atomic_load(&S.stop)) S.status = atomic_load(&S.stop);
    if (S.status == ST_OUT_OF_MEMORY) return 0;
    S.n_new = kept;
    insert_from = before;
    vk_clock t4 = clock_now();
    if (!S.fused) parallel(phase_insert);
    phase_add(4, t4);
    if (!S.status && atomic_load(&S.stop)) S.status = atomic_load(&S.stop);
    if (!S.halted && !S.status) graph_level_end();
    free(S.nsucc);
    S.nsucc = NULL;
    free(S.cur);
    S.cur = S.nxt;
    S.nxt = NULL;
    S.n_cur = kept;
    S.base = (int64_t)before;
    level_free();
    return !(S.halted || S.status);
}

/* ------------------------------------------------------------------ exports */

/* Whether this search builds the liveness graph, and if it cannot, why (GF_*). */
static void graph_setup(void) {
    S.graph = S.cfg.graph != 0;
    if (!S.graph) return;
#ifdef VK_SYMMETRY
    graph_fail(GF_SYMMETRY); /* the graph must not merge the states of one orbit */
#endif
    if (!VK_KEYS_OK) graph_fail(GF_KEYS);
    if (S.cfg.full_states) graph_fail(GF_FULL_STATES);
    if (S.graph_failed) S.graph = 0;
}

static void classify(void) {
    S.n_inv = S.n_reach = S.n_cons = S.n_term = S.n_live = 0;
    for (int p = 0; p < VK_N_PROPS; p++) {
        const char *kind = VK_PROP_KINDS[p];
        if (!strcmp(kind, "invariant") || !strcmp(kind, "lemma")) {
            if (S.n_inv == MAX_MASKED) S.status = ST_UNSUPPORTED;
            else S.inv[S.n_inv++] = p;
        } else if (!strcmp(kind, "reachable")) {
            if (S.n_reach == MAX_MASKED) S.status = ST_UNSUPPORTED;
            else S.reach[S.n_reach++] = p;
        } else if (!strcmp(kind, "constraint")) {
            S.cons[S.n_cons++] = p;
        } else if (!strcmp(kind, "terminal")) {
            S.term[S.n_term++] = p;
        } else if (!strcmp(kind, "eventually") || !strcmp(kind, "always_eventually") ||
                   !strcmp(kind, "eventually_always") || !strcmp(kind, "leads_to")) {
            if (S.n_live == MAX_MASKED) graph_fail(GF_LIMIT);
            else S.live_leads[S.n_live] = !strcmp(kind, "leads_to"), S.live[S.n_live++] = p;
        }
    }
    S.growth = 4.0;
    S.pending = S.n_reach == 32 ? 0xffffffffu : (1u << S.n_reach) - 1;
}

static void search_free(void) {
    if (S.w)
        for (int i = 0; i < S.workers; i++) {
            out_free(&S.w[i].out);
            out_free(&S.w[i].out2);
            free(S.w[i].fps[0]);
            free(S.w[i].fps[1]);
            blocks_free(&S.w[i]);
            free(S.w[i].events);
        }
    graph_free();
    free(S.w);
    for (int i = 0; i < SHARDS; i++) table_free(S.shards[i].slots, shard_bytes(S.shards[i].cap));
    free(S.all);
    free(S.pk);
    free(S.cur);
    free(S.nxt);
    free(S.nsucc);
    lvl_free();
    free(S.events);
    level_free();
    memset(&S, 0, sizeof S);
}

/* Release everything a search kept (its events and paths stay readable until then). */
void vk_api_release(void) { search_free(); }

/* Run one whole search; figures into *out. The events and paths stay readable until the next
   vk_api_search or vk_api_release. Never two at once (the state is global). */
int vk_api_search(const vk_config *cfg, vk_stats *out) {
    search_free();
#ifdef __GLIBC__
    /* big buffers come and go every level: give them back to the system when freed (glibc
       would otherwise raise its mmap threshold and keep freed levels in the heap) */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    S.cfg = *cfg;
    graph_setup();
    if (S.cfg.max_events <= 0) S.cfg.max_events = 10000;
    if (S.cfg.progress_interval <= 0) S.cfg.progress_interval = 1.0;
    S.workers = cfg->workers < 1 ? 1 : cfg->workers > MAX_WORKERS ? MAX_WORKERS : cfg->workers;
    S.start = vk_now();
    S.next_progress = S.start + S.cfg.progress_interval;
    classify();
    void *workers = NULL;
    if (posix_memalign(&workers, 128, (size_t)S.workers * sizeof(worker)) == 0)
        memset(workers, 0, (size_t)S.workers * sizeof(worker));
    S.w = (worker *)workers;
    int ok = S.w != NULL;
    for (int i = 0; ok && i < SHARDS; i++) ok = shard_init(&S.shards[i]);
    for (int i = 0; ok && i < S.workers; i++) {
        S.w[i].id = i;
        ok = out_init(&S.w[i].out) && out_init(&S.w[i].out2);
        if (S.graph) { /* successors of keyed actions report their keys (graph_key) */
            S.w[i].kb[0].w = S.w[i].kb[1].w = &S.w[i];
            S.w[i].out.key = S.w[i].out2.key = graph_key;
            S.w[i].out.key_ctx = &S.w[i].kb[0];
            S.w[i].out2.key_ctx = &S.w[i].kb[1];
        }
    }
    if (!ok) S.status = ST_OUT_OF_MEMORY;
    /* the initial states are the successors of a virtual root */
    S.cur = (uint64_t *)calloc(VK_W, sizeof(uint64_t));
    S.n_cur = 1;
    S.base = -1;
    S.is_root = 1;
    int more = !S.status && S.cur && level();
    if (!S.cur) S.status = ST_OUT_OF_MEMORY;
    S.is_root = 0;
    uint64_t stored_before = 0;
    while (more && S.n_cur > 0) {
        S.depth++;
        if ((int64_t)S.n_cur > S.peak) S.peak = (int64_t)S.n_cur;
        S.probing = S.cfg.max_depth > 0 && S.depth == S.cfg.max_depth;
        stored_before = S.count;
        more = level();
    }
    if (S.count > stored_before && (S.halted || S.status)) S.depth++;
    int cut = atomic_load(&S.cut);
    if (!S.halted && !S.status && cut) S.status = ST_MAX_DEPTH;
    if (S.halted && !S.status) S.status = ST_HALTED;
    out->distinct = (int64_t)S.count;
    out->transitions = S.transitions;
    out->depth = S.depth;
    out->peak_queue = S.peak;
    out->n_events = (int64_t)S.n_events;
    out->seconds = vk_now() - S.start;
    out->status = S.status;
    out->cut = cut;
    out->table_slots = (int64_t)tab_slots();
    for (int i = 0; i < 5; i++) out->phase_seconds[i] = S.phase_seconds[i];
    for (int i = 0; i < 5; i++) out->phase_cpu[i] = S.phase_cpu[i];
    out->graph_edges = (int64_t)S.g_edges;
    out->redone_levels = S.redone;
    return S.status;
}

/* Ask a running search to stop (status interrupted); safe from any thread, e.g. on Ctrl-C. */
void vk_api_request_stop(void) { vk_set_stop(ST_INTERRUPTED); }

int vk_api_events(vk_event *buf, int64_t cap) {
    int64_t n = (int64_t)S.n_events < cap ? (int64_t)S.n_events : cap;
    memcpy(buf, S.events, (size_t)n * sizeof(vk_event));
    return (int)n;
}

void vk_api_action_hits(int64_t *buf) {
    for (int a = 0; a < VK_N_ACTIONS; a++) buf[a] = S.hits[a];
}

/* Init ordinal, then successor ordinals, to the stored state `index`; its length, or -1 when
   `cap` is too small (or the index unknown). */
int64_t vk_api_path(int64_t index, int64_t *buf, int64_t cap) {
    int64_t n = 0;
    for (int64_t i = index; i >= 0; i = (int64_t)(S.pk[i] >> ORD_BITS) - 1) {
        if (i >= (int64_t)S.count || n == cap) return -1;
        buf[n++] = (int64_t)(S.pk[i] & ORD_MASK);
    }
    for (int64_t a = 0, b = n - 1; a < b; a++, b--) {
        int64_t t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
    }
    return n;
}

int vk_api_state_words(void) { return VK_W; }
int vk_api_n_actions(void) { return VK_N_ACTIONS; }
int vk_api_n_props(void) { return VK_N_PROPS; }
const char *vk_api_action_name(int i) { return i >= 0 && i < VK_N_ACTIONS ? VK_ACTION_NAMES[i] : ""; }
const char *vk_api_prop_kind(int i) { return i >= 0 && i < VK_N_PROPS ? VK_PROP_KINDS[i] : ""; }

static int copy_out(vk_out *o, int rc, uint64_t *buf, int32_t *actions, int cap, int *n) {
    if (rc == VK_OK && o->fault != VK_OK) rc = o->fault;
    if (o->nomem) rc = VK_NOMEM;
    if (rc == VK_OK && (int64_t)o->n > cap) {
        *n = (int)o->n;
        out_free(o);
        return -1;
    }
    *n = rc == VK_OK ? (int)o->n : 0;
    if (rc == VK_OK) {
        memcpy(buf, o->states, o->n * VK_W * sizeof(uint64_t));
        memcpy(actions, o->actions, o->n * sizeof(int32_t));
    }
    out_free(o);
    return rc;
}

int vk_api_init(uint64_t *buf, int32_t *actions, int cap, int *n) {
    vk_out o;
    if (!out_init(&o)) return VK_NOMEM;
    return copy_out(&o, vk_init_states(&o), buf, actions, cap, n);
}

int vk_api_successors(const uint64_t *s, uint64_t *buf, int32_t *actions, int cap, int *n) {
    vk_out o;
    if (!out_init(&o)) return VK_NOMEM;
    return copy_out(&o, vk_successors(s, &o), buf, actions, cap, n);
}

int vk_api_prop(int i, const uint64_t *s, int *holds) { return vk_prop(i, s, holds); }
int vk_api_trigger(int i, const uint64_t *s, int *holds) { return vk_trigger(i, s, holds); }
