/*
 * Host faults: SIGSEGV, SIGBUS, SIGFPE and SIGILL raised by the host CPU
 * while mimic runs guest code, turned into guest exceptions at the exact
 * guest instruction, or recognised as writes to translated code.
 *
 * Who was running when the fault hit decides how to find the guest
 * instruction:
 *   - generated code: the fault pc is inside the code buffer;
 *   - the IR interpreter: it publishes the block and position it is at
 *     (cpu->exec->interp_tb) before every access;
 *   - a helper touching guest memory: it sets cpu->exec->helper_retaddr
 *     (its return address into the calling block) around the access;
 *   - an x87 thunk: a frameless leaf whose return address is at [rsp].
 * Anything else (mimic's own code) faulting is a bug in mimic: the
 * handler that was there before (the default action, or a sanitizer's)
 * runs and the process dies as it should.
 *
 * A write fault on a page the guest may write is self-modifying code
 * (guest-space.c keeps pages holding code read-only): the page is made
 * writable and its code invalidated, and the store simply runs again on
 * return from the handler, unless the block it belongs to was one of
 * those invalidated.  Then the rest of that block is stale: the state is
 * put back to the storing instruction and the loop runs exactly that one
 * instruction from a block that is not cached and does not protect the
 * page again (CF_NOCACHE), and continues with fresh translations after
 * it.
 *
 * Guest faults leave through cpu_loop_exit (siglongjmp to cpu_exec,
 * which restores the signal mask) with exception_index and cr2 /
 * fault_is_write / error_code set; the cpu loop makes the signal.  Signals
 * with si_code <= 0 were sent by a process (kill), not raised by the CPU:
 * they are ordinary asynchronous signals.
 *
 * The handler runs on a per-thread alternate stack, so that a host stack
 * overflow is still reported.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "linux-user/user-internal.h"
#include "targets/i386/fpu.h"
#include "targets/i386/sse-thunk.h"


/* The handlers in place before ours, to hand mimic's own crashes to. */
static struct sigaction previous[NSIG];

static _Noreturn void raise_guest(CPUState *cs, uintptr_t host_pc, int excp)
{
    cpu_restore_state(cs, host_pc);
    cs->exception_index = excp;
    cpu_loop_exit(cs);
}

/* A fault at the top of the address space may come from an access that
 * wraps past 4 GiB.  The CPU checks the segment limit before paging, so
 * such an access is #GP (#SS through SS), not a page fault; the host MMU
 * only tells which page it hit.  The instruction runs again from a block
 * translated with explicit segment checks (CF_STRICT), which raises the
 * right exception, or faults again here if the access did not wrap. */
static void rerun_strict(CPUState *cs, uintptr_t host_pc, uint64_t goff)
{
    if (goff >= GUEST_TASK_SIZE)
        cpu_rerun_strict(cs, host_pc);
}

/* The exception of a fault at guest offset goff that rerun_strict did
 * not take: a page fault.  goff may be past 4 GiB, in the guard page: a
 * multi-piece access (an x87 image, which the strict block checks only
 * by its first piece) that the host ran contiguously while the CPU wraps
 * its linear addresses: the fault is at the wrapped address (the page
 * there is never mapped in user mode: 0 is below every mapping). */
static _Noreturn void raise_page_fault(CPUState *cs, uintptr_t host_pc, GuestSpace *gs,
                                       uint64_t goff, bool is_write)
{
    I386CPU *cpu = i386_cpu(cs);
    uint32_t gaddr = (uint32_t)goff;
    if (goff >= ((uint64_t)1 << 32) && guest_page_present(gs, gaddr)) {
        /* Mapped at the wrapped address: mimic cannot run the access
         * as the CPU would; a limit fault is the nearest it can say. */
        cpu->error_code = 0;
        raise_guest(cs, host_pc, I386_EXCP_GP);
    }
    cpu->cr2 = gaddr;
    cpu->fault_is_write = is_write;
    cpu->error_code = 4 | (is_write ? 2 : 0) | (guest_page_present(gs, gaddr) ? 1 : 0);
    raise_guest(cs, host_pc, I386_EXCP_PF);
}

/* Passes the signal to the previous handler: mimic itself crashed. */
static void crash(int sig, siginfo_t *si, void *uc)
{
    const struct sigaction *old = &previous[sig];
    if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
        old->sa_sigaction(sig, si, uc);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN && old->sa_handler) {
        old->sa_handler(sig);
        return;
    }
    /* The default action, on return the instruction faults again. */
    signal(sig, SIG_DFL);
}

/* The host pc to recover guest state from, and whether the fault is the
 * guest's at all. */
