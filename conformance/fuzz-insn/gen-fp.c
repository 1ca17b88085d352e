/*
 * The FP and SIMD opcode classes of the fuzzer: x87 (D8-DF), MMX, SSE,
 * SSE2, SSE3, SSSE3, and the x87/SSE state and memory they start from.
 *
 * x87 encodings are drawn from the whole D8-DF space (any ModRM), as the
 * integer classes draw from the opcode map: capstone rejects what it does
 * not decode.  The SIMD classes come from a table of the SDM's opcode
 * map (vol. 2, appendix A: mandatory prefix, map, opcode, which operand
 * forms exist, immediate, fixed /digit), one row per instruction form,
 * written here rather than taken from the translator's tables so that
 * the fuzzer does not inherit their mistakes.
 *
 * Operands: registers hold edge values (fuzz_gen_fp_state); memory
 * operands point mostly into the FP area of the patch, 16-byte aligned
 * most of the time (aligned moves fault otherwise), whose slots hold
 * floats, doubles, 80-bit values and integer edges (fuzz_fill_fp_area);
 * the rest of the time anywhere, like the integer classes.
 */
#include <string.h>

#include "gen-emit.h"

#define below fuzz_below
#define chance fuzz_chance

/* Float edges: zeros, denormals (smallest, largest), smallest and
 * largest normal, infinities, quiet and signalling NaNs with payloads,
 * values that round differently per mode (x.5), integer conversion
 * limits (2^31, 2^32, 2^63), and a few ordinary numbers. */
static const uint32_t f32_edges[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001, 0x807fffff,
    0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
    0xffc00000, 0x7f800001, 0xffa00000, 0x7fc12345, 0x3f000000, 0x3fc00000,
    0x40200000, 0xbfc00000, 0x4f000000, 0xcf000000, 0x4effffff, 0x4f800000,
    0x5f000000, 0x40490fdb, 0x3eaaaaab, 0x00400000, 0x0c000000, 0x72000000,
};

static const uint64_t f64_edges[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0xfff8000000000000ull, 0x7ff0000000000001ull, 0xfff4000000000000ull,
    0x7ff8000000012345ull, 0x3fe0000000000000ull, 0x3ff8000000000000ull,
    0x4004000000000000ull, 0xbff8000000000000ull, 0x41e0000000000000ull,
    0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0x41f0000000000000ull,
    0x43e0000000000000ull, 0x400921fb54442d18ull, 0x3fd5555555555555ull,
    0x3ff0000000000001ull, 0x3ca0000000000000ull, 0x36a0000000000000ull,
};

/* 80-bit edges: sign+exponent, mantissa (J bit explicit).  Besides the
 * IEEE-like classes, the encodings only the x87 has: pseudo-denormal
 * (exponent 0, J set), unnormal (exponent not 0, J clear), pseudo-infinity
 * and pseudo-NaN (exponent all ones, J clear), and the indefinite. */
static const struct { uint16_t se; uint64_t m; } f80_edges[] = {
    { 0x0000, 0 }, { 0x8000, 0 }, { 0x3fff, 1ull << 63 }, { 0xbfff, 1ull << 63 },
    { 0x0000, 1 }, { 0x8000, 0x7fffffffffffffffull }, { 0x0001, 1ull << 63 },
    { 0x7ffe, ~0ull }, { 0xfffe, ~0ull }, { 0x7fff, 1ull << 63 }, { 0xffff, 1ull << 63 },
    { 0x7fff, 0xc000000000000000ull }, { 0xffff, 0xc000000000000000ull },
    { 0x7fff, 0xa000000000000000ull }, { 0x7fff, 0xc000000000012345ull },
    { 0x0000, 0x8000000000000001ull }, { 0x3fff, 0x4000000000000000ull },
    { 0x7fff, 0 }, { 0x7fff, 0x4000000000000000ull }, { 0x3ffe, 1ull << 63 },
    { 0x4000, 0xc90fdaa22168c235ull }, { 0x403e, 1ull << 63 }, { 0xc03e, 1ull << 63 },
    { 0x403d, ~0ull }, { 0x401e, 0xffffffff00000000ull }, { 0x7000, 1ull << 63 },
    { 0x0100, 0x8000000000000001ull }, { 0x3fff, 0x8000000000000001ull },
    { 0x4002, 0xa000000000000000ull }, { 0xbffd, 0xaaaaaaaaaaaaaaabull },
};

