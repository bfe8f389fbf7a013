/*
 * verikit native runtime: what generated model code may use (see docs/native.md).
 *
 * One translation unit is compiled per spec:
 *     #include "vk_runtime.h"     this file: successor buffers and result codes
 *     <generated model code>      VK_STATE_WORDS, vk_init_states, vk_successors, vk_prop, ...
 *     #include "search.c"         the breadth-first search and the vk_api_* exports
 * Generated code is reentrant: several threads call it at once, each with its own vk_out.
 */
#ifndef VK_RUNTIME_H
#define VK_RUNTIME_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VK_OK 0
#define VK_FAULT 1           /* a runtime fault of the spec (Python raises SpecFault there) */
#define VK_UNREPRESENTABLE 2 /* a value the packed layout cannot hold; the driver falls back */
#define VK_NOMEM 3           /* the runtime could not grow a buffer */

/* A growable buffer of successors (or initial states), one per thread. */
typedef struct vk_out {
    uint64_t *states;  /* n * VK_STATE_WORDS words */
    int32_t *actions;  /* action index of each state (index into Model.actions; -1 for init) */
    size_t n, cap;
    int fault;         /* VK_OK, VK_FAULT or VK_UNREPRESENTABLE, set by generated code */
    int fault_site;    /* generated-code site id, for debugging only */
    int words;         /* words per state (set by the runtime) */
    int nomem;         /* set when growing failed; vk_push then returns a scratch slot */
    uint64_t *scratch; /* where pushes go once memory ran out, so generated code never crashes */
    /* Set by a search that builds the liveness graph (else NULL): generated code calls it right
       after pushing a successor of an action whose fairness is keyed by a parameter, with the
       parameter values packed into VK_KEY_WORDS words (native/ckeys.py). */
    void (*key)(struct vk_out *o, const uint64_t *key);
    void *key_ctx;
} vk_out;

/* Append a zeroed state slot labelled with `action` and return it. */
static inline uint64_t *vk_push(vk_out *o, int32_t action) {
    size_t w = (size_t)o->words;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        uint64_t *states = (uint64_t *)realloc(o->states, cap * w * sizeof(uint64_t));
        if (states) o->states = states;
        int32_t *actions = states ? (int32_t *)realloc(o->actions, cap * sizeof(int32_t)) : 0;
        if (actions) o->actions = actions;
        if (!states || !actions) {
            o->nomem = 1;
            memset(o->scratch, 0, w * sizeof(uint64_t));
            return o->scratch;
        }
        o->cap = cap;
    }
    uint64_t *slot = o->states + o->n * w;
    memset(slot, 0, w * sizeof(uint64_t));
    o->actions[o->n++] = action;
    return slot;
}

#endif
