/*
 * Clocks, sleeps and interval timers.
 *
 * i386 has two generations of time calls: the original ones with 32-bit
 * time_t (struct old_timespec32 and old_timeval32) and, from number 403
 * on, the *_time64 ones with struct __kernel_timespec.  Both reach the
 * same host calls.  A 64-bit timespec from a 32-bit caller has its
 * tv_nsec taken from the low half only, as the kernel does.  Going the
 * other way, seconds past 2038 are truncated as the 32-bit kernel
 * interfaces do.
 *
 * Every clock the guest reads comes from src/replay (virtual-clock.h):
 * the host's clocks, or with -icount a function of the instruction count,
 * one reading per system call so that record/replay can log each result
 * where it is produced.  Sleeps are host sleeps: a signal interrupts them
 * with EINTR and the remaining time is reported.
 */
#include "linux-user/syscall-internal.h"
#include "replay/virtual-clock.h"

#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

abi_long get_guest_timespec(LinuxThread *t, uint32_t addr, bool time64, struct timespec *ts)
{
    abi_long err;
    if (time64) {
        GuestTimespec64 g;
        err = get_guest(t, &g, addr, sizeof(g));
        if (err)
            return err;
        ts->tv_sec = g.tv_sec;
        ts->tv_nsec = (int32_t)(uint32_t)g.tv_nsec;
    } else {
        GuestTimespec32 g;
        err = get_guest(t, &g, addr, sizeof(g));
        if (err)
            return err;
        ts->tv_sec = g.tv_sec;
        ts->tv_nsec = g.tv_nsec;
    }
    return 0;
}

abi_long put_guest_timespec(LinuxThread *t, uint32_t addr, bool time64, const struct timespec *ts)
{
    if (time64) {
        GuestTimespec64 g = { .tv_sec = ts->tv_sec, .tv_nsec = ts->tv_nsec };
        return put_guest(t, addr, &g, sizeof(g));
    }
    GuestTimespec32 g = { .tv_sec = (int32_t)ts->tv_sec, .tv_nsec = (int32_t)ts->tv_nsec };
    return put_guest(t, addr, &g, sizeof(g));
}

abi_long get_guest_timeval(LinuxThread *t, uint32_t addr, struct timeval *tv)
{
    GuestTimeval32 g;
    abi_long err = get_guest(t, &g, addr, sizeof(g));
    if (err)
        return err;
    tv->tv_sec = g.tv_sec;
    tv->tv_usec = g.tv_usec;
    return 0;
}

abi_long put_guest_timeval(LinuxThread *t, uint32_t addr, const struct timeval *tv)
{
    GuestTimeval32 g = { .tv_sec = (int32_t)tv->tv_sec, .tv_usec = (int32_t)tv->tv_usec };
    return put_guest(t, addr, &g, sizeof(g));
}

/* The guest's clock id now (the process's instructions so far). */
static abi_long guest_clock(LinuxThread *t, clockid_t id, struct timespec *ts)
{
    int r = replay_clock_gettime(id, &t->cpu.parent, ts);
    return r < 0 ? host_to_guest_errno(-r) : 0;
}

SYSCALL_DECL(time)
{
    struct timespec ts;
    abi_long r = guest_clock(t, CLOCK_REALTIME, &ts);
    if (r)
        return r;
    time_t now = ts.tv_sec;
    if (a[0]) {
        abi_long err = put_guest_u32(t, a[0], (uint32_t)now);
        if (err)
            return err;
    }
    return (abi_long)now;
}

SYSCALL_DECL(gettimeofday)
{
    struct timeval tv;
    struct timezone tz;
    /* The kernel's time zone (sys_tz), not a time: tv NULL. */
    if (syscall(SYS_gettimeofday, NULL, &tz) != 0)
        memset(&tz, 0, sizeof(tz));
    struct timespec ts;
    abi_long r = guest_clock(t, CLOCK_REALTIME, &ts);
    if (r)
        return r;
    tv.tv_sec = ts.tv_sec;
    tv.tv_usec = ts.tv_nsec / 1000;
    abi_long err = 0;
    if (a[0])
        err = put_guest_timeval(t, a[0], &tv);
    if (!err && a[1]) {
        GuestTimezone g = { tz.tz_minuteswest, tz.tz_dsttime };
        err = put_guest(t, a[1], &g, sizeof(g));
    }
    return err;
}

static abi_long do_clock_gettime(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct timespec ts;
    abi_long r = guest_clock(t, (clockid_t)(int32_t)a[0], &ts);
    if (r)
        return r;
    return put_guest_timespec(t, a[1], time64, &ts);
}

SYSCALL_DECL(clock_gettime)
{
    return do_clock_gettime(t, a, false);
}

SYSCALL_DECL(clock_gettime64)
{
    return do_clock_gettime(t, a, true);
}

