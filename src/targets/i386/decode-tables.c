/*
 * The i386 opcode maps, in the notation of the Intel SDM vol. 2,
 * appendix A: each row names its mnemonic, its operands as the SDM
 * writes them (Eb,Gb  Gv,Ev  Ev,Ibs ...) and the handler that translates
 * it.  Rows are indexed by opcode with designated initializers; an empty
 * row is an undefined opcode (#UD).  Groups (80-83, C0/C1, D0-D3,
 * F6/F7, FE, FF, 0F 00, 0F 01, 0F BA, 0F C7) point at eight rows
 * selected by ModRM.reg.
 *
 * Operand notation (SDM A.2.1, A.2.2):
 *   E  ModRM r/m, register or memory      G  ModRM reg, general register
 *   M  ModRM r/m, memory only             R  ModRM r/m, register only
 *   S  ModRM reg, segment register        C/D control/debug register
 *   I  immediate                          J  relative offset (target eip)
 *   O  moffs (address in the instruction) A  far pointer in the instruction
 *   Z  register in the opcode's low bits  AL eAX CL DX ... fixed registers
 *   b byte, w word, d dword, q qword, v/z word or dword by operand size,
 *   p far pointer, a two v operands (BOUND), Ibs byte immediate
 *   sign-extended to the operand size, ONE the constant 1.
 *
 * Flags: LOCK (LOCK prefix allowed with a memory destination), MEM/REG
 * (ModRM must select memory/register), PRIV (#GP(0) at CPL 3), MODRM
 * (a ModRM byte with no E/G operand, e.g. groups and multi-byte NOP).
 */
#include "targets/i386/helper.h"
#include "targets/i386/simd-insn.h"
#include "targets/i386/translate-core.h"

/* Operand specifications in SDM notation. */
#define OPND(m, sz) { I386_AM_##m, I386_SZ_##sz, 0 }
#define Eb OPND(E, b)
#define Ew OPND(E, w)
#define Ed OPND(E, d)
#define Ev OPND(E, v)
#define Gb OPND(G, b)
#define Gw OPND(G, w)
#define Gv OPND(G, v)
#define Ib OPND(I, b)
#define Ibs OPND(I, bs)
#define Iw OPND(I, w)
#define Iv OPND(I, v)
#define Iz OPND(I, z)
#define Jb OPND(J, b)
#define Jz OPND(J, z)
#define M OPND(M, NONE)
#define Ma OPND(M, a)
#define Mp OPND(M, p)
#define Mq OPND(M, q)
#define Mw OPND(M, w)
#define Ob OPND(O, b)
#define Ov OPND(O, v)
#define Ap OPND(A, p)
#define Sw OPND(S, w)
#define Rd OPND(R, d)
#define Cd OPND(C, d)
#define Dd OPND(D, d)
#define Zb OPND(Z, b)
#define Zv OPND(Z, v)
#define ONE { I386_AM_ONE, I386_SZ_b, 0 }
#define REGB(r) { I386_AM_REG, I386_SZ_b, r }
#define REGW(r) { I386_AM_REG, I386_SZ_w, r }
#define REGV(r) { I386_AM_REG, I386_SZ_v, r }
#define AL REGB(R_EAX)
#define CL REGB(R_ECX)
#define DX REGW(R_EDX)
#define eAX REGV(R_EAX)
#define SEG(r) { I386_AM_SEG, I386_SZ_w, r }

#define F_LOCK I386_F_LOCK
#define F_MEM I386_F_MEM
#define F_REG I386_F_REG
#define F_PRIV I386_F_PRIV
#define F_MODRM I386_F_MODRM

/* A row: mnemonic, handler, flags, handler argument, then operands. */
#define I(nm, fn, fl, a, ...) { .name = nm, .trans = fn, .flags = (fl), .arg = (a), \
                                .op = { __VA_ARGS__ } }
#define GROUP(nm, tab, ...) { .name = nm, .group = tab, .flags = F_MODRM, \
                              .op = { __VA_ARGS__ } }
/* A privileged instruction: decoded for its length, then #GP(0). */
#define PRIV(nm, ...) I(nm, i386_trans_priv, F_PRIV, 0, __VA_ARGS__)

/* The ALU rows 00-3F: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  eAX,Iz. */
#define ALU_ROWS(base, nm, op, lk) \
    [base + 0] = I(nm, i386_trans_alu, lk, op, Eb, Gb), \
    [base + 1] = I(nm, i386_trans_alu, lk, op, Ev, Gv), \
    [base + 2] = I(nm, i386_trans_alu, 0, op, Gb, Eb), \
    [base + 3] = I(nm, i386_trans_alu, 0, op, Gv, Ev), \
    [base + 4] = I(nm, i386_trans_alu, 0, op, AL, Ib), \
    [base + 5] = I(nm, i386_trans_alu, 0, op, eAX, Iz)

