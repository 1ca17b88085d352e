/*
 * Keeping the translation cache consistent with guest code: chaining
 * blocks together, invalidating blocks whose code was written, flushing
 * everything.
 *
 * What must hold:
 *   - once tb_invalidate_locked(tb) returns, no vCPU can enter tb again:
 *     it is out of the hash table and every jump cache, and no chained
 *     jump leads into it (each incoming jump is patched back to its
 *     block's exit, and jmp_dest cleared, for the interpreter);
 *   - a vCPU that is inside tb at that moment finishes the current
 *     instruction's path through it and leaves at its next exit, since
 *     tb's own outgoing jumps are unchained too;
 *   - a flush happens only while no vCPU is inside generated code
 *     (cpu-exclusive.c), because it reuses the code buffer and the pool.
 *
 * Chain lists: a block's incoming jumps are a singly linked list of
 * (src | n) headed by dest->jmp_first and threaded through
 * src->jmp_next[n]; a block has at most two outgoing jumps
 * (jmp_dest[0..1]).  All of it is changed with ctx->lock held.
 * jmp_dest is also read without the lock by the interpreter, hence the
 * atomic stores.
 */
#include "exec/exec-internal.h"

/* Removes (src | n) from dest's incoming list. */
static void jmp_list_remove(TranslationBlock *dest, TranslationBlock *src, int n)
{
    uintptr_t want = (uintptr_t)src | (uintptr_t)n;
    uintptr_t *link = &dest->jmp_first;
    while (*link) {
        if (*link == want) {
            *link = src->jmp_next[n];
            src->jmp_next[n] = 0;
            return;
        }
        link = &tb_link_tb(*link)->jmp_next[tb_link_n(*link)];
    }
}

static void unchain_slot(ExecContext *ctx, TranslationBlock *src, int n)
{
    if (ctx->backend->set_jump)
        ctx->backend->set_jump(&ctx->cb, src, n, NULL);
    __atomic_store_n(&src->jmp_dest[n], NULL, __ATOMIC_RELEASE);
}

void tb_invalidate_locked(ExecContext *ctx, TranslationBlock *tb)
{
    if (tb->invalid)
        return;
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    tb_hash_remove_locked(ctx, tb);
    tb_jc_remove_locked(ctx, tb);

    /* Jumps into tb go back to their exits. */
    uintptr_t link = tb->jmp_first;
    while (link) {
        TranslationBlock *src = tb_link_tb(link);
        int n = tb_link_n(link);
        link = src->jmp_next[n];
        src->jmp_next[n] = 0;
        unchain_slot(ctx, src, n);
    }
    tb->jmp_first = 0;

    /* And jumps out of it: a vCPU still inside tb leaves at its exit. */
    for (int n = 0; n < 2; n++) {
        TranslationBlock *dest = tb->jmp_dest[n];
        if (dest) {
            jmp_list_remove(dest, tb, n);
            unchain_slot(ctx, tb, n);
        }
    }

    tb_page_remove_locked(ctx, tb, 0);
    if (tb->page_addr[1] != ~(uint64_t)0)
        tb_page_remove_locked(ctx, tb, 1);
    ctx->stats.invalidated++;
}

/* The physical byte range [*start, *end) of tb's code on its page n. */
static void tb_page_range(const ExecContext *ctx, const TranslationBlock *tb, int n,
                          uint64_t *start, uint64_t *end)
{
    uint64_t page_size = ~exec_page_mask(ctx) + 1;
    uint64_t offset = tb->pc & ~exec_page_mask(ctx);
    uint64_t on_first = page_size - offset;
    if (on_first > tb->size)
        on_first = tb->size;
    if (n == 0) {
        *start = tb->page_addr[0] + offset;
        *end = *start + on_first;
    } else {
        *start = tb->page_addr[1];
        *end = *start + (tb->size - on_first);
    }
}

void tb_invalidate_phys_range(ExecContext *ctx, uint64_t start, uint64_t end)
{
    if (start >= end)
        return;
    pthread_mutex_lock(&ctx->lock);
    /* Walk the page table, not every page of the range: a range may span
     * gigabytes (munmap) while only a few pages hold code.  Invalidation
     * changes the lists, never the table. */
    for (uint32_t i = tb_page_index_locked(ctx, start & exec_page_mask(ctx));
         i < ctx->nb_pages && ctx->pages[i].addr < end; i++) {
        uintptr_t link = ctx->pages[i].first;
        while (link) {
            TranslationBlock *tb = tb_link_tb(link);
            int n = tb_link_n(link);
            /* Read the successor first: invalidation unlinks tb. */
            link = tb->page_next[n];
            uint64_t s, e;
            tb_page_range(ctx, tb, n, &s, &e);
            if (s < end && start < e)
                tb_invalidate_locked(ctx, tb);
        }
    }
    pthread_mutex_unlock(&ctx->lock);
}

void tb_flush_locked(ExecContext *ctx)
{
    tb_jc_clear_all_locked(ctx);
    for (uint32_t i = 0; i < ctx->nb_buckets; i++)
        ctx->buckets[i] = NULL;
    tb_pages_reset_locked(ctx);
    ctx->nb_tbs = 0;
    codebuf_reset(&ctx->cb);
    /* Read without the lock by cpu loops to drop stale block pointers. */
    __atomic_add_fetch(&ctx->stats.flushes, 1, __ATOMIC_RELEASE);
}

void tb_flush(ExecContext *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    tb_flush_exclusive_locked(ctx, NULL);
    pthread_mutex_unlock(&ctx->lock);
}

/* Whether both blocks' first pages agree, i.e. the jump stays valid for
 * as long as the source block's own page mapping does. */
static bool same_page(const TranslationBlock *src, const TranslationBlock *dest)
{
    return dest->page_addr[0] == src->page_addr[0] ||
           dest->page_addr[0] == src->page_addr[1];
}

void tb_try_chain(ExecContext *ctx, TranslationBlock *tb, int n, TranslationBlock *next)
{
    if ((tb->cflags & CF_NO_CHAIN) || (next->cflags & CF_NO_CHAIN))
        return;
    if (!ctx->cfg.chain_cross_page && !same_page(tb, next))
        return;
    pthread_mutex_lock(&ctx->lock);
    if (!tb->invalid && !next->invalid && !tb->jmp_dest[n]) {
        if (ctx->backend->set_jump)
            ctx->backend->set_jump(&ctx->cb, tb, n, next);
        __atomic_store_n(&tb->jmp_dest[n], next, __ATOMIC_RELEASE);
        tb->jmp_next[n] = next->jmp_first;
        next->jmp_first = (uintptr_t)tb | (uintptr_t)n;
        ctx->stats.chained++;
    }
    pthread_mutex_unlock(&ctx->lock);
}
