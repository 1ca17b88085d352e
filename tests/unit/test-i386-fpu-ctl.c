/*
 * x87 control and environment instructions and the exceptions of x87
 * instructions, against the host run natively: FNSTENV/FLDENV and
 * FNSAVE/FRSTOR in their 16- and 32-bit formats, FXSAVE/FXRSTOR,
 * FLDCW/FNSTCW/FNCLEX/FNINIT, the last-instruction pointers the guest
 * sees in those images; #MF at the next waiting instruction (with the
 * SIGFPE code Linux gives), #PF on memory operands the guest cannot
 * access, #GP on a misaligned FXSAVE and reserved MXCSR bits; and the
 * state functions of fpu.h (reset, signal-frame images).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "i386-fpu-rig.h"
#include "i386-test-seg.h"
#include "targets/i386/translate-core.h"

/* ModRM + disp32 for [ebx + (guest address - RIG_DATA)]. */
#define AT(reg, gaddr) (uint8_t)(0x83 | (reg) << 3), \
    (uint8_t)((gaddr) - RIG_DATA), (uint8_t)(((gaddr) - RIG_DATA) >> 8), \
    (uint8_t)(((gaddr) - RIG_DATA) >> 16), (uint8_t)(((gaddr) - RIG_DATA) >> 24)

static void rigs_init(FpuRig rigs[2], uint32_t edx)
{
    rig_init(&rigs[0], 0, edx, 0);
    rig_init(&rigs[1], 1, edx, 0);
}

static void rigs_destroy(FpuRig rigs[2])
{
    rig_destroy(&rigs[0]);
    rig_destroy(&rigs[1]);
}

/* Guest pointer values the images must hold. */
typedef struct Ptrs {
    uint32_t fip, fdp;
    uint16_t fop, fcs, fds;
} Ptrs;

static Ptrs guest_ptrs(const FpuRig *r, uint32_t fip_off, const uint8_t *code, int fdp_data_off)
{
    Ptrs p = { RIG_CODE + fip_off, fdp_data_off >= 0 ? RIG_DATA + (uint32_t)fdp_data_off : 0,
               fpu_case_fop(code, (int)fip_off), (uint16_t)r->cpu->segs[R_CS].selector,
               fdp_data_off >= 0 ? (uint16_t)r->cpu->segs[R_DS].selector : 0 };
    if (i386_fpu_host()->fcs_fds_zero)
        p.fcs = p.fds = 0;
    return p;
}

/* Clears the pointer fields of an image in data, native and guest alike,
 * after checking the guest's hold p: fmt 32 or 16 (FNSTENV/FNSAVE), or
 * 0 for an FXSAVE image. */
static void check_and_clear_image_ptrs(uint8_t *g, uint8_t *n, int fmt, const Ptrs *p)
{
    if (fmt == 32) {
        assert_int_equal(fx_get32(g, 12), p->fip);
        assert_int_equal(fx_get16(g, 16), p->fcs);
        assert_int_equal(fx_get16(g, 18), p->fop);
        assert_int_equal(fx_get32(g, 20), p->fdp);
        assert_int_equal(fx_get16(g, 24), p->fds);
        memset(g + 12, 0, 14);
        memset(n + 12, 0, 14);
    } else {
        assert_int_equal(fx_get16(g, 6), p->fip & 0xffff);
        assert_int_equal(fx_get16(g, 8), p->fcs);
        assert_int_equal(fx_get16(g, 10), p->fdp & 0xffff);
        assert_int_equal(fx_get16(g, 12), p->fds);
        memset(g + 6, 0, 8);
        memset(n + 6, 0, 8);
    }
}

static const uint64_t seed_data[4] = {
    0x400921fb54442d18ull, 0xbff8000000000000ull, 0x0000000000000001ull,
    0x7ff4000000012345ull,
};

/* FNSTENV and FNSAVE in both formats after arithmetic that set the
 * pointers, and FLDENV/FRSTOR of those images. */
