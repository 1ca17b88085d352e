/*
 * Segment register instructions: MOV to and from Sreg, PUSH/POP Sreg,
 * LDS/LES/LFS/LGS/LSS, ARPL, LAR/LSL/VERR/VERW, and the descriptor table
 * register stores SGDT/SIDT/SLDT/STR/SMSW as Linux emulates them.
 *
 * Loads go through helper_load_seg (seg.c), which checks the descriptor
 * and raises #GP/#NP/#SS at the instruction.  Loading DS, ES or SS can
 * change the translation flags (ADDSEG, SS32), so the block ends after
 * it; FS and GS bases are read at each use, so their loads need not.
 */
#include <stddef.h>

#include "targets/i386/helper.h"
#include "targets/i386/translate-core.h"

static IRTemp gen_load_selector(I386DisasContext *s, int seg)
{
    IRTemp t = gen_temp(s);
    ir_gen_ld_env(s->base.f, IR_I32, t, (int32_t)offsetof(I386CPU, segs[seg].selector),
                  IR_MO_16);
    return t;
}

/* Emits the load of segment seg with the selector in sel. */
static void gen_load_seg(I386DisasContext *s, int seg, IRTemp sel)
{
    gen_helper(s, (void *)helper_load_seg, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
               IR_TEMP_NONE, 3, IR_TEMP_ENV, gen_const(s, (uint32_t)seg), sel);
}

/* After a load of seg: end the block when hflags may have changed. */
static void gen_after_seg_load(I386DisasContext *s, int seg)
{
    if (seg != R_FS && seg != R_GS)
        gen_end_block(s);
}

/* MOV SS and POP SS (not LSS) hold off the single-step trap until the
 * instruction after them has run, so that a stack switch (MOV SS; MOV
 * ESP) cannot be interrupted in between (SDM vol. 3, 6.8.3).  The
 * reference host then takes one trap, after that next instruction, as
 * it would for it alone: with TF set the block (its only instruction)
 * ends without the trap and the next block single-steps as usual. */
static void gen_ss_load_shadow(I386DisasContext *s, int seg)
{
    if (seg == R_SS && s->step_excp == I386_EXCP_DB)
        s->step_excp = 0;
}

/* MOV Ev,Sw: a register destination gets the selector zero-extended
 * (P6 and later), memory always 16 bits. */
void i386_trans_mov_from_seg(I386DisasContext *s, const I386Insn *insn)
{
    int seg = insn->op[1].reg;
    if (seg >= I386_NB_SEGS) {
        gen_illegal(s);
        return;
    }
    IRTemp v = gen_load_selector(s, seg);
    if (insn->op[0].kind == I386_OPK_MEM)
        gen_st(s, IR_MO_16, gen_lea(s, insn, 2, I386_ACC_W), v);
    else
        gen_store_reg(s, s->dflag, insn->op[0].reg, v);
}

/* MOV Sw,Ew: CS cannot be loaded this way (#UD). */
void i386_trans_mov_to_seg(I386DisasContext *s, const I386Insn *insn)
{
    int seg = insn->op[0].reg;
    if (seg >= I386_NB_SEGS || seg == R_CS) {
        gen_illegal(s);
        return;
    }
    gen_load_seg(s, seg, gen_load_operand(s, insn, 1));
    gen_ss_load_shadow(s, seg);
    gen_after_seg_load(s, seg);
}

/* PUSH Sreg: the SDM allows a 32-bit push to write the selector
 * zero-extended or only its 16 bits; the reference host (and mimic)
 * writes all 32 bits, zero-extended. */
void i386_trans_push_seg(I386DisasContext *s, const I386Insn *insn)
{
    gen_push(s, s->dflag, gen_load_selector(s, insn->op[0].reg));
}

void i386_trans_pop_seg(I386DisasContext *s, const I386Insn *insn)
{
    int seg = insn->op[0].reg;
    IRTemp v = gen_pop_load(s, s->dflag);
    gen_load_seg(s, seg, v);
    gen_esp_add(s, 1u << s->dflag);
    gen_ss_load_shadow(s, seg);
    gen_after_seg_load(s, seg);
}

/* LDS/LES/LFS/LGS/LSS Gv,Mp: offset then selector in memory; the
 * segment is loaded (and checked) before the register is written. */
void i386_trans_lxs(I386DisasContext *s, const I386Insn *insn)
{
    int seg = insn->entry->arg;
    IRTemp addr = gen_lea(s, insn, (1u << s->dflag) + 2, I386_ACC_R);
    IRTemp addr2 = gen_temp(s);
    IRTemp off = gen_ld(s, s->dflag, addr, false);
    ir_gen_op2i(s->base.f, IR_OP_add, IR_I32, addr2, addr, 1u << s->dflag);
    IRTemp sel = gen_ld(s, IR_MO_16, addr2, false);
    gen_load_seg(s, seg, sel);
    gen_store_reg(s, s->dflag, insn->op[0].reg, off);
    gen_after_seg_load(s, seg);
}

/* ARPL Ew,Gw: raises the destination's RPL to the source's; ZF says
 * whether it did.  The destination is written only then. */
