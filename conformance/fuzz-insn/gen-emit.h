/*
 * What the class generators share (gen.c, gen-fp.c): the random draws,
 * the unit being written, the choice of an r/m operand.  Internal to the
 * generator; fuzz-insn.c uses gen.h only.
 */
#ifndef MIMIC_CONFORMANCE_FUZZ_INSN_GEN_EMIT_H
#define MIMIC_CONFORMANCE_FUZZ_INSN_GEN_EMIT_H

#include "gen.h"

unsigned fuzz_below(FuzzRng *r, unsigned n);
bool fuzz_chance(FuzzRng *r, unsigned percent);
/* An integer operand, favouring the edges of 8, 16 and 32 bits. */
uint32_t fuzz_value(FuzzRng *r);

/* A unit under construction. */
typedef struct Emit {
    FuzzUnit *u;
    unsigned insn_start;
} Emit;

void emit_byte(Emit *e, uint8_t b);
void emit_imm(Emit *e, uint32_t v, unsigned size);
/* Closes the instruction written since the last one (its length goes to
 * the unit for the capstone check). */
void emit_end_insn(Emit *e);

/* The r/m operand of an instruction, chosen before its prefixes are
 * written since a 16-bit address needs 67 and an FS override. */
typedef struct Rm {
    bool mem, a16;
    uint8_t modrm;           /* without the reg field */
    uint8_t tail[6];         /* SIB and displacement */
    unsigned tail_len;
} Rm;

Rm fuzz_choose_rm(FuzzRng *r, bool allow_reg, bool allow_a16, bool any_address);
/* Prefixes (66 when opsize16, 67+FS for a 16-bit address), the opcode
 * bytes, ModRM with reg, SIB and displacement. */
void emit_modrm_insn(Emit *e, const Rm *m, bool opsize16, const uint8_t *op,
                     unsigned op_len, unsigned reg);

/* The sequence being generated: where its FP edge values lie in the
 * data window (16-byte aligned), and the classes switched on. */
extern uint32_t fuzz_fp_area_addr;
extern unsigned fuzz_fp_area_len;
extern uint32_t fuzz_class_mask;
/* Whether the class called name is in the set. */
bool fuzz_class_on(const char *name);

/* The FP and SIMD classes (gen-fp.c). */
void fuzz_gen_x87(FuzzRng *r, Emit *e);
void fuzz_gen_mmx(FuzzRng *r, Emit *e);
void fuzz_gen_sse(FuzzRng *r, Emit *e);
void fuzz_gen_sse2(FuzzRng *r, Emit *e);
void fuzz_gen_sse3(FuzzRng *r, Emit *e);
void fuzz_gen_ssse3(FuzzRng *r, Emit *e);
/* Edge values of every FP and integer width over len bytes at p (a
 * multiple of 16): what memory operands of the FP classes read. */
void fuzz_fill_fp_area(FuzzRng *r, uint8_t *p, unsigned len);
/* A random x87/SSE state: a valid x87 stack of edge values (or MMX
 * values), FCW and MXCSR with random rounding, precision, FTZ/DAZ and
 * mostly masked exceptions, XMM registers of edge lanes. */
void fuzz_gen_fp_state(FuzzRng *r, uint8_t fx[ORACLE_FX_SIZE]);

#endif
