/*
 * x87 arithmetic through mimic, bit for bit against the host's x87 run
 * natively (i386-fpu-rig.h): the four basic operations in every form
 * (m32/m64/m16int/m32int and register, reversed and popping) over
 * normals, denormals, zeros of both signs, infinities, quiet and
 * signalling NaNs with payloads, under each rounding and precision
 * control; transcendental and other one- and two-operand instructions;
 * conversions to and from integers and BCD with overflow (integer
 * indefinite); comparisons (status word, FNSTSW AX, FCOMI's EFLAGS);
 * FCMOVcc under every flag state; constants.  Both backends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "i386-fpu-rig.h"

#define CPUID_ECX_SSE3 1u

/* Doubles covering the classes the x87 treats differently. */
static const uint64_t dvals[] = {
    0x0000000000000000ull,  /* +0 */
    0x8000000000000000ull,  /* -0 */
    0x3ff0000000000000ull,  /* 1 */
    0xbff8000000000000ull,  /* -1.5 */
    0x3fd5555555555555ull,  /* 1/3 */
    0x400921fb54442d18ull,  /* pi */
    0x43e0000000000000ull,  /* 2^63 */
    0xc1e0000000200000ull,  /* -2147483649 */
    0x7fefffffffffffffull,  /* DBL_MAX */
    0x0010000000000000ull,  /* DBL_MIN */
    0x0000000000000001ull,  /* smallest denormal */
    0x800fffffffffffffull,  /* largest negative denormal */
    0x7ff0000000000000ull,  /* +inf */
    0xfff0000000000000ull,  /* -inf */
    0x7ff8000000000000ull,  /* QNaN */
    0xfff8000000000abcull,  /* -QNaN with a payload */
    0x7ff0000000000001ull,  /* SNaN */
    0x7ff4000000012345ull,  /* SNaN with a payload */
};
#define NB_DVALS (sizeof(dvals) / sizeof(dvals[0]))

/* Rounding control (bits 10-11) x precision control (bits 8-9), all
 * exceptions masked. */
static const uint16_t masked_cws[] = {
    0x037f, 0x077f, 0x0b7f, 0x0f7f,     /* 64-bit precision, RC 0-3 */
    0x027f, 0x067f, 0x0a7f, 0x0e7f,     /* 53-bit */
    0x007f, 0x047f, 0x087f, 0x0c7f,     /* 24-bit */
};
#define NB_CWS (sizeof(masked_cws) / sizeof(masked_cws[0]))

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

/* Runs c over every pair of dvals (at data offsets 0 and 8) under every
 * masked control word. */
static void run_pairs(FpuRig rigs[2], const FpuCase *c)
{
    uint8_t fx[512] __attribute__((aligned(16)));
    for (size_t w = 0; w < NB_CWS; w++) {
        fx_init_state(fx, masked_cws[w]);
        for (size_t i = 0; i < NB_DVALS; i++) {
            for (size_t j = 0; j < NB_DVALS; j++) {
                uint64_t data[2] = { dvals[i], dvals[j] };
                fpu_compare(rigs, c, fx, (const uint8_t *)data, sizeof(data), 0);
            }
        }
    }
}

/* FLD m64 [ebx]; op with [ebx+8] or st(1); FST m64 [ebx+16]; FSTP m80
 * [ebx+24]; and the same with precision loss on the way out (FST m32). */
static void test_basic_arith_m64(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const char *const names[8] = { "fadd", "fmul", "fcom", "fcomp",
                                          "fsub", "fsubr", "fdiv", "fdivr" };
    for (int op = 0; op < 8; op++) {
        const uint8_t code[] = {
            0xdd, 0x03,                          /* fld qword [ebx] */
            0xdc, (uint8_t)(0x43 | op << 3), 8,  /* fOP qword [ebx+8] */
            0xdd, 0x53, 16,                      /* fst qword [ebx+16] */
            0xd9, 0x53, 32,                      /* fst dword [ebx+32] */
            0xdb, 0x7b, 40,                      /* fstp tword [ebx+40] */
        };
        /* FCOMP pops: the stores then read an empty stack (invalid). */
        const FpuCase c = { names[op], code, sizeof(code), 11, 40 };
        run_pairs(rigs, &c);
    }
    rigs_destroy(rigs);
}

