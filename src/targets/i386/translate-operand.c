/*
 * Operands in IR: general registers at 8/16/32 bits, effective addresses
 * with segment bases, guest memory with the alignment check, and the
 * stack.
 *
 * Segment bases are read from the CPU state (ld_env) where they are used,
 * not cached in globals: FS and GS always (TLS), DS ES SS CS only when
 * the block was translated with I386_HF_ADDSEG, i.e. when one of them is
 * non-zero.  In the usual flat user mode an address is the offset alone.
 *
 * Alignment checking (EFLAGS.AC at CPL 3, with CR0.AM set as Linux does):
 * blocks translated with I386_HF_AC test each 16/32-bit access and raise
 * #AC(0) at the instruction for a misaligned one.
 */
#include "targets/i386/translate.h"

#include <stddef.h>

#include "targets/i386/helper.h"
#include "targets/i386/translate-core.h"

#define REG(r) I386_TEMP_REG(r)

IRTemp gen_load_reg(I386DisasContext *s, unsigned ot, int reg)
{
    IRFunc *f = s->base.f;
    IRTemp t = gen_temp(s);
    switch (ot) {
    case IR_MO_8:
        if (reg < 4)
            ir_gen_op1(f, IR_OP_ext8u, IR_I32, t, REG(reg));
        else
            ir_gen_extract(f, IR_OP_extract, IR_I32, t, REG(reg - 4), 8, 8);
        break;
    case IR_MO_16:
        ir_gen_op1(f, IR_OP_ext16u, IR_I32, t, REG(reg));
        break;
    default:
        ir_gen_mov(f, IR_I32, t, REG(reg));
        break;
    }
    return t;
}

void gen_store_reg(I386DisasContext *s, unsigned ot, int reg, IRTemp v)
{
    IRFunc *f = s->base.f;
    switch (ot) {
    case IR_MO_8:
        if (reg < 4)
            ir_gen_deposit(f, IR_I32, REG(reg), REG(reg), v, 0, 8);
        else
            ir_gen_deposit(f, IR_I32, REG(reg - 4), REG(reg - 4), v, 8, 8);
        break;
    case IR_MO_16:
        ir_gen_deposit(f, IR_I32, REG(reg), REG(reg), v, 0, 16);
        break;
    default:
        ir_gen_mov(f, IR_I32, REG(reg), v);
        break;
    }
}

int gen_seg(I386DisasContext *s, int def)
{
    return s->override >= 0 ? s->override : def;
}

/* Segment checks are a helper call: they are only in blocks whose
 * segments are not flat (LDT data segments with a limit, a null FS) or
 * that run one instruction whose access may wrap past 4 GiB (CF_STRICT,
 * see linux-user/fault.c), so their speed does not matter. */
static void gen_seg_check(I386DisasContext *s, int seg, IRTemp offset, unsigned size,
                          unsigned acc)
{
    if (!(s->flags & I386_HF_SEGCHK(seg))) {
        if (!(s->base.tb->cflags & CF_STRICT))
            return;
        /* A flat segment's only limit fault is a wrap past 4 GiB.  An
         * access made in pieces faults on its first piece's page first
         * on the host CPU (the top pages are never mapped): only that
         * piece is checked. */
        if (acc & I386_ACC_PIECES)
            size = 2;
    }
    gen_helper(s, (void *)helper_seg_access, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
               IR_TEMP_NONE, 3, IR_TEMP_ENV,
               gen_const(s, I386_SEG_ACCESS(seg, size, acc & I386_ACC_RW)),
               offset);
}

IRTemp gen_seg_addr(I386DisasContext *s, int seg, IRTemp offset, unsigned size, unsigned acc)
{
    gen_seg_check(s, seg, offset, size, acc);
    if (seg != R_FS && seg != R_GS && !s->addseg)
        return offset;
    IRFunc *f = s->base.f;
    IRTemp base = gen_temp(s);
    IRTemp t = gen_temp(s);
    ir_gen_ld_env(f, IR_I32, base, (int32_t)offsetof(I386CPU, segs[seg].base), IR_MO_32);
    ir_gen_op2(f, IR_OP_add, IR_I32, t, offset, base);
    return t;
}

static IRTemp ea_offset(I386DisasContext *s, const I386Addr *ea, IRTemp esp)
{
    IRFunc *f = s->base.f;
    IRTemp t = gen_const(s, ea->disp);
    if (ea->base >= 0)
        ir_gen_op2(f, IR_OP_add, IR_I32, t, t,
                   ea->base == R_ESP && esp != IR_TEMP_NONE ? esp : REG(ea->base));
    if (ea->index >= 0) {
        IRTemp x = gen_temp(s);
        ir_gen_op2i(f, IR_OP_shl, IR_I32, x, REG(ea->index), ea->scale);
        ir_gen_op2(f, IR_OP_add, IR_I32, t, t, x);
    }
    if (ea->aflag == IR_MO_16)
        ir_gen_op1(f, IR_OP_ext16u, IR_I32, t, t);
    return t;
}

IRTemp gen_ea_offset(I386DisasContext *s, const I386Addr *ea)
{
    return ea_offset(s, ea, IR_TEMP_NONE);
}

IRTemp gen_lea(I386DisasContext *s, const I386Insn *insn, unsigned size, unsigned acc)
{
    return gen_seg_addr(s, insn->ea.seg, ea_offset(s, &insn->ea, IR_TEMP_NONE), size, acc);
}

IRTemp gen_lea_esp(I386DisasContext *s, const I386Insn *insn, IRTemp esp, unsigned size,
                   unsigned acc)
{
    return gen_seg_addr(s, insn->ea.seg, ea_offset(s, &insn->ea, esp), size, acc);
}

