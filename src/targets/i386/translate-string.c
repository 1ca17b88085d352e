/*
 * String instructions: MOVS CMPS STOS LODS SCAS (A4-AF), with REP, REPE
 * and REPNE; INS/OUTS (6C-6F) are I/O, privileged at CPL 3: #GP(0).
 *
 * Addressing: the source is DS:ESI (a segment override replaces DS), the
 * destination ES:EDI (never overridden).  With a 16-bit address size
 * the registers are SI, DI and CX and wrap at 64 KiB, keeping their top
 * halves.  After each element ESI/EDI move by the element size, up when
 * DF = 0 and down when DF = 1 (the df global is +1/-1, shifted left by
 * the size's log2 it is the step).
 *
 * INS/OUTS fault before anything else, also with REP and ECX = 0 (as on
 * the host).
 *
 * REP forms.  Each iteration must be interruptible exactly: a fault on
 * element k leaves ECX, ESI and EDI (and, for CMPS/SCAS, the flags) as
 * they were after element k - 1, with EIP at the instruction, as on
 * hardware.  The translation is a loop inside the block:
 *
 *   top:  if (ECX == 0) goto done
 *         one element (loads and stores first, then ESI/EDI/ECX)
 *         REPE/REPNE: if the compare ended the repetition goto done
 *         if (--budget != 0) goto top
 *         goto_tb this instruction      (run it again from a new entry)
 *   done: goto_tb next instruction
 *
 * The registers are globals, which the backends store before every
 * guest access that can fault, so the fault recovery finds them exactly
 * at the element that faulted.  The budget bounds the time between
 * block entries, where exit requests are honoured.
 *
 * Counting.  The instruction counts once, when it completes: the
 * re-entry path gives back the count its entry took, so the count does
 * not depend on how the elements were cut into chunks (one per entry
 * when single-stepping or watching, as hardware traps after each
 * element; REP_BUDGET otherwise), and a replay under gdb counts as the
 * recording did.  Between chunks the count is that of before the
 * instruction, so no instruction limit can stop it there (the limit
 * would have stopped it before it began); rep_pending says a chunk
 * boundary is not an instruction boundary, for record/replay, which
 * takes no asynchronous event there.
 *
 * Flags of REP CMPS/SCAS: the flags after element k - 1 must survive a
 * fault in element k, but the fault recovery puts back the static cc_op
 * recorded by insn_start, which is that of before the instruction.  So
 * the instruction writes the cc_op global itself before the loop and in
 * every element, and its insn_start is marked CC_OP_DYNAMIC ("the global
 * is right"); after the loop cc_op is dynamic.
 */
#include "targets/i386/translate.h"

/* Elements done per block entry before the instruction re-enters itself. */
#define REP_BUDGET 4096

enum { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS };

/* Linear address of DS:ESI (overridable) or ES:EDI, for an element of
 * size ot read or written (acc). */
static IRTemp string_addr(I386DisasContext *s, int reg, unsigned ot, unsigned acc)
{
    int seg = reg == R_ESI ? gen_seg(s, R_DS) : R_ES;
    return gen_seg_addr(s, seg, gen_load_areg(s, reg), 1u << ot, acc);
}

/* The cc_op of the current instruction's insn_start becomes dynamic:
 * the instruction keeps the cc_op global up to date itself. */
static void mark_insn_cc_op_dynamic(I386DisasContext *s)
{
    IRFunc *f = s->base.f;
    for (uint32_t i = f->nb_ops; i-- > 0;) {
        IROp *op = &f->ops[i];
        if (op->opc == IR_OP_insn_start) {
            op->args[1] = CC_OP_DYNAMIC;
            return;
        }
    }
}

/*
 * One element.  For CMPS/SCAS returns the difference (zero-extended at
 * ot), with the flags set; IR_TEMP_NONE otherwise.  write_cc_op: also
 * write the cc_op global (REP forms).
 */