/* Register forms: D8 (st, st(i)), DC (st(i), st) and DE (pop). */
static void test_basic_arith_reg(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const uint8_t escapes[] = { 0xd8, 0xdc, 0xde };
    for (size_t e = 0; e < sizeof(escapes); e++) {
        for (int op = 0; op < 8; op++) {
            if (escapes[e] == 0xde && op == 3)
                continue;   /* DE D8+i is reserved (FCOMPP is DE D9) */
            const uint8_t code[] = {
                0xdd, 0x03,                                    /* fld qword [ebx] */
                0xdd, 0x43, 8,                                 /* fld qword [ebx+8] */
                escapes[e], (uint8_t)(0xc1 | op << 3),         /* fOP with st(1) */
                0xdd, 0x5b, 16,                                /* fstp qword [ebx+16] */
            };
            char name[32];
            snprintf(name, sizeof(name), "%02x %02x", escapes[e], 0xc1 | op << 3);
            const FpuCase c = { name, code, sizeof(code), 7, 16 };
            run_pairs(rigs, &c);
        }
    }
    rigs_destroy(rigs);
}

/* m32fp (D8), m32int (DA) and m16int (DE) operands: the data's first
 * bytes read as float or integers. */
static void test_arith_other_memory_sizes(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const uint8_t escapes[] = { 0xd8, 0xda, 0xde };
    for (size_t e = 0; e < sizeof(escapes); e++) {
        for (int op = 0; op < 8; op += 1) {
            const uint8_t code[] = {
                0xdd, 0x43, 8,                                 /* fld qword [ebx+8] */
                escapes[e], (uint8_t)(0x03 | op << 3),         /* fOP [ebx] */
                0xdb, 0x7b, 16,                                /* fstp tword [ebx+16] */
            };
            char name[32];
            snprintf(name, sizeof(name), "%02x /%d mem", escapes[e], op);
            const FpuCase c = { name, code, sizeof(code), 5, 16 };
            run_pairs(rigs, &c);
        }
    }
    rigs_destroy(rigs);
}

/* Extended-precision operands that have no double equivalent:
 * pseudo-denormals, unnormals, pseudo-infinities and pseudo-NaNs (invalid
 * since the 387), the largest and smallest extended values. */
static void test_m80_encodings(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const struct { uint64_t mant; uint16_t se; } ext[] = {
        { 0x8000000000000000ull, 0x3fff },   /* 1 */
        { 0x0000000000000001ull, 0x0000 },   /* smallest denormal */
        { 0x8000000000000001ull, 0x0000 },   /* pseudo-denormal */
        { 0x4000000000000000ull, 0x3fff },   /* unnormal */
        { 0x0000000000000000ull, 0x7fff },   /* pseudo-infinity */
        { 0x4000000000000000ull, 0x7fff },   /* pseudo-NaN */
        { 0xffffffffffffffffull, 0x7ffe },   /* largest */
        { 0xc000000000000000ull, 0xffff },   /* -QNaN */
        { 0xa000000000000000ull, 0x7fff },   /* SNaN */
    };
    uint8_t fx[512] __attribute__((aligned(16)));
    static const uint8_t ops[][2] = {
        { 0xd8, 0xc1 }, { 0xd8, 0xc9 }, { 0xd8, 0xf1 }, { 0xd8, 0xe1 }, { 0xd8, 0xd1 },
    };
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        const uint8_t code[] = {
            0xdb, 0x6b, 0,          /* fld tword [ebx] */
            0xdb, 0x6b, 16,         /* fld tword [ebx+16] */
            ops[k][0], ops[k][1],   /* op st, st(1) */
            0xd9, 0xfa,             /* fsqrt */
            0xdb, 0x7b, 32,         /* fstp tword [ebx+32] */
            0xdd, 0x5b, 48,         /* fstp qword [ebx+48] */
        };
        const FpuCase c = { "m80", code, sizeof(code), 13, 48 };
        for (size_t w = 0; w < 4; w++) {
            fx_init_state(fx, masked_cws[w]);
            for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
                for (size_t j = 0; j < sizeof(ext) / sizeof(ext[0]); j++) {
                    uint8_t data[32] = { 0 };
                    memcpy(data, &ext[i].mant, 8);
                    memcpy(data + 8, &ext[i].se, 2);
                    memcpy(data + 16, &ext[j].mant, 8);
                    memcpy(data + 24, &ext[j].se, 2);
                    fpu_compare(rigs, &c, fx, data, sizeof(data), 0);
                }
            }
        }
    }
    rigs_destroy(rigs);
}

/* One-operand instructions on ST(0), two-operand ones on ST(1), ST(0):
 * D9 E0-FF (constants included, they push). */
static void test_d9_operations(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const uint8_t ops[] = {
        0xe0, 0xe1, 0xe4, 0xe5,                         /* FCHS FABS FTST FXAM */
        0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee,       /* constants */
        0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, /* F2XM1 .. FINCSTP */
        0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, /* FPREM .. FCOS */
    };
    for (size_t k = 0; k < sizeof(ops); k++) {
        const uint8_t code[] = {
            0xdd, 0x43, 8,          /* fld qword [ebx+8] */
            0xdd, 0x03,             /* fld qword [ebx] */
            0xd9, ops[k],
            0xdb, 0x7b, 16,         /* fstp tword [ebx+16] */
            0xdb, 0x7b, 32,         /* fstp tword [ebx+32] */
            0xdf, 0xe0,             /* fnstsw ax */
        };
        char name[16];
        snprintf(name, sizeof(name), "d9 %02x", ops[k]);
        const FpuCase c = { name, code, sizeof(code), 10, 32 };
        run_pairs(rigs, &c);
    }
    rigs_destroy(rigs);
}