static void test_env_images(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0);
    static const struct { uint8_t code[24]; uint8_t len; int fmt; uint16_t at; } cases[] = {
        { { 0xdd, 0x43, 8, 0xdc, 0x03, 0xd9, 0xb3, 0, 1, 0, 0 }, 11, 32, 0x100 },
        { { 0xdd, 0x43, 8, 0xdc, 0x03, 0x66, 0xd9, 0xb3, 0, 1, 0, 0 }, 12, 16, 0x100 },
        { { 0xdd, 0x43, 8, 0xdc, 0x03, 0xdd, 0xb3, 0, 1, 0, 0 }, 11, 32, 0x100 },
        { { 0xdd, 0x43, 8, 0xdc, 0x03, 0x66, 0xdd, 0xb3, 0, 1, 0, 0 }, 12, 16, 0x100 },
    };
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x0f7f);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        static uint8_t ndata[RIG_DATA_SIZE];
        memset(ndata, 0, sizeof(ndata));
        memcpy(ndata, seed_data, sizeof(seed_data));
        static NativeOut no;
        native_run(cases[k].code, cases[k].len, fx, ndata, 0, &no);
        assert_int_equal(no.sig, 0);
        for (int b = 0; b < 2; b++) {
            FpuRig *r = &rigs[b];
            uint8_t *g = r->mem + RIG_DATA;
            memset(g, 0, RIG_DATA_SIZE);
            memcpy(g, seed_data, sizeof(seed_data));
            assert_int_equal(rig_run(r, cases[k].code, cases[k].len, fx, 0), I386_EXCP_BP);
            /* The last non-control instruction: fadd qword [ebx] at 3. */
            Ptrs p = guest_ptrs(r, 3, cases[k].code, 0);
            uint8_t nimg[RIG_DATA_SIZE];
            memcpy(nimg, ndata, sizeof(nimg));
            check_and_clear_image_ptrs(g + cases[k].at, nimg + cases[k].at, cases[k].fmt, &p);
            assert_memory_equal(g, nimg, RIG_DATA_SIZE);
            assert_fx_same_but_pointers(r->cpu->fxstate, no.fx);
            /* FNSAVE reinitialises, pointers included; FNSTENV keeps them. */
            bool save = cases[k].code[cases[k].len - 6] == 0xdd;
            assert_int_equal(fx_get32(r->cpu->fxstate, I386_FX_FIP), save ? 0 : p.fip);
            assert_int_equal(fx_get32(r->cpu->fxstate, I386_FX_FDP), save ? 0 : p.fdp);
            assert_int_equal(fx_get16(r->cpu->fxstate, I386_FX_FOP), save ? 0 : p.fop);
        }
    }
    rigs_destroy(rigs);
}

/* FLDENV/FRSTOR of crafted images, with pointers, in both formats; an
 * FNSTENV afterwards reports the loaded pointers on both sides. */
static void test_env_load(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0);
    uint8_t img32[108] = { 0 }, img16[94] = { 0 };
    /* 32-bit: CW 0x0e7f, SW with C1 and TOP 5, tags all empty but ST0,
     * FIP 0x11223344, FCS 0x23, FOP 0x5a5, FDP 0x55667788, FDS 0x2b. */
    const uint32_t env32[7] = { 0xffff0e7f, 0xffff2a00, 0xfffffff3, 0x11223344, 0x05a50023,
                                0x55667788, 0xffff002b };
    memcpy(img32, env32, sizeof(env32));
    memcpy(img32 + 28, seed_data, 10);
    const uint16_t env16[7] = { 0x0a7f, 0x2a00, 0xfff3, 0x3344, 0x0023, 0x7788, 0x002b };
    memcpy(img16, env16, sizeof(env16));
    memcpy(img16 + 14, seed_data, 10);
    static const struct { uint8_t code[16]; uint8_t len; bool fmt16; } cases[] = {
        { { 0xd9, 0x23, 0xd9, 0xb3, 0, 2, 0, 0 }, 8, false },              /* fldenv; fnstenv */
        { { 0xdd, 0x23, 0xd9, 0xb3, 0, 2, 0, 0 }, 8, false },              /* frstor; fnstenv */
        { { 0x66, 0xd9, 0x23, 0xd9, 0xb3, 0, 2, 0, 0 }, 9, true },
        { { 0x66, 0xdd, 0x23, 0xd9, 0xb3, 0, 2, 0, 0 }, 9, true },
    };
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x037f);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const uint8_t *img = cases[k].fmt16 ? img16 : img32;
        size_t len = cases[k].fmt16 ? sizeof(img16) : sizeof(img32);
        const FpuCase c = { "env load", cases[k].code, cases[k].len, -1, -1 };
        /* fpu_compare checks all of memory (the FNSTENV image included,
         * loaded pointers and all); the state's pointers are checked
         * here rather than from fip_off. */
        static uint8_t ndata[RIG_DATA_SIZE];
        memset(ndata, 0, sizeof(ndata));
        memcpy(ndata, img, len);
        static NativeOut no;
        native_run(c.code, c.len, fx, ndata, 0, &no);
        assert_int_equal(no.sig, 0);
        for (int b = 0; b < 2; b++) {
            FpuRig *r = &rigs[b];
            uint8_t *g = r->mem + RIG_DATA;
            memset(g, 0, RIG_DATA_SIZE);
            memcpy(g, img, len);
            assert_int_equal(rig_run(r, c.code, c.len, fx, 0), I386_EXCP_BP);
            assert_memory_equal(g, ndata, RIG_DATA_SIZE);
            assert_fx_same_but_pointers(r->cpu->fxstate, no.fx);
            const uint8_t *s = r->cpu->fxstate;
            bool z = i386_fpu_host()->fcs_fds_zero;
            assert_int_equal(fx_get32(s, I386_FX_FIP), cases[k].fmt16 ? 0x3344 : 0x11223344);
            assert_int_equal(fx_get16(s, I386_FX_FOP), cases[k].fmt16 ? 0 : 0x5a5);
            assert_int_equal(fx_get32(s, I386_FX_FDP), cases[k].fmt16 ? 0x7788 : 0x55667788);
            assert_int_equal(fx_get16(s, I386_FX_FCS), z ? 0 : 0x23);
            assert_int_equal(fx_get16(s, I386_FX_FDS), z ? 0 : 0x2b);
        }
    }
    rigs_destroy(rigs);
}