#define NB(a) (sizeof(a) / sizeof((a)[0]))

static void put(uint8_t *p, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t rand32(FuzzRng *r)
{
    return fuzz_rand(r) ^ (fuzz_rand(r) << 16);
}

static uint64_t rand64(FuzzRng *r)
{
    return (uint64_t)rand32(r) << 32 | rand32(r);
}

/* Integer lane edges of 8/16/32/64 bits (saturation, sign, shifts). */
static uint64_t int_edge(FuzzRng *r, unsigned size)
{
    static const int64_t edges[] = { 0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                     0x7fffffff, 0x80000000ll, 0xffffffffll, 0x3f, 0x40,
                                     -0x80, -0x8000, -0x80000000ll, 0x10, 0x20, 0x41 };
    if (chance(r, 30))
        return rand64(r);
    int64_t v = edges[below(r, NB(edges))];
    if (size == 8 && chance(r, 20))
        v = chance(r, 50) ? INT64_MIN : INT64_MAX;
    return (uint64_t)v;
}

/* 16 bytes of one kind: floats, doubles, an 80-bit value, integers of
 * one lane width, or random bytes. */
static void fill16(FuzzRng *r, uint8_t *p, bool allow_f80)
{
    switch (below(r, allow_f80 ? 7 : 6)) {
    case 0: case 1:
        for (unsigned i = 0; i < 16; i += 4)
            put(p + i, chance(r, 85) ? f32_edges[below(r, NB(f32_edges))] : rand32(r), 4);
        break;
    case 2: case 3:
        for (unsigned i = 0; i < 16; i += 8)
            put(p + i, chance(r, 85) ? f64_edges[below(r, NB(f64_edges))] : rand64(r), 8);
        break;
    case 4: {
        unsigned lane = 1u << below(r, 4);
        for (unsigned i = 0; i < 16; i += lane)
            put(p + i, int_edge(r, lane), lane);
        break;
    }
    case 5:
        for (unsigned i = 0; i < 16; i += 4)
            put(p + i, rand32(r), 4);
        break;
    default: {
        unsigned k = below(r, NB(f80_edges));
        put(p, f80_edges[k].m, 8);
        put(p + 8, f80_edges[k].se, 2);
        put(p + 10, int_edge(r, 2), 2);
        put(p + 12, f32_edges[below(r, NB(f32_edges))], 4);
        break;
    }
    }
}

void fuzz_fill_fp_area(FuzzRng *r, uint8_t *p, unsigned len)
{
    for (unsigned i = 0; i + 16 <= len; i += 16)
        fill16(r, p + i, true);
}

/* One x87 register (10 bytes): an 80-bit edge, a double or float edge
 * widened by hand (exact), an integer, or an MMX value (exponent all
 * ones, as MMX instructions leave it). */
static void gen_st(FuzzRng *r, uint8_t *p)
{
    unsigned k = below(r, 10);
    if (k < 5) {
        unsigned i = below(r, NB(f80_edges));
        put(p, f80_edges[i].m, 8);
        put(p + 8, f80_edges[i].se, 2);
    } else if (k < 8) {
        /* A normal double's value: same sign, exponent rebiased, J set. */
        uint64_t d = f64_edges[below(r, NB(f64_edges))];
        unsigned e = (unsigned)(d >> 52) & 0x7ff;
        if (e == 0 || e == 0x7ff)
            d = 0x3ff8000000000000ull;
        put(p, 1ull << 63 | (d & 0xfffffffffffffull) << 11, 8);
        put(p + 8, (d >> 63) << 15 | (e - 1023 + 16383), 2);
    } else if (k < 9) {
        uint64_t m = rand64(r) | 1ull << 63;
        put(p, m, 8);
        put(p + 8, 0x3fff + below(r, 64) + (chance(r, 50) ? 0x8000 : 0), 2);
    } else {
        put(p, int_edge(r, 8), 8);
        put(p + 8, 0xffff, 2);
    }
}

void fuzz_gen_fp_state(FuzzRng *r, uint8_t fx[ORACLE_FX_SIZE])
{
    oracle_fx_default(fx);
    /* x87: n valid registers from TOP up, the rest empty. */
    unsigned n = below(r, 9), top = chance(r, 70) ? (8 - n) & 7 : below(r, 8);
    uint8_t ftw = 0;
    for (unsigned i = 0; i < n; i++) {
        gen_st(r, fx + ORACLE_FX_ST0 + 16 * i);
        ftw |= (uint8_t)(1u << ((top + i) & 7));
    }
    /* Empty registers keep old contents: MMX reads them anyway. */
    for (unsigned i = n; i < 8; i++)
        if (chance(r, 50))
            gen_st(r, fx + ORACLE_FX_ST0 + 16 * i);
    fx[ORACLE_FX_FTW] = ftw;
    /* FCW: bit 6 reads as 1 on hardware; precision 0-3 (1 is reserved
     * but accepted), rounding 0-3, exceptions masked but sometimes one. */
    uint32_t fcw = 0x0040 | below(r, 4) << 8 | below(r, 4) << 10 | 0x3f;
    if (chance(r, 12))
        fcw &= ~(1u << below(r, 6));
    if (chance(r, 10))
        fcw |= 0x1000; /* infinity control: ignored since the 287 */
    uint32_t fsw = top << 11 | (chance(r, 30) ? (below(r, 16) & 0xd) << 8 : 0);
    if (chance(r, 15))
        fsw |= below(r, 64) & fcw & 0x3f; /* sticky flags of masked exceptions */
    oracle_fx_put(fx, ORACLE_FX_FCW, 2, fcw);
    oracle_fx_put(fx, ORACLE_FX_FSW, 2, fsw);
    /* MXCSR: rounding, FTZ (15), DAZ (6), masks (7-12) mostly set. */
    uint32_t mx = below(r, 4) << 13 | 0x1f80;
    if (chance(r, 25))
        mx |= 1u << 15;
    if (chance(r, 25))
        mx |= 1u << 6;
    if (chance(r, 12))
        mx &= ~(1u << (7 + below(r, 6)));
    if (chance(r, 15))
        mx |= below(r, 64) & (mx >> 7) & 0x3f;
    oracle_fx_put(fx, ORACLE_FX_MXCSR, 4, mx);
    for (unsigned i = 0; i < 8; i++)
        fill16(r, fx + ORACLE_FX_XMM0 + 16 * i, false);
}

/* A memory operand of an FP/SIMD instruction (or a register one when
 * allowed): in the FP area mostly, 16-byte aligned mostly. */
static Rm fp_rm(FuzzRng *r, bool allow_reg, bool allow_mem)
{
    if (allow_reg && (!allow_mem || chance(r, 50))) {
        Rm m = { .modrm = (uint8_t)(0xc0 | below(r, 8)) };
        return m;
    }
    if (chance(r, 25))
        return fuzz_choose_rm(r, false, true, false);
    Rm m = { .mem = true, .modrm = 0x05 }; /* [disp32] */
    uint32_t a = fuzz_fp_area_addr + 16 * below(r, fuzz_fp_area_len / 16);
    if (chance(r, 15))
        a += below(r, 16);
    for (unsigned i = 0; i < 4; i++)
        m.tail[m.tail_len++] = (uint8_t)(a >> (8 * i));
    return m;
}

/* x87: loads of edge values from the FP area often (the "few FLDs" a
 * stack starts with), any D8-DF encoding otherwise, now and then FWAIT,
 * FNSTSW AX, FXSAVE/FXRSTOR.  FISTTP (DB/DD/DF /1 memory) is SSE3. */
void fuzz_gen_x87(FuzzRng *r, Emit *e)
{
    unsigned k = below(r, 100);
    if (k < 25) {
        static const uint8_t loads[][2] = {
            { 0xd9, 0 }, { 0xdd, 0 }, { 0xdb, 5 }, { 0xdf, 5 }, { 0xdb, 0 }, { 0xdf, 0 },
            { 0xda, 0 }, { 0xde, 0 }, { 0xdf, 4 },
        };
        unsigned i = below(r, NB(loads));
        Rm m = fp_rm(r, false, true);
        emit_modrm_insn(e, &m, false, &loads[i][0], 1, loads[i][1]);
    } else if (k < 92) {
        uint8_t opc = (uint8_t)(0xd8 + below(r, 8));
        Rm m = fp_rm(r, true, true);
        unsigned reg = below(r, 8);
        if (m.mem && reg == 1 && (opc == 0xdb || opc == 0xdd || opc == 0xdf) &&
            !fuzz_class_on("sse3"))
            reg = 3; /* FISTTP needs SSE3: FISTP instead */
        emit_modrm_insn(e, &m, chance(r, 3), &opc, 1, reg);
    } else if (k < 95) {
        emit_byte(e, 0x9b); /* FWAIT */
    } else if (k < 97) {
        emit_byte(e, 0xdf);
        emit_byte(e, 0xe0); /* FNSTSW AX */
    } else {
        uint8_t op[2] = { 0x0f, 0xae };
        Rm m = fp_rm(r, false, true);
        emit_modrm_insn(e, &m, false, op, 2, below(r, 2)); /* FXSAVE, FXRSTOR */
    }
    emit_end_insn(e);
}

/* SIMD rows.  form: which ModRM forms exist; IMM: an imm8 follows;
 * digit: a fixed reg field (-1: any register). */
enum {
    RM = 0,        /* register or memory */
    MEM = 1,       /* memory only */
    REG = 2,       /* register only */
    NONE = 3,      /* no ModRM (the raw bytes are the whole instruction) */
    IMM = 8,
};

typedef struct SimdRow {
    uint8_t pfx;       /* 0, 0x66, 0xf2, 0xf3 */
    uint8_t map;       /* 0: 0F, 0x38: 0F 38, 0x3a: 0F 3A */
    uint8_t op;
    uint8_t form;
    int8_t digit;
} SimdRow;

#define R(p, o, f) { p, 0, o, f, -1 }
#define D(p, o, f, d) { p, 0, o, f, d }

/* MMX (no prefix, MM registers). */
static const SimdRow mmx_rows[] = {
    R(0, 0x60, RM), R(0, 0x61, RM), R(0, 0x62, RM), R(0, 0x63, RM), R(0, 0x64, RM),
    R(0, 0x65, RM), R(0, 0x66, RM), R(0, 0x67, RM), R(0, 0x68, RM), R(0, 0x69, RM),
    R(0, 0x6a, RM), R(0, 0x6b, RM), R(0, 0x6e, RM), R(0, 0x6f, RM), R(0, 0x74, RM),
    R(0, 0x75, RM), R(0, 0x76, RM), R(0, 0x77, NONE), R(0, 0x7e, RM), R(0, 0x7f, RM),
    R(0, 0xd1, RM), R(0, 0xd2, RM), R(0, 0xd3, RM), R(0, 0xd5, RM), R(0, 0xd8, RM),
    R(0, 0xd9, RM), R(0, 0xdb, RM), R(0, 0xdc, RM), R(0, 0xdd, RM), R(0, 0xdf, RM),
    R(0, 0xe1, RM), R(0, 0xe2, RM), R(0, 0xe5, RM), R(0, 0xe8, RM), R(0, 0xe9, RM),
    R(0, 0xeb, RM), R(0, 0xec, RM), R(0, 0xed, RM), R(0, 0xef, RM), R(0, 0xf1, RM),
    R(0, 0xf2, RM), R(0, 0xf3, RM), R(0, 0xf5, RM), R(0, 0xf8, RM), R(0, 0xf9, RM),
    R(0, 0xfa, RM), R(0, 0xfc, RM), R(0, 0xfd, RM), R(0, 0xfe, RM),
    D(0, 0x71, REG | IMM, 2), D(0, 0x71, REG | IMM, 4), D(0, 0x71, REG | IMM, 6),
    D(0, 0x72, REG | IMM, 2), D(0, 0x72, REG | IMM, 4), D(0, 0x72, REG | IMM, 6),
    D(0, 0x73, REG | IMM, 2), D(0, 0x73, REG | IMM, 6),
};

/* SSE: packed/scalar single, MXCSR, and the MMX extensions. */
static const SimdRow sse_rows[] = {
    R(0, 0x10, RM), R(0, 0x11, RM), R(0, 0x12, RM), R(0, 0x13, MEM), R(0, 0x14, RM),
    R(0, 0x15, RM), R(0, 0x16, RM), R(0, 0x17, MEM), R(0, 0x28, RM), R(0, 0x29, RM),
    R(0, 0x2a, RM), R(0, 0x2b, MEM), R(0, 0x2c, RM), R(0, 0x2d, RM), R(0, 0x2e, RM),
    R(0, 0x2f, RM), R(0, 0x50, REG), R(0, 0x51, RM), R(0, 0x52, RM), R(0, 0x53, RM),
    R(0, 0x54, RM), R(0, 0x55, RM), R(0, 0x56, RM), R(0, 0x57, RM), R(0, 0x58, RM),
    R(0, 0x59, RM), R(0, 0x5c, RM), R(0, 0x5d, RM), R(0, 0x5e, RM), R(0, 0x5f, RM),
    R(0, 0xc2, RM | IMM), R(0, 0xc6, RM | IMM),
    R(0xf3, 0x10, RM), R(0xf3, 0x11, RM), R(0xf3, 0x2a, RM), R(0xf3, 0x2c, RM),
    R(0xf3, 0x2d, RM), R(0xf3, 0x51, RM), R(0xf3, 0x52, RM), R(0xf3, 0x53, RM),
    R(0xf3, 0x58, RM), R(0xf3, 0x59, RM), R(0xf3, 0x5c, RM), R(0xf3, 0x5d, RM),
    R(0xf3, 0x5e, RM), R(0xf3, 0x5f, RM), R(0xf3, 0xc2, RM | IMM),
    D(0, 0xae, MEM, 2), D(0, 0xae, MEM, 3), D(0, 0x18, MEM, 0), D(0, 0x18, MEM, 1),
    D(0, 0xae, REG, 7), /* SFENCE */
    R(0, 0x70, RM | IMM), R(0, 0xc4, RM | IMM), R(0, 0xc5, REG | IMM), R(0, 0xd7, REG),
    R(0, 0xda, RM), R(0, 0xde, RM), R(0, 0xe0, RM), R(0, 0xe3, RM), R(0, 0xe4, RM),
    R(0, 0xea, RM), R(0, 0xee, RM), R(0, 0xf6, RM), R(0, 0xe7, MEM), R(0, 0xf7, REG),
};

/* SSE2: packed/scalar double, conversions, the integer ops on XMM. */
static const SimdRow sse2_rows[] = {
    R(0x66, 0x10, RM), R(0x66, 0x11, RM), R(0x66, 0x12, MEM), R(0x66, 0x13, MEM),
    R(0x66, 0x14, RM), R(0x66, 0x15, RM), R(0x66, 0x16, MEM), R(0x66, 0x17, MEM),
    R(0x66, 0x28, RM), R(0x66, 0x29, RM), R(0x66, 0x2a, RM), R(0x66, 0x2b, MEM),
    R(0x66, 0x2c, RM), R(0x66, 0x2d, RM), R(0x66, 0x2e, RM), R(0x66, 0x2f, RM),
    R(0x66, 0x50, REG), R(0x66, 0x51, RM), R(0x66, 0x54, RM), R(0x66, 0x55, RM),
    R(0x66, 0x56, RM), R(0x66, 0x57, RM), R(0x66, 0x58, RM), R(0x66, 0x59, RM),
    R(0x66, 0x5a, RM), R(0x66, 0x5b, RM), R(0x66, 0x5c, RM), R(0x66, 0x5d, RM),
    R(0x66, 0x5e, RM), R(0x66, 0x5f, RM), R(0x66, 0xc2, RM | IMM), R(0x66, 0xc6, RM | IMM),
    R(0, 0x5a, RM), R(0, 0x5b, RM), R(0xf3, 0x5a, RM), R(0xf3, 0x5b, RM),
    R(0xf3, 0xe6, RM), R(0xf3, 0x7e, RM), R(0xf3, 0xd6, REG), R(0xf3, 0x6f, RM),
    R(0xf3, 0x7f, RM), R(0xf3, 0x70, RM | IMM),
    R(0xf2, 0x10, RM), R(0xf2, 0x11, RM), R(0xf2, 0x2a, RM), R(0xf2, 0x2c, RM),
    R(0xf2, 0x2d, RM), R(0xf2, 0x51, RM), R(0xf2, 0x58, RM), R(0xf2, 0x59, RM),
    R(0xf2, 0x5a, RM), R(0xf2, 0x5c, RM), R(0xf2, 0x5d, RM), R(0xf2, 0x5e, RM),
    R(0xf2, 0x5f, RM), R(0xf2, 0xc2, RM | IMM), R(0xf2, 0xe6, RM), R(0xf2, 0xd6, REG),
    R(0xf2, 0x70, RM | IMM),
    R(0x66, 0x60, RM), R(0x66, 0x61, RM), R(0x66, 0x62, RM), R(0x66, 0x63, RM),
    R(0x66, 0x64, RM), R(0x66, 0x65, RM), R(0x66, 0x66, RM), R(0x66, 0x67, RM),
    R(0x66, 0x68, RM), R(0x66, 0x69, RM), R(0x66, 0x6a, RM), R(0x66, 0x6b, RM),
    R(0x66, 0x6c, RM), R(0x66, 0x6d, RM), R(0x66, 0x6e, RM), R(0x66, 0x6f, RM),
    R(0x66, 0x70, RM | IMM), R(0x66, 0x74, RM), R(0x66, 0x75, RM), R(0x66, 0x76, RM),
    R(0x66, 0x7e, RM), R(0x66, 0x7f, RM), R(0x66, 0xc4, RM | IMM), R(0x66, 0xc5, REG | IMM),
    R(0x66, 0xd1, RM), R(0x66, 0xd2, RM), R(0x66, 0xd3, RM), R(0x66, 0xd4, RM),
    R(0x66, 0xd5, RM), R(0x66, 0xd6, RM), R(0x66, 0xd7, REG), R(0x66, 0xd8, RM),
    R(0x66, 0xd9, RM), R(0x66, 0xda, RM), R(0x66, 0xdb, RM), R(0x66, 0xdc, RM),
    R(0x66, 0xdd, RM), R(0x66, 0xde, RM), R(0x66, 0xdf, RM), R(0x66, 0xe0, RM),
    R(0x66, 0xe1, RM), R(0x66, 0xe2, RM), R(0x66, 0xe3, RM), R(0x66, 0xe4, RM),
    R(0x66, 0xe5, RM), R(0x66, 0xe6, RM), R(0x66, 0xe7, MEM), R(0x66, 0xe8, RM),
    R(0x66, 0xe9, RM), R(0x66, 0xea, RM), R(0x66, 0xeb, RM), R(0x66, 0xec, RM),
    R(0x66, 0xed, RM), R(0x66, 0xee, RM), R(0x66, 0xef, RM), R(0x66, 0xf1, RM),
    R(0x66, 0xf2, RM), R(0x66, 0xf3, RM), R(0x66, 0xf4, RM), R(0x66, 0xf5, RM),
    R(0x66, 0xf6, RM), R(0x66, 0xf7, REG), R(0x66, 0xf8, RM), R(0x66, 0xf9, RM),
    R(0x66, 0xfa, RM), R(0x66, 0xfb, RM), R(0x66, 0xfc, RM), R(0x66, 0xfd, RM),
    R(0x66, 0xfe, RM),
    D(0x66, 0x71, REG | IMM, 2), D(0x66, 0x71, REG | IMM, 4), D(0x66, 0x71, REG | IMM, 6),
    D(0x66, 0x72, REG | IMM, 2), D(0x66, 0x72, REG | IMM, 4), D(0x66, 0x72, REG | IMM, 6),
    D(0x66, 0x73, REG | IMM, 2), D(0x66, 0x73, REG | IMM, 3), D(0x66, 0x73, REG | IMM, 6),
    D(0x66, 0x73, REG | IMM, 7),
    R(0, 0xd4, RM), R(0, 0xfb, RM), R(0, 0xf4, RM), R(0, 0xc3, MEM),
    D(0, 0xae, REG, 5), D(0, 0xae, REG, 6), /* LFENCE MFENCE */
};

/* SSE3: horizontal and alternating add, duplicating moves, LDDQU. */
static const SimdRow sse3_rows[] = {
    R(0xf2, 0x7c, RM), R(0xf2, 0x7d, RM), R(0xf2, 0xd0, RM), R(0xf2, 0xf0, MEM),
    R(0x66, 0x7c, RM), R(0x66, 0x7d, RM), R(0x66, 0xd0, RM), R(0xf3, 0x12, RM),
    R(0xf3, 0x16, RM), R(0xf2, 0x12, RM),
};

/* SSSE3: 0F 38 and 0F 3A rows, each with MM (no prefix) and XMM (66). */
#define S38(o) { 0, 0x38, o, RM, -1 }, { 0x66, 0x38, o, RM, -1 }
static const SimdRow ssse3_rows[] = {
    S38(0x00), S38(0x01), S38(0x02), S38(0x03), S38(0x04), S38(0x05), S38(0x06),
    S38(0x07), S38(0x08), S38(0x09), S38(0x0a), S38(0x0b), S38(0x1c), S38(0x1d),
    S38(0x1e), { 0, 0x3a, 0x0f, RM | IMM, -1 }, { 0x66, 0x3a, 0x0f, RM | IMM, -1 },
};

/* Shift counts and shuffle/compare immediates: small values and the
 * edges past the lane width mostly. */
static uint8_t simd_imm(FuzzRng *r)
{
    static const uint8_t edges[] = { 0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 0x80, 0xff, 0x1b, 0xe4 };
    return chance(r, 50) ? edges[below(r, NB(edges))] : (uint8_t)fuzz_rand(r);
}

static void gen_rows(FuzzRng *r, Emit *e, const SimdRow *rows, unsigned nb)
{
    const SimdRow *row = &rows[below(r, nb)];
    unsigned form = row->form & 3;
    if (form == NONE) {
        emit_byte(e, 0x0f);
        emit_byte(e, row->op);
        emit_end_insn(e);
        return;
    }
    Rm m = fp_rm(r, form != MEM, form != REG);
    uint8_t op[3];
    unsigned n = 0;
    op[n++] = 0x0f;
    if (row->map)
        op[n++] = row->map;
    op[n++] = row->op;
    /* The mandatory prefix comes before 67/64 (emit_modrm_insn writes
     * them), as compilers emit it; 66 goes through opsize16. */
    if (row->pfx == 0xf2 || row->pfx == 0xf3)
        emit_byte(e, row->pfx);
    unsigned reg = row->digit >= 0 ? (unsigned)row->digit : below(r, 8);
    emit_modrm_insn(e, &m, row->pfx == 0x66, op, n, reg);
    if (row->form & IMM)
        emit_byte(e, simd_imm(r));
    emit_end_insn(e);
}

void fuzz_gen_mmx(FuzzRng *r, Emit *e)
{
    gen_rows(r, e, mmx_rows, NB(mmx_rows));
}

void fuzz_gen_sse(FuzzRng *r, Emit *e)
{
    gen_rows(r, e, sse_rows, NB(sse_rows));
}

void fuzz_gen_sse2(FuzzRng *r, Emit *e)
{
    gen_rows(r, e, sse2_rows, NB(sse2_rows));
}

void fuzz_gen_sse3(FuzzRng *r, Emit *e)
{
    if (chance(r, 15)) { /* FISTTP m16/m32/m64 */
        static const uint8_t ops[] = { 0xdf, 0xdb, 0xdd };
        Rm m = fp_rm(r, false, true);
        emit_modrm_insn(e, &m, false, &ops[below(r, 3)], 1, 1);
        emit_end_insn(e);
        return;
    }
    gen_rows(r, e, sse3_rows, NB(sse3_rows));
}

void fuzz_gen_ssse3(FuzzRng *r, Emit *e)
{
    gen_rows(r, e, ssse3_rows, NB(ssse3_rows));
}
