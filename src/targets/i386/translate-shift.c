/*
 * Group 2 shifts and rotates (C0 C1 D0-D3: ROL ROR RCL RCR SHL SHR SAL
 * SAR) and the double shifts SHLD/SHRD (0F A4 A5 AC AD).
 *
 * Counts are masked to 5 bits; a masked count of 0 changes neither the
 * operand nor the flags (a memory operand is still read, as hardware
 * does).  An immediate count is known when translating, so each form is
 * specialised; a CL count is handled in IR with the count-0 case chosen
 * by movcond.
 *
 * Flags.  Where the SDM is silent (AF always, OF for counts other than 1)
 * the host CPU is the reference (an AMD EPYC, measured with the native
 * oracle in tests/oracle/):
 *   SHL SHR SAR   CF = last bit shifted out; OF = MSB(result) XOR the
 *                 MSB of the operand shifted by count - 1 (the count-1
 *                 formula, for every count); AF = 1; SF ZF PF from the
 *                 result.
 *   ROL ROR       CF and OF with the count-1 formulas for every count;
 *                 the other flags unchanged.
 *   RCL RCR       the same, in helper-shift.c.
 *   SHLD SHRD     helper-shift.c documents them; 32-bit with an
 *                 immediate count is inlined here with the same rules.
 * AF = 1 does not fit the lazy CC_OP_SHL/SAR kinds (which give AF = 0),
 * so the flags are computed here in full (CC_OP_EFLAGS).  When the next
 * instruction overwrites them unread, opt_liveness deletes that code.
 */
#include "targets/i386/translate.h"

#include "targets/i386/helper-shift.h"

enum { OP_ROL, OP_ROR, OP_RCL, OP_RCR, OP_SHL, OP_SHR, OP_SAL, OP_SAR };

static unsigned op_bits(unsigned ot)
{
    return 8u << ot;
}

static IRTemp bit_of(I386DisasContext *s, IRTemp v, unsigned pos)
{
    IRTemp t = gen_temp(s);
    ir_gen_extract(s->base.f, IR_OP_extract, IR_I32, t, v, pos, 1);
    return t;
}

/*
 * EFLAGS status bits for a result of size ot: SF ZF PF from res, CF and
 * OF from 0/1 temps, AF as given.  res is zero-extended from ot.
 */
static IRTemp gen_flags_from_result(I386DisasContext *s, unsigned ot, IRTemp res,
                                    IRTemp cf, IRTemp of, bool af)
{
    IRFunc *f = s->base.f;
    IRTemp zero = gen_const(s, 0);
    IRTemp fl = gen_temp(s);
    IRTemp t = gen_temp(s);

    /* PF: the low byte has an even number of ones. */
    ir_gen_op2i(f, IR_OP_and, IR_I32, t, res, 0xff);
    ir_gen_op1(f, IR_OP_popcnt, IR_I32, t, t);
    ir_gen_op2i(f, IR_OP_and, IR_I32, t, t, 1);
    ir_gen_op2i(f, IR_OP_xor, IR_I32, fl, t, 1);
    ir_gen_op2i(f, IR_OP_shl, IR_I32, fl, fl, 2);
    /* ZF */
    ir_gen_setcond(f, IR_I32, IR_COND_EQ, t, res, zero);
    ir_gen_deposit(f, IR_I32, fl, fl, t, 6, 1);
    /* SF */
    ir_gen_deposit(f, IR_I32, fl, fl, bit_of(s, res, op_bits(ot) - 1), 7, 1);
    ir_gen_op2(f, IR_OP_or, IR_I32, fl, fl, cf);
    ir_gen_deposit(f, IR_I32, fl, fl, of, 11, 1);
    if (af)
        ir_gen_op2i(f, IR_OP_or, IR_I32, fl, fl, I386_AF);
    return fl;
}

/* old with CF and OF replaced by the 0/1 temps cf and of. */
static IRTemp gen_replace_cf_of(I386DisasContext *s, IRTemp old, IRTemp cf, IRTemp of)
{
    IRFunc *f = s->base.f;
    IRTemp fl = gen_temp(s);
    ir_gen_deposit(f, IR_I32, fl, old, cf, 0, 1);
    ir_gen_deposit(f, IR_I32, fl, fl, of, 11, 1);
    return fl;
}

/* The destination operand: its value and, for memory, its address. */
typedef struct Dest {
    IRTemp addr;      /* IR_TEMP_NONE for a register */
    IRTemp val;       /* zero-extended from ot */
} Dest;

