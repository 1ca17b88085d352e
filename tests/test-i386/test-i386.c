/*
 * test-i386: the CPU test program of issue 4.  Runs instruction forms
 * over tables of edge operands and prints the results and the
 * architecturally defined flags; the suite (run-test-i386.sh) runs it
 * natively and under mimic-i386 and requires identical output.
 *
 *     test-i386 [SECTION...]     no argument: every section
 *
 * Flags the SDM leaves undefined for an instruction are masked out before
 * printing (the masks are tabulated in README.md), so the native CPU's
 * arbitrary choices never count as a difference.  Output never contains
 * an address: faulting eips are printed relative to the function that
 * holds the instruction, which is fixed for a given binary.
 *
 * Built gcc -m32 -static -O1 (not PIE) so that ebx is free for operands.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <ucontext.h>
#include <asm/ldt.h>

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define OF 0x800
#define ARITH (CF | PF | AF | ZF | SF | OF)
#define LOGIC (CF | PF | ZF | SF | OF)      /* AF undefined */

/* Registers in and out of one instruction form; f is EFLAGS. */
struct regs {
    uint32_t a, d, c, b, f;
};

typedef void (*insn_fn)(struct regs *r);

/*
 * One function per instruction form: load the registers and the
 * flags (popf), run the instruction, save the flags (pushf).  Only the
 * arithmetic flags are ever set on the way in, so TF and DF stay clear.
 */
#define DEF(name, insn)                                                     \
    static void __attribute__((noinline)) name(struct regs *r)             \
    {                                                                       \
        uint32_t fl = r->f | 0x202;                                         \
        asm volatile("push %4\n\tpopf\n\t" insn "\n\tpushf\n\tpop %4"       \
                     : "+a"(r->a), "+d"(r->d), "+c"(r->c), "+b"(r->b),      \
                       "+S"(fl)                                             \
                     :                                                      \
                     : "cc", "memory");                                     \
        r->f = fl;                                                          \
    }

static const uint32_t vals[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x12345678, 0x89abcdef,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

/* ---- faults: sigsetjmp around the forms that may trap ---- */

static sigjmp_buf fault_env;
static volatile uintptr_t fault_base;   /* function the eip is relative to */
static int fault_sig, fault_code;
static uint32_t fault_eip;
static uint8_t *fault_addr;     /* si_addr */
static unsigned fault_err;      /* the page fault error code (sigcontext err) */

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = si->si_addr;
    fault_err = (unsigned)uc->uc_mcontext.gregs[REG_ERR];
    fault_eip = uc->uc_mcontext.gregs[REG_EIP] - (uint32_t)fault_base;
    siglongjmp(fault_env, 1);
}

static void catch_faults(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    /* Handlers run on their own stack: some tests fault with ESP
     * pointing nowhere. */
    static uint8_t altstack[65536];
    stack_t st = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&st, NULL);
    int sigs[] = { SIGFPE, SIGILL, SIGSEGV, SIGTRAP, SIGBUS };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

/* Runs fn; returns 1 (and prints the signal) if it faulted. */
static int run_guarded(insn_fn fn, struct regs *r)
{
    fault_base = (uintptr_t)fn;
    if (sigsetjmp(fault_env, 1)) {
        printf(" -> sig %d code %d eip +0x%x\n", fault_sig, fault_code, fault_eip);
        return 1;
    }
    fn(r);
    return 0;
}

/* ---- alu ---- */

