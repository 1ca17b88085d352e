/*
 * LOCKed read-modify-write instructions as host atomics on the guest's
 * memory (see helper-atomic.h).
 *
 * x86 lets locked operations be misaligned, and so does the host: the
 * pointers here may be misaligned, which the host's LOCK-prefixed
 * instructions (what the __atomic builtins compile to on x86-64) handle,
 * only more slowly.  The compare-exchanges are the host's LOCK CMPXCHG,
 * which writes memory whether or not the compare succeeds, so a
 * read-only page faults in both cases as it does natively.
 */
#include "targets/i386/helper-atomic.h"

#include <stdbool.h>

#include "exec/exec.h"
#include "jit/ir.h"
#include "mem/memif.h"
#include "targets/i386/cpu.h"

/* Brackets a direct access to guest memory for the fault handler. */
#define GUEST_ACCESS_BEGIN(env) ((env)->exec->helper_retaddr = HELPER_RETADDR())
#define GUEST_ACCESS_END(env) ((env)->exec->helper_retaddr = 0)

/*
 * #AC(0) at the calling instruction when alignment checking is on
 * (EFLAGS.AC at CPL 3) and addr is not a multiple of size, as for every
 * other access (translate-operand.c checks those in IR).  A macro so that
 * HELPER_RETADDR() is the helper's own return address.
 */
#define CHECK_ALIGNMENT(env, addr, size)                                    \
    do {                                                                    \
        if ((i386_cpu(env)->hflags & I386_HF_AC) && ((addr) & ((size) - 1))) { \
            i386_cpu(env)->error_code = 0;                                  \
            cpu_raise((env), I386_EXCP_AC, HELPER_RETADDR());               \
        }                                                                   \
    } while (0)

uint32_t helper_atomic_xadd(CPUState *env, uint32_t addr, uint32_t val, uint32_t ot)
{
    void *p = mem_host_addr(env, addr);
    uint32_t old;
    CHECK_ALIGNMENT(env, addr, 1u << ot);
    exec_watch_access(env, addr, 1u << ot, true);
    GUEST_ACCESS_BEGIN(env);
    switch (ot) {
    case IR_MO_8:
        old = __atomic_fetch_add((uint8_t *)p, (uint8_t)val, __ATOMIC_SEQ_CST);
        break;
    case IR_MO_16:
        old = __atomic_fetch_add((uint16_t *)p, (uint16_t)val, __ATOMIC_SEQ_CST);
        break;
    default:
        old = __atomic_fetch_add((uint32_t *)p, val, __ATOMIC_SEQ_CST);
        break;
    }
    GUEST_ACCESS_END(env);
    return old;
}

uint32_t helper_atomic_cmpxchg(CPUState *env, uint32_t addr, uint32_t expected,
                               uint32_t newval, uint32_t ot)
{
    void *p = mem_host_addr(env, addr);
    uint32_t old;
    CHECK_ALIGNMENT(env, addr, 1u << ot);
    exec_watch_access(env, addr, 1u << ot, true);
    GUEST_ACCESS_BEGIN(env);
    switch (ot) {
    case IR_MO_8: {
        uint8_t e = (uint8_t)expected;
        __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)newval, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        old = e;
        break;
    }
    case IR_MO_16: {
        uint16_t e = (uint16_t)expected;
        __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)newval, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        old = e;
        break;
    }
    default: {
        uint32_t e = expected;
        __atomic_compare_exchange_n((uint32_t *)p, &e, newval, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        old = e;
        break;
    }
    }
    GUEST_ACCESS_END(env);
    return old;
}

uint64_t helper_atomic_cmpxchg8b(CPUState *env, uint32_t addr, uint64_t expected,
                                 uint64_t newval)
{
    uint64_t *p = mem_host_addr(env, addr);
    uint64_t e = expected;
    CHECK_ALIGNMENT(env, addr, 8u);
    exec_watch_access(env, addr, 8, true);
    GUEST_ACCESS_BEGIN(env);
    __atomic_compare_exchange_n(p, &e, newval, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    GUEST_ACCESS_END(env);
    return e;
}

static uint32_t bitop16(uint16_t *p, uint16_t mask, uint32_t op)
{
    switch (op) {
    case I386_ATOMIC_BTS: return __atomic_fetch_or(p, mask, __ATOMIC_SEQ_CST);
    case I386_ATOMIC_BTR: return __atomic_fetch_and(p, (uint16_t)~mask, __ATOMIC_SEQ_CST);
    default: return __atomic_fetch_xor(p, mask, __ATOMIC_SEQ_CST);
    }
}

static uint32_t bitop32(uint32_t *p, uint32_t mask, uint32_t op)
{
    switch (op) {
    case I386_ATOMIC_BTS: return __atomic_fetch_or(p, mask, __ATOMIC_SEQ_CST);
    case I386_ATOMIC_BTR: return __atomic_fetch_and(p, ~mask, __ATOMIC_SEQ_CST);
    default: return __atomic_fetch_xor(p, mask, __ATOMIC_SEQ_CST);
    }
}

uint32_t helper_atomic_bitop(CPUState *env, uint32_t addr, uint32_t mask, uint32_t op,
                             uint32_t ot)
{
    void *p = mem_host_addr(env, addr);
    uint32_t old;
    CHECK_ALIGNMENT(env, addr, 1u << ot);
    exec_watch_access(env, addr, 1u << ot, true);
    GUEST_ACCESS_BEGIN(env);
    old = ot == IR_MO_16 ? bitop16(p, (uint16_t)mask, op) : bitop32(p, mask, op);
    GUEST_ACCESS_END(env);
    return old;
}
