/*
 * Waiting and terminal handlers on a guest address space: poll, the
 * selects with i386 fd_sets (32-bit words), epoll with packed 12-byte
 * events, terminal ioctls on a pseudo-terminal, and the clocks.  The
 * reference is the host kernel: the same descriptors polled natively,
 * the terminal settings read with tcgetattr, the clocks read before and
 * after the guest call.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>

#include "syscall-fixture.h"

static int rfd, wfd;

static int pipe_setup(void **state)
{
    fx_reset(state);
    int p[2];
    if (pipe(p) != 0)
        return -1;
    rfd = p[0];
    wfd = p[1];
    return 0;
}

static int pipe_teardown(void **state)
{
    (void)state;
    close(rfd);
    close(wfd);
    return 0;
}

static void test_poll(void **state)
{
    (void)state;
    int16_t pfd[8] = { 0 };
    int32_t fd0 = rfd, fd1 = wfd;
    memcpy(&pfd[0], &fd0, 4);
    pfd[2] = POLLIN;
    memcpy(&pfd[4], &fd1, 4);
    pfd[6] = POLLOUT;
    uint32_t g = gput(pfd, sizeof(pfd));
    /* Nothing to read yet: only the write end is ready. */
    assert_int_equal(CALL(poll, g, 2, 0), 1);
    int16_t rev[2];
    memcpy(&rev[0], gptr(g + 6), 2);
    memcpy(&rev[1], gptr(g + 14), 2);
    assert_int_equal(rev[0], 0);
    assert_int_equal(rev[1], POLLOUT);
    assert_int_equal(write(wfd, "x", 1), 1);
    assert_int_equal(CALL(poll, g, 2, 0), 2);
    memcpy(&rev[0], gptr(g + 6), 2);
    assert_int_equal(rev[0], POLLIN);

    /* ppoll with a zero 32-bit timespec and no mask. */
    int32_t ts[2] = { 0, 0 };
    assert_int_equal(CALL(ppoll, g, 2, gput(ts, sizeof(ts)), 0, 8), 2);
    /* A timespec with nanoseconds out of range. */
    int32_t bad[2] = { 0, 1000000000 };
    assert_int_equal(CALL(ppoll, g, 2, gput(bad, sizeof(bad)), 0, 8), -EINVAL);
    /* ppoll_time64: the 16-byte timespec. */
    int64_t ts64[2] = { 0, 0 };
    assert_int_equal(CALL(ppoll_time64, g, 2, gput(ts64, sizeof(ts64)), 0, 8), 2);
    assert_int_equal(CALL(poll, GUEST_UNMAPPED, 2, 0), -EFAULT);
    char c;
    assert_int_equal(read(rfd, &c, 1), 1);
}

/* The sigmask of ppoll/pselect6 is installed for the wait only. */
static void test_temporary_sigmask(void **state)
{
    (void)state;
    fx_thread->blocked = 0x5;
    uint32_t mask[2] = { 0x100 | (1u << (9 - 1)), 0x80000000u };
    int16_t pfd[4] = { 0 };
    int32_t fd1 = wfd;
    memcpy(&pfd[0], &fd1, 4);
    pfd[2] = POLLOUT;
    int32_t ts[2] = { 0, 0 };
    assert_int_equal(CALL(ppoll, gput(pfd, sizeof(pfd)), 1, gput(ts, sizeof(ts)),
                          gput(mask, sizeof(mask)), 8), 1);
    assert_int_equal(fx_thread->blocked, 0x5);
    assert_false(fx_thread->saved_blocked_valid);
    /* Only the kernel's 8-byte sigset is accepted. */
    assert_int_equal(CALL(ppoll, gput(pfd, sizeof(pfd)), 1, gput(ts, sizeof(ts)),
                          gput(mask, sizeof(mask)), 16), -EINVAL);
    assert_int_equal(fx_thread->blocked, 0x5);
    fx_thread->blocked = 0;
}

/* Guest fd_set words for n descriptors with the given bits set. */
static uint32_t guest_fdset(const int *fds, int count)
{
    uint32_t words[4] = { 0 };
    for (int i = 0; i < count; i++)
        words[fds[i] / 32] |= 1u << (fds[i] % 32);
    return gput(words, sizeof(words));
}

static bool guest_fd_isset(uint32_t set, int fd)
{
    return (gu32(set + 4u * (uint32_t)(fd / 32)) >> (fd % 32)) & 1;
}