#define ALU3(op)                                                            \
    DEF(op##8, #op "b %%cl, %%al")                                          \
    DEF(op##16, #op "w %%cx, %%ax")                                         \
    DEF(op##32, #op "l %%ecx, %%eax")
#define UN3(op)                                                             \
    DEF(op##8, #op "b %%al")                                                \
    DEF(op##16, #op "w %%ax")                                               \
    DEF(op##32, #op "l %%eax")

ALU3(add) ALU3(adc) ALU3(sub) ALU3(sbb) ALU3(and) ALU3(or) ALU3(xor)
ALU3(cmp) ALU3(test) UN3(inc) UN3(dec) UN3(neg) UN3(not)
/* memory-destination and immediate forms take other decoder paths */
DEF(addm32, "addl %%ecx, (%%ebx)")
DEF(subm16, "subw %%cx, (%%ebx)")
DEF(addi8_32, "addl $-3, %%eax")
DEF(sbbi32, "sbbl $0x7fffffff, %%eax")
DEF(xori16, "xorw $0x8001, %%ax")

struct form {
    const char *name;
    insn_fn fn;
    uint32_t mask;
};

#define F3(op, m) { #op "8", op##8, m }, { #op "16", op##16, m }, { #op "32", op##32, m }

static const struct form alu_bin[] = {
    F3(add, ARITH), F3(adc, ARITH), F3(sub, ARITH), F3(sbb, ARITH),
    F3(and, LOGIC), F3(or, LOGIC), F3(xor, LOGIC), F3(cmp, ARITH),
    F3(test, LOGIC),
};
static const struct form alu_un[] = {
    F3(inc, ARITH), F3(dec, ARITH), F3(neg, ARITH), F3(not, ARITH),
    { "addi8_32", addi8_32, ARITH }, { "sbbi32", sbbi32, ARITH },
    { "xori16", xori16, LOGIC },
};

static void show(const char *name, const struct regs *in, const struct regs *out,
                 uint32_t mask)
{
    printf("%s a=%08x c=%08x d=%08x f=%03x -> a=%08x c=%08x d=%08x f=%03x\n",
           name, in->a, in->c, in->d, in->f, out->a, out->c, out->d,
           out->f & mask);
}

static void sec_alu(void)
{
    /* flags in: all clear, and all set (shows what is left unchanged) */
    static const uint32_t fin[] = { 0, ARITH };
    for (unsigned k = 0; k < sizeof(alu_bin) / sizeof(alu_bin[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned j = 0; j < NVALS; j++)
                for (unsigned q = 0; q < 2; q++) {
                    struct regs in = { vals[i], 0, vals[j], 0, fin[q] }, out = in;
                    alu_bin[k].fn(&out);
                    show(alu_bin[k].name, &in, &out, alu_bin[k].mask);
                }
    for (unsigned k = 0; k < sizeof(alu_un) / sizeof(alu_un[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned q = 0; q < 2; q++) {
                struct regs in = { vals[i], 0, 0, 0, fin[q] }, out = in;
                alu_un[k].fn(&out);
                show(alu_un[k].name, &in, &out, alu_un[k].mask);
            }
    for (unsigned i = 0; i < NVALS; i++)
        for (unsigned j = 0; j < NVALS; j++) {
            uint32_t mem = vals[i];
            struct regs in = { 0, 0, vals[j], (uint32_t)&mem, CF }, out = in;
            addm32(&out);
            printf("addm32 m=%08x c=%08x -> m=%08x f=%03x\n", vals[i], vals[j], mem,
                   out.f & ARITH);
            mem = vals[i];
            out = in;
            subm16(&out);
            printf("subm16 m=%08x c=%08x -> m=%08x f=%03x\n", vals[i], vals[j], mem,
                   out.f & ARITH);
        }
}

/* ---- shift ---- */

#define SH3(op)                                                             \
    DEF(op##8, #op "b %%cl, %%al")                                          \
    DEF(op##16, #op "w %%cl, %%ax")                                         \
    DEF(op##32, #op "l %%cl, %%eax")
SH3(shl) SH3(shr) SH3(sar) SH3(rol) SH3(ror) SH3(rcl) SH3(rcr)
DEF(shld16, "shldw %%cl, %%dx, %%ax")
DEF(shld32, "shldl %%cl, %%edx, %%eax")
DEF(shrd16, "shrdw %%cl, %%dx, %%ax")
DEF(shrd32, "shrdl %%cl, %%edx, %%eax")
DEF(shl1_32, "shll $1, %%eax")
DEF(sar1_16, "sarw $1, %%ax")
DEF(rcr1_8, "rcrb $1, %%al")
DEF(shli32, "shll $5, %%eax")
DEF(shldi32, "shldl $7, %%edx, %%eax")

enum { SH_SHIFT, SH_SHX, SH_ROT, SH_DBL };

struct shform {
    const char *name;
    insn_fn fn;
    int width, kind;
};

#define S3(op, kind) { #op "8", op##8, 8, kind }, { #op "16", op##16, 16, kind }, \
                     { #op "32", op##32, 32, kind }

static const struct shform shifts[] = {
    S3(shl, SH_SHX), S3(shr, SH_SHX), S3(sar, SH_SHIFT), S3(rol, SH_ROT),
    S3(ror, SH_ROT), S3(rcl, SH_ROT), S3(rcr, SH_ROT),
    { "shld16", shld16, 16, SH_DBL }, { "shld32", shld32, 32, SH_DBL },
    { "shrd16", shrd16, 16, SH_DBL }, { "shrd32", shrd32, 32, SH_DBL },
};

/*
 * The defined flags of a shift by count (already masked to 5 bits):
 * none change for 0; AF is undefined otherwise (shifts), OF for counts
 * other than 1, CF for shl/shr by the operand width or more.  Double
 * shifts by more than the width leave result and flags undefined: -1.
 */
static int shift_mask(int kind, int width, unsigned n, uint32_t *mask)
{
    *mask = ARITH;
    if (n == 0)
        return 0;
    if (kind == SH_DBL && (int)n > width)
        return -1;
    if (kind != SH_ROT)
        *mask &= ~AF;
    if (n != 1)
        *mask &= ~OF;
    if (kind == SH_SHX && (int)n >= width)
        *mask &= ~CF;
    return 0;
}

static void sec_shift(void)
{
    for (unsigned k = 0; k < sizeof(shifts) / sizeof(shifts[0]); k++) {
        int w = shifts[k].width;
        unsigned counts[] = { 0, 1, 3, w - 1, w, w + 1, 31, 32 };
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned j = 0; j < 8; j++)
                for (unsigned q = 0; q < 2; q++) {
                    uint32_t mask;
                    struct regs in = { vals[i], vals[(i + 5) % NVALS], counts[j], 0,
                                       q ? ARITH : 0 }, out = in;
                    shifts[k].fn(&out);
                    if (shift_mask(shifts[k].kind, w, counts[j] & 31, &mask) < 0) {
                        printf("%s a=%08x d=%08x n=%u: undefined\n", shifts[k].name,
                               in.a, in.d, counts[j]);
                        continue;
                    }
                    show(shifts[k].name, &in, &out, mask);
                }
    }
    /* the by-1 and immediate encodings */
    struct { const char *name; insn_fn fn; uint32_t mask; } imm[] = {
        { "shl1_32", shl1_32, ARITH & ~AF }, { "sar1_16", sar1_16, ARITH & ~AF },
        { "rcr1_8", rcr1_8, ARITH }, { "shli32", shli32, ARITH & ~(AF | OF) },
        { "shldi32", shldi32, ARITH & ~(AF | OF) },
    };
    for (unsigned k = 0; k < sizeof(imm) / sizeof(imm[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned q = 0; q < 2; q++) {
                struct regs in = { vals[i], vals[(i + 3) % NVALS], 0, 0, q ? ARITH : 0 };
                struct regs out = in;
                imm[k].fn(&out);
                show(imm[k].name, &in, &out, imm[k].mask);
            }
}

/* ---- muldiv ---- */

DEF(mul8, "mulb %%cl") DEF(mul16, "mulw %%cx") DEF(mul32, "mull %%ecx")
DEF(imul8, "imulb %%cl") DEF(imul16, "imulw %%cx") DEF(imul32, "imull %%ecx")
DEF(imul2_16, "imulw %%cx, %%ax") DEF(imul2_32, "imull %%ecx, %%eax")
DEF(imul3_16, "imulw $0x1234, %%cx, %%ax") DEF(imul3_32, "imull $-70000, %%ecx, %%eax")
DEF(imul3b_32, "imull $-3, %%ecx, %%eax")
DEF(imulm_32, "imull (%%ebx), %%eax")
DEF(div8, "divb %%cl") DEF(div16, "divw %%cx") DEF(div32, "divl %%ecx")
DEF(idiv8, "idivb %%cl") DEF(idiv16, "idivw %%cx") DEF(idiv32, "idivl %%ecx")

static const struct form muls[] = {
    F3(mul, CF | OF), F3(imul, CF | OF),
    { "imul2_16", imul2_16, CF | OF }, { "imul2_32", imul2_32, CF | OF },
    { "imul3_16", imul3_16, CF | OF }, { "imul3_32", imul3_32, CF | OF },
    { "imul3b_32", imul3b_32, CF | OF }, { "imulm_32", imulm_32, CF | OF },
    F3(div, 0), F3(idiv, 0),       /* div leaves every flag undefined */
};

static void sec_muldiv(void)
{
    static const uint32_t dvals[] = { 0, 1, 0x7f, 0x8000, 0x7fffffff, 0xffffffff };
    for (unsigned k = 0; k < sizeof(muls) / sizeof(muls[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned j = 0; j < NVALS; j++)
                for (unsigned m = 0; m < sizeof(dvals) / sizeof(dvals[0]); m++) {
                    uint32_t mem = vals[j];
                    struct regs in = { vals[i], dvals[m], vals[j], (uint32_t)&mem, 0 };
                    struct regs out = in;
                    /* mul and imul ignore edx: one value of it is enough */
                    if (muls[k].mask && m > 0)
                        break;
                    printf("%s a=%08x c=%08x d=%08x", muls[k].name, in.a, in.c, in.d);
                    if (run_guarded(muls[k].fn, &out))
                        continue;
                    printf(" -> a=%08x d=%08x f=%03x\n", out.a, out.d, out.f & muls[k].mask);
                }
}

/* ---- bcd ---- */

DEF(daa_, "daa") DEF(das_, "das") DEF(aaa_, "aaa") DEF(aas_, "aas")
DEF(aam10, "aam") DEF(aam16, "aam $16") DEF(aam0, "aam $0")
DEF(aad10, "aad") DEF(aad7, "aad $7")

static const struct form bcds[] = {
    { "daa", daa_, CF | AF | SF | ZF | PF }, { "das", das_, CF | AF | SF | ZF | PF },
    { "aaa", aaa_, CF | AF }, { "aas", aas_, CF | AF },
    { "aam10", aam10, SF | ZF | PF }, { "aam16", aam16, SF | ZF | PF },
    { "aad10", aad10, SF | ZF | PF }, { "aad7", aad7, SF | ZF | PF },
};

static void sec_bcd(void)
{
    static const uint32_t ahs[] = { 0, 0x09, 0xff };
    for (unsigned k = 0; k < sizeof(bcds) / sizeof(bcds[0]); k++)
        for (unsigned al = 0; al < 256; al++)
            for (unsigned h = 0; h < 3; h++)
                for (unsigned q = 0; q < 4; q++) {
                    uint32_t f = (q & 1 ? CF : 0) | (q & 2 ? AF : 0);
                    struct regs in = { 0x12340000 | ahs[h] << 8 | al, 0, 0, 0, f };
                    struct regs out = in;
                    bcds[k].fn(&out);
                    printf("%s a=%08x f=%03x -> a=%08x f=%03x\n", bcds[k].name, in.a, f,
                           out.a, out.f & bcds[k].mask);
                }
    struct regs r = { 0x1234, 0, 0, 0, 0 };
    printf("aam0 a=00001234");
    if (!run_guarded(aam0, &r))
        printf(" -> no fault\n");
}

/* ---- bitops ---- */

DEF(bt16, "btw %%cx, %%ax") DEF(bt32, "btl %%ecx, %%eax")
DEF(bts32, "btsl %%ecx, %%eax") DEF(btr32, "btrl %%ecx, %%eax")
DEF(btc16, "btcw %%cx, %%ax")
DEF(btsi32, "btsl $35, %%eax") DEF(btri16, "btrw $13, %%ax")
DEF(btm32, "btl %%ecx, (%%ebx)") DEF(btsm32, "btsl %%ecx, (%%ebx)")
DEF(btrm16, "btrw %%cx, (%%ebx)") DEF(btcm32, "btcl %%ecx, (%%ebx)")
DEF(bsf16, "bsfw %%cx, %%ax") DEF(bsf32, "bsfl %%ecx, %%eax")
DEF(bsr16, "bsrw %%cx, %%ax") DEF(bsr32, "bsrl %%ecx, %%eax")
DEF(bswap32, "bswap %%eax")

static void sec_bitops(void)
{
    static const struct form bts[] = {
        { "bt16", bt16, CF | ZF }, { "bt32", bt32, CF | ZF }, { "bts32", bts32, CF | ZF },
        { "btr32", btr32, CF | ZF }, { "btc16", btc16, CF | ZF },
        { "btsi32", btsi32, CF | ZF }, { "btri16", btri16, CF | ZF },
    };
    static const uint32_t offs[] = { 0, 1, 7, 15, 16, 31, 32, 33, 63, 0xffffffff,
                                     0xffffffe0, 0x80000000, 0x7fffffff };
    for (unsigned k = 0; k < sizeof(bts) / sizeof(bts[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned j = 0; j < sizeof(offs) / sizeof(offs[0]); j++)
                for (unsigned q = 0; q < 2; q++) {
                    struct regs in = { vals[i], 0, offs[j], 0, q ? ARITH : 0 }, out = in;
                    bts[k].fn(&out);
                    show(bts[k].name, &in, &out, bts[k].mask);
                }
    /* memory bit strings: the offset reaches outside the addressed word */
    static const struct form btms[] = {
        { "btm32", btm32, CF | ZF }, { "btsm32", btsm32, CF | ZF },
        { "btrm16", btrm16, CF | ZF }, { "btcm32", btcm32, CF | ZF },
    };
    static const int32_t moffs[] = { 0, 5, 31, 32, 45, 100, -1, -17, -32, -33, -100 };
    for (unsigned k = 0; k < sizeof(btms) / sizeof(btms[0]); k++)
        for (unsigned j = 0; j < sizeof(moffs) / sizeof(moffs[0]); j++) {
            uint32_t buf[16];
            for (unsigned w = 0; w < 16; w++)
                buf[w] = 0x9e3779b9u * (w + 1);
            struct regs in = { 0, 0, (uint32_t)moffs[j], (uint32_t)&buf[8], 0 };
            struct regs out = in;
            btms[k].fn(&out);
            printf("%s off=%d -> f=%03x buf", btms[k].name, moffs[j], out.f & btms[k].mask);
            for (unsigned w = 0; w < 16; w++)
                printf(" %08x", buf[w]);
            printf("\n");
        }
    /* bsf/bsr: ZF only; the destination is undefined for a zero source */
    static const struct form bss[] = {
        { "bsf16", bsf16, ZF }, { "bsf32", bsf32, ZF },
        { "bsr16", bsr16, ZF }, { "bsr32", bsr32, ZF },
    };
    for (unsigned k = 0; k < sizeof(bss) / sizeof(bss[0]); k++)
        for (unsigned j = 0; j < NVALS; j++) {
            struct regs in = { 0xdeadbeef, 0, vals[j], 0, 0 }, out = in;
            bss[k].fn(&out);
            uint32_t zmask = bss[k].name[4] == '1' ? 0xffff : 0xffffffff;
            if ((vals[j] & zmask) == 0)
                printf("%s c=%08x -> f=%03x\n", bss[k].name, in.c, out.f & ZF);
            else
                show(bss[k].name, &in, &out, ZF);
        }
    for (unsigned i = 0; i < NVALS; i++) {
        struct regs in = { vals[i], 0, 0, 0, ARITH }, out = in;
        bswap32(&out);
        show("bswap32", &in, &out, ARITH);
    }
}

/* ---- cond ---- */

#define CC16(X) X(o) X(no) X(b) X(ae) X(e) X(ne) X(be) X(a) \
                X(s) X(ns) X(p) X(np) X(l) X(ge) X(le) X(g)
#define SETCC(cc) DEF(set_##cc, "set" #cc " %%al")
#define CMOVCC(cc) DEF(cmov_##cc, "cmov" #cc "l %%ecx, %%eax")
#define JCC(cc) DEF(j_##cc, "movl $0, %%eax\n\tj" #cc " 1f\n\tmovl $1, %%eax\n1:")
CC16(SETCC) CC16(CMOVCC) CC16(JCC)
#define NAMES(cc) #cc,
#define SETS(cc) set_##cc,
#define CMOVS(cc) cmov_##cc,
#define JS(cc) j_##cc,

static void sec_cond(void)
{
    static const char *names[] = { CC16(NAMES) };
    static const insn_fn sets[] = { CC16(SETS) }, cmovs[] = { CC16(CMOVS) },
                         js[] = { CC16(JS) };
    static const uint32_t bits[] = { CF, PF, ZF, SF, OF };
    for (unsigned c = 0; c < 16; c++)
        for (unsigned m = 0; m < 32; m++) {
            uint32_t f = 0;
            for (unsigned b = 0; b < 5; b++)
                if (m & 1u << b)
                    f |= bits[b];
            struct regs r1 = { 0x11111111, 0, 0, 0, f }, r2 = { 0x22222222, 0, 0x33333333, 0, f };
            struct regs r3 = { 0, 0, 0, 0, f };
            sets[c](&r1);
            cmovs[c](&r2);
            js[c](&r3);
            printf("%-2s f=%03x set=%08x cmov=%08x j=%u f=%03x\n", names[c], f, r1.a, r2.a,
                   r3.a, r1.f & ARITH);
        }
}

/* ---- string ---- */

/* One rep string instruction over a 64-byte buffer, from index si/di. */
#define STR(name, insn)                                                     \
    static void __attribute__((noinline)) name(struct regs *r)             \
    {                                                                       \
        uint32_t fl = r->f | 0x202;                                         \
        asm volatile("push %4\n\tpopf\n\t" insn "\n\tpushf\n\tpop %4\n\tcld"   \
                     : "+a"(r->a), "+S"(r->d), "+D"(r->b), "+c"(r->c),      \
                       "+d"(fl)                                             \
                     :                                                      \
                     : "cc", "memory");                                     \
        r->f = fl;                                                          \
    }
STR(movsb_, "rep movsb") STR(movsw_, "rep movsw") STR(movsl_, "rep movsl")
STR(stosb_, "rep stosb") STR(stosl_, "rep stosl") STR(lodsw_, "rep lodsw")
STR(scasb_, "repne scasb") STR(scasl_, "repe scasl")
STR(cmpsb_, "repe cmpsb") STR(cmpsw_, "repne cmpsw") STR(movsb1, "movsb")
STR(cmpsl1, "cmpsl")

static uint8_t sbuf[2][64];

static void sec_string(void)
{
    static const struct form ss[] = {
        { "movsb", movsb_, ARITH }, { "movsw", movsw_, ARITH }, { "movsl", movsl_, ARITH },
        { "stosb", stosb_, ARITH }, { "stosl", stosl_, ARITH }, { "lodsw", lodsw_, ARITH },
        { "scasb", scasb_, ARITH }, { "scasl", scasl_, ARITH }, { "cmpsb", cmpsb_, ARITH },
        { "cmpsw", cmpsw_, ARITH }, { "movsb1", movsb1, ARITH }, { "cmpsl1", cmpsl1, ARITH },
    };
    static const uint32_t counts[] = { 0, 1, 3, 8 };
    for (unsigned k = 0; k < sizeof(ss) / sizeof(ss[0]); k++)
        for (unsigned df = 0; df < 2; df++)
            for (unsigned n = 0; n < 4; n++) {
                for (unsigned i = 0; i < 64; i++) {
                    sbuf[0][i] = (uint8_t)(i * 7 + 1);
                    /* equal only at 31..33: cmps stops two steps from 32 */
                    sbuf[1][i] = i >= 31 && i <= 33 ? sbuf[0][i] : (uint8_t)(i * 13 + 5);
                }
                uint32_t s0 = (uint32_t)&sbuf[0][32], d0 = (uint32_t)&sbuf[1][32];
                struct regs r = { 0x99aa0001, s0, counts[n], d0, (df ? 0x400 : 0) | ZF };
                ss[k].fn(&r);
                printf("%s df=%u n=%u -> a=%08x si=%+d di=%+d c=%u f=%03x buf", ss[k].name, df,
                       counts[n], r.a, (int)(r.d - s0), (int)(r.b - d0), r.c, r.f & ARITH);
                for (unsigned i = 20; i < 44; i++)
                    printf("%02x", sbuf[1][i]);
                printf("\n");
            }
}

/* ---- atomic ---- */

DEF(cmpxchg8, "cmpxchgb %%cl, %%dl") DEF(cmpxchg16, "cmpxchgw %%cx, %%dx")
DEF(cmpxchg32, "cmpxchgl %%ecx, %%edx")
DEF(lcmpxchg32, "lock cmpxchgl %%ecx, (%%ebx)")
DEF(xadd8, "xaddb %%cl, %%al") DEF(xadd16, "xaddw %%cx, %%ax")
DEF(xadd32, "xaddl %%ecx, %%eax") DEF(lxadd32, "lock xaddl %%ecx, (%%ebx)")

static uint64_t c8b_mem;
static void __attribute__((noinline)) do_cmpxchg8b(uint32_t r[5])
{
    /* edx:eax is compared with memory; ecx:ebx is stored if equal */
    asm volatile("lock cmpxchg8b %5\n\tpushf\n\tpop %4"
                 : "+a"(r[0]), "+d"(r[1]), "+c"(r[2]), "+b"(r[3]), "=S"(r[4])
                 : "m"(c8b_mem) : "cc", "memory");
}

static void sec_atomic(void)
{
    static const struct form fs[] = {
        { "cmpxchg8", cmpxchg8, ARITH }, { "cmpxchg16", cmpxchg16, ARITH },
        { "cmpxchg32", cmpxchg32, ARITH }, { "xadd8", xadd8, ARITH },
        { "xadd16", xadd16, ARITH }, { "xadd32", xadd32, ARITH },
    };
    for (unsigned k = 0; k < sizeof(fs) / sizeof(fs[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned j = 0; j < NVALS; j += 3) {
                /* for cmpxchg: d equal to a, and not */
                struct regs in = { vals[i], j & 1 ? vals[i] : vals[(i + 1) % NVALS],
                                   vals[j], 0, 0 }, out = in;
                fs[k].fn(&out);
                show(fs[k].name, &in, &out, ARITH);
            }
    for (unsigned i = 0; i < NVALS; i++)
        for (unsigned j = 0; j < 2; j++) {
            uint32_t mem = vals[(i + 2) % NVALS];
            struct regs in = { j ? mem : vals[i], 0, vals[i], (uint32_t)&mem, 0 }, out = in;
            lcmpxchg32(&out);
            printf("lcmpxchg32 a=%08x c=%08x -> a=%08x m=%08x f=%03x\n", in.a, in.c, out.a,
                   mem, out.f & ARITH);
            mem = vals[(i + 2) % NVALS];
            out = in;
            lxadd32(&out);
            printf("lxadd32 c=%08x -> c=%08x m=%08x f=%03x\n", in.c, out.c, mem,
                   out.f & ARITH);
        }
    for (unsigned i = 0; i < NVALS; i++)
        for (unsigned j = 0; j < 2; j++) {
            c8b_mem = (uint64_t)vals[i] << 32 | vals[(i + 4) % NVALS];
            uint32_t r[5] = { j ? vals[(i + 4) % NVALS] : 5, vals[i], 0xcafe0000 + i,
                              0xf00d0000 + j, 0 };
            do_cmpxchg8b(r);
            printf("cmpxchg8b i=%u j=%u -> a=%08x d=%08x m=%016llx zf=%u\n", i, j, r[0], r[1],
                   (unsigned long long)c8b_mem, !!(r[4] & ZF));
        }
}

/* ---- lea ---- */

DEF(lea1, "leal 0x10(%%eax,%%ecx,4), %%edx")
DEF(lea2, "leal -0x80(%%ecx,%%eax,8), %%edx")
DEF(lea3, "leal 0x12345678(,%%eax,2), %%edx")
DEF(lea4, "leal (%%eax,%%eax), %%edx")
DEF(lea5, "leaw 0x7fff(%%eax,%%ecx), %%dx")
DEF(lea16a, "leal 0x1234(%%bx,%%si), %%edx")
DEF(lea16b, "leaw -2(%%bx), %%dx")
DEF(lea16c, "leal 0xfff0(%%bx), %%edx")

static void sec_lea(void)
{
    static const struct form ls[] = {
        { "lea1", lea1, 0 }, { "lea2", lea2, 0 }, { "lea3", lea3, 0 },
        { "lea4", lea4, 0 }, { "lea5", lea5, 0 }, { "lea16a", lea16a, 0 },
        { "lea16b", lea16b, 0 }, { "lea16c", lea16c, 0 },
    };
    for (unsigned k = 0; k < sizeof(ls) / sizeof(ls[0]); k++)
        for (unsigned i = 0; i < NVALS; i++)
            for (unsigned j = 0; j < NVALS; j += 2) {
                /* si is DEF's flags register: 0x202 here, a fixed value */
                struct regs in = { vals[i], 0x5a5a5a5a, vals[j], vals[(i + j) % NVALS], 0 };
                struct regs out = in;
                ls[k].fn(&out);
                printf("%s a=%08x b=%08x c=%08x -> d=%08x\n", ls[k].name, in.a, in.b, in.c,
                       out.d);
            }
}

/* ---- exceptions ---- */

DEF(x_ud2, "ud2") DEF(x_int3, "int3") DEF(x_into, "movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\tinto")
DEF(x_bound, "boundl %%eax, (%%ebx)") DEF(x_hlt, "hlt") DEF(x_cli, "cli")
DEF(x_div0, "xorl %%ecx, %%ecx\n\tdivl %%ecx")
DEF(x_load0, "movl (%%ecx), %%eax") DEF(x_store_ro, "movl %%eax, (%%ebx)")
DEF(x_in, "inb $0x80, %%al") DEF(x_int80bad, "int $0x81")
/* Accesses that wrap past 4 GiB break the flat segments' limit: #GP,
 * or #SS for the stack (the CPU checks limits before paging). */
DEF(x_wrap_load, "movl (%%ebx), %%eax") DEF(x_wrap_store16, "movw %%ax, (%%ebx)")
DEF(x_wrap_lods, "xchgl %%ebx, %%esi\n\tlodsl\n\txchgl %%ebx, %%esi")
DEF(x_wrap_push, "movl %%esp, %%edx\n\tmovl %%ebx, %%esp\n\tpushl %%eax\n\tmovl %%edx, %%esp")
DEF(x_wrap_pop, "movl %%esp, %%edx\n\tmovl %%ebx, %%esp\n\tpopl %%eax\n\tmovl %%edx, %%esp")
DEF(x_top_load, "movl (%%ebx), %%eax")
/* MASKMOVDQU stores its bytes one by one: past 4 GiB it page-faults on
 * the first (fuzz-insn.md, finding 12).  A misaligned FXRSTOR through SS
 * that wraps: the limit of its first 4 bytes (#SS) before alignment. */
DEF(x_wrap_maskmovdqu,
    "xchgl %%ebx, %%edi\n\tpcmpeqb %%xmm4, %%xmm4\n\tmaskmovdqu %%xmm4, %%xmm1\n\t"
    "xchgl %%ebx, %%edi")
DEF(x_wrap_fxrstor_ss, "xchgl %%ebx, %%ebp\n\tfxrstor -0x23(%%ebp)\n\txchgl %%ebx, %%ebp")
/* MASKMOVQ, by contrast, fails the limit as a whole: #GP. */
DEF(x_wrap_maskmovq,
    "xchgl %%ebx, %%edi\n\tpcmpeqb %%mm4, %%mm4\n\tmaskmovq %%mm4, %%mm1\n\temms\n\t"
    "xchgl %%ebx, %%edi")

static const uint32_t ro_word = 42;

DEF(x_fxsave, "fxsave (%%ebx)") DEF(x_fxrstor, "fxrstor (%%ebx)")
DEF(x_popa_at, "movl %%esp, %%edx\n\tmovl %%ebx, %%esp\n\tpopal\n\tmovl %%edx, %%esp")

/* FXSAVE/FXRSTOR images across a page boundary, one side inaccessible,
 * and misaligned: which byte the CPU reports (it probes the first byte,
 * then the last) and the page-fault error code. */
static void sec_exceptions_fxsave(void)
{
    uint8_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap failed\n");
        return;
    }
    static const struct { const char *name; unsigned page, prot; } cases[] = {
        { "next-none", 1, PROT_NONE }, { "prev-none", 0, PROT_NONE },
        { "next-ro", 1, PROT_READ }, { "prev-ro", 0, PROT_READ },
    };
    uint8_t *image = p + 4096 - 128;
    for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        mprotect(p, 3 * 4096, PROT_READ | PROT_WRITE);
        mprotect(p + 4096 * cases[k].page, 4096, cases[k].prot);
        for (int restore = 0; restore < 2; restore++) {
            struct regs r = { 0, 0, 0, (uint32_t)image, 0 };
            printf("%s %s", restore ? "fxrstor" : "fxsave", cases[k].name);
            if (!run_guarded(restore ? x_fxrstor : x_fxsave, &r))
                printf(" -> no fault\n");
            else
                printf("    at image+%d err %u\n", (int)(fault_addr - image), fault_err);
        }
    }
    mprotect(p, 3 * 4096, PROT_READ | PROT_WRITE);
    struct regs r = { 0, 0, 0, (uint32_t)(p + 8), 0 };
    printf("fxsave misaligned");
    if (!run_guarded(x_fxsave, &r))
        printf(" -> no fault\n");
    /* POPA with the ignored ESP slot running into an inaccessible page:
     * the CPU reads that slot too. */
    mprotect(p + 4096, 4096, PROT_NONE);
    struct regs rp = { 0, 0, 0, (uint32_t)(p + 4096 - 14), 0 };
    printf("popa esp-slot");
    if (!run_guarded(x_popa_at, &rp))
        printf(" -> no fault\n");
    else
        printf("    at page+%d\n", (int)(fault_addr - (p + 4096)));
    munmap(p, 3 * 4096);
}

static void sec_exceptions(void)
{
    static int32_t bounds[2] = { -5, 10 };
    struct { const char *name; insn_fn fn; uint32_t a, b; } xs[] = {
        { "ud2", x_ud2, 0, 0 }, { "int3", x_int3, 0, 0 }, { "into", x_into, 0, 0 },
        { "bound_in", x_bound, 3, (uint32_t)bounds },
        { "bound_lo", x_bound, (uint32_t)-6, (uint32_t)bounds },
        { "bound_hi", x_bound, 11, (uint32_t)bounds },
        { "hlt", x_hlt, 0, 0 }, { "cli", x_cli, 0, 0 }, { "div0", x_div0, 0, 0 },
        { "load0", x_load0, 0, 0 }, { "store_ro", x_store_ro, 0, (uint32_t)&ro_word },
        { "in", x_in, 0, 0 }, { "int81", x_int80bad, 0, 0 },
        { "wrap_load", x_wrap_load, 0, 0xfffffffeu }, { "wrap_store16", x_wrap_store16, 0, ~0u },
        { "wrap_lods", x_wrap_lods, 0, 0xfffffffdu }, { "wrap_push", x_wrap_push, 0, 2 },
        { "wrap_pop", x_wrap_pop, 0, 0xfffffffeu }, { "top_load", x_top_load, 0, 0xfffffff0u },
        { "wrap_maskmovdqu", x_wrap_maskmovdqu, 0, 0xfffffff8u },
        { "wrap_fxrstor_ss", x_wrap_fxrstor_ss, 0, 0x20 },
        { "wrap_maskmovq", x_wrap_maskmovq, 0, 0xfffffffeu },
    };
    for (unsigned k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
        struct regs r = { xs[k].a, 0, 0, xs[k].b, 0 };
        printf("%s", xs[k].name);
        if (!run_guarded(xs[k].fn, &r))
            printf(" -> no fault a=%08x\n", r.a);
    }
    sec_exceptions_fxsave();
}

/* ---- seg ---- */

static uint32_t segdata[8] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444,
                               0x55555555, 0x66666666, 0x77777777, 0x88888888 };
/* far pointers (offset, selector) for lfs and lds */
static const struct { uint32_t off; uint16_t sel; } __attribute__((packed)) far1 = { 12, 0xf },
    far0 = { 4, 0x7 };

enum { LDT_RO = 1, LDT_DOWN = 2, LDT_16 = 4 };

/* LDT entry `idx`: a data segment over segdata starting at byte `skip`,
 * expand-up, writable and 32-bit unless `kind` says otherwise. */
static int make_ldt_kind(unsigned idx, unsigned skip, unsigned limit, unsigned kind)
{
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = idx;
    d.base_addr = (uint32_t)segdata + skip;
    d.limit = limit;
    d.seg_32bit = !(kind & LDT_16);
    d.contents = (kind & LDT_DOWN) ? 1 : 0;   /* 1: data, expand-down */
    d.read_exec_only = (kind & LDT_RO) ? 1 : 0;
    d.useable = 1;
    return (int)syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

static int make_ldt(unsigned idx, unsigned skip, unsigned limit)
{
    return make_ldt_kind(idx, skip, limit, 0);
}

DEF(seg_fs_load, "movw %%cx, %%fs\n\tmovl %%fs:(%%edx), %%eax\n\tmovw %%fs, %%dx")
DEF(seg_es_over, "pushl %%es\n\tmovw %%cx, %%es\n\tmovl %%es:4(%%edx), %%eax\n\tpopl %%es")
DEF(seg_fs_store, "movw %%cx, %%fs\n\tmovl %%eax, %%fs:(%%edx)\n\tmovl (%%ebx), %%eax")
DEF(seg_lfs, "lfsl (%%ebx), %%eax\n\tmovl %%fs:(%%eax), %%edx\n\tmovw %%fs, %%cx")
DEF(seg_push_pop, "movw %%cx, %%fs\n\tpushl %%fs\n\tpopl %%eax\n\tmovl %%fs:8, %%edx")
DEF(seg_lds, "pushl %%ds\n\tldsl (%%ebx), %%eax\n\tmovl (%%eax), %%edx\n\tpopl %%ds")
DEF(seg_fs_store_only, "movw %%cx, %%fs\n\tmovl %%eax, %%fs:(%%edx)")
DEF(seg_cs_read, "movl %%cs:(%%ebx), %%eax")
DEF(seg_ds_load, "pushl %%ds\n\tmovw %%cx, %%ds\n\tmovw %%ds, %%cx\n\tmovl (%%esp), %%eax\n\tpopl %%ds")
DEF(seg_cs_write, "movl %%eax, %%cs:(%%ebx)")

/* The GDT a 32-bit process sees on x86-64 Linux: LAR/LSL/VERR/VERW of
 * its selectors (the per-CPU segment 0x7b's limit holds the CPU number,
 * which depends on where the program runs: only its node part is
 * printed).  A far jump to the 64-bit code segment 0x33 would leave
 * 32-bit mode: only a load into DS is tried. */
static void sec_seg_gdt(void)
{
    static const uint16_t sels[] = { 0x23, 0x2b, 0x33, 0x3b, 0x7b };
    for (unsigned i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
        uint32_t sel = sels[i], ar = 0, lim = 0;
        uint8_t zl, zs, vr, vw;
        asm volatile("larl %2, %0\n\tsetz %1" : "+r"(ar), "=q"(zl) : "r"(sel) : "cc");
        asm volatile("lsll %2, %0\n\tsetz %1" : "+r"(lim), "=q"(zs) : "r"(sel) : "cc");
        asm volatile("verr %w1\n\tsetz %0" : "=q"(vr) : "r"(sel) : "cc");
        asm volatile("verw %w1\n\tsetz %0" : "=q"(vw) : "r"(sel) : "cc");
        if (sel == 0x7b)
            lim >>= 12;
        printf("gdt %02x lar %u %08x lsl %u %08x verr %u verw %u\n", sel, zl, zl ? ar : 0, zs,
               zs ? lim : 0, vr, vw);
    }
    struct regs r = { 0, 0, 0x33, 0, 0 };
    printf("ds33");
    if (!run_guarded(seg_ds_load, &r))
        printf(" -> c=%04x\n", r.c & 0xffff);
}

static void sec_seg(void)
{
    printf("ldt %d %d %d %d %d\n", make_ldt(0, 0, 31), make_ldt(1, 8, 15),
           make_ldt_kind(2, 0, 31, LDT_RO), make_ldt_kind(3, 0, 15, LDT_DOWN),
           make_ldt_kind(4, 0, 15, LDT_DOWN | LDT_16));
    uint16_t sel0 = 0x7, sel1 = 0xf;   /* index 0 and 1, LDT, RPL 3 */
    uint16_t sel_ro = 0x17, sel_down = 0x1f, sel_down16 = 0x27;
    struct { const char *name; insn_fn fn; uint32_t a, d, c, b; } ss[] = {
        { "fs0+0", seg_fs_load, 0, 0, sel0, 0 }, { "fs0+12", seg_fs_load, 0, 12, sel0, 0 },
        { "fs1+0", seg_fs_load, 0, 0, sel1, 0 }, { "fs1+8", seg_fs_load, 0, 8, sel1, 0 },
        { "fs1+12", seg_fs_load, 0, 12, sel1, 0 }, { "fs1+13", seg_fs_load, 0, 13, sel1, 0 },
        { "fs0+40", seg_fs_load, 0, 40, sel0, 0 },  /* beyond the limit */
        { "fsnull", seg_fs_load, 0, 0, 0, 0 }, { "fsbad", seg_fs_load, 0, 0, 0x3f, 0 },
        { "fsgdt", seg_fs_load, 0, 0, 0x1000 | 3, 0 },
        { "es0+4", seg_es_over, 0, 4, sel0, 0 }, { "es1+0", seg_es_over, 0, 0, sel1, 0 }, { "es1+12", seg_es_over, 0, 12, sel1, 0 },
        { "fsstore", seg_fs_store, 0xabcdef01, 4, sel1, (uint32_t)&segdata[3] },
        { "lfs", seg_lfs, 0, 0, 0, (uint32_t)&far1 }, { "pushfs", seg_push_pop, 0, 0, sel0, 0 },
        { "lds", seg_lds, 0, 0, 0, (uint32_t)&far0 },
        { "ro+4", seg_fs_load, 0, 4, sel_ro, 0 },
        { "ro_store", seg_fs_store_only, 0x12345678, 4, sel_ro, 0 },
        { "down+12", seg_fs_load, 0, 12, sel_down, 0 }, { "down+15", seg_fs_load, 0, 15, sel_down, 0 },
        { "down+16", seg_fs_load, 0, 16, sel_down, 0 },
        { "down-4", seg_fs_load, 0, 0xfffffffcu, sel_down, 0 },
        { "down16+16", seg_fs_load, 0, 16, sel_down16, 0 },
        { "down16+fffe", seg_fs_load, 0, 0xfffe, sel_down16, 0 },
        { "down16+10000", seg_fs_load, 0, 0x10000, sel_down16, 0 },
        { "cs_read", seg_cs_read, 0, 0, 0, (uint32_t)&segdata[2] },
        { "cs_write", seg_cs_write, 0, 0, 0, (uint32_t)&segdata[2] },
    };
    for (unsigned k = 0; k < sizeof(ss) / sizeof(ss[0]); k++) {
        struct regs r = { ss[k].a, ss[k].d, ss[k].c, ss[k].b, 0 };
        printf("%s", ss[k].name);
        if (!run_guarded(ss[k].fn, &r))
            printf(" -> a=%08x d=%08x c=%04x\n", r.a, r.d, r.c & 0xffff);
    }
    asm volatile("movw %w0, %%fs" : : "r"(0));
    sec_seg_gdt();
}

/* ---- smc ---- */

static void sec_smc(void)
{
    uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        printf("mmap failed\n");
        return;
    }
    typedef uint32_t (*fn)(void);
    /* mov $imm32, %eax; ret - run, patch the immediate, run again */
    static const uint8_t ret_imm[] = { 0xb8, 1, 0, 0, 0, 0xc3 };
    memcpy(code, ret_imm, sizeof(ret_imm));
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 200; i++) {
        memcpy(code + 1, &i, 4);
        uint32_t got = ((fn)code)();
        sum = sum * 31 + got;
        if (i < 3 || got != i)
            printf("patch %u -> %u\n", i, got);
    }
    printf("patch sum %08x\n", sum);
    /* an instruction that rewrites the next one in the same block:
     * movb $imm8, addr; mov $1, %eax; ret, addr the mov's immediate */
    uint8_t *p = code + 64;
    uint32_t target = (uint32_t)(p + 7 + 1);
    for (unsigned v = 2; v < 6; v++) {
        uint8_t next[] = { 0xc6, 0x05, 0, 0, 0, 0, (uint8_t)v, 0xb8, 1, 0, 0, 0, 0xc3 };
        memcpy(next + 2, &target, 4);
        memcpy(p, next, sizeof(next));
        uint32_t first = ((fn)p)();
        uint32_t second = ((fn)p)();
        printf("next-insn v=%u -> %u %u\n", v, first, second);
    }
    /* a loop whose body rewrites an instruction of the loop: add $k,%eax */
    static const uint8_t loop[] = {
        0x31, 0xc0,                     /* xor %eax,%eax */
        0xb9, 10, 0, 0, 0,              /* mov $10,%ecx */
        0x83, 0xc0, 0x01,               /* 1: add $imm8,%eax (imm at +9) */
        0xfe, 0x05, 0, 0, 0, 0,         /* incb imm */
        0xe2, 0xf5,                     /* loop 1b */
        0xc3,
    };
    p = code + 128;
    memcpy(p, loop, sizeof(loop));
    target = (uint32_t)(p + 9);
    memcpy(p + 12, &target, 4);
    printf("loop -> %u\n", ((fn)p)());
    munmap(code, 4096);
}

/* ---- driver ---- */

/* the x87, MMX and SSE sections (issue 5), in simd-sections.c */
void sec_x87(void);
void sec_mmx(void);
void sec_sse(void);
/* x87 and FXSAVE operands at edges, in x87-edge-section.c */
void sec_x87edge(void);

static const struct {
    const char *name;
    void (*run)(void);
} sections[] = {
    { "alu", sec_alu }, { "shift", sec_shift }, { "muldiv", sec_muldiv },
    { "bcd", sec_bcd }, { "bitops", sec_bitops }, { "string", sec_string },
    { "atomic", sec_atomic }, { "cond", sec_cond }, { "lea", sec_lea },
    { "seg", sec_seg }, { "exceptions", sec_exceptions }, { "smc", sec_smc },
    { "x87", sec_x87 }, { "mmx", sec_mmx }, { "sse", sec_sse },
    { "x87edge", sec_x87edge },
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

int main(int argc, char **argv)
{
    catch_faults();
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    for (unsigned s = 0; s < NSECTIONS; s++) {
        int want = argc < 2;
        for (int i = 1; i < argc; i++)
            want |= !strcmp(argv[i], sections[s].name);
        if (!want)
            continue;
        printf("== %s\n", sections[s].name);
        sections[s].run();
    }
    for (int i = 1; i < argc; i++) {
        unsigned s = 0;
        while (s < NSECTIONS && strcmp(argv[i], sections[s].name))
            s++;
        if (s == NSECTIONS) {
            fprintf(stderr, "test-i386: no section %s\n", argv[i]);
            return 2;
        }
    }
    return 0;
}
