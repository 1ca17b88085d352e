/*
 * Guest physical page -> the blocks with code on it, for invalidation
 * when guest code is written.
 *
 * The page table is an array sorted by page address (binary search; a
 * page is added once, when it first receives code, so the insertion cost
 * does not matter), each entry the head of a list of (tb | n) threaded
 * through tb->page_next[n], n being which of the block's two pages the
 * entry is.  An entry whose list becomes empty stays with first == 0:
 * the page probably receives code again soon, and a flush empties the
 * table anyway.  Everything here runs with ctx->lock held.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/exec-internal.h"

uint32_t tb_page_index_locked(const ExecContext *ctx, uint64_t page_addr)
{
    uint32_t lo = 0, hi = ctx->nb_pages;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ctx->pages[mid].addr < page_addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct PageEntry *tb_page_find_locked(ExecContext *ctx, uint64_t page_addr)
{
    uint32_t i = tb_page_index_locked(ctx, page_addr);
    if (i < ctx->nb_pages && ctx->pages[i].addr == page_addr)
        return &ctx->pages[i];
    return NULL;
}

bool tb_page_add_locked(ExecContext *ctx, TranslationBlock *tb, int n)
{
    uint64_t page_addr = tb->page_addr[n];
    uint32_t i = tb_page_index_locked(ctx, page_addr);
    if (i == ctx->nb_pages || ctx->pages[i].addr != page_addr) {
        if (ctx->nb_pages == ctx->pages_cap) {
            uint32_t cap = ctx->pages_cap ? ctx->pages_cap * 2 : 64;
            PageEntry *p = realloc(ctx->pages, cap * sizeof(*p));
            if (!p)
                return false;
            ctx->pages = p;
            ctx->pages_cap = cap;
        }
        memmove(&ctx->pages[i + 1], &ctx->pages[i],
                (ctx->nb_pages - i) * sizeof(ctx->pages[0]));
        ctx->pages[i] = (PageEntry){ .addr = page_addr, .first = 0 };
        ctx->nb_pages++;
    }
    PageEntry *pe = &ctx->pages[i];
    if (pe->first == 0 && ctx->cfg.page_code_added)
        ctx->cfg.page_code_added(ctx->cfg.opaque, page_addr);
    tb->page_next[n] = pe->first;
    pe->first = (uintptr_t)tb | (uintptr_t)n;
    return true;
}

void tb_page_remove_locked(ExecContext *ctx, TranslationBlock *tb, int n)
{
    PageEntry *pe = tb_page_find_locked(ctx, tb->page_addr[n]);
    if (!pe)
        return;
    uintptr_t want = (uintptr_t)tb | (uintptr_t)n;
    uintptr_t *link = &pe->first;
    while (*link) {
        if (*link == want) {
            *link = tb->page_next[n];
            tb->page_next[n] = 0;
            return;
        }
        TranslationBlock *t = tb_link_tb(*link);
        link = &t->page_next[tb_link_n(*link)];
    }
}

void tb_pages_reset_locked(ExecContext *ctx)
{
    ctx->nb_pages = 0;
}

bool tb_page_has_code(ExecContext *ctx, uint64_t page_addr)
{
    pthread_mutex_lock(&ctx->lock);
    PageEntry *pe = tb_page_find_locked(ctx, page_addr & exec_page_mask(ctx));
    bool ret = pe && pe->first != 0;
    pthread_mutex_unlock(&ctx->lock);
    return ret;
}
