/*
 * test-i386 sections of issue 5: x87, mmx and sse (SSE, SSE2, SSE3,
 * SSSE3).  Same rules as test-i386.c: each form runs over tables of edge
 * operands and prints its results in hex (80-bit ST values as
 * sign+exponent:mantissa, vectors as 32-bit words from the high lane
 * down), the status word, MXCSR and the flags; the suite compares the
 * output with the native run.  No floating point is printed with printf
 * and no libm call happens: the C code around the forms only moves bits.
 *
 * Host-dependent results are still compared, because the host CPU is
 * the reference mimic must match: the x87 transcendental instructions
 * (AMD and Intel differ in low bits) and RCPPS/RSQRTPS/RCPSS/RSQRTSS
 * (the SDM only bounds their relative error to 1.5 * 2^-12).
 *
 * x87 status-word bits the SDM leaves undefined for an instruction (C0,
 * C2 and C3 after arithmetic, C0/C1/C3 after FPTAN and the like) are
 * masked out before printing; the masks are in the x87 tables below.
 *
 * Faults (unmasked exceptions, misaligned MOVAPS) are caught with a
 * handler of this file installed for the duration of the section; a
 * signal outside a guarded form ends the program with a one-line
 * message instead of printing a cascade (until SIMD is implemented in
 * mimic this is what the sse and mmx sections do there: #UD).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <ucontext.h>

void sec_x87(void);
void sec_mmx(void);
void sec_sse(void);

/* ---- faults ---- */

static sigjmp_buf simd_env;
static volatile int simd_armed;
static volatile uintptr_t simd_base;
static int simd_sig, simd_code;
static uint32_t simd_eip;

static void simd_on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    simd_sig = sig;
    simd_code = si->si_code;
    simd_eip = uc->uc_mcontext.gregs[REG_EIP] - (uint32_t)simd_base;
    if (!simd_armed) {
        fflush(stdout);
        static const char msg[] = "unexpected signal in a simd section\n";
        printf("unexpected sig %d code %d\n", sig, si->si_code);
        fflush(stdout);
        if (write(2, msg, sizeof(msg) - 1) < 0)
            _exit(3);
        _exit(3);
    }
    siglongjmp(simd_env, 1);
}

static struct sigaction simd_saved[4];
static const int simd_sigs[4] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS };

static void simd_catch(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = simd_on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    for (int i = 0; i < 4; i++)
        sigaction(simd_sigs[i], &sa, &simd_saved[i]);
}

static void simd_release(void)
{
    for (int i = 0; i < 4; i++)
        sigaction(simd_sigs[i], &simd_saved[i], NULL);
}

/* Runs fn(arg) with faults caught; prints the signal and returns 1 if one
 * came.  The eip is relative to fn, fixed for one binary. */
static int guarded(void (*fn)(void *), void *arg)
{
    simd_base = (uintptr_t)fn;
    if (sigsetjmp(simd_env, 1)) {
        simd_armed = 0;
        printf(" -> sig %d code %d eip +0x%x\n", simd_sig, simd_code, simd_eip);
        return 1;
    }
    simd_armed = 1;
    fn(arg);
    simd_armed = 0;
    return 0;
}

/* ---- x87 ---- */

struct f80 {
    uint64_t m;
    uint16_t se;
} __attribute__((packed));

/* One x87 form: a and b are pushed (b first, so a is ST0 and b ST1),
 * mem is the memory operand, cw the control word; out: the FNSAVE image
 * and EFLAGS (entered as 0x8d5, so FCOMI's clearing shows). */
struct x87io {
    struct f80 a, b;
    uint16_t cw;
    uint8_t mem[16];
    uint8_t save[108];
    uint32_t fl;
};

#define X87(name, insn)                                                      \
    static void __attribute__((noinline)) name(void *p)                     \
    {                                                                        \
        struct x87io *io = p;                                                \
        uint32_t fl = 0x8d5 | 0x202;                                         \
        asm volatile("push %[fl]\n\tpopf\n\tfninit\n\tfldcw %[cw]\n\t"       \
                     "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"                \
                     "pushf\n\tpop %[fl]\n\tfnsave %[save]"                  \
                     : [fl] "+r"(fl), [save] "=m"(io->save), [m] "+m"(io->mem) \
                     : [cw] "m"(io->cw), [a] "m"(io->a), [b] "m"(io->b)      \
                     : "cc", "memory");                                      \
        io->fl = fl;                                                         \
    }

/* binary, register forms: ST0 = a op b */
X87(x_fadd, "fadd %%st(1), %%st")
X87(x_fsub, "fsub %%st(1), %%st")
X87(x_fsubr, "fsubr %%st(1), %%st")
X87(x_fmul, "fmul %%st(1), %%st")
X87(x_fdiv, "fdiv %%st(1), %%st")
X87(x_fdivr, "fdivr %%st(1), %%st")
X87(x_faddp, "faddp %%st, %%st(1)")
X87(x_fprem, "fprem")
X87(x_fprem1, "fprem1")
X87(x_fscale, "fscale")
X87(x_fpatan, "fpatan")
X87(x_fyl2x, "fyl2x")
X87(x_fyl2xp1, "fyl2xp1")
X87(x_fcom, "fcom %%st(1)")
X87(x_fcomp, "fcomp %%st(1)")
X87(x_fcompp, "fcompp")
X87(x_fucom, "fucom %%st(1)")
X87(x_fucompp, "fucompp")
X87(x_fcomi, "fcomi %%st(1), %%st")
X87(x_fucomi, "fucomi %%st(1), %%st")
X87(x_fcomip, "fcomip %%st(1), %%st")
X87(x_fucomip, "fucomip %%st(1), %%st")
/* unary on ST0 = a */
X87(x_fsqrt, "fsqrt")
X87(x_frndint, "frndint")
X87(x_f2xm1, "f2xm1")
X87(x_fxtract, "fxtract")
X87(x_fptan, "fptan")
X87(x_fsin, "fsin")
X87(x_fcos, "fcos")
X87(x_fsincos, "fsincos")
X87(x_fchs, "fchs")
X87(x_fabs, "fabs")
X87(x_fxam, "fxam")
X87(x_ftst, "ftst")
X87(x_fstp_st1, "fst %%st(1)")
/* memory forms: mem holds the operand */
X87(x_fadds, "fadds %[m]")
X87(x_fmull, "fmull %[m]")
X87(x_fidivl, "fidivl %[m]")
X87(x_fisubs, "fisubs %[m]")
X87(x_fcoms, "fcoms %[m]")
X87(x_fcoml, "fcoml %[m]")
X87(x_ficoml, "ficoml %[m]")
X87(x_ficoms, "ficoms %[m]")
/* conversions: ST0 = a stored or mem loaded */
X87(x_fists, "fists %[m]")
X87(x_fistl, "fistl %[m]")
X87(x_fistpll, "fistpll %[m]")
X87(x_fisttps, "fisttps %[m]")
X87(x_fisttpl, "fisttpl %[m]")
X87(x_fisttpll, "fisttpll %[m]")
X87(x_fsts, "fsts %[m]")
X87(x_fstl, "fstl %[m]")
X87(x_fbstp, "fbstp %[m]")
X87(x_filds, "filds %[m]")
X87(x_fildl, "fildl %[m]")
X87(x_fildll, "fildll %[m]")
X87(x_flds, "flds %[m]")
X87(x_fldl, "fldl %[m]")
X87(x_fbld, "fbld %[m]")
/* constants, rounded by RC */
X87(x_fld1, "fld1")
X87(x_fldl2t, "fldl2t")
X87(x_fldl2e, "fldl2e")
X87(x_fldpi, "fldpi")
X87(x_fldlg2, "fldlg2")
X87(x_fldln2, "fldln2")
X87(x_fldz, "fldz")
/* a ninth push: stack overflow (IE|SF, C1 set) */
X87(x_push9, "fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1")
X87(x_pop_empty, "fstp %%st(0)\n\tfstp %%st(0)\n\tfadd %%st(0), %%st")

