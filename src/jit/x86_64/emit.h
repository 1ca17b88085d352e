/*
 * x86-64 instruction encoder: one named function per instruction form
 * the code generator uses, writing into a bounded byte buffer.
 *
 * Every function emits exactly one instruction (or a fixed short idiom
 * that says so in its name) in the shortest encoding the Intel SDM
 * allows for its operands.  The buffer never overflows: an instruction
 * that would not fit sets `overflow` and is dropped, and so is every
 * instruction after it; the caller checks the flag once at the end.
 *
 * Operand size: `w64` selects the 64-bit form (REX.W); otherwise the
 * 32-bit form, which in 64-bit mode also zeroes bits 63..32 of a
 * destination register.  That zeroing is what keeps IR i32 values
 * zero-extended without extra instructions.
 */
#ifndef MIMIC_JIT_X86_64_EMIT_H
#define MIMIC_JIT_X86_64_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum X64Reg {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
    X64_NOREG = -1,
} X64Reg;

#define X64_NB_REGS 16

/* Access sizes, numbered like IR_MO_8 .. IR_MO_64. */
typedef enum X64Size { X64_S8, X64_S16, X64_S32, X64_S64 } X64Size;

/* The /digit of the group-1 ALU instructions (ADD r/m, imm is 81 /0 ...). */
typedef enum X64Alu {
    X64_ADD = 0, X64_OR = 1, X64_AND = 4, X64_SUB = 5, X64_XOR = 6, X64_CMP = 7,
} X64Alu;

/* The /digit of the group-2 shifts and rotates. */
typedef enum X64Shift {
    X64_ROL = 0, X64_ROR = 1, X64_SHL = 4, X64_SHR = 5, X64_SAR = 7,
} X64Shift;

/* The /digit of the group-3 one-operand instructions (F7 /n). */
typedef enum X64Unary {
    X64_NOT = 2, X64_NEG = 3, X64_MUL = 4, X64_IMUL1 = 5, X64_DIV = 6, X64_IDIV = 7,
} X64Unary;

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum X64Cond {
    X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
    X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
} X64Cond;

/* [base + index + disp]: base is required; index may be X64_NOREG and is
 * never rsp (the SIB encoding has no rsp index). */
typedef struct X64Mem {
    X64Reg base;
    X64Reg index;
    int32_t disp;
} X64Mem;

static inline X64Mem x64_mem(X64Reg base, int32_t disp)
{
    return (X64Mem){ .base = base, .index = X64_NOREG, .disp = disp };
}
static inline X64Mem x64_mem_idx(X64Reg base, X64Reg index, int32_t disp)
{
    return (X64Mem){ .base = base, .index = index, .disp = disp };
}

typedef struct X64Buf {
    uint8_t *code;
    size_t len;
    size_t cap;
    bool overflow;
} X64Buf;

/* The longest x86 instruction is 15 bytes. */
#define X64_MAX_INSN_LEN 15

static inline bool x64_fits_i8(int64_t v)
{
    return v >= INT8_MIN && v <= INT8_MAX;
}
static inline bool x64_fits_i32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

void x64_buf_init(X64Buf *b, uint8_t *code, size_t cap);

/* Register-register and register-immediate arithmetic: dst = dst OP src. */
void x64_emit_alu_rr(X64Buf *b, X64Alu op, bool w64, X64Reg dst, X64Reg src);
void x64_emit_alu_ri(X64Buf *b, X64Alu op, bool w64, X64Reg dst, int32_t imm);
/* "op word [m], imm": 16-bit read-modify-write (or compare) of memory. */
void x64_emit_alu_mi16(X64Buf *b, X64Alu op, X64Mem m, int32_t imm);
void x64_emit_test_rr(X64Buf *b, bool w64, X64Reg a, X64Reg c);
void x64_emit_test_ri(X64Buf *b, bool w64, X64Reg a, int32_t imm);

void x64_emit_mov_rr(X64Buf *b, bool w64, X64Reg dst, X64Reg src);
/* dst = v (all 64 bits), in the shortest form; never touches the flags. */
void x64_emit_mov_ri(X64Buf *b, X64Reg dst, uint64_t v);

/* dst = the size-byte value at m, zero- or sign-extended to 32 or 64 bits. */
void x64_emit_load(X64Buf *b, X64Size size, bool sign, bool w64, X64Reg dst, X64Mem m);
/* Stores the low size bytes of src. */
void x64_emit_store(X64Buf *b, X64Size size, X64Reg src, X64Mem m);
/* Stores imm (truncated to size; sign-extended for X64_S64). */
void x64_emit_store_imm(X64Buf *b, X64Size size, int32_t imm, X64Mem m);
void x64_emit_lea(X64Buf *b, bool w64, X64Reg dst, X64Mem m);

/* Shifts at size X64_S16, X64_S32 or X64_S64. */
void x64_emit_shift_ri(X64Buf *b, X64Shift op, X64Size size, X64Reg dst, uint8_t count);
void x64_emit_shift_cl(X64Buf *b, X64Shift op, bool w64, X64Reg dst);

/* NOT/NEG r, or MUL/IMUL/DIV/IDIV rdx:rax by r. */
void x64_emit_unary(X64Buf *b, X64Unary op, bool w64, X64Reg r);
void x64_emit_imul_rr(X64Buf *b, bool w64, X64Reg dst, X64Reg src);
void x64_emit_imul_rri(X64Buf *b, bool w64, X64Reg dst, X64Reg src, int32_t imm);
/* cdq (32) or cqo (64): rdx = sign of rax. */
void x64_emit_sign_extend_ax(X64Buf *b, bool w64);

/* dst = low `from` bits of src, zero- or sign-extended to 32 or 64 bits
 * (movzx, movsx, movsxd, or a 32-bit mov for unsigned 32 -> 64). */
void x64_emit_ext_rr(X64Buf *b, X64Size from, bool sign, bool w64, X64Reg dst, X64Reg src);

void x64_emit_setcc(X64Buf *b, X64Cond cc, X64Reg dst);
void x64_emit_cmov(X64Buf *b, X64Cond cc, bool w64, X64Reg dst, X64Reg src);

void x64_emit_bswap(X64Buf *b, bool w64, X64Reg r);
/* bsf (forward) or bsr (reverse): ZF is set when src is 0. */
void x64_emit_bitscan(X64Buf *b, bool reverse, bool w64, X64Reg dst, X64Reg src);
void x64_emit_popcnt(X64Buf *b, bool w64, X64Reg dst, X64Reg src);

/* Branches with a displacement to fill in later: each returns the offset
 * of its displacement field (the jump is relative to the field's end). */
size_t x64_emit_jcc32(X64Buf *b, X64Cond cc);
size_t x64_emit_jmp32(X64Buf *b);
size_t x64_emit_call32(X64Buf *b);
size_t x64_emit_jcc8(X64Buf *b, X64Cond cc);
size_t x64_emit_jmp8(X64Buf *b);
/* Points the field at buffer offset `target`. */
void x64_patch_rel32(X64Buf *b, size_t field, size_t target);
void x64_patch_rel8(X64Buf *b, size_t field, size_t target);

void x64_emit_call_r(X64Buf *b, X64Reg r);
void x64_emit_jmp_r(X64Buf *b, X64Reg r);
void x64_emit_push(X64Buf *b, X64Reg r);
void x64_emit_pop(X64Buf *b, X64Reg r);
void x64_emit_ret(X64Buf *b);
void x64_emit_mfence(X64Buf *b);
/* One instruction of n (1..9) bytes that does nothing. */
void x64_emit_nop(X64Buf *b, unsigned n);

#endif
