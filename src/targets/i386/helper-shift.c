/*
 * RCL, RCR, SHLD and SHRD computed in C (see helper-shift.h).
 *
 * The SDM defines the results and CF/OF for a count of 1 and CF for
 * counts up to the operand size; the rest is undefined and is what the
 * host CPU (the reference, an AMD EPYC) does, measured with the native
 * oracle (tests/oracle/) and checked by tests/unit/test-i386-ops-shift.c:
 *
 *  - a masked count of 0 changes nothing, flags included;
 *  - RCL/RCR: OF is computed with the count-1 formula for every count
 *    (RCL: MSB(result) ^ CF; RCR: the XOR of the two top bits of the
 *    result), also when the count is a multiple of 9 or 17 and the
 *    operand comes back unchanged; the other flags are untouched;
 *  - SHLD/SHRD: AF is set, SF ZF PF come from the result.  SHLD's OF is
 *    MSB(result) ^ CF, SHRD's the XOR of the two top result bits;
 *  - 16-bit SHLD/SHRD with a count of 16 to 31 shift through a 48-bit
 *    value: SHLD through dest:src:src, SHRD through src:src:dest, and the
 *    count is not reduced.  For counts above 16 CF and (for SHLD) OF are
 *    0; at exactly 16 SHLD sets OF equal to CF.
 */
#include "targets/i386/helper-shift.h"

#include "targets/i386/cpu.h"

uint32_t i386_szp_flags(uint32_t result, unsigned ot)
{
    unsigned bits = 8u << ot;
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    uint32_t f = __builtin_parity(result & 0xff) ? 0 : I386_PF;
    if ((result & mask) == 0)
        f |= I386_ZF;
    if ((result >> (bits - 1)) & 1)
        f |= I386_SF;
    return f;
}

static uint32_t width_mask(unsigned bits)
{
    return bits == 32 ? 0xffffffffu : (1u << bits) - 1;
}

/* The rotate through carry as a (bits+1)-bit rotate of CF:value. */
static uint64_t rotate_through_carry(uint32_t val, uint32_t count, uint32_t flags,
                                     uint32_t ot, bool left)
{
    unsigned bits = 8u << ot;
    uint32_t mask = width_mask(bits);
    count &= 31;
    if (count == 0)
        return i386_pack(val, flags & I386_CC_MASK);
    unsigned n = count % (bits + 1);
    uint64_t x = (uint64_t)(val & mask) | (uint64_t)(flags & I386_CF) << bits;
    uint64_t ring = (2ull << bits) - 1;
    if (n) {
        unsigned k = left ? n : bits + 1 - n;
        x = ((x << k) | (x >> (bits + 1 - k))) & ring;
    }
    uint32_t res = (uint32_t)x & mask;
    uint32_t cf = (uint32_t)(x >> bits) & 1;
    uint32_t msb = (res >> (bits - 1)) & 1;
    uint32_t of = left ? msb ^ cf : msb ^ ((res >> (bits - 2)) & 1);
    uint32_t f = (flags & I386_CC_MASK & ~(I386_CF | I386_OF)) | cf | (of ? I386_OF : 0);
    return i386_pack(res, f);
}

uint64_t helper_rcl(uint32_t val, uint32_t count, uint32_t flags, uint32_t ot)
{
    return rotate_through_carry(val, count, flags, ot, true);
}

uint64_t helper_rcr(uint32_t val, uint32_t count, uint32_t flags, uint32_t ot)
{
    return rotate_through_carry(val, count, flags, ot, false);
}

uint64_t helper_shld(uint32_t dest, uint32_t src, uint32_t count, uint32_t flags,
                     uint32_t ot)
{
    unsigned n = count & 31;
    if (n == 0)
        return i386_pack(dest, flags & I386_CC_MASK);
    uint32_t res, cf, of;
    if (ot == 1) {
        uint64_t d = dest & 0xffff, s = src & 0xffff;
        uint64_t x = d << 32 | s << 16 | s;
        res = (uint32_t)(x >> (32 - n)) & 0xffff;
        cf = n <= 16 ? (uint32_t)(d >> (16 - n)) & 1 : 0;
        if (n < 16)
            of = (res >> 15) ^ cf;
        else
            of = n == 16 ? cf : 0;
    } else {
        res = dest << n | src >> (32 - n);
        cf = (dest >> (32 - n)) & 1;
        of = (res >> 31) ^ cf;
    }
    return i386_pack(res, i386_szp_flags(res, ot) | I386_AF | cf | (of ? I386_OF : 0));
}

uint64_t helper_shrd(uint32_t dest, uint32_t src, uint32_t count, uint32_t flags,
                     uint32_t ot)
{
    unsigned n = count & 31;
    if (n == 0)
        return i386_pack(dest, flags & I386_CC_MASK);
    unsigned bits = 8u << ot;
    uint32_t res, cf;
    if (ot == 1) {
        uint64_t d = dest & 0xffff, s = src & 0xffff;
        uint64_t x = s << 32 | s << 16 | d;
        res = (uint32_t)(x >> n) & 0xffff;
        cf = n <= 16 ? (uint32_t)(x >> (n - 1)) & 1 : 0;
    } else {
        res = dest >> n | src << (32 - n);
        cf = (dest >> (n - 1)) & 1;
    }
    uint32_t of = ((res >> (bits - 1)) ^ (res >> (bits - 2))) & 1;
    return i386_pack(res, i386_szp_flags(res, ot) | I386_AF | cf | (of ? I386_OF : 0));
}