static const struct f80 x87v[] = {
    { 0, 0 },                                    /* +0 */
    { 0, 0x8000 },                               /* -0 */
    { 0x8000000000000000ull, 0x3fff },           /* 1 */
    { 0xc000000000000000ull, 0xbfff },           /* -1.5 */
    { 0xc000000000000000ull, 0x4000 },           /* 3 */
    { 0xc90fdaa22168c235ull, 0x4000 },           /* pi */
    { 0xad78ebc5ac620000ull, 0x4041 },           /* 1e20 */
    { 0xffffffffffffffffull, 0x7ffe },           /* max */
    { 0x8000000000000000ull, 0x0001 },           /* min normal */
    { 0x0000000000000123ull, 0x0000 },           /* denormal */
    { 0x8000000000000000ull, 0x7fff },           /* +inf */
    { 0x8000000000000000ull, 0xffff },           /* -inf */
    { 0xc000000000001234ull, 0x7fff },           /* QNaN with payload */
    { 0x8000000000005678ull, 0xffff },           /* -SNaN with payload */
    { 0xc000000000000000ull, 0x3ffe },           /* 0.75 */
    { 0x83126e978d4fdf3bull, 0xbff5 },           /* -1e-3 */
    { 0x8000000000000000ull, 0x403e },           /* 2^63 */
    { 0x8000000000000001ull, 0x3fff },           /* 1 + ulp */
    { 0x4000000000000000ull, 0x3fff },           /* unnormal */
};
#define NX87 (sizeof(x87v) / sizeof(x87v[0]))

#define C0 0x0100
#define C1 0x0200
#define C2 0x0400
#define C3 0x4000
#define SW_ARITH (0xffff & ~(C0 | C2 | C3))   /* C1 only is defined */
#define SW_ALL 0xffff
#define SW_TRIG (0xffff & ~(C0 | C3))         /* C1 and C2 (out of range) */

struct x87form {
    const char *name;
    void (*fn)(void *);
    uint16_t swmask;
};

static void x87_show(const char *name, const struct x87io *io, uint16_t swmask)
{
    uint16_t cw, sw, tw;
    memcpy(&cw, io->save, 2);
    memcpy(&sw, io->save + 4, 2);
    memcpy(&tw, io->save + 8, 2);
    printf("%s -> sw=%04x tw=%04x f=%03x", name, sw & swmask, tw, io->fl & 0x8d5);
    unsigned top = (sw >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        if (((tw >> (2 * ((top + i) & 7))) & 3) == 3)
            continue;
        struct f80 v;
        memcpy(&v, io->save + 28 + 10 * i, 10);
        printf(" st%u=%04x:%016llx", i, v.se, (unsigned long long)v.m);
    }
    printf("\n");
}

static void x87_run(const char *name, void (*fn)(void *), struct x87io *io, uint16_t swmask)
{
    char label[96];
    snprintf(label, sizeof(label), "%s cw=%04x", name, io->cw);
    printf("%s", label);
    if (!guarded(fn, io))
        x87_show("", io, swmask);
}

static void x87_unmasked(void *p)
{
    (void)p;
    static const uint16_t cw = 0x037b;   /* ZM clear */
    asm volatile("fninit\n\tfldcw %0\n\tfldz\n\tfld1\n\tfdiv %%st(1), %%st\n\t"
                 "nop\n\tfwait\n\tfninit" : : "m"(cw) : "memory");
}

static void x87_unmasked_ie(void *p)
{
    (void)p;
    static const uint16_t cw = 0x037e;   /* IM clear */
    asm volatile("fninit\n\tfldcw %0\n\tfld1\n\tfchs\n\tfsqrt\n\t"
                 "fld1\n\tfninit" : : "m"(cw) : "memory");
}

/* Stores to integer (overflow gives the integer indefinite), float and
 * BCD under each rounding mode; FISTTP is SSE3 and runs in the sse
 * section. */
static void x87_stores(const struct x87form *stf, unsigned nstf)
{
    struct x87io io;
    char name[64];
    memset(&io, 0, sizeof(io));
    static const long double cvals[] = {
        2.5L, -2.5L, 0.5L, -0.5L, 1.5L, 32767.5L, -32768.5L, 32768.0L,
        2147483647.5L, -2147483648.5L, 2147483648.0L, 9223372036854775807.0L,
        -9223372036854775808.0L, 9223372036854775808.0L, 1e18L, 999999999999999999.0L,
        -123456789012345678.0L, 1e-4940L, 3.4028235677973366e38L, 1e-40L,
    };
    unsigned nst = sizeof(cvals) / sizeof(cvals[0]);
    for (unsigned k = 0; k < nstf; k++)
        for (unsigned rc = 0; rc < 4; rc++)
            for (unsigned i = 0; i < nst + 6; i++) {
                /* the table, then NaN, infinities, -0 and the denormal */
                static const unsigned extra[] = { 12, 13, 10, 11, 1, 9 };
                struct f80 v;
                if (i < nst)
                    memcpy(&v, &cvals[i], 10);
                else
                    v = x87v[extra[i - nst]];
                io.a = v, io.b = x87v[2], io.cw = 0x037f | rc << 10;
                memset(io.mem, 0xcc, sizeof(io.mem));
                snprintf(name, sizeof(name), "%s %04x:%016llx", stf[k].name, v.se,
                         (unsigned long long)v.m);
                x87_run(name, stf[k].fn, &io, stf[k].swmask);
                printf("  mem=");
                for (int b = 9; b >= 0; b--)
                    printf("%02x", io.mem[b]);
                printf("\n");
            }
}

