/*
 * Process attributes: ids of the process and its session, waiting for
 * children, system information, resource limits and usage, scheduling,
 * prctl, getrandom.  (User and group ids are in syscall-cred.c.)
 *
 * Process and thread ids are the host's: each guest thread is a host
 * thread, and a guest fork is a host fork.
 *
 * Host randomness reaches the guest only through getrandom here, and
 * host load and memory figures through sysinfo, each from one host call.
 */
#include "linux-user/syscall-internal.h"

#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

SYSCALL_DECL(getpid)
{
    (void)t;
    (void)a;
    return getpid();
}

SYSCALL_DECL(getppid)
{
    (void)t;
    (void)a;
    return getppid();
}

SYSCALL_DECL(gettid)
{
    (void)a;
    return t->tid;
}

SYSCALL_DECL(setsid)
{
    (void)t;
    (void)a;
    return host_ret(setsid());
}

SYSCALL_DECL(setpgid)
{
    (void)t;
    return host_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
}

SYSCALL_DECL(getpgid)
{
    (void)t;
    return host_ret(getpgid((pid_t)a[0]));
}

SYSCALL_DECL(getpgrp)
{
    (void)t;
    (void)a;
    return getpgrp();
}

SYSCALL_DECL(getsid)
{
    (void)t;
    return host_ret(getsid((pid_t)a[0]));
}

/* ---- children ----------------------------------------------------------- */

void rusage_to_guest(const struct rusage *r, GuestRusage *g)
{
    g->ru_utime.tv_sec = (int32_t)r->ru_utime.tv_sec;
    g->ru_utime.tv_usec = (int32_t)r->ru_utime.tv_usec;
    g->ru_stime.tv_sec = (int32_t)r->ru_stime.tv_sec;
    g->ru_stime.tv_usec = (int32_t)r->ru_stime.tv_usec;
    g->ru_maxrss = (int32_t)r->ru_maxrss;
    g->ru_ixrss = (int32_t)r->ru_ixrss;
    g->ru_idrss = (int32_t)r->ru_idrss;
    g->ru_isrss = (int32_t)r->ru_isrss;
    g->ru_minflt = (int32_t)r->ru_minflt;
    g->ru_majflt = (int32_t)r->ru_majflt;
    g->ru_nswap = (int32_t)r->ru_nswap;
    g->ru_inblock = (int32_t)r->ru_inblock;
    g->ru_oublock = (int32_t)r->ru_oublock;
    g->ru_msgsnd = (int32_t)r->ru_msgsnd;
    g->ru_msgrcv = (int32_t)r->ru_msgrcv;
    g->ru_nsignals = (int32_t)r->ru_nsignals;
    g->ru_nvcsw = (int32_t)r->ru_nvcsw;
    g->ru_nivcsw = (int32_t)r->ru_nivcsw;
}

static abi_long put_rusage(LinuxThread *t, uint32_t addr, const struct rusage *r)
{
    GuestRusage g;
    rusage_to_guest(r, &g);
    return put_guest(t, addr, &g, sizeof(g));
}

/* wait4(pid, status*, options, rusage*): the status word is the
 * kernel's, the same on both architectures. */
static abi_long do_wait4(LinuxThread *t, int32_t pid, uint32_t status_addr, int options,
                         uint32_t ru_addr)
{
    int status = 0;
    struct rusage ru;
    long r = safe_syscall(SYS_wait4, pid, &status, options, ru_addr ? &ru : NULL);
    if (r < 0)
        return host_to_guest_errno(errno);
    if (r > 0 && status_addr) {
        abi_long err = put_guest_u32(t, status_addr, (uint32_t)status);
        if (err)
            return err;
    }
    if (ru_addr) {
        abi_long err = put_rusage(t, ru_addr, &ru);
        if (err)
            return err;
    }
    return (abi_long)r;
}

SYSCALL_DECL(wait4)
{
    return do_wait4(t, (int32_t)a[0], a[1], (int)a[2], a[3]);
}

SYSCALL_DECL(waitpid)
{
    return do_wait4(t, (int32_t)a[0], a[1], (int)a[2], 0);
}

