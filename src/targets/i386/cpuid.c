/*
 * The CPU models and the CPUID instruction's answers.
 *
 * Leaves: 0 (highest basic leaf 1, vendor), 1 (signature and feature
 * flags), 0x80000000 (highest extended leaf 0x80000004), 0x80000001
 * (extended features), 0x80000002-4 (brand string).  Like Intel
 * processors, a leaf above the highest one reports the highest basic
 * leaf's values (SDM vol. 2, CPUID, "INPUT EAX = 0: Returns CPUID's
 * Highest Value...").
 *
 * The features are exactly the instructions mimic executes: the x87 FPU,
 * RDTSC, CMPXCHG8B, CMOVcc, FXSAVE/FXRSTOR, CLFLUSH, MMX, SSE, SSE2, SSE3
 * and SSSE3 (no SSE4, AVX, SYSENTER, RDTSCP...), so that a program that
 * probes CPUID (glibc's string functions, for one) only takes paths mimic
 * runs.  "pentium" is the i586 without any of the i686 or SIMD
 * additions, for code paths that fall back.
 */
#include "targets/i386/cpuid.h"

#include <string.h>

#define MAX_BASIC_LEAF 1u
#define MAX_EXT_LEAF 0x80000004u

static const I386Model models[] = {
    {
        .name = "mimic",
        .description = "the default: i686 with x87, MMX, SSE, SSE2, SSE3, SSSE3",
        .vendor = "GenuineIntel",
        .family = 6, .model = 15, .stepping = 1,
        .features_edx = CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_CMOV | CPUID_FXSR |
                        CPUID_CLFSH | CPUID_MMX | CPUID_SSE | CPUID_SSE2,
        .features_ecx = CPUID_ECX_SSE3 | CPUID_ECX_SSSE3,
        .brand = "mimic i386",
    },
    {
        .name = "pentium",
        .description = "i586: x87, TSC, CX8, no CMOV",
        .vendor = "GenuineIntel",
        .family = 5, .model = 2, .stepping = 12,
        .features_edx = CPUID_FPU | CPUID_TSC | CPUID_CX8,
        .brand = "mimic i386 (pentium)",
    },
};

const I386Model *i386_model_default(void)
{
    return &models[0];
}

const I386Model *i386_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (!strcmp(models[i].name, name))
            return &models[i];
    return NULL;
}

void i386_model_list(FILE *out)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        fprintf(out, "  %-10s %s\n", models[i].name, models[i].description);
}

/* Four characters of s from offset i, little-endian, zero-padded. */
static uint32_t str_word(const char *s, size_t len, size_t i)
{
    uint32_t w = 0;
    for (size_t k = 0; k < 4; k++)
        if (i + k < len)
            w |= (uint32_t)(uint8_t)s[i + k] << (8 * k);
    return w;
}

void i386_cpuid(const I386Model *m, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    (void)subleaf;   /* no leaf of these models has subleaves */
    size_t vlen = strlen(m->vendor), blen = strlen(m->brand);
    if ((leaf > MAX_BASIC_LEAF && leaf < 0x80000000u) || leaf > MAX_EXT_LEAF)
        leaf = MAX_BASIC_LEAF;
    memset(out, 0, 4 * sizeof(out[0]));
    switch (leaf) {
    case 0:
        out[0] = MAX_BASIC_LEAF;
        out[1] = str_word(m->vendor, vlen, 0);
        out[3] = str_word(m->vendor, vlen, 4);
        out[2] = str_word(m->vendor, vlen, 8);
        break;
    case 1: {
        /* Signature: stepping 3:0, model 7:4, family 11:8; the extended
         * fields only when the family is 6 or 15 and the model > 15. */
        uint32_t model = m->model & 15, ext_model = m->model >> 4;
        out[0] = m->stepping | model << 4 | m->family << 8 | ext_model << 16;
        /* CLFLUSH line size in 8-byte units (EBX 15:8): 64 bytes. */
        out[1] = (m->features_edx & CPUID_CLFSH) ? 8u << 8 : 0;
        out[2] = m->features_ecx;
        out[3] = m->features_edx;
        break;
    }
    case 0x80000000u:
        out[0] = MAX_EXT_LEAF;
        break;
    case 0x80000001u:
        out[2] = m->ext_features_ecx;
        out[3] = m->ext_features_edx;
        break;
    default: {
        size_t base = (leaf - 0x80000002u) * 16;
        for (int r = 0; r < 4; r++)
            out[r] = str_word(m->brand, blen, base + 4 * (size_t)r);
        break;
    }
    }
}