static void test_select_high_fds(void **state)
{
    (void)state;
    /* Descriptors above 32 live in the second 32-bit word of the guest's
     * set but in the first 64-bit word of the host's. */
    int empty[2];
    assert_int_equal(pipe(empty), 0);
    assert_int_equal(dup2(rfd, 40), 40);
    assert_int_equal(dup2(empty[0], 35), 35);
    assert_int_equal(write(wfd, "y", 1), 1);
    int fds[] = { 35, 40 };
    uint32_t in = guest_fdset(fds, 2);
    int32_t tv[2] = { 0, 0 };
    uint32_t tvp = gput(tv, sizeof(tv));
    assert_int_equal(CALL(newselect, 41, in, 0, 0, tvp), 1);
    assert_true(guest_fd_isset(in, 40));
    assert_false(guest_fd_isset(in, 35));
    /* The host agrees. */
    fd_set hs;
    FD_ZERO(&hs);
    FD_SET(35, &hs);
    FD_SET(40, &hs);
    struct timeval htv = { 0, 0 };
    assert_int_equal(select(41, &hs, NULL, NULL, &htv), 1);
    assert_true(FD_ISSET(40, &hs));

    /* select (82): one pointer to the five arguments. */
    in = guest_fdset(fds, 2);
    uint32_t args[5] = { 41, in, 0, 0, tvp };
    assert_int_equal(CALL(old_select, gput(args, sizeof(args))), 1);
    assert_true(guest_fd_isset(in, 40));

    /* pselect6 with a 32-bit timespec and a { sigset, size } pair. */
    in = guest_fdset(fds, 2);
    int32_t ts[2] = { 0, 0 };
    uint32_t mask[2] = { 0, 0 };
    uint32_t sig[2] = { gput(mask, sizeof(mask)), 8 };
    assert_int_equal(CALL(pselect6, 41, in, 0, 0, gput(ts, sizeof(ts)), gput(sig, sizeof(sig))), 1);
    assert_true(guest_fd_isset(in, 40));
    assert_false(guest_fd_isset(in, 35));
    assert_int_equal(CALL(newselect, -1, 0, 0, 0, tvp), -EINVAL);

    char c;
    assert_int_equal(read(rfd, &c, 1), 1);
    close(40);
    close(35);
    close(empty[0]);
    close(empty[1]);
}

static void test_epoll(void **state)
{
    (void)state;
    abi_long ep = CALL(epoll_create1, EPOLL_CLOEXEC);
    assert_true(ep >= 0);
    uint8_t ev[12];
    uint32_t events = EPOLLIN;
    uint64_t data = 0x1122334455667788ull;
    memcpy(ev, &events, 4);
    memcpy(ev + 4, &data, 8);
    assert_int_equal(CALL(epoll_ctl, ep, EPOLL_CTL_ADD, rfd, gput(ev, sizeof(ev))), 0);
    events = EPOLLOUT;
    data = 0x99;
    memcpy(ev, &events, 4);
    memcpy(ev + 4, &data, 8);
    assert_int_equal(CALL(epoll_ctl, ep, EPOLL_CTL_ADD, wfd, gput(ev, sizeof(ev))), 0);
    uint32_t out = galloc(4 * 12);
    /* Only the write end is ready: one event. */
    assert_int_equal(CALL(epoll_wait, ep, out, 4, 0), 1);
    assert_int_equal(gu32(out), EPOLLOUT);
    assert_int_equal(gu64(out + 4), 0x99);
    assert_int_equal(write(wfd, "z", 1), 1);
    /* Both now, packed at a 12-byte stride. */
    assert_int_equal(CALL(epoll_pwait, ep, out, 4, 0, 0, 8), 2);
    int in = gu32(out) == EPOLLIN ? 0 : 1;
    assert_int_equal(gu32(out + 12 * (uint32_t)in), EPOLLIN);
    assert_int_equal(gu64(out + 12 * (uint32_t)in + 4), 0x1122334455667788ull);
    assert_int_equal(gu32(out + 12 * (uint32_t)(1 - in)), EPOLLOUT);
    assert_int_equal(gu64(out + 12 * (uint32_t)(1 - in) + 4), 0x99);
    assert_int_equal(CALL(epoll_wait, ep, out, 0, 0), -EINVAL);
    assert_int_equal(CALL(epoll_wait, ep, GUEST_UNMAPPED, 4, 0), -EFAULT);
    assert_int_equal(CALL(epoll_ctl, ep, EPOLL_CTL_DEL, wfd, 0), 0);
    char c;
    assert_int_equal(read(rfd, &c, 1), 1);
    close((int)ep);
}

