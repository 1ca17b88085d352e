/*
 * Lazy flags at translation time (the design is in translate.h).
 *
 * A condition is answered from the static cc_op where a direct formula
 * exists, as one IR comparison of the saved operands:
 *
 *   after       B (CF)          Z (ZF)        S (SF)       L (SF!=OF)   LE
 *   SUB/CMP     a <u b          dst == 0      msb(dst)     a <s b       a <=s b
 *   ADD         dst <u src      dst == 0      msb(dst)     (generic)
 *   LOGIC       never           dst == 0      msb(dst)     msb(dst)     sext(dst) <=s 0
 *   INC/DEC     src != 0        dst == 0      msb(dst)     (generic)
 *   EFLAGS      bit tests of cc_src
 *
 * (a = dst + src is the first operand of the subtraction, b = src, both
 * at the operand size; signed forms compare the sign-extended values.)
 * Everything else, and any condition while cc_op is only known at run
 * time, goes through gen_compute_eflags(): the pure helper computing all
 * six flags, then a bit test.  PF and OF also have inline forms when the
 * result is known (parity of the low byte; sign rule of add/sub).
 */
#include "targets/i386/translate.h"

#include "targets/i386/translate-core.h"

static unsigned cc_kind(I386CCOp op)
{
    if (op < CC_OP_ADDB)
        return op;
    return CC_OP_ADDB + (op - CC_OP_ADDB) / 3 * 3;
}

static unsigned cc_size(I386CCOp op)
{
    return op < CC_OP_ADDB ? IR_MO_32 : (op - CC_OP_ADDB) % 3;
}

static uint32_t size_mask(unsigned ot)
{
    return ot == IR_MO_32 ? 0xffffffffu : (1u << (8u << ot)) - 1;
}

static uint32_t size_msb(unsigned ot)
{
    return 1u << ((8u << ot) - 1);
}

void gen_update_cc_op(I386DisasContext *s)
{
    if (s->cc_op_dirty) {
        ir_gen_movi(s->base.f, IR_I32, I386_TEMP_CC_OP, s->cc_op);
        s->cc_op_dirty = false;
    }
}

void gen_set_cc_op(I386DisasContext *s, I386CCOp op)
{
    s->cc_srcT = IR_TEMP_NONE;
    if (op == CC_OP_DYNAMIC) {
        gen_cc_op_dynamic(s);
        return;
    }
    if (s->cc_op != op) {
        s->cc_op = op;
        s->cc_op_dirty = true;
    }
}

void gen_cc_op_dynamic(I386DisasContext *s)
{
    s->cc_srcT = IR_TEMP_NONE;
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
}

void gen_set_cc(I386DisasContext *s, I386CCOp op, IRTemp dst, IRTemp src, IRTemp src2)
{
    IRFunc *f = s->base.f;
    if (dst != IR_TEMP_NONE)
        ir_gen_mov(f, IR_I32, I386_TEMP_CC_DST, dst);
    if (src != IR_TEMP_NONE)
        ir_gen_mov(f, IR_I32, I386_TEMP_CC_SRC, src);
    if (src2 != IR_TEMP_NONE)
        ir_gen_mov(f, IR_I32, I386_TEMP_CC_SRC2, src2);
    gen_set_cc_op(s, op);
}

IRTemp gen_compute_eflags(I386DisasContext *s)
{
    IRFunc *f = s->base.f;
    IRTemp t = gen_temp(s);
    switch (s->cc_op) {
    case CC_OP_EFLAGS:
        ir_gen_op2i(f, IR_OP_and, IR_I32, t, I386_TEMP_CC_SRC, I386_CC_MASK);
        return t;
    case CC_OP_CLR:
        ir_gen_movi(f, IR_I32, t, I386_ZF | I386_PF);
        return t;
    default:
        break;
    }
    IRTemp op = s->cc_op == CC_OP_DYNAMIC ? I386_TEMP_CC_OP : gen_const(s, s->cc_op);
    gen_helper(s, (void *)helper_cc_compute_all, IR_CALL_PURE, t, 4, op, I386_TEMP_CC_DST,
               I386_TEMP_CC_SRC, I386_TEMP_CC_SRC2);
    return t;
}

/* cc_dst at the operand size (zero-extended) in a new temp. */
static IRTemp dst_sized(I386DisasContext *s, unsigned ot, bool sign)
{
    return gen_ext(s, ot, I386_TEMP_CC_DST, sign);
}

/* The first operand of the subtraction: cc_dst + cc_src, or the temp
 * that still holds it when the SUB is in this block. */
static IRTemp sub_first(I386DisasContext *s, unsigned ot, bool sign)
{
    if (s->cc_srcT != IR_TEMP_NONE)
        return gen_ext(s, ot, s->cc_srcT, sign);
    IRTemp t = gen_temp(s);
    ir_gen_op2(s->base.f, IR_OP_add, IR_I32, t, I386_TEMP_CC_DST, I386_TEMP_CC_SRC);
    return gen_ext(s, ot, t, sign);
}

