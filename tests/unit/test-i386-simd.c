/*
 * MMX, SSE, SSE2, SSE3 and SSSE3 against the host CPU, driven by the
 * opcode map (simd-insn.c).
 *
 * For every row of the map, its register forms (with several register
 * pairs) and memory forms ([ebx+disp8], which is [rbx+disp8] in 64-bit
 * mode, so the same bytes run natively in this test process) run from
 * the same FXSAVE image, data and flags natively and in mimic on both
 * backends, over operand sets drawn from edge values (±0, denormals,
 * infinities, QNaN/SNaN with payloads, integer edges) and MXCSR settings
 * (the four rounding modes, FTZ+DAZ, sticky flags, every exception
 * unmasked).  Everything the guest sees must agree: the exception (#XM
 * with its error code, #GP, #PF) and where, the x87/MMX/SSE image
 * (XMM0-7, MXCSR, the x87 registers and tags), EAX, the status flags and
 * the data.  Also: #GP on misaligned 16-byte operands, #UD for features
 * the CPU model lacks and for invalid forms, LDMXCSR with reserved bits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "i386-fpu-rig.h"
#include "targets/i386/simd-insn.h"
#include "targets/i386/sse-thunk.h"
#include "targets/i386/translate-core.h"

#define CPUID_ECX_SSE3 (1u << 0)
#define CPUID_ECX_SSSE3 (1u << 9)
#define SIMD_EDX (CPUID_MMX | CPUID_SSE | CPUID_SSE2 | CPUID_FXSR)
#define SIMD_ECX (CPUID_ECX_SSE3 | CPUID_ECX_SSSE3)
#define DATA_LEN 96u
#define MEM_DISP 0x20u        /* [ebx + 0x20]: 16-byte aligned */

static uint64_t rng_state = 0x5eed5eed12345678ull;

static uint32_t rnd(void)
{
    /* xorshift64*, fixed seed: the same cases on every run. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* 32-bit lanes: float and integer edges. */
static const uint32_t edge32[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x00000001, 0x807fffff,
    0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00001, 0xffc12345,
    0x7f800001, 0x7fa00000, 0x4f000000, 0xcf000001, 0x7fffffff, 0xffffffff,
    0x00ff00ff, 0x12345678, 0x8000ffff, 0x40490fdb, 0x3eaaaaab, 0x0000ffff,
};
/* 64-bit lanes: double edges. */
static const uint64_t edge64[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff8000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000123ull,
    0xfff8000000abcdefull, 0x7ff0000000000001ull, 0x7ff4000000000000ull,
    0x41e0000000000000ull, 0xc1e0000000200000ull, 0x7fefffffffffffffull,
    0x3ff0000000000001ull, 0x400921fb54442d18ull, 0x47efffffe0000000ull,
    0x3810000000000000ull, 0x0010000000000000ull,
};
static const uint32_t mxcsr_set[] = {
    0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9fc0, 0x1fbf, 0x0000, 0x1f80,
};

static void rnd_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t v;
        switch (rnd() % 4) {
        case 0:
            v = edge64[rnd() % (sizeof(edge64) / 8)];
            break;
        case 1:
            v = (uint64_t)rnd() << 32 | rnd();
            break;
        default:
            v = (uint64_t)edge32[rnd() % (sizeof(edge32) / 4)] << 32 |
                edge32[rnd() % (sizeof(edge32) / 4)];
            break;
        }
        memcpy(p + i, &v, 8);
    }
}

/* A random guest state: XMM0-7, MM0-7 (as x87 registers), MXCSR. */
static void rnd_state(uint8_t fx[512], uint32_t mxcsr)
{
    fx_init_state(fx, 0x37f);
    for (unsigned i = 0; i < 8; i++) {
        rnd_fill(fx + I386_FX_XMM0 + 16 * i, 16);
        rnd_fill(fx + I386_FX_ST0 + 16 * i, 8);
        uint16_t exp = (uint16_t)rnd();
        memcpy(fx + I386_FX_ST0 + 16 * i + 8, &exp, 2);
    }
    fx[I386_FX_FTW] = (uint8_t)rnd();
    memcpy(fx + I386_FX_MXCSR, &mxcsr, 4);
}