/* Group 1 (80-83 /r): the eight ALU operations on E, immediate. */
#define GRP1(dst, src) { \
    I("add", i386_trans_alu, F_LOCK, ALU_ADD, dst, src), \
    I("or",  i386_trans_alu, F_LOCK, ALU_OR,  dst, src), \
    I("adc", i386_trans_alu, F_LOCK, ALU_ADC, dst, src), \
    I("sbb", i386_trans_alu, F_LOCK, ALU_SBB, dst, src), \
    I("and", i386_trans_alu, F_LOCK, ALU_AND, dst, src), \
    I("sub", i386_trans_alu, F_LOCK, ALU_SUB, dst, src), \
    I("xor", i386_trans_alu, F_LOCK, ALU_XOR, dst, src), \
    I("cmp", i386_trans_alu, 0,      ALU_CMP, dst, src), \
}
static const I386OpEntry grp1_EbIb[8] = GRP1(Eb, Ib);
static const I386OpEntry grp1_EvIz[8] = GRP1(Ev, Iz);
static const I386OpEntry grp1_EvIbs[8] = GRP1(Ev, Ibs);

/* Group 1A (8F /0): POP Ev. */
static const I386OpEntry grp1a[8] = {
    [0] = I("pop", i386_trans_pop, 0, 0, Ev),
};

/* Group 2 (C0 C1 D0-D3): rotates and shifts; /6 is SAL, an alias of SHL. */
#define GRP2(dst, cnt) { \
    I("rol", i386_trans_shift_grp2, 0, 0, dst, cnt), \
    I("ror", i386_trans_shift_grp2, 0, 1, dst, cnt), \
    I("rcl", i386_trans_shift_grp2, 0, 2, dst, cnt), \
    I("rcr", i386_trans_shift_grp2, 0, 3, dst, cnt), \
    I("shl", i386_trans_shift_grp2, 0, 4, dst, cnt), \
    I("shr", i386_trans_shift_grp2, 0, 5, dst, cnt), \
    I("sal", i386_trans_shift_grp2, 0, 6, dst, cnt), \
    I("sar", i386_trans_shift_grp2, 0, 7, dst, cnt), \
}
static const I386OpEntry grp2_EbIb[8] = GRP2(Eb, Ib);
static const I386OpEntry grp2_EvIb[8] = GRP2(Ev, Ib);
static const I386OpEntry grp2_Eb1[8] = GRP2(Eb, ONE);
static const I386OpEntry grp2_Ev1[8] = GRP2(Ev, ONE);
static const I386OpEntry grp2_EbCL[8] = GRP2(Eb, CL);
static const I386OpEntry grp2_EvCL[8] = GRP2(Ev, CL);

/* Group 3 (F6 F7): /1 is an undocumented alias of TEST that hardware runs. */
static const I386OpEntry grp3_Eb[8] = {
    [0] = I("test", i386_trans_test, 0, 0, Eb, Ib),
    [1] = I("test", i386_trans_test, 0, 0, Eb, Ib),
    [2] = I("not", i386_trans_not, F_LOCK, 0, Eb),
    [3] = I("neg", i386_trans_neg, F_LOCK, 0, Eb),
    [4] = I("mul", i386_trans_mul_grp3, 0, 0, Eb),
    [5] = I("imul", i386_trans_mul_grp3, 0, 0, Eb),
    [6] = I("div", i386_trans_div, 0, 0, Eb),
    [7] = I("idiv", i386_trans_div, 0, 0, Eb),
};
static const I386OpEntry grp3_Ev[8] = {
    [0] = I("test", i386_trans_test, 0, 0, Ev, Iz),
    [1] = I("test", i386_trans_test, 0, 0, Ev, Iz),
    [2] = I("not", i386_trans_not, F_LOCK, 0, Ev),
    [3] = I("neg", i386_trans_neg, F_LOCK, 0, Ev),
    [4] = I("mul", i386_trans_mul_grp3, 0, 0, Ev),
    [5] = I("imul", i386_trans_mul_grp3, 0, 0, Ev),
    [6] = I("div", i386_trans_div, 0, 0, Ev),
    [7] = I("idiv", i386_trans_div, 0, 0, Ev),
};

/* Group 4 (FE) and group 5 (FF). */
static const I386OpEntry grp4[8] = {
    [0] = I("inc", i386_trans_incdec, F_LOCK, 0, Eb),
    [1] = I("dec", i386_trans_incdec, F_LOCK, 1, Eb),
};
static const I386OpEntry grp5[8] = {
    [0] = I("inc", i386_trans_incdec, F_LOCK, 0, Ev),
    [1] = I("dec", i386_trans_incdec, F_LOCK, 1, Ev),
    [2] = I("call", i386_trans_call, 0, 0, Ev),
    [3] = I("lcall", i386_trans_lcall, 0, 0, Mp),
    [4] = I("jmp", i386_trans_jmp, 0, 0, Ev),
    [5] = I("ljmp", i386_trans_ljmp, 0, 0, Mp),
    [6] = I("push", i386_trans_push, 0, 0, Ev),
};

