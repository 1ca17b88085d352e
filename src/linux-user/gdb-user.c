/*
 * The GDB stub in user mode (-g): the front end's side of GdbHostOps and
 * the cpu loop's stop points (docs/gdb.md).
 *
 * gdb sees the guest process: its memory through the guest address
 * space's page table (what the guest may read; writes only where the
 * guest may write), its threads by thread id, its auxiliary vector and
 * program path (qXfer), and stops of the kinds a native gdbserver
 * reports: a breakpoint or a finished step (SIGTRAP), a signal about to
 * be delivered (gdb decides whether the guest gets it), Ctrl-C (SIGINT),
 * and the end of the process (exit status or killing signal).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdbstub.h"
#include "linux-user/gdb-user.h"
#include "linux-user/rr-user.h"
#include "linux-user/user-internal.h"
#include "targets/i386/gdb-i386.h"
#include "util/error.h"

GdbStub *linux_gdb;

static bool user_read_mem(void *opaque, uint64_t addr, uint8_t *buf, size_t len)
{
    LinuxProcess *proc = opaque;
    if (addr > UINT32_MAX || len > UINT32_MAX - addr + 1)
        return false;
    return copy_from_guest(&proc->space, buf, (uint32_t)addr, len) == 0;
}

static bool user_write_mem(void *opaque, uint64_t addr, const uint8_t *buf, size_t len)
{
    LinuxProcess *proc = opaque;
    if (addr > UINT32_MAX || len > UINT32_MAX - addr + 1)
        return false;
    /* copy_to_guest invalidates translated code it overwrites. */
    return copy_to_guest(&proc->space, (uint32_t)addr, buf, len) == 0;
}

static unsigned user_list_threads(void *opaque, int *tids, unsigned max)
{
    LinuxProcess *proc = opaque;
    unsigned n = 0;
    pthread_mutex_lock(&proc->thread_lock);
    /* A thread being created has no id yet (clone in progress). */
    for (LinuxThread *t = proc->threads; t && n < max; t = t->next)
        if (t->tid > 0)
            tids[n++] = t->tid;
    pthread_mutex_unlock(&proc->thread_lock);
    /* The list is newest first: gdb numbers threads in the order given. */
    for (unsigned i = 0; i < n / 2; i++) {
        int x = tids[i];
        tids[i] = tids[n - 1 - i];
        tids[n - 1 - i] = x;
    }
    return n;
}

static CPUState *user_thread_cpu(void *opaque, int tid)
{
    LinuxProcess *proc = opaque;
    CPUState *cpu = NULL;
    pthread_mutex_lock(&proc->thread_lock);
    for (LinuxThread *t = proc->threads; t && tid > 0; t = t->next) {
        if (t->tid == tid) {
            cpu = &t->cpu.parent;
            break;
        }
    }
    pthread_mutex_unlock(&proc->thread_lock);
    return cpu;
}

static long user_xfer_read(void *opaque, const char *object, uint64_t offset, uint8_t *buf,
                           size_t len)
{
    LinuxProcess *proc = opaque;
    if (strcmp(object, "auxv") == 0) {
        if (offset >= proc->auxv_len)
            return 0;
        size_t n = proc->auxv_len - offset < len ? proc->auxv_len - offset : len;
        if (copy_from_guest(&proc->space, buf, proc->auxv_addr + (uint32_t)offset, n) != 0)
            return -1;
        return (long)n;
    }
    if (strcmp(object, "exec-file") == 0) {
        size_t total = strlen(proc->exe_path);
        if (offset >= total)
            return 0;
        size_t n = total - offset < len ? total - offset : len;
        memcpy(buf, proc->exe_path + offset, n);
        return (long)n;
    }
    return -1;
}

static bool user_breakpoint(void *opaque, uint64_t pc, bool insert)
{
    LinuxProcess *proc = opaque;
    return insert ? exec_breakpoint_insert(&proc->exec, pc)
                  : exec_breakpoint_remove(&proc->exec, pc);
}

static bool user_watchpoint(void *opaque, uint64_t addr, uint64_t len, int type, bool insert)
{
    LinuxProcess *proc = opaque;
    return insert ? exec_watchpoint_insert(&proc->exec, addr, len, type)
                  : exec_watchpoint_remove(&proc->exec, addr, len, type);
}

static void user_breakpoints_clear(void *opaque)
{
    LinuxProcess *proc = opaque;
    exec_breakpoint_remove_all(&proc->exec);
    exec_watchpoint_remove_all(&proc->exec);
}

static void user_interrupt(void *opaque)
{
    LinuxProcess *proc = opaque;
    pthread_mutex_lock(&proc->thread_lock);
    for (LinuxThread *t = proc->threads; t; t = t->next)
        cpu_exit(&t->cpu.parent);
    pthread_mutex_unlock(&proc->thread_lock);
}

