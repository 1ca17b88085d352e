/*
 * The SIMD opcode map (simd-insn.h): every MMX, SSE, SSE2, SSE3 and SSSE3
 * instruction of the 0F, 0F 38 and 0F 3A maps, from the SDM vol. 2
 * opcode tables and the instruction pages for the memory
 * operand sizes.
 *
 * The rows say which ModRM fields are XMM, MMX or general registers and
 * how wide the memory operand is; they need not say which register is
 * read and which written, because the thunk loads every XMM register the
 * instruction names and stores them all back (a register only read goes
 * back unchanged).  The sizes serve the segment-limit check; alignment
 * faults come from the host, which runs the same access.
 */
#include "targets/i386/simd-insn.h"

#include <stddef.h>

#define X SIMD_K_XMM
#define MM SIMD_K_MMX
#define GI SIMD_K_GPR_IN
#define GO SIMD_K_GPR_OUT
#define NO SIMD_K_NONE

#define P0 SIMD_PFX_NONE
#define P66 SIMD_PFX_66
#define PF3 SIMD_PFX_F3
#define PF2 SIMD_PFX_F2

#define F_IMM SIMD_F_IMM8
#define F_W SIMD_F_MEM_W
#define F_RO SIMD_F_REG_ONLY
#define F_FL SIMD_F_FLAGS
#define F_MASK SIMD_F_MASKMOV
#define F_UA SIMD_F_UNALIGNED
#define F_X87 SIMD_F_X87

#define ROW(mp, pf, o, sl, nm, ft, rg, r, sz, fl) \
    { .name = nm, .map = mp, .pfx = pf, .op = o, .sel = sl, .feat = SIMD_FEAT_##ft, \
      .reg = rg, .rm = r, .msize = sz, .flags = fl }
/* 0F xx with the usual reg, r/m operands. */
#define R0F(pf, o, nm, ft, rg, r, sz, fl) ROW(SIMD_MAP_0F, pf, o, -1, nm, ft, rg, r, sz, fl)
/* xmm, xmm/mem */
#define XX(pf, o, nm, ft, sz) R0F(pf, o, nm, ft, X, X, sz, 0)
/* mm, mm/mem: the MMX forms (they switch the x87 unit to MMX mode) */
#define MMR(o, nm, ft, sz) R0F(P0, o, nm, ft, MM, MM, sz, F_X87)
/* The integer rows that exist as mm, mm/m64 (MMX) and xmm, xmm/m128 (66h, SSE2). */
#define INT2(o, nm, ftm) MMR(o, nm, ftm, 8), XX(P66, o, nm, SSE2, 16)
/* Group 12-14 shifts by imm8: the register in r/m, the operation in reg. */
#define SHI(o, s, nm) \
    ROW(SIMD_MAP_0F, P0, o, s, nm, MMX, NO, MM, 0, F_IMM | F_RO | F_X87), \
    ROW(SIMD_MAP_0F, P66, o, s, nm, SSE2, NO, X, 0, F_IMM | F_RO)
/* SSSE3: 0F 38 xx as mm, mm/m64 and 66 xmm, xmm/m128. */
#define S3(o, nm) \
    ROW(SIMD_MAP_0F38, P0, o, -1, nm, SSSE3, MM, MM, 8, F_X87), \
    ROW(SIMD_MAP_0F38, P66, o, -1, nm, SSSE3, X, X, 16, 0)

