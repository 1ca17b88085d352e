/*
 * The execution engine: translation cache, block lookup and chaining,
 * invalidation of code that is written, and the cpu loop.
 */
#ifndef MIMIC_EXEC_EXEC_H
#define MIMIC_EXEC_EXEC_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/cpu.h"
#include "exec/target.h"
#include "exec/tb.h"
#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/ir.h"

#define TB_JC_BITS 12
#define TB_JC_SIZE (1u << TB_JC_BITS)

/* Reads guest code for the translator; false when addr is not fetchable. */
typedef bool (*CodeReadFn)(CPUState *cpu, uint64_t addr, void *buf, unsigned len);

typedef struct ExecConfig {
    size_t tb_size;              /* code buffer bytes (-tb-size MB); 0 = default */
    const JitBackend *backend;   /* NULL = x86-64 */
    bool chain_cross_page;       /* user mode: chain between pages too */
    bool optimize;               /* run opt_fold (liveness always runs) */
    uint32_t default_cflags;     /* e.g. CF_COUNT 1 for -one-insn-per-tb */
    CodeReadFn code_read;        /* NULL = read at guest_base + addr */
    /* Called with the lock held when a page first holds translated code
     * (user mode write-protects it to catch self-modifying code). */
    void (*page_code_added)(void *opaque, uint64_t page_addr);
    void *opaque;
} ExecConfig;

typedef struct ExecStats {
    uint64_t tbs_translated;
    uint64_t insns_translated;
    uint64_t ir_ops;             /* after optimization */
    uint64_t flushes;
    uint64_t invalidated;
    uint64_t chained;
} ExecStats;

typedef struct PageEntry PageEntry;

/* A debugger watchpoint: [addr, addr + len) for writes, reads or both. */
enum { EXEC_WATCH_WRITE = 1, EXEC_WATCH_READ = 2, EXEC_WATCH_ACCESS = 3 };
#define EXEC_MAX_WATCHPOINTS 32
typedef struct ExecWatchpoint {
    uint64_t addr, len;
    int type;
} ExecWatchpoint;

/* Translation state shared by all vCPUs of one guest. */
typedef struct ExecContext {
    const TargetInfo *target;
    const JitBackend *backend;
    ExecConfig cfg;
    CodeBuf cb;
    /* Held for translation, lookup in the hash table, chaining,
     * invalidation and flush; the jump caches are read without it. */
    pthread_mutex_t lock;
    /* Blocks in the order their code was allocated (host address order). */
    TranslationBlock *tbs;
    uint32_t nb_tbs, max_tbs;
    TranslationBlock **buckets;
    uint32_t nb_buckets;
    /* Guest physical page -> blocks with code on it. */
    PageEntry *pages;
    uint32_t nb_pages, pages_cap;
    IRFunc ir;
    uint32_t *insn_end;
    void *disas;                 /* target's DisasContext, sized by the target */
    CPUState *cpus[64];
    int nb_cpus;
    ExecStats stats;
    /* A flush waits until no other vCPU is inside cpu_exec unparked
     * (exec/cpu-exclusive.c); all three are under `lock`. */
    pthread_cond_t exclusive_cond;
    int nb_running;
    bool flush_pending;
    /* Debugger breakpoints (breakpoint.c), sorted; under `lock`. */
    uint64_t *breakpoints;
    unsigned nb_breakpoints, breakpoints_cap;
    /* Debugger watchpoints: changed only while every vCPU is outside
     * cpu_exec (a debugger stop), read by exec_watch_access. */
    ExecWatchpoint watchpoints[EXEC_MAX_WATCHPOINTS];
    unsigned nb_watchpoints;
} ExecContext;

/* The cpu loop's state for one vCPU. */
typedef struct CPUExec {
    sigjmp_buf jmp;              /* where cpu_loop_exit returns */
    ExecContext *ctx;
    TranslationBlock *jc[TB_JC_SIZE];
    uint64_t icount_base;        /* instructions completed before this chunk */
    uint16_t chunk;              /* budget.u16.low at the start of the chunk */
    uint64_t icount_limit;       /* stop exactly here; UINT64_MAX = never */
    volatile int exit_request;
    /* Interpreter position, for state recovery while it runs. */
    TranslationBlock *interp_tb;
    uint32_t interp_pos;
    uint64_t fetch_fault_addr;   /* with EXCP_FETCH */
    /* Set by a helper (HELPER_RETADDR()) while it touches guest memory
     * directly, 0 otherwise: a host fault there is recovered to the guest
     * instruction that called the helper. */
    uintptr_t helper_retaddr;
    bool in_exec;
    /* The watchpoint the last instruction hit (exec_watch_access): set
     * when it did, cleared by the debugger's stop. */
    bool watch_hit;
    int watch_type;              /* the watchpoint's EXEC_WATCH_* */
    uint64_t watch_addr;         /* the watchpoint's address */
    /* When not 0: the cflags (with CF_INTERP added as the backend needs)
     * of the next block the loop runs, translated afresh if CF_NOCACHE;
     * consumed by that lookup.  Set before cpu_loop_exit. */
    uint32_t cflags_next_tb;
} CPUExec;

