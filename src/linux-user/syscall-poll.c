/*
 * Waiting on several descriptors: poll, ppoll, the three selects and
 * pselect6, and epoll.
 *
 * fd_set: the guest's bitmap is an array of 32-bit longs and the
 * host's of 64-bit ones; on a little-endian machine both put fd n at
 * bit n % 8 of byte n / 8, so conversion is copying the guest's
 * ceil(n / 32) words into a zeroed host bitmap of ceil(n / 64) words
 * and back.  Bitmaps are sized from n, not FD_SETSIZE, since Linux
 * accepts any n up to the descriptor limit.
 *
 * epoll_event is packed on x86 in both modes (12 bytes) but is still
 * converted one event at a time.
 *
 * The calls that take a signal mask (ppoll, pselect6, epoll_pwait)
 * install it as the thread's guest mask for the wait and keep the
 * previous one in saved_blocked, exactly as rt_sigsuspend does: when
 * the wait ends with EINTR the signal layer delivers the signal and
 * restores the saved mask after building the frame, otherwise the mask
 * is restored here.
 */
#include "linux-user/syscall-internal.h"

#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "linux-user/user-internal.h"

/* ---- the temporary signal mask ---------------------------------------- */

/* SIGKILL and SIGSTOP (bits 8 and 18) can never be blocked. */
#define UNBLOCKABLE ((1ull << (9 - 1)) | (1ull << (19 - 1)))

/* Installs the guest mask at addr (sigsetsize must be 8); a NULL addr
 * leaves the mask alone.  *active says whether it was installed; the
 * result is -EINTR (with the mask installed) when a signal it unblocks
 * is already pending. */
static abi_long sigmask_enter(LinuxThread *t, uint32_t addr, uint32_t size, bool *active)
{
    *active = false;
    if (!addr)
        return 0;
    if (size != GUEST_SIGSET_SIZE)
        return -EINVAL;
    uint32_t w[2];
    abi_long err = get_guest(t, w, addr, sizeof(w));
    if (err)
        return err;
    t->saved_blocked = t->blocked;
    t->saved_blocked_valid = true;
    /* Other threads read the mask (to pick one for a process signal). */
    __atomic_store_n(&t->blocked, (((uint64_t)w[1] << 32) | w[0]) & ~UNBLOCKABLE,
                     __ATOMIC_RELAXED);
    *active = true;
    /* A signal already pending that the new mask lets through ends the
     * wait before it starts. */
    if (linux_signal_deliverable(t))
        return -EINTR;
    return 0;
}

/* After the wait: unless a signal is to be delivered (-EINTR), the old
 * mask comes back now; otherwise the signal layer restores it. */
static void sigmask_leave(LinuxThread *t, abi_long ret, bool active)
{
    if (!active || ret == -EINTR)
        return;
    __atomic_store_n(&t->blocked, t->saved_blocked, __ATOMIC_RELAXED);
    t->saved_blocked_valid = false;
}

/* ---- poll ------------------------------------------------------------- */

/* poll and ppoll: the pollfd array is converted both ways around the
 * host call, which gets a timeout in ms (poll) or a timespec (ppoll). */
static abi_long do_poll(LinuxThread *t, uint32_t addr, uint32_t nfds, int timeout_ms,
                        const struct timespec *ts, bool use_ts)
{
    /* The kernel's bound, checked before anything is allocated. */
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && nfds > lim.rlim_cur)
        return -EINVAL;
    if (nfds > (uint32_t)INT_MAX / sizeof(GuestPollfd))
        return -EINVAL;
    GuestPollfd *g = NULL;
    struct pollfd *h = NULL;
    if (nfds) {
        g = malloc(nfds * sizeof(*g));
        h = malloc(nfds * sizeof(*h));
        if (!g || !h) {
            free(g);
            free(h);
            return -ENOMEM;
        }
    }
    abi_long ret = nfds ? get_guest(t, g, addr, nfds * sizeof(*g)) : 0;
    if (ret == 0) {
        for (uint32_t i = 0; i < nfds; i++) {
            h[i].fd = g[i].fd;
            h[i].events = g[i].events;
            h[i].revents = 0;
        }
        long r = use_ts ? safe_syscall(SYS_ppoll, h, nfds, ts, NULL, 8)
                        : safe_syscall(SYS_poll, h, nfds, timeout_ms);
        ret = host_ret(r);
        if (ret >= 0) {
            for (uint32_t i = 0; i < nfds; i++)
                g[i].revents = h[i].revents;
            abi_long err = nfds ? put_guest(t, addr, g, nfds * sizeof(*g)) : 0;
            if (err)
                ret = err;
        }
    }
    free(g);
    free(h);
    return ret;
}

SYSCALL_DECL(poll)
{
    return do_poll(t, a[0], a[1], (int)a[2], NULL, false);
}

