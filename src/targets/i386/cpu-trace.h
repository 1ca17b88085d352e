/*
 * mimic-i386 -trace-cpu FILE: one trace record (src/targets/i386/trace-format.h)
 * per guest instruction, the state before it runs, in the format
 * mimic-hwtrace writes, so that mimic-tracediff can compare the two.
 */
#ifndef MIMIC_TARGETS_I386_CPU_TRACE_H
#define MIMIC_TARGETS_I386_CPU_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "targets/i386/cpu.h"

/* The command line asked for a trace into path (opened at the first
 * instruction, when the CPU model is known). */
void cpu_trace_request(const char *path, int argc, char **argv);

/* -trace-fpu: an x87/SSE state item before the first record and every
 * n records (0: never). */
void cpu_trace_set_fpu_interval(uint32_t n);

/* True when this thread's CPU is the traced one. */
bool cpu_trace_active(I386CPU *cpu);

/* Before cpu_exec: records the instruction about to run and limits the
 * run to that one instruction. */
void cpu_trace_before_exec(I386CPU *cpu);

/* Writes out what is buffered (before a system call, which may end the
 * process with _exit). */
void cpu_trace_sync(void);

#endif
