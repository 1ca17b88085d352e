/*
 * Test support for the x87 tests: a guest i386 CPU on an ExecContext, and
 * the same instructions run natively on the host as the reference.
 *
 * The trick that makes the native reference cheap: an x87 instruction
 * with a memory operand [ebx + disp8/disp32] has the same encoding in
 * 64-bit mode, where it addresses [rbx + disp].  So a snippet of x87
 * instructions addressing its data through EBX runs unchanged in this
 * 64-bit test process, with RBX pointing at a host copy of the data.
 * The guest runs it at RIG_CODE with EBX = RIG_DATA, followed by INT3;
 * the native run wraps it in code that loads the same FXSAVE image, the
 * same status flags and EAX = 0, and saves the result.  (No RIP-relative
 * or absolute forms in snippets: ModRM mod=00 rm=101 differs.)
 *
 * Host faults inside guest thunks are turned into guest exceptions by
 * the handler the user-mode layer will have (fpu.h's recipe); faults of
 * the native run are caught and reported with the offset of the
 * faulting instruction and the x87 state of the signal frame.
 *
 * Everything is static in this header (like toy-ref.h) so that only the
 * tests that include it link the i386 target.  Include after cmocka.h.
 */
#ifndef MIMIC_TESTS_I386_FPU_RIG_H
#define MIMIC_TESTS_I386_FPU_RIG_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "exec/exec.h"
#include "targets/i386/cpu.h"
#include "targets/i386/cpuid.h"
#include "targets/i386/fpu-thunk.h"
#include "targets/i386/fpu.h"

#define RIG_MEM_SIZE  (1u << 20)
#define RIG_CODE      0x10000u
#define RIG_DATA      0x20000u
#define RIG_DATA_SIZE 0x2000u
#define RIG_HOLE      0x40000u     /* one unmapped guest page */
#define RIG_RO        0x41000u     /* one read-only guest page */
#define RIG_MAX_CODE  512u

typedef struct FpuRig {
    ExecContext ctx;
    I386CPU *cpu;
    uint8_t *mem;                  /* guest_base */
    I386Model model;
    uint8_t last_code[RIG_MAX_CODE];
    size_t last_len;
    uint64_t icount_before;        /* cpu_icount at the start of the last run */
} FpuRig;

/* The vCPU the fault handler recovers (one rig runs at a time). */
static FpuRig *volatile rig_current;

/* Native runs. */
typedef struct NativeOut {
    int sig;                       /* 0, or the signal that stopped it */
    int si_code;
    size_t fault_off;              /* offset in the snippet of the faulting insn */
    uintptr_t fault_addr;          /* SIGSEGV: si_addr */
    bool write;                    /* SIGSEGV: the page-fault error code's W bit */
    uint64_t rax, rflags;
    uint8_t fx[512] __attribute__((aligned(16)));  /* final state (x87 part of
                                                      the signal frame on a fault) */
} NativeOut;

static sigjmp_buf native_jmp;
static volatile int native_active;
static volatile uintptr_t native_code_start;
static NativeOut *volatile native_out;

static void rig_on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t rsp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    if (native_active) {
        NativeOut *o = native_out;
        o->sig = sig;
        o->si_code = si->si_code;
        o->fault_off = pc - native_code_start;
        o->fault_addr = (uintptr_t)si->si_addr;
        o->write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
        memcpy(o->fx, uc->uc_mcontext.fpregs, 512);
        native_active = 0;
        i386_fpu_host_reset();
        siglongjmp(native_jmp, 1);
    }
    FpuRig *r = rig_current;
    if (r && i386_fpu_thunk_contains(pc)) {
        int excp = i386_fpu_thunk_exception(sig, si->si_code);
        if (excp >= 0) {
            i386_fpu_host_reset();
            CPUState *cs = &r->cpu->parent;
            cpu_restore_state(cs, i386_fpu_thunk_caller_pc(rsp));
            r->cpu->error_code = 0;
            if (excp == I386_EXCP_PF) {
                r->cpu->cr2 = (uint32_t)((uintptr_t)si->si_addr - (uintptr_t)r->mem);
                r->cpu->fault_is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
            }
            cs->exception_index = excp;
            cpu_loop_exit(cs);
        }
    }
    /* Not ours: die with the signal. */
    signal(sig, SIG_DFL);
}

/* Installed before every run: cmocka puts its own handlers back at the
 * start of each test. */
