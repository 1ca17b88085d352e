/*
 * x86-64 code generation, one function per group of IR ops.  Each takes
 * the op being translated (already x64_ra_op_start-ed by x64_gen_op) and
 * leaves the allocator state describing where its outputs are.
 *
 *   codegen-alu.c  moves, arithmetic, logic, shifts, mul/div, extensions,
 *                  bit fields, byte swaps and bit counts
 *   codegen.c      the dispatcher, compares and branches, labels, CPU
 *                  state and guest memory, barriers, helper calls, exits
 */
#ifndef MIMIC_JIT_X86_64_CODEGEN_H
#define MIMIC_JIT_X86_64_CODEGEN_H

#include "jit/x86_64/regalloc.h"

/* Whether blocks use the POPCNT instruction: by default when CPUID says
 * the host has it; tests force the fallback to check it too.  Read when
 * a block is compiled. */
enum { X64_POPCNT_AUTO, X64_POPCNT_ON, X64_POPCNT_OFF };
extern int x64_popcnt_policy;

/* Translates one op. */
void x64_gen_op(X64Gen *g, const IROp *op);

/* Records that the rel32 field at `field` must reach `target`. */
void x64_gen_reloc(X64Gen *g, size_t field, uintptr_t target);
/* call fn: rel32 when it reaches from anywhere the block can land,
 * otherwise through rax. */
void x64_gen_call_abs(X64Gen *g, uintptr_t fn);

/* codegen-alu.c */
void x64_gen_mov(X64Gen *g, const IROp *op);
void x64_gen_movi(X64Gen *g, const IROp *op);
void x64_gen_binary(X64Gen *g, const IROp *op);     /* add sub mul and or xor andc */
void x64_gen_unary(X64Gen *g, const IROp *op);      /* neg not */
void x64_gen_shift(X64Gen *g, const IROp *op);      /* shl shr sar rotl rotr */
void x64_gen_mul2(X64Gen *g, const IROp *op);       /* mulu2 muls2 */
void x64_gen_div(X64Gen *g, const IROp *op);        /* divu divs remu rems */
void x64_gen_ext(X64Gen *g, const IROp *op);        /* ext*, extrl, extrh */
void x64_gen_bitfield(X64Gen *g, const IROp *op);   /* deposit extract sextract */
void x64_gen_bswap(X64Gen *g, const IROp *op);      /* bswap16/32/64 */
void x64_gen_bitcount(X64Gen *g, const IROp *op);   /* clz ctz popcnt */

#endif