/* waitid(idtype, id, siginfo*, options, rusage*) */
SYSCALL_DECL(waitid)
{
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof(si));
    long r = safe_syscall(SYS_waitid, (int)a[0], (int)a[1], &si, (int)a[3], a[4] ? &ru : NULL);
    if (r < 0)
        return host_to_guest_errno(errno);
    if (a[2]) {
        GuestSiginfoChld g;
        memset(&g, 0, sizeof(g));
        g.signo = si.si_signo;
        g.errno_ = si.si_errno;
        g.code = si.si_code;
        g.pid = si.si_pid;
        g.uid = si.si_uid;
        g.status = si.si_status;
        g.utime = (int32_t)si.si_utime;
        g.stime = (int32_t)si.si_stime;
        abi_long err = put_guest(t, a[2], &g, sizeof(g));
        if (err)
            return err;
    }
    if (a[4]) {
        abi_long err = put_rusage(t, a[4], &ru);
        if (err)
            return err;
    }
    return 0;
}

/* ---- the system ----------------------------------------------------------- */

SYSCALL_DECL(uname)
{
    struct utsname u;
    if (uname(&u) != 0)
        return host_to_guest_errno(errno);
    GuestUtsname g;
    memset(&g, 0, sizeof(g));
    _Static_assert(sizeof(u.sysname) == GUEST_UTS_LEN, "utsname field length");
    memcpy(g.sysname, u.sysname, GUEST_UTS_LEN);
    memcpy(g.nodename, u.nodename, GUEST_UTS_LEN);
    memcpy(g.release, u.release, GUEST_UTS_LEN);
    memcpy(g.version, u.version, GUEST_UTS_LEN);
    /* What a 32-bit x86 kernel reports on a CPU like the one emulated. */
    strcpy(g.machine, "i686");
    memcpy(g.domainname, u.domainname, GUEST_UTS_LEN);
    return put_guest(t, a[0], &g, sizeof(g));
}

static abi_long do_setname(LinuxThread *t, const abi_ulong a[6], bool domain)
{
    int32_t len = (int32_t)a[1];
    if (len < 0 || len > GUEST_UTS_LEN - 1)
        return -EINVAL;
    char name[GUEST_UTS_LEN];
    abi_long err = get_guest(t, name, a[0], (size_t)len);
    if (err)
        return err;
    return host_ret(domain ? setdomainname(name, (size_t)len) : sethostname(name, (size_t)len));
}

SYSCALL_DECL(sethostname)
{
    return do_setname(t, a, false);
}

SYSCALL_DECL(setdomainname)
{
    return do_setname(t, a, true);
}

void sysinfo_to_guest(const struct sysinfo *s, GuestSysinfo *g)
{
    memset(g, 0, sizeof(*g));
    /* Memory figures are counts of mem_unit bytes: scale them the way a
     * 32-bit kernel does when the byte counts do not fit in 32 bits. */
    uint64_t unit = s->mem_unit ? s->mem_unit : 1;
    uint64_t v[8] = { s->totalram, s->freeram, s->sharedram, s->bufferram,
                      s->totalswap, s->freeswap, s->totalhigh, s->freehigh };
    uint64_t max = 0;
    for (int i = 0; i < 8; i++)
        if (v[i] > max)
            max = v[i];
    unsigned shift = 0;
    while ((max >> shift) > UINT32_MAX)
        shift++;
    for (int i = 0; i < 8; i++)
        v[i] >>= shift;
    g->uptime = (int32_t)s->uptime;
    for (int i = 0; i < 3; i++)
        g->loads[i] = (uint32_t)s->loads[i];
    g->totalram = (uint32_t)v[0];
    g->freeram = (uint32_t)v[1];
    g->sharedram = (uint32_t)v[2];
    g->bufferram = (uint32_t)v[3];
    g->totalswap = (uint32_t)v[4];
    g->freeswap = (uint32_t)v[5];
    g->totalhigh = (uint32_t)v[6];
    g->freehigh = (uint32_t)v[7];
    g->procs = s->procs;
    g->mem_unit = (uint32_t)(unit << shift);
}

SYSCALL_DECL(sysinfo)
{
    struct sysinfo s;
    if (sysinfo(&s) != 0)
        return host_to_guest_errno(errno);
    GuestSysinfo g;
    sysinfo_to_guest(&s, &g);
    return put_guest(t, a[0], &g, sizeof(g));
}

/* ---- limits and usage ------------------------------------------------------ */