static abi_long do_clock_getres(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct timespec ts;
    int res = replay_clock_getres((clockid_t)(int32_t)a[0], &ts);
    if (res < 0)
        return host_to_guest_errno(-res);
    if (!a[1])
        return 0;
    return put_guest_timespec(t, a[1], time64, &ts);
}

SYSCALL_DECL(clock_getres)
{
    return do_clock_getres(t, a, false);
}

SYSCALL_DECL(clock_getres_time64)
{
    return do_clock_getres(t, a, true);
}

/* clock_nanosleep(clock, flags, req, rem): rem is written only when a
 * relative sleep was interrupted. */
static abi_long do_clock_nanosleep(LinuxThread *t, int clock, int flags, uint32_t req,
                                   uint32_t rem, bool time64)
{
    struct timespec in, left;
    abi_long err = get_guest_timespec(t, req, time64, &in);
    if (err)
        return err;
    long r = safe_syscall(SYS_clock_nanosleep, clock, flags, &in, &left);
    if (r == 0)
        return 0;
    int e = errno;
    if (e == EINTR && rem && !(flags & TIMER_ABSTIME)) {
        err = put_guest_timespec(t, rem, time64, &left);
        if (err)
            return err;
    }
    return host_to_guest_errno(e);
}

SYSCALL_DECL(nanosleep)
{
    return do_clock_nanosleep(t, CLOCK_MONOTONIC, 0, a[0], a[1], false);
}

SYSCALL_DECL(clock_nanosleep)
{
    return do_clock_nanosleep(t, (int)a[0], (int)a[1], a[2], a[3], false);
}

SYSCALL_DECL(clock_nanosleep_time64)
{
    return do_clock_nanosleep(t, (int)a[0], (int)a[1], a[2], a[3], true);
}

SYSCALL_DECL(times)
{
    struct tms tm;
    clock_t now = times(&tm);
    if (a[0]) {
        GuestTms g = {
            (int32_t)tm.tms_utime, (int32_t)tm.tms_stime,
            (int32_t)tm.tms_cutime, (int32_t)tm.tms_cstime,
        };
        abi_long err = put_guest(t, a[0], &g, sizeof(g));
        if (err)
            return err;
    }
    /* A tick count wraps in a 32-bit clock_t; callers take differences. */
    return (abi_long)(uint32_t)now;
}

static abi_long put_itimerval(LinuxThread *t, uint32_t addr, const struct itimerval *v)
{
    abi_long err = put_guest_timeval(t, addr, &v->it_interval);
    return err ? err : put_guest_timeval(t, addr + 8, &v->it_value);
}

SYSCALL_DECL(getitimer)
{
    struct itimerval v;
    if (getitimer((int)a[0], &v) != 0)
        return host_to_guest_errno(errno);
    return put_itimerval(t, a[1], &v);
}

SYSCALL_DECL(setitimer)
{
    struct itimerval nv, ov;
    /* A NULL new value disarms the timer, as older kernels allowed. */
    memset(&nv, 0, sizeof(nv));
    if (a[1]) {
        abi_long err = get_guest_timeval(t, a[1], &nv.it_interval);
        if (!err)
            err = get_guest_timeval(t, a[1] + 8, &nv.it_value);
        if (err)
            return err;
    }
    if (setitimer((int)a[0], &nv, &ov) != 0)
        return host_to_guest_errno(errno);
    return a[2] ? put_itimerval(t, a[2], &ov) : 0;
}

SYSCALL_DECL(alarm)
{
    (void)t;
    return (abi_long)alarm((unsigned)a[0]);
}

SYSCALL_DECL(timerfd_create)
{
    (void)t;
    return host_ret(timerfd_create((int)a[0], (int)a[1]));
}

static abi_long get_itimerspec(LinuxThread *t, uint32_t addr, bool time64, struct itimerspec *v)
{
    unsigned size = time64 ? sizeof(GuestTimespec64) : sizeof(GuestTimespec32);
    abi_long err = get_guest_timespec(t, addr, time64, &v->it_interval);
    return err ? err : get_guest_timespec(t, addr + size, time64, &v->it_value);
}

static abi_long put_itimerspec(LinuxThread *t, uint32_t addr, bool time64,
                               const struct itimerspec *v)
{
    unsigned size = time64 ? sizeof(GuestTimespec64) : sizeof(GuestTimespec32);
    abi_long err = put_guest_timespec(t, addr, time64, &v->it_interval);
    return err ? err : put_guest_timespec(t, addr + size, time64, &v->it_value);
}

static abi_long do_timerfd_settime(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct itimerspec nv, ov;
    abi_long err = get_itimerspec(t, a[2], time64, &nv);
    if (err)
        return err;
    if (timerfd_settime((int)a[0], (int)a[1], &nv, &ov) != 0)
        return host_to_guest_errno(errno);
    return a[3] ? put_itimerspec(t, a[3], time64, &ov) : 0;
}

