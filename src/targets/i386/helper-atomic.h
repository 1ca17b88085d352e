/*
 * Atomic read-modify-write of guest memory for LOCKed XADD, CMPXCHG,
 * CMPXCHG8B and BTS/BTR/BTC (helper-atomic.c).
 *
 * Guest threads run on host threads, so LOCK is a host atomic operation
 * on the guest's memory.  addr is a linear guest address; the access
 * may fault like any guest access (helper_retaddr lets the fault
 * handler recover the calling instruction), or be misaligned while
 * alignment checking is on (#AC; CMPXCHG8B needs 8-byte alignment).
 * Each returns the value the memory held before.
 */
#ifndef MIMIC_TARGETS_I386_HELPER_ATOMIC_H
#define MIMIC_TARGETS_I386_HELPER_ATOMIC_H

#include <stdint.h>

#include "exec/cpu.h"

/* Bit operations of helper_atomic_bitop. */
enum { I386_ATOMIC_BTS = 1, I386_ATOMIC_BTR = 2, I386_ATOMIC_BTC = 3 };

/* *addr += val at size ot (IR_MO_8/16/32). */
uint32_t helper_atomic_xadd(CPUState *env, uint32_t addr, uint32_t val, uint32_t ot);
/* if (*addr == expected) *addr = newval, at size ot; a failed compare
 * writes the old value back, as the locked instruction does. */
uint32_t helper_atomic_cmpxchg(CPUState *env, uint32_t addr, uint32_t expected,
                               uint32_t newval, uint32_t ot);
uint64_t helper_atomic_cmpxchg8b(CPUState *env, uint32_t addr, uint64_t expected,
                                 uint64_t newval);
/* Sets, clears or complements the bits of mask (I386_ATOMIC_*). */
uint32_t helper_atomic_bitop(CPUState *env, uint32_t addr, uint32_t mask, uint32_t op,
                             uint32_t ot);

#endif
