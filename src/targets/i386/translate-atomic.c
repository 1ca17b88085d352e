/*
 * XADD (0F C0 C1), CMPXCHG (0F B0 B1) and CMPXCHG8B (0F C7 /1).
 *
 * With a LOCK prefix and a memory operand the read-modify-write is one
 * host atomic operation on the guest's memory (helper-atomic.c), since
 * guest threads are host threads.  Without LOCK, memory is loaded and
 * stored in IR like any read-modify-write.  CMPXCHG8B always uses the
 * atomic helper: it is almost always locked, and a 64-bit compare in IR
 * would be longer than the call.
 *
 * Order, for precise faults: the memory access (which may fault) first,
 * then the registers, then the flags.
 *
 * Flags: XADD as ADD; CMPXCHG as CMP accumulator,destination (lazy SUB);
 * CMPXCHG8B sets ZF and keeps the others.
 */
#include "targets/i386/translate.h"

#include "targets/i386/helper-atomic.h"

#define REG(r) I386_TEMP_REG(r)

static const unsigned atomic_call_flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS;

static bool locked_memory(I386DisasContext *s, const I386Insn *insn)
{
    return insn->op[0].kind == I386_OPK_MEM && (s->prefix & I386_PREFIX_LOCK);
}

/* XADD Eb,Gb / Ev,Gv: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. */
void i386_trans_xadd(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    IRTemp src = gen_load_operand(s, insn, 1);
    IRTemp dest, sum = gen_temp(s);

    if (locked_memory(s, insn)) {
        dest = gen_temp(s);
        gen_helper(s, (void *)helper_atomic_xadd, atomic_call_flags, dest, 4, IR_TEMP_ENV,
                   gen_lea(s, insn, 1u << ot, I386_ACC_RW), src, gen_const(s, ot));
        ir_gen_op2(f, IR_OP_add, IR_I32, sum, dest, src);
        gen_store_operand(s, insn, 1, dest);
    } else if (insn->op[0].kind == I386_OPK_MEM) {
        IRTemp addr = gen_lea(s, insn, 1u << ot, I386_ACC_RW);
        dest = gen_ld(s, ot, addr, false);
        ir_gen_op2(f, IR_OP_add, IR_I32, sum, dest, src);
        gen_st(s, ot, addr, sum);
        gen_store_operand(s, insn, 1, dest);
    } else {
        /* Source first: with the same register twice the sum wins. */
        dest = gen_load_operand(s, insn, 0);
        ir_gen_op2(f, IR_OP_add, IR_I32, sum, dest, src);
        gen_store_operand(s, insn, 1, dest);
        gen_store_operand(s, insn, 0, sum);
    }
    gen_set_cc(s, (I386CCOp)(CC_OP_ADDB + ot), gen_ext(s, ot, sum, false), src,
               IR_TEMP_NONE);
}

/* CMPXCHG Eb,Gb / Ev,Gv: compare the accumulator with DEST; equal:
 * DEST = SRC, else the accumulator = DEST.  Hardware writes DEST in both
 * cases (the old value back when they differ). */
void i386_trans_cmpxchg(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    IRTemp acc = gen_load_reg(s, ot, R_EAX);
    IRTemp src = gen_load_operand(s, insn, 1);
    IRTemp old, newv = gen_temp(s);

    if (locked_memory(s, insn)) {
        old = gen_temp(s);
        gen_helper(s, (void *)helper_atomic_cmpxchg, atomic_call_flags, old, 5, IR_TEMP_ENV,
                   gen_lea(s, insn, 1u << ot, I386_ACC_RW), acc, src, gen_const(s, ot));
    } else if (insn->op[0].kind == I386_OPK_MEM) {
        IRTemp addr = gen_lea(s, insn, 1u << ot, I386_ACC_RW);
        old = gen_ld(s, ot, addr, false);
        ir_gen_movcond(f, IR_I32, IR_COND_EQ, newv, old, acc, src, old);
        gen_st(s, ot, addr, newv);
    } else {
        old = gen_load_operand(s, insn, 0);
    }
    /* The accumulator before the destination: when the destination is
     * the accumulator itself the compare succeeds and SRC must win. */
    IRTemp new_acc = gen_temp(s);
    ir_gen_movcond(f, IR_I32, IR_COND_EQ, new_acc, old, acc, acc, old);
    gen_store_reg(s, ot, R_EAX, new_acc);
    if (insn->op[0].kind != I386_OPK_MEM) {
        ir_gen_movcond(f, IR_I32, IR_COND_EQ, newv, old, acc, src, old);
        gen_store_operand(s, insn, 0, newv);
    }
    IRTemp diff = gen_temp(s);
    ir_gen_op2(f, IR_OP_sub, IR_I32, diff, acc, old);
    gen_set_cc(s, (I386CCOp)(CC_OP_SUBB + ot), gen_ext(s, ot, diff, false), old, IR_TEMP_NONE);
}

/* EDX:EAX as one 64-bit value (or ECX:EBX). */
static IRTemp pair64(I386DisasContext *s, int hi, int lo)
{
    IRFunc *f = s->base.f;
    IRTemp v = ir_new_temp(f, IR_I64), h = ir_new_temp(f, IR_I64);
    ir_gen_op1(f, IR_OP_ext32u, IR_I64, v, REG(lo));
    ir_gen_op1(f, IR_OP_ext32u, IR_I64, h, REG(hi));
    ir_gen_op2i(f, IR_OP_shl, IR_I64, h, h, 32);
    ir_gen_op2(f, IR_OP_or, IR_I64, v, v, h);
    return v;
}

/* CMPXCHG8B m64: compare EDX:EAX with m64; equal: ZF = 1, m64 = ECX:EBX;
 * else ZF = 0, EDX:EAX = m64. */
void i386_trans_cmpxchg8b(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    if (!insn->mem) {
        gen_illegal(s);
        return;
    }
    IRTemp expected = pair64(s, R_EDX, R_EAX);
    IRTemp old = ir_new_temp(f, IR_I64);
    IRTemp args[4] = { IR_TEMP_ENV, gen_lea(s, insn, 8, I386_ACC_RW), expected,
                       pair64(s, R_ECX, R_EBX) };
    ir_gen_call(f, (void *)helper_atomic_cmpxchg8b, atomic_call_flags, IR_I64, old, 4, args);

    IRTemp eq = gen_temp(s);
    ir_gen_setcond(f, IR_I64, IR_COND_EQ, eq, old, expected);
    IRTemp lo = gen_temp(s), hi = gen_temp(s);
    ir_gen_op1(f, IR_OP_extrl, IR_I32, lo, old);
    ir_gen_op1(f, IR_OP_extrh, IR_I32, hi, old);
    /* When equal, old is EDX:EAX already: writing it back is a no-op. */
    ir_gen_mov(f, IR_I32, REG(R_EAX), lo);
    ir_gen_mov(f, IR_I32, REG(R_EDX), hi);

    IRTemp fl = gen_temp(s);
    ir_gen_deposit(f, IR_I32, fl, gen_compute_eflags(s), eq, 6, 1);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}
