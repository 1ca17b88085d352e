/*
 * Guest threads: each one a host pthread with its own LinuxThread (CPU
 * state, signal mask, TLS entries) running the cpu loop, all sharing the
 * process's guest space and translation cache; and the calls that glibc's
 * threads are built on (clone for threads, futex, set_tid_address, the
 * robust futex list, exit).
 *
 * A guest thread id is the host thread id of the pthread that runs it:
 * TIDs the guest stores in futex words (PI futexes, robust lists) and
 * passes to tgkill are then right on the host too.  So a new thread
 * reports its tid before the guest child runs: clone waits for it,
 * writes CLONE_PARENT_SETTID/CLONE_CHILD_SETTID, then lets the child go.
 *
 * Futexes are the host's, on g2h(uaddr): guest and host words are the
 * same 32-bit words, and a CLONE_VM "process" (vfork) shares the host mm
 * as it shares the guest's memory, so private futexes work across it too.
 */
#include <errno.h>
#include <linux/futex.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/gdb-user.h"
#include "linux-user/rr-user.h"
#include "linux-user/syscall-impl.h"
#include "linux-user/user-internal.h"
#include "util/error.h"
#include "util/log.h"

__thread LinuxThread *linux_current;

/* The fault handler's stack: it must run even when the host stack has
 * overflowed. */
#define HOST_SIGSTACK_SIZE (64u << 10)

int linux_thread_host_init(LinuxThread *t)
{
    void *p = mmap(NULL, HOST_SIGSTACK_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    stack_t ss = { .ss_sp = p, .ss_size = HOST_SIGSTACK_SIZE, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) < 0) {
        int err = -errno;
        munmap(p, HOST_SIGSTACK_SIZE);
        return err;
    }
    t->host_sigstack = p;
    return 0;
}

static void host_sigstack_free(LinuxThread *t)
{
    if (!t->host_sigstack)
        return;
    stack_t ss = { .ss_flags = SS_DISABLE };
    sigaltstack(&ss, NULL);
    munmap(t->host_sigstack, HOST_SIGSTACK_SIZE);
    t->host_sigstack = NULL;
}

LinuxThread *linux_thread_new(LinuxProcess *proc)
{
    /* I386CPU.fxstate wants 16-byte alignment; a cache line is better. */
    LinuxThread *t = aligned_alloc(64, (sizeof(LinuxThread) + 63) & ~(size_t)63);
    if (!t)
        return NULL;
    memset(t, 0, sizeof(*t));
    t->proc = proc;
    t->sigact = proc->sigact;
    i386_cpu_init(&t->cpu, proc->model);
    t->cpu.parent.guest_base = proc->space.base;
    if (cpu_exec_init(&t->cpu.parent, &proc->exec) < 0) {
        free(t);
        return NULL;
    }
    linux_tls_init_thread(t);
    pthread_mutex_lock(&proc->thread_lock);
    t->next = proc->threads;
    proc->threads = t;
    proc->nb_threads++;
    pthread_mutex_unlock(&proc->thread_lock);
    return t;
}

uint64_t linux_process_icount(LinuxProcess *proc)
{
    pthread_mutex_lock(&proc->thread_lock);
    uint64_t n = proc->exited_icount;
    for (LinuxThread *t = proc->threads; t; t = t->next)
        n += cpu_icount(&t->cpu.parent);
    pthread_mutex_unlock(&proc->thread_lock);
    return n;
}

void linux_thread_free(LinuxThread *t)
{
    LinuxProcess *proc = t->proc;
    pthread_mutex_lock(&proc->thread_lock);
    for (LinuxThread **p = &proc->threads; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            proc->nb_threads--;
            /* Its instructions still count for the process's clock. */
            proc->exited_icount += cpu_icount(&t->cpu.parent);
            break;
        }
    }
    pthread_mutex_unlock(&proc->thread_lock);
    cpu_exec_destroy(&t->cpu.parent);
    free(t);
}

/* Copies the guest-visible CPU state of src into dst, keeping dst's own
 * attachment to the cpu loop and its descriptor table. */
