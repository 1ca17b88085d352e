/*
 * The cpu loop: find or translate the next block, chain it to the one
 * that just exited, run it, and decide what its exit means.
 *
 * Exact instruction counting (DESIGN.md rule 3) rests on the budget word
 * every block checks on entry (exec/cpu.h).  The loop hands out the
 * instructions up to icount_limit in chunks of at most 0xffff:
 *
 *     icount = icount_base + (chunk - budget.u16.low)
 *
 * A block takes its whole instruction count at entry; an exception inside
 * it gives back the instructions that did not complete (cpu-restore.c).
 * When an entry fails with the high half clear, the chunk is too small
 * for that block:
 *   - at the limit exactly: return EXCP_BUDGET;
 *   - the limit is nearer than the block's length: run the block's code
 *     translated with a count of exactly the remaining instructions
 *     (cached under those cflags, never chained into), so the stop lands
 *     on the exact instruction;
 *   - otherwise: start a new chunk at the current count and go on.
 * An entry failing with the high half set is cpu_exit()'s request (it
 * wins over everything else and returns EXCP_INTERRUPT) or a kick from a
 * vCPU that needs to flush (cpu-exclusive.c), handled at the loop top.
 *
 * Leaving by siglongjmp: helpers that raise (cpu_raise, cpu_loop_exit)
 * jump back to the sigsetjmp in cpu_exec with the guest state already
 * made precise.  The signal mask is saved too, because user mode raises
 * guest faults from a SIGSEGV handler.  Nothing here holds ctx->lock
 * while guest code or a helper runs, so no jump ever leaves it locked.
 */
#include "exec/exec-internal.h"
#include "util/log.h"

static uint16_t budget_low(const CPUState *cpu)
{
    return __atomic_load_n(&cpu->budget.u16.low, __ATOMIC_RELAXED);
}

static void set_budget_low(CPUState *cpu, uint16_t v)
{
    /* Only the low half: a concurrent cpu_exit owns the high half. */
    __atomic_store_n(&cpu->budget.u16.low, v, __ATOMIC_RELAXED);
}

uint64_t cpu_icount(const CPUState *cpu)
{
    const CPUExec *ex = cpu->exec;
    return ex->icount_base + (uint64_t)(ex->chunk - budget_low(cpu));
}

/* Starts a new chunk at the current count; false when at the limit. */
static bool budget_refill(CPUState *cpu)
{
    CPUExec *ex = cpu->exec;
    uint64_t icount = cpu_icount(cpu);
    uint64_t rest = ex->icount_limit > icount ? ex->icount_limit - icount : 0;
    uint16_t chunk = rest > 0xffff ? 0xffff : (uint16_t)rest;
    ex->icount_base = icount;
    ex->chunk = chunk;
    set_budget_low(cpu, chunk);
    return chunk != 0;
}

void cpu_set_icount_limit(CPUState *cpu, uint64_t limit)
{
    cpu->exec->icount_limit = limit;
    budget_refill(cpu);
}

void cpu_exit(CPUState *cpu)
{
    /* exit_request first: whoever sees the high half sees the request. */
    __atomic_store_n(&cpu->exec->exit_request, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cpu->budget.u16.high, (uint16_t)0xffff, __ATOMIC_SEQ_CST);
}

/*
 * Consumes a pending cpu_exit() (true) or a flush's kick (false: the
 * high half set without exit_request).
 */
static bool take_exit_request(CPUState *cpu)
{
    CPUExec *ex = cpu->exec;
    if (!__atomic_load_n(&ex->exit_request, __ATOMIC_SEQ_CST)) {
        if (!__atomic_load_n(&cpu->budget.u16.high, __ATOMIC_SEQ_CST))
            return false;
        __atomic_store_n(&cpu->budget.u16.high, (uint16_t)0, __ATOMIC_SEQ_CST);
        /* A cpu_exit that set the high half we just cleared has stored
         * exit_request before it. */
        if (!__atomic_load_n(&ex->exit_request, __ATOMIC_SEQ_CST))
            return false;
    }
    __atomic_store_n(&ex->exit_request, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cpu->budget.u16.high, (uint16_t)0, __ATOMIC_SEQ_CST);
    return true;
}

/* -d exec and -d cpu: a block entered from the loop (chained entries
 * bypass the loop: -d nochain shows every block). */
