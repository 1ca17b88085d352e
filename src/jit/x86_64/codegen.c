/*
 * x86-64 code for the IR's control, memory and call ops, and the
 * dispatcher (see codegen.h).
 *
 * What these ops must guarantee beyond their arithmetic:
 *   - basic-block ends (br, brcond, set_label's fall-through) leave every
 *     global in env and every live normal temp in its frame slot, since
 *     the code at a label assumes nothing about registers;
 *   - block exits leave every global in env (normal temps are dead);
 *   - ops that may raise (guest_ld/guest_st, most helper calls) find every
 *     global in env, because state recovery after a fault reads it there;
 *   - a compare's flags are consumed by the very next instruction, so all
 *     register allocation for the op happens before the compare.
 */
#include "jit/x86_64/codegen.h"

#include <stddef.h>

#include "jit/backend.h"

static bool op_w64(const IROp *op)
{
    return op->type == IR_I64;
}

void x64_gen_reloc(X64Gen *g, size_t field, uintptr_t target)
{
    if (g->buf.overflow)
        return;
    if (g->nb_relocs == g->max_relocs) {
        g->error = JIT_ERR_TOO_BIG;
        return;
    }
    g->relocs[g->nb_relocs++] = (X64Reloc){ .field = (uint32_t)field, .target = target };
}

static bool rel32_reaches(uintptr_t from, uintptr_t to)
{
    int64_t d = (int64_t)(to - from);
    return x64_fits_i32(d);
}

void x64_gen_call_abs(X64Gen *g, uintptr_t fn)
{
    /* The call may land anywhere in [code_lo, code_hi); a margin covers
     * the instruction's own length. */
    if (rel32_reaches(g->code_lo, fn) && rel32_reaches(g->code_hi + 16, fn)) {
        size_t field = x64_emit_call32(&g->buf);
        x64_gen_reloc(g, field, fn);
    } else {
        x64_emit_mov_ri(&g->buf, X64_RAX, fn);
        x64_emit_call_r(&g->buf, X64_RAX);
    }
}

static void jump_to_exit(X64Gen *g)
{
    x64_gen_reloc(g, x64_emit_jmp32(&g->buf), g->exit_stub);
}

static void label_ref(X64Gen *g, size_t field, uint32_t label)
{
    if (g->buf.overflow)
        return;
    if (g->nb_label_refs == g->max_label_refs || label >= g->f->nb_labels) {
        g->error = JIT_ERR_TOO_BIG;
        return;
    }
    g->label_refs[g->nb_label_refs++] = (X64LabelRef){ .field = (uint32_t)field, .label = label };
}

/* ---- compares ---- */

static const X64Cond cond_cc[IR_COND_COUNT] = {
    [IR_COND_EQ] = X64_CC_E,   [IR_COND_NE] = X64_CC_NE,
    [IR_COND_LT] = X64_CC_L,   [IR_COND_GE] = X64_CC_GE,
    [IR_COND_LE] = X64_CC_LE,  [IR_COND_GT] = X64_CC_G,
    [IR_COND_LTU] = X64_CC_B,  [IR_COND_GEU] = X64_CC_AE,
    [IR_COND_LEU] = X64_CC_BE, [IR_COND_GTU] = X64_CC_A,
    [IR_COND_TSTEQ] = X64_CC_E, [IR_COND_TSTNE] = X64_CC_NE,
};

/* The condition with its operands exchanged: c(a, b) == swapped(b, a). */
static IRCond cond_swapped(IRCond c)
{
    switch (c) {
    case IR_COND_LT:  return IR_COND_GT;
    case IR_COND_GT:  return IR_COND_LT;
    case IR_COND_GE:  return IR_COND_LE;
    case IR_COND_LE:  return IR_COND_GE;
    case IR_COND_LTU: return IR_COND_GTU;
    case IR_COND_GTU: return IR_COND_LTU;
    case IR_COND_GEU: return IR_COND_LEU;
    case IR_COND_LEU: return IR_COND_GEU;
    default:          return c;
    }
}

typedef struct X64Compare {
    IRCond cond;
    X64Reg a;
    X64Opnd b;
} X64Compare;

