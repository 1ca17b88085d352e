/*
 * Bit instructions: BT BTS BTR BTC (0F A3 AB B3 BB Ev,Gv and 0F BA /4-/7
 * Ev,Ib), BSF BSR (0F BC BD) and BSWAP (0F C8+r).
 *
 * Bit strings: with a register bit offset and a memory operand, the
 * offset is a signed number that may reach far outside the operand
 * (SDM vol. 2, "BT"): the word or doubleword accessed is at the operand's
 * effective address plus (offset SAR log2(width)) * (width / 8), and the
 * bit is offset mod width.  The displacement is part of the effective
 * address, so with 16-bit addressing it wraps at 64 KiB like the rest.
 * An immediate offset only selects a bit of the operand itself.
 *
 * Flags (host-measured where the SDM leaves them undefined):
 *   BT*        CF = the selected bit before; every other flag unchanged.
 *   BSF BSR    source 0: ZF = PF = 1, the others 0, destination
 *              unchanged; otherwise ZF = 0, PF = parity of the index,
 *              the others 0.  That is exactly CC_OP_LOGICL of a value
 *              that is 0 for a zero source and index | 0x100 otherwise
 *              (non-zero, same low byte, sign clear), so conditions after
 *              BSF/BSR stay lazy.
 *   BSWAP      no flags.  The 16-bit form (undefined) clears the low
 *              word on the host, keeping the high one.
 */
#include "targets/i386/translate.h"

#include "targets/i386/helper-atomic.h"

enum { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

/* The value with the selected bit changed as op says. */
static IRTemp apply_bitop(I386DisasContext *s, int op, IRTemp v, IRTemp mask)
{
    switch (op) {
    case BIT_SET: return gen_op2(s, IR_OP_or, v, mask);
    case BIT_RESET: return gen_op2(s, IR_OP_andc, v, mask);
    default: return gen_op2(s, IR_OP_xor, v, mask);
    }
}

/* Address of the word holding the bit: ea + (offset SAR log2(bits)) *
 * bytes, offset being the sign-extended register. */
static IRTemp bit_string_addr(I386DisasContext *s, const I386Insn *insn, IRTemp offset,
                              unsigned acc)
{
    unsigned ot = insn->ot;
    unsigned log2_bits = ot == IR_MO_16 ? 4 : 5;
    IRTemp words = gen_op2i(s, IR_OP_sar, gen_ext(s, ot, offset, true), log2_bits);
    IRTemp disp = gen_op2i(s, IR_OP_shl, words, ot);
    IRTemp off = gen_op2(s, IR_OP_add, gen_ea_offset(s, &insn->ea), disp);
    if (insn->ea.aflag == IR_MO_16)
        off = gen_ext(s, IR_MO_16, off, false);
    return gen_seg_addr(s, insn->ea.seg, off, 1u << ot, acc);
}

static void gen_bt(I386DisasContext *s, const I386Insn *insn, int op, IRTemp offset,
                   bool bit_string)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    unsigned bits = 8u << ot;
    IRTemp bit = gen_op2i(s, IR_OP_and, offset, bits - 1);
    IRTemp mask = gen_op2(s, IR_OP_shl, gen_const(s, 1), bit);
    IRTemp old;

    if (insn->op[0].kind == I386_OPK_MEM) {
        unsigned acc = op == BIT_TEST ? I386_ACC_R : I386_ACC_RW;
        IRTemp addr = bit_string ? bit_string_addr(s, insn, offset, acc)
                                 : gen_lea(s, insn, 1u << ot, acc);
        if (op != BIT_TEST && (s->prefix & I386_PREFIX_LOCK)) {
            old = gen_temp(s);
            gen_helper(s, (void *)helper_atomic_bitop,
                       IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS, old, 5, IR_TEMP_ENV,
                       addr, mask, gen_const(s, (uint32_t)op), gen_const(s, ot));
        } else {
            old = gen_ld(s, ot, addr, false);
            if (op != BIT_TEST)
                gen_st(s, ot, addr, apply_bitop(s, op, old, mask));
        }
    } else {
        old = gen_load_operand(s, insn, 0);
        if (op != BIT_TEST)
            gen_store_operand(s, insn, 0, apply_bitop(s, op, old, mask));
    }

    IRTemp cf = gen_temp(s);
    ir_gen_op2(f, IR_OP_shr, IR_I32, cf, old, bit);
    IRTemp fl = gen_temp(s);
    ir_gen_deposit(f, IR_I32, fl, gen_compute_eflags(s), cf, 0, 1);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}

/* 0F A3 BT, AB BTS, B3 BTR, BB BTC: Ev,Gv (bits 4:3 of the opcode). */
void i386_trans_bt(I386DisasContext *s, const I386Insn *insn)
{
    gen_bt(s, insn, (insn->b >> 3) & 3, gen_load_operand(s, insn, 1), true);
}

/* 0F BA /4 BT, /5 BTS, /6 BTR, /7 BTC: Ev,Ib. */
void i386_trans_bt_grp8(I386DisasContext *s, const I386Insn *insn)
{
    gen_bt(s, insn, insn->reg - 4, gen_const(s, insn->op[1].imm), false);
}

static void gen_bit_scan(I386DisasContext *s, const I386Insn *insn, bool reverse)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    IRTemp src = gen_load_operand(s, insn, 1);
    IRTemp zero = gen_const(s, 0);
    IRTemp index = gen_temp(s);
    if (reverse) {
        /* src is zero-extended, so 31 - clz is the index at any size. */
        ir_gen_op2(f, IR_OP_clz, IR_I32, index, src, gen_const(s, 32));
        ir_gen_op2(f, IR_OP_sub, IR_I32, index, gen_const(s, 31), index);
    } else {
        ir_gen_op2(f, IR_OP_ctz, IR_I32, index, src, gen_const(s, 0));
    }
    IRTemp dest = gen_load_reg(s, ot, insn->op[0].reg);
    IRTemp res = gen_temp(s);
    ir_gen_movcond(f, IR_I32, IR_COND_EQ, res, src, zero, dest, index);
    gen_store_reg(s, ot, insn->op[0].reg, res);

    IRTemp cc = gen_temp(s);
    ir_gen_movcond(f, IR_I32, IR_COND_EQ, cc, src, zero, zero, gen_op2i(s, IR_OP_or, index, 0x100));
    gen_set_cc(s, CC_OP_LOGICL, cc, IR_TEMP_NONE, IR_TEMP_NONE);
}

void i386_trans_bsf(I386DisasContext *s, const I386Insn *insn)
{
    gen_bit_scan(s, insn, false);
}

void i386_trans_bsr(I386DisasContext *s, const I386Insn *insn)
{
    gen_bit_scan(s, insn, true);
}

/* 0F C8+r BSWAP r32; with 66h the low word becomes 0 (host behaviour). */
void i386_trans_bswap(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    int reg = insn->op[0].reg;
    if (insn->ot == IR_MO_16) {
        gen_store_reg(s, IR_MO_16, reg, gen_const(s, 0));
        return;
    }
    IRTemp t = gen_temp(s);
    ir_gen_op1(f, IR_OP_bswap32, IR_I32, t, I386_TEMP_REG(reg));
    gen_store_reg(s, IR_MO_32, reg, t);
}
