/*
 * Results of the instructions whose values do not follow from the guest
 * state (CPUID, RDTSC).  mimic computes them (its CPU model, the host
 * clock), and a source installed here may replace them: a reference
 * trace being followed (-trace-follow), later a replay log.
 */
#ifndef MIMIC_REPLAY_INSN_SOURCE_H
#define MIMIC_REPLAY_INSN_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

enum {
    REPLAY_INSN_CPUID = 0x0fa2,    /* the opcode, as trace files name it */
    REPLAY_INSN_RDTSC = 0x0f31,
};

/* regs: EAX ECX EDX EBX after the instruction; the source overwrites
 * those it supplies and returns true, or returns false. */
typedef bool (*ReplayInsnSourceFn)(void *opaque, uint32_t opcode, uint32_t regs[4]);

void replay_set_insn_source(ReplayInsnSourceFn fn, void *opaque);

/* Called by the instruction's helper with mimic's own values. */
bool replay_insn_result(uint32_t opcode, uint32_t regs[4]);

#endif
