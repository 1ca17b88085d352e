/*
 * Declarations shared by the files of src/exec/ and nobody else.
 *
 * Locking summary (docs/exec.md has the reasons):
 *   - ctx->lock protects translation, the hash table's writers, the page
 *     lists, chaining and flush.  Functions named *_locked expect it held.
 *   - The hash table and the jump caches are read without it: writers
 *     publish with release stores, readers use acquire loads, and a
 *     TranslationBlock is never reused before a flush.
 */
#ifndef MIMIC_EXEC_EXEC_INTERNAL_H
#define MIMIC_EXEC_EXEC_INTERNAL_H

#include <stdint.h>

#include "exec/exec.h"

/* The IR buffer for one block; translator_loop ends a block well before
 * it is full. */
#define EXEC_IR_MAX_OPS   16384
#define EXEC_IR_MAX_TEMPS 8192

/* Guest physical page -> first block with code on it, as (tb | n) where n
 * says which of the block's pages this is.  first == 0: no code now. */
struct PageEntry {
    uint64_t addr;
    uintptr_t first;
};

static inline TranslationBlock *tb_link_tb(uintptr_t link)
{
    return (TranslationBlock *)(link & ~(uintptr_t)1);
}
static inline int tb_link_n(uintptr_t link)
{
    return (int)(link & 1);
}

static inline uint64_t exec_page_mask(const ExecContext *ctx)
{
    return ~(((uint64_t)1 << ctx->target->page_bits) - 1);
}

/* The cflags every lookup of this context uses unless the loop asks for a
 * count-limited block. */
uint32_t exec_base_cflags(const ExecContext *ctx);

/* tb-hash.c */
static inline unsigned tb_jc_index(uint64_t pc)
{
    /* pc ^ pc >> 2 keeps consecutive aligned and unaligned pcs apart;
     * the second shift folds in the bits above the table size. */
    return (unsigned)((pc ^ (pc >> 2) ^ (pc >> (TB_JC_BITS + 2))) & (TB_JC_SIZE - 1));
}
TranslationBlock *tb_hash_lookup(ExecContext *ctx, uint64_t pc, uint32_t flags,
                                 uint32_t cflags);
void tb_hash_insert_locked(ExecContext *ctx, TranslationBlock *tb);
void tb_hash_remove_locked(ExecContext *ctx, TranslationBlock *tb);
void tb_jc_remove_locked(ExecContext *ctx, TranslationBlock *tb);
void tb_jc_clear_all_locked(ExecContext *ctx);
uint32_t tb_hash_func(uint64_t pc, uint32_t flags, uint32_t cflags);

/* tb-pages.c */
/* Adds tb to the list of its page n; calls cfg.page_code_added when the
 * page had no code.  Returns false when out of memory. */
bool tb_page_add_locked(ExecContext *ctx, TranslationBlock *tb, int n);
void tb_page_remove_locked(ExecContext *ctx, TranslationBlock *tb, int n);
struct PageEntry *tb_page_find_locked(ExecContext *ctx, uint64_t page_addr);
/* Index in ctx->pages of the first entry at or above page_addr. */
uint32_t tb_page_index_locked(const ExecContext *ctx, uint64_t page_addr);
void tb_pages_reset_locked(ExecContext *ctx);

/* tb-maint.c */
void tb_invalidate_locked(ExecContext *ctx, TranslationBlock *tb);
void tb_flush_locked(ExecContext *ctx);
/* Chains slot n of tb to next when the rules allow it (takes the lock). */
void tb_try_chain(ExecContext *ctx, TranslationBlock *tb, int n, TranslationBlock *next);

/* cpu-exclusive.c */
/* cpu_exec's entry and exit: counting the vCPUs a flush must wait for. */
void exec_cpu_enter(CPUState *cpu);
void exec_cpu_leave(CPUState *cpu);
/* At the top of the cpu loop: parks while a flush is pending. */
void exec_safe_point(CPUState *cpu);
/* Flushes once no other vCPU runs (self: the caller, or NULL) and returns
 * true; if another flush is pending, waits for it instead and returns
 * false (the lock was released meanwhile).  Lock held. */
bool tb_flush_exclusive_locked(ExecContext *ctx, CPUState *self);

/* tb-pcmap.c */
/* Encodes tb's state-recovery table from f's insn_start ops and the
 * backend's insn_end[]; false when the metadata arena is full. */
bool tb_pcmap_encode(CodeBuf *cb, TranslationBlock *tb, const IRFunc *f,
                     const uint32_t *insn_end);
/* Index of the instruction whose code contains position pos, with its
 * insn_start words; -1 if pos is past the block's last instruction. */
int tb_pcmap_find(const TranslationBlock *tb, uint64_t pos,
                  uint64_t data[IR_INSN_START_WORDS]);

#endif