/* Transcendental instructions on arguments where they are hardest:
 * huge arguments (FSIN and friends reduce modulo pi with a 66-bit pi,
 * and give up beyond 2^63), near pi/2, tiny ones. */
static void test_transcendental_edges(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const uint64_t args[] = {
        0x43e0000000000000ull,  /* 2^63: out of range, C2 set */
        0x43dfffffffffffffull,  /* just below */
        0x3ff921fb54442d18ull,  /* ~pi/2 */
        0x3ff921fb54442d19ull,
        0x3e50000000000000ull,  /* 2^-26 */
        0x3fefffffffffffffull,  /* just below 1 */
        0xbfe0000000000000ull,  /* -0.5 */
        0x4341c37937e08000ull,  /* 10^16 */
        0x7fe1ccf385ebc8a0ull,  /* 1e308 */
    };
    static const uint8_t ops[] = { 0xfe, 0xff, 0xfb, 0xf2, 0xf3, 0xf1, 0xf9, 0xf0,
                                   0xf8, 0xf5, 0xfd, 0xf4, 0xfc };
    uint8_t fx[512] __attribute__((aligned(16)));
    for (size_t k = 0; k < sizeof(ops); k++) {
        const uint8_t code[] = {
            0xdd, 0x43, 8, 0xdd, 0x03, 0xd9, ops[k],
            0xdb, 0x7b, 16, 0xdb, 0x7b, 32, 0xdf, 0xe0,
        };
        const FpuCase c = { "transcendental", code, sizeof(code), 10, 32 };
        for (size_t w = 0; w < NB_CWS; w++) {
            fx_init_state(fx, masked_cws[w]);
            for (size_t i = 0; i < sizeof(args) / 8; i++) {
                for (size_t j = 0; j < sizeof(args) / 8; j++) {
                    uint64_t data[2] = { args[i], args[j] };
                    fpu_compare(rigs, &c, fx, (const uint8_t *)data, sizeof(data), 0);
                }
            }
        }
    }
    rigs_destroy(rigs);
}

/* Integer and BCD stores, with overflow giving the integer indefinite
 * (0x8000..., 0xffff_c000... for BCD), loads of every integer size. */
static void test_integer_conversions(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, CPUID_ECX_SSE3);
    static const uint8_t stores[][2] = {
        { 0xdf, 0x13 }, { 0xdf, 0x1b },     /* fist/fistp word */
        { 0xdb, 0x13 }, { 0xdb, 0x1b },     /* fist/fistp dword */
        { 0xdf, 0x3b }, { 0xdf, 0x33 },     /* fistp qword, fbstp */
        { 0xdf, 0x0b }, { 0xdb, 0x0b }, { 0xdd, 0x0b },  /* fisttp word/dword/qword */
    };
    for (size_t k = 0; k < sizeof(stores) / 2; k++) {
        /* fld qword [ebx+8]; store [ebx]; fild/fbld back from [ebx] */
        const uint8_t code[] = {
            0xdd, 0x43, 8, stores[k][0], stores[k][1],
            0xdf, 0x2b,             /* fild qword [ebx] */
            0xdf, 0x23,             /* fbld [ebx] */
            0xdb, 0x03,             /* fild dword [ebx] */
            0xdf, 0x03,             /* fild word [ebx] */
        };
        char name[16];
        snprintf(name, sizeof(name), "%02x %02x", stores[k][0], stores[k][1]);
        const FpuCase c = { name, code, sizeof(code), 11, 0 };
        run_pairs(rigs, &c);
    }
    rigs_destroy(rigs);
}

/* Comparisons: the status word (FNSTSW AX) and EFLAGS of FCOMI and
 * family, including unordered operands; FCMOVcc under all CF/PF/ZF
 * states. */
