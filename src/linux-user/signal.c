/*
 * Guest signals: pending sets, delivery, default actions and the host
 * handlers (the system calls that manage dispositions and masks are in
 * signal-calls.c).
 *
 * The guest's signal state is emulated, not the host's: the host mask of
 * every mimic thread stays open and a host handler (installed for every
 * catchable signal at startup) only records the signal as pending for
 * the guest thread it interrupted (thread-directed, SI_TKILL) or for the
 * process, with its siginfo converted to the i386 layout, and asks that
 * thread to leave generated code (cpu_exit).  The cpu loop then calls
 * linux_deliver_signals() between two blocks, where the guest's mask and
 * dispositions decide: a handler frame (i386/signal-frame.c), the default
 * action (terminate or dump core by re-raising the same signal on the
 * host with its default action, so the parent sees WIFSIGNALED; stop with
 * it; ignore), or nothing while blocked.  Because the host handlers are
 * installed without SA_RESTART, a host system call blocked in the
 * thread returns EINTR and the guest sees either a restart (SA_RESTART,
 * or no handler ran: eip goes back over the INT 0x80) or -EINTR.
 *
 * Signals the guest sends to itself (kill of its own pid, tkill/tgkill of
 * its own threads) are recorded directly and the target thread is woken
 * with a host signal reserved for that (SIGRTMAX, the "kick"): glibc
 * keeps host signals 32 and 33 for itself, so guest signals 32, 33 and
 * 64 can only travel this way; other processes get the host signal of
 * the same number.
 *
 * Faults (SIGSEGV from a guest page fault...) are synchronous: fault.c
 * and the cpu loop turn them into linux_force_signal(), delivered first,
 * and fatal when blocked or ignored, as the kernel's force_sig does.
 *
 * Locks: proc->sig_lock for the dispositions; pending sets are atomic
 * words written from host handlers; a thread's mask is written only by
 * that thread.  A standard signal is pending once at most; real-time
 * signals queue (SigQueue: slots claimed with compare-and-swap, since
 * host handlers fill them; up to SIGQUEUE_SLOTS per thread and per
 * process, then they merge as standard ones do).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/gdb-user.h"
#include "linux-user/rr-user.h"
#include "linux-user/safe-syscall.h"
#include "linux-user/signal-internal.h"
#include "linux-user/syscall-impl.h"
#include "util/log.h"

#define SYNCHRONOUS (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGFPE) | \
                     BIT(SIGSYS))
#define KICK_SIGNAL 64

static LinuxProcess *signal_proc;

int linux_kick_signal(void)
{
    return KICK_SIGNAL;
}

/* ---- siginfo in the guest layout ---------------------------------------- */

void guest_siginfo_put32(GuestSiginfo *si, unsigned offset, uint32_t v)
{
    memcpy(si->b + offset, &v, 4);
}

uint32_t guest_siginfo_get32(const GuestSiginfo *si, unsigned offset)
{
    uint32_t v;
    memcpy(&v, si->b + offset, 4);
    return v;
}

void guest_siginfo_set(GuestSiginfo *si, int signo, int code)
{
    memset(si, 0, sizeof(*si));
    guest_siginfo_put32(si, 0, (uint32_t)signo);
    guest_siginfo_put32(si, 8, (uint32_t)code);
}

/* Offsets in the i386 union (compat_siginfo_t), from byte 12. */
enum {
    SI_PID = 12, SI_UID = 16,              /* kill, rt, chld */
    SI_VALUE = 20,                         /* rt, timer */
    SI_TIMERID = 12, SI_OVERRUN = 16,      /* timer */
    SI_STATUS = 20, SI_UTIME = 24, SI_STIME = 28,   /* chld */
    SI_ADDR = 12,                          /* fault */
    SI_BAND = 12, SI_FD = 16,              /* poll */
    SI_CALL_ADDR = 12, SI_SYSCALL = 16, SI_ARCH = 20,   /* sys */
};

/* The host's siginfo for sig in the guest layout, field by field by the
 * union member the kernel fills for that code and signal. */