static abi_long do_timerfd_gettime(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct itimerspec v;
    if (timerfd_gettime((int)a[0], &v) != 0)
        return host_to_guest_errno(errno);
    return put_itimerspec(t, a[1], time64, &v);
}

SYSCALL_DECL(timerfd_settime)
{
    return do_timerfd_settime(t, a, false);
}

SYSCALL_DECL(timerfd_settime64)
{
    return do_timerfd_settime(t, a, true);
}

SYSCALL_DECL(timerfd_gettime)
{
    return do_timerfd_gettime(t, a, false);
}

SYSCALL_DECL(timerfd_gettime64)
{
    return do_timerfd_gettime(t, a, true);
}

SYSCALL_DECL(settimeofday)
{
    struct timeval tv, *tvp = NULL;
    struct timezone tz, *tzp = NULL;
    if (a[0]) {
        abi_long err = get_guest_timeval(t, a[0], &tv);
        if (err)
            return err;
        tvp = &tv;
    }
    if (a[1]) {
        GuestTimezone g;
        abi_long err = get_guest(t, &g, a[1], sizeof(g));
        if (err)
            return err;
        tz.tz_minuteswest = g.tz_minuteswest;
        tz.tz_dsttime = g.tz_dsttime;
        tzp = &tz;
    }
    return host_ret(syscall(SYS_settimeofday, tvp, tzp));
}

static abi_long do_clock_settime(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct timespec ts;
    abi_long err = get_guest_timespec(t, a[1], time64, &ts);
    if (err)
        return err;
    return host_ret(syscall(SYS_clock_settime, (clockid_t)(int32_t)a[0], &ts));
}

SYSCALL_DECL(clock_settime)
{
    return do_clock_settime(t, a, false);
}

SYSCALL_DECL(clock_settime64)
{
    return do_clock_settime(t, a, true);
}

/* ---- POSIX timers ------------------------------------------------------ */

/* Guest signals the host kernel must not deliver to mimic: 32 and 33
 * are the host C library's own, 64 is the signal layer's wake-up
 * (signal.c), so a timer cannot raise them. */
static bool signal_reserved_on_host(int sig)
{
    return sig == 32 || sig == 33 || sig == 64;
}

/* timer_create(clock, sigevent*, timer_t *): the kernel's timer id is
 * an int in both ABIs. */
SYSCALL_DECL(timer_create)
{
    struct sigevent sev, *sevp = NULL;
    if (a[1]) {
        GuestSigevent g;
        abi_long err = get_guest(t, &g, a[1], sizeof(g));
        if (err)
            return err;
        memset(&sev, 0, sizeof(sev));
        /* Both members of the sigval union keep their 32 bits. */
        sev.sigev_value.sival_ptr = (void *)(uintptr_t)g.value;
        sev.sigev_signo = g.signo;
        sev.sigev_notify = g.notify;
        sev._sigev_un._tid = g.tid;   /* glibc 2.36 names it only so */
        if (g.notify != SIGEV_NONE && signal_reserved_on_host(g.signo)) {
            syscall_unimp(t, "timer_create with signal %d", g.signo);
            return -EINVAL;
        }
        sevp = &sev;
    }
    int id;
    if (syscall(SYS_timer_create, (clockid_t)(int32_t)a[0], sevp, &id) != 0)
        return host_to_guest_errno(errno);
    abi_long err = put_guest_u32(t, a[2], (uint32_t)id);
    if (err)
        syscall(SYS_timer_delete, id);
    return err;
}

static abi_long do_timer_settime(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct itimerspec nv, ov;
    abi_long err = get_itimerspec(t, a[2], time64, &nv);
    if (err)
        return err;
    if (syscall(SYS_timer_settime, (int)a[0], (int)a[1], &nv, &ov) != 0)
        return host_to_guest_errno(errno);
    return a[3] ? put_itimerspec(t, a[3], time64, &ov) : 0;
}

static abi_long do_timer_gettime(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct itimerspec v;
    if (syscall(SYS_timer_gettime, (int)a[0], &v) != 0)
        return host_to_guest_errno(errno);
    return put_itimerspec(t, a[1], time64, &v);
}

SYSCALL_DECL(timer_settime)
{
    return do_timer_settime(t, a, false);
}

SYSCALL_DECL(timer_settime64)
{
    return do_timer_settime(t, a, true);
}

SYSCALL_DECL(timer_gettime)
{
    return do_timer_gettime(t, a, false);
}

SYSCALL_DECL(timer_gettime64)
{
    return do_timer_gettime(t, a, true);
}

SYSCALL_DECL(timer_getoverrun)
{
    (void)t;
    return host_ret(syscall(SYS_timer_getoverrun, (int)a[0]));
}

SYSCALL_DECL(timer_delete)
{
    (void)t;
    return host_ret(syscall(SYS_timer_delete, (int)a[0]));
}