int exec_init(ExecContext *ctx, const TargetInfo *target, const ExecConfig *cfg);
void exec_destroy(ExecContext *ctx);

/* In the child of a fork(): the other vCPUs of ctx do not exist there.
 * Forgets them (keeping `survivor`, which must be outside cpu_exec),
 * clears the running count and a pending flush, and makes the lock
 * usable again.  The parent must have held ctx->lock across the fork. */
void exec_fork_child(ExecContext *ctx, CPUState *survivor);

/* Attaches cpu (whose target fields the caller set) to ctx. */
int cpu_exec_init(CPUState *cpu, ExecContext *ctx);
void cpu_exec_destroy(CPUState *cpu);

/* Runs guest code until something needs the caller: returns the
 * exception_index (a target exception >= 0, or EXCP_*). */
int cpu_exec(CPUState *cpu);

/* Asks cpu to leave generated code at the next block entry; safe from
 * another thread and from a signal handler. */
void cpu_exit(CPUState *cpu);

/* Guest instructions completed by cpu so far. */
uint64_t cpu_icount(const CPUState *cpu);
/* cpu_exec returns EXCP_BUDGET when the count reaches limit exactly. */
void cpu_set_icount_limit(CPUState *cpu, uint64_t limit);

/* Recovers guest pc (and target words) and the instruction count of the
 * instruction that contains host_pc.  host_pc is an address inside the
 * faulting host instruction (use HELPER_RETADDR() in helpers).  Returns
 * false if host_pc is not inside a block. */
bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc);

/* The block whose code contains host_pc (generated code, or the block the
 * interpreter is running) and, if pos is not NULL, the position in it in
 * backend units; NULL when host_pc is not inside a block. */
TranslationBlock *tb_find_by_host_pc(CPUState *cpu, uintptr_t host_pc, int64_t *pos);

/* Leaves generated code after the instruction that contains host_pc: it
 * counts as completed, the rest of its block as not run.  The caller has
 * already put the state after that instruction (next pc) in the CPU
 * state; cpu_exec goes on with the next block.  For helpers that change
 * the code of the block running them. */
_Noreturn void cpu_loop_exit_after(CPUState *cpu, uintptr_t host_pc);

/* For a host fault that may hide a check the MMU cannot make (CF_STRICT):
 * puts the state back to the instruction at host_pc and leaves, so that
 * cpu_exec runs exactly that instruction again from a block translated
 * CF_STRICT.  Returns (doing nothing) when the block at host_pc already
 * is strict, or host_pc is not in a block: the fault is what it seems. */
void cpu_rerun_strict(CPUState *cpu, uintptr_t host_pc);

/* Leaves generated code for cpu_exec, which returns cpu->exception_index. */
_Noreturn void cpu_loop_exit(CPUState *cpu);
/* Restores the state of the instruction at host_pc (0: none needed),
 * sets exception_index and leaves. */
_Noreturn void cpu_raise(CPUState *cpu, int excp, uintptr_t host_pc);

/* Inside a helper: an address within the call instruction that called it. */
#define HELPER_RETADDR() ((uintptr_t)__builtin_return_address(0) - 1)

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint32_t flags, uint32_t cflags);
/* Translates and publishes a block; NULL on a fetch fault at pc. */
TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint32_t flags, uint32_t cflags);
/* Removes every block with code in [start, end) (physical addresses). */
void tb_invalidate_phys_range(ExecContext *ctx, uint64_t start, uint64_t end);
bool tb_page_has_code(ExecContext *ctx, uint64_t page_addr);
/* Drops every block and all generated code. */
void tb_flush(ExecContext *ctx);

/* Debugger breakpoints (breakpoint.c): execution stops with EXCP_DEBUG
 * before the instruction at pc, which has not run; guest memory is never
 * changed.  Insert: true if pc is one now (false only when the table is
 * full); remove: true if it was one. */
#define EXEC_MAX_BREAKPOINTS 4096
bool exec_breakpoint_insert(ExecContext *ctx, uint64_t pc);
bool exec_breakpoint_remove(ExecContext *ctx, uint64_t pc);
void exec_breakpoint_remove_all(ExecContext *ctx);

/* Watchpoints (breakpoint.c): only while no vCPU runs guest code.  Blocks
 * translated afterwards carry CF_WATCH.  false: full, or none such. */
bool exec_watchpoint_insert(ExecContext *ctx, uint64_t addr, uint64_t len, int type);
bool exec_watchpoint_remove(ExecContext *ctx, uint64_t addr, uint64_t len, int type);
void exec_watchpoint_remove_all(ExecContext *ctx);
/* A data access of the running instruction (from translated code or a
 * helper): records a hit when it touches a watchpoint of its kind. */
void exec_watch_access(CPUState *cpu, uint64_t addr, uint64_t len, bool write);

#endif
