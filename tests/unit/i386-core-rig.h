/*
 * A bare i386 vCPU for the core translator's unit tests: an I386CPU on
 * an ExecContext with a chosen backend, a 1 MiB guest memory buffer as
 * guest_base (no linux-user layer), and helpers to run a code snippet
 * until it stops with an exception (snippets end with INT3).
 *
 * Header-only (static inline) so that only the tests including it link
 * the i386 target.  Each test runs its snippets in every configuration
 * of RIG_NB_CONFIGS: interpreter and x86-64 backend, with and without
 * the optimizer, and one instruction per block.
 */
#ifndef TESTS_UNIT_I386_CORE_RIG_H
#define TESTS_UNIT_I386_CORE_RIG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "exec/exec.h"
#include "jit/backend.h"
#include "targets/i386/cpu.h"

#define RIG_MEM_SIZE (1u << 20)
#define RIG_CODE 0x1000u     /* snippets are loaded here */
#define RIG_DATA 0x10000u    /* a data area the tests use */
#define RIG_STACK 0x80000u   /* initial esp */

typedef struct I386Rig {
    I386CPU cpu;
    ExecContext ctx;
    uint8_t *mem;
    int config;
} I386Rig;

/* 0: interpreter, 1: x86-64, 2: x86-64 without opt_fold, 3: interpreter
 * with one instruction per block, 4: x86-64 with one instruction per
 * block. */
#define RIG_NB_CONFIGS 5

static inline const char *rig_config_name(int config)
{
    static const char *const names[RIG_NB_CONFIGS] = {
        "interp", "x86-64", "x86-64 no-opt", "interp one-insn", "x86-64 one-insn",
    };
    return names[config];
}

static inline void rig_init(I386Rig *r, int config)
{
    ExecConfig cfg = {
        .tb_size = 1u << 20,
        .backend = (config == 0 || config == 3) ? &jit_backend_interp : &jit_backend_x86_64,
        .optimize = config != 2,
        .chain_cross_page = true,
        .default_cflags = config >= 3 ? 1 : 0,
    };
    memset(r, 0, sizeof(*r));
    r->config = config;
    r->mem = mmap(NULL, RIG_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    assert_true(r->mem != MAP_FAILED);
    i386_cpu_init(&r->cpu, NULL);
    r->cpu.parent.guest_base = r->mem;
    r->cpu.regs[R_ESP] = RIG_STACK;
    assert_int_equal(exec_init(&r->ctx, &i386_target, &cfg), 0);
    assert_int_equal(cpu_exec_init(&r->cpu.parent, &r->ctx), 0);
}

static inline void rig_destroy(I386Rig *r)
{
    cpu_exec_destroy(&r->cpu.parent);
    exec_destroy(&r->ctx);
    munmap(r->mem, RIG_MEM_SIZE);
}

static inline void rig_load(I386Rig *r, uint32_t addr, const void *bytes, size_t len)
{
    assert_true(addr + len <= RIG_MEM_SIZE);
    memcpy(r->mem + addr, bytes, len);
    tb_invalidate_phys_range(&r->ctx, addr, addr + len);
}

/* Loads code at RIG_CODE, sets eip there and runs to the first exception. */
static inline int rig_run(I386Rig *r, const uint8_t *code, size_t len)
{
    rig_load(r, RIG_CODE, code, len);
    r->cpu.eip = RIG_CODE;
    return cpu_exec(&r->cpu.parent);
}

static inline uint32_t rig_ld32(const I386Rig *r, uint32_t addr)
{
    uint32_t v;
    memcpy(&v, r->mem + addr, 4);
    return v;
}

static inline void rig_st32(I386Rig *r, uint32_t addr, uint32_t v)
{
    memcpy(r->mem + addr, &v, 4);
}

static inline uint16_t rig_ld16(const I386Rig *r, uint32_t addr)
{
    uint16_t v;
    memcpy(&v, r->mem + addr, 2);
    return v;
}

/* The arithmetic flags and DF of EFLAGS. */
#define RIG_FLAGS (I386_CC_MASK | I386_DF)

#endif
