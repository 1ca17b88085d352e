/*
 * The user-mode cpu loop of one guest thread: run guest code, serve its
 * system calls, turn its exceptions into the signals Linux would send
 * (arch/x86/kernel/traps.c for a 32-bit process), deliver signals.
 *
 *   #DE              SIGFPE  FPE_INTDIV, si_addr = the instruction
 *   #DB              SIGTRAP TRAP_TRACE (TF) or TRAP_BRKPT (INT1)
 *   #BP (INT3)       SIGTRAP SI_KERNEL, eip after the INT3
 *   #OF, #BR, #NP, #SS, #GP, INT n
 *                    SIGSEGV SI_KERNEL, si_addr 0
 *   #UD              SIGILL  ILL_ILLOPN, si_addr = the instruction
 *   #PF              SIGSEGV SEGV_MAPERR (nothing mapped) or SEGV_ACCERR,
 *                    si_addr = cr2
 *   #AC              SIGBUS  BUS_ADRALN
 *   #MF              SIGFPE  with the x87 code (first unmasked exception)
 *   #XM              SIGFPE  with the SSE code from error_code's MXCSR flags
 *   code fetch fault SIGSEGV at the address that could not be fetched
 *
 * An interrupted system call (-EINTR) is marked so that signal delivery
 * can restart it (signal.c decides, by SA_RESTART and the call).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>

#include "targets/i386/cpu-trace.h"
#include "linux-user/gdb-user.h"
#include "linux-user/rr-user.h"
#include "linux-user/syscall.h"
#include "linux-user/trace-follow.h"
#include "linux-user/user-internal.h"
#include "targets/i386/fpu.h"
#include "util/log.h"

/* si_code of a SIMD floating-point exception from MXCSR's unmasked
 * flags (the kernel's order, as for x87). */
static int simd_code(uint32_t flags)
{
    if (flags & 0x01)
        return FPE_FLTINV;
    if (flags & 0x04)
        return FPE_FLTDIV;
    if (flags & 0x08)
        return FPE_FLTOVF;
    if (flags & 0x12)
        return FPE_FLTUND;
    if (flags & 0x20)
        return FPE_FLTRES;
    return 0;
}

/* A fault raised by CPU exception `vector` (-1: none), which the signal
 * frame reports in trapno as the kernel does. */
static void cpu_fault(LinuxThread *t, int vector, int sig, int code, uint32_t addr)
{
    t->fault_signo = sig;
    t->fault_code = code;
    t->fault_addr = addr;
    t->fault_trapno = vector;
    linux_force_signal(t, sig, code, addr);
}

/* The signal for exception excp that just left cpu_exec. */
static void exception_to_signal(LinuxThread *t, int excp)
{
    I386CPU *cpu = &t->cpu;
    GuestSpace *gs = &t->proc->space;
    enum { SI_KERNEL_ = 0x80 };
    switch (excp) {
    case I386_EXCP_DE:
        cpu_fault(t, excp, SIGFPE, FPE_INTDIV, cpu->eip);
        break;
    case I386_EXCP_DB:
        cpu_fault(t, excp, SIGTRAP, (cpu->eflags & I386_TF) ? TRAP_TRACE : TRAP_BRKPT, cpu->eip);
        break;
    case I386_EXCP_BP:
        cpu_fault(t, excp, SIGTRAP, SI_KERNEL_, 0);
        break;
    case I386_EXCP_OF:
    case I386_EXCP_BR:
    case I386_EXCP_NP:
    case I386_EXCP_GP:
    case I386_EXCP_NM:
        cpu_fault(t, excp, SIGSEGV, SI_KERNEL_, 0);
        break;
    case EXCP_HALTED:   /* HLT at CPL 3 is #GP */
        cpu_fault(t, I386_EXCP_GP, SIGSEGV, SI_KERNEL_, 0);
        break;
    case I386_EXCP_SS:
        cpu_fault(t, excp, SIGBUS, SI_KERNEL_, 0);
        break;
    case I386_EXCP_UD:
        cpu_fault(t, excp, SIGILL, ILL_ILLOPN, cpu->eip);
        break;
    case I386_EXCP_PF: {
        bool mapped = (gs->flags[cpu->cr2 >> GUEST_PAGE_BITS] & GPAGE_VALID) != 0;
        cpu_fault(t, excp, SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, cpu->cr2);
        break;
    }
    case I386_EXCP_AC:
        cpu_fault(t, excp, SIGBUS, BUS_ADRALN, 0);
        break;
    case I386_EXCP_MF:
        cpu_fault(t, excp, SIGFPE, i386_fpu_sigfpe_code(cpu), cpu->eip);
        break;
    case I386_EXCP_XM:
        cpu_fault(t, excp, SIGFPE, simd_code(cpu->error_code), cpu->eip);
        break;
    case EXCP_FETCH: {
        uint32_t addr = (uint32_t)cpu->parent.exec->fetch_fault_addr;
        bool mapped = (gs->flags[addr >> GUEST_PAGE_BITS] & GPAGE_VALID) != 0;
        cpu->cr2 = addr;
        /* user, instruction fetch, present as Linux's page tables say */
        cpu->error_code = 4 | 0x10 | (guest_page_present(gs, addr) ? 1 : 0);
        cpu_fault(t, I386_EXCP_PF, SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, addr);
        break;
    }
    case LINUX_EXCP_SIGNAL:
        linux_force_signal(t, t->fault_signo, t->fault_code, t->fault_addr);
        break;
    case EXCP_DEBUG:
        cpu_fault(t, I386_EXCP_BP, SIGTRAP, TRAP_BRKPT, cpu->eip);
        break;
    default:
        if (log_enabled(LOG_UNIMP))
            log_printf("%d: unexpected exception %d at eip 0x%08x\n", t->tid, excp, cpu->eip);
        cpu_fault(t, I386_EXCP_GP, SIGSEGV, SI_KERNEL_, 0);
        break;
    }
    if (log_enabled(LOG_INT))
        log_printf("%d: exception %d at eip 0x%08x -> signal %d\n", t->tid, excp, cpu->eip,
                   t->fault_signo);
}

