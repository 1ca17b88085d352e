/*
 * The x87 opcode map (escape opcodes D8-DF, SDM vol. 2, A.4): which
 * encodings exist and what the translator must do around each one.
 */
#ifndef MIMIC_TARGETS_I386_FPU_INSN_H
#define MIMIC_TARGETS_I386_FPU_INSN_H

#include <stdint.h>

enum {
    I386_FPU_VALID      = 1u << 0,  /* executes (else #UD) */
    I386_FPU_CONTROL    = 1u << 1,  /* a control instruction: FIP, FOP, FDP unchanged */
    I386_FPU_FLAGS_IN   = 1u << 2,  /* reads CF/PF/ZF (FCMOVcc) */
    I386_FPU_FLAGS_OUT  = 1u << 3,  /* writes EFLAGS (FCOMI, FUCOMI, FCOMIP, FUCOMIP) */
    I386_FPU_NEEDS_CMOV = 1u << 4,  /* exists when CPUID has CMOV (and FPU) */
    I386_FPU_NEEDS_SSE3 = 1u << 5,  /* FISTTP: exists when CPUID has SSE3 */
    I386_FPU_RET_AX     = 1u << 6,  /* FNSTSW AX */
    I386_FPU_ENV_STORE  = 1u << 7,  /* FNSTENV, FNSAVE: the image holds the pointers */
    I386_FPU_ENV_LOAD   = 1u << 8,  /* FLDENV, FRSTOR: the pointers come from the image */
    I386_FPU_INIT       = 1u << 9,  /* FNINIT, FNSAVE: the pointers become 0 */
    I386_FPU_OPSIZE     = 1u << 10, /* the image's format follows the operand size */
    I386_FPU_READ_ONLY  = 1u << 11, /* only reads the state (FNSTCW, FNSTSW) */
};

/* The I386_FPU_* flags of escape opcode `op` (0xd8-0xdf) with `modrm`
 * (a memory form whenever mod != 3).  The undocumented aliases every
 * x86 processor executes (FSTP1 D9 D8+i, FCOM2 DC D0+i, FCOMP3 DC D8+i,
 * FXCH4 DD C8+i, FCOMP5 DE D0+i, FFREEP DF C0+i, FXCH7 DF C8+i, FSTP8
 * DF D0+i, FSTP9 DF D8+i, and the 8087/287 leftovers FENI, FDISI,
 * FSETPM at DB E0, E1, E4 that do nothing) are valid: the host is the
 * reference, and tests/unit/test-i386-fpu-map.c checks the whole map
 * against it. */
unsigned i386_fpu_classify(uint8_t op, uint8_t modrm);

#endif
