/*
 * The signal system calls: dispositions (sigaction, rt_sigaction,
 * signal), masks (sigprocmask, rt_sigprocmask, sigpending,
 * rt_sigpending), waiting (pause, sigsuspend, rt_sigsuspend,
 * rt_sigtimedwait), sending (kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo), the alternate stack and sigreturn.  Guest
 * structures are read word by word in their i386 layout; the signal
 * machinery itself is signal.c's.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/signal-internal.h"
#include "linux-user/syscall-impl.h"

/* ---- dispositions ------------------------------------------------------------ */

/* Changes sig's disposition; *old gets the previous one. */
static int do_sigaction(LinuxThread *t, int sig, const GuestSigAction *act, GuestSigAction *old)
{
    LinuxProcess *proc = t->proc;
    if (sig < 1 || sig > GUEST_NSIG)
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    pthread_mutex_lock(&proc->sig_lock);
    if (old)
        *old = t->sigact[sig];
    if (act) {
        GuestSigAction ka = *act;
        ka.mask &= ~UNBLOCKABLE;
        t->sigact[sig] = ka;
        sig_set_host_action(sig, &ka);
    }
    pthread_mutex_unlock(&proc->sig_lock);
    if (act && sig_is_ignored(t->sigact, sig) && !t->vfork_child) {
        /* POSIX: setting SIG_IGN discards what is pending, in every thread. */
        __atomic_and_fetch(&proc->pending, ~BIT(sig), __ATOMIC_SEQ_CST);
        sig_queue_drop(&proc->sigqueue, BIT(sig));
        pthread_mutex_lock(&proc->thread_lock);
        for (LinuxThread *o = proc->threads; o; o = o->next) {
            __atomic_and_fetch(&o->pending, ~BIT(sig), __ATOMIC_SEQ_CST);
            sig_queue_drop(&o->sigqueue, BIT(sig));
        }
        pthread_mutex_unlock(&proc->thread_lock);
    }
    return 0;
}

SYSCALL_DECL(rt_sigaction)
{
    /* struct sigaction (kernel, i386): handler, flags, restorer, mask[2]. */
    uint32_t w[5];
    GuestSigAction act, old;
    if (a[3] != 8)
        return -EINVAL;
    if (a[1]) {
        int r = copy_from_guest(&t->proc->space, w, a[1], sizeof(w));
        if (r < 0)
            return r;
        act = (GuestSigAction){ .handler = w[0], .flags = w[1], .restorer = w[2],
                                .mask = w[3] | (uint64_t)w[4] << 32 };
    }
    int r = do_sigaction(t, (int)a[0], a[1] ? &act : NULL, &old);
    if (r == 0 && a[2]) {
        w[0] = old.handler;
        w[1] = old.flags;
        w[2] = old.restorer;
        w[3] = (uint32_t)old.mask;
        w[4] = (uint32_t)(old.mask >> 32);
        r = copy_to_guest(&t->proc->space, a[2], w, sizeof(w));
    }
    return r;
}

SYSCALL_DECL(sigaction)
{
    /* struct old_sigaction: handler, mask (one word), flags, restorer. */
    uint32_t w[4];
    GuestSigAction act, old;
    if (a[1]) {
        int r = copy_from_guest(&t->proc->space, w, a[1], sizeof(w));
        if (r < 0)
            return r;
        act = (GuestSigAction){ .handler = w[0], .mask = w[1], .flags = w[2],
                                .restorer = w[3] };
    }
    int r = do_sigaction(t, (int)a[0], a[1] ? &act : NULL, &old);
    if (r == 0 && a[2]) {
        w[0] = old.handler;
        w[1] = (uint32_t)old.mask;
        w[2] = old.flags;
        w[3] = old.restorer;
        r = copy_to_guest(&t->proc->space, a[2], w, sizeof(w));
    }
    return r;
}

/* ---- masks -------------------------------------------------------------------- */

static int change_mask(LinuxThread *t, int how, const uint64_t *set, uint64_t *old)
{
    *old = t->blocked;
    if (!set)
        return 0;
    uint64_t m;
    switch (how) {
    case SIG_BLOCK: m = t->blocked | *set; break;
    case SIG_UNBLOCK: m = t->blocked & ~*set; break;
    case SIG_SETMASK: m = *set; break;
    default: return -EINVAL;
    }
    __atomic_store_n(&t->blocked, m & ~UNBLOCKABLE, __ATOMIC_RELAXED);
    return 0;
}