static void host_siginfo_to_guest(int sig, const siginfo_t *h, GuestSiginfo *g)
{
    guest_siginfo_set(g, sig, h->si_code);
    guest_siginfo_put32(g, 4, (uint32_t)h->si_errno);
    if (h->si_code == SI_TIMER) {
        guest_siginfo_put32(g, SI_TIMERID, (uint32_t)h->si_timerid);
        guest_siginfo_put32(g, SI_OVERRUN, (uint32_t)h->si_overrun);
        guest_siginfo_put32(g, SI_VALUE, (uint32_t)h->si_value.sival_int);
    } else if (h->si_code <= 0 || h->si_code == SI_KERNEL) {
        guest_siginfo_put32(g, SI_PID, (uint32_t)h->si_pid);
        guest_siginfo_put32(g, SI_UID, (uint32_t)h->si_uid);
        if (h->si_code == SI_QUEUE || h->si_code == SI_MESGQ || h->si_code == SI_ASYNCIO)
            guest_siginfo_put32(g, SI_VALUE, (uint32_t)h->si_value.sival_int);
    } else if (sig == SIGCHLD) {
        guest_siginfo_put32(g, SI_PID, (uint32_t)h->si_pid);
        guest_siginfo_put32(g, SI_UID, (uint32_t)h->si_uid);
        guest_siginfo_put32(g, SI_STATUS, (uint32_t)h->si_status);
        guest_siginfo_put32(g, SI_UTIME, (uint32_t)h->si_utime);
        guest_siginfo_put32(g, SI_STIME, (uint32_t)h->si_stime);
    } else if (sig == SIGPOLL) {
        guest_siginfo_put32(g, SI_BAND, (uint32_t)h->si_band);
        guest_siginfo_put32(g, SI_FD, (uint32_t)h->si_fd);
    } else if (sig == SIGSYS) {
        guest_siginfo_put32(g, SI_SYSCALL, (uint32_t)h->si_syscall);
        guest_siginfo_put32(g, SI_ARCH, h->si_arch);
    }
    /* Fault codes from the host are mimic's own faults, never sent here. */
}

/* A kill-style siginfo from this process (kill, tkill of ourselves). */
void sig_self_info(GuestSiginfo *g, int sig, int code)
{
    guest_siginfo_set(g, sig, code);
    guest_siginfo_put32(g, SI_PID, (uint32_t)getpid());
    guest_siginfo_put32(g, SI_UID, (uint32_t)getuid());
}

/* ---- pending sets --------------------------------------------------------- */

/* Queues an instance of a real-time signal; false when the queue is full
 * (the signal is then only marked pending, with this siginfo). */
static bool sigqueue_put(SigQueue *q, int sig, const GuestSiginfo *info)
{
    for (int i = 0; i < SIGQUEUE_SLOTS; i++) {
        SigQueueSlot *s = &q->slot[i];
        uint32_t expect = 0;
        if (!__atomic_compare_exchange_n(&s->state, &expect, 1, false, __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED))
            continue;
        s->sig = (uint32_t)sig;
        s->info = *info;
        s->seq = __atomic_fetch_add(&q->next_seq, 1, __ATOMIC_RELAXED);
        __atomic_store_n(&s->state, 2, __ATOMIC_RELEASE);
        return true;
    }
    return false;
}

/* Takes the oldest queued instance of sig; *more says whether another
 * one is left. */
static bool sigqueue_take(SigQueue *q, int sig, GuestSiginfo *info, bool *more)
{
    for (;;) {
        SigQueueSlot *best = NULL;
        int count = 0;
        for (int i = 0; i < SIGQUEUE_SLOTS; i++) {
            SigQueueSlot *s = &q->slot[i];
            if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == 2 && s->sig == (uint32_t)sig) {
                count++;
                if (!best || s->seq < best->seq)
                    best = s;
            }
        }
        *more = count > 1;
        if (!best)
            return false;
        uint32_t expect = 2;
        if (!__atomic_compare_exchange_n(&best->state, &expect, 3, false, __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED))
            continue;   /* another thread took it: look again */
        *info = best->info;
        __atomic_store_n(&best->state, 0, __ATOMIC_RELEASE);
        return true;
    }
}

