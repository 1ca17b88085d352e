/*
 * x86-64 instruction encoder (see emit.h).
 *
 * Encoding reference: Intel SDM vol. 2, chapter 2 (instruction format)
 * and the opcode tables of chapter 3-5.  An instruction is
 *   [66] [F3] [REX] [0F] opcode ModRM [SIB] [disp8/32] [imm]
 * where REX = 0100WRXB carries the operand width and the 4th bit of the
 * ModRM.reg (R), SIB.index (X) and ModRM.rm / SIB.base (B) register
 * numbers.  Two encoding special cases shape the memory operand code:
 * an rm of 100b means "a SIB byte follows" (so rsp and r12 as a base need
 * a SIB), and mod=00 with base 101b means "disp32, no base" (so rbp and
 * r13 as a base need an explicit disp8 of 0).  Byte registers 4..7 are
 * ah/ch/dh/bh without a REX prefix and spl/bpl/sil/dil with one, so any
 * byte operand in that range forces an (empty) REX.
 */
#include "jit/x86_64/emit.h"

#include <assert.h>
#include <string.h>

/* Opcode word: the opcode byte plus prefix/encoding flags. */
enum {
    P_0F = 0x100,        /* two-byte opcode 0F xx */
    P_REXW = 0x200,      /* 64-bit operand size */
    P_66 = 0x400,        /* 16-bit operand size */
    P_F3 = 0x800,        /* mandatory F3 prefix (popcnt) */
    P_BYTE_REG = 0x1000, /* ModRM.reg names a byte register */
    P_BYTE_RM = 0x2000,  /* ModRM.rm names a byte register (register form) */
};

void x64_buf_init(X64Buf *b, uint8_t *code, size_t cap)
{
    b->code = code;
    b->len = 0;
    b->cap = cap;
    b->overflow = false;
}

/* Room for one more instruction; once full, everything after is dropped
 * so that offsets recorded by the caller never point past the end. */
static bool room(X64Buf *b)
{
    if (b->overflow)
        return false;
    if (b->cap - b->len < X64_MAX_INSN_LEN + 1) {
        b->overflow = true;
        return false;
    }
    return true;
}

static void put8(X64Buf *b, uint8_t v)
{
    b->code[b->len++] = v;
}

static void put16(X64Buf *b, uint16_t v)
{
    memcpy(b->code + b->len, &v, 2);
    b->len += 2;
}

static void put32(X64Buf *b, uint32_t v)
{
    memcpy(b->code + b->len, &v, 4);
    b->len += 4;
}

static void put64(X64Buf *b, uint64_t v)
{
    memcpy(b->code + b->len, &v, 8);
    b->len += 8;
}

static unsigned wflag(bool w64)
{
    return w64 ? P_REXW : 0;
}

static bool is_byte_needing_rex(int r)
{
    return r >= 4 && r < 8;
}

/* Prefixes, REX and opcode.  reg/index/base are full register numbers
 * (index -1 when absent). */
static void put_opcode(X64Buf *b, unsigned opc, int reg, int index, int base, bool rm_is_reg)
{
    unsigned rex = 0;
    bool need_rex;

    if (opc & P_66)
        put8(b, 0x66);
    if (opc & P_F3)
        put8(b, 0xF3);
    if (opc & P_REXW)
        rex |= 8;
    if (reg >= 0 && (reg & 8))
        rex |= 4;
    if (index >= 0 && (index & 8))
        rex |= 2;
    if (base >= 0 && (base & 8))
        rex |= 1;
    need_rex = rex != 0;
    if ((opc & P_BYTE_REG) && is_byte_needing_rex(reg))
        need_rex = true;
    if ((opc & P_BYTE_RM) && rm_is_reg && is_byte_needing_rex(base))
        need_rex = true;
    if (need_rex)
        put8(b, (uint8_t)(0x40 | rex));
    if (opc & P_0F)
        put8(b, 0x0F);
    put8(b, (uint8_t)(opc & 0xff));
}

/* Register-direct ModRM form: reg field `reg`, rm field register `rm`. */
static void op_rr(X64Buf *b, unsigned opc, int reg, int rm)
{
    put_opcode(b, opc, reg, -1, rm, true);
    put8(b, (uint8_t)(0xC0 | (reg & 7) << 3 | (rm & 7)));
}