void rlimit_to_guest(const struct rlimit *r, GuestRlimit *g, bool old_getrlimit)
{
    uint32_t inf = old_getrlimit ? RLIM_INFINITY_OLD_GUEST : RLIM_INFINITY_GUEST;
    g->rlim_cur = r->rlim_cur >= inf ? inf : (uint32_t)r->rlim_cur;
    g->rlim_max = r->rlim_max >= inf ? inf : (uint32_t)r->rlim_max;
}

void rlimit_from_guest(const GuestRlimit *g, struct rlimit *r)
{
    r->rlim_cur = g->rlim_cur == RLIM_INFINITY_GUEST ? RLIM_INFINITY : g->rlim_cur;
    r->rlim_max = g->rlim_max == RLIM_INFINITY_GUEST ? RLIM_INFINITY : g->rlim_max;
}

void rlimit64_to_guest(const struct rlimit *r, GuestRlimit64 *g)
{
    g->rlim_cur = r->rlim_cur;
    g->rlim_max = r->rlim_max;
}

void rlimit64_from_guest(const GuestRlimit64 *g, struct rlimit *r)
{
    r->rlim_cur = g->rlim_cur;
    r->rlim_max = g->rlim_max;
}

static abi_long do_getrlimit(LinuxThread *t, const abi_ulong a[6], bool old)
{
    struct rlimit r;
    if (getrlimit((int)a[0], &r) != 0)
        return host_to_guest_errno(errno);
    GuestRlimit g;
    rlimit_to_guest(&r, &g, old);
    return put_guest(t, a[1], &g, sizeof(g));
}

SYSCALL_DECL(getrlimit)
{
    return do_getrlimit(t, a, true);
}

SYSCALL_DECL(ugetrlimit)
{
    return do_getrlimit(t, a, false);
}

SYSCALL_DECL(setrlimit)
{
    GuestRlimit g;
    abi_long err = get_guest(t, &g, a[1], sizeof(g));
    if (err)
        return err;
    struct rlimit r;
    rlimit_from_guest(&g, &r);
    return host_ret(setrlimit((int)a[0], &r));
}

/* prlimit64(pid, resource, new*, old*) */
SYSCALL_DECL(prlimit64)
{
    struct rlimit nr, or_;
    if (a[2]) {
        GuestRlimit64 g;
        abi_long err = get_guest(t, &g, a[2], sizeof(g));
        if (err)
            return err;
        rlimit64_from_guest(&g, &nr);
    }
    if (prlimit((pid_t)a[0], (int)a[1], a[2] ? &nr : NULL, a[3] ? &or_ : NULL) != 0)
        return host_to_guest_errno(errno);
    if (a[3]) {
        GuestRlimit64 g;
        rlimit64_to_guest(&or_, &g);
        return put_guest(t, a[3], &g, sizeof(g));
    }
    return 0;
}

SYSCALL_DECL(getrusage)
{
    struct rusage ru;
    if (getrusage((int)a[0], &ru) != 0)
        return host_to_guest_errno(errno);
    return put_rusage(t, a[1], &ru);
}

/* ---- prctl -------------------------------------------------------------- */

/* prctl(option, arg2, arg3, arg4, arg5): the options that only concern
 * the calling thread or process and take integers; anything that could
 * reach mimic itself (seccomp filters, memory map fields) is refused. */
SYSCALL_DECL(prctl)
{
    int option = (int)a[0];
    switch (option) {
    case PR_SET_NAME: {
        char name[16];
        abi_long err = get_guest(t, name, a[1], sizeof(name) - 1);
        if (err) {
            /* The name may end right before an unmapped page. */
            int e = 0;
            char *s = strdup_from_guest(&t->proc->space, a[1], 16, &e);
            if (!s && e != -ENAMETOOLONG)
                return e ? e : -EFAULT;
            if (s) {
                strcpy(name, s);
                free(s);
            }
        }
        name[15] = 0;
        return host_ret(prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0));
    }
    case PR_GET_NAME: {
        char name[16] = { 0 };
        if (prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0) != 0)
            return host_to_guest_errno(errno);
        return put_guest(t, a[1], name, sizeof(name));
    }
    case PR_GET_PDEATHSIG:
    case PR_GET_CHILD_SUBREAPER: {
        int v = 0;
        if (prctl(option, (unsigned long)&v, 0, 0, 0) != 0)
            return host_to_guest_errno(errno);
        return put_guest_u32(t, a[1], (uint32_t)v);
    }
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_SET_CHILD_SUBREAPER:
    case PR_GET_NO_NEW_PRIVS:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_TIMERSLACK:
    case PR_SET_TIMERSLACK:
    case PR_CAPBSET_READ:
    case PR_GET_SECUREBITS:
    case PR_GET_THP_DISABLE:
    case PR_SET_THP_DISABLE:
        return host_ret(prctl(option, (unsigned long)a[1], (unsigned long)a[2],
                              (unsigned long)a[3], (unsigned long)a[4]));
    default:
        syscall_unimp(t, "prctl option %d", option);
        return -EINVAL;
    }
}