static void test_compare_and_fcmov(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    static const uint8_t cmps[][2] = {
        { 0xdb, 0xf1 }, { 0xdb, 0xe9 }, { 0xdf, 0xf1 }, { 0xdf, 0xe9 },  /* FCOMI FUCOMI ..P */
        { 0xd8, 0xd1 }, { 0xdd, 0xe1 }, { 0xda, 0xe9 }, { 0xde, 0xd9 },  /* FCOM FUCOM FUCOMPP FCOMPP */
    };
    for (size_t k = 0; k < sizeof(cmps) / 2; k++) {
        const uint8_t code[] = {
            0xdd, 0x43, 8, 0xdd, 0x03, cmps[k][0], cmps[k][1],
            0xdf, 0xe0,             /* fnstsw ax */
        };
        const FpuCase c = { "compare", code, sizeof(code), 5, 0 };
        run_pairs(rigs, &c);
    }
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x37f);
    static const uint8_t fcmov[][2] = {
        { 0xda, 0xc1 }, { 0xda, 0xc9 }, { 0xda, 0xd1 }, { 0xda, 0xd9 },
        { 0xdb, 0xc1 }, { 0xdb, 0xc9 }, { 0xdb, 0xd1 }, { 0xdb, 0xd9 },
    };
    for (size_t k = 0; k < sizeof(fcmov) / 2; k++) {
        const uint8_t code[] = {
            0xdd, 0x43, 8, 0xdd, 0x03, fcmov[k][0], fcmov[k][1],
            0xdb, 0x7b, 16,
        };
        const FpuCase c = { "fcmov", code, sizeof(code), 7, 16 };
        for (uint32_t fl = 0; fl < 8; fl++) {
            uint32_t flags = ((fl & 1) ? I386_CF : 0) | ((fl & 2) ? I386_PF : 0) |
                             ((fl & 4) ? I386_ZF : 0);
            uint64_t data[2] = { dvals[2], dvals[5] };
            fpu_compare(rigs, &c, fx, (const uint8_t *)data, sizeof(data), flags);
            /* An empty ST(i): stack underflow whatever the condition. */
            const uint8_t empty[] = { 0xdd, 0x03, fcmov[k][0], (uint8_t)(fcmov[k][1] + 3),
                                      0xdf, 0xe0 };
            const FpuCase ce = { "fcmov empty", empty, sizeof(empty), 2, 0 };
            fpu_compare(rigs, &ce, fx, (const uint8_t *)data, sizeof(data), flags);
        }
    }
    rigs_destroy(rigs);
}

/* The x87 and the i386 translator's lazy flags: FCOMI's result replaces
 * the flags of a preceding CMP for the SETcc readers after it, and
 * FCMOVcc reads flags left lazy by TEST and SUB. */
static void test_flags_with_integer_code(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rigs_init(rigs, 0, 0);
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x37f);
    static const uint8_t fcomis[][2] = { { 0xdb, 0xf1 }, { 0xdb, 0xe9 }, { 0xdf, 0xf1 },
                                         { 0xdf, 0xe9 } };
    for (size_t k = 0; k < 4; k++) {
        const uint8_t code[] = {
            0x39, 0xd8,                         /* cmp eax, ebx */
            0xdd, 0x43, 8, 0xdd, 0x03,          /* fld [ebx+8]; fld [ebx] */
            fcomis[k][0], fcomis[k][1],
            0x0f, 0x97, 0xc0,                   /* seta al */
            0x0f, 0x9a, 0xc4,                   /* setp ah */
        };
        const FpuCase c = { "fcomi setcc", code, sizeof(code), 7, 0 };
        for (size_t i = 0; i < NB_DVALS; i++) {
            for (size_t j = 0; j < NB_DVALS; j += 3) {
                uint64_t data[2] = { dvals[i], dvals[j] };
                fpu_compare(rigs, &c, fx, (const uint8_t *)data, sizeof(data), 0);
            }
        }
    }
    static const uint8_t setters[][3] = {
        { 0x85, 0xc0, 0x90 },                   /* test eax, eax: ZF PF */
        { 0x83, 0xe8, 0x01 },                   /* sub eax, 1: CF PF */
        { 0x83, 0xc0, 0x01 },                   /* add eax, 1: none */
    };
    for (size_t k = 0; k < 3; k++) {
        for (uint8_t m = 0xc1; m < 0xe0; m += 8) {
            for (int esc = 0xda; esc <= 0xdb; esc++) {
                const uint8_t code[] = {
                    setters[k][0], setters[k][1], setters[k][2],
                    0xdd, 0x43, 8, 0xdd, 0x03, (uint8_t)esc, m,
                    0xdb, 0x7b, 16,             /* fstp tword [ebx+16] */
                };
                const FpuCase c = { "lazy fcmov", code, sizeof(code), 10, 16 };
                uint64_t data[2] = { dvals[3], dvals[5] };
                fpu_compare(rigs, &c, fx, (const uint8_t *)data, sizeof(data), 0);
            }
        }
    }
    rigs_destroy(rigs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_arith_m64),
        cmocka_unit_test(test_basic_arith_reg),
        cmocka_unit_test(test_arith_other_memory_sizes),
        cmocka_unit_test(test_m80_encodings),
        cmocka_unit_test(test_d9_operations),
        cmocka_unit_test(test_transcendental_edges),
        cmocka_unit_test(test_integer_conversions),
        cmocka_unit_test(test_compare_and_fcmov),
        cmocka_unit_test(test_flags_with_integer_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
