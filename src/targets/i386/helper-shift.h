/*
 * Shift and rotate helpers (helper-shift.c) for the forms translate-
 * shift.c does not inline: RCL/RCR (a rotate through CF over 9, 17 or
 * 33 bits) and SHLD/SHRD (whose 16-bit form with a count above 16 has
 * host-specific results).
 *
 * They are pure.  Each takes the six status flags before the instruction
 * (`flags`, EFLAGS positions) and returns the result and the flags after
 * it packed in one 64-bit value, so that one call gives both: see
 * I386_PACKED_*.  ot is the operand size (IR_MO_8/16/32); count is the
 * instruction's count before masking.
 */
#ifndef MIMIC_TARGETS_I386_HELPER_SHIFT_H
#define MIMIC_TARGETS_I386_HELPER_SHIFT_H

#include <stdint.h>

/* A packed helper result: the operand in the low half, the status flags
 * (I386_CC_MASK bits) in the high half. */
static inline uint64_t i386_pack(uint32_t result, uint32_t flags)
{
    return (uint64_t)flags << 32 | result;
}

uint64_t helper_rcl(uint32_t val, uint32_t count, uint32_t flags, uint32_t ot);
uint64_t helper_rcr(uint32_t val, uint32_t count, uint32_t flags, uint32_t ot);
/* dest is shifted; src supplies the bits shifted in.  ot: IR_MO_16/32. */
uint64_t helper_shld(uint32_t dest, uint32_t src, uint32_t count, uint32_t flags,
                     uint32_t ot);
uint64_t helper_shrd(uint32_t dest, uint32_t src, uint32_t count, uint32_t flags,
                     uint32_t ot);

/* The parity, zero and sign flags of a result of 8 << ot bits. */
uint32_t i386_szp_flags(uint32_t result, unsigned ot);

#endif
