/*
 * What the files of the user-mode layer (loader, stack, cpu loop,
 * signals, faults, threads, processes) share with each other and the
 * front end; the system call handlers they implement are declared in
 * syscall-impl.h.
 */
#ifndef MIMIC_LINUX_USER_USER_INTERNAL_H
#define MIMIC_LINUX_USER_USER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "linux-user/process.h"

/* ---- the loaded program (elfload.c) ------------------------------------ */

typedef struct LinuxImage {
    uint32_t entry;            /* the program's entry point (AT_ENTRY) */
    uint32_t start;            /* where execution begins: the interpreter's entry or entry */
    uint32_t phdr;             /* AT_PHDR, AT_PHENT = 32, AT_PHNUM */
    uint32_t phnum;
    uint32_t interp_base;      /* AT_BASE: 0 without an interpreter */
    uint32_t brk;              /* initial program break */
    bool exec_stack;
} LinuxImage;

/*
 * Loads the i386 ELF program at path, and its interpreter if it names
 * one (looked up under proc->sysroot first), into proc->space and sets
 * the break.  False with a one-line reason in err (without the program
 * name) for anything the user must fix.
 */
bool linux_load_program(LinuxProcess *proc, const char *path, LinuxImage *img, char *err,
                        size_t errlen);

/* True when the file at path starts like an i386 ELF (for execve). */
bool linux_is_i386_elf(const char *path);

/* ---- the initial stack (stack.c) --------------------------------------- */

typedef struct LinuxStackArgs {
    int argc;
    char *const *argv;         /* argv[0] is the guest's argv[0] */
    int envc;
    char *const *envp;
    const char *execfn;        /* AT_EXECFN: the path the program was run by */
    uint32_t hwcap;            /* AT_HWCAP: CPUID.1:EDX of the model */
    const uint8_t *random16;   /* AT_RANDOM's 16 bytes */
    uint32_t uid, euid, gid, egid;
} LinuxStackArgs;

#define LINUX_STACK_SIZE (8u << 20)

/*
 * Maps the stack below GUEST_STACK_TOP and lays out strings, argc, argv,
 * envp and the auxiliary vector as Linux's create_elf_tables does.  Sets
 * *sp (the initial esp, pointing at argc) and the auxv place.  0, or
 * -E2BIG when the strings do not fit, or another -errno.
 */
int linux_setup_stack(GuestSpace *gs, const LinuxImage *img, const LinuxStackArgs *args,
                      uint32_t *sp, uint32_t *auxv_addr, uint32_t *auxv_len);

/* Auxiliary vector keys (Linux's AT_*). */
enum {
    AT_NULL_ = 0, AT_PHDR_ = 3, AT_PHENT_ = 4, AT_PHNUM_ = 5, AT_PAGESZ_ = 6,
    AT_BASE_ = 7, AT_FLAGS_ = 8, AT_ENTRY_ = 9, AT_UID_ = 11, AT_EUID_ = 12,
    AT_GID_ = 13, AT_EGID_ = 14, AT_PLATFORM_ = 15, AT_HWCAP_ = 16, AT_CLKTCK_ = 17,
    AT_SECURE_ = 23, AT_RANDOM_ = 25, AT_HWCAP2_ = 26, AT_EXECFN_ = 31,
};

/* ---- threads (thread.c) -------------------------------------------------- */

/* The guest thread running on this host thread (NULL on none). */
extern __thread LinuxThread *linux_current;

/* A new LinuxThread for proc with a CPU of the process's model, attached
 * to the translation cache and registered in the thread list; NULL when
 * out of memory or vCPU slots. */
LinuxThread *linux_thread_new(LinuxProcess *proc);
/* Instructions the process completed: every thread's, those of the
 * threads that ended included. */
uint64_t linux_process_icount(LinuxProcess *proc);
/* Unregisters and frees t (not the running thread's own stack). */
void linux_thread_free(LinuxThread *t);
/* Per host thread: the sigaltstack the fault handler runs on. */
int linux_thread_host_init(LinuxThread *t);

/* clone(CLONE_VM | CLONE_THREAD ...): a new guest thread on a new host
 * thread; its tid, or -errno. */
int32_t linux_clone_thread(LinuxThread *t, uint32_t flags, uint32_t newsp, uint32_t ptid,
                           uint32_t tls, uint32_t ctid);

/* Reverse execution (rr-snapshot.c): a thread that had ended comes back
 * on a new host thread, with the state the caller put in t (registered
 * by linux_thread_new, its tid kept); 0 or -errno.  And one made after
 * the snapshot gone back to ends without a trace, on its own host
 * thread (t is no longer in the thread list). */
int linux_thread_revive(LinuxThread *t);
_Noreturn void linux_thread_discard(LinuxThread *t);

/* The thread exits (exit, or the last step of exit_group in a thread
 * that is not the last): clear_child_tid, unregister, host thread ends. */
_Noreturn void linux_thread_exit(LinuxThread *t, int code);
/* The whole process exits with code (exit_group, last thread). */
_Noreturn void linux_process_exit(LinuxThread *t, int code);