static Dest load_dest(I386DisasContext *s, const I386Insn *insn)
{
    Dest d = { IR_TEMP_NONE, IR_TEMP_NONE };
    if (insn->op[0].kind == I386_OPK_MEM) {
        d.addr = gen_lea(s, insn, 1u << insn->ot, I386_ACC_RW);
        d.val = gen_ld(s, insn->ot, d.addr, false);
    } else {
        d.val = gen_load_operand(s, insn, 0);
    }
    return d;
}

static void store_dest(I386DisasContext *s, const I386Insn *insn, const Dest *d, IRTemp v)
{
    if (d->addr != IR_TEMP_NONE)
        gen_store_operand_at(s, insn, 0, d->addr, v);
    else
        gen_store_operand(s, insn, 0, v);
}

/* Writes the result, then the flags (stores first: a fault must find
 * the flags of before the instruction). */
static void finish(I386DisasContext *s, const I386Insn *insn, const Dest *d, IRTemp res,
                   IRTemp flags)
{
    store_dest(s, insn, d, res);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, flags, IR_TEMP_NONE);
}

/*
 * SHL/SHR/SAR by n (a temp in 1..31, or any value when the caller
 * selects the count-0 case afterwards).  src = the operand shifted by
 * n - 1 is what CF and OF are taken from; the result is shifted by n
 * directly, so that when the flags are dead only one shift remains.
 */
static void gen_shift(I386DisasContext *s, int op, unsigned ot, IRTemp val, IRTemp n,
                      IRTemp *res_out, IRTemp *flags_out)
{
    unsigned bits = op_bits(ot);
    IRTemp nm1 = gen_op2i(s, IR_OP_sub, n, 1);
    IRTemp src, res, cf;
    if (op == OP_SHL || op == OP_SAL) {
        src = gen_op2(s, IR_OP_shl, val, nm1);
        res = gen_ext(s, ot, gen_op2(s, IR_OP_shl, val, n), false);
        cf = bit_of(s, src, bits - 1);
    } else if (op == OP_SHR) {
        src = gen_op2(s, IR_OP_shr, val, nm1);
        res = gen_op2(s, IR_OP_shr, val, n);
        cf = bit_of(s, src, 0);
    } else {
        IRTemp sval = gen_ext(s, ot, val, true);
        src = gen_op2(s, IR_OP_sar, sval, nm1);
        res = gen_ext(s, ot, gen_op2(s, IR_OP_sar, sval, n), false);
        cf = bit_of(s, src, 0);
    }
    IRTemp of = bit_of(s, gen_op2(s, IR_OP_xor, src, res), bits - 1);
    *res_out = res;
    *flags_out = gen_flags_from_result(s, ot, res, cf, of, true);
}

/* ROL/ROR by n (any value; only n mod the width matters for the result,
 * the flags are computed as for a non-zero count). */
static void gen_rotate(I386DisasContext *s, int op, unsigned ot, IRTemp val, IRTemp n,
                       IRTemp old_flags, IRTemp *res_out, IRTemp *flags_out)
{
    IRFunc *f = s->base.f;
    unsigned bits = op_bits(ot);
    IRTemp wide = val;
    /* A byte or word repeated over 32 bits rotates like the narrow value. */
    if (ot == IR_MO_8)
        wide = gen_op2i(s, IR_OP_mul, val, 0x01010101u);
    else if (ot == IR_MO_16)
        wide = gen_op2i(s, IR_OP_mul, val, 0x00010001u);
    IRTemp rot = gen_temp(s);
    ir_gen_op2(f, op == OP_ROL ? IR_OP_rotl : IR_OP_rotr, IR_I32, rot, wide, n);
    IRTemp res = gen_ext(s, ot, rot, false);
    IRTemp msb = bit_of(s, res, bits - 1);
    IRTemp cf, of;
    if (op == OP_ROL) {
        cf = bit_of(s, res, 0);
        of = gen_op2(s, IR_OP_xor, msb, cf);
    } else {
        cf = msb;
        of = gen_op2(s, IR_OP_xor, msb, bit_of(s, res, bits - 2));
    }
    *res_out = res;
    *flags_out = gen_replace_cf_of(s, old_flags, cf, of);
}

