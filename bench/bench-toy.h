/*
 * Toy-guest programs for the benchmarks, and what they must compute.
 */
#ifndef MIMIC_BENCH_TOY_H
#define MIMIC_BENCH_TOY_H

#include <stddef.h>
#include <stdint.h>

/* Where the programs are loaded. */
#define BENCH_CODE_BASE 0x100u

/*
 * A program for translation only (it is never run): n instructions of a
 * fixed-seed random mix like compiled code -- mostly register arithmetic,
 * loads and stores, a conditional branch every dozen instructions or so;
 * the last instruction is a jump, so blocks end inside the program.
 */
void bench_gen_translation_mix(uint32_t *words, size_t n, uint64_t seed);

/* A loop workload: its code, the registers it starts with, and a plain C
 * model of the result so a run that computes garbage is caught. */
typedef struct BenchLoop {
    const char *name;
    const char *what;
    const uint32_t *code;
    size_t code_len;
    unsigned insns_per_iter;
    unsigned insns_outside;     /* counted once, outside the loop */
    /* Sets the start registers for `iters` iterations (regs[16], zeroed). */
    void (*setup)(uint32_t *regs, uint32_t iters);
    /* The value the loop leaves in r1, computed in C. */
    uint32_t (*expect_r1)(uint32_t iters);
} BenchLoop;

extern const BenchLoop bench_loops[];
extern const size_t bench_nb_loops;

#endif