void i386_trans_arpl(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    IRTemp addr = insn->op[0].kind == I386_OPK_MEM ? gen_lea(s, insn, 2, I386_ACC_RW)
                                                   : IR_TEMP_NONE;
    IRTemp d = addr != IR_TEMP_NONE ? gen_ld(s, IR_MO_16, addr, false)
                                    : gen_load_reg(s, IR_MO_16, insn->op[0].reg);
    IRTemp src = gen_load_operand(s, insn, 1);
    IRTemp drpl = gen_temp(s), srpl = gen_temp(s), lower = gen_temp(s);
    ir_gen_op2i(f, IR_OP_and, IR_I32, drpl, d, 3);
    ir_gen_op2i(f, IR_OP_and, IR_I32, srpl, src, 3);
    ir_gen_setcond(f, IR_I32, IR_COND_LTU, lower, drpl, srpl);

    IRTemp fl = gen_compute_eflags(s);
    IRTemp zf = gen_temp(s);
    ir_gen_op2i(f, IR_OP_and, IR_I32, fl, fl, ~(uint32_t)I386_ZF);
    ir_gen_op2i(f, IR_OP_shl, IR_I32, zf, lower, 6);
    ir_gen_op2(f, IR_OP_or, IR_I32, fl, fl, zf);

    uint32_t skip = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_EQ, lower, gen_const(s, 0), skip);
    IRTemp nv = gen_temp(s);
    ir_gen_op2i(f, IR_OP_and, IR_I32, nv, d, ~3u);
    ir_gen_op2(f, IR_OP_or, IR_I32, nv, nv, srpl);
    gen_store_operand_at(s, insn, 0, addr, nv);
    ir_gen_set_label(f, skip);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}

/* ZF = ok (0/1); the other flags keep their values. */
static void gen_set_zf(I386DisasContext *s, IRTemp ok)
{
    IRFunc *f = s->base.f;
    IRTemp fl = gen_compute_eflags(s);
    IRTemp zf = gen_temp(s);
    ir_gen_op2i(f, IR_OP_and, IR_I32, fl, fl, ~(uint32_t)I386_ZF);
    ir_gen_op2i(f, IR_OP_shl, IR_I32, zf, ok, 6);
    ir_gen_op2(f, IR_OP_or, IR_I32, fl, fl, zf);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, fl, IR_TEMP_NONE);
}

static IRTemp gen_seg_check(I386DisasContext *s, IRTemp sel, uint32_t op)
{
    IRTemp ok = gen_temp(s);
    gen_helper(s, (void *)helper_seg_check, IR_CALL_PURE, ok, 3, IR_TEMP_ENV, sel,
               gen_const(s, op));
    return ok;
}

/* LAR/LSL Gv,Ew (arg = I386_SEGCHK_LAR or _LSL): the destination is
 * written (at the operand size) only when the selector passes. */
void i386_trans_lar_lsl(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    uint32_t op = (uint32_t)insn->entry->arg;
    IRTemp sel = gen_load_operand(s, insn, 1);
    IRTemp ok = gen_seg_check(s, sel, op);
    IRTemp v = gen_temp(s);
    gen_helper(s, (void *)helper_seg_info, IR_CALL_PURE, v, 3, IR_TEMP_ENV, sel,
               gen_const(s, op));
    gen_set_zf(s, ok);
    uint32_t skip = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_EQ, ok, gen_const(s, 0), skip);
    gen_store_reg(s, s->dflag, insn->op[0].reg, v);
    ir_gen_set_label(f, skip);
}

/* VERR/VERW Ew (arg = I386_SEGCHK_VERR or _VERW): ZF only. */
void i386_trans_verx(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp sel = gen_load_operand(s, insn, 0);
    gen_set_zf(s, gen_seg_check(s, sel, (uint32_t)insn->entry->arg));
}

/*
 * SGDT, SIDT, SMSW, SLDT, STR at CPL 3.  The CPU that Linux runs on has
 * CR4.UMIP set, so on hardware these raise #GP; the kernel then emulates
 * them for 32-bit processes (arch/x86/kernel/umip.c behaviour, measured
 * on the reference host) with fixed values that reveal nothing of the
 * kernel: a descriptor table register of limit 0 and base 0xfffe0000
 * (GDT) or 0xffff0000 (IDT), a machine status word of 0x80050033 (PG,
 * AM, WP, NE, ET, MP, PE), LDTR 0 and TR 0x40 (the kernel's TSS
 * selector).  The program sees only the values, so mimic (CPU and
 * kernel at once) stores them directly.  SGDT/SIDT store 6 bytes
 * whatever the operand size; the others store 16 bits to memory and
 * the operand size to a register (the upper half of a 32-bit register
 * gets the value's upper bits, 16-bit ones keep theirs).
 */
void i386_trans_umip_store(I386DisasContext *s, const I386Insn *insn)
{
    static const uint32_t table_base[] = { [UMIP_SGDT] = 0xfffe0000u,
                                           [UMIP_SIDT] = 0xffff0000u };
    static const uint32_t value[] = { [UMIP_SMSW] = 0x80050033u, [UMIP_SLDT] = 0,
                                      [UMIP_STR] = 0x40 };
    IRFunc *f = s->base.f;
    int which = insn->entry->arg;
    if (which == UMIP_SGDT || which == UMIP_SIDT) {
        IRTemp addr = gen_lea(s, insn, 6, I386_ACC_W);
        IRTemp addr2 = gen_temp(s);
        ir_gen_op2i(f, IR_OP_add, IR_I32, addr2, addr, 2);
        gen_st(s, IR_MO_16, addr, gen_const(s, 0));
        gen_st(s, IR_MO_32, addr2, gen_const(s, table_base[which]));
    } else if (insn->op[0].kind == I386_OPK_MEM) {
        gen_st(s, IR_MO_16, gen_lea(s, insn, 2, I386_ACC_W), gen_const(s, value[which]));
    } else {
        gen_store_reg(s, s->dflag, insn->op[0].reg, gen_const(s, value[which]));
    }
}
