/*
 * Decimal-adjust helpers (helper-bcd.c) for DAA DAS AAA AAS AAM AAD.
 *
 * Pure: each takes EAX and the six status flags before the instruction
 * and returns the new EAX and flags packed by i386_pack() (low half:
 * EAX, high half: flags).  AAM with a zero base is #DE, which the
 * translator raises before calling helper_aam.
 */
#ifndef MIMIC_TARGETS_I386_HELPER_BCD_H
#define MIMIC_TARGETS_I386_HELPER_BCD_H

#include <stdint.h>

uint64_t helper_daa(uint32_t eax, uint32_t flags);
uint64_t helper_das(uint32_t eax, uint32_t flags);
uint64_t helper_aaa(uint32_t eax, uint32_t flags);
uint64_t helper_aas(uint32_t eax, uint32_t flags);
uint64_t helper_aam(uint32_t eax, uint32_t flags, uint32_t base);
uint64_t helper_aad(uint32_t eax, uint32_t flags, uint32_t base);

#endif
