/*
 * Integer ALU instructions: ADD OR ADC SBB AND SUB XOR CMP in every form,
 * INC DEC NOT NEG TEST, CMOVcc, SETcc and SALC.
 *
 * Each computes its result at 32 bits from zero-extended operands and
 * saves the operands for the lazy flags (translate.h); the store of the
 * result comes before the flag update, so a faulting store leaves the
 * flags as they were.  With a LOCK prefix the read-modify-write happens
 * in helper_lock_rmw (helper-lock.c), atomically on host memory, and the
 * result and flags are computed here from the old value it returns.
 */
#include "targets/i386/helper.h"
#include "targets/i386/translate-core.h"

static bool is_locked(I386DisasContext *s)
{
    return s->prefix & I386_PREFIX_LOCK;
}

/* old value of [addr], after applying lop with val atomically. */
static IRTemp gen_lock_rmw(I386DisasContext *s, IRTemp addr, IRTemp val, unsigned lop,
                           unsigned ot)
{
    IRTemp old = gen_temp(s);
    gen_helper(s, (void *)helper_lock_rmw, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
               old, 5, IR_TEMP_ENV, addr, val, gen_const(s, lop), gen_const(s, ot));
    return old;
}

static const IROpcode alu_ir_op[8] = {
    [ALU_ADD] = IR_OP_add, [ALU_OR] = IR_OP_or,   [ALU_ADC] = IR_OP_add,
    [ALU_SBB] = IR_OP_sub, [ALU_AND] = IR_OP_and, [ALU_SUB] = IR_OP_sub,
    [ALU_XOR] = IR_OP_xor, [ALU_CMP] = IR_OP_sub,
};

static const unsigned alu_lock_op[8] = {
    [ALU_ADD] = I386_LOCK_ADD, [ALU_OR] = I386_LOCK_OR,   [ALU_ADC] = I386_LOCK_ADD,
    [ALU_SBB] = I386_LOCK_SUB, [ALU_AND] = I386_LOCK_AND, [ALU_SUB] = I386_LOCK_SUB,
    [ALU_XOR] = I386_LOCK_XOR, [ALU_CMP] = I386_LOCK_SUB,
};

void i386_trans_alu(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned op = insn->entry->arg, ot = insn->ot;
    const I386Operand *d = &insn->op[0], *src = &insn->op[1];

    /* XOR r,r and SUB r,r: zero with constant flags, no dependency on r. */
    if ((op == ALU_XOR || op == ALU_SUB) && d->kind == I386_OPK_REG &&
        src->kind == I386_OPK_REG && d->reg == src->reg) {
        gen_store_reg(s, ot, d->reg, gen_const(s, 0));
        gen_set_cc_op(s, CC_OP_CLR);
        return;
    }

    IRTemp b = gen_load_operand(s, insn, 1);
    IRTemp cf = IR_TEMP_NONE;
    /* ADC/SBB add or subtract b + CF: the sum wraps like the result. */
    IRTemp bc = b;
    if (op == ALU_ADC || op == ALU_SBB) {
        cf = gen_compute_cf(s);
        bc = gen_temp(s);
        ir_gen_op2(f, IR_OP_add, IR_I32, bc, b, cf);
    }

    IRTemp a, r = gen_temp(s);
    if (is_locked(s)) {
        IRTemp addr = gen_lea(s, insn, 1u << ot, I386_ACC_RW);
        a = gen_lock_rmw(s, addr, bc, alu_lock_op[op], ot);
        ir_gen_op2(f, alu_ir_op[op], IR_I32, r, a, bc);
    } else {
        IRTemp addr = IR_TEMP_NONE;
        if (d->kind == I386_OPK_MEM) {
            addr = gen_lea(s, insn, 1u << ot, op == ALU_CMP ? I386_ACC_R : I386_ACC_RW);
            a = gen_ld(s, ot, addr, false);
        } else {
            a = gen_load_operand(s, insn, 0);
        }
        ir_gen_op2(f, alu_ir_op[op], IR_I32, r, a, bc);
        if (op != ALU_CMP)
            gen_store_operand_at(s, insn, 0, addr, r);
    }

    switch (op) {
    case ALU_ADD:
        gen_set_cc(s, CC_OP_ADDB + ot, r, b, IR_TEMP_NONE);
        break;
    case ALU_ADC:
        gen_set_cc(s, CC_OP_ADCB + ot, r, b, cf);
        break;
    case ALU_SBB:
        gen_set_cc(s, CC_OP_SBBB + ot, r, b, cf);
        break;
    case ALU_SUB:
    case ALU_CMP:
        gen_set_cc(s, CC_OP_SUBB + ot, r, b, IR_TEMP_NONE);
        s->cc_srcT = a;   /* zero-extended and never written again */
        break;
    default:
        gen_set_cc(s, CC_OP_LOGICB + ot, r, IR_TEMP_NONE, IR_TEMP_NONE);
        break;
    }
}