/* XM inside a thunk: the mapping linux-user/fault.c does, for the rig. */
static void simd_on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    FpuRig *r = rig_current;
    uint32_t err;
    if (!native_active && r && sig == SIGFPE && i386_fpu_thunk_contains(pc) &&
        i386_sse_thunk_xm(r->cpu->fxstate, uc, &err)) {
        i386_fpu_host_reset();
        CPUState *cs = &r->cpu->parent;
        cpu_restore_state(cs, i386_fpu_thunk_caller_pc((uintptr_t)uc->uc_mcontext.gregs[REG_RSP]));
        r->cpu->error_code = err;
        cs->exception_index = I386_EXCP_XM;
        cpu_loop_exit(cs);
    }
    rig_on_signal(sig, si, ucv);
}

static void simd_install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = simd_on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGFPE, &sa, NULL);
}

/* One snippet: the guest's bytes and the native bytes (they differ only
 * in how EDI/RDI is set up for MASKMOV*), and where the instruction is. */
typedef struct Snip {
    const char *name;
    uint8_t g[32], n[32];
    size_t glen, nlen, goff, noff;
} Snip;

static void snip_both(Snip *s, const uint8_t *b, size_t len)
{
    memcpy(s->g + s->glen, b, len);
    memcpy(s->n + s->nlen, b, len);
    s->glen += len;
    s->nlen += len;
}

static unsigned cases_run, faults_seen, xm_seen;
static int last_native_sig;

static void case_fail(const Snip *s, int backend, const char *what)
{
    print_message("simd case %s (", s->name);
    for (size_t i = 0; i < s->glen; i++)
        print_message("%s%02x", i ? " " : "", s->g[i]);
    print_message("), backend %s: %s differs (native signal %d)\n", backend ? "x86-64" : "interp", what, last_native_sig);
}

static int want_exception(const NativeOut *no)
{
    if (no->sig == SIGFPE)
        return I386_EXCP_XM;
    if (no->sig == SIGSEGV)
        return no->si_code == SI_KERNEL ? I386_EXCP_GP : I386_EXCP_PF;
    return no->sig ? -1 : I386_EXCP_BP;
}

/* Runs s natively and on both rigs from fx and data; all must agree. */
static void compare(FpuRig rigs[2], const Snip *s, const uint8_t *fx, const uint8_t *data,
                    uint32_t flags)
{
    static uint8_t ndata[RIG_DATA_SIZE] __attribute__((aligned(4096)));
    static uint8_t fxin[512] __attribute__((aligned(16)));
    memcpy(fxin, fx, 512);
    memset(ndata, 0, sizeof(ndata));
    memcpy(ndata, data, DATA_LEN);
    static NativeOut no;
    native_run(s->n, s->nlen, fxin, ndata, flags, &no);
    int want = want_exception(&no);
    last_native_sig = no.sig;
    assert_true(want >= 0);
    cases_run++;
    if (no.sig)
        faults_seen++;
    if (want == I386_EXCP_XM)
        xm_seen++;
    uint32_t want_eip = no.sig ? RIG_CODE + (uint32_t)(no.fault_off - s->noff + s->goff)
                               : RIG_CODE + (uint32_t)s->glen + 1;

    for (int b = 0; b < 2; b++) {
        FpuRig *r = &rigs[b];
        memset(r->mem + RIG_DATA, 0, RIG_DATA_SIZE);
        memcpy(r->mem + RIG_DATA, data, DATA_LEN);
        simd_install_handler();
        int excp = rig_run(r, s->g, s->glen, fx, flags);
        I386CPU *cpu = r->cpu;
        if (excp != want || cpu->eip != want_eip) {
            case_fail(s, b, "exception");
            assert_int_equal(excp, want);
            assert_int_equal(cpu->eip, want_eip);
        }
        const uint8_t *g = cpu->fxstate;
        if (memcmp(g, no.fx, 6) || memcmp(g + 24, no.fx + 24, I386_FX_GUEST_SIZE - 24)) {
            case_fail(s, b, "x87/SSE state");
            assert_fx_same_but_pointers(g, no.fx);
        }
        if (memcmp(r->mem + RIG_DATA, ndata, RIG_DATA_SIZE)) {
            case_fail(s, b, "memory");
            assert_memory_equal(r->mem + RIG_DATA, ndata, RIG_DATA_SIZE);
        }
        if (want == I386_EXCP_XM) {
            uint32_t m = fx_get32(no.fx, I386_FX_MXCSR);
            assert_int_equal(cpu->error_code, m & ~(m >> 7) & 0x3f);
        }
        if (no.sig)
            continue;
        uint32_t gfl = i386_get_eflags(cpu) & I386_CC_MASK;
        if (cpu->regs[R_EAX] != (uint32_t)no.rax || gfl != (no.rflags & I386_CC_MASK)) {
            case_fail(s, b, "EAX or EFLAGS");
            assert_int_equal(cpu->regs[R_EAX], (uint32_t)no.rax);
            assert_int_equal(gfl, no.rflags & I386_CC_MASK);
        }
    }
}