/* FLDCW/FNSTCW, FNCLEX, FNINIT, FINCSTP/FDECSTP, FFREE; control
 * instructions leave the pointers of the last arithmetic instruction. */
static void test_control_words(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0);
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x037f);
    static const uint8_t a[] = {
        0xdd, 0x03,             /* fld qword [ebx] */
        0xd9, 0x6b, 8,          /* fldcw [ebx+8] */
        0xd9, 0xe8,             /* fld1 */
        0xd8, 0xf1,             /* fdiv st, st(1) (PC/RC from the new CW) */
        0xd9, 0x7b, 16,         /* fnstcw [ebx+16] */
        0xdd, 0x7b, 18,         /* fnstsw [ebx+18] */
        0xdb, 0xe2,             /* fnclex */
        0xdd, 0x7b, 20,         /* fnstsw [ebx+20] */
        0xd9, 0xf7, 0xd9, 0xf6, 0xd9, 0xf6,   /* fincstp fdecstp fdecstp */
        0xdd, 0xc1,             /* ffree st(1) */
        0xdf, 0xe0,             /* fnstsw ax */
    };
    const FpuCase ca = { "control", a, sizeof(a), 26, 0 };
    static const uint16_t cws[] = { 0x0000, 0x007f, 0x0c7f, 0x087f, 0x1f7f, 0xffff };
    for (size_t i = 0; i < sizeof(cws) / 2; i++) {
        uint64_t data[2] = { seed_data[0], cws[i] };
        fpu_compare(rigs, &ca, fx, (const uint8_t *)data, sizeof(data), 0);
    }
    static const uint8_t b[] = { 0xdd, 0x03, 0xd9, 0xe8, 0xdb, 0xe3, 0xdf, 0xe0 };
    const FpuCase cb = { "fninit", b, sizeof(b), -1, -1 };   /* FNINIT clears them */
    fpu_compare(rigs, &cb, fx, (const uint8_t *)seed_data, sizeof(seed_data), 0);
    rigs_destroy(rigs);
}

/* FXSAVE: the guest-visible part equals the host's; the pointer fields
 * hold the guest's values where the host stores any (AMD stores zeros
 * when no exception is pending); bytes 288-511, which a 32-bit FXSAVE
 * does not write, are left alone.  FXRSTOR of a crafted image then
 * FXSAVE gives it back. */
