/*
 * Random i386 instruction sequences for the differential fuzzer
 * (fuzz-insn.c).  A sequence is 1-4 units; a unit is one instruction, or
 * two where the second needs the first to be safe (POPF pops an immediate
 * pushed just before it, so that TF and AC, which would end the case with
 * a trap or turn alignment checking on, never come from random data).
 * Minimization drops whole units for that reason.
 *
 * The initial state is prepared so that memory operands land in the
 * oracle's data window: EBX, EBP, ESI and EDI point into it, ESP is in
 * its middle, and 16-bit addressing goes through FS, the LDT segment
 * based at the window (every 16-bit offset is then inside it).
 */
#ifndef MIMIC_CONFORMANCE_FUZZ_INSN_GEN_H
#define MIMIC_CONFORMANCE_FUZZ_INSN_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "oracle-proto.h"

#define FUZZ_MAX_UNITS 4
#define FUZZ_UNIT_MAX_INSNS 2
#define FUZZ_UNIT_MAX_BYTES 32

typedef struct FuzzUnit {
    uint8_t bytes[FUZZ_UNIT_MAX_BYTES];
    uint8_t len;
    uint8_t nb_insns;
    uint8_t insn_len[FUZZ_UNIT_MAX_INSNS];
    const char *cls;         /* the opcode class, for the report */
    uint8_t cls_index;       /* its index (fuzz_class_name) */
    bool fs_ldt;             /* uses 16-bit addressing through FS */
} FuzzUnit;

typedef struct FuzzSeq {
    OracleCase state;        /* registers, flags, segments, patch; no code */
    FuzzUnit units[FUZZ_MAX_UNITS];
    unsigned nb_units;
} FuzzSeq;

/* A fixed-seed generator: the same seed gives the same sequences. */
typedef struct FuzzRng {
    uint64_t s;
} FuzzRng;

void fuzz_rng_seed(FuzzRng *r, uint64_t seed);
uint32_t fuzz_rand(FuzzRng *r);

/*
 * Opcode classes.  The integer ones (alu, shift, ...) need nothing but
 * the i386; x87, mmx, sse, sse2, sse3 and ssse3 need their CPUID feature.
 * A class set is a mask of class indices.
 */
#define FUZZ_MAX_CLASSES 32
unsigned fuzz_nb_classes(void);
const char *fuzz_class_name(unsigned i);
/* The classes a CPU with these CPUID.1 EDX/ECX features runs. */
uint32_t fuzz_classes_for_cpuid(uint32_t edx, uint32_t ecx);
/* A comma-separated list of class names, "int" for all the integer
 * classes; false on an unknown name. */
bool fuzz_parse_classes(const char *list, uint32_t *mask);
/* The classes fuzz_gen_seq draws from (default: the integer ones). */
void fuzz_set_classes(uint32_t mask);
/* The MXCSR bits the host lets FXRSTOR set (DAZ is not everywhere). */
void fuzz_set_mxcsr_mask(uint32_t mask);

/* Generates a sequence (not yet checked by capstone). */
void fuzz_gen_seq(FuzzRng *r, FuzzSeq *s);
/* The case of the units whose bit is set in unit_mask, in order. */
void fuzz_seq_case(const FuzzSeq *s, unsigned unit_mask, OracleCase *c);

#endif