void sec_x87(void)
{
    static const struct x87form bin[] = {
        { "fadd", x_fadd, SW_ARITH }, { "fsub", x_fsub, SW_ARITH },
        { "fsubr", x_fsubr, SW_ARITH }, { "fmul", x_fmul, SW_ARITH },
        { "fdiv", x_fdiv, SW_ARITH }, { "fdivr", x_fdivr, SW_ARITH },
        { "faddp", x_faddp, SW_ARITH }, { "fprem", x_fprem, SW_ALL },
        { "fprem1", x_fprem1, SW_ALL }, { "fscale", x_fscale, SW_ARITH },
        { "fpatan", x_fpatan, SW_ARITH }, { "fyl2x", x_fyl2x, SW_ARITH },
        { "fyl2xp1", x_fyl2xp1, SW_ARITH }, { "fcom", x_fcom, SW_ALL },
        { "fcomp", x_fcomp, SW_ALL }, { "fcompp", x_fcompp, SW_ALL },
        { "fucom", x_fucom, SW_ALL }, { "fucompp", x_fucompp, SW_ALL },
        { "fcomi", x_fcomi, SW_ARITH }, { "fucomi", x_fucomi, SW_ARITH },
        { "fcomip", x_fcomip, SW_ARITH }, { "fucomip", x_fucomip, SW_ARITH },
    };
    static const struct x87form un[] = {
        { "fsqrt", x_fsqrt, SW_ARITH }, { "frndint", x_frndint, SW_ARITH },
        { "f2xm1", x_f2xm1, SW_ARITH }, { "fxtract", x_fxtract, SW_ARITH },
        { "fptan", x_fptan, SW_TRIG }, { "fsin", x_fsin, SW_TRIG },
        { "fcos", x_fcos, SW_TRIG }, { "fsincos", x_fsincos, SW_TRIG },
        { "fchs", x_fchs, SW_ARITH }, { "fabs", x_fabs, SW_ARITH },
        { "fxam", x_fxam, SW_ALL }, { "ftst", x_ftst, SW_ALL },
        { "fst_st1", x_fstp_st1, SW_ARITH },
    };
    struct x87io io;
    char name[64];

    simd_catch();
    for (unsigned i = 0; i < NX87; i++)
        printf("v%u = %04x:%016llx\n", i, x87v[i].se, (unsigned long long)x87v[i].m);
    memset(&io, 0, sizeof(io));
    for (unsigned k = 0; k < sizeof(bin) / sizeof(bin[0]); k++)
        for (unsigned i = 0; i < NX87; i++)
            for (unsigned j = 0; j < NX87; j++) {
                io.a = x87v[i], io.b = x87v[j], io.cw = 0x037f;
                snprintf(name, sizeof(name), "%s v%u v%u", bin[k].name, i, j);
                x87_run(name, bin[k].fn, &io, bin[k].swmask);
            }
    for (unsigned k = 0; k < sizeof(un) / sizeof(un[0]); k++)
        for (unsigned i = 0; i < NX87; i++) {
            io.a = x87v[i], io.b = x87v[2], io.cw = 0x037f;
            snprintf(name, sizeof(name), "%s v%u", un[k].name, i);
            x87_run(name, un[k].fn, &io, un[k].swmask);
        }
    /* transcendental arguments near and past the reduction limit 2^63 */
    static const struct f80 big[] = {
        { 0xffffffffffffffffull, 0x403d }, { 0x8000000000000000ull, 0x403e },
        { 0xc90fdaa22168c234ull, 0x4001 }, { 0xc90fdaa22168c235ull, 0x3fff },
        { 0x8000000000000000ull, 0x3ffe }, { 0x8000000000000000ull, 0xbffe },
    };
    for (unsigned i = 0; i < sizeof(big) / sizeof(big[0]); i++)
        for (unsigned k = 4; k < 8; k++) {
            io.a = big[i], io.b = x87v[2], io.cw = 0x037f;
            snprintf(name, sizeof(name), "%s big%u", un[k].name, i);
            x87_run(name, un[k].fn, &io, un[k].swmask);
        }

    /* rounding control x precision control (PC 00 single, 10 double,
     * 11 extended) over values whose results round */
    static const unsigned rv[] = { 4, 5, 17, 9, 7, 15, 14 };
    static const struct x87form rc_forms[] = {
        { "fadd", x_fadd, SW_ARITH }, { "fmul", x_fmul, SW_ARITH },
        { "fdiv", x_fdiv, SW_ARITH }, { "fsqrt", x_fsqrt, SW_ARITH },
        { "frndint", x_frndint, SW_ARITH }, { "fscale", x_fscale, SW_ARITH },
    };
    for (unsigned rc = 0; rc < 4; rc++)
        for (unsigned pc = 0; pc < 4; pc++) {
            if (pc == 1)
                continue;                         /* reserved */
            for (unsigned k = 0; k < sizeof(rc_forms) / sizeof(rc_forms[0]); k++)
                for (unsigned i = 0; i < 7; i++)
                    for (unsigned j = 0; j < 7; j++) {
                        io.a = x87v[rv[i]], io.b = x87v[rv[j]];
                        io.cw = 0x007f | pc << 8 | rc << 10;
                        snprintf(name, sizeof(name), "%s v%u v%u", rc_forms[k].name, rv[i],
                                 rv[j]);
                        x87_run(name, rc_forms[k].fn, &io, rc_forms[k].swmask);
                    }
        }

    /* constants under each rounding mode */
    static const struct x87form consts[] = {
        { "fld1", x_fld1, SW_ARITH }, { "fldl2t", x_fldl2t, SW_ARITH },
        { "fldl2e", x_fldl2e, SW_ARITH }, { "fldpi", x_fldpi, SW_ARITH },
        { "fldlg2", x_fldlg2, SW_ARITH }, { "fldln2", x_fldln2, SW_ARITH },
        { "fldz", x_fldz, SW_ARITH }, { "push9", x_push9, SW_ALL },
        { "pop_empty", x_pop_empty, SW_ALL },
    };
    for (unsigned rc = 0; rc < 4; rc++)
        for (unsigned k = 0; k < sizeof(consts) / sizeof(consts[0]); k++) {
            io.a = x87v[4], io.b = x87v[5], io.cw = 0x037f | rc << 10;
            x87_run(consts[k].name, consts[k].fn, &io, consts[k].swmask);
        }

    /* memory operands: float, double, int32, int16 */
    static const uint64_t memv[] = {
        0x3f800000, 0x7f800000, 0xffc00001, 0x00000001, 0x3ff0000000000001ull,
        0x7ff0000000000001ull, 0x0000000000000001ull, 0x80000000, 0x7fffffff,
        0x8000, 0x7fff, 0xffff, 0,
    };
    static const struct x87form memf[] = {
        { "fadds", x_fadds, SW_ARITH }, { "fmull", x_fmull, SW_ARITH },
        { "fidivl", x_fidivl, SW_ARITH }, { "fisubs", x_fisubs, SW_ARITH },
        { "fcoms", x_fcoms, SW_ALL }, { "fcoml", x_fcoml, SW_ALL },
        { "ficoml", x_ficoml, SW_ALL }, { "ficoms", x_ficoms, SW_ALL },
        { "flds", x_flds, SW_ARITH }, { "fldl", x_fldl, SW_ARITH },
        { "filds", x_filds, SW_ARITH }, { "fildl", x_fildl, SW_ARITH },
        { "fildll", x_fildll, SW_ARITH },
    };
    for (unsigned k = 0; k < sizeof(memf) / sizeof(memf[0]); k++)
        for (unsigned i = 0; i < sizeof(memv) / sizeof(memv[0]); i++)
            for (unsigned a = 0; a < NX87; a += 3) {
                io.a = x87v[a], io.b = x87v[2], io.cw = 0x037f;
                memcpy(io.mem, &memv[i], 8);
                snprintf(name, sizeof(name), "%s m=%llx v%u", memf[k].name,
                         (unsigned long long)memv[i], a);
                x87_run(name, memf[k].fn, &io, memf[k].swmask);
            }
    static const uint64_t ints64[] = {
        0x8000000000000000ull, 0x7fffffffffffffffull, 0x0123456789abcdefull,
        0xffffffffffffffffull, 0x0020000000000001ull,
    };
    for (unsigned i = 0; i < 5; i++)
        for (unsigned cw = 0; cw < 2; cw++) {
            io.a = x87v[2], io.b = x87v[2], io.cw = cw ? 0x0b7f : 0x037f;
            memcpy(io.mem, &ints64[i], 8);
            snprintf(name, sizeof(name), "fildll m=%llx", (unsigned long long)ints64[i]);
            x87_run(name, x_fildll, &io, SW_ARITH);
        }

    static const struct x87form stf[] = {
        { "fists", x_fists, SW_ARITH }, { "fistl", x_fistl, SW_ARITH },
        { "fistpll", x_fistpll, SW_ARITH }, { "fsts", x_fsts, SW_ARITH }, { "fstl", x_fstl, SW_ARITH },
        { "fbstp", x_fbstp, SW_ARITH },
    };
    x87_stores(stf, sizeof(stf) / sizeof(stf[0]));
    static const uint8_t bcd[][10] = {
        { 0 }, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 },
        { 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x80 },
        { 0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0 },
        { 0xab, 0xcd, 0, 0, 0, 0, 0, 0, 0, 0 },
        { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f },
    };
    for (unsigned i = 0; i < sizeof(bcd) / sizeof(bcd[0]); i++) {
        io.a = x87v[2], io.b = x87v[2], io.cw = 0x037f;
        memcpy(io.mem, bcd[i], 10);
        snprintf(name, sizeof(name), "fbld %u", i);
        x87_run(name, x_fbld, &io, SW_ARITH);
    }

    /* unmasked exceptions: #MF at the next waiting instruction */
    printf("unmasked ze");
    if (!guarded(x87_unmasked, NULL))
        printf(" -> no fault\n");
    printf("unmasked ie");
    if (!guarded(x87_unmasked_ie, NULL))
        printf(" -> no fault\n");
    asm volatile("fninit");
    simd_release();
}

/* ---- mmx ---- */

struct mmio {
    uint64_t a, b, r;
    uint32_t x;                 /* an extra GPR result */
};

