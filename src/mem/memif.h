/*
 * The guest memory interface that guest_ld/guest_st go through.
 *
 * User mode maps the guest's address space inside one host reservation:
 * guest address A lives at host address cpu->guest_base + A, so the
 * x86-64 backend inlines an access as one host instruction based on a
 * reserved register, and a fault on it is a host SIGSEGV that the
 * user-mode layer turns into a guest signal at the exact instruction.
 * The interpreter and helpers use the functions below, with the same
 * semantics.  (System mode adds a soft TLB behind the same ops.)
 */
#ifndef MIMIC_MEM_MEMIF_H
#define MIMIC_MEM_MEMIF_H

#include <stdint.h>
#include <string.h>

#include "exec/cpu.h"
#include "jit/ir.h"

static inline void *mem_host_addr(const CPUState *cpu, uint64_t addr)
{
    return cpu->guest_base + addr;
}

/* Loads size (memop) bytes at host address p, byte-swapped for
 * IR_MO_BE, extended to 64 bits (sign-extended for IR_MO_SIGN).  Shared
 * by guest accesses and the interpreter's CPU-state accesses. */
static inline uint64_t mem_ld_host(const void *p, unsigned memop)
{
    switch (memop & IR_MO_SIZE) {
    case IR_MO_8: {
        uint8_t x;
        memcpy(&x, p, 1);
        return (memop & IR_MO_SIGN) ? (uint64_t)(int64_t)(int8_t)x : x;
    }
    case IR_MO_16: {
        uint16_t x;
        memcpy(&x, p, 2);
        if (memop & IR_MO_BE)
            x = __builtin_bswap16(x);
        return (memop & IR_MO_SIGN) ? (uint64_t)(int64_t)(int16_t)x : x;
    }
    case IR_MO_32: {
        uint32_t x;
        memcpy(&x, p, 4);
        if (memop & IR_MO_BE)
            x = __builtin_bswap32(x);
        return (memop & IR_MO_SIGN) ? (uint64_t)(int64_t)(int32_t)x : x;
    }
    default: {
        uint64_t x;
        memcpy(&x, p, 8);
        return (memop & IR_MO_BE) ? __builtin_bswap64(x) : x;
    }
    }
}

/* Stores the low size (memop) bytes of val at host address p. */
static inline void mem_st_host(void *p, uint64_t val, unsigned memop)
{
    switch (memop & IR_MO_SIZE) {
    case IR_MO_8: {
        uint8_t x = (uint8_t)val;
        memcpy(p, &x, 1);
        break;
    }
    case IR_MO_16: {
        uint16_t x = (uint16_t)val;
        if (memop & IR_MO_BE)
            x = __builtin_bswap16(x);
        memcpy(p, &x, 2);
        break;
    }
    case IR_MO_32: {
        uint32_t x = (uint32_t)val;
        if (memop & IR_MO_BE)
            x = __builtin_bswap32(x);
        memcpy(p, &x, 4);
        break;
    }
    default: {
        uint64_t x = val;
        if (memop & IR_MO_BE)
            x = __builtin_bswap64(x);
        memcpy(p, &x, 8);
        break;
    }
    }
}

/* A guest load: mem_ld_host at the guest address. */
static inline uint64_t mem_ld(const CPUState *cpu, uint64_t addr, unsigned memop)
{
    return mem_ld_host(mem_host_addr(cpu, addr), memop);
}

static inline void mem_st(const CPUState *cpu, uint64_t addr, uint64_t val, unsigned memop)
{
    mem_st_host(mem_host_addr(cpu, addr), val, memop);
}

#endif
