/*
 * x86-64 code for the IR's data ops (see codegen.h).
 *
 * Most x86 arithmetic is two-address (dst = dst OP src), so an output
 * starts as its first input: in the same register when that input dies
 * here (x64_ra_out_copy takes it over), otherwise in a copy.  i32 ops use
 * the 32-bit instruction forms, which clear bits 63..32 of their
 * destination; the few that do not (8/16-bit forms) are followed by a
 * zero extension.  Nothing here may trap on the host: division checks
 * its two trapping cases (b == 0, MIN / -1) before dividing.
 *
 * Constant operands never get special semantics here: they are used as
 * immediates where the instruction has an immediate form, and otherwise
 * materialized in a register and run through the same instruction.
 */
#include "jit/x86_64/codegen.h"

static bool op_w64(const IROp *op)
{
    return op->type == IR_I64;
}

static unsigned op_bits(const IROp *op)
{
    return op->type == IR_I64 ? 64 : 32;
}

static X64Size op_size(const IROp *op)
{
    return op->type == IR_I64 ? X64_S64 : X64_S32;
}

/* args[] index of input i. */
static unsigned in_arg(const IROp *op, unsigned i)
{
    return op->nb_out + i;
}

static IRTemp in_temp(const IROp *op, unsigned i)
{
    return ir_op_in(op, i);
}

/* d = the value of input argument argi, loaded in ra, as a copy of width
 * w64; shared by mov and the extensions that are moves in disguise. */