/* Loads the compared inputs (args[] indices ia, ib); a constant goes on
 * the right, where cmp and test take an immediate. */
static X64Compare compare_load(X64Gen *g, const IROp *op, unsigned ia, unsigned ib, IRCond c)
{
    X64Compare cmp;
    uint64_t v;
    if (x64_ra_const(g, (IRTemp)op->args[ia], &v) && !x64_ra_const(g, (IRTemp)op->args[ib], &v)) {
        unsigned t = ia;
        ia = ib;
        ib = t;
        c = cond_swapped(c);
    }
    cmp.cond = c;
    cmp.b = x64_ra_in_ri(g, (IRTemp)op->args[ib], (IRType)op->type);
    cmp.a = x64_ra_in(g, (IRTemp)op->args[ia]);
    return cmp;
}

/* Emits the compare at the op's width; returns the x86 condition that
 * holds when the IR condition does. */
static X64Cond compare_emit(X64Gen *g, bool w64, const X64Compare *cmp)
{
    X64Buf *b = &g->buf;
    if (cmp->cond == IR_COND_TSTEQ || cmp->cond == IR_COND_TSTNE) {
        if (cmp->b.is_imm)
            x64_emit_test_ri(b, w64, cmp->a, cmp->b.imm);
        else
            x64_emit_test_rr(b, w64, cmp->a, cmp->b.reg);
    } else if (cmp->b.is_imm && cmp->b.imm == 0) {
        /* test sets the flags exactly as cmp with 0 would (CF = OF = 0). */
        x64_emit_test_rr(b, w64, cmp->a, cmp->a);
    } else if (cmp->b.is_imm) {
        x64_emit_alu_ri(b, X64_CMP, w64, cmp->a, cmp->b.imm);
    } else {
        x64_emit_alu_rr(b, X64_CMP, w64, cmp->a, cmp->b.reg);
    }
    return cond_cc[cmp->cond];
}

/* x64_ra_take for an input that is in a register already. */
static X64Reg take_if_in_reg(X64Gen *g, unsigned argi)
{
    const X64TempState *s = &g->temps[g->op->args[argi]];
    if (s->val != X64_VAL_REG)
        return X64_NOREG;
    return x64_ra_take(g, argi, (X64Reg)s->reg);
}

static void gen_setcond(X64Gen *g, const IROp *op)
{
    IRCond c = (IRCond)ir_op_const(op, 0);
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        x64_ra_set_const_out(g, 0, c == IR_COND_ALWAYS);
        x64_ra_free_dead_inputs(g);
        return;
    }
    X64Compare cmp = compare_load(g, op, 1, 2, c);
    /* The compare reads its inputs before setcc writes: a dying input's
     * register can take the result. */
    X64Reg rd = take_if_in_reg(g, 1);
    if (rd == X64_NOREG)
        rd = take_if_in_reg(g, 2);
    if (rd == X64_NOREG)
        rd = x64_ra_alloc(g, X64_ALLOCATABLE);
    X64Cond cc = compare_emit(g, op_w64(op), &cmp);
    x64_emit_setcc(&g->buf, cc, rd);
    x64_emit_ext_rr(&g->buf, X64_S8, false, false, rd, rd);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

static void gen_movcond(X64Gen *g, const IROp *op)
{
    bool w64 = op_w64(op);
    IRCond c = (IRCond)ir_op_const(op, 0);

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        unsigned argi = c == IR_COND_ALWAYS ? 3 : 4;
        X64Reg r = x64_ra_in(g, (IRTemp)op->args[argi]);
        X64Reg rd = x64_ra_out_copy(g, argi, r, w64);
        x64_ra_free_dead_inputs(g);
        x64_ra_bind_out(g, 0, rd);
        return;
    }
    X64Compare cmp = compare_load(g, op, 1, 2, c);
    X64Reg r1 = x64_ra_in(g, ir_op_in(op, 2));
    X64Reg r2 = x64_ra_in(g, ir_op_in(op, 3));
    /* rd = v2 before the compare (mov leaves the flags alone either way),
     * then cmov picks v1. */
    X64Reg rd = x64_ra_out_copy(g, 4, r2, w64);
    X64Cond cc = compare_emit(g, w64, &cmp);
    x64_emit_cmov(&g->buf, cc, w64, rd, r1);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