static void rigs_init(FpuRig rigs[2], uint32_t edx, uint32_t ecx)
{
    rig_init(&rigs[0], 0, edx, ecx);
    rig_init(&rigs[1], 1, edx, ecx);
}

static void rigs_destroy(FpuRig rigs[2])
{
    rig_destroy(&rigs[0]);
    rig_destroy(&rigs[1]);
}

/* The instruction bytes of row d: prefix, escape, opcode, ModRM. */
static size_t row_opcode(const I386SimdInsn *d, uint8_t *out)
{
    static const uint8_t pfx_byte[4] = { 0, 0x66, 0xf3, 0xf2 };
    size_t n = 0;
    if (d->pfx != SIMD_PFX_NONE)
        out[n++] = pfx_byte[d->pfx];
    out[n++] = 0x0f;
    if (d->map == SIMD_MAP_0F38)
        out[n++] = 0x38;
    else if (d->map == SIMD_MAP_0F3A)
        out[n++] = 0x3a;
    out[n++] = d->op;
    return n;
}

/* A ModRM field for kind k: `pick` for registers, ECX (loaded with a
 * random value first) for general sources, EAX/ECX for results. */
static uint8_t field_for(unsigned k, uint8_t pick, int *gpr_out)
{
    if (k == SIMD_K_GPR_IN)
        return 1;
    if (k == SIMD_K_GPR_OUT) {
        *gpr_out = pick & 1;
        return pick & 1;
    }
    if (k == SIMD_K_NONE)
        return 0;
    return pick & 7;
}

/* Builds the snippet for row d: mem form (disp from RBX/EBX) or register
 * form with fields (a, b). */
static void build(Snip *s, const I386SimdInsn *d, bool mem, uint8_t a, uint8_t bsel,
                  uint8_t disp, uint8_t imm)
{
    memset(s, 0, sizeof(*s));
    s->name = d->name;
    uint8_t pre[5] = { 0xb9 };   /* mov ecx, imm32 */
    uint32_t v = rnd();
    if (rnd() & 1)
        v = edge32[rnd() % (sizeof(edge32) / 4)];
    memcpy(pre + 1, &v, 4);
    snip_both(s, pre, 5);
    if (d->flags & SIMD_F_MASKMOV) {
        static const uint8_t g[] = { 0x8d, 0x7b, 0x10 };          /* lea edi, [ebx+16] */
        static const uint8_t n[] = { 0x57, 0x48, 0x8d, 0x7b, 0x10 }; /* push rdi; lea rdi, [rbx+16] */
        memcpy(s->g + s->glen, g, sizeof(g));
        s->glen += sizeof(g);
        memcpy(s->n + s->nlen, n, sizeof(n));
        s->nlen += sizeof(n);
    }
    s->goff = s->glen;
    s->noff = s->nlen;
    uint8_t insn[12];
    size_t n = row_opcode(d, insn);
    int gpr_out = -1;
    if (!(d->flags & SIMD_F_NO_MODRM)) {
        uint8_t reg = d->sel >= 0 ? (uint8_t)d->sel : field_for(d->reg, a, &gpr_out);
        if (mem) {
            insn[n++] = (uint8_t)(0x40 | reg << 3 | 3);   /* [ebx + disp8] */
            insn[n++] = disp;
        } else {
            insn[n++] = (uint8_t)(0xc0 | reg << 3 | field_for(d->rm, bsel, &gpr_out));
        }
    }
    if (d->flags & SIMD_F_IMM8)
        insn[n++] = imm;
    snip_both(s, insn, n);
    if (gpr_out == 1) {
        static const uint8_t mov[] = { 0x89, 0xc8 };   /* mov eax, ecx */
        snip_both(s, mov, 2);
    }
    if (d->flags & SIMD_F_MASKMOV) {
        s->n[s->nlen++] = 0x5f;                        /* pop rdi */
    }
}