const I386SimdInsn i386_simd_insns[] = {
    /* 0F 10-17 */
    R0F(P0, 0x10, "movups", SSE, X, X, 16, F_UA), R0F(P0, 0x11, "movups", SSE, X, X, 16, F_W | F_UA),
    XX(PF3, 0x10, "movss", SSE, 4), R0F(PF3, 0x11, "movss", SSE, X, X, 4, F_W),
    R0F(P66, 0x10, "movupd", SSE2, X, X, 16, F_UA), R0F(P66, 0x11, "movupd", SSE2, X, X, 16, F_W | F_UA),
    XX(PF2, 0x10, "movsd", SSE2, 8), R0F(PF2, 0x11, "movsd", SSE2, X, X, 8, F_W),
    XX(P0, 0x12, "movlps", SSE, 8),   /* reg form: MOVHLPS */
    R0F(P0, 0x13, "movlps", SSE, X, NO, 8, F_W),
    R0F(P66, 0x12, "movlpd", SSE2, X, NO, 8, 0), R0F(P66, 0x13, "movlpd", SSE2, X, NO, 8, F_W),
    XX(PF3, 0x12, "movsldup", SSE3, 16), XX(PF2, 0x12, "movddup", SSE3, 8),
    XX(P0, 0x14, "unpcklps", SSE, 16), XX(P66, 0x14, "unpcklpd", SSE2, 16),
    XX(P0, 0x15, "unpckhps", SSE, 16), XX(P66, 0x15, "unpckhpd", SSE2, 16),
    XX(P0, 0x16, "movhps", SSE, 8),   /* reg form: MOVLHPS */
    R0F(P0, 0x17, "movhps", SSE, X, NO, 8, F_W),
    R0F(P66, 0x16, "movhpd", SSE2, X, NO, 8, 0), R0F(P66, 0x17, "movhpd", SSE2, X, NO, 8, F_W),
    XX(PF3, 0x16, "movshdup", SSE3, 16),

    /* 0F 28-2F */
    XX(P0, 0x28, "movaps", SSE, 16), R0F(P0, 0x29, "movaps", SSE, X, X, 16, F_W),
    XX(P66, 0x28, "movapd", SSE2, 16), R0F(P66, 0x29, "movapd", SSE2, X, X, 16, F_W),
    R0F(P0, 0x2a, "cvtpi2ps", SSE, X, MM, 8, F_X87),
    R0F(P66, 0x2a, "cvtpi2pd", SSE2, X, MM, 8, F_X87),
    R0F(PF3, 0x2a, "cvtsi2ss", SSE, X, GI, 4, 0),
    R0F(PF2, 0x2a, "cvtsi2sd", SSE2, X, GI, 4, 0),
    R0F(P0, 0x2b, "movntps", SSE, X, NO, 16, F_W),
    R0F(P66, 0x2b, "movntpd", SSE2, X, NO, 16, F_W),
    R0F(P0, 0x2c, "cvttps2pi", SSE, MM, X, 8, F_X87),
    R0F(P66, 0x2c, "cvttpd2pi", SSE2, MM, X, 16, F_X87),
    R0F(PF3, 0x2c, "cvttss2si", SSE, GO, X, 4, 0),
    R0F(PF2, 0x2c, "cvttsd2si", SSE2, GO, X, 8, 0),
    R0F(P0, 0x2d, "cvtps2pi", SSE, MM, X, 8, F_X87),
    R0F(P66, 0x2d, "cvtpd2pi", SSE2, MM, X, 16, F_X87),
    R0F(PF3, 0x2d, "cvtss2si", SSE, GO, X, 4, 0),
    R0F(PF2, 0x2d, "cvtsd2si", SSE2, GO, X, 8, 0),
    R0F(P0, 0x2e, "ucomiss", SSE, X, X, 4, F_FL), R0F(P66, 0x2e, "ucomisd", SSE2, X, X, 8, F_FL),
    R0F(P0, 0x2f, "comiss", SSE, X, X, 4, F_FL), R0F(P66, 0x2f, "comisd", SSE2, X, X, 8, F_FL),

    /* 0F 50-5F */
    R0F(P0, 0x50, "movmskps", SSE, GO, X, 0, F_RO), R0F(P66, 0x50, "movmskpd", SSE2, GO, X, 0, F_RO),
    XX(P0, 0x51, "sqrtps", SSE, 16), XX(P66, 0x51, "sqrtpd", SSE2, 16),
    XX(PF3, 0x51, "sqrtss", SSE, 4), XX(PF2, 0x51, "sqrtsd", SSE2, 8),
    XX(P0, 0x52, "rsqrtps", SSE, 16), XX(PF3, 0x52, "rsqrtss", SSE, 4),
    XX(P0, 0x53, "rcpps", SSE, 16), XX(PF3, 0x53, "rcpss", SSE, 4),
    XX(P0, 0x54, "andps", SSE, 16), XX(P66, 0x54, "andpd", SSE2, 16),
    XX(P0, 0x55, "andnps", SSE, 16), XX(P66, 0x55, "andnpd", SSE2, 16),
    XX(P0, 0x56, "orps", SSE, 16), XX(P66, 0x56, "orpd", SSE2, 16),
    XX(P0, 0x57, "xorps", SSE, 16), XX(P66, 0x57, "xorpd", SSE2, 16),
#define ARITH(o, nm) \
    XX(P0, o, nm "ps", SSE, 16), XX(P66, o, nm "pd", SSE2, 16), \
    XX(PF3, o, nm "ss", SSE, 4), XX(PF2, o, nm "sd", SSE2, 8)
    ARITH(0x58, "add"), ARITH(0x59, "mul"), ARITH(0x5c, "sub"), ARITH(0x5d, "min"),
    ARITH(0x5e, "div"), ARITH(0x5f, "max"),
    XX(P0, 0x5a, "cvtps2pd", SSE2, 8), XX(P66, 0x5a, "cvtpd2ps", SSE2, 16),
    XX(PF3, 0x5a, "cvtss2sd", SSE2, 4), XX(PF2, 0x5a, "cvtsd2ss", SSE2, 8),
    XX(P0, 0x5b, "cvtdq2ps", SSE2, 16), XX(P66, 0x5b, "cvtps2dq", SSE2, 16),
    XX(PF3, 0x5b, "cvttps2dq", SSE2, 16),

    /* 0F 60-7F */
    MMR(0x60, "punpcklbw", MMX, 4), XX(P66, 0x60, "punpcklbw", SSE2, 16),
    MMR(0x61, "punpcklwd", MMX, 4), XX(P66, 0x61, "punpcklwd", SSE2, 16),
    MMR(0x62, "punpckldq", MMX, 4), XX(P66, 0x62, "punpckldq", SSE2, 16),
    INT2(0x63, "packsswb", MMX), INT2(0x64, "pcmpgtb", MMX), INT2(0x65, "pcmpgtw", MMX),
    INT2(0x66, "pcmpgtd", MMX), INT2(0x67, "packuswb", MMX), INT2(0x68, "punpckhbw", MMX),
    INT2(0x69, "punpckhwd", MMX), INT2(0x6a, "punpckhdq", MMX), INT2(0x6b, "packssdw", MMX),
    XX(P66, 0x6c, "punpcklqdq", SSE2, 16), XX(P66, 0x6d, "punpckhqdq", SSE2, 16),
    R0F(P0, 0x6e, "movd", MMX, MM, GI, 4, F_X87), R0F(P66, 0x6e, "movd", SSE2, X, GI, 4, 0),
    MMR(0x6f, "movq", MMX, 8), XX(P66, 0x6f, "movdqa", SSE2, 16),
    R0F(PF3, 0x6f, "movdqu", SSE2, X, X, 16, F_UA),
    R0F(P0, 0x70, "pshufw", SSE, MM, MM, 8, F_IMM | F_X87),
    R0F(P66, 0x70, "pshufd", SSE2, X, X, 16, F_IMM),
    R0F(PF3, 0x70, "pshufhw", SSE2, X, X, 16, F_IMM),
    R0F(PF2, 0x70, "pshuflw", SSE2, X, X, 16, F_IMM),
    SHI(0x71, 2, "psrlw"), SHI(0x71, 4, "psraw"), SHI(0x71, 6, "psllw"),
    SHI(0x72, 2, "psrld"), SHI(0x72, 4, "psrad"), SHI(0x72, 6, "pslld"),
    SHI(0x73, 2, "psrlq"), SHI(0x73, 6, "psllq"),
    ROW(SIMD_MAP_0F, P66, 0x73, 3, "psrldq", SSE2, NO, X, 0, F_IMM | F_RO),
    ROW(SIMD_MAP_0F, P66, 0x73, 7, "pslldq", SSE2, NO, X, 0, F_IMM | F_RO),
    INT2(0x74, "pcmpeqb", MMX), INT2(0x75, "pcmpeqw", MMX), INT2(0x76, "pcmpeqd", MMX),
    R0F(P0, 0x77, "emms", MMX, NO, NO, 0, SIMD_F_NO_MODRM | F_X87),
    XX(P66, 0x7c, "haddpd", SSE3, 16), XX(PF2, 0x7c, "haddps", SSE3, 16),
    XX(P66, 0x7d, "hsubpd", SSE3, 16), XX(PF2, 0x7d, "hsubps", SSE3, 16),
    R0F(P0, 0x7e, "movd", MMX, MM, GO, 4, F_W | F_X87),
    R0F(P66, 0x7e, "movd", SSE2, X, GO, 4, F_W),
    XX(PF3, 0x7e, "movq", SSE2, 8),
    R0F(P0, 0x7f, "movq", MMX, MM, MM, 8, F_W | F_X87),
    R0F(P66, 0x7f, "movdqa", SSE2, X, X, 16, F_W),
    R0F(PF3, 0x7f, "movdqu", SSE2, X, X, 16, F_W | F_UA),

    /* 0F C2-C6 */
    R0F(P0, 0xc2, "cmpps", SSE, X, X, 16, F_IMM), R0F(P66, 0xc2, "cmppd", SSE2, X, X, 16, F_IMM),
    R0F(PF3, 0xc2, "cmpss", SSE, X, X, 4, F_IMM), R0F(PF2, 0xc2, "cmpsd", SSE2, X, X, 8, F_IMM),
    R0F(P0, 0xc3, "movnti", SSE2, GI, NO, 4, F_W),
    R0F(P0, 0xc4, "pinsrw", SSE, MM, GI, 2, F_IMM | F_X87),
    R0F(P66, 0xc4, "pinsrw", SSE2, X, GI, 2, F_IMM),
    R0F(P0, 0xc5, "pextrw", SSE, GO, MM, 0, F_IMM | F_RO | F_X87),
    R0F(P66, 0xc5, "pextrw", SSE2, GO, X, 0, F_IMM | F_RO),
    R0F(P0, 0xc6, "shufps", SSE, X, X, 16, F_IMM), R0F(P66, 0xc6, "shufpd", SSE2, X, X, 16, F_IMM),

    /* 0F D0-FF */
    XX(P66, 0xd0, "addsubpd", SSE3, 16), XX(PF2, 0xd0, "addsubps", SSE3, 16),
    INT2(0xd1, "psrlw", MMX), INT2(0xd2, "psrld", MMX), INT2(0xd3, "psrlq", MMX),
    INT2(0xd4, "paddq", SSE2), INT2(0xd5, "pmullw", MMX),
    R0F(P66, 0xd6, "movq", SSE2, X, X, 8, F_W),
    R0F(PF3, 0xd6, "movq2dq", SSE2, X, MM, 0, F_RO | F_X87),
    R0F(PF2, 0xd6, "movdq2q", SSE2, MM, X, 0, F_RO | F_X87),
    R0F(P0, 0xd7, "pmovmskb", SSE, GO, MM, 0, F_RO | F_X87),
    R0F(P66, 0xd7, "pmovmskb", SSE2, GO, X, 0, F_RO),
    INT2(0xd8, "psubusb", MMX), INT2(0xd9, "psubusw", MMX), INT2(0xda, "pminub", SSE),
    INT2(0xdb, "pand", MMX), INT2(0xdc, "paddusb", MMX), INT2(0xdd, "paddusw", MMX),
    INT2(0xde, "pmaxub", SSE), INT2(0xdf, "pandn", MMX),
    INT2(0xe0, "pavgb", SSE), INT2(0xe1, "psraw", MMX), INT2(0xe2, "psrad", MMX),
    INT2(0xe3, "pavgw", SSE), INT2(0xe4, "pmulhuw", SSE), INT2(0xe5, "pmulhw", MMX),
    XX(P66, 0xe6, "cvttpd2dq", SSE2, 16), XX(PF3, 0xe6, "cvtdq2pd", SSE2, 8),
    XX(PF2, 0xe6, "cvtpd2dq", SSE2, 16),
    R0F(P0, 0xe7, "movntq", SSE, MM, NO, 8, F_W | F_X87),
    R0F(P66, 0xe7, "movntdq", SSE2, X, NO, 16, F_W),
    INT2(0xe8, "psubsb", MMX), INT2(0xe9, "psubsw", MMX), INT2(0xea, "pminsw", SSE),
    INT2(0xeb, "por", MMX), INT2(0xec, "paddsb", MMX), INT2(0xed, "paddsw", MMX),
    INT2(0xee, "pmaxsw", SSE), INT2(0xef, "pxor", MMX),
    R0F(PF2, 0xf0, "lddqu", SSE3, X, NO, 16, F_UA),
    INT2(0xf1, "psllw", MMX), INT2(0xf2, "pslld", MMX), INT2(0xf3, "psllq", MMX),
    INT2(0xf4, "pmuludq", SSE2), INT2(0xf5, "pmaddwd", MMX), INT2(0xf6, "psadbw", SSE),
    R0F(P0, 0xf7, "maskmovq", SSE, MM, MM, 8, F_RO | F_MASK | F_X87),
    R0F(P66, 0xf7, "maskmovdqu", SSE2, X, X, 16, F_RO | F_MASK | F_UA),
    INT2(0xf8, "psubb", MMX), INT2(0xf9, "psubw", MMX), INT2(0xfa, "psubd", MMX),
    INT2(0xfb, "psubq", SSE2), INT2(0xfc, "paddb", MMX), INT2(0xfd, "paddw", MMX),
    INT2(0xfe, "paddd", MMX),

    /* Group 15 (0F AE); /0 /1 FXSAVE FXRSTOR are translate-fpu.c's.  The
     * fences have mod = 3; CLFLUSH is the memory form of /7. */
    ROW(SIMD_MAP_0F, P0, 0xae, 2, "ldmxcsr", SSE, NO, NO, 4, 0),
    ROW(SIMD_MAP_0F, P0, 0xae, 3, "stmxcsr", SSE, NO, NO, 4, F_W),
    ROW(SIMD_MAP_0F, P0, 0xae, 5, "lfence", SSE2, NO, NO, 0, F_RO | SIMD_F_FENCE),
    ROW(SIMD_MAP_0F, P0, 0xae, 6, "mfence", SSE2, NO, NO, 0, F_RO | SIMD_F_FENCE),
    ROW(SIMD_MAP_0F, P0, 0xae, 7, "sfence", SSE, NO, NO, 0, F_RO | SIMD_F_FENCE),

    /* SSSE3 */
    S3(0x00, "pshufb"), S3(0x01, "phaddw"), S3(0x02, "phaddd"), S3(0x03, "phaddsw"),
    S3(0x04, "pmaddubsw"), S3(0x05, "phsubw"), S3(0x06, "phsubd"), S3(0x07, "phsubsw"),
    S3(0x08, "psignb"), S3(0x09, "psignw"), S3(0x0a, "psignd"), S3(0x0b, "pmulhrsw"),
    S3(0x1c, "pabsb"), S3(0x1d, "pabsw"), S3(0x1e, "pabsd"),
    ROW(SIMD_MAP_0F3A, P0, 0x0f, -1, "palignr", SSSE3, MM, MM, 8, F_IMM | F_X87),
    ROW(SIMD_MAP_0F3A, P66, 0x0f, -1, "palignr", SSSE3, X, X, 16, F_IMM),
};

const unsigned i386_simd_nb_insns = sizeof(i386_simd_insns) / sizeof(i386_simd_insns[0]);

const I386SimdInsn *i386_simd_lookup(unsigned map, unsigned pfx, uint8_t op, unsigned modrm_reg)
{
    /* A few hundred rows, searched once per translated instruction. */
    for (unsigned i = 0; i < i386_simd_nb_insns; i++) {
        const I386SimdInsn *d = &i386_simd_insns[i];
        if (d->map == map && d->pfx == pfx && d->op == op &&
            (d->sel < 0 || (unsigned)d->sel == modrm_reg))
            return d;
    }
    return NULL;
}

/* The escapes' rows: every 0F 3A instruction has an imm8. */
const I386OpEntry i386_simd_row_0f38 = {
    .name = "simd", .trans = i386_trans_simd, .flags = I386_F_MODRM,
};
const I386OpEntry i386_simd_row_0f3a = {
    .name = "simd", .trans = i386_trans_simd, .flags = I386_F_MODRM,
    .op = { { I386_AM_I, I386_SZ_b, 0 } },
};
