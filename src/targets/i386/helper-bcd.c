/*
 * The decimal-adjust instructions, written from their pseudocode in the
 * SDM (vol. 2); the flags it leaves undefined are what the host CPU
 * does (see the comment of each).
 */
#include "targets/i386/helper-bcd.h"

#include <stdbool.h>

#include "targets/i386/cpu.h"
#include "targets/i386/helper-shift.h"

/* DAA/DAS: OF is set when the adjustment changed AL's sign from
 * positive to negative (DAA) or from negative to positive (DAS), as an
 * ADD/SUB of the adjustment would. */
uint64_t helper_daa(uint32_t eax, uint32_t flags)
{
    uint32_t al = eax & 0xff, old_al = al;
    uint32_t cf = flags & I386_CF, af = flags & I386_AF;
    uint32_t f = 0;
    if ((al & 0xf) > 9 || af) {
        al += 6;
        f |= I386_AF | ((al > 0xff || cf) ? I386_CF : 0);
        al &= 0xff;
    }
    if (old_al > 0x99 || cf) {
        al = (al + 0x60) & 0xff;
        f |= I386_CF;
    } else {
        f &= ~I386_CF;
    }
    f |= i386_szp_flags(al, 0);
    if (~old_al & al & 0x80)
        f |= I386_OF;
    return i386_pack((eax & ~0xffu) | al, f);
}

uint64_t helper_das(uint32_t eax, uint32_t flags)
{
    uint32_t al = eax & 0xff, old_al = al;
    uint32_t cf = flags & I386_CF, af = flags & I386_AF;
    uint32_t f = 0;
    if ((al & 0xf) > 9 || af) {
        f |= I386_AF | ((al < 6 || cf) ? I386_CF : 0);
        al = (al - 6) & 0xff;
    }
    if (old_al > 0x99 || cf) {
        al = (al - 0x60) & 0xff;
        f |= I386_CF;
    }
    f |= i386_szp_flags(al, 0);
    if (old_al & ~al & 0x80)
        f |= I386_OF;
    return i386_pack((eax & ~0xffu) | al, f);
}

/* AAA/AAS: the host computes SF ZF PF OF as a 16-bit ADD/SUB of AX and
 * 0x106 (or of 0 when no adjustment is needed), before AL's high nibble
 * is cleared. */
static uint64_t ascii_adjust(uint32_t eax, uint32_t flags, bool sub)
{
    uint32_t ax = eax & 0xffff;
    bool adjust = (ax & 0xf) > 9 || (flags & I386_AF);
    uint32_t k = adjust ? 0x106 : 0;
    uint32_t res = (sub ? ax - k : ax + k) & 0xffff;
    uint32_t ovf = sub ? (ax ^ k) & (ax ^ res) : ~(ax ^ k) & (ax ^ res);
    uint32_t f = i386_szp_flags(res, 1) & ~I386_PF;
    f |= i386_szp_flags(res & 0xff, 0) & I386_PF;
    if (ovf & 0x8000)
        f |= I386_OF;
    if (adjust)
        f |= I386_AF | I386_CF;
    return i386_pack((eax & ~0xffffu) | (res & 0xff0f), f);
}

uint64_t helper_aaa(uint32_t eax, uint32_t flags)
{
    return ascii_adjust(eax, flags, false);
}

uint64_t helper_aas(uint32_t eax, uint32_t flags)
{
    return ascii_adjust(eax, flags, true);
}

/* AAM: OF AF CF are cleared. */
uint64_t helper_aam(uint32_t eax, uint32_t flags, uint32_t base)
{
    (void)flags;
    uint32_t al = eax & 0xff;
    base &= 0xff;
    uint32_t ah = al / base;
    al %= base;
    uint32_t f = i386_szp_flags(al, 0);
    return i386_pack((eax & ~0xffffu) | ah << 8 | al, f);
}

/* AAD: the flags of the 8-bit ADD of AL and AH * base. */
uint64_t helper_aad(uint32_t eax, uint32_t flags, uint32_t base)
{
    (void)flags;
    uint32_t al = eax & 0xff, ah = (eax >> 8) & 0xff;
    uint32_t b = (ah * (base & 0xff)) & 0xff;
    uint32_t sum = al + b;
    uint32_t res = sum & 0xff;
    uint32_t f = i386_szp_flags(res, 0);
    if (sum > 0xff)
        f |= I386_CF;
    if ((al ^ b ^ res) & 0x10)
        f |= I386_AF;
    if (~(al ^ b) & (al ^ res) & 0x80)
        f |= I386_OF;
    return i386_pack((eax & ~0xffffu) | res, f);
}