static uint8_t pick_imm(const I386SimdInsn *d, unsigned i)
{
    static const uint8_t shifts[] = { 0, 1, 3, 7, 8, 15, 16, 31, 33, 63, 64, 200 };
    static const uint8_t any[] = { 0x1b, 0x00, 0xff, 0x4e, 0xe4, 0x39, 0x93, 0x72 };
    if (d->op == 0xc2)
        return (uint8_t)(i & 7);          /* the eight predicates */
    if (d->op >= 0x71 && d->op <= 0x73 && d->map == SIMD_MAP_0F)
        return shifts[i % sizeof(shifts)];
    if (d->map == SIMD_MAP_0F3A)
        return shifts[i % sizeof(shifts)];
    return any[i % sizeof(any)];
}

/* Rows the generic loop does not run: those with their own tests. */
static bool generic_row(const I386SimdInsn *d)
{
    return !(d->flags & SIMD_F_FENCE) && !(d->op == 0xae && d->map == SIMD_MAP_0F);
}

static void run_rows(unsigned feat_lo, unsigned feat_hi, unsigned per_form)
{
    static FpuRig rigs[2];
    rigs_init(rigs, SIMD_EDX, SIMD_ECX);
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t data[DATA_LEN];
    unsigned rows = 0;
    cases_run = faults_seen = xm_seen = 0;
    for (unsigned i = 0; i < i386_simd_nb_insns; i++) {
        const I386SimdInsn *d = &i386_simd_insns[i];
        if (d->feat < feat_lo || d->feat > feat_hi || !generic_row(d))
            continue;
        rows++;
        bool has_reg = d->rm != SIMD_K_NONE || (d->flags & SIMD_F_NO_MODRM);
        bool has_mem = d->msize && !(d->flags & SIMD_F_REG_ONLY) && !(d->flags & SIMD_F_MASKMOV);
        for (unsigned k = 0; k < per_form; k++) {
            uint32_t mxcsr = mxcsr_set[k % (sizeof(mxcsr_set) / 4)];
            uint8_t imm = pick_imm(d, k);
            Snip s;
            if (has_reg || (d->flags & SIMD_F_MASKMOV)) {
                rnd_state(fx, mxcsr);
                rnd_fill(data, DATA_LEN);
                build(&s, d, false, (uint8_t)rnd(), k & 1 ? (uint8_t)rnd() : 0, 0, imm);
                compare(rigs, &s, fx, data, k & 2 ? I386_CC_MASK : 0);
            }
            if (has_mem) {
                rnd_state(fx, mxcsr);
                rnd_fill(data, DATA_LEN);
                build(&s, d, true, (uint8_t)rnd(), 0, MEM_DISP, imm);
                compare(rigs, &s, fx, data, k & 2 ? I386_CC_MASK : 0);
            }
        }
    }
    print_message("  %u rows, %u cases, %u faulted (%u #XM)\n", rows, cases_run, faults_seen,
                  xm_seen);
    rigs_destroy(rigs);
}

static void test_sse_sse2_rows(void **state)
{
    (void)state;
    run_rows(SIMD_FEAT_SSE, SIMD_FEAT_SSE2, 16);
}

static void test_sse3_ssse3_rows(void **state)
{
    (void)state;
    run_rows(SIMD_FEAT_SSE3, SIMD_FEAT_SSSE3, 16);
}

static void test_mmx_rows(void **state)
{
    (void)state;
    run_rows(SIMD_FEAT_MMX, SIMD_FEAT_MMX, 12);
}

/* Misaligned 16-byte operands: #GP where hardware gives it, nothing
 * where the row allows it; and #PF on the unmapped page. */
static void test_alignment_and_faults(void **state)
{
    (void)state;
    static FpuRig rigs[2];
    rigs_init(rigs, SIMD_EDX, SIMD_ECX);
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t data[DATA_LEN];
    unsigned gp = 0;
    for (unsigned i = 0; i < i386_simd_nb_insns; i++) {
        const I386SimdInsn *d = &i386_simd_insns[i];
        if (d->msize != 16 || (d->flags & (SIMD_F_REG_ONLY | SIMD_F_MASKMOV)) || !generic_row(d))
            continue;
        rnd_state(fx, 0x1f80);
        rnd_fill(data, DATA_LEN);
        Snip s;
        build(&s, d, true, 2, 0, MEM_DISP + 4, pick_imm(d, 0));
        unsigned before = faults_seen;
        compare(rigs, &s, fx, data, 0);
        if (faults_seen != before)
            gp++;
        assert_int_equal(faults_seen != before, i386_simd_aligned(d));
    }
    print_message("  %u rows gave #GP on a misaligned operand\n", gp);
    /* movdqu xmm1, [ebx + 0x20000] on the unmapped page: #PF at the
     * instruction (guest only: natively the address is not ours). */
    const uint8_t code[] = { 0xf3, 0x0f, 0x6f, 0x8b, 0, 0, 2, 0 };
    for (int b = 0; b < 2; b++) {
        rnd_state(fx, 0x1f80);
        simd_install_handler();
        assert_int_equal(rig_run(&rigs[b], code, sizeof(code), fx, 0), I386_EXCP_PF);
        assert_int_equal(rigs[b].cpu->eip, RIG_CODE);
        assert_int_equal(rigs[b].cpu->cr2, RIG_HOLE);
        assert_memory_equal(rigs[b].cpu->fxstate + I386_FX_XMM0, fx + I386_FX_XMM0, 128);
    }
    rigs_destroy(rigs);
}

