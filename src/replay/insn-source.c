/*
 * The source of CPUID/RDTSC results (replay/insn-source.h).  Installed
 * once before the guest runs, so reading it needs no lock.
 */
#include "replay/insn-source.h"

#include <stddef.h>

static ReplayInsnSourceFn source_fn;
static void *source_opaque;

void replay_set_insn_source(ReplayInsnSourceFn fn, void *opaque)
{
    source_fn = fn;
    source_opaque = opaque;
}

bool replay_insn_result(uint32_t opcode, uint32_t regs[4])
{
    return source_fn && source_fn(source_opaque, opcode, regs);
}