#define MMX(name, insn)                                                      \
    static void __attribute__((noinline)) name(void *p)                     \
    {                                                                        \
        struct mmio *io = p;                                                 \
        uint32_t x = 0x5a5a5a5a;                                             \
        asm volatile("movq %[a], %%mm0\n\tmovq %[b], %%mm1\n\t" insn "\n\t"  \
                     "movq %%mm0, %[r]\n\temms"                              \
                     : [r] "=m"(io->r), "+a"(x)                              \
                     : [a] "m"(io->a), [b] "m"(io->b)                        \
                     : "edx", "memory");                                     \
        io->x = x;                                                           \
    }
#define MM2(op) MMX(m_##op, #op " %%mm1, %%mm0")

MM2(paddb) MM2(paddw) MM2(paddd) MM2(paddq) MM2(paddsb) MM2(paddsw) MM2(paddusb)
MM2(paddusw) MM2(psubb) MM2(psubw) MM2(psubd) MM2(psubq) MM2(psubsb) MM2(psubsw)
MM2(psubusb) MM2(psubusw) MM2(pmullw) MM2(pmulhw) MM2(pmulhuw) MM2(pmuludq)
MM2(pmaddwd) MM2(pcmpeqb) MM2(pcmpeqw) MM2(pcmpeqd) MM2(pcmpgtb) MM2(pcmpgtw)
MM2(pcmpgtd) MM2(packsswb) MM2(packssdw) MM2(packuswb) MM2(punpcklbw) MM2(punpcklwd)
MM2(punpckldq) MM2(punpckhbw) MM2(punpckhwd) MM2(punpckhdq) MM2(pand) MM2(pandn)
MM2(por) MM2(pxor) MM2(psllw) MM2(pslld) MM2(psllq) MM2(psrlw) MM2(psrld) MM2(psrlq)
MM2(psraw) MM2(psrad) MM2(pavgb) MM2(pavgw) MM2(pmaxsw) MM2(pmaxub) MM2(pminsw)
MM2(pminub) MM2(psadbw) MM2(pshufb) MM2(phaddw) MM2(phaddd) MM2(phaddsw) MM2(phsubw)
MM2(phsubd) MM2(phsubsw) MM2(pmaddubsw) MM2(pmulhrsw) MM2(psignb) MM2(psignw)
MM2(psignd) MM2(pabsb) MM2(pabsw) MM2(pabsd)
MMX(m_paddw_mem, "paddw %[b], %%mm0")
MMX(m_psrlq_mem, "psrlq %[b], %%mm0")
MMX(m_movd_to, "movd %%mm1, %%eax\n\tmovd %%eax, %%mm0")
MMX(m_movd_from, "movd %%eax, %%mm0")
MMX(m_movd_mem, "movd %[b], %%mm0")
MMX(m_pshufw1b, "pshufw $0x1b, %%mm1, %%mm0")
MMX(m_pshufw_e4, "pshufw $0xe4, %[b], %%mm0")
MMX(m_pextrw2, "pextrw $2, %%mm1, %%eax")
MMX(m_pinsrw1, "movd %%mm1, %%eax\n\tpinsrw $1, %%eax, %%mm0")
MMX(m_pmovmskb, "pmovmskb %%mm1, %%eax")
MMX(m_palignr3, "palignr $3, %%mm1, %%mm0")
MMX(m_palignr9, "palignr $9, %%mm1, %%mm0")
MMX(m_palignr16, "palignr $16, %%mm1, %%mm0")
MMX(m_maskmovq, "movq %%mm0, -8(%%esp)\n\tpush %%edi\n\tlea -4(%%esp), %%edi\n\t"
                "maskmovq %%mm1, %%mm0\n\tpop %%edi\n\tmovq -8(%%esp), %%mm0")

#define MMSHI(op, n) MMX(m_##op##_##n, #op " $" #n ", %%mm0")
#define MMSH(op) MMSHI(op, 0) MMSHI(op, 1) MMSHI(op, 7) MMSHI(op, 15) MMSHI(op, 16) \
    MMSHI(op, 31) MMSHI(op, 32) MMSHI(op, 63) MMSHI(op, 64) MMSHI(op, 255)
MMSH(psllw) MMSH(pslld) MMSH(psllq) MMSH(psrlw) MMSH(psrld) MMSH(psrlq) MMSH(psraw)
MMSH(psrad)

static const uint64_t mmv[] = {
    0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x807f01ff00fe8001ull,
    0x0123456789abcdefull, 0xfedcba9876543210ull, 0x00ff00807f7f8181ull,
    0x0000000100000000ull,
};
#define NMM (sizeof(mmv) / sizeof(mmv[0]))

struct mmform {
    const char *name;
    void (*fn)(void *);
};
#define MF(op) { #op, m_##op }

static void mm_run(const char *name, void (*fn)(void *), uint64_t a, uint64_t b)
{
    struct mmio io = { a, b, 0, 0 };
    printf("%s %016llx %016llx", name, (unsigned long long)a, (unsigned long long)b);
    if (!guarded(fn, &io))
        printf(" -> %016llx x=%08x\n", (unsigned long long)io.r, io.x);
}

static void mm_tags(void *p)
{
    uint8_t *env = p;
    asm volatile("fninit\n\tfld1\n\tfnstenv %0\n\tpxor %%mm2, %%mm2\n\tfnstenv 28%0\n\t"
                 "emms\n\tfnstenv 56%0\n\tfld1\n\tmovq %%mm7, 84%0\n\tfstp %%st(0)\n\t"
                 "fldpi\n\tmovq %%mm7, 92%0\n\tfninit\n\tmovq 100%0, %%mm3\n\t"
                 "fnsave 108%0\n\tfninit"
                 : "+m"(*(uint8_t(*)[216])env) : : "memory");
}

