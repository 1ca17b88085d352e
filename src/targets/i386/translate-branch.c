/*
 * Control transfers: Jcc, JMP, CALL, RET (near and far), LOOP/JECXZ,
 * IRET, the software interrupts INT3, INT n, INTO and INT1, BOUND, and
 * the instructions that only raise (#UD, privileged #GP).
 *
 * Direct targets chain through goto_tb (slot 0 taken, slot 1 fall
 * through); indirect ones go through lookup_and_goto.  With a 16-bit
 * operand size the new eip is truncated to 16 bits (the decoder already
 * masks J targets).  Far transfers and IRET are helpers (seg.c), after
 * which the block ends, since CS and the flags may have changed.
 *
 * Software interrupts as Linux presents them to a user program: INT3 and
 * INT 3 are the #BP trap, INTO and INT 4 the #OF trap (both with eip
 * after the instruction), INT 0x80 the system call, INT1 (F1) the #DB
 * trap, and any other INT n a #GP fault with error code (n << 3) | 2
 * (an IDT entry that user code may not call).
 */
#include "targets/i386/helper.h"
#include "targets/i386/translate-core.h"

void i386_trans_jcc(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    I386Cond c = gen_prepare_cc(s, insn->entry->arg);
    uint32_t taken = ir_new_label(f);
    gen_update_cc_op(s);   /* both exits below see the same cc_op */
    ir_gen_brcond(f, IR_I32, c.cond, c.a, c.b, taken);
    gen_jmp(s, s->next_eip, 1);
    ir_gen_set_label(f, taken);
    gen_jmp(s, insn->op[0].imm, 0);
}

/* JMP rel / JMP Ev */
void i386_trans_jmp(I386DisasContext *s, const I386Insn *insn)
{
    if (insn->opcode == 0xff) {
        gen_jmp_temp(s, gen_load_operand(s, insn, 0));
        return;
    }
    gen_jmp(s, insn->op[0].imm, 0);
}

/* CALL rel / CALL Ev: the target is read before the return address is
 * pushed (a fault on either leaves esp unchanged). */
void i386_trans_call(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp target = insn->opcode == 0xff ? gen_load_operand(s, insn, 0) : IR_TEMP_NONE;
    gen_push(s, s->dflag, gen_const(s, s->next_eip));
    if (target != IR_TEMP_NONE)
        gen_jmp_temp(s, target);
    else
        gen_jmp(s, insn->op[0].imm, 0);
}

/* RET / RET imm16: pop eip (16-bit operand size: IP, zero-extended), then
 * release imm16 more bytes. */
void i386_trans_ret(I386DisasContext *s, const I386Insn *insn)
{
    uint32_t imm = insn->nb_ops ? insn->op[0].imm : 0;
    IRTemp eip = gen_pop_load(s, s->dflag);
    gen_esp_add(s, (1u << s->dflag) + imm);
    gen_jmp_temp(s, eip);
}

/* LOOPNE (arg 0), LOOPE (1), LOOP (2), JECXZ (3): the count register is
 * CX or ECX by address size. */
void i386_trans_loop(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned kind = insn->entry->arg;
    uint32_t taken = ir_new_label(f), not_taken = ir_new_label(f);
    IRTemp zero = gen_const(s, 0);

    if (kind == 3) {
        IRTemp cx = gen_load_areg(s, R_ECX);
        gen_update_cc_op(s);
        ir_gen_brcond(f, IR_I32, IR_COND_EQ, cx, zero, taken);
    } else {
        /* The ZF test reads the flags before anything changes. */
        IRTemp zf = IR_TEMP_NONE;
        if (kind < 2)
            zf = gen_cond(s, JCC_Z);
        gen_add_areg(s, R_ECX, gen_const(s, 0xffffffffu));
        IRTemp cx = gen_load_areg(s, R_ECX);
        gen_update_cc_op(s);
        if (kind < 2) {
            /* LOOPNE continues while ZF = 0, LOOPE while ZF = 1. */
            ir_gen_brcond(f, IR_I32, IR_COND_EQ, cx, zero, not_taken);
            ir_gen_brcond(f, IR_I32, kind == 0 ? IR_COND_EQ : IR_COND_NE, zf, zero, taken);
        } else {
            ir_gen_brcond(f, IR_I32, IR_COND_NE, cx, zero, taken);
        }
    }
    ir_gen_set_label(f, not_taken);
    gen_jmp(s, s->next_eip, 1);
    ir_gen_set_label(f, taken);
    gen_jmp(s, insn->op[0].imm, 0);
}