_Noreturn void linux_cpu_loop(LinuxThread *t)
{
    CPUState *cs = &t->cpu.parent;
    bool tracing = cpu_trace_active(&t->cpu);   /* -trace-cpu */
    /* Reverse execution: after a snapshot is restored, every thread starts
     * over here (t, cs and tracing are not changed after this point). */
    if (rr_user_snapshots_on() && setjmp(t->rr_restart))
        rr_user_restarted(t);
    else
        rr_user_thread_begin(t);
    for (;;) {
        bool following = trace_follow_active(t);     /* -trace-follow */
        if (following)
            trace_follow_step(t);
        /* -rr: checkpoints, thread switches, where to stop (a forked
         * child stops recording: read each time; a vfork child, which is
         * another process, is not recorded) */
        bool rr = replay_mode != REPLAY_MODE_OFF && !t->vfork_child;
        int excp;
        if (rr && t->rr_in_syscall) {
            excp = I386_EXCP_SYSCALL;   /* a restored snapshot had it inside its call */
        } else {
            if (rr)
                rr_user_before_exec(t);
            if (tracing)
                cpu_trace_before_exec(&t->cpu);
            if (linux_gdb)
                linux_gdb_enter(t);
            excp = cpu_exec(cs);
            if (rr)
                excp = rr_user_after_exec(t, excp);
            if (linux_gdb && linux_gdb_leave(t, excp))
                excp = EXCP_NONE;
        }
        switch (excp) {
        case I386_EXCP_SYSCALL: {
            uint32_t nr = t->cpu.regs[R_EAX];
            if (tracing)
                cpu_trace_sync();   /* the call may end the process */
            if (following)
                trace_follow_syscall_before(t);
            if (rr)
                rr_user_syscall(t);
            else
                linux_syscall(t);
            if (following)
                trace_follow_syscall_after(t);
            if ((int32_t)t->cpu.regs[R_EAX] == -EINTR && linux_syscall_restartable(nr)) {
                t->syscall_interrupted = true;
                t->syscall_nr = nr;
            }
            if (linux_gdb)
                linux_gdb_after_syscall(t);
            break;
        }
        case EXCP_INTERRUPT:
        case EXCP_BUDGET:   /* also -trace-cpu's one-instruction limit */
        case EXCP_NONE:
            break;
        default:
            exception_to_signal(t, excp);
            break;
        }
        /* Recording: between two chunks of a REP string instruction is no
         * instruction boundary, where replay could stop: no signal now. */
        if (excp == EXCP_INTERRUPT && t->cpu.rep_pending && rr && replay_recording())
            continue;
        linux_deliver_signals(t);
    }
}