static uint64_t user_icount(void *opaque, CPUState *cpu)
{
    (void)opaque;
    return cpu_icount(cpu);
}

static void user_kill(void *opaque)
{
    (void)opaque;
    /* As SIGKILL ends a native process: nothing runs after it. */
    raise(SIGKILL);
    _exit(128 + SIGKILL);
}

static bool user_can_reverse(void *opaque)
{
    (void)opaque;
    return rr_user_can_reverse();
}

static bool user_reverse(void *opaque, int tid, bool step)
{
    return rr_user_reverse(opaque, tid, step);
}

static const GdbHostOps user_gdb_ops = {
    .read_mem = user_read_mem,
    .write_mem = user_write_mem,
    .list_threads = user_list_threads,
    .thread_cpu = user_thread_cpu,
    .xfer_read = user_xfer_read,
    .breakpoint = user_breakpoint,
    .watchpoint = user_watchpoint,
    .breakpoints_clear = user_breakpoints_clear,
    .interrupt = user_interrupt,
    .icount = user_icount,
    .kill = user_kill,
    .can_reverse = user_can_reverse,
    .reverse = user_reverse,
};

void linux_gdb_start(LinuxProcess *proc, LinuxThread *main_thread, const char *spec,
                     bool stop_on_disconnect)
{
    char err[256];
    fprintf(stderr, "%s: waiting for gdb on %s\n", util_progname(), spec);
    linux_gdb = gdbstub_start(spec, &i386_gdb_target, &user_gdb_ops, proc, main_thread->tid,
                              stop_on_disconnect, err, sizeof(err));
    if (!linux_gdb)
        fatal_user_error("%s", err);
}

/* A step is one block translated CF_DEBUG_STEP (and checking
 * watchpoints if there are any). */
static void set_step(LinuxThread *t, bool step)
{
    t->gdb_stepping = step;
    t->cpu.parent.exec->cflags_next_tb =
        step ? CF_DEBUG_STEP | CF_NOCACHE | 1 | (t->proc->exec.nb_watchpoints ? CF_WATCH : 0)
             : 0;
}

/* How gdb resumed t. */
static void apply_resume(LinuxThread *t, GdbResume r)
{
    set_step(t, r.step);
    if (r.signal)
        linux_force_signal(t, r.signal, 0 /* SI_USER */, 0);
}

void linux_gdb_enter(LinuxThread *t)
{
    GdbResume r;
    t->cpu.parent.exec->watch_hit = false;
    if (gdbstub_enter_guest(linux_gdb, t->tid, &r)) {
        apply_resume(t, r);
        /* gdb went backwards meanwhile: this thread starts over. */
        if (rr_user_restart_pending(t)) {
            gdbstub_leave_guest(linux_gdb, t->tid);
            rr_user_restart(t);
        }
    }
}

bool linux_gdb_leave(LinuxThread *t, int excp)
{
    gdbstub_leave_guest(linux_gdb, t->tid);
    /* EXCP_INTERRUPT (a stop of the other threads, or a stale request
     * from one) comes before a step runs: it stays to do. */
    if (excp != EXCP_DEBUG)
        return false;
    /* A watchpoint hit, a finished step, or else a breakpoint. */
    CPUExec *ex = t->cpu.parent.exec;
    char reason[48] = "";
    if (ex->watch_hit) {
        static const char *const kind[] = { "", "watch", "rwatch", "awatch" };
        snprintf(reason, sizeof(reason), "%s:%llx;", kind[ex->watch_type & 3],
                 (unsigned long long)ex->watch_addr);
        ex->watch_hit = false;
    } else if (!t->gdb_stepping) {
        snprintf(reason, sizeof(reason), "swbreak:;");
    }
    bool breakpoint = !t->gdb_stepping && reason[0] == 's';
    t->gdb_stepping = false;
    GdbResume r = gdbstub_report(linux_gdb, t->tid, SIGTRAP, reason, breakpoint);
    if (!r.dropped)
        apply_resume(t, r);
    rr_user_check_restart(t);
    return true;
}

void linux_gdb_after_syscall(LinuxThread *t)
{
    if (!t->gdb_stepping)
        return;
    /* The step was INT 0x80 (or SYSENTER): it ends with the call. */
    t->gdb_stepping = false;
    apply_resume(t, gdbstub_report(linux_gdb, t->tid, SIGTRAP, NULL, false));
    rr_user_check_restart(t);
}

int linux_gdb_signal(LinuxThread *t, int sig)
{
    t->gdb_stepping = false;
    GdbResume r = gdbstub_report(linux_gdb, t->tid, sig, NULL, false);
    set_step(t, r.step);
    rr_user_check_restart(t);
    return r.signal;
}

void linux_gdb_stop_here(LinuxThread *t, const char *reason)
{
    t->gdb_stepping = false;
    apply_resume(t, gdbstub_report(linux_gdb, t->tid, SIGTRAP, reason, false));
    rr_user_check_restart(t);
}
