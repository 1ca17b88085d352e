/*
 * The lazy flags evaluated in full: EFLAGS' six status flags from a
 * cc_op and the operands it saved (the CC_OP list in translate.h says
 * what cc_dst, cc_src and cc_src2 hold for each).  Called from generated
 * code only when every flag is needed (PUSHF, LAHF, a condition after a
 * cc_op known only at run time) and by i386_get_eflags().
 */
#include "targets/i386/translate.h"

static uint32_t parity_flag(uint32_t v)
{
    return __builtin_parity(v & 0xff) ? 0 : I386_PF;
}

/* ZF, SF and PF of a result of `bits` bits. */
static uint32_t zsp_flags(uint32_t r, unsigned bits)
{
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    uint32_t f = parity_flag(r);
    if ((r & mask) == 0)
        f |= I386_ZF;
    if ((r >> (bits - 1)) & 1)
        f |= I386_SF;
    return f;
}

static uint32_t cc_compute(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2)
{
    if (cc_op == CC_OP_EFLAGS)
        return src & I386_CC_MASK;
    if (cc_op == CC_OP_CLR)
        return I386_ZF | I386_PF;
    if (cc_op < CC_OP_ADDB || cc_op >= CC_OP_NB)
        return 0;   /* CC_OP_DYNAMIC never reaches run time */

    unsigned ot = (cc_op - CC_OP_ADDB) % 3;
    unsigned kind = CC_OP_ADDB + (cc_op - CC_OP_ADDB) / 3 * 3;
    unsigned bits = 8u << ot;
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    uint32_t msb = 1u << (bits - 1);
    uint32_t r = dst & mask, b = src & mask, a;
    uint32_t f = zsp_flags(r, bits);
    bool cf = false, of = false, af = false;

    switch (kind) {
    case CC_OP_ADDB:
        a = (r - b) & mask;
        cf = r < b;
        of = (~(a ^ b) & (a ^ r)) & msb;
        af = (a ^ b ^ r) & 0x10;
        break;
    case CC_OP_ADCB:
        a = (r - b - (src2 & 1)) & mask;
        cf = (src2 & 1) ? r <= b : r < b;
        of = (~(a ^ b) & (a ^ r)) & msb;
        af = (a ^ b ^ r) & 0x10;
        break;
    case CC_OP_SUBB:
        a = (r + b) & mask;
        cf = a < b;
        of = ((a ^ b) & (a ^ r)) & msb;
        af = (a ^ b ^ r) & 0x10;
        break;
    case CC_OP_SBBB:
        a = (r + b + (src2 & 1)) & mask;
        cf = (src2 & 1) ? a <= b : a < b;
        of = ((a ^ b) & (a ^ r)) & msb;
        af = (a ^ b ^ r) & 0x10;
        break;
    case CC_OP_LOGICB:
        break;
    case CC_OP_INCB:
        cf = src & 1;
        of = r == msb;
        af = (r & 0xf) == 0;
        break;
    case CC_OP_DECB:
        cf = src & 1;
        of = r == msb - 1;
        af = (r & 0xf) == 0xf;
        break;
    case CC_OP_SHLB:
        cf = (b & msb) != 0;
        of = ((b ^ r) & msb) != 0;
        break;
    case CC_OP_SARB:
        cf = b & 1;
        of = ((b ^ r) & msb) != 0;
        break;
    case CC_OP_MULB:
        cf = of = src != 0;
        break;
    }
    return f | (cf ? I386_CF : 0) | (of ? I386_OF : 0) | (af ? I386_AF : 0);
}

uint32_t helper_cc_compute_all(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2)
{
    return cc_compute(cc_op, dst, src, src2);
}

/* CF alone: INC, DEC, ADC, SBB and RCL/RCR need it after a block
 * boundary, far more often than all six flags, so it has its own short
 * path. */
uint32_t helper_cc_compute_c(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2)
{
    if (cc_op < CC_OP_ADDB || cc_op >= CC_OP_NB)
        return cc_op == CC_OP_EFLAGS ? src & I386_CF : 0;
    unsigned ot = (cc_op - CC_OP_ADDB) % 3;
    unsigned kind = CC_OP_ADDB + (cc_op - CC_OP_ADDB) / 3 * 3;
    uint32_t mask = ot == 2 ? 0xffffffffu : (1u << (8u << ot)) - 1;
    uint32_t r = dst & mask, b = src & mask, a;
    switch (kind) {
    case CC_OP_ADDB:
        return r < b;
    case CC_OP_SUBB:
        a = (r + b) & mask;
        return a < b;
    case CC_OP_LOGICB:
        return 0;
    case CC_OP_INCB:
    case CC_OP_DECB:
        return src & 1;
    case CC_OP_SARB:
        return b & 1;
    case CC_OP_MULB:
        return src != 0;
    default:
        return cc_compute(cc_op, dst, src, src2) & I386_CF;
    }
}
