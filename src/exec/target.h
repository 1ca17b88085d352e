/*
 * A guest target described as data: the exec layer and the front ends
 * select a target by pointing at its TargetInfo, never by #ifdef.
 */
#ifndef MIMIC_EXEC_TARGET_H
#define MIMIC_EXEC_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/cpu.h"
#include "jit/ir.h"

struct TranslatorOps;

typedef struct TargetInfo {
    const char *name;
    IRType addr_type;                 /* guest address width in IR */
    unsigned page_bits;               /* guest page size, log2 */
    const IRGlobalDef *globals;       /* globals, temp i + 1 = globals[i] */
    unsigned nb_globals;
    const struct TranslatorOps *translator;
    size_t disas_size;                /* bytes of the target's DisasContext */
    /* The key of the block to run next: pc and the cpu-state flags that
     * change how code is translated. */
    void (*get_tb_state)(CPUState *cpu, uint64_t *pc, uint32_t *flags);
    /* Puts back the pc and target words that insn_start recorded for the
     * instruction that raised inside a block. */
    void (*restore_state)(CPUState *cpu, const uint64_t data[IR_INSN_START_WORDS]);
    /* Optional, for the logs: guest code as text (-d in_asm; without it
     * the bytes are dumped) and the CPU state (-d cpu). */
    void (*disas_log)(FILE *out, const uint8_t *code, size_t size, uint64_t pc);
    void (*dump_state)(FILE *out, CPUState *cpu);
} TargetInfo;

#endif
