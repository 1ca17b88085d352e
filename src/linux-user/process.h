/*
 * The emulated Linux process and its threads.
 *
 * One LinuxProcess per mimic-i386 run (a forked guest child gets a copy,
 * an exec'd one a new mimic); one LinuxThread per guest thread, each
 * running on its own host thread with its own I386CPU, all sharing the
 * process's translation cache (ExecContext) and guest address space.
 */
#ifndef MIMIC_LINUX_USER_PROCESS_H
#define MIMIC_LINUX_USER_PROCESS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"
#include "linux-user/guest-space.h"
#include "targets/i386/cpu.h"

#define GUEST_NSIG 64   /* signals 1..64 */

/* A guest signal disposition, in guest terms (i386 struct sigaction). */
typedef struct GuestSigAction {
    uint32_t handler;   /* guest address, or 0 = SIG_DFL, 1 = SIG_IGN */
    uint32_t flags;     /* SA_* (guest values) */
    uint32_t restorer;
    uint64_t mask;      /* bit n-1 = signal n */
} GuestSigAction;

typedef struct LinuxProcess {
    ExecContext exec;
    GuestSpace space;
    const char *exe_path;       /* absolute host path of the guest program */
    const char *sysroot;        /* -L: prefix for the interpreter and absolute paths */
    const char *mimic_path;     /* our own binary, to run i386 children under */
    char **mimic_argv_prefix;   /* options to pass on to children */
    bool strace;                /* -strace */
    pthread_mutex_t sig_lock;   /* actions and process-directed pending signals */
    GuestSigAction sigact[GUEST_NSIG + 1];
    uint64_t pending;           /* process-directed pending signals */
    uint32_t auxv_addr, auxv_len;   /* for qXfer:auxv and /proc/self/auxv */
    uint32_t entry;             /* program entry (for the gdb stub) */
} LinuxProcess;

typedef struct LinuxThread {
    I386CPU cpu;                /* first: cpu_exec's CPUState is here */
    LinuxProcess *proc;
    int tid;                    /* host thread id, as the guest sees it */
    pthread_t host;
    uint32_t clear_child_tid;   /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint32_t robust_list, robust_list_len;
    uint64_t blocked;           /* signal mask */
    uint64_t pending;           /* thread-directed pending signals */
    /* sigaltstack */
    uint32_t ss_sp, ss_size, ss_flags;
    /* a synchronous fault turned into a signal, for its siginfo */
    int fault_signo, fault_code;
    uint32_t fault_addr;
    struct LinuxThread *next;   /* the process's thread list */
} LinuxThread;

static inline LinuxThread *linux_thread(CPUState *cs)
{
    return (LinuxThread *)cs;
}

#endif
