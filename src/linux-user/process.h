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
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"
#include "linux-user/guest-space.h"
#include "targets/i386/cpu.h"

#define GUEST_NSIG 64   /* signals 1..64 */

/* The GDT of a 32-bit process on x86-64 Linux: user code 0x23 (entry 4),
 * user data 0x2b (entry 5), 64-bit user code 0x33 (entry 6), TLS entries
 * 12-14 (set_thread_area), the per-CPU segment 0x7b (entry 15, whose
 * limit encodes the CPU and node numbers: LSL is a getcpu). */
#define LINUX_GDT_ENTRIES 16
#define LINUX_GDT_USER_CS 4
#define LINUX_GDT_USER_DS 5
#define LINUX_GDT_USER_CS64 6
#define LINUX_GDT_CPUNODE 15
#define LINUX_GDT_TLS_MIN 12
#define LINUX_GDT_TLS_MAX 14
#define LINUX_USER_CS ((LINUX_GDT_USER_CS << 3) | 3)
#define LINUX_USER_DS ((LINUX_GDT_USER_DS << 3) | 3)
#define LINUX_LDT_ENTRIES 8192

/* exception_index of the user-mode layer's own: deliver the signal in
 * t->fault_signo/fault_code/fault_addr (a SIGBUS from a file mapping
 * beyond its end, for instance).  Above every i386 exception number. */
#define LINUX_EXCP_SIGNAL 0x1000

/* A guest siginfo_t in its i386 layout (128 bytes: si_signo, si_errno,
 * si_code, then the union at byte 12). */
typedef struct GuestSiginfo {
    uint8_t b[128];
} GuestSiginfo;

/* Queued instances of real-time signals (32-64), which Linux does not
 * merge: slots claimed lock-free, since host signal handlers fill them. */
#define SIGQUEUE_SLOTS 64
typedef struct SigQueueSlot {
    uint32_t state;             /* 0 free, 1 being written, 2 queued, 3 being taken */
    uint32_t sig;
    uint64_t seq;               /* arrival order */
    GuestSiginfo info;
} SigQueueSlot;
typedef struct SigQueue {
    uint64_t next_seq;
    SigQueueSlot slot[SIGQUEUE_SLOTS];
} SigQueue;

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
    /* siginfo of the process-directed pending signals */
    GuestSiginfo sig_info[GUEST_NSIG + 1];
    SigQueue sigqueue;          /* process-directed real-time signals */
    const struct I386Model *model;  /* -cpu */
    uint64_t *ldt;              /* LINUX_LDT_ENTRIES descriptors (modify_ldt) */
    uint32_t ldt_used;          /* entries written so far (read_ldt's size) */
    pthread_mutex_t thread_lock;    /* threads, nb_threads, ldt */
    struct LinuxThread *threads;
    int nb_threads;
    uint64_t exited_icount;     /* instructions of the threads that ended */
    char *argv0;                /* -0: the guest's argv[0] if not the path */
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
    int fault_trapno;          /* the CPU exception's vector, -1: not one */
    struct LinuxThread *next;   /* the process's thread list */
    /* this thread's GDT (its TLS entries differ); cpu.gdt points here */
    uint64_t gdt[LINUX_GDT_ENTRIES];
    GuestSiginfo sig_info[GUEST_NSIG + 1];  /* of the thread-directed pending */
    SigQueue sigqueue;          /* thread-directed real-time signals */
    /* rt_sigsuspend: the mask to put back once the handler is set up */
    uint64_t saved_blocked;
    bool saved_blocked_valid;
    /* the last system call returned -EINTR: restart it (eip -= 2, eax =
     * nr) unless a handler without SA_RESTART runs first */
    bool syscall_interrupted;
    uint32_t syscall_nr;
    bool vfork_child;           /* sharing the parent's memory until exec/exit */
    /* the dispositions: proc->sigact, or a vfork child's private copy */
    GuestSigAction *sigact;
    void *host_sigstack;        /* the fault handler's sigaltstack */
    bool gdb_stepping;          /* gdb asked for one instruction (gdb-user.c) */
    /* -rr (rr-user.c): this thread's next checkpoint and the end of its
     * time slice, in its own instruction count */
    uint64_t rr_next_checkpoint, rr_slice_end;
    uint64_t rr_raised;         /* pending signals an instruction raised */
    bool rr_in_syscall;         /* replay: inside its system call (snapshots keep it) */
    /* reverse execution (rr-reverse.c, rr-snapshot.c): the restore this
     * thread has caught up with, where its cpu loop starts over, and a
     * breakpoint lifted for one instruction */
    uint64_t rr_gen;
    jmp_buf rr_restart;
    bool rr_dead;               /* made after the snapshot gone back to: ends */
    bool rr_over;
    uint32_t rr_over_pc;
    uint64_t rr_over_icount;
} LinuxThread;

static inline LinuxThread *linux_thread(CPUState *cs)
{
    return (LinuxThread *)cs;
}

#endif