/* ---- control flow inside the block ---- */

static void gen_set_label(X64Gen *g, const IROp *op)
{
    uint32_t label = (uint32_t)ir_op_const(op, 0);
    if (label >= g->f->nb_labels)
        return;
    /* Without a branch to it, a label is only reached by falling through:
     * the registers are still right. */
    if (g->label_used[label]) {
        if (!g->unreachable)
            x64_ra_bb_end(g, true);
        x64_ra_forget_all(g);
    }
    g->label_pos[label] = (int64_t)g->buf.len;
    g->unreachable = false;
}

static void gen_br(X64Gen *g, uint32_t label)
{
    x64_ra_bb_end(g, true);
    label_ref(g, x64_emit_jmp32(&g->buf), label);
    g->unreachable = true;
}

static void gen_brcond(X64Gen *g, const IROp *op)
{
    IRCond c = (IRCond)ir_op_const(op, 0);
    uint32_t label = (uint32_t)ir_op_const(op, 1);

    if (c == IR_COND_NEVER) {
        x64_ra_free_dead_inputs(g);
        return;
    }
    if (c == IR_COND_ALWAYS) {
        gen_br(g, label);
        x64_ra_free_dead_inputs(g);
        return;
    }
    /* State saved first: the target and the fall-through must agree, and
     * nothing may run between the compare and the jump. */
    x64_ra_bb_end(g, true);
    X64Compare cmp = compare_load(g, op, 0, 1, c);
    X64Cond cc = compare_emit(g, op_w64(op), &cmp);
    label_ref(g, x64_emit_jcc32(&g->buf, cc), label);
    x64_ra_free_dead_inputs(g);
}

/* ---- CPU state and guest memory ---- */

static void gen_ld_env(X64Gen *g, const IROp *op)
{
    int32_t offset = (int32_t)ir_op_const(op, 0);
    unsigned memop = (unsigned)ir_op_const(op, 1);
    X64Size size = (X64Size)(memop & IR_MO_SIZE);

    /* The field may back a global cached in a register. */
    x64_ra_sync_env_range(g, offset, 1u << size);
    X64Reg rd = x64_ra_alloc(g, X64_ALLOCATABLE);
    x64_emit_load(&g->buf, size, (memop & IR_MO_SIGN) != 0, op_w64(op), rd,
                  x64_mem(X64_REG_ENV, offset));
    x64_ra_bind_out(g, 0, rd);
}

static void gen_st_env(X64Gen *g, const IROp *op)
{
    int32_t offset = (int32_t)ir_op_const(op, 0);
    unsigned memop = (unsigned)ir_op_const(op, 1);
    X64Size size = (X64Size)(memop & IR_MO_SIZE);
    X64Mem m = x64_mem(X64_REG_ENV, offset);
    uint64_t v;

    x64_ra_sync_env_range(g, offset, 1u << size);
    if (x64_ra_const(g, ir_op_in(op, 0), &v) &&
        (size != X64_S64 || x64_fits_i32((int64_t)v))) {
        x64_emit_store_imm(&g->buf, size, (int32_t)(uint32_t)v, m);
    } else {
        x64_emit_store(&g->buf, size, x64_ra_in(g, ir_op_in(op, 0)), m);
    }
    /* A global backed by the field now has its value in env only. */
    x64_ra_drop_env_range(g, offset, 1u << size);
    x64_ra_free_dead_inputs(g);
}

/* [guest_base + addr]: a constant address below 2 GiB is a displacement. */
static X64Mem guest_addr(X64Gen *g, unsigned argi, X64Reg *areg)
{
    uint64_t v;
    *areg = X64_NOREG;
    if (x64_ra_const(g, (IRTemp)g->op->args[argi], &v) && v <= INT32_MAX)
        return x64_mem(X64_REG_GUEST_BASE, (int32_t)v);
    *areg = x64_ra_in(g, (IRTemp)g->op->args[argi]);
    return x64_mem_idx(X64_REG_GUEST_BASE, *areg, 0);
}