/* ppoll(fds, nfds, timeout*, sigmask*, sigsetsize) */
static abi_long do_ppoll(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct timespec ts, *tsp = NULL;
    if (a[2]) {
        abi_long err = get_guest_timespec(t, a[2], time64, &ts);
        if (err)
            return err;
        tsp = &ts;
    }
    bool active;
    abi_long ret = sigmask_enter(t, a[3], a[4], &active);
    if (ret == 0)
        ret = do_poll(t, a[0], a[1], 0, tsp, true);
    sigmask_leave(t, ret, active);
    /* The kernel reports the time left; a failure to store it is not
     * the call's failure. */
    if (tsp && ret != -EFAULT)
        put_guest_timespec(t, a[2], time64, tsp);
    return ret;
}

SYSCALL_DECL(ppoll)
{
    return do_ppoll(t, a, false);
}

SYSCALL_DECL(ppoll_time64)
{
    return do_ppoll(t, a, true);
}

/* ---- select ----------------------------------------------------------- */

/* Linux never has more descriptors than this (NR_OPEN) and ignores set
 * bits past its table, so larger counts are cut down to it. */
#define GUEST_NR_OPEN (1 << 20)

typedef struct FdSets {
    uint32_t addr[3];
    uint64_t *host[3];        /* NULL for an absent set */
    size_t gbytes, hbytes;
} FdSets;

static void fdsets_free(FdSets *s)
{
    for (int i = 0; i < 3; i++)
        free(s->host[i]);
}

static abi_long fdsets_get(LinuxThread *t, FdSets *s, int n, uint32_t in, uint32_t out,
                           uint32_t ex)
{
    memset(s->host, 0, sizeof(s->host));
    if (n > GUEST_NR_OPEN)
        n = GUEST_NR_OPEN;
    s->addr[0] = in;
    s->addr[1] = out;
    s->addr[2] = ex;
    s->gbytes = ((size_t)n + 31) / 32 * 4;
    s->hbytes = ((size_t)n + 63) / 64 * 8;
    for (int i = 0; i < 3; i++) {
        if (!s->addr[i])
            continue;
        s->host[i] = calloc(1, s->hbytes ? s->hbytes : 8);
        if (!s->host[i]) {
            fdsets_free(s);
            return -ENOMEM;
        }
        abi_long err = get_guest(t, s->host[i], s->addr[i], s->gbytes);
        if (err) {
            fdsets_free(s);
            return err;
        }
    }
    return 0;
}

static abi_long fdsets_put(LinuxThread *t, FdSets *s)
{
    for (int i = 0; i < 3; i++) {
        if (!s->host[i])
            continue;
        abi_long err = put_guest(t, s->addr[i], s->host[i], s->gbytes);
        if (err)
            return err;
    }
    return 0;
}

/* select(n, in, out, ex, timeval*): Linux writes the time left back. */
static abi_long do_select(LinuxThread *t, int32_t n, uint32_t in, uint32_t out, uint32_t ex,
                          uint32_t tvp)
{
    if (n < 0)
        return -EINVAL;
    struct timeval tv, *ptv = NULL;
    if (tvp) {
        abi_long err = get_guest_timeval(t, tvp, &tv);
        if (err)
            return err;
        ptv = &tv;
    }
    FdSets s;
    abi_long ret = fdsets_get(t, &s, n, in, out, ex);
    if (ret)
        return ret;
    ret = host_ret(safe_syscall(SYS_select, n > GUEST_NR_OPEN ? GUEST_NR_OPEN : n, s.host[0],
                                s.host[1], s.host[2], ptv));
    if (ret >= 0) {
        abi_long err = fdsets_put(t, &s);
        if (err)
            ret = err;
    }
    fdsets_free(&s);
    if (ptv && ret != -EFAULT)
        put_guest_timeval(t, tvp, ptv);
    return ret;
}

SYSCALL_DECL(newselect)
{
    return do_select(t, (int32_t)a[0], a[1], a[2], a[3], a[4]);
}

/* select (82): one pointer to the five arguments. */
SYSCALL_DECL(old_select)
{
    GuestSelArgStruct g;
    abi_long err = get_guest(t, &g, a[0], sizeof(g));
    if (err)
        return err;
    return do_select(t, (int32_t)g.n, g.inp, g.outp, g.exp, g.tvp);
}

/* pselect6(n, in, out, ex, timespec*, { sigset *, size } *) */
static abi_long do_pselect6(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    int32_t n = (int32_t)a[0];
    if (n < 0)
        return -EINVAL;
    struct timespec ts, *tsp = NULL;
    if (a[4]) {
        abi_long err = get_guest_timespec(t, a[4], time64, &ts);
        if (err)
            return err;
        tsp = &ts;
    }
    GuestSigsetArg sig = { 0, 0 };
    if (a[5]) {
        abi_long err = get_guest(t, &sig, a[5], sizeof(sig));
        if (err)
            return err;
    }
    FdSets s;
    abi_long ret = fdsets_get(t, &s, n, a[1], a[2], a[3]);
    if (ret)
        return ret;
    bool active;
    ret = sigmask_enter(t, sig.ss, sig.ss_len, &active);
    if (ret == 0) {
        ret = host_ret(safe_syscall(SYS_pselect6, n > GUEST_NR_OPEN ? GUEST_NR_OPEN : n,
                                    s.host[0], s.host[1], s.host[2], tsp, NULL));
        if (ret >= 0) {
            abi_long err = fdsets_put(t, &s);
            if (err)
                ret = err;
        }
    }
    sigmask_leave(t, ret, active);
    fdsets_free(&s);
    if (tsp && ret != -EFAULT)
        put_guest_timespec(t, a[4], time64, tsp);
    return ret;
}

