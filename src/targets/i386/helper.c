/*
 * Helpers of the core translator: exceptions, EFLAGS as a whole, CPUID
 * and RDTSC.  Segment and far-transfer helpers are in seg.c, the lazy
 * flag evaluation in cc-helper.c.
 */
#include "exec/exec.h"
#include "replay/virtual-clock.h"
#include "replay/insn-source.h"
#include "targets/i386/cpuid.h"
#include "targets/i386/helper.h"
#include "targets/i386/translate.h"

_Noreturn void helper_raise_exception(CPUState *env, uint32_t excp, uint32_t err)
{
    I386CPU *cpu = i386_cpu(env);
    cpu->error_code = err;
    cpu_raise(env, (int)excp, HELPER_RETADDR());
}

/* The trapping instruction is the last of its block, so every
 * instruction the block took on entry has completed: no budget to give
 * back and nothing to restore. */
_Noreturn void helper_raise_trap(CPUState *env, uint32_t excp, uint32_t next_eip)
{
    I386CPU *cpu = i386_cpu(env);
    cpu->eip = next_eip;
    cpu->exception_next_eip = next_eip;
    cpu->error_code = 0;
    env->exception_index = (int)excp;
    cpu_loop_exit(env);
}

void helper_watch_access(CPUState *env, uint32_t addr, uint32_t what)
{
    exec_watch_access(env, addr, what & ~I386_WATCH_WRITE, (what & I386_WATCH_WRITE) != 0);
}

void helper_watch_after(CPUState *env, uint32_t next_eip)
{
    if (env->exec->watch_hit)
        helper_raise_trap(env, (uint32_t)EXCP_DEBUG, next_eip);
}

/* What POPF may change at CPL 3 with IOPL 0 (SDM vol. 2, POPF): IOPL,
 * IF, VIP, VIF and VM keep their values, RF is cleared. */
#define USER_EFLAGS_MASK (I386_CC_MASK | I386_TF | I386_DF | I386_NT | I386_AC | I386_ID)

void helper_write_eflags(CPUState *env, uint32_t value, uint32_t mask)
{
    I386CPU *cpu = i386_cpu(env);
    i386_set_eflags(cpu, value, mask & USER_EFLAGS_MASK);
    cpu->eflags &= ~I386_RF;
}

void helper_cpuid(CPUState *env)
{
    I386CPU *cpu = i386_cpu(env);
    uint32_t out[4];
    i386_cpuid(cpu->model, cpu->regs[R_EAX], cpu->regs[R_ECX], out);
    uint32_t regs[4] = { out[0], out[2], out[3], out[1] };   /* EAX ECX EDX EBX */
    replay_insn_result(REPLAY_INSN_CPUID, regs);
    cpu->regs[R_EAX] = regs[0];
    cpu->regs[R_ECX] = regs[1];
    cpu->regs[R_EDX] = regs[2];
    cpu->regs[R_EBX] = regs[3];
}

void helper_rdtsc(CPUState *env)
{
    I386CPU *cpu = i386_cpu(env);
    uint64_t tsc = replay_rdtsc(env);
    uint32_t regs[4] = { (uint32_t)tsc, cpu->regs[R_ECX], (uint32_t)(tsc >> 32),
                         cpu->regs[R_EBX] };
    replay_insn_result(REPLAY_INSN_RDTSC, regs);
    cpu->regs[R_EAX] = regs[0];
    cpu->regs[R_EDX] = regs[2];
}