static void log_block_entry(CPUState *cpu, const TranslationBlock *tb)
{
    log_lock();
    FILE *out = log_file();
    if (log_enabled(LOG_CPU) && cpu->target->dump_state)
        cpu->target->dump_state(out, cpu);
    if (log_enabled(LOG_EXEC))
        fprintf(out, "Trace %d: %p [%08x/%016llx/%08x] icount %llu\n", cpu->cpu_index,
                tb->host_code, tb->flags, (unsigned long long)tb->pc, tb->cflags,
                (unsigned long long)cpu_icount(cpu));
    log_unlock();
}

/*
 * The loop proper, between two exceptions.  Returns the exception index
 * for the ways out that do not go through cpu_loop_exit.
 */
static int cpu_exec_loop(CPUState *cpu)
{
    CPUExec *ex = cpu->exec;
    ExecContext *ctx = ex->ctx;
    const uint32_t base_cflags = exec_base_cflags(ctx);
    uint32_t next_cflags = base_cflags;
    TranslationBlock *last = NULL;
    int last_slot = 0;
    uint64_t flushes = __atomic_load_n(&ctx->stats.flushes, __ATOMIC_ACQUIRE);

    for (;;) {
        /* In this order: a kick cleared here was stored after its
         * flush_pending, which the safe point then sees. */
        if (take_exit_request(cpu))
            return EXCP_INTERRUPT;
        exec_safe_point(cpu);
        if (budget_low(cpu) == 0 && !budget_refill(cpu))
            return EXCP_BUDGET;

        uint64_t pc;
        uint32_t flags;
        cpu->target->get_tb_state(cpu, &pc, &flags);
        uint32_t cflags = next_cflags;
        next_cflags = base_cflags;
        if (ex->cflags_next_tb) {
            cflags = (base_cflags & CF_INTERP) | ex->cflags_next_tb;
            ex->cflags_next_tb = 0;
        }

        TranslationBlock *tb = (cflags & CF_NOCACHE) ? NULL : tb_lookup(cpu, pc, flags, cflags);
        if (!tb) {
            tb = tb_gen_code(cpu, pc, flags, cflags);
            if (!tb)
                return EXCP_FETCH;
            if (!(cflags & CF_NOCACHE))
                __atomic_store_n(&ex->jc[tb_jc_index(pc)], tb, __ATOMIC_RELEASE);
        }
        /* A flush (ours in tb_gen_code, or another vCPU's while we were
         * parked) recycled the block `last` was. */
        uint64_t now = __atomic_load_n(&ctx->stats.flushes, __ATOMIC_ACQUIRE);
        if (now != flushes) {
            flushes = now;
            last = NULL;
        }
        if (last && cflags == base_cflags)
            tb_try_chain(ctx, last, last_slot, tb);
        last = NULL;

        if (log_enabled(LOG_EXEC | LOG_CPU))
            log_block_entry(cpu, tb);
        uintptr_t ret = ctx->backend->run(cpu, tb);
        TranslationBlock *exit_tb = (TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
        int why = (int)(ret & TB_EXIT_MASK);
        if (!exit_tb)
            continue;   /* exit_tb, or an indirect jump that missed */
        if (why == TB_EXIT_REQUESTED) {
            if (__atomic_load_n(&cpu->budget.u16.high, __ATOMIC_SEQ_CST))
                continue;   /* exit request or kick: handled at the top */
            uint64_t icount = cpu_icount(cpu);
            if (icount >= ex->icount_limit)
                return EXCP_BUDGET;
            uint64_t rest = ex->icount_limit - icount;
            if (rest < exit_tb->icount)
                next_cflags = (base_cflags & ~(uint32_t)CF_COUNT_MASK) | (uint32_t)rest;
            budget_refill(cpu);
            continue;
        }
        last = exit_tb;
        last_slot = why;
    }
}

int cpu_exec(CPUState *cpu)
{
    CPUExec *ex = cpu->exec;
    int ret;

    exec_cpu_enter(cpu);
    cpu->exception_index = EXCP_NONE;
    for (;;) {
        if (sigsetjmp(ex->jmp, 1) == 0) {
            ret = cpu_exec_loop(cpu);
            break;
        }
        /* Back from cpu_loop_exit, maybe out of a helper that faulted
         * while it touched guest memory. */
        ex->interp_tb = NULL;
        ex->helper_retaddr = 0;
        if (cpu->exception_index != EXCP_NONE) {
            ret = cpu->exception_index;
            break;
        }
    }
    exec_cpu_leave(cpu);
    cpu->exception_index = ret;
    return ret;
}