/* Records one more instance of sig; false when a real-time queue is full. */
bool sig_record(LinuxProcess *proc, LinuxThread *t, int sig, const GuestSiginfo *info)
{
    if (sig < 1 || sig > GUEST_NSIG)
        return false;
    bool queued = true;
    if (sig >= SIGRTMIN_)
        queued = sigqueue_put(t ? &t->sigqueue : &proc->sigqueue, sig, info);
    if (t) {
        if (sig < SIGRTMIN_ || !queued)
            t->sig_info[sig] = *info;
        __atomic_or_fetch(&t->pending, BIT(sig), __ATOMIC_SEQ_CST);
    } else {
        if (sig < SIGRTMIN_ || !queued)
            proc->sig_info[sig] = *info;
        __atomic_or_fetch(&proc->pending, BIT(sig), __ATOMIC_SEQ_CST);
    }
    return queued;
}

void linux_signal_record(LinuxProcess *proc, LinuxThread *t, int sig, const GuestSiginfo *info)
{
    sig_record(proc, t, sig, info);
}

uint64_t sig_load_pending(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* Default action classes (signal(7)). */
static bool default_ignores(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static bool default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static bool default_dumps_core(int sig)
{
    return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP || sig == SIGABRT ||
           sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV || sig == SIGXCPU ||
           sig == SIGXFSZ || sig == SIGSYS;
}

/* Whether a signal with this disposition would be discarded. */
bool sig_is_ignored(const GuestSigAction *acts, int sig)
{
    uint32_t h = __atomic_load_n(&acts[sig].handler, __ATOMIC_RELAXED);
    return h == 1 || (h == 0 && default_ignores(sig));
}

/* Drops pending signals that are ignored now: Linux never queues them.
 * Returns the pending set left. */
void sig_queue_drop(SigQueue *q, uint64_t sigs)
{
    for (int i = 0; i < SIGQUEUE_SLOTS; i++) {
        SigQueueSlot *s = &q->slot[i];
        uint32_t expect = 2;
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == 2 && (sigs & BIT(s->sig)))
            __atomic_compare_exchange_n(&s->state, &expect, 0, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED);
    }
}

static uint64_t discard_ignored(const GuestSigAction *acts, uint64_t *pending, SigQueue *q)
{
    uint64_t p = sig_load_pending(pending);
    uint64_t drop = 0;
    for (uint64_t m = p; m; m &= m - 1) {
        int sig = __builtin_ctzll(m) + 1;
        if (sig_is_ignored(acts, sig))
            drop |= BIT(sig);
    }
    if (drop) {
        p = __atomic_and_fetch(pending, ~drop, __ATOMIC_SEQ_CST);
        if (drop >> (SIGRTMIN_ - 1))
            sig_queue_drop(q, drop);
    }
    return p;
}

bool linux_signal_deliverable(LinuxThread *t)
{
    LinuxProcess *proc = t->proc;
    uint64_t p = discard_ignored(t->sigact, &t->pending, &t->sigqueue) |
                 discard_ignored(t->sigact, &proc->pending, &proc->sigqueue);
    return (p & ~t->blocked) != 0;
}

void linux_kick_thread(LinuxThread *t)
{
    cpu_exit(&t->cpu.parent);
    if (t != linux_current)
        syscall(SYS_tkill, t->tid, KICK_SIGNAL);
}

/* A process-directed signal this thread blocks goes to a thread that does
 * not block it: wake that one. */
static void kick_for_blocked(LinuxThread *t, uint64_t stuck)
{
    LinuxProcess *proc = t->proc;
    pthread_mutex_lock(&proc->thread_lock);
    for (LinuxThread *o = proc->threads; o; o = o->next) {
        if (o != t && (stuck & ~__atomic_load_n(&o->blocked, __ATOMIC_RELAXED))) {
            linux_kick_thread(o);
            break;
        }
    }
    pthread_mutex_unlock(&proc->thread_lock);
}

/* Takes the next signal to deliver out of the pending sets: synchronous
 * ones first, then the lowest number, thread-directed before process. */
int sig_dequeue(LinuxThread *t, uint64_t allowed, GuestSiginfo *info)
{
    LinuxProcess *proc = t->proc;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t *set = pass == 0 ? &t->pending : &proc->pending;
        for (;;) {
            uint64_t p = sig_load_pending(set) & allowed;
            if (!p)
                break;
            uint64_t pick = (p & SYNCHRONOUS) ? (p & SYNCHRONOUS) : p;
            int sig = __builtin_ctzll(pick) + 1;
            uint64_t old = __atomic_fetch_and(set, ~BIT(sig), __ATOMIC_SEQ_CST);
            if (!(old & BIT(sig)))
                continue;   /* another thread took it */
            bool more = false;
            if (sig < SIGRTMIN_ ||
                !sigqueue_take(pass == 0 ? &t->sigqueue : &proc->sigqueue, sig, info, &more))
                *info = pass == 0 ? t->sig_info[sig] : proc->sig_info[sig];
            if (more)
                __atomic_or_fetch(set, BIT(sig), __ATOMIC_SEQ_CST);
            return sig;
        }
    }
    return 0;
}

