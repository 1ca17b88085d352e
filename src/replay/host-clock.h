/*
 * The host clocks the guest may observe directly.  Everything that reads
 * host time for the guest goes through here (DESIGN.md, determinism rule
 * 1), so record and replay have one place to log and feed it.
 */
#ifndef MIMIC_REPLAY_HOST_CLOCK_H
#define MIMIC_REPLAY_HOST_CLOCK_H

#include <stdint.h>

/* The host's time-stamp counter, for the guest's RDTSC. */
uint64_t replay_host_tsc(void);

#endif