/* Group 11 (C6 C7 /0): MOV E, immediate. */
static const I386OpEntry grp11_EbIb[8] = {
    [0] = I("mov", i386_trans_mov, 0, 0, Eb, Ib),
};
static const I386OpEntry grp11_EvIz[8] = {
    [0] = I("mov", i386_trans_mov, 0, 0, Ev, Iz),
};

/* Group 6 (0F 00) and group 7 (0F 01): system instructions.  SLDT, STR,
 * SGDT, SIDT and SMSW give #GP at CPL 3 on a CPU with CR4.UMIP, which
 * Linux sets, and the kernel then emulates them with fixed values:
 * mimic stores those values (translate-seg.c). */
static const I386OpEntry grp6[8] = {
    [0] = I("sldt", i386_trans_umip_store, 0, UMIP_SLDT, Ew),
    [1] = I("str", i386_trans_umip_store, 0, UMIP_STR, Ew),
    [2] = PRIV("lldt", Ew),
    [3] = PRIV("ltr", Ew),
    [4] = I("verr", i386_trans_verx, 0, I386_SEGCHK_VERR, Ew),
    [5] = I("verw", i386_trans_verx, 0, I386_SEGCHK_VERW, Ew),
};
static const I386OpEntry grp7[8] = {
    [0] = I("sgdt", i386_trans_umip_store, 0, UMIP_SGDT, M),
    [1] = I("sidt", i386_trans_umip_store, 0, UMIP_SIDT, M),
    [2] = PRIV("lgdt", M),
    [3] = PRIV("lidt", M),
    [4] = I("smsw", i386_trans_umip_store, 0, UMIP_SMSW, Ew),
    [6] = PRIV("lmsw", Ew),
    [7] = PRIV("invlpg", M),
};

/* Group 8 (0F BA): BT/BTS/BTR/BTC Ev,Ib. */
static const I386OpEntry grp8[8] = {
    [4] = I("bt", i386_trans_bt_grp8, 0, 0, Ev, Ib),
    [5] = I("bts", i386_trans_bt_grp8, F_LOCK, 0, Ev, Ib),
    [6] = I("btr", i386_trans_bt_grp8, F_LOCK, 0, Ev, Ib),
    [7] = I("btc", i386_trans_bt_grp8, F_LOCK, 0, Ev, Ib),
};

/* Group 9 (0F C7): CMPXCHG8B Mq. */
static const I386OpEntry grp9[8] = {
    [1] = I("cmpxchg8b", i386_trans_cmpxchg8b, F_LOCK, 0, Mq),
};

/* SIMD rows (MMX, SSE-SSSE3): translate-simd.c finds the instruction in
 * simd-insn.c's map by mandatory prefix (none, 66, F3, F2) and opcode. */
#define SIMD I("simd", i386_trans_simd, F_MODRM, 0, )
#define SIMD_IB I("simd", i386_trans_simd, F_MODRM, 0, Ib)

/* x87 escapes D8-DF: the FPU handler decodes ModRM itself. */
#define FPU_ROW I("fpu", i386_trans_fpu, F_MODRM, 0, )

