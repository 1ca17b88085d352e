/*
 * Debugger breakpoints and watchpoints.
 *
 * Breakpoints are kept out of guest memory: the translator ends a block
 * before a breakpoint's pc and the target raises EXCP_DEBUG there
 * (jit/translator.c), so guest code and memory reads never see a patched
 * byte, and a breakpoint survives the guest rewriting its own code.
 * Changing the set invalidates the blocks holding that pc: they are
 * translated again with or without the stop.
 *
 * Watchpoints are exact, as the CPU's debug registers are: while any is
 * set, blocks are translated CF_WATCH (a different lookup key, so no
 * flush), one instruction each, with every data access reported to
 * exec_watch_access; the target stops after an instruction that hit one.
 */
#include <stdlib.h>

#include "exec/exec.h"
#include "util/sorted.h"

bool exec_breakpoint_insert(ExecContext *ctx, uint64_t pc)
{
    pthread_mutex_lock(&ctx->lock);
    unsigned i = sorted_u64_lower_bound(ctx->breakpoints, ctx->nb_breakpoints, pc);
    bool present = i < ctx->nb_breakpoints && ctx->breakpoints[i] == pc;
    bool ok = present;
    if (!present && ctx->nb_breakpoints < EXEC_MAX_BREAKPOINTS) {
        if (ctx->nb_breakpoints == ctx->breakpoints_cap) {
            unsigned cap = ctx->breakpoints_cap ? 2 * ctx->breakpoints_cap : 16;
            uint64_t *p = realloc(ctx->breakpoints, cap * sizeof(*p));
            if (p) {
                ctx->breakpoints = p;
                ctx->breakpoints_cap = cap;
            }
        }
        if (ctx->nb_breakpoints < ctx->breakpoints_cap) {
            for (unsigned j = ctx->nb_breakpoints; j > i; j--)
                ctx->breakpoints[j] = ctx->breakpoints[j - 1];
            ctx->breakpoints[i] = pc;
            ctx->nb_breakpoints++;
            ok = true;
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    if (ok && !present)
        tb_invalidate_phys_range(ctx, pc, pc + 1);
    return ok;
}

bool exec_breakpoint_remove(ExecContext *ctx, uint64_t pc)
{
    pthread_mutex_lock(&ctx->lock);
    unsigned i = sorted_u64_lower_bound(ctx->breakpoints, ctx->nb_breakpoints, pc);
    bool present = i < ctx->nb_breakpoints && ctx->breakpoints[i] == pc;
    if (present) {
        for (unsigned j = i; j + 1 < ctx->nb_breakpoints; j++)
            ctx->breakpoints[j] = ctx->breakpoints[j + 1];
        ctx->nb_breakpoints--;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (present)
        tb_invalidate_phys_range(ctx, pc, pc + 1);
    return present;
}

void exec_breakpoint_remove_all(ExecContext *ctx)
{
    for (;;) {
        pthread_mutex_lock(&ctx->lock);
        bool any = ctx->nb_breakpoints > 0;
        uint64_t pc = any ? ctx->breakpoints[0] : 0;
        pthread_mutex_unlock(&ctx->lock);
        if (!any)
            return;
        exec_breakpoint_remove(ctx, pc);
    }
}

bool exec_watchpoint_insert(ExecContext *ctx, uint64_t addr, uint64_t len, int type)
{
    if (len == 0 || ctx->nb_watchpoints == EXEC_MAX_WATCHPOINTS)
        return false;
    ctx->watchpoints[ctx->nb_watchpoints++] = (ExecWatchpoint){ addr, len, type };
    return true;
}

bool exec_watchpoint_remove(ExecContext *ctx, uint64_t addr, uint64_t len, int type)
{
    for (unsigned i = 0; i < ctx->nb_watchpoints; i++) {
        ExecWatchpoint *w = &ctx->watchpoints[i];
        if (w->addr == addr && w->len == len && w->type == type) {
            *w = ctx->watchpoints[--ctx->nb_watchpoints];
            return true;
        }
    }
    return false;
}

void exec_watchpoint_remove_all(ExecContext *ctx)
{
    ctx->nb_watchpoints = 0;
}

void exec_watch_access(CPUState *cpu, uint64_t addr, uint64_t len, bool write)
{
    const ExecContext *ctx = cpu->exec->ctx;
    for (unsigned i = 0; i < ctx->nb_watchpoints; i++) {
        const ExecWatchpoint *w = &ctx->watchpoints[i];
        int kind = write ? EXEC_WATCH_WRITE : EXEC_WATCH_READ;
        if (!(w->type & kind) || addr >= w->addr + w->len || w->addr >= addr + len)
            continue;
        /* The first hit of an instruction is the one reported, as DR6
         * would show it. */
        if (!cpu->exec->watch_hit) {
            cpu->exec->watch_hit = true;
            cpu->exec->watch_type = w->type;
            cpu->exec->watch_addr = w->addr;
        }
        return;
    }
}
