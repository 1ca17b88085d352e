/*
 * The block optimizer: what lets frontends emit naive IR.
 */
#ifndef MIMIC_JIT_OPT_H
#define MIMIC_JIT_OPT_H

#include "jit/ir.h"

/* Constant folding and propagation, algebraic simplification, copy
 * propagation; branches on constants become br or disappear. */
void opt_fold(IRFunc *f);

/* Backward liveness over the whole block (labels and backward branches
 * included): deletes ops whose results are never read and that have no
 * side effects, then sets IROp.life for the backends.  Both backends
 * require it to have run last. */
void opt_liveness(IRFunc *f);

/* opt_fold then opt_liveness. */
void opt_run(IRFunc *f);

#endif
