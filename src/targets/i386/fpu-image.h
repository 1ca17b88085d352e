/*
 * x87 and FXSAVE memory operands that wrap at the end of their address
 * size (offset 0xffff with 16-bit addressing, 0xffffffff with 32-bit),
 * made piece by piece as the processor makes them (fpu-image.c).
 */
#ifndef MIMIC_TARGETS_I386_FPU_IMAGE_H
#define MIMIC_TARGETS_I386_FPU_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/cpu.h"

/* The operands made in pieces. */
enum {
    I386_IMAGE_FLDENV,
    I386_IMAGE_FNSTENV,
    I386_IMAGE_FRSTOR,
    I386_IMAGE_FNSAVE,
    I386_IMAGE_LOAD80,     /* FLD m80fp, FBLD */
    I386_IMAGE_STORE80,    /* FSTP m80fp, FBSTP */
    I386_IMAGE_FXRSTOR,
    I386_IMAGE_FXSAVE,
};

/* The helper's `what`: the kind, the segment register, the 16-bit image
 * format (66h FLDENV..FNSAVE), and whether the wait for a pending x87
 * exception comes first (the waiting instructions: all but FNSAVE,
 * FNSTENV, FXSAVE and FXRSTOR). */
#define I386_IMAGE_WHAT(kind, seg, fmt16, waits) \
    ((uint32_t)(kind) | (uint32_t)(seg) << 4 | (uint32_t)(fmt16) << 8 | (uint32_t)(waits) << 9)

/* The operand's size in bytes. */
unsigned i386_image_size(unsigned kind, bool fmt16);

/*
 * The instruction whose operand at `offset` of segment (what) wraps at
 * `mask` (0xffff or 0xffffffff): every access the processor makes, in
 * its order, each checked against the segment and then its pages, and
 * thunk `fn` (the instruction's own, as the translator builds it) run on
 * a host copy of the image.  A fault leaves what the processor leaves:
 * for FRSTOR and FLDENV, FSW, the tag word and each register read
 * before the faulting piece; for FNSAVE and FNSTENV the pieces written
 * before it, the x87 state unchanged; nothing for the other kinds.  The
 * last-instruction pointers are the guest's, as translate-fpu.c keeps
 * them on the other path.
 */
void helper_fpu_image_wrapped(CPUState *env, uint32_t what, uint32_t offset, uint32_t mask,
                              uint64_t fn);

#endif