static void gen_guest_ld(X64Gen *g, const IROp *op)
{
    unsigned memop = (unsigned)ir_op_const(op, 0);
    X64Size size = (X64Size)(memop & IR_MO_SIZE);
    bool sign = (memop & IR_MO_SIGN) != 0;
    bool w64 = op_w64(op);
    X64Buf *b = &g->buf;
    X64Reg areg, rd;

    x64_ra_sync_globals(g);
    X64Mem m = guest_addr(g, 1, &areg);
    /* The load reads the address before writing: a dying address
     * register can receive the value. */
    rd = areg != X64_NOREG ? x64_ra_out_new(g, 1, areg) : x64_ra_alloc(g, X64_ALLOCATABLE);
    if (!(memop & IR_MO_BE) || size == X64_S8) {
        x64_emit_load(b, size, sign, w64, rd, m);
    } else if (size == X64_S16) {
        x64_emit_load(b, X64_S16, false, false, rd, m);
        x64_emit_shift_ri(b, X64_ROL, X64_S16, rd, 8);
        if (sign)
            x64_emit_ext_rr(b, X64_S16, true, w64, rd, rd);
    } else if (size == X64_S32) {
        x64_emit_load(b, X64_S32, false, false, rd, m);
        x64_emit_bswap(b, false, rd);
        if (sign && w64)
            x64_emit_ext_rr(b, X64_S32, true, true, rd, rd);
    } else {
        x64_emit_load(b, X64_S64, false, true, rd, m);
        x64_emit_bswap(b, true, rd);
    }
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

static uint64_t swap_bytes(uint64_t v, X64Size size)
{
    switch (size) {
    case X64_S16: return __builtin_bswap16((uint16_t)v);
    case X64_S32: return __builtin_bswap32((uint32_t)v);
    case X64_S64: return __builtin_bswap64(v);
    default:      return v;
    }
}

static void gen_guest_st(X64Gen *g, const IROp *op)
{
    unsigned memop = (unsigned)ir_op_const(op, 0);
    X64Size size = (X64Size)(memop & IR_MO_SIZE);
    bool be = (memop & IR_MO_BE) && size != X64_S8;
    X64Buf *b = &g->buf;
    X64Reg areg;
    uint64_t v;

    x64_ra_sync_globals(g);
    X64Mem m = guest_addr(g, 1, &areg);
    if (x64_ra_const(g, ir_op_in(op, 0), &v)) {
        if (be)
            v = swap_bytes(v, size);
        if (size != X64_S64 || x64_fits_i32((int64_t)v)) {
            x64_emit_store_imm(b, size, (int32_t)(uint32_t)v, m);
        } else {
            x64_emit_mov_ri(b, X64_REG_SCRATCH, v);
            x64_emit_store(b, size, X64_REG_SCRATCH, m);
        }
        x64_ra_free_dead_inputs(g);
        return;
    }
    X64Reg rv = x64_ra_in(g, ir_op_in(op, 0));
    if (be) {
        x64_emit_mov_rr(b, size == X64_S64, X64_REG_SCRATCH, rv);
        if (size == X64_S16)
            x64_emit_shift_ri(b, X64_ROL, X64_S16, X64_REG_SCRATCH, 8);
        else
            x64_emit_bswap(b, size == X64_S64, X64_REG_SCRATCH);
        x64_emit_store(b, size, X64_REG_SCRATCH, m);
    } else {
        x64_emit_store(b, size, rv, m);
    }
    x64_ra_free_dead_inputs(g);
}

/* ---- helper calls ---- */

static const X64Reg arg_regs[IR_CALL_MAX_ARGS] = {
    X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9,
};

/* Moves register sources into argument registers as one parallel
 * assignment: a move waits while its destination is still another move's
 * source; a cycle is broken through the scratch register. */
static void move_reg_args(X64Gen *g, int src[], unsigned n)
{
    bool done[IR_CALL_MAX_ARGS];
    unsigned left = 0;
    for (unsigned i = 0; i < n; i++) {
        done[i] = src[i] < 0 || src[i] == (int)arg_regs[i];
        left += !done[i];
    }
    while (left) {
        bool progress = false;
        for (unsigned i = 0; i < n; i++) {
            if (done[i])
                continue;
            bool blocked = false;
            for (unsigned j = 0; j < n; j++) {
                if (j != i && !done[j] && src[j] == (int)arg_regs[i])
                    blocked = true;
            }
            if (blocked)
                continue;
            x64_emit_mov_rr(&g->buf, true, arg_regs[i], (X64Reg)src[i]);
            done[i] = true;
            left--;
            progress = true;
        }
        if (!progress) {
            for (unsigned i = 0; i < n; i++) {
                if (done[i])
                    continue;
                x64_emit_mov_rr(&g->buf, true, X64_REG_SCRATCH, arg_regs[i]);
                for (unsigned j = 0; j < n; j++) {
                    if (!done[j] && src[j] == (int)arg_regs[i])
                        src[j] = X64_REG_SCRATCH;
                }
                break;
            }
        }
    }
}

static void gen_call(X64Gen *g, const IROp *op)
{
    uintptr_t fn = (uintptr_t)ir_op_const(op, 0);
    unsigned flags = (unsigned)ir_op_const(op, 1);
    bool may_write = !(flags & IR_CALL_NO_WRITE_GLOBALS);
    bool needs_env = !(flags & IR_CALL_NO_READ_GLOBALS) || !(flags & IR_CALL_NO_RAISE);
    unsigned n = op->nb_in;
    int src[IR_CALL_MAX_ARGS];

    /* A global the helper may overwrite must reach env first too, or
     * dropping its register afterwards would lose the newer value. */
    if (needs_env || may_write)
        x64_ra_sync_globals(g);
    x64_ra_call_save(g, may_write);

    for (unsigned i = 0; i < n; i++) {
        const X64TempState *s = &g->temps[ir_op_in(op, i)];
        src[i] = s->val == X64_VAL_REG ? s->reg : -1;
    }
    move_reg_args(g, src, n);
    for (unsigned i = 0; i < n; i++) {
        const X64TempState *s = &g->temps[ir_op_in(op, i)];
        if (s->val != X64_VAL_REG)
            x64_ra_copy_to(g, ir_op_in(op, i), arg_regs[i]);
    }
    x64_gen_call_abs(g, fn);

    x64_ra_call_clobber(g);
    if (may_write)
        x64_ra_drop_globals(g);
    x64_ra_free_dead_inputs(g);
    if (op->nb_out) {
        /* The ABI leaves bits 63..32 of an int result undefined. */
        if (op->type == IR_I32)
            x64_emit_mov_rr(&g->buf, false, X64_RAX, X64_RAX);
        x64_ra_bind_out(g, 0, X64_RAX);
    }
}

/* ---- block exits ---- */

static void gen_exit_tb(X64Gen *g)
{
    x64_ra_bb_end(g, false);
    x64_emit_alu_rr(&g->buf, X64_XOR, false, X64_RAX, X64_RAX);
    jump_to_exit(g);
    g->unreachable = true;
}

static void gen_goto_tb(X64Gen *g, const IROp *op)
{
    unsigned slot = (unsigned)ir_op_const(op, 0) & 1;
    X64Buf *b = &g->buf;

    x64_ra_bb_end(g, false);
    /* The jump's rel32 is 4-byte aligned so that set_jump can retarget
     * it with one atomic store while other threads may run it. */
    x64_emit_nop(b, (unsigned)(3 - (b->len & 3)));
    size_t field = x64_emit_jmp32(b);
    /* Unchained, the jump goes to the next instruction (rel32 = 0). */
    if (!b->overflow) {
        g->tb->jmp_patch_off[slot] = (uint32_t)field;
        g->tb->jmp_reset_off[slot] = (uint32_t)(field + 4);
    }
    x64_emit_mov_ri(b, X64_RAX, (uintptr_t)g->tb | slot);
    jump_to_exit(g);
    g->unreachable = true;
}

static void gen_lookup_and_goto(X64Gen *g)
{
    X64Buf *b = &g->buf;

    x64_ra_bb_end(g, false);
    x64_emit_mov_rr(b, true, X64_RDI, X64_REG_ENV);
    x64_gen_call_abs(g, (uintptr_t)&tb_lookup_for_jump);
    /* NULL: rax already holds the 0 to return. */
    x64_emit_test_rr(b, true, X64_RAX, X64_RAX);
    x64_gen_reloc(g, x64_emit_jcc32(b, X64_CC_E), g->exit_stub);
    x64_emit_load(b, X64_S64, false, true, X64_RAX,
                  x64_mem(X64_RAX, (int32_t)offsetof(TranslationBlock, host_code)));
    x64_emit_jmp_r(b, X64_RAX);
    g->unreachable = true;
}

static void gen_insn_start(X64Gen *g)
{
    /* Instruction i ends where instruction i + 1 begins. */
    if (g->insn_count > 0 && g->insn_count <= g->f->nb_insns)
        g->insn_end[g->insn_count - 1] = (uint32_t)g->buf.len;
    g->insn_count++;
}

void x64_gen_op(X64Gen *g, const IROp *op)
{
    x64_ra_op_start(g, op);
    switch ((IROpcode)op->opc) {
    case IR_OP_mov:
        x64_gen_mov(g, op);
        break;
    case IR_OP_movi:
        x64_gen_movi(g, op);
        break;
    case IR_OP_add: case IR_OP_sub: case IR_OP_mul:
    case IR_OP_and: case IR_OP_or: case IR_OP_xor: case IR_OP_andc:
        x64_gen_binary(g, op);
        break;
    case IR_OP_neg: case IR_OP_not:
        x64_gen_unary(g, op);
        break;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        x64_gen_shift(g, op);
        break;
    case IR_OP_mulu2: case IR_OP_muls2:
        x64_gen_mul2(g, op);
        break;
    case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
        x64_gen_div(g, op);
        break;
    case IR_OP_ext8s: case IR_OP_ext8u: case IR_OP_ext16s: case IR_OP_ext16u:
    case IR_OP_ext32s: case IR_OP_ext32u: case IR_OP_extrl: case IR_OP_extrh:
        x64_gen_ext(g, op);
        break;
    case IR_OP_setcond:
        gen_setcond(g, op);
        break;
    case IR_OP_movcond:
        gen_movcond(g, op);
        break;
    case IR_OP_deposit: case IR_OP_extract: case IR_OP_sextract:
        x64_gen_bitfield(g, op);
        break;
    case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64:
        x64_gen_bswap(g, op);
        break;
    case IR_OP_clz: case IR_OP_ctz: case IR_OP_popcnt:
        x64_gen_bitcount(g, op);
        break;
    case IR_OP_ld_env:
        gen_ld_env(g, op);
        break;
    case IR_OP_st_env:
        gen_st_env(g, op);
        break;
    case IR_OP_guest_ld:
        gen_guest_ld(g, op);
        break;
    case IR_OP_guest_st:
        gen_guest_st(g, op);
        break;
    case IR_OP_mb:
        /* x86 orders everything but a store followed by a load. */
        if (ir_op_const(op, 0) & IR_MB_ST_LD)
            x64_emit_mfence(&g->buf);
        break;
    case IR_OP_set_label:
        gen_set_label(g, op);
        break;
    case IR_OP_br:
        gen_br(g, (uint32_t)ir_op_const(op, 0));
        break;
    case IR_OP_brcond:
        gen_brcond(g, op);
        break;
    case IR_OP_call:
        gen_call(g, op);
        break;
    case IR_OP_insn_start:
        gen_insn_start(g);
        break;
    case IR_OP_goto_tb:
        gen_goto_tb(g, op);
        break;
    case IR_OP_exit_tb:
        gen_exit_tb(g);
        break;
    case IR_OP_lookup_and_goto:
        gen_lookup_and_goto(g);
        break;
    case IR_OP_nop:
    case IR_OP_COUNT:
        break;
    }
}