/* Calls a pure helper returning a packed result (helper-shift.h). */
static void gen_packed_call(I386DisasContext *s, void *fn, IRTemp *res, IRTemp *flags,
                            unsigned nargs, const IRTemp *args)
{
    IRFunc *f = s->base.f;
    IRTemp packed = ir_new_temp(f, IR_I64);
    ir_gen_call(f, fn, IR_CALL_PURE, IR_I64, packed, nargs, args);
    *res = gen_temp(s);
    *flags = gen_temp(s);
    ir_gen_op1(f, IR_OP_extrl, IR_I32, *res, packed);
    ir_gen_op1(f, IR_OP_extrh, IR_I32, *flags, packed);
}

void i386_trans_shift_grp2(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    unsigned ot = insn->ot;
    int op = insn->reg;
    bool const_count = insn->op[1].kind == I386_OPK_IMM;
    uint32_t imm = insn->op[1].imm & 31;

    Dest d = load_dest(s, insn);
    if (const_count && imm == 0)
        return;   /* no change, flags included */

    IRTemp n;
    if (const_count) {
        n = gen_const(s, imm);
    } else {
        n = gen_op2i(s, IR_OP_and, gen_load_operand(s, insn, 1), 31);
    }
    /* Flags before the instruction, for the forms that keep some of
     * them and for a CL count of 0. */
    IRTemp old = IR_TEMP_NONE;
    if (!const_count || op < OP_SHL)
        old = gen_compute_eflags(s);

    IRTemp res, flags;
    switch (op) {
    case OP_ROL:
    case OP_ROR:
        gen_rotate(s, op, ot, d.val, n, old, &res, &flags);
        break;
    case OP_RCL:
    case OP_RCR: {
        IRTemp args[4] = { d.val, n, old, gen_const(s, ot) };
        gen_packed_call(s, op == OP_RCL ? (void *)helper_rcl : (void *)helper_rcr, &res,
                        &flags, 4, args);
        break;
    }
    default:
        gen_shift(s, op, ot, d.val, n, &res, &flags);
        break;
    }
    if (!const_count) {
        IRTemp zero = gen_const(s, 0);
        ir_gen_movcond(f, IR_I32, IR_COND_EQ, res, n, zero, d.val, res);
        ir_gen_movcond(f, IR_I32, IR_COND_EQ, flags, n, zero, old, flags);
    }
    finish(s, insn, &d, res, flags);
}

/*
 * SHLD/SHRD Ev,Gv,Ib/CL.  The 32-bit form with an immediate count (what
 * compilers emit for 64-bit shifts) is inlined; the others call the
 * helper, which also models the 16-bit form's host behaviour for counts
 * above 16.
 */
static void gen_double_shift(I386DisasContext *s, const I386Insn *insn, bool left)
{
    unsigned ot = insn->ot;
    bool const_count = insn->op[2].kind == I386_OPK_IMM;
    uint32_t imm = insn->op[2].imm & 31;

    Dest d = load_dest(s, insn);
    if (const_count && imm == 0)
        return;
    IRTemp src = gen_load_operand(s, insn, 1);
    IRTemp res, flags;

    if (const_count && ot == IR_MO_32) {
        IRTemp cf, of;
        if (left) {
            res = gen_op2(s, IR_OP_or, gen_op2i(s, IR_OP_shl, d.val, imm),
                      gen_op2i(s, IR_OP_shr, src, 32 - imm));
            cf = bit_of(s, d.val, 32 - imm);
            of = gen_op2(s, IR_OP_xor, bit_of(s, res, 31), cf);
        } else {
            res = gen_op2(s, IR_OP_or, gen_op2i(s, IR_OP_shr, d.val, imm),
                      gen_op2i(s, IR_OP_shl, src, 32 - imm));
            cf = bit_of(s, d.val, imm - 1);
            of = gen_op2(s, IR_OP_xor, bit_of(s, res, 31), bit_of(s, res, 30));
        }
        flags = gen_flags_from_result(s, ot, res, cf, of, true);
    } else {
        IRTemp count = const_count ? gen_const(s, imm) : gen_load_operand(s, insn, 2);
        IRTemp args[5] = { d.val, src, count, gen_compute_eflags(s), gen_const(s, ot) };
        gen_packed_call(s, left ? (void *)helper_shld : (void *)helper_shrd, &res, &flags, 5,
                        args);
    }
    finish(s, insn, &d, res, flags);
}

void i386_trans_shld(I386DisasContext *s, const I386Insn *insn)
{
    gen_double_shift(s, insn, true);
}

void i386_trans_shrd(I386DisasContext *s, const I386Insn *insn)
{
    gen_double_shift(s, insn, false);
}