static void test_terminal_ioctls(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0)
        skip();
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);

    struct termios h;
    assert_int_equal(tcgetattr(slave, &h), 0);
    uint32_t g = galloc(36);
    assert_int_equal(CALL(ioctl, slave, TCGETS_GUEST, g), 0);
    assert_int_equal(gu32(g + 0), h.c_iflag);
    assert_int_equal(gu32(g + 4), h.c_oflag);
    assert_int_equal(gu32(g + 8), h.c_cflag);
    assert_int_equal(gu32(g + 12), h.c_lflag);
    assert_memory_equal((uint8_t *)gptr(g) + 17, h.c_cc, 19);

    /* TCSETS: raw mode set by the guest, seen by the host. */
    uint32_t lflag = gu32(g + 12) & ~(uint32_t)(ICANON | ECHO);
    memcpy(gptr(g + 12), &lflag, 4);
    ((uint8_t *)gptr(g))[17 + VMIN] = 3;
    assert_int_equal(CALL(ioctl, slave, TCSETS_GUEST, g), 0);
    assert_int_equal(tcgetattr(slave, &h), 0);
    assert_int_equal(h.c_lflag & (ICANON | ECHO), 0);
    assert_int_equal(h.c_cc[VMIN], 3);

    uint16_t ws[4] = { 24, 80, 0, 0 };
    assert_int_equal(CALL(ioctl, slave, TIOCSWINSZ_GUEST, gput(ws, sizeof(ws))), 0);
    struct winsize hw;
    assert_int_equal(ioctl(slave, TIOCGWINSZ, &hw), 0);
    assert_int_equal(hw.ws_row, 24);
    assert_int_equal(hw.ws_col, 80);
    uint32_t gw = galloc(8);
    assert_int_equal(CALL(ioctl, master, TIOCGWINSZ_GUEST, gw), 0);
    assert_memory_equal(gptr(gw), ws, 8);

    /* Bytes waiting: FIONREAD into a guest int. */
    assert_int_equal(write(master, "abcde", 5), 5);
    uint32_t n = galloc(4);
    usleep(10000);
    assert_int_equal(CALL(ioctl, slave, FIONREAD_GUEST, n), 0);
    int hn = -1;
    assert_int_equal(ioctl(slave, FIONREAD, &hn), 0);
    assert_int_equal(gu32(n), (uint32_t)hn);

    /* TIOCGPTN on the master: the pty number ptsname printed. */
    assert_int_equal(CALL(ioctl, master, TIOCGPTN_GUEST, n), 0);
    char name[32];
    snprintf(name, sizeof(name), "/dev/pts/%u", gu32(n));
    assert_string_equal(name, ptsname(master));

    /* Not a terminal, and unknown requests. */
    assert_int_equal(CALL(ioctl, rfd, TCGETS_GUEST, g), -ENOTTY);
    assert_int_equal(CALL(ioctl, slave, 0x1234, g), -ENOTTY);
    assert_int_equal(CALL(ioctl, slave, TCGETS_GUEST, GUEST_UNMAPPED), -EFAULT);
    close(slave);
    close(master);
}