static void finish_copy(X64Gen *g, unsigned argi, X64Reg ra, bool w64)
{
    X64Reg rd = x64_ra_out_copy(g, argi, ra, w64);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

/* mov, and ext32u (an i32 is already zero-extended in 64 bits). */
static void gen_copy(X64Gen *g, const IROp *op, bool w64)
{
    IRTemp d = ir_op_out(op, 0), a = in_temp(op, 0);
    uint64_t v;

    if (d == a)
        return;
    if (x64_ra_const(g, a, &v)) {
        x64_ra_set_const_out(g, 0, v);
        x64_ra_free_dead_inputs(g);
        return;
    }
    if (g->temps[a].val == X64_VAL_REG) {
        finish_copy(g, in_arg(op, 0), x64_ra_in(g, a), w64);
        return;
    }
    /* In memory: load straight into the output's register. */
    X64Reg rd = x64_ra_alloc(g, X64_ALLOCATABLE);
    x64_emit_load(&g->buf, w64 ? X64_S64 : X64_S32, false, w64, rd, x64_ra_home(g, a));
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

void x64_gen_mov(X64Gen *g, const IROp *op)
{
    gen_copy(g, op, op_w64(op));
}

void x64_gen_movi(X64Gen *g, const IROp *op)
{
    x64_ra_set_const_out(g, 0, ir_op_const(op, 0) & ir_type_mask((IRType)op->type));
}

void x64_gen_binary(X64Gen *g, const IROp *op)
{
    bool w64 = op_w64(op);
    bool commutative = op->opc == IR_OP_add || op->opc == IR_OP_mul || op->opc == IR_OP_and ||
                       op->opc == IR_OP_or || op->opc == IR_OP_xor;
    unsigned ia = in_arg(op, 0), ib = in_arg(op, 1);
    uint64_t v;

    /* An immediate can only be the second operand. */
    if (commutative && x64_ra_const(g, (IRTemp)op->args[ia], &v) &&
        !x64_ra_const(g, (IRTemp)op->args[ib], &v)) {
        ia = in_arg(op, 1);
        ib = in_arg(op, 0);
    }
    X64Opnd b = x64_ra_in_ri(g, (IRTemp)op->args[ib], (IRType)op->type);
    X64Reg ra = x64_ra_in(g, (IRTemp)op->args[ia]);
    X64Reg rd = x64_ra_take(g, ia, ra);

    if (rd == X64_NOREG && commutative && !b.is_imm) {
        rd = x64_ra_take(g, ib, b.reg);
        if (rd != X64_NOREG)
            b.reg = ra;     /* rd = b OP a */
    }
    if (rd == X64_NOREG) {
        rd = x64_ra_alloc(g, X64_ALLOCATABLE);
        /* Three-address forms save the copy. */
        if (op->opc == IR_OP_add) {
            X64Mem m = b.is_imm ? x64_mem(ra, b.imm) : x64_mem_idx(ra, b.reg, 0);
            x64_emit_lea(&g->buf, w64, rd, m);
            goto done;
        }
        if (op->opc == IR_OP_mul && b.is_imm) {
            x64_emit_imul_rri(&g->buf, w64, rd, ra, b.imm);
            goto done;
        }
        x64_emit_mov_rr(&g->buf, w64, rd, ra);
    }

    switch (op->opc) {
    case IR_OP_mul:
        if (b.is_imm)
            x64_emit_imul_rri(&g->buf, w64, rd, rd, b.imm);
        else
            x64_emit_imul_rr(&g->buf, w64, rd, b.reg);
        break;
    case IR_OP_andc:
        if (b.is_imm) {
            x64_emit_alu_ri(&g->buf, X64_AND, w64, rd, ~b.imm);
        } else {
            x64_emit_mov_rr(&g->buf, w64, X64_REG_SCRATCH, b.reg);
            x64_emit_unary(&g->buf, X64_NOT, w64, X64_REG_SCRATCH);
            x64_emit_alu_rr(&g->buf, X64_AND, w64, rd, X64_REG_SCRATCH);
        }
        break;
    default: {
        X64Alu alu = op->opc == IR_OP_add ? X64_ADD : op->opc == IR_OP_sub ? X64_SUB :
                     op->opc == IR_OP_and ? X64_AND : op->opc == IR_OP_or ? X64_OR : X64_XOR;
        if (b.is_imm)
            x64_emit_alu_ri(&g->buf, alu, w64, rd, b.imm);
        else
            x64_emit_alu_rr(&g->buf, alu, w64, rd, b.reg);
        break;
    }
    }
done:
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

void x64_gen_unary(X64Gen *g, const IROp *op)
{
    bool w64 = op_w64(op);
    X64Reg ra = x64_ra_in(g, in_temp(op, 0));
    X64Reg rd = x64_ra_out_copy(g, in_arg(op, 0), ra, w64);
    x64_emit_unary(&g->buf, op->opc == IR_OP_neg ? X64_NEG : X64_NOT, w64, rd);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

void x64_gen_shift(X64Gen *g, const IROp *op)
{
    static const X64Shift kind[] = {
        [IR_OP_shl] = X64_SHL, [IR_OP_shr] = X64_SHR, [IR_OP_sar] = X64_SAR,
        [IR_OP_rotl] = X64_ROL, [IR_OP_rotr] = X64_ROR,
    };
    bool w64 = op_w64(op);
    X64Shift sh = kind[op->opc];
    uint64_t count;

    if (x64_ra_const(g, in_temp(op, 1), &count)) {
        X64Reg ra = x64_ra_in(g, in_temp(op, 0));
        X64Reg rd = x64_ra_out_copy(g, in_arg(op, 0), ra, w64);
        count &= op_bits(op) - 1;
        if (count)
            x64_emit_shift_ri(&g->buf, sh, op_size(op), rd, (uint8_t)count);
        x64_ra_free_dead_inputs(g);
        x64_ra_bind_out(g, 0, rd);
        return;
    }
    /* The hardware masks the count in cl exactly as the IR does (to 5
     * bits at 32, 6 at 64).  cl first, so that `a` is not placed there. */
    x64_ra_in_fixed(g, in_temp(op, 1), X64_RCX);
    X64Reg ra = x64_ra_in(g, in_temp(op, 0));
    X64Reg rd = x64_ra_out_copy(g, in_arg(op, 0), ra, w64);
    x64_emit_shift_cl(&g->buf, sh, w64, rd);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

/* rax and rdx free for an instruction that writes both, then the
 * divisor/multiplier in another register and the first operand in rax. */
static X64Reg setup_rax_rdx(X64Gen *g, const IROp *op)
{
    x64_ra_evict(g, X64_RAX, X64_ALLOCATABLE);
    x64_ra_evict(g, X64_RDX, X64_ALLOCATABLE);
    X64Reg rb = x64_ra_in(g, in_temp(op, 1));
    x64_ra_copy_to(g, in_temp(op, 0), X64_RAX);
    return rb;
}

void x64_gen_mul2(X64Gen *g, const IROp *op)
{
    X64Reg rb = setup_rax_rdx(g, op);
    x64_emit_unary(&g->buf, op->opc == IR_OP_mulu2 ? X64_MUL : X64_IMUL1, op_w64(op), rb);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, X64_RAX);
    x64_ra_bind_out(g, 1, X64_RDX);
}

void x64_gen_div(X64Gen *g, const IROp *op)
{
    bool w64 = op_w64(op);
    bool is_signed = op->opc == IR_OP_divs || op->opc == IR_OP_rems;
    bool is_rem = op->opc == IR_OP_remu || op->opc == IR_OP_rems;
    X64Buf *b = &g->buf;
    size_t to_zero, to_done1, to_done2 = 0, to_normal = 0;

    X64Reg rb = setup_rax_rdx(g, op);
    x64_emit_test_rr(b, w64, rb, rb);
    to_zero = x64_emit_jcc8(b, X64_CC_E);
    if (is_signed) {
        /* b == -1: the quotient is -a (which wraps MIN to MIN, as the IR
         * wants, instead of raising #DE) and the remainder 0. */
        x64_emit_alu_ri(b, X64_CMP, w64, rb, -1);
        to_normal = x64_emit_jcc8(b, X64_CC_NE);
        if (is_rem)
            x64_emit_alu_rr(b, X64_XOR, false, X64_RDX, X64_RDX);
        else
            x64_emit_unary(b, X64_NEG, w64, X64_RAX);
        to_done2 = x64_emit_jmp8(b);
        x64_patch_rel8(b, to_normal, b->len);
        x64_emit_sign_extend_ax(b, w64);
        x64_emit_unary(b, X64_IDIV, w64, rb);
    } else {
        x64_emit_alu_rr(b, X64_XOR, false, X64_RDX, X64_RDX);
        x64_emit_unary(b, X64_DIV, w64, rb);
    }
    to_done1 = x64_emit_jmp8(b);
    x64_patch_rel8(b, to_zero, b->len);
    /* b == 0: quotient all ones, remainder a. */
    if (is_rem)
        x64_emit_mov_rr(b, w64, X64_RDX, X64_RAX);
    else
        x64_emit_mov_ri(b, X64_RAX, ir_type_mask((IRType)op->type));
    x64_patch_rel8(b, to_done1, b->len);
    if (is_signed)
        x64_patch_rel8(b, to_done2, b->len);

    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, is_rem ? X64_RDX : X64_RAX);
}

void x64_gen_ext(X64Gen *g, const IROp *op)
{
    X64Size from = X64_S8;
    bool sign = false;
    X64Reg ra, rd;

    switch (op->opc) {
    case IR_OP_ext32u:
        gen_copy(g, op, false);
        return;
    case IR_OP_extrh:
        ra = x64_ra_in(g, in_temp(op, 0));
        rd = x64_ra_out_copy(g, in_arg(op, 0), ra, true);
        x64_emit_shift_ri(&g->buf, X64_SHR, X64_S64, rd, 32);
        x64_ra_free_dead_inputs(g);
        x64_ra_bind_out(g, 0, rd);
        return;
    case IR_OP_ext8s:  from = X64_S8;  sign = true;  break;
    case IR_OP_ext8u:  from = X64_S8;  sign = false; break;
    case IR_OP_ext16s: from = X64_S16; sign = true;  break;
    case IR_OP_ext16u: from = X64_S16; sign = false; break;
    case IR_OP_ext32s: from = X64_S32; sign = true;  break;
    default:           from = X64_S32; sign = false; break;   /* extrl */
    }
    /* One instruction reading ra and writing rd whole: they may be equal
     * (extrl then still runs, to clear the high half). */
    ra = x64_ra_in(g, in_temp(op, 0));
    rd = x64_ra_out_new(g, in_arg(op, 0), ra);
    x64_emit_ext_rr(&g->buf, from, sign, op_w64(op), rd, ra);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

static uint64_t low_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static void gen_deposit(X64Gen *g, const IROp *op)
{
    bool w64 = op_w64(op);
    X64Size size = op_size(op);
    unsigned w = op_bits(op);
    unsigned pos = (unsigned)ir_op_const(op, 0), len = (unsigned)ir_op_const(op, 1);
    uint64_t tmask = ir_type_mask((IRType)op->type);
    uint64_t field = low_mask(len) << pos;
    uint64_t bval = 0;
    bool b_const = x64_ra_const(g, in_temp(op, 1), &bval);
    X64Buf *b = &g->buf;

    if (len == w) {
        /* The whole value (pos is 0): d = b. */
        finish_copy(g, in_arg(op, 1), x64_ra_in(g, in_temp(op, 1)), w64);
        return;
    }
    if (!b_const) {
        /* The field, at its place, in the scratch register: done before
         * rd changes, since rd may be b's register when a == b. */
        X64Reg rb = x64_ra_in(g, in_temp(op, 1));
        x64_emit_mov_rr(b, w64, X64_REG_SCRATCH, rb);
        x64_emit_shift_ri(b, X64_SHL, size, X64_REG_SCRATCH, (uint8_t)(w - len));
        if (w - len - pos)
            x64_emit_shift_ri(b, X64_SHR, size, X64_REG_SCRATCH, (uint8_t)(w - len - pos));
    }
    X64Reg ra = x64_ra_in(g, in_temp(op, 0));
    X64Reg rd = x64_ra_out_copy(g, in_arg(op, 0), ra, w64);

    uint64_t keep = ~field & tmask;
    if (!w64 || x64_fits_i32((int64_t)keep)) {
        x64_emit_alu_ri(b, X64_AND, w64, rd, (int32_t)(uint32_t)keep);
    } else {
        /* No immediate for the mask: rotate the field to the bottom,
         * shift it out and back in as zeros, rotate back. */
        if (pos)
            x64_emit_shift_ri(b, X64_ROR, size, rd, (uint8_t)pos);
        x64_emit_shift_ri(b, X64_SHR, size, rd, (uint8_t)len);
        x64_emit_shift_ri(b, X64_SHL, size, rd, (uint8_t)len);
        if (pos)
            x64_emit_shift_ri(b, X64_ROL, size, rd, (uint8_t)pos);
    }
    if (!b_const) {
        x64_emit_alu_rr(b, X64_OR, w64, rd, X64_REG_SCRATCH);
    } else {
        uint64_t bits = (bval << pos) & field & tmask;
        if (bits && (!w64 || x64_fits_i32((int64_t)bits))) {
            x64_emit_alu_ri(b, X64_OR, w64, rd, (int32_t)(uint32_t)bits);
        } else if (bits) {
            x64_emit_mov_ri(b, X64_REG_SCRATCH, bits);
            x64_emit_alu_rr(b, X64_OR, w64, rd, X64_REG_SCRATCH);
        }
    }
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

static void gen_extract(X64Gen *g, const IROp *op, bool sign)
{
    bool w64 = op_w64(op);
    X64Size size = op_size(op);
    unsigned w = op_bits(op);
    unsigned pos = (unsigned)ir_op_const(op, 0), len = (unsigned)ir_op_const(op, 1);
    X64Reg ra = x64_ra_in(g, in_temp(op, 0));
    X64Reg rd;

    if (pos == 0 && (len == 8 || len == 16 || (len == 32 && w64))) {
        rd = x64_ra_out_new(g, in_arg(op, 0), ra);
        x64_emit_ext_rr(&g->buf, len == 8 ? X64_S8 : len == 16 ? X64_S16 : X64_S32, sign,
                        w64, rd, ra);
    } else {
        /* Field to the top, then back down with zero or sign fill. */
        rd = x64_ra_out_copy(g, in_arg(op, 0), ra, w64);
        if (!sign && pos + len == w) {
            if (pos)
                x64_emit_shift_ri(&g->buf, X64_SHR, size, rd, (uint8_t)pos);
        } else {
            if (w - pos - len)
                x64_emit_shift_ri(&g->buf, X64_SHL, size, rd, (uint8_t)(w - pos - len));
            if (w - len)
                x64_emit_shift_ri(&g->buf, sign ? X64_SAR : X64_SHR, size, rd,
                                  (uint8_t)(w - len));
        }
    }
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

void x64_gen_bitfield(X64Gen *g, const IROp *op)
{
    if (op->opc == IR_OP_deposit)
        gen_deposit(g, op);
    else
        gen_extract(g, op, op->opc == IR_OP_sextract);
}

void x64_gen_bswap(X64Gen *g, const IROp *op)
{
    X64Reg ra = x64_ra_in(g, in_temp(op, 0));
    X64Reg rd;

    switch (op->opc) {
    case IR_OP_bswap16:
        /* Zero-extend the low half, then swap its two bytes in place. */
        rd = x64_ra_out_new(g, in_arg(op, 0), ra);
        x64_emit_ext_rr(&g->buf, X64_S16, false, false, rd, ra);
        x64_emit_shift_ri(&g->buf, X64_ROL, X64_S16, rd, 8);
        break;
    case IR_OP_bswap32:
        /* The 32-bit bswap also clears bits 63..32 of an i64. */
        rd = x64_ra_out_copy(g, in_arg(op, 0), ra, op_w64(op));
        x64_emit_bswap(&g->buf, false, rd);
        break;
    default:
        rd = x64_ra_out_copy(g, in_arg(op, 0), ra, true);
        x64_emit_bswap(&g->buf, true, rd);
        break;
    }
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}

/* popcnt without the POPCNT instruction: the classic SWAR sum of bit
 * pairs, nibbles and bytes, with the byte total gathered by a multiply. */
static void gen_popcnt_swar(X64Gen *g, const IROp *op, X64Reg rd)
{
    bool w64 = op_w64(op);
    X64Size size = op_size(op);
    uint64_t m = ir_type_mask((IRType)op->type);
    X64Reg s = X64_REG_SCRATCH;
    X64Reg k = x64_ra_alloc(g, X64_ALLOCATABLE);
    X64Buf *b = &g->buf;

    x64_emit_mov_rr(b, w64, s, rd);
    x64_emit_shift_ri(b, X64_SHR, size, s, 1);
    x64_emit_mov_ri(b, k, 0x5555555555555555ull & m);
    x64_emit_alu_rr(b, X64_AND, w64, s, k);
    x64_emit_alu_rr(b, X64_SUB, w64, rd, s);

    x64_emit_mov_rr(b, w64, s, rd);
    x64_emit_shift_ri(b, X64_SHR, size, s, 2);
    x64_emit_mov_ri(b, k, 0x3333333333333333ull & m);
    x64_emit_alu_rr(b, X64_AND, w64, s, k);
    x64_emit_alu_rr(b, X64_AND, w64, rd, k);
    x64_emit_alu_rr(b, X64_ADD, w64, rd, s);

    x64_emit_mov_rr(b, w64, s, rd);
    x64_emit_shift_ri(b, X64_SHR, size, s, 4);
    x64_emit_alu_rr(b, X64_ADD, w64, rd, s);
    x64_emit_mov_ri(b, k, 0x0f0f0f0f0f0f0f0full & m);
    x64_emit_alu_rr(b, X64_AND, w64, rd, k);

    x64_emit_mov_ri(b, k, 0x0101010101010101ull & m);
    x64_emit_imul_rr(b, w64, rd, k);
    x64_emit_shift_ri(b, X64_SHR, size, rd, (uint8_t)(op_bits(op) - 8));
}

void x64_gen_bitcount(X64Gen *g, const IROp *op)
{
    bool w64 = op_w64(op);
    X64Reg ra = x64_ra_in(g, in_temp(op, 0));
    X64Reg rd;

    if (op->opc == IR_OP_popcnt) {
        if (g->host_popcnt) {
            rd = x64_ra_out_new(g, in_arg(op, 0), ra);
            x64_emit_popcnt(&g->buf, w64, rd, ra);
        } else {
            rd = x64_ra_out_copy(g, in_arg(op, 0), ra, w64);
            gen_popcnt_swar(g, op, rd);
        }
        x64_ra_free_dead_inputs(g);
        x64_ra_bind_out(g, 0, rd);
        return;
    }

    /* rd starts as the a == 0 answer b; it may not be a's register
     * unless a and b are the same temp, since a is scanned after. */
    uint64_t bval;
    if (x64_ra_const(g, in_temp(op, 1), &bval)) {
        rd = x64_ra_alloc(g, X64_ALLOCATABLE);
        x64_emit_mov_ri(&g->buf, rd, bval);
    } else {
        X64Reg rb = x64_ra_in(g, in_temp(op, 1));
        rd = x64_ra_out_copy(g, in_arg(op, 1), rb, w64);
    }
    /* bsr/bsf set ZF for a zero source and leave the destination
     * undefined, hence the scratch register. */
    x64_emit_bitscan(&g->buf, op->opc == IR_OP_clz, w64, X64_REG_SCRATCH, ra);
    size_t skip = x64_emit_jcc8(&g->buf, X64_CC_E);
    if (op->opc == IR_OP_clz) {
        /* clz = (w - 1) - index of the top bit = index ^ (w - 1). */
        x64_emit_alu_ri(&g->buf, X64_XOR, false, X64_REG_SCRATCH, (int32_t)op_bits(op) - 1);
    }
    x64_emit_mov_rr(&g->buf, false, rd, X64_REG_SCRATCH);
    x64_patch_rel8(&g->buf, skip, g->buf.len);
    x64_ra_free_dead_inputs(g);
    x64_ra_bind_out(g, 0, rd);
}
