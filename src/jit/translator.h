/*
 * The generic translation loop.  It owns the stop rules (instruction
 * budget, page boundary, IR buffer nearly full, code fetch fault); a
 * target only supplies the hooks of a TranslatorOps table.
 */
#ifndef MIMIC_JIT_TRANSLATOR_H
#define MIMIC_JIT_TRANSLATOR_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/cpu.h"
#include "exec/tb.h"
#include "jit/ir.h"

/* Why translation of a block stops; targets add values from DISAS_TARGET. */
enum {
    DISAS_NEXT,        /* keep going */
    DISAS_TOO_MANY,    /* stopped by the loop: continue at pc_next */
    DISAS_NORETURN,    /* the block already ended (exit emitted) */
    DISAS_TARGET,
};

typedef struct DisasContextBase {
    TranslationBlock *tb;
    IRFunc *f;
    uint64_t pc_first;       /* pc of the block's first instruction */
    uint64_t pc_next;        /* pc of the next instruction to translate */
    int is_jmp;              /* DISAS_* */
    int num_insns;
    int max_insns;
    uint64_t page_mask;      /* ~(page size - 1) */
    /* code fetch: set up by the loop */
    bool (*code_read)(CPUState *cpu, uint64_t addr, void *buf, unsigned len);
    CPUState *cpu;
    sigjmp_buf *fetch_jmp;
    uint64_t fetch_fault_addr;
    uint64_t insn_pc;        /* pc of the instruction being translated */
    uint64_t last_fetched;   /* highest code address read + 1 */
    /* Debugger breakpoints, sorted (set by the caller before the loop):
     * an instruction at one of these pcs starts a block and is replaced
     * by the target's breakpoint hook. */
    const uint64_t *breakpoints;
    unsigned nb_breakpoints;
} DisasContextBase;

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUState *cpu);
    void (*tb_start)(DisasContextBase *db, CPUState *cpu);
    /* Emits the instruction's insn_start. */
    void (*insn_start)(DisasContextBase *db, CPUState *cpu);
    /* Translates one instruction at db->pc_next, advancing it; sets
     * is_jmp to end the block. */
    void (*translate_insn)(DisasContextBase *db, CPUState *cpu);
    /* Emits the block's end for is_jmp (DISAS_TOO_MANY: continue at
     * pc_next). */
    void (*tb_stop)(DisasContextBase *db, CPUState *cpu);
    /* A debugger breakpoint at db->pc_next, the block's first
     * instruction: emits its insn_start and EXCP_DEBUG with the state
     * before it (the instruction does not run, nor count), and sets
     * is_jmp to DISAS_NORETURN.  NULL: breakpoints are ignored. */
    void (*breakpoint)(DisasContextBase *db, CPUState *cpu);
} TranslatorOps;

enum {
    TRANSLATE_OK = 0,
    TRANSLATE_FETCH_FAULT = -1,  /* the first instruction could not be fetched */
};

/*
 * Translates the block starting at tb->pc into f (already begun with the
 * target's globals) with at most max_insns instructions.  db must be the
 * target's context (which starts with a DisasContextBase).  Sets
 * tb->size and tb->icount.  A fetch fault after the first instruction
 * ends the block before the instruction that could not be fetched.
 */
int translator_loop(const TranslatorOps *ops, DisasContextBase *db, CPUState *cpu,
                    TranslationBlock *tb, IRFunc *f, int max_insns,
                    bool (*code_read)(CPUState *, uint64_t, void *, unsigned),
                    unsigned page_bits);

/* Code fetch for translate_insn: little-endian. */
uint8_t translator_ldub(DisasContextBase *db, uint64_t pc);
uint16_t translator_lduw(DisasContextBase *db, uint64_t pc);
uint32_t translator_ldl(DisasContextBase *db, uint64_t pc);
uint64_t translator_ldq(DisasContextBase *db, uint64_t pc);

#endif