static void test_fxsave_fxrstor(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, CPUID_FXSR);
    uint8_t fx[512] __attribute__((aligned(16)));
    /* fld [ebx]; fdiv [ebx+8] (with unmasked ZE pending in case 1); fxsave [ebx+0x100] */
    static const uint8_t code[] = { 0xdd, 0x03, 0xdc, 0x73, 8, 0x0f, 0xae, 0x83, 0, 1, 0, 0 };
    for (int pending = 0; pending < 2; pending++) {
        fx_init_state(fx, pending ? 0x037b : 0x037f);
        for (int i = 0; i < 8; i++)
            memset(fx + I386_FX_XMM0 + 16 * i, 0x11 * (i + 1), 16);
        uint64_t data[2] = { seed_data[0], 0 };   /* divide by zero */
        static uint8_t ndata[RIG_DATA_SIZE];
        memset(ndata, 0xa5, sizeof(ndata));
        memcpy(ndata, data, sizeof(data));
        static NativeOut no;
        native_run(code, sizeof(code), fx, ndata, 0, &no);
        assert_int_equal(no.sig, 0);   /* FXSAVE does not wait */
        for (int b = 0; b < 2; b++) {
            FpuRig *r = &rigs[b];
            uint8_t *g = r->mem + RIG_DATA;
            memset(g, 0xa5, RIG_DATA_SIZE);
            memcpy(g, data, sizeof(data));
            assert_int_equal(rig_run(r, code, sizeof(code), fx, 0), I386_EXCP_BP);
            uint8_t *gi = g + 0x100, *ni = ndata + 0x100;
            assert_memory_equal(gi, ni, 6);
            assert_memory_equal(gi + 24, ni + 24, I386_FX_GUEST_SIZE - 24);
            for (unsigned i = I386_FX_GUEST_SIZE; i < 512; i++)
                assert_int_equal(gi[i], 0xa5);
            Ptrs p = guest_ptrs(r, 2, code, 8);
            if (fx_get32(ni, I386_FX_FIP) == 0) {
                assert_int_equal(fx_get32(gi, I386_FX_FIP), 0);
                assert_int_equal(fx_get32(gi, I386_FX_FDP), 0);
            } else {
                assert_int_equal(fx_get32(gi, I386_FX_FIP), p.fip);
                assert_int_equal(fx_get16(gi, I386_FX_FOP), p.fop);
                assert_int_equal(fx_get32(gi, I386_FX_FDP), p.fdp);
            }
            /* Native hosts store pointers at least when one is pending. */
            if (pending)
                assert_int_not_equal(fx_get32(ni, I386_FX_FIP), 0);
        }
    }

    /* FXRSTOR [ebx+0x100] of an image; FNSTENV [ebx+0x300]; FXSAVE [ebx+0x400]. */
    static const uint8_t rst[] = { 0x0f, 0xae, 0x8b, 0, 1, 0, 0, 0xd9, 0xb3, 0, 3, 0, 0,
                                   0x0f, 0xae, 0x83, 0, 4, 0, 0 };
    static uint8_t img[512] __attribute__((aligned(16)));
    fx_init_state(img, 0x0a7b);
    const uint32_t ptr[4] = { 0x10203040, 0x23, 0x50607080, 0x2b };
    memcpy(img + I386_FX_FIP, ptr, sizeof(ptr));
    const uint16_t fsw = 0x3884, ftw = 0x00c0, fop = 0x7ab;
    memcpy(img + I386_FX_FSW, &fsw, 2);
    memcpy(img + I386_FX_FTW, &ftw, 2);
    memcpy(img + I386_FX_FOP, &fop, 2);
    memcpy(img + I386_FX_ST0 + 6 * 16, seed_data, 10);
    memcpy(img + I386_FX_ST0 + 7 * 16, seed_data + 1, 10);
    for (int i = 0; i < 8; i++)
        memset(img + I386_FX_XMM0 + 16 * i, 0x21 * (i + 1), 16);
    const FpuCase c = { "fxrstor", rst, sizeof(rst), -1, -1 };
    fx_init_state(fx, 0x037f);
    static uint8_t ndata[RIG_DATA_SIZE];
    memset(ndata, 0, sizeof(ndata));
    memcpy(ndata + 0x100, img, 512);
    static NativeOut no;
    native_run(c.code, c.len, fx, ndata, 0, &no);
    assert_int_equal(no.sig, 0);
    for (int b = 0; b < 2; b++) {
        FpuRig *r = &rigs[b];
        uint8_t *g = r->mem + RIG_DATA;
        memset(g, 0, RIG_DATA_SIZE);
        memcpy(g + 0x100, img, 512);
        assert_int_equal(rig_run(r, c.code, c.len, fx, 0), I386_EXCP_BP);
        /* Everything the same natively: the FNSTENV image has the loaded
         * pointers on both sides; the FXSAVE image after it has them or
         * not by the host's rule (FNSTENV masked the pending exception). */
        assert_memory_equal(g, ndata, 0x400 + I386_FX_GUEST_SIZE);
        assert_fx_same_but_pointers(r->cpu->fxstate, no.fx);
        assert_memory_equal(r->cpu->fxstate + I386_FX_FIP, ptr, sizeof(ptr));
        assert_int_equal(fx_get16(r->cpu->fxstate, I386_FX_FOP), fop);
    }
    rigs_destroy(rigs);
}

/* Faults of FXSAVE/FXRSTOR: #GP for a misaligned operand and for MXCSR
 * bits the CPU does not have; nothing changes.  The other 0F AE forms
 * are #UD. */