static void run_ud(FpuRig *r, const uint8_t *code, size_t len)
{
    static uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x37f);
    simd_install_handler();
    assert_int_equal(rig_run(r, code, len, fx, 0), I386_EXCP_UD);
    assert_int_equal(r->cpu->eip, RIG_CODE);
}

/* #UD: the model lacks the feature; register form of a memory-only row
 * and the reverse; LOCK; an undefined prefix/opcode pair. */
static void test_undefined(void **state)
{
    (void)state;
    static FpuRig r;
    rig_init(&r, 1, 0, 0);   /* the default model: no MMX/SSE */
    run_ud(&r, (const uint8_t[]){ 0x0f, 0x28, 0xc1 }, 3);             /* movaps */
    run_ud(&r, (const uint8_t[]){ 0x0f, 0xef, 0xc1 }, 3);             /* pxor mm */
    run_ud(&r, (const uint8_t[]){ 0x0f, 0xae, 0x53, 0x20 }, 4);       /* ldmxcsr */
    rig_destroy(&r);
    rig_init(&r, 1, SIMD_EDX, 0);    /* SSE2 without SSE3/SSSE3 */
    run_ud(&r, (const uint8_t[]){ 0xf2, 0x0f, 0x12, 0xc1 }, 4);       /* movddup */
    run_ud(&r, (const uint8_t[]){ 0x66, 0x0f, 0x38, 0x00, 0xc1 }, 5); /* pshufb */
    rig_destroy(&r);
    rig_init(&r, 1, SIMD_EDX, SIMD_ECX);
    run_ud(&r, (const uint8_t[]){ 0x0f, 0x13, 0xc1 }, 3);             /* movlps reg, reg */
    run_ud(&r, (const uint8_t[]){ 0x66, 0x0f, 0xd7, 0x03 }, 4);       /* pmovmskb r, m */
    run_ud(&r, (const uint8_t[]){ 0x66, 0x0f, 0x73, 0x13, 4 }, 5);    /* psrlq m, imm */
    run_ud(&r, (const uint8_t[]){ 0xf0, 0x0f, 0x58, 0x03 }, 4);       /* lock addps */
    run_ud(&r, (const uint8_t[]){ 0xf3, 0x0f, 0x28, 0xc1 }, 4);       /* F3 0F 28 */
    run_ud(&r, (const uint8_t[]){ 0x0f, 0x38, 0x20, 0xc1 }, 4);       /* SSE4.1 pmovsx */
    rig_destroy(&r);
}

/* LDMXCSR/STMXCSR, with reserved bits (#GP), and the fences. */
static void test_mxcsr_and_fences(void **state)
{
    (void)state;
    static FpuRig rigs[2];
    rigs_init(rigs, SIMD_EDX, SIMD_ECX);
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t data[DATA_LEN];
    static const uint32_t values[] = { 0x1f80, 0x0000, 0xffbf, 0x9fc0, 0x10000, 0x1f80 | 0x40,
                                       0x80000000, 0x7f80 };
    for (unsigned i = 0; i < sizeof(values) / 4; i++) {
        rnd_state(fx, 0x1f80);
        rnd_fill(data, DATA_LEN);
        memcpy(data + MEM_DISP, &values[i], 4);
        Snip s = { .name = "ldmxcsr/stmxcsr" };
        /* ldmxcsr [ebx+0x20]; stmxcsr [ebx+0x30]; lfence; mfence; sfence */
        const uint8_t code[] = { 0x0f, 0xae, 0x53, 0x20, 0x0f, 0xae, 0x5b, 0x30,
                                 0x0f, 0xae, 0xe8, 0x0f, 0xae, 0xf0, 0x0f, 0xae, 0xf8 };
        snip_both(&s, code, sizeof(code));
        compare(rigs, &s, fx, data, 0);
    }
    rigs_destroy(rigs);
}

