/*
 * A translation block: the translated form of a run of guest code that
 * starts at one pc under one set of cpu-state flags.
 */
#ifndef MIMIC_EXEC_TB_H
#define MIMIC_EXEC_TB_H

#include <stdbool.h>
#include <stdint.h>

/* Compile flags: part of the lookup key. */
enum {
    CF_COUNT_MASK = 0x3ff,     /* max guest instructions; 0 = default */
    CF_NO_CHAIN   = 1 << 10,   /* exits never chain (single-stepping) */
    CF_INTERP     = 1 << 11,   /* compiled for the IR interpreter */
    /* Run once and not kept: never in the hash table or a page list (so
     * translating it never calls page_code_added), only in the pool for
     * state recovery until the next flush.  User mode runs a store that
     * modified its own block this way (CPUExec.cflags_next_tb). */
    CF_NOCACHE    = 1 << 12,
    /* The target translates with every check it can make, however
     * rarely it fails (i386: segment limits on each access even through
     * flat segments).  User mode reruns an instruction this way when its
     * access may have wrapped past the end of the address space, which
     * the host MMU cannot tell from a page fault. */
    CF_STRICT     = 1 << 13,
    /* A debugger's single step: one instruction (one iteration of a
     * repeated string instruction), then EXCP_DEBUG with the pc after
     * it; a fault in it is reported instead. */
    CF_DEBUG_STEP = 1 << 14,
    /* Debugger watchpoints are set: every data access is checked against
     * them (exec_watch_access) and an instruction that hit one stops
     * after it with EXCP_DEBUG (blocks hold one instruction, one
     * iteration of a repeated string instruction). */
    CF_WATCH      = 1 << 15,
};
#define TB_MAX_INSNS 512

/* Exit values returned to the cpu loop by a backend's run function: a
 * pointer to the last block run, with the low bits saying why it left. */
enum {
    TB_EXIT_SLOT0 = 0,          /* goto_tb slot 0, not chained yet */
    TB_EXIT_SLOT1 = 1,          /* goto_tb slot 1, not chained yet */
    TB_EXIT_REQUESTED = 2,      /* budget check on entry failed: block not run */
    TB_EXIT_MASK = 3,
};
/* A plain exit_tb or a failed lookup_and_goto returns 0. */

typedef struct TranslationBlock {
    uint64_t pc;               /* guest virtual pc of the first instruction */
    uint64_t page_addr[2];     /* physical pages holding its code; [1] = ~0 if one */
    uint32_t flags;            /* target cpu-state flags it was translated under */
    uint32_t cflags;
    uint32_t size;             /* guest code bytes */
    uint16_t icount;           /* guest instructions */
    bool invalid;              /* removed from lookup; never entered again */

    void *host_code;           /* entry point: executable view, or interpreter program */
    uint32_t host_size;

    /* Precise state recovery: per instruction, the end of its code
     * (host offset, or op index for the interpreter) and its insn_start
     * words, delta-encoded (see exec/tb-pcmap.c). */
    const uint8_t *pcmap;
    uint32_t pcmap_len;

    /* Chaining.  jmp_patch_off[n]: offset in host code of the rel32 of
     * slot n's jump (or ~0 when the block has no such exit);
     * jmp_reset_off[n]: where that jump goes when unchained. */
    uint32_t jmp_patch_off[2];
    uint32_t jmp_reset_off[2];
    struct TranslationBlock *jmp_dest[2];   /* chained successor, or NULL */
    /* Incoming jumps: a list of (tb | n) threaded through jmp_next[n]. */
    uintptr_t jmp_first;
    uintptr_t jmp_next[2];

    /* Per-page lists: (tb | n) threaded through page_next[n]. */
    uintptr_t page_next[2];

    uint32_t hash;
    struct TranslationBlock *hash_next;
} TranslationBlock;

#endif
