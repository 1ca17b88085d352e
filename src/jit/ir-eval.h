/*
 * The arithmetic of IR ops on constant operands, exactly as docs/ir.md
 * states it.  The constant folder and the IR interpreter both use it, so
 * a folded block and an interpreted one cannot disagree; the x86-64
 * backend is checked against it by the differential tests, and the
 * per-op tests check it against independent C expressions.
 *
 * Inputs must already be masked to the type (the i32 invariant); every
 * result is masked to the type.
 */
#ifndef MIMIC_JIT_IR_EVAL_H
#define MIMIC_JIT_IR_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/ir.h"

static inline int64_t ir_eval_signed(IRType t, uint64_t v)
{
    return t == IR_I32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

static inline bool ir_eval_cond(IRCond c, IRType t, uint64_t a, uint64_t b)
{
    switch (c) {
    case IR_COND_NEVER:  return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ:     return a == b;
    case IR_COND_NE:     return a != b;
    case IR_COND_LT:     return ir_eval_signed(t, a) < ir_eval_signed(t, b);
    case IR_COND_GE:     return ir_eval_signed(t, a) >= ir_eval_signed(t, b);
    case IR_COND_LE:     return ir_eval_signed(t, a) <= ir_eval_signed(t, b);
    case IR_COND_GT:     return ir_eval_signed(t, a) > ir_eval_signed(t, b);
    case IR_COND_LTU:    return a < b;
    case IR_COND_GEU:    return a >= b;
    case IR_COND_LEU:    return a <= b;
    case IR_COND_GTU:    return a > b;
    case IR_COND_TSTEQ:  return (a & b) == 0;
    case IR_COND_TSTNE:  return (a & b) != 0;
    default:             return false;
    }
}

/* True for the ops ir_eval_op computes: one output, one or two inputs,
 * no constants. */
static inline bool ir_eval_is_simple(IROpcode opc)
{
    switch (opc) {
    case IR_OP_mov: case IR_OP_add: case IR_OP_sub: case IR_OP_mul:
    case IR_OP_neg: case IR_OP_divu: case IR_OP_divs: case IR_OP_remu:
    case IR_OP_rems: case IR_OP_and: case IR_OP_or: case IR_OP_xor:
    case IR_OP_andc: case IR_OP_not: case IR_OP_shl: case IR_OP_shr:
    case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr: case IR_OP_ext8s:
    case IR_OP_ext8u: case IR_OP_ext16s: case IR_OP_ext16u: case IR_OP_ext32s:
    case IR_OP_ext32u: case IR_OP_extrl: case IR_OP_extrh: case IR_OP_bswap16:
    case IR_OP_bswap32: case IR_OP_bswap64: case IR_OP_clz: case IR_OP_ctz:
    case IR_OP_popcnt:
        return true;
    default:
        return false;
    }
}

static inline uint64_t ir_eval_op(IROpcode opc, IRType t, uint64_t a, uint64_t b)
{
    const uint64_t m = ir_type_mask(t);
    const unsigned w = ir_type_bits(t);
    const unsigned sh = (unsigned)(b & (w - 1));
    uint64_t r;

    switch (opc) {
    case IR_OP_mov:   r = a; break;
    case IR_OP_add:   r = a + b; break;
    case IR_OP_sub:   r = a - b; break;
    case IR_OP_mul:   r = a * b; break;
    case IR_OP_neg:   r = -a; break;
    case IR_OP_divu:  r = b ? a / b : m; break;
    case IR_OP_remu:  r = b ? a % b : a; break;
    case IR_OP_divs: {
        int64_t sa = ir_eval_signed(t, a), sb = ir_eval_signed(t, b);
        int64_t min = t == IR_I32 ? INT32_MIN : INT64_MIN;
        if (sb == 0)
            r = m;
        else if (sa == min && sb == -1)
            r = (uint64_t)min;
        else
            r = (uint64_t)(sa / sb);
        break;
    }
    case IR_OP_rems: {
        int64_t sa = ir_eval_signed(t, a), sb = ir_eval_signed(t, b);
        if (sb == 0)
            r = a;
        else if (sb == -1)
            r = 0;
        else
            r = (uint64_t)(sa % sb);
        break;
    }
    case IR_OP_and:   r = a & b; break;
    case IR_OP_or:    r = a | b; break;
    case IR_OP_xor:   r = a ^ b; break;
    case IR_OP_andc:  r = a & ~b; break;
    case IR_OP_not:   r = ~a; break;
    case IR_OP_shl:   r = a << sh; break;
    case IR_OP_shr:   r = a >> sh; break;
    case IR_OP_sar:   r = (uint64_t)(ir_eval_signed(t, a) >> sh); break;
    case IR_OP_rotl:  r = sh ? (a << sh) | (a >> (w - sh)) : a; break;
    case IR_OP_rotr:  r = sh ? (a >> sh) | (a << (w - sh)) : a; break;
    case IR_OP_ext8s:  r = (uint64_t)(int64_t)(int8_t)(uint8_t)a; break;
    case IR_OP_ext8u:  r = (uint8_t)a; break;
    case IR_OP_ext16s: r = (uint64_t)(int64_t)(int16_t)(uint16_t)a; break;
    case IR_OP_ext16u: r = (uint16_t)a; break;
    case IR_OP_ext32s: r = (uint64_t)(int64_t)(int32_t)(uint32_t)a; break;
    case IR_OP_ext32u: r = (uint32_t)a; break;
    case IR_OP_extrl:  r = (uint32_t)a; break;
    case IR_OP_extrh:  r = a >> 32; break;
    case IR_OP_bswap16: r = __builtin_bswap16((uint16_t)a); break;
    case IR_OP_bswap32: r = __builtin_bswap32((uint32_t)a); break;
    case IR_OP_bswap64: r = __builtin_bswap64(a); break;
    case IR_OP_clz:
        if (!a)
            r = b;
        else
            r = t == IR_I32 ? (uint64_t)__builtin_clz((uint32_t)a)
                            : (uint64_t)__builtin_clzll(a);
        break;
    case IR_OP_ctz:
        r = a ? (uint64_t)__builtin_ctzll(a) : b;
        break;
    case IR_OP_popcnt: r = (uint64_t)__builtin_popcountll(a); break;
    default:           r = 0; break;
    }
    return r & m;
}

/* mulu2/muls2: the low and high halves of the double-width product. */
static inline void ir_eval_mul2(bool is_signed, IRType t, uint64_t a, uint64_t b,
                                uint64_t *lo, uint64_t *hi)
{
    if (t == IR_I32) {
        uint64_t p = is_signed
            ? (uint64_t)(ir_eval_signed(t, a) * ir_eval_signed(t, b))
            : a * b;
        *lo = (uint32_t)p;
        *hi = (uint32_t)(p >> 32);
    } else {
        unsigned __int128 p = is_signed
            ? (unsigned __int128)((__int128)(int64_t)a * (__int128)(int64_t)b)
            : (unsigned __int128)a * b;
        *lo = (uint64_t)p;
        *hi = (uint64_t)(p >> 64);
    }
}

static inline uint64_t ir_eval_field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static inline uint64_t ir_eval_deposit(IRType t, uint64_t a, uint64_t b,
                                       unsigned pos, unsigned len)
{
    uint64_t mask = ir_eval_field_mask(len) << pos;
    return ((a & ~mask) | ((b << pos) & mask)) & ir_type_mask(t);
}

static inline uint64_t ir_eval_extract(IRType t, uint64_t a, unsigned pos,
                                       unsigned len, bool sign)
{
    uint64_t v = (a >> pos) & ir_eval_field_mask(len);
    if (sign && len < 64 && (v >> (len - 1)) & 1)
        v |= ~ir_eval_field_mask(len);
    return v & ir_type_mask(t);
}

#endif