static void rig_install_handlers(void)
{
    static uint8_t altstack[65536];
    static bool have_stack;
    if (!have_stack) {
        stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
        sigaltstack(&ss, NULL);
        have_stack = true;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = rig_on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* backend: 0 = interpreter, 1 = x86-64.  The model is the default one
 * without its SIMD features (an i686 with x87, CMOV and FXSR), plus
 * extra_*: CPUID.1 features added (MMX/SSE..., SSE3 for FISTTP). */
static inline void rig_init(FpuRig *r, int backend, uint32_t extra_edx, uint32_t extra_ecx)
{
    rig_install_handlers();
    memset(r, 0, sizeof(*r));
    r->model = *i386_model_default();
    r->model.features_edx &= ~(uint32_t)(CPUID_MMX | CPUID_SSE | CPUID_SSE2 | CPUID_CLFSH);
    r->model.features_ecx &= ~(uint32_t)(CPUID_ECX_SSE3 | CPUID_ECX_SSSE3);
    r->model.features_edx |= extra_edx;
    r->model.features_ecx |= extra_ecx;
    r->mem = mmap(NULL, RIG_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    assert_true(r->mem != MAP_FAILED);
    assert_int_equal(mprotect(r->mem + RIG_HOLE, 4096, PROT_NONE), 0);
    assert_int_equal(mprotect(r->mem + RIG_RO, 4096, PROT_READ), 0);
    r->cpu = aligned_alloc(64, (sizeof(I386CPU) + 63) & ~(size_t)63);
    assert_non_null(r->cpu);
    i386_cpu_init(r->cpu, &r->model);
    r->cpu->parent.guest_base = r->mem;
    ExecConfig cfg = { .tb_size = 4u << 20, .optimize = true,
                       .backend = backend ? &jit_backend_x86_64 : &jit_backend_interp };
    assert_int_equal(exec_init(&r->ctx, &i386_target, &cfg), 0);
    assert_int_equal(cpu_exec_init(&r->cpu->parent, &r->ctx), 0);
}

static inline void rig_destroy(FpuRig *r)
{
    cpu_exec_destroy(&r->cpu->parent);
    exec_destroy(&r->ctx);
    free(r->cpu);
    munmap(r->mem, RIG_MEM_SIZE);
}

/* Runs code (followed by INT3) from the given state: fx (NULL: keep the
 * CPU's), EAX = 0, EBX = RIG_DATA, status flags = flags.  Returns the
 * exception that stopped it (I386_EXCP_BP at the end). */
static inline int rig_run(FpuRig *r, const uint8_t *code, size_t len, const uint8_t *fx,
                          uint32_t flags)
{
    assert_true(len < RIG_MAX_CODE);
    if (len != r->last_len || memcmp(code, r->last_code, len)) {
        tb_flush(&r->ctx);
        memcpy(r->mem + RIG_CODE, code, len);
        r->mem[RIG_CODE + len] = 0xcc;
        memcpy(r->last_code, code, len);
        r->last_len = len;
    }
    I386CPU *c = r->cpu;
    if (fx)
        memcpy(c->fxstate, fx, 512);
    c->eip = RIG_CODE;
    c->regs[R_EAX] = 0;
    c->regs[R_EBX] = RIG_DATA;
    i386_set_eflags(c, flags, I386_CC_MASK);
    rig_current = r;
    r->icount_before = cpu_icount(&c->parent);
    int excp = cpu_exec(&c->parent);
    rig_current = NULL;
    return excp;
}

/* Guest instructions the last rig_run completed. */
static inline uint64_t rig_insns(const FpuRig *r)
{
    return cpu_icount(&r->cpu->parent) - r->icount_before;
}

/* Runs code natively on fx (in/out, 16-byte aligned) with RBX = data,
 * the status flags `flags` (I386_CC_MASK bits) and EAX = 0. */
static inline void native_run(const uint8_t *code, size_t len, const uint8_t *fx_in,
                              uint8_t *data, uint32_t flags, NativeOut *out)
{
    static uint8_t *page;
    if (!page) {
        page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assert_true(page != MAP_FAILED);
    }
    static const uint8_t head[] = {
        0x53,                     /* push rbx */
        0x48, 0x89, 0xf3,         /* mov rbx, rsi */
        0x49, 0x89, 0xd3,         /* mov r11, rdx */
        0x31, 0xc0,               /* xor eax, eax */
        0x51, 0x9d,               /* push rcx; popfq */
        0x0f, 0xae, 0x0f,         /* fxrstor [rdi] */
    };
    static const uint8_t tail[] = {
        0x9c, 0x59,               /* pushfq; pop rcx */
        0x49, 0x89, 0x03,         /* mov [r11], rax */
        0x49, 0x89, 0x4b, 0x08,   /* mov [r11+8], rcx */
        0x0f, 0xae, 0x07,         /* fxsave [rdi] */
        0xdb, 0xe3,               /* fninit */
        0x5b,                     /* pop rbx */
        0xc3,                     /* ret */
    };
    static uint8_t last[RIG_MAX_CODE];
    static size_t last_len = SIZE_MAX;
    assert_true(len < RIG_MAX_CODE && sizeof(head) + len + sizeof(tail) <= 4096);
    if (len != last_len || memcmp(code, last, len)) {
        assert_int_equal(mprotect(page, 4096, PROT_READ | PROT_WRITE), 0);
        memcpy(page, head, sizeof(head));
        memcpy(page + sizeof(head), code, len);
        memcpy(page + sizeof(head) + len, tail, sizeof(tail));
        assert_int_equal(mprotect(page, 4096, PROT_READ | PROT_EXEC), 0);
        memcpy(last, code, len);
        last_len = len;
    }

    memset(out, 0, sizeof(*out));
    memcpy(out->fx, fx_in, 512);
    uint64_t regs[2] = { 0, 0 };
    rig_install_handlers();
    native_out = out;
    native_code_start = (uintptr_t)page + sizeof(head);
    if (sigsetjmp(native_jmp, 1) == 0) {
        native_active = 1;
        ((void (*)(uint8_t *, uint8_t *, uint64_t *, uint64_t))(void *)page)(
            out->fx, data, regs, (flags & I386_CC_MASK) | 2);
        native_active = 0;
        out->rax = regs[0];
        out->rflags = regs[1];
    }
}

/* The FNINIT state with control word cw and MXCSR 0x1f80, as the guest's
 * initial image. */
static inline void fx_init_state(uint8_t fx[512], uint16_t cw)
{
    memset(fx, 0, 512);
    memcpy(fx + I386_FX_FCW, &cw, 2);
    uint32_t mxcsr = 0x1f80, mask = i386_fpu_host()->mxcsr_mask;
    memcpy(fx + I386_FX_MXCSR, &mxcsr, 4);
    memcpy(fx + I386_FX_MXCSR_MASK, &mask, 4);
}

static inline uint16_t fx_get16(const uint8_t *fx, unsigned off)
{
    uint16_t v;
    memcpy(&v, fx + off, 2);
    return v;
}
static inline uint32_t fx_get32(const uint8_t *fx, unsigned off)
{
    uint32_t v;
    memcpy(&v, fx + off, 4);
    return v;
}

/* Compares two FXSAVE images except the pointer fields (bytes 6-23)
 * over the bytes a 32-bit guest can see (0-287). */
static inline void assert_fx_same_but_pointers(const uint8_t *got, const uint8_t *want)
{
    assert_memory_equal(got, want, 6);
    assert_memory_equal(got + 24, want + 24, I386_FX_GUEST_SIZE - 24);
}

/*
 * Differential check of one snippet: run natively and on both rigs from
 * the same FXSAVE image, data and status flags; everything the guest can
 * see must agree: the exception and where it happened, the x87/SSE
 * image (but the pointer fields, which hold host addresses natively),
 * the data, AX and the status flags.  The guest's pointer fields are
 * checked against what the snippet implies: FIP/FOP of its last
 * non-control instruction (fip_off, -1 for none: still 0), FDP/FDS of the
 * last non-control instruction with a memory operand (fdp_off is the
 * operand's data offset, -1 for none).
 */
typedef struct FpuCase {
    const char *name;
    const uint8_t *code;
    size_t len;
    int fip_off;
    int fdp_off;
} FpuCase;

/* The FOP of the instruction at code[off]: its escape opcode's low 3
 * bits and ModRM, past an operand-size prefix. */
static inline uint16_t fpu_case_fop(const uint8_t *code, int off)
{
    while (code[off] == 0x66)
        off++;
    return (uint16_t)(((code[off] & 7) << 8) | code[off + 1]);
}

static inline void fpu_case_fail(const FpuCase *c, int backend, const uint8_t *fx,
                                 const uint8_t *data, size_t dlen, uint32_t flags,
                                 const char *what)
{
    print_message("x87 case %s, backend %s, %s differs; fcw %04x flags %x data",
                  c->name, backend ? "x86-64" : "interp", what, fx_get16(fx, 0), flags);
    for (size_t i = 0; i < dlen && i < 32; i++)
        print_message(" %02x", data[i]);
    print_message("\n");
}

static inline void fpu_compare(FpuRig rigs[2], const FpuCase *c, const uint8_t *fx,
                               const uint8_t *data, size_t dlen, uint32_t flags)
{
    static uint8_t ndata[RIG_DATA_SIZE];
    assert_true(dlen <= RIG_DATA_SIZE);
    memset(ndata, 0, sizeof(ndata));
    memcpy(ndata, data, dlen);
    static NativeOut no;
    native_run(c->code, c->len, fx, ndata, flags, &no);
    assert_true(no.sig == 0 || no.sig == SIGFPE);

    for (int b = 0; b < 2; b++) {
        FpuRig *r = &rigs[b];
        uint8_t *gdata = r->mem + RIG_DATA;
        memset(gdata, 0, RIG_DATA_SIZE);
        memcpy(gdata, data, dlen);
        int excp = rig_run(r, c->code, c->len, fx, flags);
        I386CPU *cpu = r->cpu;
        int want_excp = no.sig ? I386_EXCP_MF : I386_EXCP_BP;
        uint32_t want_eip = no.sig ? RIG_CODE + (uint32_t)no.fault_off
                                   : RIG_CODE + (uint32_t)c->len + 1;
        if (excp != want_excp || cpu->eip != want_eip) {
            fpu_case_fail(c, b, fx, data, dlen, flags, "exception");
            assert_int_equal(excp, want_excp);
            assert_int_equal(cpu->eip, want_eip);
        }
        const uint8_t *g = cpu->fxstate;
        if (memcmp(g, no.fx, 6) || memcmp(g + 24, no.fx + 24, I386_FX_GUEST_SIZE - 24)) {
            fpu_case_fail(c, b, fx, data, dlen, flags, "x87 state");
            assert_fx_same_but_pointers(g, no.fx);
        }
        if (memcmp(gdata, ndata, RIG_DATA_SIZE)) {
            fpu_case_fail(c, b, fx, data, dlen, flags, "memory");
            assert_memory_equal(gdata, ndata, RIG_DATA_SIZE);
        }
        if (no.sig)
            continue;
        uint32_t gfl = i386_get_eflags(cpu) & I386_CC_MASK;
        if ((cpu->regs[R_EAX] & 0xffff) != (no.rax & 0xffff) ||
            gfl != (no.rflags & I386_CC_MASK)) {
            fpu_case_fail(c, b, fx, data, dlen, flags, "AX or EFLAGS");
            assert_int_equal(cpu->regs[R_EAX] & 0xffff, no.rax & 0xffff);
            assert_int_equal(gfl, no.rflags & I386_CC_MASK);
        }
        uint16_t want_fop = c->fip_off >= 0 ? fpu_case_fop(c->code, c->fip_off) : 0;
        uint32_t want_fip = c->fip_off >= 0 ? RIG_CODE + (uint32_t)c->fip_off : 0;
        uint32_t want_fcs = c->fip_off >= 0 ? cpu->segs[R_CS].selector : 0;
        uint32_t want_fdp = c->fdp_off >= 0 ? RIG_DATA + (uint32_t)c->fdp_off : 0;
        uint32_t want_fds = c->fdp_off >= 0 ? cpu->segs[R_DS].selector : 0;
        if (i386_fpu_host()->fcs_fds_zero)
            want_fcs = want_fds = 0;
        if (fx_get16(g, I386_FX_FOP) != want_fop || fx_get32(g, I386_FX_FIP) != want_fip ||
            fx_get16(g, I386_FX_FCS) != want_fcs || fx_get32(g, I386_FX_FDP) != want_fdp ||
            fx_get16(g, I386_FX_FDS) != want_fds) {
            fpu_case_fail(c, b, fx, data, dlen, flags, "pointers");
            assert_int_equal(fx_get16(g, I386_FX_FOP), want_fop);
            assert_int_equal(fx_get32(g, I386_FX_FIP), want_fip);
            assert_int_equal(fx_get16(g, I386_FX_FCS), want_fcs);
            assert_int_equal(fx_get32(g, I386_FX_FDP), want_fdp);
            assert_int_equal(fx_get16(g, I386_FX_FDS), want_fds);
        }
    }
}

#endif