const I386OpEntry i386_optab_1byte[256] = {
    ALU_ROWS(0x00, "add", ALU_ADD, F_LOCK),
    [0x06] = I("push", i386_trans_push_seg, 0, 0, SEG(R_ES)),
    [0x07] = I("pop", i386_trans_pop_seg, 0, 0, SEG(R_ES)),
    ALU_ROWS(0x08, "or", ALU_OR, F_LOCK),
    [0x0e] = I("push", i386_trans_push_seg, 0, 0, SEG(R_CS)),
    /* 0x0f: the two-byte escape, handled by the decoder */
    ALU_ROWS(0x10, "adc", ALU_ADC, F_LOCK),
    [0x16] = I("push", i386_trans_push_seg, 0, 0, SEG(R_SS)),
    [0x17] = I("pop", i386_trans_pop_seg, 0, 0, SEG(R_SS)),
    ALU_ROWS(0x18, "sbb", ALU_SBB, F_LOCK),
    [0x1e] = I("push", i386_trans_push_seg, 0, 0, SEG(R_DS)),
    [0x1f] = I("pop", i386_trans_pop_seg, 0, 0, SEG(R_DS)),
    ALU_ROWS(0x20, "and", ALU_AND, F_LOCK),
    /* 0x26: ES override */
    [0x27] = I("daa", i386_trans_bcd, 0, 0, ),
    ALU_ROWS(0x28, "sub", ALU_SUB, F_LOCK),
    /* 0x2e: CS override */
    [0x2f] = I("das", i386_trans_bcd, 0, 0, ),
    ALU_ROWS(0x30, "xor", ALU_XOR, F_LOCK),
    /* 0x36: SS override */
    [0x37] = I("aaa", i386_trans_bcd, 0, 0, ),
    ALU_ROWS(0x38, "cmp", ALU_CMP, 0),
    /* 0x3e: DS override */
    [0x3f] = I("aas", i386_trans_bcd, 0, 0, ),

    [0x40] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x41] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x42] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x43] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x44] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x45] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x46] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x47] = I("inc", i386_trans_incdec, 0, 0, Zv),
    [0x48] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x49] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x4a] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x4b] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x4c] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x4d] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x4e] = I("dec", i386_trans_incdec, 0, 1, Zv),
    [0x4f] = I("dec", i386_trans_incdec, 0, 1, Zv),

    [0x50] = I("push", i386_trans_push, 0, 0, Zv),
    [0x51] = I("push", i386_trans_push, 0, 0, Zv),
    [0x52] = I("push", i386_trans_push, 0, 0, Zv),
    [0x53] = I("push", i386_trans_push, 0, 0, Zv),
    [0x54] = I("push", i386_trans_push, 0, 0, Zv),
    [0x55] = I("push", i386_trans_push, 0, 0, Zv),
    [0x56] = I("push", i386_trans_push, 0, 0, Zv),
    [0x57] = I("push", i386_trans_push, 0, 0, Zv),
    [0x58] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x59] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x5a] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x5b] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x5c] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x5d] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x5e] = I("pop", i386_trans_pop, 0, 0, Zv),
    [0x5f] = I("pop", i386_trans_pop, 0, 0, Zv),

    [0x60] = I("pusha", i386_trans_pusha, 0, 0, ),
    [0x61] = I("popa", i386_trans_popa, 0, 0, ),
    [0x62] = I("bound", i386_trans_bound, F_MEM, 0, Gv, Ma),
    [0x63] = I("arpl", i386_trans_arpl, 0, 0, Ew, Gw),
    /* 0x64 0x65: FS GS overrides; 0x66 0x67: operand/address size */
    [0x68] = I("push", i386_trans_push, 0, 0, Iz),
    [0x69] = I("imul", i386_trans_imul, 0, 0, Gv, Ev, Iz),
    [0x6a] = I("push", i386_trans_push, 0, 0, Ibs),
    [0x6b] = I("imul", i386_trans_imul, 0, 0, Gv, Ev, Ibs),
    [0x6c] = I("insb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0x6d] = I("ins", i386_trans_string, 0, 0, ),
    [0x6e] = I("outsb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0x6f] = I("outs", i386_trans_string, 0, 0, ),

    [0x70] = I("jo", i386_trans_jcc, 0, JCC_O, Jb),
    [0x71] = I("jno", i386_trans_jcc, 0, JCC_NO, Jb),
    [0x72] = I("jb", i386_trans_jcc, 0, JCC_B, Jb),
    [0x73] = I("jnb", i386_trans_jcc, 0, JCC_NB, Jb),
    [0x74] = I("jz", i386_trans_jcc, 0, JCC_Z, Jb),
    [0x75] = I("jnz", i386_trans_jcc, 0, JCC_NZ, Jb),
    [0x76] = I("jbe", i386_trans_jcc, 0, JCC_BE, Jb),
    [0x77] = I("jnbe", i386_trans_jcc, 0, JCC_NBE, Jb),
    [0x78] = I("js", i386_trans_jcc, 0, JCC_S, Jb),
    [0x79] = I("jns", i386_trans_jcc, 0, JCC_NS, Jb),
    [0x7a] = I("jp", i386_trans_jcc, 0, JCC_P, Jb),
    [0x7b] = I("jnp", i386_trans_jcc, 0, JCC_NP, Jb),
    [0x7c] = I("jl", i386_trans_jcc, 0, JCC_L, Jb),
    [0x7d] = I("jnl", i386_trans_jcc, 0, JCC_NL, Jb),
    [0x7e] = I("jle", i386_trans_jcc, 0, JCC_LE, Jb),
    [0x7f] = I("jnle", i386_trans_jcc, 0, JCC_NLE, Jb),

    [0x80] = GROUP("grp1", grp1_EbIb, ),
    [0x81] = GROUP("grp1", grp1_EvIz, ),
    [0x82] = GROUP("grp1", grp1_EbIb, ),
    [0x83] = GROUP("grp1", grp1_EvIbs, ),
    [0x84] = I("test", i386_trans_test, 0, 0, Eb, Gb),
    [0x85] = I("test", i386_trans_test, 0, 0, Ev, Gv),
    [0x86] = I("xchg", i386_trans_xchg, F_LOCK, 0, Eb, Gb),
    [0x87] = I("xchg", i386_trans_xchg, F_LOCK, 0, Ev, Gv),
    [0x88] = I("mov", i386_trans_mov, 0, 0, Eb, Gb),
    [0x89] = I("mov", i386_trans_mov, 0, 0, Ev, Gv),
    [0x8a] = I("mov", i386_trans_mov, 0, 0, Gb, Eb),
    [0x8b] = I("mov", i386_trans_mov, 0, 0, Gv, Ev),
    [0x8c] = I("mov", i386_trans_mov_from_seg, 0, 0, Ev, Sw),
    [0x8d] = I("lea", i386_trans_lea, 0, 0, Gv, M),
    [0x8e] = I("mov", i386_trans_mov_to_seg, 0, 0, Sw, Ew),
    [0x8f] = GROUP("grp1a", grp1a, ),

    [0x90] = I("nop", i386_trans_nop, 0, 0, ),
    [0x91] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x92] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x93] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x94] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x95] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x96] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x97] = I("xchg", i386_trans_xchg, 0, 0, Zv, eAX),
    [0x98] = I("cbw", i386_trans_cbw, 0, 0, ),
    [0x99] = I("cwd", i386_trans_cwd, 0, 0, ),
    [0x9a] = I("lcall", i386_trans_lcall, 0, 0, Ap),
    [0x9b] = I("fwait", i386_trans_fwait, 0, 0, ),
    [0x9c] = I("pushf", i386_trans_pushf, 0, 0, ),
    [0x9d] = I("popf", i386_trans_popf, 0, 0, ),
    [0x9e] = I("sahf", i386_trans_sahf, 0, 0, ),
    [0x9f] = I("lahf", i386_trans_lahf, 0, 0, ),

    [0xa0] = I("mov", i386_trans_mov, 0, 0, AL, Ob),
    [0xa1] = I("mov", i386_trans_mov, 0, 0, eAX, Ov),
    [0xa2] = I("mov", i386_trans_mov, 0, 0, Ob, AL),
    [0xa3] = I("mov", i386_trans_mov, 0, 0, Ov, eAX),
    [0xa4] = I("movsb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0xa5] = I("movs", i386_trans_string, 0, 0, ),
    [0xa6] = I("cmpsb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0xa7] = I("cmps", i386_trans_string, 0, 0, ),
    [0xa8] = I("test", i386_trans_test, 0, 0, AL, Ib),
    [0xa9] = I("test", i386_trans_test, 0, 0, eAX, Iz),
    [0xaa] = I("stosb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0xab] = I("stos", i386_trans_string, 0, 0, ),
    [0xac] = I("lodsb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0xad] = I("lods", i386_trans_string, 0, 0, ),
    [0xae] = I("scasb", i386_trans_string, I386_F_BYTEOP, 0, ),
    [0xaf] = I("scas", i386_trans_string, 0, 0, ),

    [0xb0] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb1] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb2] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb3] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb4] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb5] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb6] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb7] = I("mov", i386_trans_mov, 0, 0, Zb, Ib),
    [0xb8] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xb9] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xba] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xbb] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xbc] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xbd] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xbe] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),
    [0xbf] = I("mov", i386_trans_mov, 0, 0, Zv, Iv),

    [0xc0] = GROUP("grp2", grp2_EbIb, ),
    [0xc1] = GROUP("grp2", grp2_EvIb, ),
    [0xc2] = I("ret", i386_trans_ret, 0, 0, Iw),
    [0xc3] = I("ret", i386_trans_ret, 0, 0, ),
    [0xc4] = I("les", i386_trans_lxs, F_MEM, R_ES, Gv, Mp),
    [0xc5] = I("lds", i386_trans_lxs, F_MEM, R_DS, Gv, Mp),
    [0xc6] = GROUP("grp11", grp11_EbIb, ),
    [0xc7] = GROUP("grp11", grp11_EvIz, ),
    [0xc8] = I("enter", i386_trans_enter, 0, 0, Iw, Ib),
    [0xc9] = I("leave", i386_trans_leave, 0, 0, ),
    [0xca] = I("lret", i386_trans_lret, 0, 0, Iw),
    [0xcb] = I("lret", i386_trans_lret, 0, 0, ),
    [0xcc] = I("int3", i386_trans_int3, 0, 0, ),
    [0xcd] = I("int", i386_trans_int, 0, 0, Ib),
    [0xce] = I("into", i386_trans_into, 0, 0, ),
    [0xcf] = I("iret", i386_trans_iret, 0, 0, ),

    [0xd0] = GROUP("grp2", grp2_Eb1, ),
    [0xd1] = GROUP("grp2", grp2_Ev1, ),
    [0xd2] = GROUP("grp2", grp2_EbCL, ),
    [0xd3] = GROUP("grp2", grp2_EvCL, ),
    [0xd4] = I("aam", i386_trans_bcd, 0, 0, Ib),
    [0xd5] = I("aad", i386_trans_bcd, 0, 0, Ib),
    [0xd6] = I("salc", i386_trans_salc, 0, 0, ),
    [0xd7] = I("xlat", i386_trans_xlat, 0, 0, ),
    [0xd8] = FPU_ROW, [0xd9] = FPU_ROW, [0xda] = FPU_ROW, [0xdb] = FPU_ROW,
    [0xdc] = FPU_ROW, [0xdd] = FPU_ROW, [0xde] = FPU_ROW, [0xdf] = FPU_ROW,

    [0xe0] = I("loopne", i386_trans_loop, 0, 0, Jb),
    [0xe1] = I("loope", i386_trans_loop, 0, 1, Jb),
    [0xe2] = I("loop", i386_trans_loop, 0, 2, Jb),
    [0xe3] = I("jecxz", i386_trans_loop, 0, 3, Jb),
    [0xe4] = PRIV("in", AL, Ib),
    [0xe5] = PRIV("in", eAX, Ib),
    [0xe6] = PRIV("out", Ib, AL),
    [0xe7] = PRIV("out", Ib, eAX),
    [0xe8] = I("call", i386_trans_call, 0, 0, Jz),
    [0xe9] = I("jmp", i386_trans_jmp, 0, 0, Jz),
    [0xea] = I("ljmp", i386_trans_ljmp, 0, 0, Ap),
    [0xeb] = I("jmp", i386_trans_jmp, 0, 0, Jb),
    [0xec] = PRIV("in", AL, DX),
    [0xed] = PRIV("in", eAX, DX),
    [0xee] = PRIV("out", DX, AL),
    [0xef] = PRIV("out", DX, eAX),

    /* 0xf0: LOCK; 0xf2 0xf3: REPNE REP */
    [0xf1] = I("int1", i386_trans_int1, 0, 0, ),
    [0xf4] = PRIV("hlt", ),
    [0xf5] = I("cmc", i386_trans_flagop, 0, 0xf5, ),
    [0xf6] = GROUP("grp3", grp3_Eb, ),
    [0xf7] = GROUP("grp3", grp3_Ev, ),
    [0xf8] = I("clc", i386_trans_flagop, 0, 0xf8, ),
    [0xf9] = I("stc", i386_trans_flagop, 0, 0xf9, ),
    [0xfa] = PRIV("cli", ),
    [0xfb] = PRIV("sti", ),
    [0xfc] = I("cld", i386_trans_flagop, 0, 0xfc, ),
    [0xfd] = I("std", i386_trans_flagop, 0, 0xfd, ),
    [0xfe] = GROUP("grp4", grp4, ),
    [0xff] = GROUP("grp5", grp5, ),
};