SYSCALL_DECL(rt_sigprocmask)
{
    uint64_t set, old;
    if (a[3] != 8)
        return -EINVAL;
    if (a[1]) {
        int r = copy_from_guest(&t->proc->space, &set, a[1], 8);
        if (r < 0)
            return r;
    }
    int r = change_mask(t, (int)a[0], a[1] ? &set : NULL, &old);
    if (r == 0 && a[2])
        r = copy_to_guest(&t->proc->space, a[2], &old, 8);
    return r;
}

SYSCALL_DECL(sigprocmask)
{
    uint32_t w;
    uint64_t set = 0, old;
    if (a[1]) {
        int r = copy_from_guest(&t->proc->space, &w, a[1], 4);
        if (r < 0)
            return r;
        /* The old call only reaches the first 32 signals. */
        set = w;
        if ((int)a[0] == SIG_SETMASK)
            set |= t->blocked & 0xffffffff00000000ull;
    }
    int r = change_mask(t, (int)a[0], a[1] ? &set : NULL, &old);
    if (r == 0 && a[2]) {
        w = (uint32_t)old;
        r = copy_to_guest(&t->proc->space, a[2], &w, 4);
    }
    return r;
}

SYSCALL_DECL(rt_sigpending)
{
    if (a[1] > 8)
        return -EINVAL;
    uint64_t p = (sig_load_pending(&t->pending) | sig_load_pending(&t->proc->pending)) & t->blocked;
    return copy_to_guest(&t->proc->space, a[0], &p, a[1]);
}

SYSCALL_DECL(rt_sigsuspend)
{
    uint64_t set;
    if (a[1] != 8)
        return -EINVAL;
    int r = copy_from_guest(&t->proc->space, &set, a[0], 8);
    if (r < 0)
        return r;
    t->saved_blocked = t->blocked;
    t->saved_blocked_valid = true;
    __atomic_store_n(&t->blocked, set & ~UNBLOCKABLE, __ATOMIC_RELAXED);
    sig_wait(t, 0, NULL);
    return -EINTR;
}

SYSCALL_DECL(pause)
{
    (void)a;
    sig_wait(t, 0, NULL);
    return -EINTR;
}

static abi_long do_sigtimedwait(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    LinuxProcess *proc = t->proc;
    uint64_t set;
    if (a[3] != 8)
        return -EINVAL;
    int r = copy_from_guest(&proc->space, &set, a[0], 8);
    if (r < 0)
        return r;
    set &= ~UNBLOCKABLE;
    struct timespec deadline, *dp = NULL;
    if (a[2]) {
        int64_t sec, nsec;
        if (time64) {
            int64_t ts[2];
            r = copy_from_guest(&proc->space, ts, a[2], sizeof(ts));
            sec = ts[0];
            nsec = (int32_t)ts[1];   /* the upper half is padding for a 32-bit caller */
        } else {
            int32_t ts[2];
            r = copy_from_guest(&proc->space, ts, a[2], sizeof(ts));
            sec = ts[0];
            nsec = ts[1];
        }
        if (r < 0)
            return r;
        if (sec < 0 || nsec < 0 || nsec >= 1000000000)
            return -EINVAL;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += sec;
        deadline.tv_nsec += nsec;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_nsec -= 1000000000;
            deadline.tv_sec++;
        }
        dp = &deadline;
    }
    for (;;) {
        GuestSiginfo info;
        int sig = sig_dequeue(t, set, &info);
        if (sig) {
            if (a[1] && (r = copy_to_guest(&proc->space, a[1], &info, sizeof(info))) < 0)
                return r;
            return sig;
        }
        /* A signal outside the set that is not blocked interrupts. */
        if (linux_signal_deliverable(t) &&
            ((sig_load_pending(&t->pending) | sig_load_pending(&proc->pending)) & ~t->blocked & ~set))
            return -EINTR;
        if (!sig_wait(t, set, dp))
            return -EAGAIN;
    }
}

SYSCALL_DECL(rt_sigtimedwait)
{
    return do_sigtimedwait(t, a, false);
}

SYSCALL_DECL(rt_sigtimedwait_time64)
{
    return do_sigtimedwait(t, a, true);
}