/* #AC(0) when addr is not a multiple of the access size. */
static void gen_align_check(I386DisasContext *s, unsigned ot, IRTemp addr)
{
    if (!(s->flags & I386_HF_AC) || ot == IR_MO_8)
        return;
    IRFunc *f = s->base.f;
    uint32_t ok = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_TSTEQ, addr, gen_const(s, (1u << ot) - 1), ok);
    gen_raise(s, I386_EXCP_AC, 0);
    ir_gen_set_label(f, ok);
}

void gen_watch_access(I386DisasContext *s, IRTemp addr, unsigned size, bool write)
{
    if (!s->watch)
        return;
    gen_helper(s, (void *)helper_watch_access,
               IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE,
               IR_TEMP_NONE, 3, IR_TEMP_ENV, addr,
               gen_const(s, size | (write ? I386_WATCH_WRITE : 0)));
}

IRTemp gen_ld(I386DisasContext *s, unsigned ot, IRTemp addr, bool sign)
{
    IRTemp t = gen_temp(s);
    gen_watch_access(s, addr, 1u << ot, false);
    gen_align_check(s, ot, addr);
    ir_gen_guest_ld(s->base.f, IR_I32, t, addr, ot | (sign ? IR_MO_SIGN : 0));
    return t;
}

void gen_st(I386DisasContext *s, unsigned ot, IRTemp addr, IRTemp v)
{
    gen_watch_access(s, addr, 1u << ot, true);
    gen_align_check(s, ot, addr);
    ir_gen_guest_st(s->base.f, IR_I32, v, addr, ot);
}

IRTemp gen_load_operand(I386DisasContext *s, const I386Insn *insn, int i)
{
    const I386Operand *op = &insn->op[i];
    switch (op->kind) {
    case I386_OPK_REG:
        return gen_load_reg(s, op->size, op->reg);
    case I386_OPK_MEM:
        return gen_ld(s, op->size, gen_lea(s, insn, 1u << op->size, I386_ACC_R), false);
    case I386_OPK_SEG: {
        IRTemp t = gen_temp(s);
        ir_gen_ld_env(s->base.f, IR_I32, t,
                      (int32_t)offsetof(I386CPU, segs[op->reg].selector), IR_MO_16);
        return t;
    }
    default:
        return gen_const(s, op->imm);
    }
}

void gen_store_operand_at(I386DisasContext *s, const I386Insn *insn, int i, IRTemp addr,
                          IRTemp v)
{
    const I386Operand *op = &insn->op[i];
    if (op->kind == I386_OPK_MEM)
        gen_st(s, op->size, addr, v);
    else
        gen_store_reg(s, op->size, op->reg, v);
}

void gen_store_operand(I386DisasContext *s, const I386Insn *insn, int i, IRTemp v)
{
    const I386Operand *op = &insn->op[i];
    if (op->kind == I386_OPK_MEM)
        gen_st(s, op->size, gen_lea(s, insn, 1u << op->size, I386_ACC_W), v);
    else
        gen_store_reg(s, op->size, op->reg, v);
}

IRTemp gen_load_areg(I386DisasContext *s, int reg)
{
    return gen_load_reg(s, s->aflag, reg);
}

void gen_add_areg(I386DisasContext *s, int reg, IRTemp delta)
{
    IRTemp t = gen_temp(s);
    ir_gen_op2(s->base.f, IR_OP_add, IR_I32, t, REG(reg), delta);
    gen_store_reg(s, s->aflag, reg, t);
}

/* ---------------------------------------------------------------------
 * The stack: SS:ESP, or SS:SP when SS is a 16-bit segment.
 */
uint32_t gen_stack_mask(I386DisasContext *s)
{
    return s->ss32 ? 0xffffffffu : 0xffffu;
}

IRTemp gen_stack_addr(I386DisasContext *s, IRTemp esp_value, unsigned size, unsigned acc)
{
    IRTemp off = esp_value;
    if (!s->ss32) {
        off = gen_temp(s);
        ir_gen_op1(s->base.f, IR_OP_ext16u, IR_I32, off, esp_value);
    }
    return gen_seg_addr(s, R_SS, off, size, acc);
}

IRTemp gen_esp_plus(I386DisasContext *s, uint32_t delta)
{
    IRFunc *f = s->base.f;
    IRTemp t = gen_temp(s);
    ir_gen_op2i(f, IR_OP_add, IR_I32, t, REG(R_ESP), delta);
    if (!s->ss32)
        ir_gen_deposit(f, IR_I32, t, REG(R_ESP), t, 0, 16);
    return t;
}

void gen_push_addr(I386DisasContext *s, unsigned ot, IRTemp *addr, IRTemp *new_esp)
{
    *new_esp = gen_esp_plus(s, (uint32_t)-(1u << ot));
    *addr = gen_stack_addr(s, *new_esp, 1u << ot, I386_ACC_W);
}

void gen_push(I386DisasContext *s, unsigned ot, IRTemp v)
{
    IRTemp addr, new_esp;
    gen_push_addr(s, ot, &addr, &new_esp);
    gen_st(s, ot, addr, v);
    ir_gen_mov(s->base.f, IR_I32, REG(R_ESP), new_esp);
}

IRTemp gen_pop_load(I386DisasContext *s, unsigned ot)
{
    return gen_ld(s, ot, gen_stack_addr(s, REG(R_ESP), 1u << ot, I386_ACC_R), false);
}

void gen_esp_add(I386DisasContext *s, uint32_t bytes)
{
    ir_gen_mov(s->base.f, IR_I32, REG(R_ESP), gen_esp_plus(s, bytes));
}
