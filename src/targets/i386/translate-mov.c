/*
 * Data movement and flag instructions: MOV, MOVZX/MOVSX, LEA, XCHG, NOP,
 * CBW/CWDE, CWD/CDQ, LAHF/SAHF, CLC/STC/CMC/CLD/STD, XLAT, and CPUID and
 * RDTSC, which only fill registers.
 */
#include <stddef.h>

#include "targets/i386/helper.h"
#include "targets/i386/translate-core.h"

void i386_trans_mov(I386DisasContext *s, const I386Insn *insn)
{
    gen_store_operand(s, insn, 0, gen_load_operand(s, insn, 1));
}

/* MOVZX/MOVSX Gv,Eb/Ew: arg 1 = sign-extend. */
void i386_trans_movx(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp v = gen_load_operand(s, insn, 1);
    if (insn->entry->arg)
        v = gen_ext(s, insn->op[1].size, v, true);
    gen_store_operand(s, insn, 0, v);
}

/* LEA Gv,M: the offset at the address size, truncated to the operand
 * size; no segment, no memory access. */
void i386_trans_lea(I386DisasContext *s, const I386Insn *insn)
{
    gen_store_operand(s, insn, 0, gen_ea_offset(s, &insn->ea));
}

/* XCHG: with a memory operand it is locked whether or not LOCK is
 * written (SDM vol. 2, XCHG). */
void i386_trans_xchg(I386DisasContext *s, const I386Insn *insn)
{
    unsigned ot = insn->ot;
    const I386Operand *d = &insn->op[0];
    IRTemp b = gen_load_operand(s, insn, 1);
    if (d->kind == I386_OPK_MEM) {
        IRTemp old = gen_temp(s);
        gen_helper(s, (void *)helper_lock_rmw,
                   IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS, old, 5, IR_TEMP_ENV,
                   gen_lea(s, insn, 1u << ot, I386_ACC_RW), b, gen_const(s, I386_LOCK_XCHG),
                   gen_const(s, ot));
        gen_store_operand(s, insn, 1, old);
        return;
    }
    IRTemp a = gen_load_operand(s, insn, 0);
    gen_store_operand(s, insn, 0, b);
    gen_store_operand(s, insn, 1, a);
}

void i386_trans_nop(I386DisasContext *s, const I386Insn *insn)
{
    (void)s;
    (void)insn;
}

/* CBW (AX = sext AL) / CWDE (EAX = sext AX). */
void i386_trans_cbw(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    unsigned half = s->dflag == IR_MO_32 ? IR_MO_16 : IR_MO_8;
    IRTemp v = gen_ext(s, half, I386_TEMP_REG(R_EAX), true);
    gen_store_reg(s, s->dflag, R_EAX, v);
}

/* CWD (DX = sign of AX) / CDQ (EDX = sign of EAX). */
void i386_trans_cwd(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRTemp v = gen_ext(s, s->dflag, I386_TEMP_REG(R_EAX), true);
    ir_gen_op2i(s->base.f, IR_OP_sar, IR_I32, v, v, 31);
    gen_store_reg(s, s->dflag, R_EDX, v);
}

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. */
void i386_trans_lahf(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRTemp fl = gen_compute_eflags(s);
    ir_gen_op2i(s->base.f, IR_OP_and, IR_I32, fl, fl, 0xd5);
    ir_gen_op2i(s->base.f, IR_OP_or, IR_I32, fl, fl, 0x02);
    gen_store_reg(s, IR_MO_8, 4 /* AH */, fl);
}

/* SAHF: SF ZF AF PF CF from AH; OF unchanged. */
void i386_trans_sahf(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRFunc *f = s->base.f;
    IRTemp of = gen_compute_eflags(s);
    ir_gen_op2i(f, IR_OP_and, IR_I32, of, of, I386_OF);
    IRTemp ah = gen_load_reg(s, IR_MO_8, 4 /* AH */);
    ir_gen_op2i(f, IR_OP_and, IR_I32, ah, ah, I386_SF | I386_ZF | I386_AF | I386_PF | I386_CF);
    ir_gen_op2(f, IR_OP_or, IR_I32, ah, ah, of);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, ah, IR_TEMP_NONE);
}

void gen_set_df(I386DisasContext *s, bool set)
{
    IRFunc *f = s->base.f;
    IRTemp fl = gen_temp(s);
    int32_t off = (int32_t)offsetof(I386CPU, eflags);
    ir_gen_movi(f, IR_I32, I386_TEMP_DF, set ? 0xffffffffu : 1);
    ir_gen_ld_env(f, IR_I32, fl, off, IR_MO_32);
    if (set)
        ir_gen_op2i(f, IR_OP_or, IR_I32, fl, fl, I386_DF);
    else
        ir_gen_op2i(f, IR_OP_and, IR_I32, fl, fl, ~(uint32_t)I386_DF);
    ir_gen_st_env(f, IR_I32, fl, off, IR_MO_32);
}

/* CMC, CLC, STC (arg = opcode) change CF; CLD, STD change DF. */
void i386_trans_flagop(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned opc = insn->entry->arg;
    if (opc == 0xfc || opc == 0xfd) {
        gen_set_df(s, opc == 0xfd);
        return;
    }
    IRTemp fl = gen_compute_eflags(s);
    if (opc == 0xf5)
        ir_gen_op2i(f, IR_OP_xor, IR_I32, fl, fl, I386_CF);
    else if (opc == 0xf8)
        ir_gen_op2i(f, IR_OP_and, IR_I32, fl, fl, ~(uint32_t)I386_CF);
    else
        ir_gen_op2i(f, IR_OP_or, IR_I32, fl, fl, I386_CF);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}

/* XLAT: AL = [seg:(E)BX + AL], DS by default. */
void i386_trans_xlat(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRFunc *f = s->base.f;
    IRTemp off = gen_temp(s);
    ir_gen_op2(f, IR_OP_add, IR_I32, off, I386_TEMP_REG(R_EBX),
               gen_load_reg(s, IR_MO_8, R_EAX));
    if (s->aflag == IR_MO_16)
        ir_gen_op1(f, IR_OP_ext16u, IR_I32, off, off);
    IRTemp addr = gen_seg_addr(s, gen_seg(s, R_DS), off, 1, I386_ACC_R);
    gen_store_reg(s, IR_MO_8, R_EAX, gen_ld(s, IR_MO_8, addr, false));
}

void i386_trans_cpuid(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_helper(s, (void *)helper_cpuid, IR_CALL_NO_RAISE, IR_TEMP_NONE, 1, IR_TEMP_ENV);
}

void i386_trans_rdtsc(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_helper(s, (void *)helper_rdtsc, IR_CALL_NO_RAISE | IR_CALL_NO_READ_GLOBALS,
               IR_TEMP_NONE, 1, IR_TEMP_ENV);
    /* Last in its block, so the helper knows the exact instruction count
     * (-icount's clock, replay-virtual-clock.h). */
    gen_end_block(s);
}