/* Memory ModRM form. */
static void op_rm(X64Buf *b, unsigned opc, int reg, X64Mem m)
{
    int base = m.base & 7;
    int mod;

    assert(m.base != X64_NOREG && m.index != X64_RSP);
    put_opcode(b, opc, reg, m.index, m.base, false);
    if (m.disp == 0 && base != 5)
        mod = 0;
    else if (x64_fits_i8(m.disp))
        mod = 1;
    else
        mod = 2;
    if (m.index == X64_NOREG && base != 4) {
        put8(b, (uint8_t)(mod << 6 | (reg & 7) << 3 | base));
    } else {
        int index = m.index == X64_NOREG ? 4 : (m.index & 7);
        put8(b, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
        put8(b, (uint8_t)(index << 3 | base));
    }
    if (mod == 1)
        put8(b, (uint8_t)(int8_t)m.disp);
    else if (mod == 2)
        put32(b, (uint32_t)m.disp);
}

/* Opcodes with the register in the low 3 bits (B8+r, 50+r, 0F C8+r). */
static void op_plus_reg(X64Buf *b, unsigned opc, int r)
{
    unsigned rex = ((opc & P_REXW) ? 8 : 0) | ((r & 8) ? 1 : 0);
    if (rex)
        put8(b, (uint8_t)(0x40 | rex));
    if (opc & P_0F)
        put8(b, 0x0F);
    put8(b, (uint8_t)((opc & 0xff) + (r & 7)));
}

void x64_emit_alu_rr(X64Buf *b, X64Alu op, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    /* "op r/m, r": 01 ADD, 09 OR, 21 AND, 29 SUB, 31 XOR, 39 CMP. */
    op_rr(b, (unsigned)(op << 3 | 1) | wflag(w64), src, dst);
}

void x64_emit_alu_ri(X64Buf *b, X64Alu op, bool w64, X64Reg dst, int32_t imm)
{
    if (!room(b))
        return;
    if (x64_fits_i8(imm)) {
        op_rr(b, 0x83 | wflag(w64), op, dst);
        put8(b, (uint8_t)(int8_t)imm);
    } else {
        op_rr(b, 0x81 | wflag(w64), op, dst);
        put32(b, (uint32_t)imm);
    }
}

void x64_emit_alu_mi16(X64Buf *b, X64Alu op, X64Mem m, int32_t imm)
{
    if (!room(b))
        return;
    /* imm8 when it fits: a 66-prefixed imm16 stalls Intel's decoders. */
    if (x64_fits_i8(imm)) {
        op_rm(b, 0x83 | P_66, op, m);
        put8(b, (uint8_t)(int8_t)imm);
    } else {
        op_rm(b, 0x81 | P_66, op, m);
        put16(b, (uint16_t)imm);
    }
}

void x64_emit_test_rr(X64Buf *b, bool w64, X64Reg a, X64Reg c)
{
    if (!room(b))
        return;
    op_rr(b, 0x85 | wflag(w64), c, a);
}

void x64_emit_test_ri(X64Buf *b, bool w64, X64Reg a, int32_t imm)
{
    if (!room(b))
        return;
    op_rr(b, 0xF7 | wflag(w64), 0, a);
    put32(b, (uint32_t)imm);
}

void x64_emit_mov_rr(X64Buf *b, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    op_rr(b, 0x89 | wflag(w64), src, dst);
}

void x64_emit_mov_ri(X64Buf *b, X64Reg dst, uint64_t v)
{
    if (!room(b))
        return;
    if (v <= UINT32_MAX) {
        /* B8+r id: a 32-bit write zero-extends. */
        op_plus_reg(b, 0xB8, dst);
        put32(b, (uint32_t)v);
    } else if (x64_fits_i32((int64_t)v)) {
        /* REX.W C7 /0 id: sign-extended. */
        op_rr(b, 0xC7 | P_REXW, 0, dst);
        put32(b, (uint32_t)v);
    } else {
        op_plus_reg(b, 0xB8 | P_REXW, dst);
        put64(b, v);
    }
}

void x64_emit_load(X64Buf *b, X64Size size, bool sign, bool w64, X64Reg dst, X64Mem m)
{
    unsigned opc;

    if (!room(b))
        return;
    switch (size) {
    case X64_S8:
        opc = sign ? (P_0F | 0xBE | wflag(w64)) : (P_0F | 0xB6);
        break;
    case X64_S16:
        opc = sign ? (P_0F | 0xBF | wflag(w64)) : (P_0F | 0xB7);
        break;
    case X64_S32:
        opc = (sign && w64) ? (0x63 | P_REXW) : 0x8B;
        break;
    default:
        opc = 0x8B | P_REXW;
        break;
    }
    op_rm(b, opc, dst, m);
}

void x64_emit_store(X64Buf *b, X64Size size, X64Reg src, X64Mem m)
{
    static const unsigned opc[] = {
        [X64_S8] = 0x88 | P_BYTE_REG,
        [X64_S16] = 0x89 | P_66,
        [X64_S32] = 0x89,
        [X64_S64] = 0x89 | P_REXW,
    };
    if (!room(b))
        return;
    op_rm(b, opc[size], src, m);
}

void x64_emit_store_imm(X64Buf *b, X64Size size, int32_t imm, X64Mem m)
{
    if (!room(b))
        return;
    switch (size) {
    case X64_S8:
        op_rm(b, 0xC6, 0, m);
        put8(b, (uint8_t)imm);
        break;
    case X64_S16:
        op_rm(b, 0xC7 | P_66, 0, m);
        put16(b, (uint16_t)imm);
        break;
    case X64_S32:
        op_rm(b, 0xC7, 0, m);
        put32(b, (uint32_t)imm);
        break;
    default:
        op_rm(b, 0xC7 | P_REXW, 0, m);
        put32(b, (uint32_t)imm);
        break;
    }
}

void x64_emit_lea(X64Buf *b, bool w64, X64Reg dst, X64Mem m)
{
    if (!room(b))
        return;
    op_rm(b, 0x8D | wflag(w64), dst, m);
}

static unsigned size_flags(X64Size size)
{
    return size == X64_S64 ? P_REXW : size == X64_S16 ? P_66 : 0;
}

void x64_emit_shift_ri(X64Buf *b, X64Shift op, X64Size size, X64Reg dst, uint8_t count)
{
    if (!room(b))
        return;
    op_rr(b, 0xC1 | size_flags(size), op, dst);
    put8(b, count);
}

void x64_emit_shift_cl(X64Buf *b, X64Shift op, bool w64, X64Reg dst)
{
    if (!room(b))
        return;
    op_rr(b, 0xD3 | wflag(w64), op, dst);
}

void x64_emit_unary(X64Buf *b, X64Unary op, bool w64, X64Reg r)
{
    if (!room(b))
        return;
    op_rr(b, 0xF7 | wflag(w64), op, r);
}

void x64_emit_imul_rr(X64Buf *b, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    op_rr(b, P_0F | 0xAF | wflag(w64), dst, src);
}

void x64_emit_imul_rri(X64Buf *b, bool w64, X64Reg dst, X64Reg src, int32_t imm)
{
    if (!room(b))
        return;
    if (x64_fits_i8(imm)) {
        op_rr(b, 0x6B | wflag(w64), dst, src);
        put8(b, (uint8_t)(int8_t)imm);
    } else {
        op_rr(b, 0x69 | wflag(w64), dst, src);
        put32(b, (uint32_t)imm);
    }
}

void x64_emit_sign_extend_ax(X64Buf *b, bool w64)
{
    if (!room(b))
        return;
    if (w64)
        put8(b, 0x48);
    put8(b, 0x99);
}

void x64_emit_ext_rr(X64Buf *b, X64Size from, bool sign, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    switch (from) {
    case X64_S8:
        op_rr(b, (sign ? (P_0F | 0xBE | wflag(w64)) : (P_0F | 0xB6)) | P_BYTE_RM, dst, src);
        break;
    case X64_S16:
        op_rr(b, sign ? (P_0F | 0xBF | wflag(w64)) : (P_0F | 0xB7), dst, src);
        break;
    case X64_S32:
        if (sign && w64)
            op_rr(b, 0x63 | P_REXW, dst, src);   /* movsxd */
        else
            op_rr(b, 0x89, src, dst);            /* mov r32, r32 zero-extends */
        break;
    default:
        op_rr(b, 0x89 | P_REXW, src, dst);
        break;
    }
}

void x64_emit_setcc(X64Buf *b, X64Cond cc, X64Reg dst)
{
    if (!room(b))
        return;
    op_rr(b, P_0F | (0x90u + cc) | P_BYTE_RM, 0, dst);
}

void x64_emit_cmov(X64Buf *b, X64Cond cc, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    op_rr(b, P_0F | (0x40u + cc) | wflag(w64), dst, src);
}

void x64_emit_bswap(X64Buf *b, bool w64, X64Reg r)
{
    if (!room(b))
        return;
    op_plus_reg(b, P_0F | 0xC8 | wflag(w64), r);
}

void x64_emit_bitscan(X64Buf *b, bool reverse, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    op_rr(b, P_0F | (reverse ? 0xBD : 0xBC) | wflag(w64), dst, src);
}

void x64_emit_popcnt(X64Buf *b, bool w64, X64Reg dst, X64Reg src)
{
    if (!room(b))
        return;
    op_rr(b, P_F3 | P_0F | 0xB8 | wflag(w64), dst, src);
}

size_t x64_emit_jcc32(X64Buf *b, X64Cond cc)
{
    if (!room(b))
        return 0;
    put8(b, 0x0F);
    put8(b, (uint8_t)(0x80 + cc));
    put32(b, 0);
    return b->len - 4;
}

size_t x64_emit_jmp32(X64Buf *b)
{
    if (!room(b))
        return 0;
    put8(b, 0xE9);
    put32(b, 0);
    return b->len - 4;
}

size_t x64_emit_call32(X64Buf *b)
{
    if (!room(b))
        return 0;
    put8(b, 0xE8);
    put32(b, 0);
    return b->len - 4;
}

size_t x64_emit_jcc8(X64Buf *b, X64Cond cc)
{
    if (!room(b))
        return 0;
    put8(b, (uint8_t)(0x70 + cc));
    put8(b, 0);
    return b->len - 1;
}

size_t x64_emit_jmp8(X64Buf *b)
{
    if (!room(b))
        return 0;
    put8(b, 0xEB);
    put8(b, 0);
    return b->len - 1;
}

void x64_patch_rel32(X64Buf *b, size_t field, size_t target)
{
    if (b->overflow)
        return;
    int64_t rel = (int64_t)target - (int64_t)(field + 4);
    uint32_t v = (uint32_t)(int32_t)rel;
    memcpy(b->code + field, &v, 4);
}

void x64_patch_rel8(X64Buf *b, size_t field, size_t target)
{
    if (b->overflow)
        return;
    int64_t rel = (int64_t)target - (int64_t)(field + 1);
    /* Short jumps are only used over sequences of a few instructions. */
    assert(x64_fits_i8(rel));
    b->code[field] = (uint8_t)(int8_t)rel;
}

void x64_emit_call_r(X64Buf *b, X64Reg r)
{
    if (!room(b))
        return;
    op_rr(b, 0xFF, 2, r);
}

void x64_emit_jmp_r(X64Buf *b, X64Reg r)
{
    if (!room(b))
        return;
    op_rr(b, 0xFF, 4, r);
}

void x64_emit_push(X64Buf *b, X64Reg r)
{
    if (!room(b))
        return;
    op_plus_reg(b, 0x50, r);
}

void x64_emit_pop(X64Buf *b, X64Reg r)
{
    if (!room(b))
        return;
    op_plus_reg(b, 0x58, r);
}

void x64_emit_ret(X64Buf *b)
{
    if (!room(b))
        return;
    put8(b, 0xC3);
}

void x64_emit_mfence(X64Buf *b)
{
    if (!room(b))
        return;
    put8(b, 0x0F);
    put8(b, 0xAE);
    put8(b, 0xF0);
}

void x64_emit_nop(X64Buf *b, unsigned n)
{
    /* The recommended multi-byte NOP sequences (SDM vol. 2B, NOP). */
    static const uint8_t nops[9][9] = {
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0F, 0x1F, 0x00 },
        { 0x0F, 0x1F, 0x40, 0x00 },
        { 0x0F, 0x1F, 0x44, 0x00, 0x00 },
        { 0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00 },
        { 0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
        { 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };
    if (n == 0 || !room(b))
        return;
    assert(n <= 9);
    memcpy(b->code + b->len, nops[n - 1], n);
    b->len += n;
}