void linux_force_signal(LinuxThread *t, int sig, int code, uint32_t addr)
{
    LinuxProcess *proc = t->proc;
    GuestSiginfo info;
    guest_siginfo_set(&info, sig, code);
    guest_siginfo_put32(&info, SI_ADDR, addr);
    pthread_mutex_lock(&proc->sig_lock);
    bool blocked = (t->blocked & BIT(sig)) != 0;
    if (blocked || t->sigact[sig].handler == 1) {
        t->sigact[sig].handler = 0;
        t->blocked &= ~BIT(sig);
    }
    pthread_mutex_unlock(&proc->sig_lock);
    t->rr_raised |= BIT(sig);   /* -rr: replay raises it the same way */
    linux_signal_record(proc, t, sig, &info);
}

/* ---- default actions ------------------------------------------------------ */

_Noreturn void linux_die_by_signal(int sig)
{
    rr_user_process_exit(linux_current, true, sig);
    if (linux_gdb)
        gdbstub_exit(linux_gdb, 0, sig);
    log_flush();
    if (default_dumps_core(sig)) {
        /* The core would be mimic's, with the 4 GiB window: not useful. */
        struct rlimit none = { 0, 0 };
        setrlimit(RLIMIT_CORE, &none);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    /* A signal whose default action does not kill on this host (it should
     * not happen): exit as a shell would report it. */
    _exit(128 + sig);
}

/* Stops the process with sig, as its default action does, until SIGCONT. */
static void stop_by_signal(int sig)
{
    struct sigaction dfl, old;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, &old);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    sigaction(sig, &old, NULL);
}

/* ---- interrupted system calls ---------------------------------------------- */

/* Calls Linux never restarts after a handler ran, whatever SA_RESTART
 * says (signal(7)): they return EINTR. */
static bool restart_after_handler(uint32_t nr)
{
    switch (nr) {
    case 82:  /* select */
    case 142: /* _newselect */
    case 162: /* nanosleep */
    case 168: /* poll */
    case 256: /* epoll_wait */
    case 267: /* clock_nanosleep */
    case 308: /* pselect6 */
    case 309: /* ppoll */
    case 319: /* epoll_pwait */
    case 407: /* clock_nanosleep_time64 */
    case 413: /* pselect6_time64 */
    case 414: /* ppoll_time64 */
    case 441: /* epoll_pwait2 */
    case 117: /* ipc (semop, msgrcv) */
        return false;
    default:
        return true;
    }
}

bool linux_syscall_restartable(uint32_t nr)
{
    switch (nr) {
    case 29:  /* pause */
    case 72:  /* sigsuspend */
    case 119: /* sigreturn */
    case 173: /* rt_sigreturn */
    case 177: /* rt_sigtimedwait */
    case 179: /* rt_sigsuspend */
    case 421: /* rt_sigtimedwait_time64 */
        return false;
    default:
        return true;
    }
}

static void restart_syscall(LinuxThread *t)
{
    t->cpu.eip -= 2;   /* back over INT 0x80 (CD 80) */
    t->cpu.regs[R_EAX] = t->syscall_nr;
    t->syscall_interrupted = false;
}

/* ---- delivery --------------------------------------------------------------- */