/* ---- randomness and scheduling --------------------------------------------- */

SYSCALL_DECL(getrandom)
{
    /* Linux may return fewer bytes than asked; a bound keeps a huge
     * request from pinning the whole range at once. */
    uint32_t len = a[1] > (32u << 20) ? (32u << 20) : a[1];
    void *p = guest_out_ptr(t, a[0], len);
    if (!p)
        return -EFAULT;
    return host_ret(getrandom(p, len, (unsigned)a[2]));
}

SYSCALL_DECL(sched_yield)
{
    (void)t;
    (void)a;
    return host_ret(sched_yield());
}

/* The masks are arrays of 32-bit longs in the guest, 64-bit ones on the
 * host: same bits, sizes rounded differently. */
SYSCALL_DECL(sched_getaffinity)
{
    uint32_t len = a[1];
    if (len & (GUEST_LONG_SIZE - 1))
        return -EINVAL;
    size_t hlen = ((size_t)len + 7) & ~(size_t)7;
    if (hlen > (1u << 20))
        hlen = 1u << 20;
    uint8_t *m = calloc(1, hlen ? hlen : 8);
    if (!m)
        return -ENOMEM;
    long r = syscall(SYS_sched_getaffinity, (pid_t)a[0], hlen, m);
    abi_long ret = host_ret(r);
    if (r > 0) {
        uint32_t n = (uint32_t)r < len ? (uint32_t)r : len;
        abi_long err = put_guest(t, a[2], m, n);
        ret = err ? err : (abi_long)n;
    }
    free(m);
    return ret;
}

SYSCALL_DECL(sched_setaffinity)
{
    uint32_t len = a[1];
    if (len > (1u << 20))
        len = 1u << 20;
    size_t hlen = ((size_t)len + 7) & ~(size_t)7;
    uint8_t *m = calloc(1, hlen ? hlen : 8);
    if (!m)
        return -ENOMEM;
    abi_long ret = get_guest(t, m, a[2], len);
    if (!ret)
        ret = host_ret(syscall(SYS_sched_setaffinity, (pid_t)a[0], hlen, m));
    free(m);
    return ret;
}

SYSCALL_DECL(sched_getparam)
{
    struct sched_param p;
    if (sched_getparam((pid_t)a[0], &p) != 0)
        return host_to_guest_errno(errno);
    return put_guest_u32(t, a[1], (uint32_t)p.sched_priority);
}

SYSCALL_DECL(sched_setparam)
{
    uint32_t prio;
    abi_long err = get_guest_u32(t, a[1], &prio);
    if (err)
        return err;
    struct sched_param p = { .sched_priority = (int)prio };
    return host_ret(syscall(SYS_sched_setparam, (pid_t)a[0], &p));
}

SYSCALL_DECL(sched_getscheduler)
{
    (void)t;
    return host_ret(syscall(SYS_sched_getscheduler, (pid_t)a[0]));
}

SYSCALL_DECL(sched_setscheduler)
{
    uint32_t prio;
    abi_long err = get_guest_u32(t, a[2], &prio);
    if (err)
        return err;
    struct sched_param p = { .sched_priority = (int)prio };
    return host_ret(syscall(SYS_sched_setscheduler, (pid_t)a[0], (int)a[1], &p));
}

SYSCALL_DECL(sched_get_priority_max)
{
    (void)t;
    return host_ret(sched_get_priority_max((int)a[0]));
}

SYSCALL_DECL(sched_get_priority_min)
{
    (void)t;
    return host_ret(sched_get_priority_min((int)a[0]));
}

