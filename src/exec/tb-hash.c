/*
 * Finding the block for (pc, flags, cflags): the per-vCPU jump cache and
 * the global hash table.
 *
 * Both are read without ctx->lock, because lookup_and_goto calls
 * tb_lookup_for_jump from generated code on every indirect jump and the
 * cpu loop looks up a block for every exit it does not chain.  That is
 * safe because:
 *   - a TranslationBlock is filled completely before it is published
 *     (release store of the bucket head or jump-cache slot), and readers
 *     load those pointers with acquire;
 *   - a removed block keeps its hash_next, so a reader standing on it
 *     still reaches the rest of the chain;
 *   - blocks are never reused before a flush, and a flush happens only
 *     while no vCPU is inside generated code or a lookup.
 * A reader may still find a block that is being invalidated; the
 * `invalid` check after the key compare makes that a miss, and a block
 * found just before its invalidation is the same race as a store from
 * another thread landing one instruction later.
 *
 * The key is pc, flags and cflags.  The physical page of pc is part of
 * the key in principle; in user mode it is pc's page itself, so the pc
 * compare covers it.
 */
#include "exec/exec-internal.h"
#include "util/hash.h"

uint32_t tb_hash_func(uint64_t pc, uint32_t flags, uint32_t cflags)
{
    /* xxh64 avalanches every key bit into the low bits used as index. */
    return (uint32_t)hash_u64x2(pc, ((uint64_t)flags << 32) | cflags);
}

static bool tb_matches(const TranslationBlock *tb, uint64_t pc, uint32_t flags,
                       uint32_t cflags)
{
    return tb->pc == pc && tb->flags == flags && tb->cflags == cflags &&
           !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE);
}

TranslationBlock *tb_hash_lookup(ExecContext *ctx, uint64_t pc, uint32_t flags,
                                 uint32_t cflags)
{
    uint32_t h = tb_hash_func(pc, flags, cflags);
    TranslationBlock *tb =
        __atomic_load_n(&ctx->buckets[h & (ctx->nb_buckets - 1)], __ATOMIC_ACQUIRE);
    for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE)) {
        if (tb->hash == h && tb_matches(tb, pc, flags, cflags))
            return tb;
    }
    return NULL;
}

void tb_hash_insert_locked(ExecContext *ctx, TranslationBlock *tb)
{
    tb->hash = tb_hash_func(tb->pc, tb->flags, tb->cflags);
    TranslationBlock **head = &ctx->buckets[tb->hash & (ctx->nb_buckets - 1)];
    tb->hash_next = *head;
    __atomic_store_n(head, tb, __ATOMIC_RELEASE);
}

void tb_hash_remove_locked(ExecContext *ctx, TranslationBlock *tb)
{
    TranslationBlock **link = &ctx->buckets[tb->hash & (ctx->nb_buckets - 1)];
    while (*link) {
        if (*link == tb) {
            /* tb->hash_next stays: a concurrent reader on tb goes on. */
            __atomic_store_n(link, tb->hash_next, __ATOMIC_RELEASE);
            return;
        }
        link = &(*link)->hash_next;
    }
}

void tb_jc_remove_locked(ExecContext *ctx, TranslationBlock *tb)
{
    unsigned idx = tb_jc_index(tb->pc);
    for (int i = 0; i < ctx->nb_cpus; i++) {
        TranslationBlock **slot = &ctx->cpus[i]->exec->jc[idx];
        if (__atomic_load_n(slot, __ATOMIC_RELAXED) == tb)
            __atomic_store_n(slot, NULL, __ATOMIC_RELEASE);
    }
}

void tb_jc_clear_all_locked(ExecContext *ctx)
{
    for (int i = 0; i < ctx->nb_cpus; i++) {
        TranslationBlock **jc = ctx->cpus[i]->exec->jc;
        for (unsigned j = 0; j < TB_JC_SIZE; j++)
            __atomic_store_n(&jc[j], NULL, __ATOMIC_RELAXED);
    }
}

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint32_t flags, uint32_t cflags)
{
    CPUExec *ex = cpu->exec;
    unsigned idx = tb_jc_index(pc);
    TranslationBlock *tb = __atomic_load_n(&ex->jc[idx], __ATOMIC_ACQUIRE);
    if (tb && tb_matches(tb, pc, flags, cflags))
        return tb;
    tb = tb_hash_lookup(ex->ctx, pc, flags, cflags);
    if (tb)
        __atomic_store_n(&ex->jc[idx], tb, __ATOMIC_RELEASE);
    return tb;
}

TranslationBlock *tb_lookup_for_jump(CPUState *cpu)
{
    uint64_t pc;
    uint32_t flags;
    cpu->target->get_tb_state(cpu, &pc, &flags);
    return tb_lookup(cpu, pc, flags, exec_base_cflags(cpu->exec->ctx));
}
