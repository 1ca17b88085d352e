/*
 * Multiplication and division: MUL/IMUL F6/F7 /4 /5 (one operand:
 * AX = AL * r/m8, DX:AX = AX * r/m16, EDX:EAX = EAX * r/m32), IMUL
 * 0F AF / 69 / 6B (a truncated product into a register) and DIV/IDIV
 * F6/F7 /6 /7.
 *
 * Flags (the SDM defines CF and OF of multiplication only; the rest is
 * the host's behaviour, measured with tests/oracle/):
 *   MUL IMUL   CF = OF = the product does not fit the destination
 *              (MUL: the high half is not zero; IMUL: the product is not
 *              the sign extension of its low half); SF ZF AF PF keep
 *              their values.
 *   DIV IDIV   CF and OF keep their values; AF = 1, SF = ZF = PF = 0.
 * Both keep some old flags, so the old flags are computed (and deleted
 * again by liveness when nobody reads the new ones) and the result is
 * CC_OP_EFLAGS.
 *
 * Division faults with #DE at the instruction when the divisor is 0 or
 * the quotient does not fit (IDIV: also INT_MIN / -1).  The quotient is
 * computed first (IR division never traps), the check raises, and only
 * then are registers and flags written, so a fault changes nothing.
 * 32-bit division divides the 64-bit EDX:EAX in IR_I64.
 */
#include "targets/i386/translate.h"

#define REG(r) I386_TEMP_REG(r)

static const uint32_t keep_on_mul = I386_SF | I386_ZF | I386_AF | I386_PF;

static IRTemp setcond(I386DisasContext *s, IRCond c, IRTemp a, IRTemp b)
{
    IRTemp t = gen_temp(s);
    ir_gen_setcond(s->base.f, IR_I32, c, t, a, b);
    return t;
}

/* Multiplication flags: CF = OF = overflow (0/1), the rest kept. */
static void gen_mul_flags(I386DisasContext *s, IRTemp old, IRTemp overflow)
{
    IRFunc *f = s->base.f;
    IRTemp fl = gen_op2i(s, IR_OP_and, old, keep_on_mul);
    IRTemp cfof = gen_op2i(s, IR_OP_mul, overflow, I386_CF | I386_OF);
    ir_gen_op2(f, IR_OP_or, IR_I32, fl, fl, cfof);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}

/*
 * The product of a and b (zero-extended from ot) at ot, truncated to ot
 * in *lo, and the high half in *hi; *overflow = 1 when it does not fit
 * (signed or unsigned as asked).
 */
static void gen_product(I386DisasContext *s, unsigned ot, bool sign, IRTemp a, IRTemp b,
                        IRTemp *lo, IRTemp *hi, IRTemp *overflow)
{
    IRFunc *f = s->base.f;
    if (ot == IR_MO_32) {
        *lo = gen_temp(s);
        *hi = gen_temp(s);
        ir_gen_mul2(f, sign ? IR_OP_muls2 : IR_OP_mulu2, IR_I32, *lo, *hi, a, b);
        IRTemp ext = sign ? gen_op2i(s, IR_OP_sar, *lo, 31) : gen_const(s, 0);
        *overflow = setcond(s, IR_COND_NE, *hi, ext);
        return;
    }
    unsigned bits = 8u << ot;
    IRTemp p = gen_op2(s, IR_OP_mul, gen_ext(s, ot, a, sign), gen_ext(s, ot, b, sign));
    *lo = gen_ext(s, ot, p, false);
    *hi = gen_ext(s, ot, gen_op2i(s, IR_OP_shr, p, bits), false);
    /* Fits when the 32-bit product equals its own low part extended. */
    *overflow = setcond(s, IR_COND_NE, p, gen_ext(s, ot, p, sign));
}

/* F6/F7 /4 MUL, /5 IMUL: the accumulator times r/m. */
void i386_trans_mul_grp3(I386DisasContext *s, const I386Insn *insn)
{
    unsigned ot = insn->ot;
    bool sign = insn->reg == 5;
    IRTemp src = gen_load_operand(s, insn, 0);
    IRTemp old = gen_compute_eflags(s);
    IRTemp lo, hi, overflow;
    gen_product(s, ot, sign, gen_load_reg(s, ot, R_EAX), src, &lo, &hi, &overflow);
    if (ot == IR_MO_8) {
        IRTemp ax = gen_temp(s);
        ir_gen_deposit(s->base.f, IR_I32, ax, lo, hi, 8, 8);
        gen_store_reg(s, IR_MO_16, R_EAX, ax);
    } else {
        gen_store_reg(s, ot, R_EAX, lo);
        gen_store_reg(s, ot, R_EDX, hi);
    }
    gen_mul_flags(s, old, overflow);
}

/* 0F AF IMUL Gv,Ev; 69 IMUL Gv,Ev,Iz; 6B IMUL Gv,Ev,Ibs. */
void i386_trans_imul(I386DisasContext *s, const I386Insn *insn)
{
    unsigned ot = insn->ot;
    IRTemp a, b;
    if (insn->nb_ops >= 3) {
        a = gen_load_operand(s, insn, 1);
        b = gen_const(s, insn->op[2].imm);
    } else {
        a = gen_load_operand(s, insn, 0);
        b = gen_load_operand(s, insn, 1);
    }
    IRTemp old = gen_compute_eflags(s);
    IRTemp lo, hi, overflow;
    gen_product(s, ot, true, a, b, &lo, &hi, &overflow);
    gen_store_reg(s, ot, insn->op[0].reg, lo);
    gen_mul_flags(s, old, overflow);
}