/* ---- TLS and descriptor tables (tls.c) --------------------------------- */

/* Fills a new thread's GDT (user code/data, empty TLS entries), points
 * the CPU at it and at the process LDT, and loads the user selectors. */
void linux_tls_init_thread(LinuxThread *t);
/* set_thread_area on thread t for the user_desc at guest address desc;
 * can_allocate: entry_number -1 picks a free TLS entry and writes it
 * back (the system call) or is refused (clone's CLONE_SETTLS). */
int linux_tls_set(LinuxThread *t, uint32_t desc, bool can_allocate);

/* ---- the cpu loop (cpu-loop.c) ------------------------------------------- */

/* Runs guest code on t until the thread or process exits. */
_Noreturn void linux_cpu_loop(LinuxThread *t);

/* ---- signals (signal.c, i386/signal-frame.c) --------------------------- */

/* Installs the host handlers (async signals and faults) at startup and
 * takes over the dispositions and mask inherited through exec. */
void linux_signal_init(LinuxProcess *proc, LinuxThread *main_thread);

/* A synchronous signal caused by the instruction at eip (a fault, a trap,
 * an illegal instruction): queued for t and delivered before anything
 * else; a blocked or ignored one kills, as Linux's force_sig. */
void linux_force_signal(LinuxThread *t, int sig, int code, uint32_t addr);

/* Delivers what is pending and deliverable to t: a handler frame, or the
 * default action.  Also settles an interrupted system call (restart or
 * EINTR).  Called by the cpu loop after every exit from cpu_exec. */
void linux_deliver_signals(LinuxThread *t);

/* Whether t has a pending signal it does not block. */
bool linux_signal_deliverable(LinuxThread *t);

/* Records an asynchronous signal for t (thread-directed) or the process;
 * async-signal-safe (the host handler calls it). */
void linux_signal_record(LinuxProcess *proc, LinuxThread *t, int sig, const GuestSiginfo *info);

/* Around a host execve: the new program inherits the guest's mask (and
 * its ignored signals, which are ignored on the host too); undone if the
 * exec fails. */
void linux_signal_prepare_exec(LinuxThread *t);
void linux_signal_after_failed_exec(LinuxThread *t);

/* Ends the process as if killed by sig (WIFSIGNALED for the parent). */
_Noreturn void linux_die_by_signal(int sig);

/* Host signal used only to interrupt another thread's blocking system
 * call after recording a signal for it. */
int linux_kick_signal(void);
void linux_kick_thread(LinuxThread *t);

/* fault.c: a SIGSEGV/SIGBUS/SIGFPE/SIGILL another process sent (si_code
 * <= 0), to be handled as an asynchronous signal. */
void linux_signal_from_host(int sig, siginfo_t *si, void *uc);

/* cpu-loop.c: whether an interrupted call may be restarted at all. */
bool linux_syscall_restartable(uint32_t nr);

/* Guest siginfo helpers. */
void guest_siginfo_set(GuestSiginfo *si, int signo, int code);
void guest_siginfo_put32(GuestSiginfo *si, unsigned offset, uint32_t v);
uint32_t guest_siginfo_get32(const GuestSiginfo *si, unsigned offset);

/* Guest SA_* and SS_* values (i386 = x86-64 values). */
enum {
    GUEST_SA_NOCLDSTOP = 0x00000001,
    GUEST_SA_NOCLDWAIT = 0x00000002,
    GUEST_SA_SIGINFO = 0x00000004,
    GUEST_SA_ONSTACK = 0x08000000,
    GUEST_SA_RESTART = 0x10000000,
    GUEST_SA_NODEFER = 0x40000000,
    GUEST_SA_RESETHAND = 0x80000000,
    GUEST_SA_RESTORER = 0x04000000,
    GUEST_SS_ONSTACK = 1,
    GUEST_SS_DISABLE = 2,
    GUEST_SS_AUTODISARM = (int)(1u << 31),
    GUEST_MINSIGSTKSZ = 2048,
};

/* i386/signal-frame.c: building and unwinding handler frames.  setup
 * returns false when the frame cannot be written (the caller then kills
 * with SIGSEGV); restore returns false for a frame that cannot be read
 * or holds bad segment values. */
bool i386_setup_frame(LinuxThread *t, int sig, const GuestSigAction *ka, const GuestSiginfo *info,
                      uint64_t saved_mask);
bool i386_restore_sigframe(LinuxThread *t, uint64_t *mask);
bool i386_restore_rt_sigframe(LinuxThread *t, uint64_t *mask);

/* The altstack test the frame builder and sigaltstack share. */
bool linux_on_sigstack(const LinuxThread *t, uint32_t sp);

/* ---- faults (fault.c) ------------------------------------------------------ */

/* Installs the SIGSEGV/SIGBUS/SIGFPE/SIGILL handler (once per process). */
void linux_fault_init(void);

/* ---- the process (process.c, startup.c) ----------------------------------- */

/* Before a fork: the locks a child must not inherit held (pthread_atfork). */
void linux_process_atfork_init(LinuxProcess *proc);

#endif