void sec_mmx(void)
{
    static const struct mmform bin[] = {
        MF(paddb), MF(paddw), MF(paddd), MF(paddq), MF(paddsb), MF(paddsw), MF(paddusb),
        MF(paddusw), MF(psubb), MF(psubw), MF(psubd), MF(psubq), MF(psubsb), MF(psubsw),
        MF(psubusb), MF(psubusw), MF(pmullw), MF(pmulhw), MF(pmulhuw), MF(pmuludq),
        MF(pmaddwd), MF(pcmpeqb), MF(pcmpeqw), MF(pcmpeqd), MF(pcmpgtb), MF(pcmpgtw),
        MF(pcmpgtd), MF(packsswb), MF(packssdw), MF(packuswb), MF(punpcklbw),
        MF(punpcklwd), MF(punpckldq), MF(punpckhbw), MF(punpckhwd), MF(punpckhdq),
        MF(pand), MF(pandn), MF(por), MF(pxor), MF(pavgb), MF(pavgw), MF(pmaxsw),
        MF(pmaxub), MF(pminsw), MF(pminub), MF(psadbw), MF(pshufb), MF(phaddw),
        MF(phaddd), MF(phaddsw), MF(phsubw), MF(phsubd), MF(phsubsw), MF(pmaddubsw),
        MF(pmulhrsw), MF(psignb), MF(psignw), MF(psignd), MF(pabsb), MF(pabsw),
        MF(pabsd), MF(paddw_mem), MF(movd_to), MF(movd_mem), MF(pshufw1b),
        MF(pshufw_e4), MF(pextrw2), MF(pinsrw1), MF(pmovmskb), MF(palignr3),
        MF(palignr9), MF(palignr16), MF(maskmovq),
    };
    static const struct mmform sh[] = {
        MF(psllw), MF(pslld), MF(psllq), MF(psrlw), MF(psrld), MF(psrlq), MF(psraw),
        MF(psrad), MF(psrlq_mem),
    };
#define SH10(op) MF(op##_0), MF(op##_1), MF(op##_7), MF(op##_15), MF(op##_16), \
        MF(op##_31), MF(op##_32), MF(op##_63), MF(op##_64), MF(op##_255)
    static const struct mmform shi[] = {
        SH10(psllw), SH10(pslld), SH10(psllq), SH10(psrlw), SH10(psrld), SH10(psrlq),
        SH10(psraw), SH10(psrad),
    };
    static const uint64_t counts[] = { 0, 1, 7, 15, 16, 31, 32, 63, 64, 65,
                                       0x100000000ull, 0x8000000000000001ull };
    simd_catch();
    for (unsigned k = 0; k < sizeof(bin) / sizeof(bin[0]); k++)
        for (unsigned i = 0; i < NMM; i++)
            for (unsigned j = 0; j < NMM; j++)
                mm_run(bin[k].name, bin[k].fn, mmv[i], mmv[j]);
    for (unsigned k = 0; k < sizeof(sh) / sizeof(sh[0]); k++)
        for (unsigned i = 0; i < NMM; i += 2)
            for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
                mm_run(sh[k].name, sh[k].fn, mmv[i], counts[c]);
    for (unsigned k = 0; k < sizeof(shi) / sizeof(shi[0]); k++)
        for (unsigned i = 0; i < NMM; i += 2)
            mm_run(shi[k].name, shi[k].fn, mmv[i], 0);
    for (unsigned i = 0; i < NMM; i++)
        mm_run("movd_from", m_movd_from, mmv[i], mmv[i]);

    /* the x87 view of MMX: tags and TOP after an MMX instruction and after
     * EMMS, the MMX view of an x87 value (its mantissa), and the exponent
     * field an MMX write leaves (all ones) */
    static uint8_t env[216] __attribute__((aligned(8)));
    memset(env, 0, sizeof(env));
    memcpy(env + 100, &mmv[5], 8);
    printf("tags");
    if (!guarded(mm_tags, env)) {
        for (int e = 0; e < 3; e++) {
            uint16_t sw, tw;
            memcpy(&sw, env + 28 * e + 4, 2);
            memcpy(&tw, env + 28 * e + 8, 2);
            printf(" sw=%04x tw=%04x", sw, tw);
        }
        uint64_t m1, m2;
        memcpy(&m1, env + 84, 8);
        memcpy(&m2, env + 92, 8);
        printf(" mm7=%016llx %016llx\n  fnsave:", (unsigned long long)m1,
               (unsigned long long)m2);
        for (int b = 0; b < 108; b++)
            if (b < 12 || b >= 28)          /* skip the pointers */
                printf("%s%02x", b >= 28 && (b - 28) % 10 == 0 ? " " : "", env[108 + b]);
        printf("\n");
    }
    simd_release();
}

/* ---- sse (SSE, SSE2, SSE3, SSSE3) ---- */

/* One XMM form: xmm0 = a, xmm1 = b, MXCSR = mxi and EFLAGS 0x8d5 on the
 * way in; xmm0, MXCSR and EFLAGS on the way out. */
struct xio {
    uint32_t a[4], b[4], r[4];
    uint32_t mxi, mxo, fl;
} __attribute__((aligned(16)));

#define XMM(name, insn)                                                      \
    static void __attribute__((noinline)) name(void *p)                     \
    {                                                                        \
        struct xio *io = p;                                                  \
        uint32_t fl = 0x8d5 | 0x202;                                         \
        asm volatile("ldmxcsr %[mxi]\n\tmovups %[a], %%xmm0\n\t"             \
                     "movups %[b], %%xmm1\n\tpush %[fl]\n\tpopf\n\t"         \
                     insn "\n\tpushf\n\tpop %[fl]\n\tmovups %%xmm0, %[r]\n\t" \
                     "stmxcsr %[mxo]\n\tmovl $0x1f80, -4(%%esp)\n\t"         \
                     "ldmxcsr -4(%%esp)"                                     \
                     : [fl] "+r"(fl), [r] "=m"(io->r), [mxo] "=m"(io->mxo)   \
                     : [a] "m"(io->a), [b] "m"(io->b), [mxi] "m"(io->mxi)    \
                     : "eax", "edx", "cc", "memory");                        \
        io->fl = fl;                                                         \
    }
#define X2(op) XMM(s_##op, #op " %%xmm1, %%xmm0")
#define XI(op, imm) XMM(s_##op##_##imm, #op " $" #imm ", %%xmm1, %%xmm0")

/* float */
X2(addps) X2(subps) X2(mulps) X2(divps) X2(minps) X2(maxps) X2(sqrtps) X2(rcpps)
X2(rsqrtps) X2(addss) X2(subss) X2(mulss) X2(divss) X2(minss) X2(maxss) X2(sqrtss)
X2(rcpss) X2(rsqrtss) X2(andps) X2(andnps) X2(orps) X2(xorps) X2(unpcklps)
X2(unpckhps) X2(movss) X2(movlhps) X2(movhlps) X2(addsubps) X2(haddps) X2(hsubps)
X2(movshdup) X2(movsldup) XI(shufps, 0x1b) XI(shufps, 0xb4)
XI(cmpps, 0) XI(cmpps, 1) XI(cmpps, 2) XI(cmpps, 3) XI(cmpps, 4) XI(cmpps, 5)
XI(cmpps, 6) XI(cmpps, 7) XI(cmpss, 0) XI(cmpss, 1) XI(cmpss, 2) XI(cmpss, 3)
XI(cmpss, 4) XI(cmpss, 5) XI(cmpss, 6) XI(cmpss, 7)
X2(comiss) X2(ucomiss)
XMM(s_addps_mem, "addps %[b], %%xmm0")
XMM(s_movmskps, "movmskps %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
/* double */
X2(addpd) X2(subpd) X2(mulpd) X2(divpd) X2(minpd) X2(maxpd) X2(sqrtpd) X2(addsd)
X2(subsd) X2(mulsd) X2(divsd) X2(minsd) X2(maxsd) X2(sqrtsd) X2(andpd) X2(andnpd)
X2(orpd) X2(xorpd) X2(unpcklpd) X2(unpckhpd) X2(movsd) X2(addsubpd) X2(haddpd)
X2(hsubpd) X2(movddup) XI(shufpd, 1) XI(shufpd, 2)
XI(cmppd, 0) XI(cmppd, 1) XI(cmppd, 2) XI(cmppd, 3) XI(cmppd, 4) XI(cmppd, 5)
XI(cmppd, 6) XI(cmppd, 7) XI(cmpsd, 0) XI(cmpsd, 1) XI(cmpsd, 2) XI(cmpsd, 3)
XI(cmpsd, 4) XI(cmpsd, 5) XI(cmpsd, 6) XI(cmpsd, 7)
X2(comisd) X2(ucomisd)
XMM(s_movmskpd, "movmskpd %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_mulsd_mem, "mulsd %[b], %%xmm0")
/* conversions (xmm1 is the source, xmm0 the destination it merges into) */
X2(cvtps2dq) X2(cvttps2dq) X2(cvtdq2ps) X2(cvtpd2dq) X2(cvttpd2dq) X2(cvtdq2pd)
X2(cvtps2pd) X2(cvtpd2ps) X2(cvtss2sd) X2(cvtsd2ss)
XMM(s_cvtss2si, "cvtss2si %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_cvttss2si, "cvttss2si %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_cvtsd2si, "cvtsd2si %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_cvttsd2si, "cvttsd2si %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_cvtsi2ss, "movd %%xmm1, %%eax\n\tcvtsi2ss %%eax, %%xmm0")
XMM(s_cvtsi2sd, "movd %%xmm1, %%eax\n\tcvtsi2sd %%eax, %%xmm0")
XMM(s_cvtsi2ss_mem, "cvtsi2ssl %[b], %%xmm0")
XMM(s_cvtpi2ps, "movdq2q %%xmm1, %%mm0\n\tcvtpi2ps %%mm0, %%xmm0\n\temms")
XMM(s_cvtps2pi, "cvtps2pi %%xmm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
XMM(s_cvttps2pi, "cvttps2pi %%xmm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
XMM(s_cvtpi2pd, "movdq2q %%xmm1, %%mm0\n\tcvtpi2pd %%mm0, %%xmm0\n\temms")
XMM(s_cvtpd2pi, "cvtpd2pi %%xmm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
XMM(s_cvttpd2pi, "cvttpd2pi %%xmm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
/* integer */
X2(paddb) X2(paddw) X2(paddd) X2(paddq) X2(paddsb) X2(paddsw) X2(paddusb) X2(paddusw)
X2(psubb) X2(psubw) X2(psubd) X2(psubq) X2(psubsb) X2(psubsw) X2(psubusb) X2(psubusw)
X2(pmullw) X2(pmulhw) X2(pmulhuw) X2(pmuludq) X2(pmaddwd) X2(psadbw) X2(pavgb)
X2(pavgw) X2(pmaxsw) X2(pmaxub) X2(pminsw) X2(pminub) X2(pcmpeqb) X2(pcmpeqw)
X2(pcmpeqd) X2(pcmpgtb) X2(pcmpgtw) X2(pcmpgtd) X2(packsswb) X2(packssdw)
X2(packuswb) X2(punpcklbw) X2(punpcklwd) X2(punpckldq) X2(punpcklqdq) X2(punpckhbw)
X2(punpckhwd) X2(punpckhdq) X2(punpckhqdq) X2(pand) X2(pandn) X2(por) X2(pxor)
X2(psllw) X2(pslld) X2(psllq) X2(psrlw) X2(psrld) X2(psrlq) X2(psraw) X2(psrad)
X2(pshufb) X2(phaddw) X2(phaddd) X2(phaddsw) X2(phsubw) X2(phsubd) X2(phsubsw)
X2(pmaddubsw) X2(pmulhrsw) X2(psignb) X2(psignw) X2(psignd) X2(pabsb) X2(pabsw)
X2(pabsd) X2(movq)
XI(pshufd, 0x1b) XI(pshufhw, 0x1b) XI(pshuflw, 0xb1) XI(palignr, 0) XI(palignr, 1)
XI(palignr, 8) XI(palignr, 15) XI(palignr, 16) XI(palignr, 17) XI(palignr, 31)
XI(palignr, 32)
XMM(s_pextrw5, "pextrw $5, %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_pinsrw6, "movd %%xmm1, %%eax\n\tpinsrw $6, %%eax, %%xmm0")
XMM(s_pmovmskb, "pmovmskb %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(s_lddqu, "lddqu %[b], %%xmm0")
XMM(s_movdqa_mem, "movdqa %[b], %%xmm0")
XMM(s_paddb_mem, "paddb %[b], %%xmm0")
XMM(s_movq2dq, "movdq2q %%xmm1, %%mm1\n\tmovq2dq %%mm1, %%xmm0\n\temms")
#define XSHI(op, n) XMM(s_##op##_##n, #op " $" #n ", %%xmm0")
#define XSH(op) XSHI(op, 0) XSHI(op, 1) XSHI(op, 7) XSHI(op, 15) XSHI(op, 16) \
    XSHI(op, 31) XSHI(op, 32) XSHI(op, 63) XSHI(op, 64) XSHI(op, 255)
XSH(psllw) XSH(pslld) XSH(psllq) XSH(psrlw) XSH(psrld) XSH(psrlq) XSH(psraw)
XSH(psrad) XSH(pslldq) XSH(psrldq)
/* moves to and from memory (stores go to sse_scratch, then reload),
 * non-temporal stores, fences, MXCSR loads */
static uint32_t sse_scratch[8] __attribute__((aligned(16), used));
#define XST(name, insn)                                                      \
    XMM(name, "movups %%xmm0, sse_scratch\n\tmovups %%xmm0, sse_scratch+16\n\t" \
        insn "\n\tmovups sse_scratch+4, %%xmm0")
XST(s_movhps_st, "movhps %%xmm1, sse_scratch+8")
XST(s_movlps_st, "movlps %%xmm1, sse_scratch+4")
XST(s_movhpd_st, "movhpd %%xmm1, sse_scratch+12")
XST(s_movss_st, "movss %%xmm1, sse_scratch+8")
XST(s_movsd_st, "movsd %%xmm1, sse_scratch+4")
XST(s_movq_st, "movq %%xmm1, sse_scratch+8")
XST(s_movd_st, "movd %%xmm1, sse_scratch+4")
XST(s_movntps, "movntps %%xmm1, sse_scratch\n\tsfence")
XST(s_movntdq, "movntdq %%xmm1, sse_scratch+16\n\tmfence")
XST(s_movnti, "movd %%xmm1, %%eax\n\tmovnti %%eax, sse_scratch+8\n\tlfence")
XST(s_maskmovdqu, "push %%edi\n\tlea sse_scratch+4, %%edi\n\t"
                  "maskmovdqu %%xmm1, %%xmm1\n\tpop %%edi")
XST(s_movups_st, "movups %%xmm1, sse_scratch+5")
XST(s_movapd_st, "movapd %%xmm1, sse_scratch+16")
XMM(s_movhps_ld, "movhps %[b], %%xmm0")
XMM(s_movlpd_ld, "movlpd %[b], %%xmm0")
XMM(s_movhpd_ld, "movhpd 8+%[b], %%xmm0")
XMM(s_movss_ld, "movss 4+%[b], %%xmm0")
XMM(s_movsd_ld, "movsd 8+%[b], %%xmm0")
XMM(s_movq_ld, "movq 4+%[b], %%xmm0")
XMM(s_movd_ld, "movd 12+%[b], %%xmm0")
XMM(s_movddup_ld, "movddup 4+%[b], %%xmm0")
XMM(s_movupd_ld, "movupd %[b], %%xmm0")
XMM(s_pshufd_ld, "pshufd $0x4e, %[b], %%xmm0")
/* LDMXCSR of b[0]; then STMXCSR shows what was kept (reserved bits #GP) */
XMM(s_ldmxcsr, "ldmxcsr %[b]\n\tstmxcsr sse_scratch\n\tmovd sse_scratch, %%xmm0")
/* faults: an unaligned MOVAPS, an unmasked exception */
XMM(s_movaps_mis, "movaps 4+%[b], %%xmm0")
XMM(s_movaps_ok, "movaps %[b], %%xmm0")

struct xform {
    const char *name;
    void (*fn)(void *);
};
#define XF(op) { #op, s_##op }

static const uint32_t sv[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x40400000, 0x7f7fffff,
    0x00800000, 0x00000123, 0x80400000, 0x7f800000, 0xff800000, 0x7fc12345,
    0xff812345, 0x4f000000, 0xcf000001, 0x3eaaaaab,
};
#define NSV 16
static const uint64_t dv[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
    0x4008000000000000ull, 0x7fefffffffffffffull, 0x0010000000000000ull,
    0x0000000000000123ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000012345ull, 0xfff0000000054321ull, 0x41e0000000000000ull,
    0xc3e0000000000001ull, 0x3fd5555555555555ull, 0x3ff0000040000000ull,
};
#define NDV 16

/* Inputs are printed as indices into the tables printed at the start of
 * the section (or as the vectors themselves where the input is built
 * otherwise): keeps the output near 2 MB. */
static void x_print(const char *name, const char *in, struct xio *io, void (*fn)(void *))
{
    printf("%s %s mx=%04x", name, in, io->mxi);
    if (!guarded(fn, io))
        printf(" -> %08x%08x%08x%08x mx=%04x f=%03x\n", io->r[3], io->r[2], io->r[1],
               io->r[0], io->mxo, io->fl & 0x8d5);
}

static void x_print_vec(const char *name, struct xio *io, void (*fn)(void *))
{
    char in[80];
    snprintf(in, sizeof(in), "%08x%08x%08x%08x %08x%08x%08x%08x", io->a[3], io->a[2],
             io->a[1], io->a[0], io->b[3], io->b[2], io->b[1], io->b[0]);
    x_print(name, in, io, fn);
}

/* vector i of a table: 4 singles (or 2 doubles) taken at strides so that
 * the lanes see different values */
static void vec_s(uint32_t *v, unsigned i, unsigned stride)
{
    for (unsigned k = 0; k < 4; k++)
        v[k] = sv[(i + k * stride) % NSV];
}

static void vec_d(uint32_t *v, unsigned i, unsigned stride)
{
    for (unsigned k = 0; k < 2; k++)
        memcpy(v + 2 * k, &dv[(i + k * stride) % NDV], 8);
}

/* Operand pairs: every (i, j), for scalar forms; i with every fourth j
 * for packed forms (the lanes rotate through the other combinations);
 * j alone for conversions (the destination only supplies upper lanes);
 * every third j for the rounding-mode reruns. */
enum { ALL, PACKED, SOURCE, THIRD };

static void x_table(const struct xform *f, unsigned n, int dbl, int pairs, uint32_t mx)
{
    struct xio io;
    char in[16];
    memset(&io, 0, sizeof(io));
    io.mxi = mx;
    unsigned step = pairs == PACKED ? 4 : pairs == THIRD ? 3 : 1;
    for (unsigned k = 0; k < n; k++)
        for (unsigned i = 0; i < (pairs == SOURCE ? 1 : 16); i++)
            for (unsigned j = 0; j < 16; j += step) {
                if (dbl)
                    vec_d(io.a, i, 7), vec_d(io.b, j, 5);
                else
                    vec_s(io.a, i, 5), vec_s(io.b, j, 3);
                snprintf(in, sizeof(in), "%c%u %c%u", dbl ? 'd' : 's', i, dbl ? 'd' : 's', j);
                x_print(f[k].name, in, &io, f[k].fn);
            }
}

static const uint32_t iv[][4] = {
    { 0, 0, 0, 0 }, { ~0u, ~0u, ~0u, ~0u },
    { 0x80008000, 0x80008000, 0x7fff7fff, 0x7fff7fff },
    { 0x01ff00fe, 0x807f8001, 0x00000001, 0x80000000 },
    { 0x89abcdef, 0x01234567, 0x76543210, 0xfedcba98 },
    { 0x7f7f8181, 0x00ff0080, 0x0f0e0d0c, 0x8382f1f0 },
    { 0xffff0001, 0x7fffffff, 0x00000020, 0x00000000 },
};
#define NIV (sizeof(iv) / sizeof(iv[0]))

static void sse_unmasked(uint32_t mx, void (*fn)(void *), unsigned ai, unsigned bi)
{
    struct xio io;
    memset(&io, 0, sizeof(io));
    io.mxi = mx;
    vec_s(io.a, ai, 0), vec_s(io.b, bi, 0);
    x_print_vec("unmasked", &io, fn);
}

void sec_sse(void)
{
    static const struct xform fs[] = {
        XF(addps), XF(subps), XF(mulps), XF(divps), XF(minps), XF(maxps), XF(sqrtps),
        XF(rcpps), XF(rsqrtps), XF(andps), XF(andnps), XF(orps), XF(xorps),
        XF(unpcklps), XF(unpckhps), XF(movlhps), XF(movhlps), XF(addsubps), XF(haddps),
        XF(hsubps), XF(movshdup), XF(movsldup), XF(shufps_0x1b), XF(shufps_0xb4),
        XF(cmpps_0), XF(cmpps_1), XF(cmpps_2), XF(cmpps_3), XF(cmpps_4), XF(cmpps_5),
        XF(cmpps_6), XF(cmpps_7), XF(addps_mem), XF(movmskps),
    };
    static const struct xform fss[] = {
        XF(addss), XF(subss), XF(mulss), XF(divss), XF(minss), XF(maxss), XF(sqrtss),
        XF(rcpss), XF(rsqrtss), XF(movss), XF(cmpss_0), XF(cmpss_1), XF(cmpss_2),
        XF(cmpss_3), XF(cmpss_4), XF(cmpss_5), XF(cmpss_6), XF(cmpss_7), XF(comiss),
        XF(ucomiss),
    };
    static const struct xform fd[] = {
        XF(addpd), XF(subpd), XF(mulpd), XF(divpd), XF(minpd), XF(maxpd), XF(sqrtpd),
        XF(andpd), XF(andnpd), XF(orpd), XF(xorpd), XF(unpcklpd), XF(unpckhpd),
        XF(addsubpd), XF(haddpd), XF(hsubpd), XF(movddup), XF(shufpd_1), XF(shufpd_2),
        XF(cmppd_0), XF(cmppd_1), XF(cmppd_2), XF(cmppd_3), XF(cmppd_4), XF(cmppd_5),
        XF(cmppd_6), XF(cmppd_7), XF(movmskpd),
    };
    static const struct xform fsd[] = {
        XF(addsd), XF(subsd), XF(mulsd), XF(divsd), XF(minsd), XF(maxsd), XF(sqrtsd),
        XF(movsd), XF(cmpsd_0), XF(cmpsd_1), XF(cmpsd_2), XF(cmpsd_3), XF(cmpsd_4),
        XF(cmpsd_5), XF(cmpsd_6), XF(cmpsd_7), XF(comisd), XF(ucomisd), XF(mulsd_mem),
    };
    static const struct xform cs[] = {     /* from singles */
        XF(cvtps2dq), XF(cvttps2dq), XF(cvtps2pd), XF(cvtss2sd), XF(cvtss2si),
        XF(cvttss2si), XF(cvtps2pi), XF(cvttps2pi),
    };
    static const struct xform cd[] = {     /* from doubles */
        XF(cvtpd2dq), XF(cvttpd2dq), XF(cvtpd2ps), XF(cvtsd2ss), XF(cvtsd2si),
        XF(cvttsd2si), XF(cvtpd2pi), XF(cvttpd2pi),
    };
    static const struct xform ci[] = {     /* from integers */
        XF(cvtdq2ps), XF(cvtdq2pd), XF(cvtsi2ss), XF(cvtsi2sd), XF(cvtsi2ss_mem),
        XF(cvtpi2ps), XF(cvtpi2pd),
    };
    static const struct xform in[] = {
        XF(paddb), XF(paddw), XF(paddd), XF(paddq), XF(paddsb), XF(paddsw), XF(paddusb),
        XF(paddusw), XF(psubb), XF(psubw), XF(psubd), XF(psubq), XF(psubsb), XF(psubsw),
        XF(psubusb), XF(psubusw), XF(pmullw), XF(pmulhw), XF(pmulhuw), XF(pmuludq),
        XF(pmaddwd), XF(psadbw), XF(pavgb), XF(pavgw), XF(pmaxsw), XF(pmaxub),
        XF(pminsw), XF(pminub), XF(pcmpeqb), XF(pcmpeqw), XF(pcmpeqd), XF(pcmpgtb),
        XF(pcmpgtw), XF(pcmpgtd), XF(packsswb), XF(packssdw), XF(packuswb),
        XF(punpcklbw), XF(punpcklwd), XF(punpckldq), XF(punpcklqdq), XF(punpckhbw),
        XF(punpckhwd), XF(punpckhdq), XF(punpckhqdq), XF(pand), XF(pandn), XF(por),
        XF(pxor), XF(pshufb), XF(phaddw), XF(phaddd), XF(phaddsw), XF(phsubw),
        XF(phsubd), XF(phsubsw), XF(pmaddubsw), XF(pmulhrsw), XF(psignb), XF(psignw),
        XF(psignd), XF(pabsb), XF(pabsw), XF(pabsd), XF(movq), XF(pshufd_0x1b),
        XF(pshufhw_0x1b), XF(pshuflw_0xb1), XF(palignr_0), XF(palignr_1), XF(palignr_8),
        XF(palignr_15), XF(palignr_16), XF(palignr_17), XF(palignr_31), XF(palignr_32),
        XF(pextrw5), XF(pinsrw6), XF(pmovmskb), XF(lddqu), XF(movdqa_mem),
        XF(paddb_mem), XF(movq2dq),
    };
    static const struct xform sh[] = {
        XF(psllw), XF(pslld), XF(psllq), XF(psrlw), XF(psrld), XF(psrlq), XF(psraw),
        XF(psrad),
    };
#define XSH10(op) XF(op##_0), XF(op##_1), XF(op##_7), XF(op##_15), XF(op##_16), \
        XF(op##_31), XF(op##_32), XF(op##_63), XF(op##_64), XF(op##_255)
    static const struct xform shi[] = {
        XSH10(psllw), XSH10(pslld), XSH10(psllq), XSH10(psrlw), XSH10(psrld),
        XSH10(psrlq), XSH10(psraw), XSH10(psrad), XSH10(pslldq), XSH10(psrldq),
    };
    /* MXCSR variants: default, each rounding mode, FTZ, DAZ, FTZ+DAZ */
    static const uint32_t mxs[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0, 0x9fc0 };
#define N(t) (sizeof(t) / sizeof(t[0]))
    simd_catch();
    struct xio io;
    memset(&io, 0, sizeof(io));
    for (unsigned i = 0; i < 16; i++) {
        vec_s(io.a, i, 5), vec_s(io.b, i, 3);
        printf("s%u = %08x%08x%08x%08x as a, %08x%08x%08x%08x as b\n", i, io.a[3],
               io.a[2], io.a[1], io.a[0], io.b[3], io.b[2], io.b[1], io.b[0]);
        vec_d(io.a, i, 7), vec_d(io.b, i, 5);
        printf("d%u = %08x%08x%08x%08x as a, %08x%08x%08x%08x as b\n", i, io.a[3],
               io.a[2], io.a[1], io.a[0], io.b[3], io.b[2], io.b[1], io.b[0]);
    }
    for (unsigned i = 0; i < NIV; i++)
        printf("i%u = %08x%08x%08x%08x\n", i, iv[i][3], iv[i][2], iv[i][1], iv[i][0]);
    x_table(fs, N(fs), 0, PACKED, 0x1f80);
    x_table(fss, N(fss), 0, ALL, 0x1f80);
    x_table(fd, N(fd), 1, PACKED, 0x1f80);
    x_table(fsd, N(fsd), 1, ALL, 0x1f80);
    /* rounding modes, FTZ and DAZ on the arithmetic that rounds */
    for (unsigned m = 1; m < N(mxs); m++) {
        x_table(fss, 7, 0, THIRD, mxs[m]);
        x_table(fsd, 7, 1, THIRD, mxs[m]);
        x_table(fs, 7, 0, PACKED, mxs[m]);
    }
    for (unsigned m = 0; m < N(mxs); m++) {
        x_table(cs, N(cs), 0, SOURCE, mxs[m]);
        x_table(cd, N(cd), 1, SOURCE, mxs[m]);
    }
    static const uint32_t ints[] = {
        0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 16777217, 0x7fffffc0, 0xfefffffd,
        0x00ffffff, 0x12345679,
    };
    for (unsigned m = 0; m < 4; m++)
        for (unsigned k = 0; k < N(ci); k++)
            for (unsigned i = 0; i < N(ints); i++) {
                for (unsigned l = 0; l < 4; l++)
                    io.b[l] = ints[(i + 3 * l) % N(ints)], io.a[l] = 0x55555555;
                io.mxi = mxs[m];
                x_print_vec(ci[k].name, &io, ci[k].fn);
            }
    /* integer: pairs of the vector table, and shifts by register and by
     * immediate with counts 0, 1, width-1, width and larger */
    io.mxi = 0x1f80;
    for (unsigned k = 0; k < N(in); k++)
        for (unsigned i = 0; i < NIV; i++)
            for (unsigned j = 0; j < NIV; j++) {
                char ij[16];
                memcpy(io.a, iv[i], 16), memcpy(io.b, iv[j], 16);
                snprintf(ij, sizeof(ij), "i%u i%u", i, j);
                x_print(in[k].name, ij, &io, in[k].fn);
            }
    static const uint32_t counts[] = { 0, 1, 7, 15, 16, 31, 32, 63, 64, 65 };
    for (unsigned k = 0; k < N(sh); k++)
        for (unsigned i = 3; i < NIV; i++)
            for (unsigned c = 0; c < N(counts) + 1; c++) {
                memcpy(io.a, iv[i], 16);
                /* the count is the whole low quadword: a high half set too */
                io.b[0] = c < N(counts) ? counts[c] : 1, io.b[1] = c < N(counts) ? 0 : 1;
                io.b[2] = io.b[3] = 0xffffffff;
                x_print_vec(sh[k].name, &io, sh[k].fn);
            }
    for (unsigned k = 0; k < N(shi); k++)
        for (unsigned i = 3; i < NIV; i++) {
            memcpy(io.a, iv[i], 16), memset(io.b, 0, 16);
            x_print_vec(shi[k].name, &io, shi[k].fn);
        }
    static const struct xform mv[] = {
        XF(movhps_st), XF(movlps_st), XF(movhpd_st), XF(movss_st), XF(movsd_st),
        XF(movq_st), XF(movd_st), XF(movntps), XF(movntdq), XF(movnti), XF(maskmovdqu),
        XF(movups_st), XF(movapd_st), XF(movhps_ld), XF(movlpd_ld), XF(movhpd_ld),
        XF(movss_ld), XF(movsd_ld), XF(movq_ld), XF(movd_ld), XF(movddup_ld),
        XF(movupd_ld), XF(pshufd_ld),
    };
    for (unsigned k = 0; k < N(mv); k++)
        for (unsigned i = 3; i < 5; i++) {
            char ij[16];
            memcpy(io.a, iv[i], 16), memcpy(io.b, iv[i + 1], 16);
            snprintf(ij, sizeof(ij), "i%u i%u", i, i + 1);
            x_print(mv[k].name, ij, &io, mv[k].fn);
        }
    static const uint32_t mxcsrs[] = { 0x1f80, 0x0000, 0xffbf, 0x003f, 0x10000, 0x80001f80 };
    for (unsigned i = 0; i < N(mxcsrs); i++) {
        memset(io.b, 0, 16);
        io.b[0] = mxcsrs[i];
        x_print_vec("ldmxcsr", &io, s_ldmxcsr);
    }
    /* faults: alignment (#GP, SIGSEGV SI_KERNEL) and unmasked exceptions,
     * one per MXCSR flag (SIGFPE, si_code by flag, at the instruction) */
    memset(&io, 0, sizeof(io));
    io.mxi = 0x1f80;
    x_print_vec("movaps_mis", &io, s_movaps_mis);
    x_print_vec("movaps_ok", &io, s_movaps_ok);
    sse_unmasked(0x1f80 & ~0x0080, s_sqrtss, 0, 3);     /* IE: sqrt(-1.5) */
    sse_unmasked(0x1f80 & ~0x0100, s_addss, 0, 7);      /* DE: denormal operand */
    sse_unmasked(0x1f80 & ~0x0200, s_divss, 2, 0);      /* ZE: 1/0 */
    sse_unmasked(0x1f80 & ~0x0400, s_mulss, 5, 5);      /* OE: max*max */
    sse_unmasked(0x1f80 & ~0x0800, s_mulss, 6, 15);     /* UE: min normal/3 */
    sse_unmasked(0x1f80 & ~0x1000, s_divss, 2, 4);      /* PE: 1/3 */
    sse_unmasked(0x1f80 & ~0x1000, s_addss, 2, 2);      /* PE masked off, exact */
    sse_unmasked(0x1f80 & ~0x0080, s_cvtss2si, 0, 9);   /* IE: cvt(inf) */
    sse_unmasked(0x1f80 & ~0x0080, s_ucomiss, 11, 2);   /* QNaN: no IE */
    sse_unmasked(0x1f80 & ~0x0080, s_comiss, 11, 2);    /* QNaN: IE */
    static const struct x87form fisttp[] = {
        { "fisttps", x_fisttps, SW_ARITH }, { "fisttpl", x_fisttpl, SW_ARITH },
        { "fisttpll", x_fisttpll, SW_ARITH },
    };
    x87_stores(fisttp, 3);
    simd_release();
}
