/*
 * The mimic side of an oracle comparison: see i386-rig.h.
 */
#include "i386-rig.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "jit/backend.h"
#include "targets/i386/fpu.h"
#include "targets/i386/sse-thunk.h"

#define RIG_SPACE_SIZE ((1ull << 32) + 65536)
#define RIG_PAGE 4096u
#define HLT 0xf4
/* A case that runs longer than this is reported as a timeout. */
#define RIG_MAX_INSNS 2000000u

static __thread I386CPU *rig_current;

const char *i386_rig_mode_name(I386RigMode mode)
{
    static const char *const names[RIG_NB_MODES] = {
        [RIG_INTERP] = "interpreter",
        [RIG_JIT] = "x86-64",
        [RIG_JIT_ONE_INSN] = "x86-64 one-insn-per-tb",
    };
    return mode < RIG_NB_MODES ? names[mode] : "?";
}

/* What SIGSEGV did before the rig took it over (cmocka installs its
 * own handler around each test): restored after every run, and used for
 * faults that are not the guest's. */
static struct sigaction saved_segv, saved_bus, saved_fpe;

static struct sigaction *saved_action(int sig)
{
    return sig == SIGSEGV ? &saved_segv : sig == SIGBUS ? &saved_bus : &saved_fpe;
}

/*
 * A host fault inside guest memory while this thread runs guest code is
 * a guest #PF at the instruction that made the access: from generated
 * code the faulting host pc identifies it, from a helper the return
 * address it published in helper_retaddr, from the interpreter the
 * position it publishes (cpu_restore_state knows both).  Anything else
 * is a bug in mimic: the previous handler gets it when the access is
 * retried.
 *
 * x87 instructions run in host thunks (targets/i386/fpu.h): a fault
 * there (SIGFPE for a pending unmasked exception, #MF; SIGSEGV for the
 * memory operand or a #GP) is recovered from the thunk's caller, as the
 * user-mode layer does (linux-user/fault.c); a SIGFPE that is the
 * host's #XM in an SSE thunk is the guest's #XM, with the MXCSR flags the
 * instruction set (i386_sse_thunk_xm).
 */
static void rig_on_segv(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    I386CPU *cpu = rig_current;
    uint8_t *addr = si->si_addr;
    if (cpu && cpu->parent.exec &&
        i386_fpu_thunk_contains((uintptr_t)uc->uc_mcontext.gregs[REG_RIP])) {
        CPUState *cs = &cpu->parent;
        uintptr_t pc = i386_fpu_thunk_caller_pc((uintptr_t)uc->uc_mcontext.gregs[REG_RSP]);
        int excp = i386_fpu_thunk_exception(sig, si->si_code);
        bool in_space = addr >= cs->guest_base && addr < cs->guest_base + RIG_SPACE_SIZE;
        uint32_t xm_err;
        if (sig == SIGFPE && i386_sse_thunk_xm(cpu->fxstate, uc, &xm_err)) {
            i386_fpu_host_reset();
            if (cpu_restore_state(cs, pc)) {
                cs->exec->helper_retaddr = 0;
                cpu->error_code = xm_err;
                cs->exception_index = I386_EXCP_XM;
                cpu_loop_exit(cs);
            }
        }
        if (excp >= 0 && (excp != I386_EXCP_PF || in_space)) {
            i386_fpu_host_reset();
            if (excp == I386_EXCP_PF && (uint64_t)(addr - cs->guest_base) >= 0xffff0000u)
                cpu_rerun_strict(cs, pc);
            i386_sse_thunk_fault_state(cpu->fxstate, uc);
            if (cpu_restore_state(cs, pc)) {
                cs->exec->helper_retaddr = 0;
                cpu->error_code = 0;
                if (excp == I386_EXCP_PF) {
                    cpu->cr2 = (uint32_t)(addr - cs->guest_base);
                    cpu->fault_is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
                    cpu->error_code = 4 | (cpu->fault_is_write ? 2 : 0);
                }
                cs->exception_index = excp;
                cpu_loop_exit(cs);
            }
        }
    }
    if (sig != SIGFPE && cpu && cpu->parent.exec && addr >= cpu->parent.guest_base &&
        addr < cpu->parent.guest_base + RIG_SPACE_SIZE) {
        CPUState *cs = &cpu->parent;
        CPUExec *ex = cs->exec;
        uintptr_t pc = ex->helper_retaddr ? ex->helper_retaddr
                                          : (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
        /* As linux-user/fault.c: an access at the top may have wrapped
         * past 4 GiB, which is #GP or #SS, not #PF. */
        if ((uint64_t)(addr - cs->guest_base) >= 0xffff0000u) {
            ex->helper_retaddr = 0;
            cpu_rerun_strict(cs, pc);
        }
        if (cpu_restore_state(cs, pc)) {
            ex->helper_retaddr = 0;
            cpu->cr2 = (uint32_t)(addr - cs->guest_base);
            cpu->fault_is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
            cpu->error_code = 4 | (cpu->fault_is_write ? 2 : 0);
            cs->exception_index = I386_EXCP_PF;
            cpu_loop_exit(cs);
        }
    }
    sigaction(sig, saved_action(sig), NULL);
}

/* Takes SIGSEGV, SIGBUS and SIGFPE for the rig (until i386_rig_release_faults). */
void i386_rig_install_fault_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = rig_on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &saved_segv);
    sigaction(SIGBUS, &sa, &saved_bus);
    sigaction(SIGFPE, &sa, &saved_fpe);
}

