/*
 * The SIMD opcode map as data: MMX, SSE, SSE2, SSE3 and SSSE3 (SDM
 * vol. 2, appendix A, tables ).  One row per (escape, mandatory
 * prefix, opcode, ModRM.reg for the groups); the translator
 * (translate-simd.c) and the tests (tests/unit/test-i386-simd.c) both
 * walk it.  docs/i386-simd.md describes the design.
 */
#ifndef MIMIC_TARGETS_I386_SIMD_INSN_H
#define MIMIC_TARGETS_I386_SIMD_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "targets/i386/translate.h"

/* Opcode maps. */
enum { SIMD_MAP_0F, SIMD_MAP_0F38, SIMD_MAP_0F3A };
/* Mandatory prefixes.  F2 and F3 take precedence over 66 (SDM vol. 2,
 * 2.1.2: 66 with F2/F3 in front of an instruction that uses them is the
 * F2/F3 form). */
enum { SIMD_PFX_NONE, SIMD_PFX_66, SIMD_PFX_F3, SIMD_PFX_F2 };
/* The CPUID feature a row needs (#UD when the model lacks it). */
enum { SIMD_FEAT_MMX, SIMD_FEAT_SSE, SIMD_FEAT_SSE2, SIMD_FEAT_SSE3, SIMD_FEAT_SSSE3 };

/* What a ModRM field names when it is a register. */
enum {
    SIMD_K_NONE,      /* nothing (reg: a group's opcode extension; rm: memory only) */
    SIMD_K_XMM,       /* XMM register, read and/or written */
    SIMD_K_MMX,       /* MMX register */
    SIMD_K_GPR_IN,    /* general register, read (32 bits) */
    SIMD_K_GPR_OUT,   /* general register, written (32 bits) */
};

/* Row flags. */
enum {
    SIMD_F_IMM8 = 1u << 0,     /* an imm8 follows (decoded as the row's Ib) */
    SIMD_F_MEM_W = 1u << 1,    /* the memory operand is written (stores) */
    SIMD_F_REG_ONLY = 1u << 2, /* ModRM must name a register, else #UD */
    SIMD_F_FLAGS = 1u << 3,    /* sets ZF PF CF, clears OF SF AF (COMIS*) */
    SIMD_F_MASKMOV = 1u << 4,  /* stores to DS:EDI (MASKMOVQ, MASKMOVDQU) */
    SIMD_F_UNALIGNED = 1u << 5,/* 16-byte memory operand without #GP on misalignment */
    SIMD_F_NO_MODRM = 1u << 6, /* EMMS */
    SIMD_F_X87 = 1u << 7,      /* touches the x87/MMX state: runs in an FXRSTOR/FXSAVE thunk */
    SIMD_F_FENCE = 1u << 8,    /* LFENCE/MFENCE/SFENCE: nothing to run for one vCPU's view */
};

typedef struct I386SimdInsn {
    const char *name;
    uint8_t map;      /* SIMD_MAP_* */
    uint8_t pfx;      /* SIMD_PFX_* */
    uint8_t op;       /* the last opcode byte */
    int8_t sel;       /* ModRM.reg selecting the row (groups 12-15), or -1 */
    uint8_t feat;     /* SIMD_FEAT_* */
    uint8_t reg;      /* SIMD_K_* of ModRM.reg */
    uint8_t rm;       /* SIMD_K_* of ModRM.rm with mod = 3 (NONE: memory only) */
    uint8_t msize;    /* bytes of the memory operand (0: register only) */
    uint16_t flags;   /* SIMD_F_* */
} I386SimdInsn;

extern const I386SimdInsn i386_simd_insns[];
extern const unsigned i386_simd_nb_insns;

/* The row for the instruction, or NULL (#UD). */
const I386SimdInsn *i386_simd_lookup(unsigned map, unsigned pfx, uint8_t op, unsigned modrm_reg);

/* True when a misaligned memory operand raises #GP(0): 16-byte operands of
 * legacy SSE unless the row says otherwise. */
static inline bool i386_simd_aligned(const I386SimdInsn *d)
{
    return d->msize == 16 && !(d->flags & SIMD_F_UNALIGNED);
}

/* The rows of the 0F 38 and 0F 3A escapes (the decoder's hook). */
extern const I386OpEntry i386_simd_row_0f38;
extern const I386OpEntry i386_simd_row_0f3a;

/* translate-simd.c: every SIMD row of the 0F map, and 0F AE (group 15,
 * which passes /0 /1 to i386_trans_fxsave). */
I386TransFn i386_trans_simd;
I386TransFn i386_trans_grp15;

#endif
