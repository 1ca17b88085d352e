/*
 * Process-attribute handlers on a guest address space, each compared
 * with the host's own answer to the same question: ids, uname (but for
 * the machine, "i686"), resource limits in the 32-bit and 64-bit
 * layouts, sysinfo after scaling, affinity masks, children reaped by
 * wait4 and waitid with their i386 rusage and siginfo, prctl names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "syscall-fixture.h"

static void test_ids(void **state)
{
    (void)state;
    assert_int_equal(CALL(getpid), getpid());
    assert_int_equal(CALL(getppid), getppid());
    assert_int_equal(CALL(gettid), fx_thread->tid);
    assert_int_equal(CALL(getuid), (abi_long)getuid());
    assert_int_equal(CALL(getegid), (abi_long)getegid());
    uid_t u = getuid();
    assert_int_equal(CALL(getuid16), u > 0xffff ? 65534 : (abi_long)u);
    uint32_t r = galloc(4), e = galloc(4), s = galloc(4);
    assert_int_equal(CALL(getresuid, r, e, s), 0);
    uid_t hr, he, hs;
    getresuid(&hr, &he, &hs);
    assert_int_equal(gu32(r), hr);
    assert_int_equal(gu32(e), he);
    assert_int_equal(gu32(s), hs);
    /* 16-bit: two bytes each. */
    uint32_t r16 = galloc(4);
    memset(gptr(r16), 0xff, 4);
    assert_int_equal(CALL(getresuid16, r16, e, s), 0);
    assert_int_equal(gu32(r16) >> 16, 0xffff);
    assert_int_equal(gu32(r16) & 0xffff, hr > 0xffff ? 65534 : hr);

    gid_t groups[64];
    int n = getgroups(64, groups);
    assert_true(n >= 0);
    assert_int_equal(CALL(getgroups, 0, 0), n);
    uint32_t gl = galloc(64 * 4);
    assert_int_equal(CALL(getgroups, 64, gl), n);
    for (int i = 0; i < n; i++)
        assert_int_equal(gu32(gl + 4u * (uint32_t)i), groups[i]);
    assert_int_equal(CALL(getpgrp), getpgrp());
    assert_int_equal(CALL(getsid, 0), getsid(0));
}

static void test_uname(void **state)
{
    (void)state;
    struct utsname u;
    uname(&u);
    uint32_t g = galloc(390);
    assert_int_equal(CALL(uname, g), 0);
    assert_string_equal(gptr(g), u.sysname);
    assert_string_equal((char *)gptr(g) + 65, u.nodename);
    assert_string_equal((char *)gptr(g) + 130, u.release);
    assert_string_equal((char *)gptr(g) + 260, "i686");
    assert_int_equal(CALL(uname, GUEST_UNMAPPED), -EFAULT);
}

static void test_rlimits(void **state)
{
    (void)state;
    struct rlimit h;
    getrlimit(RLIMIT_NOFILE, &h);
    uint32_t g = galloc(8);
    assert_int_equal(CALL(ugetrlimit, RLIMIT_NOFILE, g), 0);
    assert_int_equal(gu32(g), h.rlim_cur >= 0xffffffffu ? 0xffffffffu : h.rlim_cur);
    assert_int_equal(gu32(g + 4), h.rlim_max >= 0xffffffffu ? 0xffffffffu : h.rlim_max);

    /* Lower the soft limit through the guest, see it on the host, put it
     * back with prlimit64. */
    uint32_t want[2] = { 100, gu32(g + 4) };
    assert_int_equal(CALL(setrlimit, RLIMIT_NOFILE, gput(want, 8)), 0);
    struct rlimit now;
    getrlimit(RLIMIT_NOFILE, &now);
    assert_int_equal(now.rlim_cur, 100);
    assert_true(now.rlim_max == h.rlim_max);
    uint64_t back[2] = { h.rlim_cur, h.rlim_max };
    uint32_t old = galloc(16);
    assert_int_equal(CALL(prlimit64, 0, RLIMIT_NOFILE, gput(back, 16), old), 0);
    assert_int_equal(gu64(old), 100);
    getrlimit(RLIMIT_NOFILE, &now);
    assert_int_equal(now.rlim_cur, h.rlim_cur);

    /* RLIMIT_CORE or AS are often infinite: compare whatever the host says. */
    getrlimit(RLIMIT_AS, &h);
    assert_int_equal(CALL(getrlimit, RLIMIT_AS, g), 0);
    assert_int_equal(gu32(g), h.rlim_cur >= 0x7fffffffu ? 0x7fffffffu : h.rlim_cur);
    assert_int_equal(CALL(ugetrlimit, 99, g), -EINVAL);
}