IRTemp gen_compute_cf(I386DisasContext *s)
{
    IRFunc *f = s->base.f;
    unsigned kind = cc_kind(s->cc_op), ot = cc_size(s->cc_op);
    IRTemp t = gen_temp(s);
    switch (kind) {
    case CC_OP_SUBB:
        ir_gen_setcond(f, IR_I32, IR_COND_LTU, t, sub_first(s, ot, false),
                       gen_ext(s, ot, I386_TEMP_CC_SRC, false));
        return t;
    case CC_OP_ADDB:
        ir_gen_setcond(f, IR_I32, IR_COND_LTU, t, dst_sized(s, ot, false),
                       gen_ext(s, ot, I386_TEMP_CC_SRC, false));
        return t;
    case CC_OP_LOGICB:
    case CC_OP_CLR:
        ir_gen_movi(f, IR_I32, t, 0);
        return t;
    case CC_OP_INCB:
    case CC_OP_DECB:
        ir_gen_mov(f, IR_I32, t, I386_TEMP_CC_SRC);
        return t;
    case CC_OP_EFLAGS:
        ir_gen_op2i(f, IR_OP_and, IR_I32, t, I386_TEMP_CC_SRC, I386_CF);
        return t;
    case CC_OP_SHLB:
        ir_gen_extract(f, IR_OP_extract, IR_I32, t, I386_TEMP_CC_SRC, (8u << ot) - 1, 1);
        return t;
    case CC_OP_SARB:
        ir_gen_op2i(f, IR_OP_and, IR_I32, t, I386_TEMP_CC_SRC, 1);
        return t;
    case CC_OP_MULB:
        ir_gen_setcond(f, IR_I32, IR_COND_NE, t, I386_TEMP_CC_SRC, gen_const(s, 0));
        return t;
    default: {
        IRTemp op = s->cc_op == CC_OP_DYNAMIC ? I386_TEMP_CC_OP : gen_const(s, s->cc_op);
        gen_helper(s, (void *)helper_cc_compute_c, IR_CALL_PURE, t, 4, op,
                   I386_TEMP_CC_DST, I386_TEMP_CC_SRC, I386_TEMP_CC_SRC2);
        return t;
    }
    }
}

static I386Cond mkcond(IRCond c, IRTemp a, IRTemp b)
{
    return (I386Cond){ c, a, b };
}

/* A condition on a value holding flags at their EFLAGS positions. */
static I386Cond cond_from_eflags(I386DisasContext *s, int base, IRTemp fl)
{
    IRFunc *f = s->base.f;
    IRTemp t;
    switch (base) {
    case JCC_O >> 1: return mkcond(IR_COND_TSTNE, fl, gen_const(s, I386_OF));
    case JCC_B >> 1: return mkcond(IR_COND_TSTNE, fl, gen_const(s, I386_CF));
    case JCC_Z >> 1: return mkcond(IR_COND_TSTNE, fl, gen_const(s, I386_ZF));
    case JCC_BE >> 1: return mkcond(IR_COND_TSTNE, fl, gen_const(s, I386_CF | I386_ZF));
    case JCC_S >> 1: return mkcond(IR_COND_TSTNE, fl, gen_const(s, I386_SF));
    case JCC_P >> 1: return mkcond(IR_COND_TSTNE, fl, gen_const(s, I386_PF));
    case JCC_L >> 1:
        /* OF (bit 11) moved onto SF (bit 7). */
        t = gen_temp(s);
        ir_gen_op2i(f, IR_OP_shr, IR_I32, t, fl, 4);
        ir_gen_op2(f, IR_OP_xor, IR_I32, t, t, fl);
        return mkcond(IR_COND_TSTNE, t, gen_const(s, I386_SF));
    default: { /* LE: (SF ^ OF) | ZF, ZF (bit 6) moved onto bit 7 */
        IRTemp z = gen_temp(s);
        t = gen_temp(s);
        ir_gen_op2i(f, IR_OP_shr, IR_I32, t, fl, 4);
        ir_gen_op2(f, IR_OP_xor, IR_I32, t, t, fl);
        ir_gen_op2i(f, IR_OP_shl, IR_I32, z, fl, 1);
        ir_gen_op2(f, IR_OP_or, IR_I32, t, t, z);
        return mkcond(IR_COND_TSTNE, t, gen_const(s, I386_SF));
    }
    }
}

/* PF from a known result: even parity of the low byte. */
static I386Cond cond_parity(I386DisasContext *s)
{
    IRFunc *f = s->base.f;
    IRTemp t = gen_temp(s);
    ir_gen_op2i(f, IR_OP_and, IR_I32, t, I386_TEMP_CC_DST, 0xff);
    ir_gen_op1(f, IR_OP_popcnt, IR_I32, t, t);
    return mkcond(IR_COND_TSTEQ, t, gen_const(s, 1));
}

/* The non-negated condition base (JCC_x >> 1) for the static cc_op, or
 * cond.cond == IR_COND_COUNT when there is no direct formula. */