void linux_deliver_signals(LinuxThread *t)
{
    LinuxProcess *proc = t->proc;
    for (;;) {
        GuestSiginfo info;
        discard_ignored(t->sigact, &t->pending, &t->sigqueue);
        discard_ignored(t->sigact, &proc->pending, &proc->sigqueue);
        /* -rr: which signal comes here is the recording's */
        int sig = replay_mode != REPLAY_MODE_OFF && !t->vfork_child
                      ? rr_user_next_signal(t, ~t->blocked, &info)
                      : sig_dequeue(t, ~t->blocked, &info);
        if (!sig)
            break;
        if (linux_gdb) {
            /* gdb sees the signal first and may cancel or change it. */
            int to = linux_gdb_signal(t, sig);
            if (!to)
                continue;
            if (to != sig) {
                sig = to;
                guest_siginfo_set(&info, sig, 0 /* SI_USER */);
            }
        }
        pthread_mutex_lock(&proc->sig_lock);
        GuestSigAction ka = t->sigact[sig];
        if (ka.handler > 1 && (ka.flags & GUEST_SA_RESETHAND)) {
            t->sigact[sig].handler = 0;
            t->sigact[sig].flags &= ~GUEST_SA_SIGINFO;
        }
        pthread_mutex_unlock(&proc->sig_lock);

        if (ka.handler == 1)
            continue;
        if (ka.handler == 0) {
            if (default_ignores(sig))
                continue;
            if (default_stops(sig)) {
                stop_by_signal(sig);
                continue;
            }
            linux_die_by_signal(sig);
        }
        if (t->syscall_interrupted) {
            if ((ka.flags & GUEST_SA_RESTART) && restart_after_handler(t->syscall_nr))
                restart_syscall(t);
            t->syscall_interrupted = false;
        }
        uint64_t frame_mask = t->saved_blocked_valid ? t->saved_blocked : t->blocked;
        if (!i386_setup_frame(t, sig, &ka, &info, frame_mask)) {
            /* No room for the frame: the kernel's force_sigsegv. */
            if (sig == SIGSEGV) {
                pthread_mutex_lock(&proc->sig_lock);
                t->sigact[SIGSEGV].handler = 0;
                pthread_mutex_unlock(&proc->sig_lock);
            }
            linux_force_signal(t, SIGSEGV, 0x80 /* SI_KERNEL */, 0);
            continue;
        }
        t->saved_blocked_valid = false;
        t->cpu.rep_pending = 0;   /* the handler runs; the REP restarts later */
        uint64_t blocked = t->blocked | ka.mask;
        if (!(ka.flags & GUEST_SA_NODEFER))
            blocked |= BIT(sig);
        __atomic_store_n(&t->blocked, blocked & ~UNBLOCKABLE, __ATOMIC_RELAXED);
    }
    if (t->syscall_interrupted)
        restart_syscall(t);
    if (t->saved_blocked_valid) {
        __atomic_store_n(&t->blocked, t->saved_blocked, __ATOMIC_RELAXED);
        t->saved_blocked_valid = false;
    }
    uint64_t stuck = sig_load_pending(&proc->pending) & t->blocked;
    if (stuck)
        kick_for_blocked(t, stuck);
}

/*
 * Sleeps until t has a deliverable signal, or one of `also` is pending,
 * or the CLOCK_MONOTONIC deadline passes (false).  The host signals are
 * blocked while looking and released atomically by ppoll while waiting,
 * so one arriving in between is not missed.
 */
