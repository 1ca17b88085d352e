/*
 * CPU models: what CPUID reports.  A model advertises exactly the
 * features mimic implements (docs/i386.md lists them), so a program
 * that probes CPUID never takes a path mimic cannot run.
 */
#ifndef MIMIC_TARGETS_I386_CPUID_H
#define MIMIC_TARGETS_I386_CPUID_H

#include <stdint.h>
#include <stdio.h>

/* CPUID.1:EDX feature bits (SDM vol. 2, table 3-11). */
enum {
    CPUID_FPU = 1u << 0,
    CPUID_TSC = 1u << 4,
    CPUID_CX8 = 1u << 8,
    CPUID_CMOV = 1u << 15,
    CPUID_MMX = 1u << 23,
    CPUID_FXSR = 1u << 24,
    CPUID_SSE = 1u << 25,
    CPUID_SSE2 = 1u << 26,
    CPUID_CLFSH = 1u << 19,
};

/* CPUID.1:ECX feature bits (SDM vol. 2, table 3-10). */
enum {
    CPUID_ECX_SSE3 = 1u << 0,
    CPUID_ECX_SSSE3 = 1u << 9,
};

typedef struct I386Model {
    const char *name;
    const char *description;
    const char *vendor;            /* 12 characters */
    uint32_t family, model, stepping;
    uint32_t features_edx;         /* CPUID.1:EDX */
    uint32_t features_ecx;         /* CPUID.1:ECX */
    uint32_t ext_features_edx;     /* CPUID.80000001h:EDX */
    uint32_t ext_features_ecx;     /* CPUID.80000001h:ECX */
    const char *brand;             /* at most 47 characters */
} I386Model;

const I386Model *i386_model_default(void);
/* The model called name, or NULL. */
const I386Model *i386_model_find(const char *name);
/* One line per model, for -cpu help. */
void i386_model_list(FILE *out);

/* CPUID leaf `leaf` (subleaf in ecx): out = eax, ebx, ecx, edx. */
void i386_cpuid(const I386Model *m, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

#endif