/* A short sequence the way compiled code uses them: a glibc-style strlen
 * step, a double computation with a compare, and MMX then EMMS. */
static void test_sequences(void **state)
{
    (void)state;
    static FpuRig rigs[2];
    rigs_init(rigs, SIMD_EDX, SIMD_ECX);
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t data[DATA_LEN];
    /* pxor xmm0,xmm0; movdqa xmm1,[ebx+0x20]; pcmpeqb xmm1,xmm0;
     * pmovmskb eax,xmm1; bsf eax,eax */
    static const uint8_t strlen_step[] = {
        0x66, 0x0f, 0xef, 0xc0, 0x66, 0x0f, 0x6f, 0x4b, 0x20, 0x66, 0x0f, 0x74, 0xc8,
        0x66, 0x0f, 0xd7, 0xc1, 0x0f, 0xbc, 0xc0 };
    /* movsd xmm0,[ebx+0x20]; mulsd xmm0,[ebx+0x28]; addsd xmm0,xmm0;
     * ucomisd xmm0,[ebx+0x30]; cvttsd2si eax,xmm0; movsd [ebx+0x38],xmm0 */
    static const uint8_t scalar[] = {
        0xf2, 0x0f, 0x10, 0x43, 0x20, 0xf2, 0x0f, 0x59, 0x43, 0x28, 0xf2, 0x0f, 0x58, 0xc0,
        0x66, 0x0f, 0x2e, 0x43, 0x30, 0xf2, 0x0f, 0x2c, 0xc0, 0xf2, 0x0f, 0x11, 0x43, 0x38 };
    /* movq mm0,[ebx+0x20]; paddb mm0,[ebx+0x28]; movq [ebx+0x30],mm0; emms;
     * fld1 (the stack is usable again) */
    static const uint8_t mmx[] = {
        0x0f, 0x6f, 0x43, 0x20, 0x0f, 0xfc, 0x43, 0x28, 0x0f, 0x7f, 0x43, 0x30, 0x0f, 0x77,
        0xd9, 0xe8 };
    static const struct { const uint8_t *p; size_t n; } seqs[] = {
        { strlen_step, sizeof(strlen_step) }, { scalar, sizeof(scalar) }, { mmx, sizeof(mmx) },
    };
    for (unsigned i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
        for (unsigned k = 0; k < 8; k++) {
            rnd_state(fx, mxcsr_set[k]);
            rnd_fill(data, DATA_LEN);
            data[MEM_DISP + (rnd() % 16)] = 0;
            Snip s = { .name = "sequence" };
            snip_both(&s, seqs[i].p, seqs[i].n);
            compare(rigs, &s, fx, data, 0);
        }
    rigs_destroy(rigs);
}

/* The decode tables agree with the map: every 0F opcode of the map leads
 * to the SIMD handlers, with an imm8 exactly where the map has one, and
 * no two rows claim the same encoding. */
static void test_map_consistency(void **state)
{
    (void)state;
    for (unsigned i = 0; i < i386_simd_nb_insns; i++) {
        const I386SimdInsn *d = &i386_simd_insns[i];
        const I386OpEntry *e = d->map == SIMD_MAP_0F38   ? &i386_simd_row_0f38
                               : d->map == SIMD_MAP_0F3A ? &i386_simd_row_0f3a
                                                         : &i386_optab_0f[d->op];
        bool table_imm = e->op[0].method == I386_AM_I;
        if (e->trans != i386_trans_simd && e->trans != i386_trans_grp15) {
            print_message("row %s (0F %02x) is not a SIMD row in the decode table\n", d->name,
                          d->op);
            fail();
        }
        if (table_imm != !!(d->flags & SIMD_F_IMM8)) {
            print_message("row %s (0F %02x): imm8 disagrees\n", d->name, d->op);
            fail();
        }
        assert_ptr_equal(i386_simd_lookup(d->map, d->pfx, d->op, d->sel < 0 ? 0 : (unsigned)d->sel),
                         d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_consistency),
        cmocka_unit_test(test_sse_sse2_rows),
        cmocka_unit_test(test_sse3_ssse3_rows),
        cmocka_unit_test(test_mmx_rows),
        cmocka_unit_test(test_alignment_and_faults),
        cmocka_unit_test(test_undefined),
        cmocka_unit_test(test_mxcsr_and_fences),
        cmocka_unit_test(test_sequences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