/* ---- sending ------------------------------------------------------------------- */

static LinuxThread *find_thread(LinuxProcess *proc, int tid)
{
    for (LinuxThread *o = proc->threads; o; o = o->next) {
        if (o->tid == tid)
            return o;
    }
    return NULL;
}

SYSCALL_DECL(kill)
{
    int pid = (int32_t)a[0], sig = (int32_t)a[1];
    if (sig < 0 || sig > GUEST_NSIG)
        return -EINVAL;
    if (pid == getpid()) {
        if (sig == 0)
            return 0;
        GuestSiginfo info;
        sig_self_info(&info, sig, SI_USER);
        linux_signal_record(t->proc, t->vfork_child ? t : NULL, sig, &info);
        return 0;
    }
    return guest_result(kill(pid, sig));
}

/* tkill/tgkill of one of our own threads: recorded and woken here. */
static abi_long thread_kill(LinuxThread *t, int tgid, int tid, int sig)
{
    LinuxProcess *proc = t->proc;
    if (sig < 0 || sig > GUEST_NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
        return -EINVAL;
    if (tgid == -1 || tgid == getpid()) {
        pthread_mutex_lock(&proc->thread_lock);
        LinuxThread *o = find_thread(proc, tid);
        if (o) {
            if (sig) {
                GuestSiginfo info;
                sig_self_info(&info, sig, SI_TKILL);
                linux_signal_record(proc, o, sig, &info);
                linux_kick_thread(o);
            }
            pthread_mutex_unlock(&proc->thread_lock);
            return 0;
        }
        pthread_mutex_unlock(&proc->thread_lock);
    }
    long r = tgid == -1 ? syscall(SYS_tkill, tid, sig) : syscall(SYS_tgkill, tgid, tid, sig);
    return guest_result(r);
}

SYSCALL_DECL(tkill)
{
    return thread_kill(t, -1, (int32_t)a[0], (int32_t)a[1]);
}

SYSCALL_DECL(tgkill)
{
    if ((int32_t)a[0] <= 0)
        return -EINVAL;
    return thread_kill(t, (int32_t)a[0], (int32_t)a[1], (int32_t)a[2]);
}

/* ---- the alternate stack ------------------------------------------------------- */

bool linux_on_sigstack(const LinuxThread *t, uint32_t sp)
{
    return t->ss_size && sp - t->ss_sp < t->ss_size;
}

SYSCALL_DECL(sigaltstack)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t sp = t->cpu.regs[R_ESP];
    uint32_t old[3] = { t->ss_sp, 0, t->ss_size };
    old[1] = t->ss_size == 0 ? GUEST_SS_DISABLE
                             : (linux_on_sigstack(t, sp) ? GUEST_SS_ONSTACK : 0) |
                                   (t->ss_flags & GUEST_SS_AUTODISARM);
    if (a[0]) {
        uint32_t w[3];
        int r = copy_from_guest(gs, w, a[0], sizeof(w));
        if (r < 0)
            return r;
        if (linux_on_sigstack(t, sp))
            return -EPERM;
        uint32_t mode = w[1] & ~(uint32_t)GUEST_SS_AUTODISARM;
        if (mode != GUEST_SS_DISABLE && mode != GUEST_SS_ONSTACK && mode != 0)
            return -EINVAL;
        if (mode == GUEST_SS_DISABLE) {
            t->ss_sp = t->ss_size = 0;
            t->ss_flags = 0;
        } else {
            if (w[2] < GUEST_MINSIGSTKSZ)
                return -ENOMEM;
            t->ss_sp = w[0];
            t->ss_size = w[2];
            t->ss_flags = w[1] & (uint32_t)GUEST_SS_AUTODISARM;
        }
    }
    if (a[1]) {
        int r = copy_to_guest(gs, a[1], old, sizeof(old));
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- sigreturn ------------------------------------------------------------------- */

static abi_long finish_sigreturn(LinuxThread *t, bool ok, uint64_t mask)
{
    if (!ok) {
        linux_force_signal(t, SIGSEGV, 0x80 /* SI_KERNEL */, 0);
        return (abi_long)t->cpu.regs[R_EAX];
    }
    __atomic_store_n(&t->blocked, mask & ~UNBLOCKABLE, __ATOMIC_RELAXED);
    t->syscall_interrupted = false;
    return (abi_long)t->cpu.regs[R_EAX];
}

SYSCALL_DECL(sigreturn)
{
    (void)a;
    uint64_t mask;
    bool ok = i386_restore_sigframe(t, &mask);
    return finish_sigreturn(t, ok, mask);
}

SYSCALL_DECL(rt_sigreturn)
{
    (void)a;
    uint64_t mask;
    bool ok = i386_restore_rt_sigframe(t, &mask);
    return finish_sigreturn(t, ok, mask);
}

/* ---- the old single-word calls ----------------------------------------------------- */

SYSCALL_DECL(signal)
{
    /* signal(2) as the kernel implements it: SA_ONESHOT | SA_NOMASK. */
    GuestSigAction act = { .handler = a[1], .flags = GUEST_SA_RESETHAND | GUEST_SA_NODEFER };
    GuestSigAction old;
    int r = do_sigaction(t, (int)a[0], &act, &old);
    return r < 0 ? r : (abi_long)old.handler;
}

SYSCALL_DECL(sigsuspend)
{
    /* i386 passes the mask as the third argument (two unused before). */
    t->saved_blocked = t->blocked;
    t->saved_blocked_valid = true;
    uint64_t set = (t->blocked & 0xffffffff00000000ull) | a[2];
    __atomic_store_n(&t->blocked, set & ~UNBLOCKABLE, __ATOMIC_RELAXED);
    sig_wait(t, 0, NULL);
    return -EINTR;
}

SYSCALL_DECL(sigpending)
{
    (void)a;
    uint32_t p = (uint32_t)((sig_load_pending(&t->pending) | sig_load_pending(&t->proc->pending)) &
                            t->blocked);
    return copy_to_guest(&t->proc->space, a[0], &p, 4);
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo: the caller's siginfo, which may
 * only claim to come from the kernel when aimed at the caller itself. */
static abi_long queue_info(LinuxThread *t, int tgid, int tid, int sig, uint32_t uinfo)
{
    LinuxProcess *proc = t->proc;
    GuestSiginfo info;
    if (sig < 1 || sig > GUEST_NSIG || tgid <= 0 || (tid != -1 && tid <= 0))
        return -EINVAL;
    int r = copy_from_guest(&proc->space, &info, uinfo, sizeof(info));
    if (r < 0)
        return r;
    int32_t code = (int32_t)guest_siginfo_get32(&info, 8);
    bool to_self = tgid == getpid() && (tid == -1 || tid == t->tid);
    if ((code >= 0 || code == SI_TKILL) && !to_self)
        return -EPERM;
    guest_siginfo_put32(&info, 0, (uint32_t)sig);
    if (tgid == getpid()) {
        LinuxThread *target = NULL;
        if (tid != -1) {
            pthread_mutex_lock(&proc->thread_lock);
            target = find_thread(proc, tid);
            if (!target) {
                pthread_mutex_unlock(&proc->thread_lock);
                return -ESRCH;
            }
        }
        bool queued = sig_record(proc, target ? target : (t->vfork_child ? t : NULL), sig, &info);
        if (target) {
            linux_kick_thread(target);
            pthread_mutex_unlock(&proc->thread_lock);
        }
        return queued || sig < SIGRTMIN_ ? 0 : -EAGAIN;
    }
    siginfo_t h;
    memset(&h, 0, sizeof(h));
    h.si_signo = sig;
    h.si_errno = (int)guest_siginfo_get32(&info, 4);
    h.si_code = code;
    h.si_pid = (pid_t)guest_siginfo_get32(&info, 12);
    h.si_uid = (uid_t)guest_siginfo_get32(&info, 16);
    h.si_value.sival_int = (int)guest_siginfo_get32(&info, 20);
    long ret = tid == -1 ? syscall(SYS_rt_sigqueueinfo, tgid, sig, &h)
                         : syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &h);
    return guest_result(ret);
}

SYSCALL_DECL(rt_sigqueueinfo)
{
    return queue_info(t, (int32_t)a[0], -1, (int32_t)a[1], a[2]);
}

SYSCALL_DECL(rt_tgsigqueueinfo)
{
    return queue_info(t, (int32_t)a[0], (int32_t)a[1], (int32_t)a[2], a[3]);
}