/* A far pointer operand: offset (operand size) and selector. */
static void load_far_ptr(I386DisasContext *s, const I386Insn *insn, IRTemp *sel,
                         IRTemp *off)
{
    const I386Operand *op = &insn->op[0];
    if (op->kind == I386_OPK_FAR) {
        *off = gen_const(s, op->imm);
        *sel = gen_const(s, op->sel);
        return;
    }
    IRTemp addr = gen_lea(s, insn, (1u << s->dflag) + 2, I386_ACC_R);
    IRTemp addr2 = gen_temp(s);
    *off = gen_ld(s, s->dflag, addr, false);
    ir_gen_op2i(s->base.f, IR_OP_add, IR_I32, addr2, addr, 1u << s->dflag);
    *sel = gen_ld(s, IR_MO_16, addr2, false);
}

void i386_trans_ljmp(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp sel, off;
    load_far_ptr(s, insn, &sel, &off);
    gen_update_cc_op(s);
    gen_helper(s, (void *)helper_ljmp, 0, IR_TEMP_NONE, 3, IR_TEMP_ENV, sel, off);
    gen_jmp_temp(s, I386_TEMP_EIP);
}

void i386_trans_lcall(I386DisasContext *s, const I386Insn *insn)
{
    IRTemp sel, off;
    load_far_ptr(s, insn, &sel, &off);
    gen_update_cc_op(s);
    gen_helper(s, (void *)helper_lcall, 0, IR_TEMP_NONE, 5, IR_TEMP_ENV, sel, off,
               gen_const(s, s->next_eip), gen_const(s, s->dflag));
    gen_jmp_temp(s, I386_TEMP_EIP);
}

void i386_trans_lret(I386DisasContext *s, const I386Insn *insn)
{
    uint32_t imm = insn->nb_ops ? insn->op[0].imm : 0;
    gen_update_cc_op(s);
    gen_helper(s, (void *)helper_lret, 0, IR_TEMP_NONE, 3, IR_TEMP_ENV,
               gen_const(s, s->dflag), gen_const(s, imm));
    gen_jmp_temp(s, I386_TEMP_EIP);
}

void i386_trans_iret(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_update_cc_op(s);
    gen_helper(s, (void *)helper_iret, 0, IR_TEMP_NONE, 2, IR_TEMP_ENV,
               gen_const(s, s->dflag));
    /* EFLAGS came from the stack: cc_op is CC_OP_EFLAGS in the CPU, and
     * TF or AC may have changed, so back to the loop for new hflags. */
    s->cc_op = CC_OP_EFLAGS;
    s->cc_op_dirty = false;
    gen_update_cc_op(s);
    ir_gen_exit_tb(s->base.f);
    s->base.is_jmp = DISAS_NORETURN;
}

void i386_trans_int3(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_trap(s, I386_EXCP_BP);
}

void i386_trans_int1(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_trap(s, I386_EXCP_DB);
}

void i386_trans_int(I386DisasContext *s, const I386Insn *insn)
{
    unsigned n = insn->op[0].imm & 0xff;
    switch (n) {
    case 0x80:
        gen_trap(s, I386_EXCP_SYSCALL);
        break;
    case 3:
        gen_trap(s, I386_EXCP_BP);
        break;
    case 4:
        gen_trap(s, I386_EXCP_OF);
        break;
    default:
        gen_exception_err(s, I386_EXCP_GP, n << 3 | 2);
        break;
    }
}

/* INTO: the #OF trap when OF is set, else nothing; ends the block either
 * way, as a trap must be its block's last instruction. */
void i386_trans_into(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRFunc *f = s->base.f;
    I386Cond c = gen_prepare_cc(s, JCC_NO);
    uint32_t skip = ir_new_label(f);
    gen_update_cc_op(s);
    ir_gen_brcond(f, IR_I32, c.cond, c.a, c.b, skip);
    gen_trap_at(s, I386_EXCP_OF, gen_const(s, s->next_eip));
    ir_gen_set_label(f, skip);
    gen_jmp(s, s->next_eip, 0);
}

/* BOUND Gv,Ma: #BR (a fault) unless lower <= index <= upper, signed. */
void i386_trans_bound(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned ot = s->dflag;
    IRTemp addr = gen_lea(s, insn, 2u << ot, I386_ACC_R);
    IRTemp addr2 = gen_temp(s);
    ir_gen_op2i(f, IR_OP_add, IR_I32, addr2, addr, 1u << ot);
    IRTemp lo = gen_ld(s, ot, addr, true);
    IRTemp hi = gen_ld(s, ot, addr2, true);
    IRTemp idx = gen_ext(s, ot, I386_TEMP_REG(insn->op[0].reg), true);
    uint32_t bad = ir_new_label(f), ok = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_LT, idx, lo, bad);
    ir_gen_brcond(f, IR_I32, IR_COND_LE, idx, hi, ok);
    ir_gen_set_label(f, bad);
    gen_raise(s, I386_EXCP_BR, 0);
    ir_gen_set_label(f, ok);
}

void i386_trans_ud(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_illegal(s);
}

void i386_trans_priv(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    gen_privileged(s);
}
