/*
 * Stack instructions: PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE.
 *
 * Precision: every load and store of an instruction happens before it
 * writes ESP or any other register, so a fault in the middle (a push
 * into an unmapped page, the fifth store of PUSHA) leaves the registers
 * as they were before the instruction.
 *
 * The SDM's special cases: PUSH ESP pushes the value before the push;
 * POP ESP leaves ESP = the popped value; POP into memory addressed
 * through ESP computes the address with ESP already incremented.
 */
#include <stddef.h>

#include "targets/i386/helper.h"
#include "targets/i386/translate-core.h"

#define REG(r) I386_TEMP_REG(r)

void i386_trans_push(I386DisasContext *s, const I386Insn *insn)
{
    gen_push(s, s->dflag, gen_load_operand(s, insn, 0));
}

void i386_trans_pop(I386DisasContext *s, const I386Insn *insn)
{
    unsigned ot = s->dflag;
    IRTemp v = gen_pop_load(s, ot);
    IRTemp new_esp = gen_esp_plus(s, 1u << ot);
    if (insn->op[0].kind == I386_OPK_MEM) {
        gen_st(s, ot, gen_lea_esp(s, insn, new_esp, 1u << ot, I386_ACC_W), v);
        ir_gen_mov(s->base.f, IR_I32, REG(R_ESP), new_esp);
    } else {
        ir_gen_mov(s->base.f, IR_I32, REG(R_ESP), new_esp);
        gen_store_reg(s, ot, insn->op[0].reg, v);
    }
}

/* PUSHA: EAX ECX EDX EBX (original) ESP EBP ESI EDI, EAX highest. */
void i386_trans_pusha(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    unsigned ot = s->dflag;
    uint32_t size = 1u << ot;
    for (int r = 0; r < 8; r++) {
        IRTemp slot = gen_esp_plus(s, -(uint32_t)((r + 1) * size));
        gen_st(s, ot, gen_stack_addr(s, slot, size, I386_ACC_W), REG(r));
    }
    ir_gen_mov(s->base.f, IR_I32, REG(R_ESP), gen_esp_plus(s, -(8 * size)));
}

/* POPA: the reverse; the saved ESP is read but skipped.  The slots are read from
 * ESP upwards (EDI first), as hardware pops them, so a fault reports the
 * lowest unreadable slot; and each register is written as soon as it is
 * read, since the host CPU (an AMD EPYC, the reference) leaves the
 * registers popped before a faulting slot changed (found by the
 * differential fuzzer). */
void i386_trans_popa(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    unsigned ot = s->dflag;
    uint32_t size = 1u << ot;
    for (int r = 7; r >= 0; r--) {
        IRTemp slot = gen_esp_plus(s, (uint32_t)(7 - r) * size);
        IRTemp v = gen_ld(s, ot, gen_stack_addr(s, slot, size, I386_ACC_R), false);
        /* The saved ESP is read (it can fault: the hour-long fuzzer run,
         * seed 4246 sequence 13,534,295) but not written. */
        if (r != R_ESP)
            gen_store_reg(s, ot, r, v);
    }
    ir_gen_mov(s->base.f, IR_I32, REG(R_ESP), gen_esp_plus(s, 8 * size));
}

/* PUSHF: EFLAGS with RF and VM read as 0 (SDM vol. 2, PUSHF). */
void i386_trans_pushf(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRFunc *f = s->base.f;
    IRTemp fl = gen_temp(s);
    ir_gen_ld_env(f, IR_I32, fl, (int32_t)offsetof(I386CPU, eflags), IR_MO_32);
    ir_gen_op2i(f, IR_OP_and, IR_I32, fl, fl, ~(uint32_t)(I386_CC_MASK | I386_RF | I386_VM));
    ir_gen_op2(f, IR_OP_or, IR_I32, fl, fl, gen_compute_eflags(s));
    gen_push(s, s->dflag, fl);
}

/* POPF at CPL 3: IOPL and IF keep their values (helper_write_eflags).
 * TF and AC change the translation flags: the block ends. */
void i386_trans_popf(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    unsigned ot = s->dflag;
    IRTemp v = gen_pop_load(s, ot);
    gen_esp_add(s, 1u << ot);
    gen_update_cc_op(s);
    gen_helper(s, (void *)helper_write_eflags, IR_CALL_NO_RAISE, IR_TEMP_NONE, 3,
               IR_TEMP_ENV, v, gen_const(s, ot == IR_MO_32 ? 0xffffffffu : 0xffffu));
    s->cc_op = CC_OP_EFLAGS;   /* the helper wrote cc_op and cc_src */
    s->cc_op_dirty = false;
    gen_end_block(s);
}

/* ENTER imm16, imm8 (SDM vol. 2, ENTER): push EBP, copy level - 1 frame
 * pointers from the old frame, push the new frame pointer, then
 * allocate imm16 bytes. */
void i386_trans_enter(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned ot = s->dflag;
    uint32_t size = 1u << ot;
    uint32_t alloc = insn->op[0].imm & 0xffff;
    unsigned level = insn->op[1].imm & 31;

    IRTemp frame = gen_esp_plus(s, -size);   /* ESP after pushing EBP */
    gen_st(s, ot, gen_stack_addr(s, frame, size, I386_ACC_W), REG(R_EBP));
    if (level > 0) {
        for (unsigned i = 1; i < level; i++) {
            IRTemp src = gen_temp(s);
            ir_gen_op2i(f, IR_OP_sub, IR_I32, src, REG(R_EBP), i * size);
            IRTemp v = gen_ld(s, ot, gen_stack_addr(s, src, size, I386_ACC_R), false);
            IRTemp dst = gen_esp_plus(s, -((i + 1) * size));
            gen_st(s, ot, gen_stack_addr(s, dst, size, I386_ACC_W), v);
        }
        IRTemp last = gen_esp_plus(s, -((level + 1) * size));
        gen_st(s, ot, gen_stack_addr(s, last, size, I386_ACC_W), frame);
    }
    IRTemp new_esp = gen_esp_plus(s, -((level + 1) * size + alloc));
    ir_gen_mov(f, IR_I32, REG(R_ESP), new_esp);
    gen_store_reg(s, ot, R_EBP, frame);
}

/* LEAVE: ESP = EBP (SP = BP with a 16-bit stack), then POP EBP. */
void i386_trans_leave(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    IRFunc *f = s->base.f;
    unsigned ot = s->dflag;
    IRTemp v = gen_ld(s, ot, gen_stack_addr(s, REG(R_EBP), 1u << ot, I386_ACC_R), false);
    IRTemp new_esp = gen_temp(s);
    ir_gen_op2i(f, IR_OP_add, IR_I32, new_esp, REG(R_EBP), 1u << ot);
    if (!s->ss32)
        ir_gen_deposit(f, IR_I32, new_esp, REG(R_ESP), new_esp, 0, 16);
    ir_gen_mov(f, IR_I32, REG(R_ESP), new_esp);
    gen_store_reg(s, ot, R_EBP, v);
}
