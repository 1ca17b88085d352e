/*
 * What the exec layer needs from a code generator.  There are two, with
 * the same semantics for every IR program: the x86-64 backend
 * (jit/x86_64/) and the IR interpreter (jit/interp.c).
 */
#ifndef MIMIC_JIT_BACKEND_H
#define MIMIC_JIT_BACKEND_H

#include <stdint.h>
#include <stdio.h>

#include "exec/cpu.h"
#include "exec/tb.h"
#include "jit/codebuf.h"
#include "jit/ir.h"

enum {
    JIT_OK = 0,
    JIT_ERR_BUFFER_FULL = -1,  /* flush the cache and retry */
    JIT_ERR_TOO_BIG = -2,      /* retry with fewer guest instructions */
};

typedef struct JitBackend {
    const char *name;
    /* Emits the code shared by all blocks (entry and exit stubs) into a
     * fresh or flushed buffer, before any block; may be NULL. */
    void (*init)(CodeBuf *cb);
    /*
     * Translates f (after opt_liveness) for tb.  On success sets
     * tb->host_code, tb->host_size, tb->jmp_patch_off[], tb->jmp_reset_off[]
     * and writes insn_end[i] for each of the f->nb_insns instructions: the
     * position where instruction i's code ends (host code offset for
     * generated code, op index for the interpreter).
     */
    int (*compile)(CodeBuf *cb, IRFunc *f, TranslationBlock *tb, uint32_t *insn_end);
    /*
     * Runs tb and every block chained from it; returns 0 or
     * (uintptr_t)last_tb | TB_EXIT_*.
     */
    uintptr_t (*run)(CPUState *cpu, TranslationBlock *tb);
    /* Points slot n of tb at dest, or back at its exit when dest is NULL. */
    void (*set_jump)(CodeBuf *cb, TranslationBlock *tb, int n, TranslationBlock *dest);
    /* Position inside tb of an address in its code, or -1 if it is not
     * inside.  `pc` is an address within the faulting instruction. */
    int64_t (*host_pos)(const TranslationBlock *tb, uintptr_t pc);
    /* Writes tb's generated code to out, for -d out_asm; may be NULL. */
    void (*log_code)(FILE *out, const TranslationBlock *tb);
} JitBackend;

extern const JitBackend jit_backend_x86_64;
extern const JitBackend jit_backend_interp;

/*
 * Found by lookup_and_goto: the next block for the cpu's current state,
 * from the jump cache or the hash table, never translated on this path;
 * NULL sends control back to the cpu loop.  Provided by exec/.
 */
TranslationBlock *tb_lookup_for_jump(CPUState *cpu);

#endif