static void test_fxsave_gp(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        FpuRig r;
        rig_init(&r, b, CPUID_FXSR, 0);
        uint8_t fx[512] __attribute__((aligned(16)));
        fx_init_state(fx, 0x037f);
        static const uint8_t mis[] = { 0xd9, 0xe8, 0x0f, 0xae, 0x43, 8 };  /* fxsave [ebx+8] */
        memset(r.mem + RIG_DATA, 0x5a, 1024);
        assert_int_equal(rig_run(&r, mis, sizeof(mis), fx, 0), I386_EXCP_GP);
        assert_int_equal(r.cpu->eip, RIG_CODE + 2);
        assert_int_equal(r.cpu->error_code, 0);
        for (int i = 0; i < 1024; i++)
            assert_int_equal(r.mem[RIG_DATA + i], 0x5a);
        assert_int_equal(rig_insns(&r), 1);

        static const uint8_t rst[] = { 0x0f, 0xae, 0x0b };   /* fxrstor [ebx] */
        uint8_t img[512] __attribute__((aligned(16)));
        fx_init_state(img, 0x0000);
        uint32_t bad = 0x1f80 | ~i386_fpu_host()->mxcsr_mask;
        memcpy(img + I386_FX_MXCSR, &bad, 4);
        memcpy(r.mem + RIG_DATA, img, 512);
        assert_int_equal(rig_run(&r, rst, sizeof(rst), fx, 0), I386_EXCP_GP);
        assert_int_equal(r.cpu->eip, RIG_CODE);
        assert_memory_equal(r.cpu->fxstate, fx, 512);

        /* The rest of 0F AE is SSE (LDMXCSR, STMXCSR, the fences,
         * CLFLUSH), which the models do not have; FXSAVE needs memory. */
        static const uint8_t ud[][3] = {
            { 0x0f, 0xae, 0xc0 }, { 0x0f, 0xae, 0xc8 }, { 0x0f, 0xae, 0x13 },
            { 0x0f, 0xae, 0x1b }, { 0x0f, 0xae, 0xe8 }, { 0x0f, 0xae, 0xf0 },
            { 0x0f, 0xae, 0xf8 }, { 0x0f, 0xae, 0x3b },
        };
        for (size_t i = 0; i < sizeof(ud) / sizeof(ud[0]); i++) {
            assert_int_equal(rig_run(&r, ud[i], 3, fx, 0), I386_EXCP_UD);
            assert_int_equal(r.cpu->eip, RIG_CODE);
        }
        rig_destroy(&r);
    }
}

/* Length of an instruction of these tests: FWAIT, register forms,
 * [ebx], [ebx+disp8], [ebx+disp32]. */
static size_t insn_len(const uint8_t *code, size_t off)
{
    if (code[off] == 0x9b)
        return 1;
    static const size_t by_mod[4] = { 2, 3, 6, 2 };
    return by_mod[code[off + 1] >> 6];
}

/* #MF: an unmasked exception is raised at the next waiting instruction
 * (not at FNSTSW or FNSTENV), with the state from before it, and the
 * SIGFPE code Linux derives from it is the one the kernel gave the
 * native run. */