const I386OpEntry i386_optab_0f[256] = {
    [0x00] = GROUP("grp6", grp6, ),
    [0x01] = GROUP("grp7", grp7, ),
    [0x02] = I("lar", i386_trans_lar_lsl, 0, I386_SEGCHK_LAR, Gv, Ew),
    [0x03] = I("lsl", i386_trans_lar_lsl, 0, I386_SEGCHK_LSL, Gv, Ew),
    [0x06] = PRIV("clts", ),
    [0x08] = PRIV("invd", ),
    [0x09] = PRIV("wbinvd", ),
    [0x0b] = I("ud2", i386_trans_ud, 0, 0, ),
    /* 0F 18-1F: hint NOPs (PREFETCH at 0F 18 /0-/3), NOP Ev at 0F 1F /0 */
    [0x18] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x19] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x1a] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x1b] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x1c] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x1d] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x1e] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x1f] = I("nop", i386_trans_nop, F_MODRM, 0, Ev),
    [0x10] = SIMD, [0x11] = SIMD, [0x12] = SIMD, [0x13] = SIMD,
    [0x14] = SIMD, [0x15] = SIMD, [0x16] = SIMD, [0x17] = SIMD,
    [0x20] = PRIV("mov", Rd, Cd),
    [0x21] = PRIV("mov", Rd, Dd),
    [0x22] = PRIV("mov", Cd, Rd),
    [0x23] = PRIV("mov", Dd, Rd),
    [0x28] = SIMD, [0x29] = SIMD, [0x2a] = SIMD, [0x2b] = SIMD,
    [0x2c] = SIMD, [0x2d] = SIMD, [0x2e] = SIMD, [0x2f] = SIMD,
    [0x30] = PRIV("wrmsr", ),
    [0x31] = I("rdtsc", i386_trans_rdtsc, 0, 0, ),
    [0x32] = PRIV("rdmsr", ),
    [0x33] = PRIV("rdpmc", ),

    [0x40] = I("cmovo", i386_trans_cmov, 0, JCC_O, Gv, Ev),
    [0x41] = I("cmovno", i386_trans_cmov, 0, JCC_NO, Gv, Ev),
    [0x42] = I("cmovb", i386_trans_cmov, 0, JCC_B, Gv, Ev),
    [0x43] = I("cmovnb", i386_trans_cmov, 0, JCC_NB, Gv, Ev),
    [0x44] = I("cmovz", i386_trans_cmov, 0, JCC_Z, Gv, Ev),
    [0x45] = I("cmovnz", i386_trans_cmov, 0, JCC_NZ, Gv, Ev),
    [0x46] = I("cmovbe", i386_trans_cmov, 0, JCC_BE, Gv, Ev),
    [0x47] = I("cmovnbe", i386_trans_cmov, 0, JCC_NBE, Gv, Ev),
    [0x48] = I("cmovs", i386_trans_cmov, 0, JCC_S, Gv, Ev),
    [0x49] = I("cmovns", i386_trans_cmov, 0, JCC_NS, Gv, Ev),
    [0x4a] = I("cmovp", i386_trans_cmov, 0, JCC_P, Gv, Ev),
    [0x4b] = I("cmovnp", i386_trans_cmov, 0, JCC_NP, Gv, Ev),
    [0x4c] = I("cmovl", i386_trans_cmov, 0, JCC_L, Gv, Ev),
    [0x4d] = I("cmovnl", i386_trans_cmov, 0, JCC_NL, Gv, Ev),
    [0x4e] = I("cmovle", i386_trans_cmov, 0, JCC_LE, Gv, Ev),
    [0x4f] = I("cmovnle", i386_trans_cmov, 0, JCC_NLE, Gv, Ev),

    [0x50] = SIMD, [0x51] = SIMD, [0x52] = SIMD, [0x53] = SIMD,
    [0x54] = SIMD, [0x55] = SIMD, [0x56] = SIMD, [0x57] = SIMD,
    [0x58] = SIMD, [0x59] = SIMD, [0x5a] = SIMD, [0x5b] = SIMD,
    [0x5c] = SIMD, [0x5d] = SIMD, [0x5e] = SIMD, [0x5f] = SIMD,
    [0x60] = SIMD, [0x61] = SIMD, [0x62] = SIMD, [0x63] = SIMD,
    [0x64] = SIMD, [0x65] = SIMD, [0x66] = SIMD, [0x67] = SIMD,
    [0x68] = SIMD, [0x69] = SIMD, [0x6a] = SIMD, [0x6b] = SIMD,
    [0x6c] = SIMD, [0x6d] = SIMD, [0x6e] = SIMD, [0x6f] = SIMD,
    [0x70] = SIMD_IB, [0x71] = SIMD_IB, [0x72] = SIMD_IB, [0x73] = SIMD_IB,
    [0x74] = SIMD, [0x75] = SIMD, [0x76] = SIMD,
    [0x77] = I("emms", i386_trans_simd, 0, 0, ),
    [0x7c] = SIMD, [0x7d] = SIMD, [0x7e] = SIMD, [0x7f] = SIMD,

    [0x80] = I("jo", i386_trans_jcc, 0, JCC_O, Jz),
    [0x81] = I("jno", i386_trans_jcc, 0, JCC_NO, Jz),
    [0x82] = I("jb", i386_trans_jcc, 0, JCC_B, Jz),
    [0x83] = I("jnb", i386_trans_jcc, 0, JCC_NB, Jz),
    [0x84] = I("jz", i386_trans_jcc, 0, JCC_Z, Jz),
    [0x85] = I("jnz", i386_trans_jcc, 0, JCC_NZ, Jz),
    [0x86] = I("jbe", i386_trans_jcc, 0, JCC_BE, Jz),
    [0x87] = I("jnbe", i386_trans_jcc, 0, JCC_NBE, Jz),
    [0x88] = I("js", i386_trans_jcc, 0, JCC_S, Jz),
    [0x89] = I("jns", i386_trans_jcc, 0, JCC_NS, Jz),
    [0x8a] = I("jp", i386_trans_jcc, 0, JCC_P, Jz),
    [0x8b] = I("jnp", i386_trans_jcc, 0, JCC_NP, Jz),
    [0x8c] = I("jl", i386_trans_jcc, 0, JCC_L, Jz),
    [0x8d] = I("jnl", i386_trans_jcc, 0, JCC_NL, Jz),
    [0x8e] = I("jle", i386_trans_jcc, 0, JCC_LE, Jz),
    [0x8f] = I("jnle", i386_trans_jcc, 0, JCC_NLE, Jz),

    [0x90] = I("seto", i386_trans_setcc, 0, JCC_O, Eb),
    [0x91] = I("setno", i386_trans_setcc, 0, JCC_NO, Eb),
    [0x92] = I("setb", i386_trans_setcc, 0, JCC_B, Eb),
    [0x93] = I("setnb", i386_trans_setcc, 0, JCC_NB, Eb),
    [0x94] = I("setz", i386_trans_setcc, 0, JCC_Z, Eb),
    [0x95] = I("setnz", i386_trans_setcc, 0, JCC_NZ, Eb),
    [0x96] = I("setbe", i386_trans_setcc, 0, JCC_BE, Eb),
    [0x97] = I("setnbe", i386_trans_setcc, 0, JCC_NBE, Eb),
    [0x98] = I("sets", i386_trans_setcc, 0, JCC_S, Eb),
    [0x99] = I("setns", i386_trans_setcc, 0, JCC_NS, Eb),
    [0x9a] = I("setp", i386_trans_setcc, 0, JCC_P, Eb),
    [0x9b] = I("setnp", i386_trans_setcc, 0, JCC_NP, Eb),
    [0x9c] = I("setl", i386_trans_setcc, 0, JCC_L, Eb),
    [0x9d] = I("setnl", i386_trans_setcc, 0, JCC_NL, Eb),
    [0x9e] = I("setle", i386_trans_setcc, 0, JCC_LE, Eb),
    [0x9f] = I("setnle", i386_trans_setcc, 0, JCC_NLE, Eb),

    [0xa0] = I("push", i386_trans_push_seg, 0, 0, SEG(R_FS)),
    [0xa1] = I("pop", i386_trans_pop_seg, 0, 0, SEG(R_FS)),
    [0xa2] = I("cpuid", i386_trans_cpuid, 0, 0, ),
    [0xa3] = I("bt", i386_trans_bt, 0, 0, Ev, Gv),
    [0xa4] = I("shld", i386_trans_shld, 0, 0, Ev, Gv, Ib),
    [0xa5] = I("shld", i386_trans_shld, 0, 0, Ev, Gv, CL),
    [0xa8] = I("push", i386_trans_push_seg, 0, 0, SEG(R_GS)),
    [0xa9] = I("pop", i386_trans_pop_seg, 0, 0, SEG(R_GS)),
    [0xab] = I("bts", i386_trans_bt, F_LOCK, 0, Ev, Gv),
    [0xac] = I("shrd", i386_trans_shrd, 0, 0, Ev, Gv, Ib),
    [0xad] = I("shrd", i386_trans_shrd, 0, 0, Ev, Gv, CL),
    /* group 15: /0 FXSAVE M, /1 FXRSTOR M (translate-fpu.c checks the
     * form and CPUID.FXSR), /2 LDMXCSR, /3 STMXCSR, the fences, CLFLUSH */
    [0xae] = I("grp15", i386_trans_grp15, F_MODRM, 0, ),
    [0xaf] = I("imul", i386_trans_imul, 0, 0, Gv, Ev),

    [0xb0] = I("cmpxchg", i386_trans_cmpxchg, F_LOCK, 0, Eb, Gb),
    [0xb1] = I("cmpxchg", i386_trans_cmpxchg, F_LOCK, 0, Ev, Gv),
    [0xb2] = I("lss", i386_trans_lxs, F_MEM, R_SS, Gv, Mp),
    [0xb3] = I("btr", i386_trans_bt, F_LOCK, 0, Ev, Gv),
    [0xb4] = I("lfs", i386_trans_lxs, F_MEM, R_FS, Gv, Mp),
    [0xb5] = I("lgs", i386_trans_lxs, F_MEM, R_GS, Gv, Mp),
    [0xb6] = I("movzx", i386_trans_movx, 0, 0, Gv, Eb),
    [0xb7] = I("movzx", i386_trans_movx, 0, 0, Gv, Ew),
    [0xb9] = I("ud1", i386_trans_ud, F_MODRM, 0, ),
    [0xba] = GROUP("grp8", grp8, ),
    [0xbb] = I("btc", i386_trans_bt, F_LOCK, 0, Ev, Gv),
    [0xbc] = I("bsf", i386_trans_bsf, 0, 0, Gv, Ev),
    [0xbd] = I("bsr", i386_trans_bsr, 0, 0, Gv, Ev),
    [0xbe] = I("movsx", i386_trans_movx, 0, 1, Gv, Eb),
    [0xbf] = I("movsx", i386_trans_movx, 0, 1, Gv, Ew),

    [0xc0] = I("xadd", i386_trans_xadd, F_LOCK, 0, Eb, Gb),
    [0xc1] = I("xadd", i386_trans_xadd, F_LOCK, 0, Ev, Gv),
    [0xc2] = SIMD_IB, [0xc3] = SIMD, [0xc4] = SIMD_IB, [0xc5] = SIMD_IB, [0xc6] = SIMD_IB,
    [0xc7] = GROUP("grp9", grp9, ),
    [0xc8] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xc9] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xca] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xcb] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xcc] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xcd] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xce] = I("bswap", i386_trans_bswap, 0, 0, Zv),
    [0xcf] = I("bswap", i386_trans_bswap, 0, 0, Zv),

    [0xd0] = SIMD, [0xd1] = SIMD, [0xd2] = SIMD, [0xd3] = SIMD,
    [0xd4] = SIMD, [0xd5] = SIMD, [0xd6] = SIMD, [0xd7] = SIMD,
    [0xd8] = SIMD, [0xd9] = SIMD, [0xda] = SIMD, [0xdb] = SIMD,
    [0xdc] = SIMD, [0xdd] = SIMD, [0xde] = SIMD, [0xdf] = SIMD,
    [0xe0] = SIMD, [0xe1] = SIMD, [0xe2] = SIMD, [0xe3] = SIMD,
    [0xe4] = SIMD, [0xe5] = SIMD, [0xe6] = SIMD, [0xe7] = SIMD,
    [0xe8] = SIMD, [0xe9] = SIMD, [0xea] = SIMD, [0xeb] = SIMD,
    [0xec] = SIMD, [0xed] = SIMD, [0xee] = SIMD, [0xef] = SIMD,
    [0xf0] = SIMD, [0xf1] = SIMD, [0xf2] = SIMD, [0xf3] = SIMD,
    [0xf4] = SIMD, [0xf5] = SIMD, [0xf6] = SIMD, [0xf7] = SIMD,
    [0xf8] = SIMD, [0xf9] = SIMD, [0xfa] = SIMD, [0xfb] = SIMD,
    [0xfc] = SIMD, [0xfd] = SIMD, [0xfe] = SIMD,
    [0xff] = I("ud0", i386_trans_ud, F_MODRM, 0, ),
};