static I386Cond cond_direct(I386DisasContext *s, int base)
{
    IRFunc *f = s->base.f;
    unsigned kind = cc_kind(s->cc_op), ot = cc_size(s->cc_op);
    IRTemp mask = IR_TEMP_NONE;
    I386Cond none = { IR_COND_COUNT, 0, 0 };

    if (kind == CC_OP_EFLAGS)
        return cond_from_eflags(s, base, I386_TEMP_CC_SRC);
    if (kind == CC_OP_CLR) {
        /* ZF = PF = 1: Z, BE, P and LE hold, the rest do not. */
        bool v = base == (JCC_Z >> 1) || base == (JCC_BE >> 1) || base == (JCC_P >> 1) ||
                 base == (JCC_LE >> 1);
        IRTemp z = gen_const(s, 0);
        return mkcond(v ? IR_COND_ALWAYS : IR_COND_NEVER, z, z);
    }
    if (kind == CC_OP_DYNAMIC)
        return none;

    /* Z, S and P come from the result for every other kind. */
    if (base == (JCC_Z >> 1) || base == (JCC_S >> 1)) {
        mask = gen_const(s, base == (JCC_Z >> 1) ? size_mask(ot) : size_msb(ot));
        return mkcond(base == (JCC_Z >> 1) ? IR_COND_TSTEQ : IR_COND_TSTNE,
                      I386_TEMP_CC_DST, mask);
    }
    if (base == (JCC_P >> 1))
        return cond_parity(s);

    switch (kind) {
    case CC_OP_SUBB: {
        bool sign = base == (JCC_L >> 1) || base == (JCC_LE >> 1);
        if (base == (JCC_O >> 1)) {
            IRTemp a = sub_first(s, IR_MO_32, false);
            IRTemp x = gen_temp(s), y = gen_temp(s);
            ir_gen_op2(f, IR_OP_xor, IR_I32, x, a, I386_TEMP_CC_SRC);
            ir_gen_op2(f, IR_OP_xor, IR_I32, y, a, I386_TEMP_CC_DST);
            ir_gen_op2(f, IR_OP_and, IR_I32, x, x, y);
            return mkcond(IR_COND_TSTNE, x, gen_const(s, size_msb(ot)));
        }
        IRTemp a = sub_first(s, ot, sign);
        IRTemp b = gen_ext(s, ot, I386_TEMP_CC_SRC, sign);
        switch (base) {
        case JCC_B >> 1: return mkcond(IR_COND_LTU, a, b);
        case JCC_BE >> 1: return mkcond(IR_COND_LEU, a, b);
        case JCC_L >> 1: return mkcond(IR_COND_LT, a, b);
        default: return mkcond(IR_COND_LE, a, b);
        }
    }
    case CC_OP_ADDB:
        if (base == (JCC_B >> 1))
            return mkcond(IR_COND_LTU, dst_sized(s, ot, false),
                          gen_ext(s, ot, I386_TEMP_CC_SRC, false));
        if (base == (JCC_O >> 1)) {
            IRTemp a = gen_temp(s), x = gen_temp(s), y = gen_temp(s);
            ir_gen_op2(f, IR_OP_sub, IR_I32, a, I386_TEMP_CC_DST, I386_TEMP_CC_SRC);
            ir_gen_op2(f, IR_OP_xor, IR_I32, x, a, I386_TEMP_CC_DST);
            ir_gen_op2(f, IR_OP_xor, IR_I32, y, a, I386_TEMP_CC_SRC);
            ir_gen_op2(f, IR_OP_andc, IR_I32, x, x, y);
            return mkcond(IR_COND_TSTNE, x, gen_const(s, size_msb(ot)));
        }
        return none;
    case CC_OP_LOGICB: {
        IRTemp z = gen_const(s, 0);
        switch (base) {
        case JCC_O >> 1:
        case JCC_B >> 1:
            return mkcond(IR_COND_NEVER, z, z);
        case JCC_BE >> 1:
            return mkcond(IR_COND_TSTEQ, I386_TEMP_CC_DST, gen_const(s, size_mask(ot)));
        case JCC_L >> 1:
            return mkcond(IR_COND_TSTNE, I386_TEMP_CC_DST, gen_const(s, size_msb(ot)));
        default:
            return mkcond(IR_COND_LE, dst_sized(s, ot, true), z);
        }
    }
    case CC_OP_INCB:
    case CC_OP_DECB:
        if (base == (JCC_B >> 1))
            return mkcond(IR_COND_NE, I386_TEMP_CC_SRC, gen_const(s, 0));
        return none;
    default:
        return none;
    }
}

I386Cond gen_prepare_cc(I386DisasContext *s, int jcc)
{
    int base = (jcc & 15) >> 1;
    I386Cond c = cond_direct(s, base);
    if (c.cond == IR_COND_COUNT)
        c = cond_from_eflags(s, base, gen_compute_eflags(s));
    if (jcc & 1)
        c.cond = ir_cond_invert(c.cond);
    return c;
}

IRTemp gen_cond(I386DisasContext *s, int jcc)
{
    I386Cond c = gen_prepare_cc(s, jcc);
    IRTemp t = gen_temp(s);
    ir_gen_setcond(s->base.f, IR_I32, c.cond, t, c.a, c.b);
    return t;
}
