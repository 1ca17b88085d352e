/*
 * -icount shift=N: the guest's time as a function of its instruction
 * count (issue 7, item 1).  Without -icount the guest reads the host's
 * clocks (through here too, so that record and replay have one place to
 * log them); with it, every clock the guest can read advances 2^N ns per
 * instruction the process has completed, and RDTSC counts those
 * nanoseconds.  The clocks start where the host's were when mimic
 * started, rounded down to the second (read once, here), so dates look
 * right, and differences between two readings, at any resolution,
 * depend on nothing but the instructions between them.  The count is
 * the whole process's: exact for one thread; the other threads' counts
 * are read while they run, until record/replay serializes them.
 */
#ifndef MIMIC_REPLAY_VIRTUAL_CLOCK_H
#define MIMIC_REPLAY_VIRTUAL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "exec/cpu.h"

/* The shift `auto` stands for (QEMU picks one; a fixed one keeps runs
 * alike): 2^3 = 8 ns per instruction. */
#define REPLAY_ICOUNT_AUTO_SHIFT 3
#define REPLAY_ICOUNT_MAX_SHIFT 10

/* Turns the virtual clock on (once, before the guest runs). */
void replay_icount_enable(unsigned shift);
bool replay_icount_enabled(void);

/* The guest's clock id now, for a system call of the thread on cpu: 0,
 * or -errno (EINVAL for a clock that does not exist). */
int replay_clock_gettime(clockid_t id, CPUState *cpu, struct timespec *ts);
/* Its resolution: 2^N ns with -icount. */
int replay_clock_getres(clockid_t id, struct timespec *ts);
/* The time-stamp counter RDTSC reads on cpu, from its helper: RDTSC
 * ends its block, so cpu's count already includes it. */
uint64_t replay_rdtsc(CPUState *cpu);

/* The instructions the guest has completed, as its clocks count them:
 * the front end's count for the whole process (user mode: every thread)
 * when it set one, else cpu's own. */
typedef uint64_t (*ReplayIcountFn)(CPUState *cpu);
void replay_set_icount_fn(ReplayIcountFn fn);

#endif
