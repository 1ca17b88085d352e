/*
 * The one place that reads the host's time-stamp counter.  Replay will
 * log the values here in record mode and return logged ones in replay
 * mode; until then it is a pass-through.
 */
#include "replay/host-clock.h"

#include <x86intrin.h>

uint64_t replay_host_tsc(void)
{
    return __rdtsc();
}
