/*
 * Toy helpers called from translated code.
 *
 * Stores are helpers so that self-modifying code works without page
 * protection: after writing, a store into a page that holds translated
 * code invalidates the blocks covering the written bytes.  If that
 * removed the block running this very store, the rest of it is stale:
 * the store completes, the pc moves to the next instruction and the
 * block is left (cpu_loop_exit_after), so the cpu loop translates the new
 * code.  The IR call is emitted with globals synced, which is what makes
 * leaving here precise.
 */
#include <stdlib.h>

#include "mem/memif.h"
#include "targets/toy/cpu.h"
#include "util/error.h"

static void toy_store(CPUState *cs, uint32_t addr, uint32_t val, unsigned memop,
                      uint32_t next_pc, uintptr_t retaddr)
{
    mem_st(cs, addr, val, memop);
    ExecContext *ctx = cs->exec->ctx;
    if (!tb_page_has_code(ctx, addr))
        return;
    tb_invalidate_phys_range(ctx, addr, (uint64_t)addr + (1u << (memop & IR_MO_SIZE)));
    TranslationBlock *tb = tb_find_by_host_pc(cs, retaddr, NULL);
    if (tb && __atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        ((ToyCPU *)cs)->pc = next_pc;
        cpu_loop_exit_after(cs, retaddr);
    }
}

void helper_toy_st32(CPUState *env, uint32_t addr, uint32_t val, uint32_t next_pc)
{
    toy_store(env, addr & (TOY_MEM_SIZE - 4), val, IR_MO_32, next_pc, HELPER_RETADDR());
}

void helper_toy_st8(CPUState *env, uint32_t addr, uint32_t val, uint32_t next_pc)
{
    toy_store(env, addr & (TOY_MEM_SIZE - 1), val, IR_MO_8, next_pc, HELPER_RETADDR());
}

void helper_toy_out(CPUState *env, uint32_t val)
{
    ToyCPU *cpu = (ToyCPU *)env;
    if (cpu->nb_out == cpu->out_cap) {
        size_t cap = cpu->out_cap ? cpu->out_cap * 2 : 256;
        uint32_t *p = realloc(cpu->out, cap * sizeof(*p));
        if (!p)
            fatal_internal("out of memory for the toy output buffer");
        cpu->out = p;
        cpu->out_cap = cap;
    }
    cpu->out[cpu->nb_out++] = val;
}

_Noreturn void helper_toy_raise(CPUState *env, uint32_t excp)
{
    cpu_raise(env, (int)excp, HELPER_RETADDR());
}
