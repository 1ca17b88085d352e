/*
 * Runs IR blocks on a backend with no guest behind them: a test CPU whose
 * globals are plain slots, 64 KiB of guest memory, one code buffer.
 *
 *   IRHarness h;
 *   irh_init(&h, &jit_backend_interp);
 *   irh_begin(&f, IR_I32);                 // env + the 16 test globals
 *   ... build f, ending with ir_gen_exit_tb ...
 *   irh_run(&h, &f, IRH_FOLD, &exit);      // optimizes f, compiles, runs
 *   h.cpu->g[3] ...
 *   irh_destroy(&h);
 */
#ifndef MIMIC_TESTS_IR_HARNESS_H
#define MIMIC_TESTS_IR_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/cpu.h"
#include "exec/exec.h"
#include "exec/tb.h"
#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/ir.h"

/* Globals g0..g7 are i64 (temps 1..8), g8..g15 are i32 (temps 9..16);
 * an i32 global is the low half of its 8-byte slot. */
#define IRH_NB_GLOBALS 16
#define IRH_NB_G64 8
#define IRH_NB_SCRATCH 8
#define IRH_MEM_SIZE 65536u

typedef struct IRHCpu {
    CPUState parent;
    uint64_t g[IRH_NB_GLOBALS];
    /* CPU-state words for ld_env/st_env, never globals */
    uint64_t scratch[IRH_NB_SCRATCH];
    uint64_t calls;    /* counter the test helpers bump */
} IRHCpu;

#define IRH_G(i) ((IRTemp)(1 + (i)))    /* the temp of global gi */
#define IRH_SCRATCH_OFFSET(i) \
    ((int32_t)(offsetof(IRHCpu, scratch) + 8 * (size_t)(i)))

extern const IRGlobalDef irh_globals[IRH_NB_GLOBALS];

typedef struct IRHarness {
    const JitBackend *backend;
    CodeBuf cb;
    IRHCpu *cpu;
    CPUExec *exec;
    uint8_t *mem;              /* IRH_MEM_SIZE bytes + 64 guard bytes */
    TranslationBlock tb[2];
    uint32_t insn_end[TB_MAX_INSNS];
    char err[256];             /* why irh_run failed */
} IRHarness;

enum {
    IRH_FOLD = 1,              /* run opt_fold before opt_liveness */
    IRH_NO_VALIDATE = 2,       /* do not check the block after optimizing */
};

int irh_init(IRHarness *h, const JitBackend *backend);
void irh_destroy(IRHarness *h);
/* Starts f on the test globals. */
void irh_begin(IRFunc *f, IRType addr_type);
/* Zeroes globals, scratch words and memory. */
void irh_reset_state(IRHarness *h);

/* Optimizes f (in place), compiles it into h->tb[slot], returns 0 or a
 * negative value with h->err set. */
int irh_compile(IRHarness *h, IRFunc *f, unsigned flags, int slot);
/* Runs h->tb[slot] with a full budget; returns the backend's exit value. */
uintptr_t irh_exec(IRHarness *h, int slot);
/* irh_compile into slot 0, then irh_exec. */
int irh_run(IRHarness *h, IRFunc *f, unsigned flags, uintptr_t *exit_value);

/* Deep copy of an IRFunc, with its own buffers of the same capacity. */
void irh_func_copy(IRFunc *dst, const IRFunc *src);

/* A deterministic PRNG (splitmix64) for generated tests. */
static inline uint64_t irh_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