/* Raises #DE at the instruction when bad (0/1) is set. */
static void gen_divide_check(I386DisasContext *s, IRTemp bad)
{
    IRFunc *f = s->base.f;
    uint32_t ok = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_EQ, bad, gen_const(s, 0), ok);
    gen_raise(s, I386_EXCP_DE, 0);
    ir_gen_set_label(f, ok);
}

/* 8- and 16-bit division: the dividend (AX or DX:AX) fits in 32 bits. */
static void gen_div_narrow(I386DisasContext *s, unsigned ot, bool sign, IRTemp divisor,
                           IRTemp *q_out, IRTemp *r_out)
{
    IRFunc *f = s->base.f;
    IRTemp dividend;
    if (ot == IR_MO_8) {
        dividend = gen_load_reg(s, IR_MO_16, R_EAX);
        if (sign)
            dividend = gen_ext(s, IR_MO_16, dividend, true);
    } else {
        dividend = gen_temp(s);
        ir_gen_deposit(f, IR_I32, dividend, REG(R_EAX), REG(R_EDX), 16, 16);
    }
    IRTemp d = gen_ext(s, ot, divisor, sign);
    IRTemp q = gen_op2(s, sign ? IR_OP_divs : IR_OP_divu, dividend, d);
    IRTemp r = gen_op2(s, sign ? IR_OP_rems : IR_OP_remu, dividend, d);
    /* The quotient must survive truncation to ot (as signed for IDIV). */
    IRTemp bad = setcond(s, IR_COND_NE, q, gen_ext(s, ot, q, sign));
    IRTemp zero = setcond(s, IR_COND_EQ, d, gen_const(s, 0));
    gen_divide_check(s, gen_op2(s, IR_OP_or, bad, zero));
    *q_out = gen_ext(s, ot, q, false);
    *r_out = gen_ext(s, ot, r, false);
}

/* 32-bit division of EDX:EAX in 64 bits. */
static void gen_div_wide(I386DisasContext *s, bool sign, IRTemp divisor, IRTemp *q_out,
                         IRTemp *r_out)
{
    IRFunc *f = s->base.f;
    IRTemp hi = ir_new_temp(f, IR_I64), dividend = ir_new_temp(f, IR_I64);
    IRTemp d = ir_new_temp(f, IR_I64);
    IRTemp q = ir_new_temp(f, IR_I64), r = ir_new_temp(f, IR_I64);
    IRTemp qx = ir_new_temp(f, IR_I64);

    ir_gen_op1(f, IR_OP_ext32u, IR_I64, dividend, REG(R_EAX));
    ir_gen_op1(f, IR_OP_ext32u, IR_I64, hi, REG(R_EDX));
    ir_gen_op2i(f, IR_OP_shl, IR_I64, hi, hi, 32);
    ir_gen_op2(f, IR_OP_or, IR_I64, dividend, dividend, hi);
    ir_gen_op1(f, sign ? IR_OP_ext32s : IR_OP_ext32u, IR_I64, d, divisor);
    ir_gen_op2(f, sign ? IR_OP_divs : IR_OP_divu, IR_I64, q, dividend, d);
    ir_gen_op2(f, sign ? IR_OP_rems : IR_OP_remu, IR_I64, r, dividend, d);

    *q_out = gen_temp(s);
    *r_out = gen_temp(s);
    ir_gen_op1(f, IR_OP_extrl, IR_I32, *q_out, q);
    ir_gen_op1(f, IR_OP_extrl, IR_I32, *r_out, r);
    /* Fits when q is the 64-bit extension of its low half. */
    ir_gen_op1(f, sign ? IR_OP_ext32s : IR_OP_ext32u, IR_I64, qx, *q_out);
    IRTemp bad = gen_temp(s);
    ir_gen_setcond(f, IR_I64, IR_COND_NE, bad, q, qx);
    IRTemp zero = setcond(s, IR_COND_EQ, divisor, gen_const(s, 0));
    gen_divide_check(s, gen_op2(s, IR_OP_or, bad, zero));
}

/* F6/F7 /6 DIV, /7 IDIV. */
void i386_trans_div(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    bool sign = insn->reg == 7;
    IRTemp divisor = gen_load_operand(s, insn, 0);
    IRTemp old = gen_compute_eflags(s);
    IRTemp q, r;
    if (ot == IR_MO_32)
        gen_div_wide(s, sign, divisor, &q, &r);
    else
        gen_div_narrow(s, ot, sign, divisor, &q, &r);

    if (ot == IR_MO_8) {
        IRTemp ax = gen_temp(s);
        ir_gen_deposit(f, IR_I32, ax, q, r, 8, 8);
        gen_store_reg(s, IR_MO_16, R_EAX, ax);
    } else {
        gen_store_reg(s, ot, R_EAX, q);
        gen_store_reg(s, ot, R_EDX, r);
    }
    IRTemp fl = gen_op2i(s, IR_OP_and, old, I386_CF | I386_OF);
    ir_gen_op2i(f, IR_OP_or, IR_I32, fl, fl, I386_AF);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}