static void test_sysinfo(void **state)
{
    (void)state;
    struct sysinfo h;
    sysinfo(&h);
    uint32_t g = galloc(64);
    assert_int_equal(CALL(sysinfo, g), 0);
    uint64_t unit = gu32(g + 52);
    uint64_t total = (uint64_t)gu32(g + 16) * unit;
    uint64_t htotal = (uint64_t)h.totalram * h.mem_unit;
    /* Scaling loses at most one unit. */
    assert_true(total <= htotal && htotal - total < unit);
    assert_true(gu32(g + 40) > 0);   /* procs */
}

static void test_affinity(void **state)
{
    (void)state;
    cpu_set_t h;
    assert_int_equal(sched_getaffinity(0, sizeof(h), &h), 0);
    uint32_t g = galloc(128);
    abi_long n = CALL(sched_getaffinity, 0, 128, g);
    assert_true(n > 0 && n <= 128 && n % 4 == 0);
    assert_memory_equal(gptr(g), &h, (size_t)n);
    /* i386 masks are arrays of 4-byte longs. */
    assert_int_equal(CALL(sched_getaffinity, 0, 6, g), -EINVAL);
    assert_int_equal(CALL(sched_setaffinity, 0, (uint32_t)n, g), 0);
}

static void test_wait(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(7);
    uint32_t status = galloc(4), ru = galloc(72);
    assert_int_equal(CALL(wait4, child, status, 0, ru), child);
    assert_true(WIFEXITED((int)gu32(status)));
    assert_int_equal(WEXITSTATUS((int)gu32(status)), 7);
    assert_true(gu32(ru + 4) < 1000000);     /* ru_utime.tv_usec */

    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    kill(child, SIGTERM);
    uint32_t si = galloc(128);
    assert_int_equal(CALL(waitid, P_PID, child, si, WEXITED, 0), 0);
    assert_int_equal(gu32(si + 0), SIGCHLD);
    assert_int_equal(gu32(si + 8), CLD_KILLED);
    assert_int_equal(gu32(si + 12), (uint32_t)child);
    assert_int_equal(gu32(si + 20), SIGTERM);
    assert_int_equal(CALL(waitpid, -1, status, WNOHANG), -ECHILD);
}

static void test_prctl_and_random(void **state)
{
    (void)state;
    char saved[16] = { 0 };
    prctl(PR_GET_NAME, saved, 0, 0, 0);
    assert_int_equal(CALL(prctl, PR_SET_NAME, gstr("mimic-guest-thread-name")), 0);
    char now[16] = { 0 };
    prctl(PR_GET_NAME, now, 0, 0, 0);
    assert_string_equal(now, "mimic-guest-thr");    /* 15 bytes kept */
    uint32_t g = galloc(16);
    assert_int_equal(CALL(prctl, PR_GET_NAME, g), 0);
    assert_string_equal(gptr(g), "mimic-guest-thr");
    prctl(PR_SET_NAME, saved, 0, 0, 0);
    assert_int_equal(CALL(prctl, PR_SET_SECCOMP, 2, 0), -EINVAL);

    uint32_t buf = galloc(64);
    assert_int_equal(CALL(getrandom, buf, 64, 0), 64);
    static const uint8_t zero[64];
    assert_memory_not_equal(gptr(buf), zero, 64);
    assert_int_equal(CALL(getrandom, GUEST_UNMAPPED, 16, 0), -EFAULT);
}

static void test_scheduling(void **state)
{
    (void)state;
    struct timespec h;
    assert_int_equal(sched_rr_get_interval(0, &h), 0);
    uint32_t g = galloc(16);
    assert_int_equal(CALL(sched_rr_get_interval, 0, g), 0);
    assert_int_equal(gu32(g), (uint32_t)h.tv_sec);
    assert_int_equal(gu32(g + 4), (uint32_t)h.tv_nsec);
    assert_int_equal(CALL(sched_rr_get_interval_time64, 0, g), 0);
    assert_int_equal(gu64(g + 8), (uint64_t)h.tv_nsec);
    assert_int_equal(CALL(ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0),
                     syscall(SYS_ioprio_get, 1, 0));
    /* getpriority: the kernel's 20 - nice, as the guest's C library wants. */
    assert_int_equal(CALL(getpriority, PRIO_PROCESS, 0), 20 - getpriority(PRIO_PROCESS, 0));
    assert_int_equal(CALL(sched_getscheduler, 0), sched_getscheduler(0));
    /* The kernel log size (action 10) or the same refusal the host gives. */
    long hs = syscall(SYS_syslog, 10, NULL, 0);
    long want = hs < 0 ? -errno : hs;
    assert_int_equal(CALL(syslog, 10, 0, 0), want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ids, fx_reset),
        cmocka_unit_test_setup(test_uname, fx_reset),
        cmocka_unit_test_setup(test_rlimits, fx_reset),
        cmocka_unit_test_setup(test_sysinfo, fx_reset),
        cmocka_unit_test_setup(test_affinity, fx_reset),
        cmocka_unit_test_setup(test_wait, fx_reset),
        cmocka_unit_test_setup(test_prctl_and_random, fx_reset),
        cmocka_unit_test_setup(test_scheduling, fx_reset),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
