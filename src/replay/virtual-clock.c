/*
 * The guest's clocks: the host's, or with -icount a function of the
 * instruction count (virtual-clock.h).  This file and host-clock.c are
 * the only places that read host time for the guest.
 */
#include "replay/virtual-clock.h"

#include <errno.h>

#include "exec/exec.h"
#include "replay/host-clock.h"

static bool icount_on;
static unsigned icount_shift;
/* The host's clocks when the virtual clock started, in ns. */
static uint64_t base_realtime, base_monotonic, base_tsc;

static uint64_t host_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void replay_icount_enable(unsigned shift)
{
    icount_on = true;
    icount_shift = shift > REPLAY_ICOUNT_MAX_SHIFT ? REPLAY_ICOUNT_MAX_SHIFT : shift;
    /* Whole seconds: every reading's fraction of a second, hence every
     * difference a coarser clock (gettimeofday's microseconds, time's
     * seconds) shows, then depends on the count alone. */
    base_realtime = host_ns(CLOCK_REALTIME) / 1000000000u * 1000000000u;
    base_monotonic = host_ns(CLOCK_MONOTONIC) / 1000000000u * 1000000000u;
    base_tsc = replay_host_tsc();
}

bool replay_icount_enabled(void)
{
    return icount_on;
}

/* The clocks Linux has (include/uapi/linux/time.h): which base each one
 * starts from; -1 for an id that is not a clock. */
static int clock_kind(clockid_t id)
{
    switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI:
    case CLOCK_REALTIME_ALARM:
        return 0;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
        return 1;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return 2;
    default:
        return -1;
    }
}

static ReplayIcountFn icount_fn;

void replay_set_icount_fn(ReplayIcountFn fn)
{
    icount_fn = fn;
}

static uint64_t guest_icount(CPUState *cpu)
{
    return icount_fn ? icount_fn(cpu) : cpu_icount(cpu);
}

int replay_clock_gettime(clockid_t id, CPUState *cpu, struct timespec *ts)
{
    if (!icount_on)
        return clock_gettime(id, ts) == 0 ? 0 : -errno;
    int kind = clock_kind(id);
    if (kind < 0)
        return -EINVAL;
    uint64_t ns = guest_icount(cpu) << icount_shift;
    if (kind == 0)
        ns += base_realtime;
    else if (kind == 1)
        ns += base_monotonic;
    ts->tv_sec = (time_t)(ns / 1000000000u);
    ts->tv_nsec = (long)(ns % 1000000000u);
    return 0;
}

int replay_clock_getres(clockid_t id, struct timespec *ts)
{
    if (!icount_on)
        return clock_getres(id, ts) == 0 ? 0 : -errno;
    if (clock_kind(id) < 0)
        return -EINVAL;
    ts->tv_sec = 0;
    ts->tv_nsec = 1L << icount_shift;
    return 0;
}

uint64_t replay_rdtsc(CPUState *cpu)
{
    if (!icount_on)
        return replay_host_tsc();
    /* The count includes the RDTSC, which has not completed. */
    return base_tsc + ((guest_icount(cpu) - 1) << icount_shift);
}