static int64_t ts_ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void test_clocks(void **state)
{
    (void)state;
    struct timespec before, after;
    uint32_t g = galloc(16);
    clock_gettime(CLOCK_MONOTONIC, &before);
    assert_int_equal(CALL(clock_gettime64, CLOCK_MONOTONIC, g), 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    struct timespec got = { (time_t)gu64(g), (long)gu64(g + 8) };
    assert_true(ts_ns(&before) <= ts_ns(&got) && ts_ns(&got) <= ts_ns(&after));

    clock_gettime(CLOCK_MONOTONIC, &before);
    assert_int_equal(CALL(clock_gettime, CLOCK_MONOTONIC, g), 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    struct timespec got32 = { (int32_t)gu32(g), (int32_t)gu32(g + 4) };
    assert_true(ts_ns(&before) <= ts_ns(&got32) && ts_ns(&got32) <= ts_ns(&after));
    assert_int_equal(CALL(clock_gettime, 12345, g), -EINVAL);

    /* gettimeofday and time within the host's bracket.  glibc's time()
     * reads the coarse clock, which lags the precise one by up to a tick:
     * the bracket opens with it (never ahead) and closes with the precise
     * clock (never behind), or a second boundary in between fails it. */
    time_t t0 = time(NULL);
    uint32_t tv = galloc(8), tz = galloc(8), tl = galloc(4);
    assert_int_equal(CALL(gettimeofday, tv, tz), 0);
    abi_long now = CALL(time, tl);
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    time_t t1 = end.tv_sec;
    assert_true((time_t)gu32(tv) >= t0 && (time_t)gu32(tv) <= t1);
    assert_true(gu32(tv + 4) < 1000000);
    assert_true(now >= t0 && now <= t1);
    assert_int_equal(gu32(tl), (uint32_t)now);

    /* A 2 ms sleep takes at least 2 ms. */
    int32_t req[2] = { 0, 2000000 };
    clock_gettime(CLOCK_MONOTONIC, &before);
    assert_int_equal(CALL(nanosleep, gput(req, sizeof(req)), 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    assert_true(ts_ns(&after) - ts_ns(&before) >= 2000000);
    int32_t bad[2] = { 0, -1 };
    assert_int_equal(CALL(nanosleep, gput(bad, sizeof(bad)), 0), -EINVAL);

    struct timespec res;
    clock_getres(CLOCK_REALTIME, &res);
    assert_int_equal(CALL(clock_getres_time64, CLOCK_REALTIME, g), 0);
    assert_int_equal(gu64(g + 8), (uint64_t)res.tv_nsec);

    /* times: the 16-byte struct tms and a tick count. */
    assert_true(CALL(times, galloc(16)) != -EFAULT);
    assert_int_equal(CALL(times, GUEST_UNMAPPED), -EFAULT);
}

static void test_interval_timer(void **state)
{
    (void)state;
    /* setitimer/getitimer with 32-bit timevals: arm far in the future,
     * read back, disarm. */
    int32_t it[4] = { 0, 0, 1000, 0 };
    uint32_t old = galloc(16);
    assert_int_equal(CALL(setitimer, ITIMER_REAL, gput(it, sizeof(it)), old), 0);
    uint32_t cur = galloc(16);
    assert_int_equal(CALL(getitimer, ITIMER_REAL, cur), 0);
    int32_t sec = (int32_t)gu32(cur + 8);
    assert_true(sec >= 998 && sec <= 1000);
    int32_t off[4] = { 0, 0, 0, 0 };
    assert_int_equal(CALL(setitimer, ITIMER_REAL, gput(off, sizeof(off)), 0), 0);
    struct itimerval h;
    getitimer(ITIMER_REAL, &h);
    assert_int_equal(h.it_value.tv_sec, 0);
    assert_int_equal(h.it_value.tv_usec, 0);
}

static void test_posix_timers(void **state)
{
    (void)state;
    /* i386 struct sigevent: value, signo, notify, tid, padding to 64. */
    uint32_t sev[16] = { 0x1234, SIGALRM, 1 /* SIGEV_NONE */, 0 };
    uint32_t id = galloc(4);
    assert_int_equal(CALL(timer_create, CLOCK_MONOTONIC, gput(sev, sizeof(sev)), id), 0);
    int32_t its[4] = { 0, 0, 10, 0 };
    assert_int_equal(CALL(timer_settime, gu32(id), 0, gput(its, sizeof(its)), 0), 0);
    /* The host sees the timer the guest armed. */
    struct itimerspec h;
    assert_int_equal(syscall(SYS_timer_gettime, (int)gu32(id), &h), 0);
    assert_true(h.it_value.tv_sec >= 9 && h.it_value.tv_sec <= 10);
    uint32_t cur = galloc(32);
    assert_int_equal(CALL(timer_gettime64, gu32(id), cur), 0);
    assert_true(gu64(cur + 16) >= 9 && gu64(cur + 16) <= 10);
    assert_int_equal(CALL(timer_gettime, gu32(id), cur), 0);
    assert_true(gu32(cur + 8) >= 9 && gu32(cur + 8) <= 10);
    assert_int_equal(CALL(timer_getoverrun, gu32(id)), 0);
    assert_int_equal(CALL(timer_delete, gu32(id)), 0);
    assert_int_equal(CALL(timer_delete, gu32(id)), -EINVAL);
    /* Signals the host C library keeps for itself cannot be raised. */
    uint32_t rt[16] = { 0, 32, 0 /* SIGEV_SIGNAL */, 0 };
    assert_int_equal(CALL(timer_create, CLOCK_MONOTONIC, gput(rt, sizeof(rt)), id), -EINVAL);
    assert_int_equal(CALL(timer_create, 12345, 0, id), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_poll, pipe_setup, pipe_teardown),
        cmocka_unit_test_setup_teardown(test_temporary_sigmask, pipe_setup, pipe_teardown),
        cmocka_unit_test_setup_teardown(test_select_high_fds, pipe_setup, pipe_teardown),
        cmocka_unit_test_setup_teardown(test_epoll, pipe_setup, pipe_teardown),
        cmocka_unit_test_setup_teardown(test_terminal_ioctls, pipe_setup, pipe_teardown),
        cmocka_unit_test_setup(test_clocks, fx_reset),
        cmocka_unit_test_setup(test_interval_timer, fx_reset),
        cmocka_unit_test_setup(test_posix_timers, fx_reset),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