static void test_mf_pending(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0);
    static const struct { uint16_t cw; uint8_t code[24]; uint8_t len; uint64_t a, b; } cases[] = {
        /* ZE: fld1; fldz; fdivp; fnstsw ax; fnstcw [ebx+0x40]; fld1 (#MF) */
        { 0x037b, { 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9, 0xdf, 0xe0, 0xd9, 0x7b, 0x40,
                    0xd9, 0xe8 }, 13, 0, 0 },
        /* IE: sqrt(-1); fwait */
        { 0x037e, { 0xdd, 0x03, 0xd9, 0xfa, 0x9b }, 5, 0xbff0000000000000ull, 0 },
        /* OE on a store to m32; fwait */
        { 0x0377, { 0xdd, 0x03, 0xd9, 0x53, 8, 0x9b }, 6, 0x7fefffffffffffffull, 0 },
        /* UE on a store to m32; fadd (#MF at it) */
        { 0x036f, { 0xdd, 0x03, 0xd9, 0x53, 8, 0xd8, 0xc0 }, 7, 0x0010000000000000ull, 0 },
        /* DE: denormal operand; fwait */
        { 0x037d, { 0xdd, 0x03, 0xdc, 0x4b, 8, 0x9b }, 6, 0x3ff0000000000000ull, 1 },
        /* PE: 1/3; fwait */
        { 0x035f, { 0xd9, 0xe8, 0xdc, 0x33, 0x9b }, 5, 0x4008000000000000ull, 0 },
        /* IE and PE both unmasked, PE first then IE: invalid wins */
        { 0x035e, { 0xd9, 0xe8, 0xdc, 0x33, 0xd9, 0xe8, 0xd9, 0xe0, 0xd9, 0xfa, 0x9b }, 11,
          0x4008000000000000ull, 0 },
    };
    uint8_t fx[512] __attribute__((aligned(16)));
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        fx_init_state(fx, cases[k].cw);
        uint64_t data[2] = { cases[k].a, cases[k].b };
        static uint8_t ndata[RIG_DATA_SIZE];
        memset(ndata, 0, sizeof(ndata));
        memcpy(ndata, data, sizeof(data));
        static NativeOut no;
        native_run(cases[k].code, cases[k].len, fx, ndata, 0, &no);
        if (k != sizeof(cases) / sizeof(cases[0]) - 1)   /* the last one faults earlier */
            assert_int_equal(no.fault_off, cases[k].len - (cases[k].code[cases[k].len - 1] == 0x9b ? 1 : 2));
        assert_int_equal(no.sig, SIGFPE);
        const FpuCase c = { "mf", cases[k].code, cases[k].len, -1, -1 };
        fpu_compare(rigs, &c, fx, (const uint8_t *)data, sizeof(data), 0);
        for (int b = 0; b < 2; b++) {
            I386CPU *cpu = rigs[b].cpu;
            assert_int_equal(i386_fpu_sigfpe_code(cpu), no.si_code);
            /* The instructions before the faulting one all completed. */
            unsigned done = 0;
            for (size_t off = 0; off < no.fault_off; done++)
                off += insn_len(cases[k].code, off);
            assert_int_equal(rig_insns(&rigs[b]), done);
        }
    }
    /* After the handler clears the exception (as a signal handler's
     * FNCLEX or a changed sigcontext would), execution resumes at the
     * instruction that faulted. */
    for (int b = 0; b < 2; b++) {
        fx_init_state(fx, cases[5].cw);
        uint64_t data[2] = { cases[5].a, 0 };
        memcpy(rigs[b].mem + RIG_DATA, data, sizeof(data));
        assert_int_equal(rig_run(&rigs[b], cases[5].code, cases[5].len, fx, 0), I386_EXCP_MF);
        I386CPU *cpu = rigs[b].cpu;
        assert_int_equal(cpu->eip, RIG_CODE + 4);
        uint16_t sw = fx_get16(cpu->fxstate, I386_FX_FSW) & ~0x80bf;
        memcpy(cpu->fxstate + I386_FX_FSW, &sw, 2);
        rig_current = &rigs[b];
        assert_int_equal(cpu_exec(&cpu->parent), I386_EXCP_BP);
        rig_current = NULL;
        assert_int_equal(cpu->eip, RIG_CODE + cases[5].len + 1);
    }
    rigs_destroy(rigs);
}

/* #PF: operands on an unmapped page (loads, stores, images straddling
 * into it) and stores to a read-only page fault at the instruction with
 * the address and access type the host reports for the same access
 * (FRSTOR, for one, touches the end of its image first); the
 * instruction has no effect and those before it are complete. */
typedef struct PfCase {
    uint8_t code[16];
    uint8_t len;
    uint32_t edx;     /* model features it needs */
} PfCase;

static void check_page_faults(const PfCase *cases, size_t n)
{
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x037f);
    for (int b = 0; b < 2; b++) {
        for (size_t k = 0; k < n; k++) {
            FpuRig r;
            rig_init(&r, b, cases[k].edx, 0);
            /* The same access natively, in the rig's own memory. */
            static NativeOut no;
            native_run(cases[k].code, cases[k].len, fx, r.mem + RIG_DATA, 0, &no);
            assert_int_equal(no.sig, SIGSEGV);
            assert_int_equal(no.fault_off, 2);
            assert_int_equal(rig_run(&r, cases[k].code, cases[k].len, fx, 0), I386_EXCP_PF);
            assert_int_equal(r.cpu->eip, RIG_CODE + 2);
            assert_int_equal(r.cpu->cr2, no.fault_addr - (uintptr_t)r.mem);
            assert_int_equal(r.cpu->fault_is_write, no.write);
            assert_int_equal(rig_insns(&r), 1);
            /* FLD1 ran and set the pointers; the faulting one did nothing. */
            const uint8_t *s = r.cpu->fxstate;
            assert_int_equal(fx_get16(s, I386_FX_FSW) >> 11 & 7, 7);
            assert_int_equal(fx_get32(s, I386_FX_FIP), RIG_CODE);
            assert_int_equal(fx_get16(s, I386_FX_FOP), 0x1e8);
            assert_int_equal(fx_get32(s, I386_FX_FDP), 0);
            assert_int_equal(fx_get16(s, I386_FX_FTW), 0x80);
            rig_destroy(&r);
        }
    }
}