SYSCALL_DECL(pselect6)
{
    return do_pselect6(t, a, false);
}

SYSCALL_DECL(pselect6_time64)
{
    return do_pselect6(t, a, true);
}

/* ---- epoll ------------------------------------------------------------ */

void epoll_event_to_guest(const struct epoll_event *h, GuestEpollEvent *g)
{
    g->events = h->events;
    g->data = h->data.u64;
}

void epoll_event_from_guest(const GuestEpollEvent *g, struct epoll_event *h)
{
    h->events = g->events;
    h->data.u64 = g->data;
}

SYSCALL_DECL(epoll_create)
{
    (void)t;
    return host_ret(epoll_create((int)a[0]));
}

SYSCALL_DECL(epoll_create1)
{
    (void)t;
    return host_ret(epoll_create1((int)a[0]));
}

SYSCALL_DECL(epoll_ctl)
{
    struct epoll_event ev, *evp = NULL;
    /* EPOLL_CTL_DEL ignores the event (older kernels wanted one). */
    if ((int)a[1] != EPOLL_CTL_DEL) {
        GuestEpollEvent g;
        abi_long err = get_guest(t, &g, a[3], sizeof(g));
        if (err)
            return err;
        epoll_event_from_guest(&g, &ev);
        evp = &ev;
    }
    return host_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

/* The most events one call may ask for (the kernel's EP_MAX_EVENTS for
 * a 12-byte event), and the most one host call here returns: fewer than
 * asked is always a valid answer, and it bounds the host buffer. */
#define GUEST_EP_MAX_EVENTS (INT_MAX / (int)sizeof(GuestEpollEvent))
#define HOST_EP_BATCH 65536

/* epoll_wait, epoll_pwait, epoll_pwait2: the timeout is in ms or, with
 * ts, a timespec. */
static abi_long do_epoll_wait(LinuxThread *t, int epfd, uint32_t addr, int32_t max,
                              int timeout_ms, const struct timespec *ts, bool use_ts,
                              uint32_t mask_addr, uint32_t mask_size)
{
    if (max <= 0 || max > GUEST_EP_MAX_EVENTS)
        return -EINVAL;
    if (!guest_access_ok(&t->proc->space, addr, (uint32_t)max * sizeof(GuestEpollEvent),
                         GPAGE_WRITE))
        return -EFAULT;
    if (max > HOST_EP_BATCH)
        max = HOST_EP_BATCH;
    struct epoll_event *h = malloc((size_t)max * sizeof(*h));
    if (!h)
        return -ENOMEM;
    bool active;
    abi_long ret = sigmask_enter(t, mask_addr, mask_size, &active);
    if (ret == 0) {
        long r = use_ts ? safe_syscall(SYS_epoll_pwait2, epfd, h, max, ts, NULL, 8)
                        : safe_syscall(SYS_epoll_wait, epfd, h, max, timeout_ms);
        ret = host_ret(r);
    }
    sigmask_leave(t, ret, active);
    for (abi_long i = 0; i < ret; i++) {
        GuestEpollEvent g;
        epoll_event_to_guest(&h[i], &g);
        abi_long err = put_guest(t, addr + (uint32_t)i * sizeof(g), &g, sizeof(g));
        if (err) {
            ret = err;
            break;
        }
    }
    free(h);
    return ret;
}

SYSCALL_DECL(epoll_wait)
{
    return do_epoll_wait(t, (int)a[0], a[1], (int32_t)a[2], (int)a[3], NULL, false, 0, 0);
}

/* epoll_pwait(epfd, events, max, timeout, sigmask*, sigsetsize) */
SYSCALL_DECL(epoll_pwait)
{
    return do_epoll_wait(t, (int)a[0], a[1], (int32_t)a[2], (int)a[3], NULL, false,
                         a[4], a[5]);
}

/* epoll_pwait2(epfd, events, max, __kernel_timespec *, sigmask*, sigsetsize) */
SYSCALL_DECL(epoll_pwait2)
{
    struct timespec ts, *tsp = NULL;
    if (a[3]) {
        abi_long err = get_guest_timespec(t, a[3], true, &ts);
        if (err)
            return err;
        tsp = &ts;
    }
    return do_epoll_wait(t, (int)a[0], a[1], (int32_t)a[2], 0, tsp, true, a[4], a[5]);
}