static void copy_cpu_state(LinuxThread *dst, const LinuxThread *src)
{
    CPUExec *ex = dst->cpu.parent.exec;
    int index = dst->cpu.parent.cpu_index;
    dst->cpu = src->cpu;
    dst->cpu.parent.exec = ex;
    dst->cpu.parent.cpu_index = index;
    dst->cpu.parent.budget.u32 = 0;
    dst->cpu.parent.exception_index = EXCP_NONE;
    memcpy(dst->gdt, src->gdt, sizeof(dst->gdt));
    dst->cpu.gdt = dst->gdt;
}

/* ---- exit ---------------------------------------------------------------- */

#define ROBUST_LIST_LIMIT 2048
#define FUTEX_TID_MASK_ 0x3fffffffu
#define FUTEX_OWNER_DIED_ 0x40000000u
#define FUTEX_WAITERS_ 0x80000000u

static long host_futex(void *uaddr, int op, uint32_t val, const void *timeout, void *uaddr2,
                       uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

/* The kernel's handle_futex_death for one robust futex at addr. */
static void robust_futex_died(LinuxThread *t, uint32_t addr, bool pending_op)
{
    GuestSpace *gs = &t->proc->space;
    if ((addr & 3) || guest_prepare_write(gs, addr, 4) < 0)
        return;
    uint32_t *w = g2h(gs, addr);
    uint32_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    for (;;) {
        if (pending_op && (old & FUTEX_TID_MASK_) == 0 && !(old & FUTEX_WAITERS_))
            return;
        if ((old & FUTEX_TID_MASK_) != (uint32_t)t->tid)
            return;
        uint32_t nw = (old & FUTEX_WAITERS_) | FUTEX_OWNER_DIED_;
        if (__atomic_compare_exchange_n(w, &old, nw, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    if (old & FUTEX_WAITERS_)
        host_futex(w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* The kernel's exit_robust_list: mark the futexes the thread still owns. */
static void exit_robust_list(LinuxThread *t)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t head[3];   /* next, futex_offset, list_op_pending */
    if (!t->robust_list || copy_from_guest(gs, head, t->robust_list, sizeof(head)) < 0)
        return;
    int32_t offset = (int32_t)head[1];
    uint32_t pending = head[2];
    uint32_t entry = head[0];
    for (int n = 0; entry != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
        uint32_t next;
        if (copy_from_guest(gs, &next, entry & ~1u, 4) < 0)
            return;
        if ((entry & ~1u) != pending)
            robust_futex_died(t, (entry & ~1u) + (uint32_t)offset, false);
        entry = next;
    }
    if (pending)
        robust_futex_died(t, (pending & ~1u) + (uint32_t)offset, true);
}

_Noreturn void linux_process_exit(LinuxThread *t, int code)
{
    rr_user_process_exit(t, false, code & 0xff);
    if (linux_gdb)
        gdbstub_exit(linux_gdb, code, 0);
    log_flush();
    _exit(code & 0xff);
}

_Noreturn void linux_thread_exit(LinuxThread *t, int code)
{
    LinuxProcess *proc = t->proc;
    exit_robust_list(t);
    pthread_mutex_lock(&proc->thread_lock);
    bool last = proc->nb_threads == 1;
    pthread_mutex_unlock(&proc->thread_lock);
    if (last || t->vfork_child)
        linux_process_exit(t, code);
    if (t->clear_child_tid) {
        GuestSpace *gs = &proc->space;
        uint32_t zero = 0;
        if (copy_to_guest(gs, t->clear_child_tid, &zero, 4) == 0)
            host_futex(g2h(gs, t->clear_child_tid), FUTEX_WAKE, 1, NULL, NULL, 0);
    }
    if (linux_gdb)
        gdbstub_thread_exit(linux_gdb, t->tid);
    /* The next thread may run once clear_child_tid is written. */
    rr_user_thread_exit(t);
    /* From here no handler may look at t. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    linux_current = NULL;
    host_sigstack_free(t);
    linux_thread_free(t);
    pthread_exit(NULL);
}

SYSCALL_DECL(exit)
{
    linux_thread_exit(t, (int)a[0]);
}

SYSCALL_DECL(exit_group)
{
    linux_process_exit(t, (int)a[0]);
}

/* ---- thread creation ------------------------------------------------------ */

typedef struct ThreadStart {
    LinuxThread *t;
    sem_t ready, go;
    int err;
} ThreadStart;

static void *thread_main(void *arg)
{
    ThreadStart *st = arg;
    LinuxThread *t = st->t;
    linux_current = t;
    t->tid = (int)syscall(SYS_gettid);
    t->host = pthread_self();
    st->err = linux_thread_host_init(t);
    bool ok = st->err == 0;
    sem_post(&st->ready);
    if (!ok)
        return NULL;   /* the parent frees t */
    while (sem_wait(&st->go) < 0 && errno == EINTR)
        ;
    /* The parent owns st until it posts go, we own it after. */
    sem_destroy(&st->ready);
    sem_destroy(&st->go);
    free(st);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    linux_cpu_loop(t);
}

static void *revive_main(void *arg)
{
    LinuxThread *t = arg;
    linux_current = t;
    t->host = pthread_self();
    if (linux_thread_host_init(t) < 0)
        fatal_user_error("reverse execution: no signal stack for a thread");
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    linux_cpu_loop(t);
}

/* A detached host thread running fn(arg), started with every host
 * signal blocked until it knows which guest thread it is: 0 or the
 * pthread_create error. */
static int start_host_thread(void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t host;
    int err = pthread_create(&host, &attr, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return err;
}

int linux_thread_revive(LinuxThread *t)
{
    return -start_host_thread(revive_main, t);
}

_Noreturn void linux_thread_discard(LinuxThread *t)
{
    if (linux_gdb)
        gdbstub_thread_exit(linux_gdb, t->tid);
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    linux_current = NULL;
    host_sigstack_free(t);
    cpu_exec_destroy(&t->cpu.parent);
    free(t);
    pthread_exit(NULL);
}

/* clone(CLONE_VM | CLONE_THREAD ...): glibc's pthread_create. */
int32_t linux_clone_thread(LinuxThread *t, uint32_t flags, uint32_t newsp, uint32_t ptid,
                           uint32_t tls, uint32_t ctid)
{
    LinuxProcess *proc = t->proc;
    LinuxThread *nt = linux_thread_new(proc);
    if (!nt)
        return -EAGAIN;
    copy_cpu_state(nt, t);
    nt->cpu.regs[R_EAX] = 0;
    if (newsp)
        nt->cpu.regs[R_ESP] = newsp;
    nt->blocked = t->blocked;
    /* A CLONE_VM child starts without an alternate signal stack. */
    nt->ss_sp = nt->ss_size = nt->ss_flags = 0;
    if (flags & CLONE_CHILD_CLEARTID)
        nt->clear_child_tid = ctid;
    if (flags & CLONE_SETTLS) {
        int r = linux_tls_set(nt, tls, false);
        if (r < 0) {
            linux_thread_free(nt);
            return r;
        }
        /* The child's segment registers are loaded afresh, as after the
         * context switch that first runs it. */
        for (int seg = R_FS; seg <= R_GS; seg++) {
            uint32_t sel = nt->cpu.segs[seg].selector;
            if (sel && !i386_load_seg(&nt->cpu, seg, sel, 0))
                i386_load_seg(&nt->cpu, seg, 0, 0);
        }
    }

    ThreadStart *st = calloc(1, sizeof(*st));
    if (!st) {
        linux_thread_free(nt);
        return -EAGAIN;
    }
    st->t = nt;
    sem_init(&st->ready, 0, 0);
    sem_init(&st->go, 0, 0);
    if (start_host_thread(thread_main, st)) {
        sem_destroy(&st->ready);
        sem_destroy(&st->go);
        free(st);
        linux_thread_free(nt);
        return -EAGAIN;
    }
    while (sem_wait(&st->ready) < 0 && errno == EINTR)
        ;
    if (st->err) {
        sem_destroy(&st->ready);
        sem_destroy(&st->go);
        free(st);
        linux_thread_free(nt);
        return -EAGAIN;
    }
    int tid = nt->tid;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_guest(&proc->space, ptid, &tid, 4);
    if (flags & CLONE_CHILD_SETTID)
        copy_to_guest(&proc->space, ctid, &tid, 4);
    sem_post(&st->go);
    return tid;
}

/* ---- tids and robust lists -------------------------------------------------- */

SYSCALL_DECL(set_tid_address)
{
    t->clear_child_tid = a[0];
    return t->tid;
}

SYSCALL_DECL(set_robust_list)
{
    if (a[1] != 12)   /* sizeof(struct robust_list_head) on i386 */
        return -EINVAL;
    t->robust_list = a[0];
    t->robust_list_len = a[1];
    return 0;
}

SYSCALL_DECL(get_robust_list)
{
    LinuxProcess *proc = t->proc;
    int pid = (int32_t)a[0];
    uint32_t head, len;
    if (pid == 0 || pid == t->tid) {
        head = t->robust_list;
        len = t->robust_list_len ? t->robust_list_len : 12;
    } else {
        pthread_mutex_lock(&proc->thread_lock);
        LinuxThread *o = proc->threads;
        while (o && o->tid != pid)
            o = o->next;
        head = o ? o->robust_list : 0;
        len = 12;
        pthread_mutex_unlock(&proc->thread_lock);
        if (!o)
            return -ESRCH;
    }
    int r = copy_to_guest(&proc->space, a[2], &len, 4);
    if (r == 0)
        r = copy_to_guest(&proc->space, a[1], &head, 4);
    return r;
}

/* ---- futex -------------------------------------------------------------------- */

/* Reads a guest timespec (32- or 64-bit time_t) into a host one. */
static int get_timespec(LinuxThread *t, uint32_t addr, bool time64, struct timespec *ts)
{
    if (time64) {
        int64_t v[2];
        int r = copy_from_guest(&t->proc->space, v, addr, sizeof(v));
        if (r < 0)
            return r;
        ts->tv_sec = v[0];
        ts->tv_nsec = (long)(int32_t)v[1];   /* the upper half is padding on i386 */
    } else {
        int32_t v[2];
        int r = copy_from_guest(&t->proc->space, v, addr, sizeof(v));
        if (r < 0)
            return r;
        ts->tv_sec = v[0];
        ts->tv_nsec = v[1];
    }
    return 0;
}

static abi_long do_futex(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t uaddr = a[0], val = a[2], uaddr2 = a[4], val3 = a[5];
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    if (uaddr & 3)
        return -EINVAL;
    struct timespec ts, *tsp = NULL;
    const void *timeout_arg = NULL;
    void *host2 = NULL;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        if (a[3]) {
            int r = get_timespec(t, a[3], time64, &ts);
            if (r < 0)
                return r;
            tsp = &ts;
        }
        timeout_arg = tsp;
        break;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_CMP_REQUEUE_PI:
    case FUTEX_WAKE_OP:
        timeout_arg = (const void *)(uintptr_t)a[3];   /* val2: a count */
        break;
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_UNLOCK_PI:
    case FUTEX_TRYLOCK_PI:
        break;
    default:
        return -ENOSYS;
    }
    /* The host kernel writes the word for these: a page kept read-only
     * for translated code must be made writable first. */
    bool writes1 = cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_UNLOCK_PI ||
                   cmd == FUTEX_TRYLOCK_PI || cmd == FUTEX_WAIT_REQUEUE_PI;
    if (writes1 ? guest_prepare_write(gs, uaddr, 4) < 0
                : !guest_access_ok(gs, uaddr, 4, GPAGE_READ))
        return -EFAULT;
    if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_CMP_REQUEUE_PI ||
        cmd == FUTEX_WAKE_OP || cmd == FUTEX_WAIT_REQUEUE_PI) {
        if (uaddr2 & 3)
            return -EINVAL;
        bool writes2 = cmd == FUTEX_WAKE_OP || cmd == FUTEX_CMP_REQUEUE_PI;
        if (writes2 ? guest_prepare_write(gs, uaddr2, 4) < 0
                    : !guest_access_ok(gs, uaddr2, 4, GPAGE_READ))
            return -EFAULT;
        host2 = g2h(gs, uaddr2);
    }
    long r = host_futex(g2h(gs, uaddr), op, val, timeout_arg, host2, val3);
    return guest_result(r);
}

SYSCALL_DECL(futex)
{
    return do_futex(t, a, false);
}

SYSCALL_DECL(futex_time64)
{
    return do_futex(t, a, true);
}