static IRTemp gen_element(I386DisasContext *s, int kind, unsigned ot, bool write_cc_op)
{
    IRFunc *f = s->base.f;
    IRTemp step = gen_temp(s);
    ir_gen_op2i(f, IR_OP_shl, IR_I32, step, I386_TEMP_DF, ot);
    IRTemp diff = IR_TEMP_NONE;

    switch (kind) {
    case STR_MOVS: {
        IRTemp v = gen_ld(s, ot, string_addr(s, R_ESI, ot, I386_ACC_R), false);
        gen_st(s, ot, string_addr(s, R_EDI, ot, I386_ACC_W), v);
        gen_add_areg(s, R_ESI, step);
        gen_add_areg(s, R_EDI, step);
        break;
    }
    case STR_STOS:
        gen_st(s, ot, string_addr(s, R_EDI, ot, I386_ACC_W), gen_load_reg(s, ot, R_EAX));
        gen_add_areg(s, R_EDI, step);
        break;
    case STR_LODS: {
        IRTemp v = gen_ld(s, ot, string_addr(s, R_ESI, ot, I386_ACC_R), false);
        gen_store_reg(s, ot, R_EAX, v);
        gen_add_areg(s, R_ESI, step);
        break;
    }
    case STR_CMPS:
    case STR_SCAS: {
        IRTemp a, b;
        if (kind == STR_CMPS) {
            a = gen_ld(s, ot, string_addr(s, R_ESI, ot, I386_ACC_R), false);
            b = gen_ld(s, ot, string_addr(s, R_EDI, ot, I386_ACC_R), false);
            gen_add_areg(s, R_ESI, step);
        } else {
            a = gen_load_reg(s, ot, R_EAX);
            b = gen_ld(s, ot, string_addr(s, R_EDI, ot, I386_ACC_R), false);
        }
        gen_add_areg(s, R_EDI, step);
        IRTemp d = gen_temp(s);
        ir_gen_op2(f, IR_OP_sub, IR_I32, d, a, b);
        diff = gen_ext(s, ot, d, false);
        gen_set_cc(s, (I386CCOp)(CC_OP_SUBB + ot), diff, b, IR_TEMP_NONE);
        if (write_cc_op)
            gen_update_cc_op(s);
        break;
    }
    }
    return diff;
}

static void gen_rep(I386DisasContext *s, int kind, unsigned ot)
{
    IRFunc *f = s->base.f;
    bool compares = kind == STR_CMPS || kind == STR_SCAS;
    uint32_t top = ir_new_label(f), done = ir_new_label(f);
    IRTemp zero = gen_const(s, 0);
    IRTemp budget = gen_temp(s);

    if (compares) {
        gen_update_cc_op(s);
        mark_insn_cc_op_dynamic(s);
    }
    /* Single-stepping traps after every element, as hardware does. */
    ir_gen_movi(f, IR_I32, budget, (s->step_excp || s->watch) ? 1 : REP_BUDGET);
    ir_gen_set_label(f, top);
    ir_gen_brcond(f, IR_I32, IR_COND_EQ, gen_load_areg(s, R_ECX), zero, done);
    IRTemp diff = gen_element(s, kind, ot, compares);
    gen_add_areg(s, R_ECX, gen_const(s, 0xffffffffu));
    if (compares) {
        /* REPE (F3) stops on a difference, REPNE (F2) on equality. */
        bool repne = s->prefix & I386_PREFIX_REPNZ;
        ir_gen_brcond(f, IR_I32, repne ? IR_COND_EQ : IR_COND_NE, diff, zero, done);
    }
    /* The last element completes the instruction: a step (or the end of
     * the budget) right after it is already past it. */
    ir_gen_brcond(f, IR_I32, IR_COND_EQ, gen_load_areg(s, R_ECX), zero, done);
    ir_gen_op2i(f, IR_OP_sub, IR_I32, budget, budget, 1);
    ir_gen_brcond(f, IR_I32, IR_COND_NE, budget, zero, top);

    /* Both exits below see the same cc_op state: for the compares the
     * global is current (dynamic), for the others it was never touched. */
    if (compares)
        gen_cc_op_dynamic(s);
    I386CCOp cc_op = s->cc_op;
    bool dirty = s->cc_op_dirty;
    /* Not done: give the entry's count back (the low half of the budget
     * only, as a block entry writes it) and say so. */
    IRTemp low = gen_temp(s);
    ir_gen_ld_env(f, IR_I32, low, (int32_t)offsetof(CPUState, budget.u16.low), IR_MO_16);
    ir_gen_op2i(f, IR_OP_add, IR_I32, low, low, 1);
    ir_gen_st_env(f, IR_I32, low, (int32_t)offsetof(CPUState, budget.u16.low), IR_MO_16);
    ir_gen_st_env(f, IR_I32, gen_const(s, 1), (int32_t)offsetof(I386CPU, rep_pending), IR_MO_32);
    gen_jmp(s, s->cur_eip, 0);
    ir_gen_set_label(f, done);
    s->cc_op = cc_op;
    s->cc_op_dirty = dirty;
    ir_gen_st_env(f, IR_I32, zero, (int32_t)offsetof(I386CPU, rep_pending), IR_MO_32);
    gen_jmp(s, s->next_eip, 1);
}

void i386_trans_string(I386DisasContext *s, const I386Insn *insn)
{
    int kind;
    switch (insn->b & ~1) {
    case 0xa4: kind = STR_MOVS; break;
    case 0xa6: kind = STR_CMPS; break;
    case 0xaa: kind = STR_STOS; break;
    case 0xac: kind = STR_LODS; break;
    case 0xae: kind = STR_SCAS; break;
    default:
        gen_privileged(s);   /* INS, OUTS */
        return;
    }
    if (s->prefix & (I386_PREFIX_REPZ | I386_PREFIX_REPNZ))
        gen_rep(s, kind, insn->ot);
    else
        gen_element(s, kind, insn->ot, false);
}