/* The raw call returns 20 - nice (1..40), which is what the guest's C
 * library expects from the kernel. */
SYSCALL_DECL(getpriority)
{
    (void)t;
    return host_ret(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));
}

SYSCALL_DECL(setpriority)
{
    (void)t;
    return host_ret(syscall(SYS_setpriority, (int)a[0], (id_t)a[1], (int)a[2]));
}

/* nice (34) has no x86-64 counterpart: the same through get/setpriority
 * on the calling thread. */
SYSCALL_DECL(nice)
{
    (void)t;
    long cur = syscall(SYS_getpriority, PRIO_PROCESS, 0);
    if (cur < 0)
        return host_to_guest_errno(errno);
    long inc = (int32_t)a[0];
    if (inc < -40)
        inc = -40;
    if (inc > 40)
        inc = 40;
    long n = 20 - cur + inc;
    if (n < -20)
        n = -20;
    if (n > 19)
        n = 19;
    return host_ret(syscall(SYS_setpriority, PRIO_PROCESS, 0, (int)n));
}

SYSCALL_DECL(personality)
{
    (void)t;
    return host_ret(syscall(SYS_personality, (unsigned long)a[0]));
}

SYSCALL_DECL(getcpu)
{
    unsigned cpu = 0, node = 0;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0)
        return host_to_guest_errno(errno);
    abi_long err = a[0] ? put_guest_u32(t, a[0], cpu) : 0;
    if (!err && a[1])
        err = put_guest_u32(t, a[1], node);
    return err;
}

/* capget/capset(header*, data*): header { u32 version; int pid }, data
 * one (version 1) or two (versions 2 and 3) { u32 effective, permitted,
 * inheritable }; all ints, converted as arrays of u32. */
#define CAP_V1 0x19980330u
static abi_long do_cap(LinuxThread *t, const abi_ulong a[6], bool set)
{
    uint32_t hdr[2];
    abi_long err = get_guest(t, hdr, a[0], sizeof(hdr));
    if (err)
        return err;
    uint32_t data[6] = { 0 };
    size_t n = (hdr[0] == CAP_V1 ? 3 : 6) * sizeof(uint32_t);
    if (set) {
        err = get_guest(t, data, a[1], n);
        if (err)
            return err;
    }
    long r = syscall(set ? SYS_capset : SYS_capget, hdr, a[1] ? data : NULL);
    int e = errno;
    /* An unknown version is answered with the preferred one. */
    if (r != 0 && e == EINVAL)
        put_guest(t, a[0], hdr, sizeof(hdr));
    if (r != 0)
        return host_to_guest_errno(e);
    if (!set && a[1])
        return put_guest(t, a[1], data, n);
    return 0;
}

SYSCALL_DECL(capget)
{
    return do_cap(t, a, false);
}

SYSCALL_DECL(capset)
{
    return do_cap(t, a, true);
}

static abi_long do_rr_interval(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct timespec ts;
    if (sched_rr_get_interval((pid_t)a[0], &ts) != 0)
        return host_to_guest_errno(errno);
    return put_guest_timespec(t, a[1], time64, &ts);
}

SYSCALL_DECL(sched_rr_get_interval)
{
    return do_rr_interval(t, a, false);
}

SYSCALL_DECL(sched_rr_get_interval_time64)
{
    return do_rr_interval(t, a, true);
}

SYSCALL_DECL(ioprio_get)
{
    (void)t;
    return host_ret(syscall(SYS_ioprio_get, (int)a[0], (int)a[1]));
}

SYSCALL_DECL(ioprio_set)
{
    (void)t;
    return host_ret(syscall(SYS_ioprio_set, (int)a[0], (int)a[1], (int)a[2]));
}

/* syslog(type, buf, len): the kernel log (klogctl); the read actions
 * (2, 3, 4) fill buf. */
SYSCALL_DECL(syslog)
{
    int type = (int)a[0];
    int32_t len = (int32_t)a[2];
    char *buf = NULL;
    if (type == 2 || type == 3 || type == 4) {
        if (len < 0)
            return -EINVAL;
        buf = guest_out_ptr(t, a[1], (uint32_t)len);
        if (!buf && len)
            return -EFAULT;
    }
    return host_ret(safe_syscall(SYS_syslog, type, buf, len));
}
