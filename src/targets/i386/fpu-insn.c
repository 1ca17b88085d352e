/*
 * The x87 opcode map (see fpu-insn.h).  Memory forms are one row per
 * escape opcode, indexed by ModRM.reg; register forms are the 64 ModRM
 * values C0-FF per escape opcode, written as 8 groups of 8 (ModRM.reg)
 * with a mask of the valid ModRM.rm values where a group is partly
 * reserved.
 */
#include "targets/i386/fpu-insn.h"

#define V  I386_FPU_VALID
#define C  (I386_FPU_VALID | I386_FPU_CONTROL)
#define UD 0u
#define SSE3 (I386_FPU_VALID | I386_FPU_NEEDS_SSE3)
#define STORE (I386_FPU_VALID | I386_FPU_CONTROL | I386_FPU_READ_ONLY)
#define ENV (I386_FPU_VALID | I386_FPU_CONTROL | I386_FPU_OPSIZE)

static const uint16_t mem_forms[8][8] = {
    /* D8: FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR m32fp */
    [0] = { V, V, V, V, V, V, V, V },
    /* D9: FLD m32fp, -, FST, FSTP, FLDENV, FLDCW, FNSTENV, FNSTCW */
    [1] = { V, UD, V, V, ENV | I386_FPU_ENV_LOAD, C, ENV | I386_FPU_ENV_STORE, STORE },
    /* DA: FIADD FIMUL FICOM FICOMP FISUB FISUBR FIDIV FIDIVR m32int */
    [2] = { V, V, V, V, V, V, V, V },
    /* DB: FILD m32int, FISTTP, FIST, FISTP, -, FLD m80fp, -, FSTP m80fp */
    [3] = { V, SSE3, V, V, UD, V, UD, V },
    /* DC: the D8 operations on m64fp */
    [4] = { V, V, V, V, V, V, V, V },
    /* DD: FLD m64fp, FISTTP m64int, FST, FSTP, FRSTOR, -, FNSAVE, FNSTSW */
    [5] = { V, SSE3, V, V, ENV | I386_FPU_ENV_LOAD, UD,
            ENV | I386_FPU_ENV_STORE | I386_FPU_INIT, STORE },
    /* DE: the DA operations on m16int */
    [6] = { V, V, V, V, V, V, V, V },
    /* DF: FILD m16int, FISTTP, FIST, FISTP, FBLD m80bcd, FILD m64int,
     * FBSTP m80bcd, FISTP m64int */
    [7] = { V, SSE3, V, V, V, V, V, V },
};

typedef struct RegGroup {
    uint16_t flags;
    uint8_t rm_mask;    /* bit i: ModRM.rm = i is valid */
} RegGroup;

#define ALL(f) { (f), 0xff }
#define NONE { 0, 0 }
#define FCMOV (I386_FPU_VALID | I386_FPU_FLAGS_IN | I386_FPU_NEEDS_CMOV)
#define FCOMI (I386_FPU_VALID | I386_FPU_FLAGS_OUT | I386_FPU_NEEDS_CMOV)

static const RegGroup reg_forms[8][8] = {
    /* D8 C0-FF: FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR st,st(i) */
    [0] = { ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V) },
    /* D9: FLD st(i); FXCH; FNOP (D0 only); FSTP1; FCHS FABS - - FTST
     * FXAM - -; FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ -; F2XM1
     * FYL2X FPTAN FPATAN FXTRACT FPREM1 FDECSTP FINCSTP; FPREM FYL2XP1
     * FSQRT FSINCOS FRNDINT FSCALE FSIN FCOS */
    [1] = { ALL(V), ALL(V), { V, 0x01 }, ALL(V), { V, 0x33 }, { V, 0x7f }, ALL(V), ALL(V) },
    /* DA: FCMOVB FCMOVE FCMOVBE FCMOVU; -; FUCOMPP (E9 only); -; - */
    [2] = { ALL(FCMOV), ALL(FCMOV), ALL(FCMOV), ALL(FCMOV), NONE, { V, 0x02 }, NONE, NONE },
    /* DB: FCMOVNB FCMOVNE FCMOVNBE FCMOVNU; FENI FDISI FNCLEX FNINIT
     * FSETPM (E0-E4); FUCOMI; FCOMI; - */
    [3] = { ALL(FCMOV), ALL(FCMOV), ALL(FCMOV), ALL(FCMOV), { C, 0x1f }, ALL(FCOMI),
            ALL(FCOMI), NONE },
    /* DC: FADD FMUL FCOM2 FCOMP3 FSUBR FSUB FDIVR FDIV st(i),st */
    [4] = { ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V) },
    /* DD: FFREE FXCH4 FST FSTP FUCOM FUCOMP; -; - */
    [5] = { ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), ALL(V), NONE, NONE },
    /* DE: FADDP FMULP FCOMP5 FCOMPP (D9 only) FSUBRP FSUBP FDIVRP FDIVP */
    [6] = { ALL(V), ALL(V), ALL(V), { V, 0x02 }, ALL(V), ALL(V), ALL(V), ALL(V) },
    /* DF: FFREEP FXCH7 FSTP8 FSTP9; FNSTSW AX (E0 only); FUCOMIP; FCOMIP; - */
    [7] = { ALL(V), ALL(V), ALL(V), ALL(V), { STORE | I386_FPU_RET_AX, 0x01 }, ALL(FCOMI),
            ALL(FCOMI), NONE },
};

unsigned i386_fpu_classify(uint8_t op, uint8_t modrm)
{
    unsigned esc = op & 7, reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (op < 0xd8)
        return 0;
    if ((modrm >> 6) != 3)
        return mem_forms[esc][reg];
    const RegGroup *g = &reg_forms[esc][reg];
    if (!((g->rm_mask >> rm) & 1))
        return 0;
    unsigned f = g->flags;
    if (op == 0xdb && modrm == 0xe3)
        f |= I386_FPU_INIT;    /* FNINIT */
    return f;
}