static bool guest_context(LinuxThread *t, ucontext_t *uc, uintptr_t *host_pc, bool *thunk)
{
    CPUExec *ex = t->cpu.parent.exec;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    *thunk = false;
    if (!ex || !ex->in_exec)
        return false;
    if (codebuf_contains(&ex->ctx->cb, pc)) {
        *host_pc = pc;
        return true;
    }
    if (i386_fpu_thunk_contains(pc)) {
        *host_pc = i386_fpu_thunk_caller_pc((uintptr_t)uc->uc_mcontext.gregs[REG_RSP]);
        *thunk = true;
        return true;
    }
    if (ex->helper_retaddr) {
        *host_pc = ex->helper_retaddr;
        return true;
    }
    if (ex->interp_tb) {
        *host_pc = pc;   /* outside the code buffer: the interpreter's position */
        return true;
    }
    return false;
}

static void host_fault_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    LinuxThread *t = linux_current;

    if (si->si_code <= 0) {
        /* kill(), tkill(), sigqueue() from some process: not a fault. */
        linux_signal_from_host(sig, si, ucv);
        return;
    }
    if (!t) {
        crash(sig, si, ucv);
        return;
    }
    GuestSpace *gs = &t->proc->space;
    CPUState *cs = &t->cpu.parent;
    uintptr_t addr = (uintptr_t)si->si_addr;
    uintptr_t base = (uintptr_t)gs->base;
    bool in_guest = addr >= base && addr - base < gs->reserved;
    uint32_t gaddr = (uint32_t)(addr - base);
    bool is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;

    /* A write to a page holding translated code, from anywhere (generated
     * code, a helper, the interpreter, a copy_to_guest). */
    if (sig == SIGSEGV && in_guest && is_write && addr - base < ((uint64_t)1 << 32) &&
        guest_code_write_fault(gs, gaddr)) {
        uintptr_t host_pc;
        bool thunk;
        if (guest_context(t, uc, &host_pc, &thunk)) {
            TranslationBlock *tb = tb_find_by_host_pc(cs, host_pc, NULL);
            if (tb && __atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
                if (thunk)
                    i386_fpu_host_reset();
                cpu_restore_state(cs, host_pc);
                cs->exec->cflags_next_tb = CF_NOCACHE | CF_NO_CHAIN | 1;
                cs->exception_index = EXCP_NONE;
                cpu_loop_exit(cs);
            }
        }
        return;   /* the store runs again, on a writable page now */
    }

    uintptr_t host_pc;
    bool thunk;
    if (!guest_context(t, uc, &host_pc, &thunk)) {
        crash(sig, si, ucv);
        return;
    }
    I386CPU *cpu = &t->cpu;
    if (thunk) {
        uint32_t xm_err;
        if (sig == SIGFPE && i386_sse_thunk_xm(cpu->fxstate, uc, &xm_err)) {
            /* An unmasked SIMD exception (sse-thunk.h): the guest MXCSR
             * has the flags the instruction set, the destination is as
             * it was. */
            i386_fpu_host_reset();
            cpu->error_code = xm_err;
            raise_guest(cs, host_pc, I386_EXCP_XM);
        }
        int excp = i386_fpu_thunk_exception(sig, si->si_code);
        if (excp < 0) {
            crash(sig, si, ucv);
            return;
        }
        if (excp == I386_EXCP_PF) {
            if (!in_guest) {
                crash(sig, si, ucv);
                return;
            }
            /* The host unit back to the ABI's state whichever way this
             * leaves; the guest's state at the fault is in uc. */
            i386_fpu_host_reset();
            rerun_strict(cs, host_pc, addr - base);
            i386_sse_thunk_fault_state(cpu->fxstate, uc);
            raise_page_fault(cs, host_pc, gs, addr - base, is_write);
        }
        i386_sse_thunk_fault_state(cpu->fxstate, uc);
        i386_fpu_host_reset();
        cpu->error_code = 0;
        raise_guest(cs, host_pc, excp);
    }
    switch (sig) {
    case SIGSEGV:
        if (!in_guest)
            break;
        rerun_strict(cs, host_pc, addr - base);
        raise_page_fault(cs, host_pc, gs, addr - base, is_write);
    case SIGBUS:
        if (!in_guest)
            break;
        /* A file mapping beyond the end of its file. */
        cpu_restore_state(cs, host_pc);
        t->fault_signo = SIGBUS;
        t->fault_trapno = I386_EXCP_PF;
        t->fault_code = si->si_code;
        t->fault_addr = gaddr;
        cs->exception_index = LINUX_EXCP_SIGNAL;
        cpu_loop_exit(cs);
    case SIGFPE:
        /* Generated code divides with the host's DIV/IDIV. */
        cpu->error_code = 0;
        raise_guest(cs, host_pc, I386_EXCP_DE);
    default:
        break;
    }
    crash(sig, si, ucv);
}

void linux_fault_init(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, &previous[sigs[i]]);
}