void i386_rig_release_faults(void)
{
    sigaction(SIGSEGV, &saved_segv, NULL);
    sigaction(SIGBUS, &saved_bus, NULL);
    sigaction(SIGFPE, &saved_fpe, NULL);
}

void i386_rig_set_current(I386CPU *cpu)
{
    rig_current = cpu;
}

uint8_t *i386_rig_space_new(void)
{
    uint8_t *space = mmap(NULL, RIG_SPACE_SIZE, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (space == MAP_FAILED) {
        perror("rig: reserving the guest space");
        return NULL;
    }
    if (mprotect(space + ORACLE_CODE_ADDR, RIG_PAGE, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(space + ORACLE_DATA_ADDR, ORACLE_DATA_SIZE, PROT_READ | PROT_WRITE) != 0) {
        perror("rig: mapping the code page and data window");
        munmap(space, RIG_SPACE_SIZE);
        return NULL;
    }
    return space;
}

void i386_rig_space_free(uint8_t *space)
{
    if (space)
        munmap(space, RIG_SPACE_SIZE);
}

I386Rig *i386_rig_new(I386RigMode mode)
{
    return i386_rig_new_model(mode, NULL);
}

/* Code runs from the code page only: a jump anywhere else is a fetch
 * fault (the host's #PF), never a read of unmapped host memory (the hour-
 * long fuzzer run jumped to the page after the code: seed 4246, sequence
 * 22,894,000). */
static bool rig_code_read(CPUState *cpu, uint64_t addr, void *buf, unsigned len)
{
    if (addr < ORACLE_CODE_ADDR || addr + len > ORACLE_CODE_ADDR + RIG_PAGE)
        return false;
    memcpy(buf, cpu->guest_base + addr, len);
    return true;
}

I386Rig *i386_rig_new_model(I386RigMode mode, const I386Model *model)
{
    I386Rig *rig = calloc(1, sizeof(*rig));
    if (!rig)
        return NULL;
    rig->mode = mode;
    rig->space = i386_rig_space_new();
    if (!rig->space) {
        free(rig);
        return NULL;
    }
    ExecConfig cfg = {
        .tb_size = 4u << 20,
        .backend = mode == RIG_INTERP ? &jit_backend_interp : &jit_backend_x86_64,
        .optimize = true,
        .default_cflags = mode == RIG_JIT_ONE_INSN ? 1 : 0,
        .code_read = rig_code_read,
    };
    if (exec_init(&rig->ctx, &i386_target, &cfg) != 0) {
        fprintf(stderr, "rig: exec_init failed\n");
        i386_rig_space_free(rig->space);
        free(rig);
        return NULL;
    }
    i386_cpu_init(&rig->cpu, model);
    rig->cpu.parent.guest_base = rig->space;
    rig->ldt[0] = ORACLE_LDT_DESC;
    rig->cpu.ldt = rig->ldt;
    rig->cpu.ldt_entries = 1;
    if (cpu_exec_init(&rig->cpu.parent, &rig->ctx) != 0) {
        fprintf(stderr, "rig: cpu_exec_init failed\n");
        exec_destroy(&rig->ctx);
        i386_rig_space_free(rig->space);
        free(rig);
        return NULL;
    }
    return rig;
}

void i386_rig_free(I386Rig *rig)
{
    if (!rig)
        return;
    cpu_exec_destroy(&rig->cpu.parent);
    exec_destroy(&rig->ctx);
    i386_rig_space_free(rig->space);
    free(rig);
}

/* Loads ES or FS as the oracle does: the LDT data segment, or the
 * segment the CPU started with (flat data for ES, null for FS). */
static void rig_load_seg(I386CPU *cpu, int seg, bool ldt, const I386Segment *initial)
{
    if (ldt) {
        if (!i386_load_seg(cpu, seg, ORACLE_LDT_SEL, 0)) {
            fprintf(stderr, "rig: loading the LDT selector failed\n");
            abort();
        }
    } else {
        cpu->segs[seg] = *initial;
    }
}

void i386_rig_run(I386Rig *rig, const OracleCase *c, OracleResult *r)
{
    I386CPU *cpu = &rig->cpu;
    CPUState *cs = &cpu->parent;

    memset(r, 0, sizeof(*r));
    r->magic = ORACLE_RESULT_MAGIC;
    if (c->code_len > ORACLE_CODE_MAX) {
        r->status = ORACLE_BAD_CASE;
        return;
    }
    /* New code: drop the blocks of the last case (cheaper than a flush;
     * when the pool fills up the exec layer flushes by itself). */
    tb_invalidate_phys_range(&rig->ctx, ORACLE_CODE_ADDR, ORACLE_CODE_ADDR + RIG_PAGE);
    memcpy(rig->space + ORACLE_CODE_ADDR, c->code, c->code_len);
    rig->space[ORACLE_CODE_ADDR + c->code_len] = HLT;
    oracle_initial_image(rig->initial, c);
    memcpy(rig->space + ORACLE_DATA_ADDR, rig->initial, ORACLE_DATA_SIZE);

    /* The segments i386_cpu_init chose are the flat and null ones. */
    static I386Segment flat_es, null_fs;
    static bool have_initial;
    if (!have_initial) {
        flat_es = cpu->segs[R_ES];
        null_fs = cpu->segs[R_FS];
        have_initial = true;
    }
    memcpy(cpu->regs, c->regs, sizeof(cpu->regs));
    cpu->eip = ORACLE_CODE_ADDR;
    i386_set_eflags(cpu, (c->eflags & ORACLE_EFLAGS_INPUT) | 0x2u, ORACLE_EFLAGS_INPUT | 0x2u);
    rig_load_seg(cpu, R_ES, c->es_ldt, &flat_es);
    rig_load_seg(cpu, R_FS, c->fs_ldt, &null_fs);
    i386_update_hflags(cpu);
    /* x87/SSE: a new process's state with the case's fields over it;
     * the last-instruction pointers and MXCSR_MASK stay as reset made
     * them (they are not compared). */
    i386_fpu_reset(cpu);
    memcpy(cpu->fxstate + ORACLE_FX_FCW, c->fx + ORACLE_FX_FCW, 6);
    memcpy(cpu->fxstate + ORACLE_FX_MXCSR, c->fx + ORACLE_FX_MXCSR, 4);
    memcpy(cpu->fxstate + ORACLE_FX_ST0, c->fx + ORACLE_FX_ST0,
           ORACLE_FX_SIZE - ORACLE_FX_ST0);
    cs->exception_index = EXCP_NONE;

    rig_current = cpu;
    i386_rig_install_fault_handler();
    cpu_set_icount_limit(cs, cpu_icount(cs) + RIG_MAX_INSNS);
    int excp = cpu_exec(cs);
    i386_rig_release_faults();
    rig_current = NULL;
    cpu_set_icount_limit(cs, UINT64_MAX);

    memcpy(r->regs, cpu->regs, sizeof(r->regs));
    memcpy(r->fx, cpu->fxstate, ORACLE_FX_SIZE);
    r->eip = cpu->eip;
    r->eflags = i386_get_eflags(cpu);
    uint32_t end = ORACLE_CODE_ADDR + c->code_len;
    if (excp == EXCP_BUDGET) {
        r->status = ORACLE_TIMEOUT;
    } else if (excp == I386_EXCP_GP && cpu->eip == end) {
        r->status = ORACLE_END;
        r->vector = I386_EXCP_GP;
    } else if (excp == EXCP_FETCH) {
        r->status = ORACLE_FAULT;
        r->vector = I386_EXCP_PF;
        r->cr2 = (uint32_t)cs->exec->fetch_fault_addr;
    } else {
        r->status = ORACLE_FAULT;
        r->vector = (uint32_t)excp;
        if (excp == I386_EXCP_PF)
            r->cr2 = cpu->cr2;
    }
    oracle_diff(r, rig->space + ORACLE_DATA_ADDR, rig->initial);
}

bool i386_rig_code_changed(const I386Rig *rig, const OracleCase *c)
{
    return memcmp(rig->space + ORACLE_CODE_ADDR, c->code, c->code_len) != 0;
}
