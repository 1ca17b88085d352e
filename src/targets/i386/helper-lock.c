/*
 * LOCKed read-modify-write of the core instructions (ALU ops, INC, DEC,
 * NOT, NEG with a LOCK prefix; XCHG with memory, which is always
 * locked), done with host atomics on the guest's memory so they stay
 * atomic against the other guest threads, which are host threads.
 *
 * Every operation is a compare-and-swap loop on the host address (an
 * exchange for XCHG): the result is written only if the memory still
 * holds the value it was computed from.  It returns the old value; the
 * translator computes the result and the flags from it in IR.  The
 * access may fault (unmapped page, or a page holding translated code):
 * helper_retaddr lets the user-mode fault handler recover the guest
 * instruction.
 */
#include "exec/exec.h"
#include "targets/i386/helper.h"
#include "targets/i386/translate.h"

static uint32_t lock_apply(uint32_t op, uint32_t old, uint32_t val)
{
    switch (op) {
    case I386_LOCK_ADD: return old + val;
    case I386_LOCK_SUB: return old - val;
    case I386_LOCK_OR: return old | val;
    case I386_LOCK_AND: return old & val;
    case I386_LOCK_XOR: return old ^ val;
    case I386_LOCK_NEG: return -old;
    default: return val;   /* I386_LOCK_XCHG */
    }
}

static uint32_t rmw8(uint8_t *p, uint32_t op, uint32_t val)
{
    uint8_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, (uint8_t)lock_apply(op, old, val), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    return old;
}

static uint32_t rmw16(uint16_t *p, uint32_t op, uint32_t val)
{
    uint16_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, (uint16_t)lock_apply(op, old, val), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    return old;
}

static uint32_t rmw32(uint32_t *p, uint32_t op, uint32_t val)
{
    uint32_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, lock_apply(op, old, val), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    return old;
}

uint32_t helper_lock_rmw(CPUState *env, uint32_t addr, uint32_t val, uint32_t op,
                         uint32_t ot)
{
    void *p = env->guest_base + addr;
    uint32_t old;
    exec_watch_access(env, addr, 1u << ot, true);
    env->exec->helper_retaddr = HELPER_RETADDR();
    switch (ot) {
    case IR_MO_8: old = rmw8(p, op, val); break;
    case IR_MO_16: old = rmw16(p, op, val); break;
    default: old = rmw32(p, op, val); break;
    }
    env->exec->helper_retaddr = 0;
    return old;
}