static void test_page_faults(void **state)
{
    (void)state;
    static const PfCase cases[] = {
        { { 0xd9, 0xe8, 0xdd, AT(0, RIG_HOLE) }, 8, 0 },               /* fld qword */
        { { 0xd9, 0xe8, 0xdb, AT(5, RIG_HOLE - 4) }, 8, 0 },           /* fld tword, straddling */
        { { 0xd9, 0xe8, 0xdd, AT(3, RIG_RO + 8) }, 8, 0 },             /* fstp qword */
        { { 0xd9, 0xe8, 0xdf, AT(6, RIG_RO) }, 8, 0 },                 /* fbstp */
        { { 0xd9, 0xe8, 0xd9, AT(6, RIG_HOLE) }, 8, 0 },               /* fnstenv */
        { { 0xd9, 0xe8, 0xdd, AT(4, RIG_HOLE - 50) }, 8, 0 },          /* frstor */
        { { 0xd9, 0xe8, 0xdd, AT(6, RIG_HOLE - 50) }, 8, 0 },          /* fnsave */
        { { 0xd9, 0xe8, 0xda, AT(1, RIG_HOLE + 2) }, 8, 0 },           /* fimul dword */
    };
    check_page_faults(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_fxsave_page_faults(void **state)
{
    (void)state;
    static const PfCase cases[] = {
        { { 0xd9, 0xe8, 0x0f, 0xae, AT(0, RIG_RO) }, 9, CPUID_FXSR },  /* fxsave */
        { { 0xd9, 0xe8, 0x0f, 0xae, AT(1, RIG_HOLE - 256) }, 9, CPUID_FXSR }, /* fxrstor */
    };
    check_page_faults(cases, sizeof(cases) / sizeof(cases[0]));
}

/* FDP/FDS hold the operand's offset and segment: with a segment
 * override (FS with a base) and with 16-bit addressing. */
static void test_operand_pointers(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        FpuRig r;
        rig_init(&r, b, 0, 0);
        uint8_t fx[512] __attribute__((aligned(16)));
        fx_init_state(fx, 0x037f);
        const double v1 = 1.25, v2 = -7.5;
        memcpy(r.mem + RIG_DATA + 0x100 + 0x10, &v1, 8);
        memcpy(r.mem + 8, &v2, 8);
        test_set_flat_seg(r.cpu, R_FS, 0x100);
        r.cpu->segs[R_FS].selector = 0x3b;
        static const uint8_t fs[] = { 0x64, 0xdd, 0x43, 0x10 };   /* fld qword fs:[ebx+0x10] */
        assert_int_equal(rig_run(&r, fs, sizeof(fs), fx, 0), I386_EXCP_BP);
        const uint8_t *s = r.cpu->fxstate;
        assert_int_equal(fx_get32(s, I386_FX_FIP), RIG_CODE);   /* the prefix's address */
        assert_int_equal(fx_get16(s, I386_FX_FOP), 0x543);
        assert_int_equal(fx_get32(s, I386_FX_FDP), RIG_DATA + 0x10);
        assert_int_equal(fx_get16(s, I386_FX_FDS), i386_fpu_host()->fcs_fds_zero ? 0 : 0x3b);
        /* ST0 = 1.25: exponent 0x3fff, mantissa 0xa000... */
        assert_int_equal(fx_get16(s, I386_FX_ST0 + 8), 0x3fff);
        assert_int_equal(fx_get32(s, I386_FX_ST0 + 4), 0xa0000000u);

        static const uint8_t a16[] = { 0x67, 0xdd, 0x47, 0x08 };  /* fld qword [bx+8] */
        assert_int_equal(rig_run(&r, a16, sizeof(a16), fx, 0), I386_EXCP_BP);
        assert_int_equal(fx_get32(s, I386_FX_FDP), 8);            /* BX = 0 */
        assert_int_equal(fx_get16(s, I386_FX_FDS),
                         i386_fpu_host()->fcs_fds_zero ? 0 : r.cpu->segs[R_DS].selector);
        assert_int_equal(fx_get16(s, I386_FX_ST0 + 8), 0xc001);   /* -7.5 */
        rig_destroy(&r);
    }
}

/* Hosts that only update FDP on unmasked exceptions (FDP_EXCPTN_ONLY)
 * or never store FCS/FDS: the translator follows i386_fpu_host(). */
static void test_host_pointer_rules(void **state)
{
    (void)state;
    I386FpuHost *host = i386_fpu_host(), saved = *host;
    host->fdp_exception_only = true;
    host->fcs_fds_zero = true;
    for (int b = 0; b < 2; b++) {
        FpuRig r;
        rig_init(&r, b, 0, 0);
        uint8_t fx[512] __attribute__((aligned(16)));
        static const uint8_t code[] = { 0xdd, 0x03, 0xdc, 0x73, 8 };   /* fld; fdiv [ebx+8] */
        uint64_t data[2] = { seed_data[0], 0 };
        memcpy(r.mem + RIG_DATA, data, sizeof(data));
        fx_init_state(fx, 0x037f);   /* masked: FDP stays */
        assert_int_equal(rig_run(&r, code, sizeof(code), fx, 0), I386_EXCP_BP);
        assert_int_equal(fx_get32(r.cpu->fxstate, I386_FX_FDP), 0);
        assert_int_equal(fx_get32(r.cpu->fxstate, I386_FX_FIP), RIG_CODE + 2);
        assert_int_equal(fx_get16(r.cpu->fxstate, I386_FX_FCS), 0);
        fx_init_state(fx, 0x037b);   /* unmasked zero divide: FDP moves */
        assert_int_equal(rig_run(&r, code, sizeof(code), fx, 0), I386_EXCP_BP);
        assert_int_equal(fx_get32(r.cpu->fxstate, I386_FX_FDP), RIG_DATA + 8);
        assert_int_equal(fx_get16(r.cpu->fxstate, I386_FX_FDS), 0);
        rig_destroy(&r);
    }
    *host = saved;
}

/* fpu.h: the reset state is the host's after FNINIT; the FNSAVE image
 * for signal frames is the host's FNSAVE of the same state, which it
 * leaves unchanged; FRSTOR and FXRSTOR-style loads. */
static void test_state_functions(void **state)
{
    (void)state;
    FpuRig r;
    rig_init(&r, 1, 0, 0);
    uint8_t native[512] __attribute__((aligned(16)));
    memset(native, 0, sizeof(native));
    static const uint32_t def = 0x1f80;
    __asm__ volatile("fninit\n\tldmxcsr %1\n\tfxsave %0" : "=m"(native) : "m"(def));
    i386_fpu_reset(r.cpu);
    /* Control, status, tags, pointers, MXCSR and its mask: FNINIT leaves
     * the registers' old contents, which FXSAVE stores. */
    assert_memory_equal(r.cpu->fxstate, native, I386_FX_ST0);

    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x0e7f);
    static const uint8_t code[] = { 0xdd, 0x03, 0xdd, 0x43, 8, 0xde, 0xf9, 0xdd, 0x43, 16 };
    memcpy(r.mem + RIG_DATA, seed_data, sizeof(seed_data));
    assert_int_equal(rig_run(&r, code, sizeof(code), fx, 0), I386_EXCP_BP);
    uint8_t before[512] __attribute__((aligned(16)));
    memcpy(before, r.cpu->fxstate, 512);
    uint8_t img[I386_FSAVE32_SIZE], nimg[I386_FSAVE32_SIZE + 16];
    i386_fpu_save_fsave(r.cpu, img);
    assert_memory_equal(r.cpu->fxstate, before, 512);
    /* Natively: FXRSTOR of the same state (its pointers included), FNSAVE. */
    static const uint8_t fnsave[] = { 0xdd, 0x33 };
    static NativeOut no;
    native_run(fnsave, sizeof(fnsave), before, nimg, 0, &no);
    assert_memory_equal(img, nimg, 12);
    assert_memory_equal(img + 28, nimg + 28, I386_FSAVE32_SIZE - 28);
    assert_int_equal(fx_get32(img, 12), RIG_CODE + 7);
    assert_int_equal(fx_get16(img, 18), 0x543);
    assert_int_equal(fx_get32(img, 20), RIG_DATA + 16);

    /* Load it back into a reset state: the same state, pointers too. */
    i386_fpu_reset(r.cpu);
    i386_fpu_load_fsave(r.cpu, img);
    assert_memory_equal(r.cpu->fxstate, before, I386_FX_GUEST_SIZE);

    /* An FXSAVE image with MXCSR bits the host lacks: they are dropped. */
    uint8_t fxi[512];
    memcpy(fxi, before, 512);
    uint32_t mx = 0xffffffff;
    memcpy(fxi + I386_FX_MXCSR, &mx, 4);
    i386_fpu_load_fxsave(r.cpu, fxi);
    assert_int_equal(fx_get32(r.cpu->fxstate, I386_FX_MXCSR), i386_fpu_host()->mxcsr_mask);
    assert_memory_equal(r.cpu->fxstate + 32, before + 32, I386_FX_GUEST_SIZE - 32);
    rig_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_images),
        cmocka_unit_test(test_env_load),
        cmocka_unit_test(test_control_words),
        cmocka_unit_test(test_fxsave_fxrstor),
        cmocka_unit_test(test_fxsave_gp),
        cmocka_unit_test(test_mf_pending),
        cmocka_unit_test(test_page_faults),
        cmocka_unit_test(test_fxsave_page_faults),
        cmocka_unit_test(test_operand_pointers),
        cmocka_unit_test(test_host_pointer_rules),
        cmocka_unit_test(test_state_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
