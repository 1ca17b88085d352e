/*
 * Disassembly for the logs (-d in_asm, -d out_asm), through capstone.
 */
#ifndef MIMIC_UTIL_DISAS_H
#define MIMIC_UTIL_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum DisasArch {
    DISAS_X86_64,
    DISAS_I386,
} DisasArch;

/* Writes one line per instruction ("  0x...: bytes  mnemonic operands")
 * for size bytes of code at code, shown at address addr.  Bytes capstone
 * cannot decode are printed as ".byte" lines, so a dump never stops
 * early. */
void disas_dump(FILE *out, DisasArch arch, const void *code, size_t size, uint64_t addr);

#endif
