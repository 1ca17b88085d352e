/*
 * Precise guest state when leaving a block in the middle: from a
 * position in a block's code back to the guest instruction, its state
 * and the instruction count.
 *
 * Finding the block: generated code is bump-allocated in pool order, so
 * the pool is sorted by host address and a binary search finds the last
 * block starting at or below host_pc; the backend's host_pos confirms
 * host_pc is inside it and turns it into an offset.  The interpreter has
 * no host addresses of its own; it publishes the block and op index it is
 * running in CPUExec, used when host_pc is outside the code buffer.
 *
 * Counting: the block took tb->icount instructions on entry.  When
 * instruction i raises, instructions i .. icount-1 did not complete and
 * are given back; when a helper ends the block after instruction i
 * (cpu_loop_exit_after), i + 1 .. icount-1 are.
 *
 * This runs in helpers and in signal handlers on the faulting thread,
 * which never holds ctx->lock there, and the pool only grows while a
 * vCPU is in generated code, so the search needs no lock.
 */
#include "exec/exec-internal.h"

TranslationBlock *tb_find_by_host_pc(CPUState *cpu, uintptr_t host_pc, int64_t *pos)
{
    CPUExec *ex = cpu->exec;
    ExecContext *ctx = ex->ctx;
    int64_t p = -1;
    TranslationBlock *found = NULL;

    if (codebuf_contains(&ctx->cb, host_pc)) {
        uint32_t lo = 0, hi = __atomic_load_n(&ctx->nb_tbs, __ATOMIC_ACQUIRE);
        while (lo < hi) {   /* first block starting above host_pc */
            uint32_t mid = lo + (hi - lo) / 2;
            if ((uintptr_t)ctx->tbs[mid].host_code <= host_pc)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0) {
            TranslationBlock *tb = &ctx->tbs[lo - 1];
            p = ctx->backend->host_pos(tb, host_pc);
            if (p >= 0)
                found = tb;
        }
    } else if (ex->interp_tb) {
        found = ex->interp_tb;
        p = ex->interp_pos;
    }
    if (found && pos)
        *pos = p;
    return found;
}

/* Gives back n instructions the current block took but did not run. */
static void budget_give_back(CPUState *cpu, unsigned n)
{
    uint16_t low = __atomic_load_n(&cpu->budget.u16.low, __ATOMIC_RELAXED);
    __atomic_store_n(&cpu->budget.u16.low, (uint16_t)(low + n), __ATOMIC_RELAXED);
}

/* The instruction of the block running at host_pc, with its words. */
static TranslationBlock *find_insn(CPUState *cpu, uintptr_t host_pc, int *insn,
                                   uint64_t data[IR_INSN_START_WORDS])
{
    int64_t pos;
    TranslationBlock *tb = tb_find_by_host_pc(cpu, host_pc, &pos);
    if (!tb)
        return NULL;
    *insn = tb_pcmap_find(tb, (uint64_t)pos, data);
    return *insn >= 0 ? tb : NULL;
}

bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc)
{
    uint64_t data[IR_INSN_START_WORDS];
    int i;
    TranslationBlock *tb = find_insn(cpu, host_pc, &i, data);
    if (!tb)
        return false;
    cpu->target->restore_state(cpu, data);
    budget_give_back(cpu, (unsigned)(tb->icount - i));
    return true;
}

_Noreturn void cpu_loop_exit(CPUState *cpu)
{
    siglongjmp(cpu->exec->jmp, 1);
}

_Noreturn void cpu_raise(CPUState *cpu, int excp, uintptr_t host_pc)
{
    if (host_pc)
        cpu_restore_state(cpu, host_pc);
    cpu->exception_index = excp;
    cpu_loop_exit(cpu);
}

void cpu_rerun_strict(CPUState *cpu, uintptr_t host_pc)
{
    TranslationBlock *tb = tb_find_by_host_pc(cpu, host_pc, NULL);
    if (!tb || (tb->cflags & CF_STRICT))
        return;
    cpu_restore_state(cpu, host_pc);
    cpu->exec->cflags_next_tb = CF_NOCACHE | CF_NO_CHAIN | CF_STRICT | 1;
    cpu->exception_index = EXCP_NONE;
    cpu_loop_exit(cpu);
}

_Noreturn void cpu_loop_exit_after(CPUState *cpu, uintptr_t host_pc)
{
    uint64_t data[IR_INSN_START_WORDS];
    int i;
    TranslationBlock *tb = find_insn(cpu, host_pc, &i, data);
    if (tb)
        budget_give_back(cpu, (unsigned)(tb->icount - i - 1));
    cpu->exception_index = EXCP_NONE;
    cpu_loop_exit(cpu);
}