bool sig_wait(LinuxThread *t, uint64_t also, const struct timespec *deadline)
{
    /* Nothing arrives from outside during a replay: the recording says
     * which signal came (rr_user_next_signal). */
    if (replay_playing())
        return true;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    bool ok = true;
    for (;;) {
        if (linux_signal_deliverable(t) ||
            ((sig_load_pending(&t->pending) | sig_load_pending(&t->proc->pending)) & also))
            break;
        struct timespec rel, *relp = NULL;
        if (deadline) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            int64_t ns = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000000000 +
                         (deadline->tv_nsec - now.tv_nsec);
            if (ns <= 0) {
                ok = false;
                break;
            }
            rel.tv_sec = ns / 1000000000;
            rel.tv_nsec = ns % 1000000000;
            relp = &rel;
        }
        ppoll(NULL, 0, relp, &old);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

/* ---- host handlers ---------------------------------------------------------- */

static void host_async_handler(int sig, siginfo_t *si, void *uc)
{
    int saved_errno = errno;
    LinuxThread *t = linux_current;
    /* Caught between linux_safe_syscall's check and its SYSCALL: it
     * returns -EINTR instead of sleeping through this signal. */
    if (uc && t)
        linux_safe_syscall_fixup(uc);
    if (sig == KICK_SIGNAL) {
        if (t)
            cpu_exit(&t->cpu.parent);
        errno = saved_errno;
        return;
    }
    if (replay_playing()) {
        /* The guest gets the recording's signals only.  The user's ^C
         * (or a kill) still ends the replay. */
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
            static const char msg[] = "mimic-i386: replay: interrupted\n";
            ssize_t n = write(2, msg, sizeof(msg) - 1);
            (void)n;
            _exit(128 + sig);
        }
        errno = saved_errno;
        return;
    }
    GuestSiginfo g;
    host_siginfo_to_guest(sig, si, &g);
    /* A vfork child is a process of its own sharing our memory: what it
     * receives is its own. */
    bool thread_directed = t && (si->si_code == SI_TKILL || t->vfork_child);
    linux_signal_record(signal_proc, thread_directed ? t : NULL, sig, &g);
    if (t)
        cpu_exit(&t->cpu.parent);
    errno = saved_errno;
}

/* fault.c forwards signals that another process sent as SIGSEGV etc. */
void linux_signal_from_host(int sig, siginfo_t *si, void *uc)
{
    host_async_handler(sig, si, uc);
}

static bool host_catchable(int sig)
{
    /* KILL and STOP cannot be caught; 32 and 33 are glibc's; the fault
     * signals belong to fault.c. */
    return sig != SIGKILL && sig != SIGSTOP && sig != 32 && sig != 33 && sig != SIGSEGV &&
           sig != SIGBUS && sig != SIGFPE && sig != SIGILL && sig <= GUEST_NSIG;
}

/* The host disposition that implements guest disposition ka for sig. */
void sig_set_host_action(int sig, const GuestSigAction *ka)
{
    if (!host_catchable(sig) || sig == KICK_SIGNAL)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigfillset(&sa.sa_mask);
    if (ka->handler == 1) {
        /* Ignored on the host too: this is what makes SIGCHLD's SIG_IGN
         * reap children and what an exec'd program inherits. */
        sa.sa_handler = SIG_IGN;
    } else {
        sa.sa_sigaction = host_async_handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        if (sig == SIGCHLD)
            sa.sa_flags |= (ka->flags & GUEST_SA_NOCLDSTOP ? SA_NOCLDSTOP : 0) |
                           (ka->flags & GUEST_SA_NOCLDWAIT ? SA_NOCLDWAIT : 0);
    }
    sigaction(sig, &sa, NULL);
}

void linux_signal_init(LinuxProcess *proc, LinuxThread *main_thread)
{
    signal_proc = proc;
    sigset_t inherited;
    pthread_sigmask(SIG_SETMASK, NULL, &inherited);
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        struct sigaction old;
        if (host_catchable(sig) && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN &&
            sig != KICK_SIGNAL)
            proc->sigact[sig].handler = 1;   /* ignored across exec stays ignored */
        if (sigismember(&inherited, sig) == 1 && sig != SIGKILL && sig != SIGSTOP)
            main_thread->blocked |= BIT(sig);
    }
    for (int sig = 1; sig <= GUEST_NSIG; sig++)
        sig_set_host_action(sig, &proc->sigact[sig]);
    struct sigaction kick;
    memset(&kick, 0, sizeof(kick));
    sigfillset(&kick.sa_mask);
    kick.sa_sigaction = host_async_handler;
    kick.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(KICK_SIGNAL, &kick, NULL);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

void linux_signal_prepare_exec(LinuxThread *t)
{
    /* What the new program inherits: the guest's mask and the guest's
     * ignored signals; everything else goes back to the default. */
    sigset_t mask;
    sigemptyset(&mask);
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        if ((t->blocked & BIT(sig)) && host_catchable(sig))
            sigaddset(&mask, sig);
    }
    pthread_sigmask(SIG_SETMASK, &mask, NULL);
}

void linux_signal_after_failed_exec(LinuxThread *t)
{
    (void)t;
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