/* Read-modify-write of operand 0 with `op` and constant `val`, locked
 * or not; returns the old value, the new one in *res. */
static IRTemp gen_rmw_const(I386DisasContext *s, const I386Insn *insn, IROpcode op,
                            unsigned lop, uint32_t val, IRTemp *res)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    IRTemp a, r = gen_temp(s), v = gen_const(s, val);
    if (is_locked(s)) {
        a = gen_lock_rmw(s, gen_lea(s, insn, 1u << ot, I386_ACC_RW), v, lop, ot);
        if (op == IR_OP_neg)
            ir_gen_op1(f, IR_OP_neg, IR_I32, r, a);
        else
            ir_gen_op2(f, op, IR_I32, r, a, v);
    } else {
        IRTemp addr = IR_TEMP_NONE;
        if (insn->op[0].kind == I386_OPK_MEM) {
            addr = gen_lea(s, insn, 1u << ot, I386_ACC_RW);
            a = gen_ld(s, ot, addr, false);
        } else {
            a = gen_load_operand(s, insn, 0);
        }
        if (op == IR_OP_neg)
            ir_gen_op1(f, IR_OP_neg, IR_I32, r, a);
        else
            ir_gen_op2(f, op, IR_I32, r, a, v);
        gen_store_operand_at(s, insn, 0, addr, r);
    }
    *res = r;
    return a;
}

void i386_trans_incdec(I386DisasContext *s, const I386Insn *insn)
{
    bool dec = insn->entry->arg;
    /* INC/DEC keep CF: save it before this instruction's flags. */
    IRTemp cf = gen_compute_cf(s);
    IRTemp r;
    gen_rmw_const(s, insn, dec ? IR_OP_sub : IR_OP_add, dec ? I386_LOCK_SUB : I386_LOCK_ADD,
                  1, &r);
    gen_set_cc(s, (dec ? CC_OP_DECB : CC_OP_INCB) + insn->ot, r, cf, IR_TEMP_NONE);
}

void i386_trans_not(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp r;
    uint32_t mask = insn->ot == IR_MO_32 ? 0xffffffffu : (1u << (8u << insn->ot)) - 1;
    gen_rmw_const(s, insn, IR_OP_xor, I386_LOCK_XOR, mask, &r);
}

void i386_trans_neg(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp r;
    IRTemp a = gen_rmw_const(s, insn, IR_OP_neg, I386_LOCK_NEG, 0, &r);
    /* 0 - a: the SUB flags with first operand 0. */
    gen_set_cc(s, CC_OP_SUBB + insn->ot, r, a, IR_TEMP_NONE);
}

void i386_trans_test(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp a = gen_load_operand(s, insn, 0);
    IRTemp b = gen_load_operand(s, insn, 1);
    IRTemp r = gen_temp(s);
    ir_gen_op2(s->base.f, IR_OP_and, IR_I32, r, a, b);
    gen_set_cc(s, CC_OP_LOGICB + insn->ot, r, IR_TEMP_NONE, IR_TEMP_NONE);
}

/* CMOVcc Gv,Ev: the source is read (and may fault) whatever the
 * condition; a 32-bit destination is written only when it holds. */
void i386_trans_cmov(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp src = gen_load_operand(s, insn, 1);
    IRTemp old = gen_load_reg(s, insn->op[0].size, insn->op[0].reg);
    I386Cond c = gen_prepare_cc(s, insn->entry->arg);
    IRTemp r = gen_temp(s);
    ir_gen_movcond(s->base.f, IR_I32, c.cond, r, c.a, c.b, src, old);
    gen_store_reg(s, insn->op[0].size, insn->op[0].reg, r);
}

void i386_trans_setcc(I386DisasContext *s, const I386Insn *insn)
{
    gen_store_operand(s, insn, 0, gen_cond(s, insn->entry->arg));
}

/* SALC (D6, undocumented): AL = CF ? 0xff : 0, flags unchanged. */
void i386_trans_salc(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRTemp t = gen_temp(s);
    ir_gen_op1(s->base.f, IR_OP_neg, IR_I32, t, gen_compute_cf(s));
    gen_store_reg(s, IR_MO_8, R_EAX, t);
}
