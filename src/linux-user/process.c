/*
 * Processes: clone's dispatch, fork, vfork and execve.
 *
 * fork (clone without CLONE_VM) is the host's fork(): the child is a
 * copy of the whole emulator with the forking thread only.  Locks that
 * another thread might hold at that moment are taken around the fork
 * (pthread_atfork, in one global order: threads, signals, guest space,
 * translation cache, protections; not the log's, a recursive lock the
 * child could not release), and in the child the translation cache
 * forgets the other vCPUs and gets a private copy of the code
 * buffer, which is a shared memfd mapping and would otherwise be written
 * by both processes (the copy is taken before the fork, while the lock
 * keeps anyone from patching code).
 *
 * vfork (CLONE_VM | CLONE_VFORK, as glibc's vfork and posix_spawn use)
 * keeps Linux's semantics: the child runs on the parent's memory, here
 * literally, as a host clone(CLONE_VM | CLONE_VFORK) task on a stack of
 * its own, running the guest child's cpu loop in the same emulator
 * (same guest space, same translation cache, a vCPU of its own), while
 * the parent waits inside clone until the child execs or exits.  Its
 * signal dispositions are a private copy (posix_spawn resets them in the
 * child) and every signal it receives is its own.
 *
 * execve of an i386 ELF program runs mimic again on it (/proc/self/exe
 * with the options that shape execution), a "#!" script whose
 * interpreter is one likewise; anything else is handed to the host's
 * execve as it is.  The guest's signal mask and ignored signals are what
 * the new program inherits, as on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define MIMIC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIMIC_ASAN 1
#endif
#endif
#ifdef MIMIC_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#include "jit/codebuf.h"
#include "linux-user/rr-user.h"
#include "linux-user/syscall-internal.h"
#include "linux-user/user-internal.h"
#include "util/log.h"

static LinuxProcess *atfork_proc;
static int fork_snapshot_err;

static void atfork_prepare(void)
{
    LinuxProcess *proc = atfork_proc;
    pthread_mutex_lock(&proc->thread_lock);
    pthread_mutex_lock(&proc->sig_lock);
    pthread_mutex_lock(&proc->space.lock);
    pthread_mutex_lock(&proc->exec.lock);
    pthread_mutex_lock(&proc->space.prot_lock);
    /* No code is written or patched while the lock is held: the child's
     * copy is taken now, before the parent goes on writing. */
    fork_snapshot_err = codebuf_fork_prepare(&proc->exec.cb);
}

static void atfork_parent(void)
{
    LinuxProcess *proc = atfork_proc;
    codebuf_fork_parent(&proc->exec.cb);
    pthread_mutex_unlock(&proc->space.prot_lock);
    pthread_mutex_unlock(&proc->exec.lock);
    pthread_mutex_unlock(&proc->space.lock);
    pthread_mutex_unlock(&proc->sig_lock);
    pthread_mutex_unlock(&proc->thread_lock);
}

static void atfork_child(void)
{
    LinuxProcess *proc = atfork_proc;
    LinuxThread *t = linux_current;
    pthread_mutex_init(&proc->space.prot_lock, NULL);
    pthread_mutex_init(&proc->space.lock, NULL);
    pthread_mutex_init(&proc->sig_lock, NULL);
    pthread_mutex_init(&proc->thread_lock, NULL);
    /* Only the forking thread lives on. */
    exec_fork_child(&proc->exec, t ? &t->cpu.parent : NULL);
    if (fork_snapshot_err < 0 || codebuf_fork_child(&proc->exec.cb) < 0) {
        static const char msg[] = "mimic-i386: error: cannot copy the code buffer after fork\n";
        ssize_t n = write(2, msg, sizeof(msg) - 1);
        (void)n;
        _exit(127);
    }
    proc->threads = t;
    proc->nb_threads = t ? 1 : 0;
    if (t) {
        t->next = NULL;
        t->tid = (int)syscall(SYS_gettid);
        t->host = pthread_self();
        __atomic_store_n(&t->pending, 0, __ATOMIC_SEQ_CST);
        memset(&t->sigqueue, 0, sizeof(t->sigqueue));
    }
    __atomic_store_n(&proc->pending, 0, __ATOMIC_SEQ_CST);
    memset(&proc->sigqueue, 0, sizeof(proc->sigqueue));
    rr_user_fork_child();   /* the recording is the parent's */
}

void linux_process_atfork_init(LinuxProcess *proc)
{
    atfork_proc = proc;
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/* ---- fork ------------------------------------------------------------------ */

/* The host fork; with CLONE_VFORK (no CLONE_VM) the parent also waits
 * for the child's exec or exit, seen as EOF on a close-on-exec pipe. */
static abi_long do_fork(LinuxThread *t, uint32_t flags, uint32_t ptid, uint32_t tls,
                        uint32_t ctid)
{
    GuestSpace *gs = &t->proc->space;
    int pfd[2] = { -1, -1 };
    if ((flags & CLONE_VFORK) && pipe2(pfd, O_CLOEXEC) < 0)
        return host_to_guest_errno(errno);
    log_flush();
    /* A signal sent to the child as soon as it exists (kill right after
     * fork) must find the child's pending sets already emptied: host
     * signals wait until then. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        int err = errno;
        if (pfd[0] >= 0) {
            close(pfd[0]);
            close(pfd[1]);
        }
        return host_to_guest_errno(err);
    }
    if (pid == 0) {
        if (pfd[0] >= 0)
            close(pfd[0]);   /* pfd[1] stays open until exec or exit */
        int tid = t->tid;
        if (flags & CLONE_CHILD_SETTID)
            copy_to_guest(gs, ctid, &tid, 4);
        if (flags & CLONE_CHILD_CLEARTID)
            t->clear_child_tid = ctid;
        if (flags & CLONE_SETTLS)
            linux_tls_set(t, tls, false);
        return 0;
    }
    if (flags & CLONE_PARENT_SETTID)
        copy_to_guest(gs, ptid, &pid, 4);
    if (pfd[0] >= 0) {
        close(pfd[1]);
        char c;
        while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
            ;
        close(pfd[0]);
    }
    return pid;
}

/* ---- vfork ------------------------------------------------------------------- */

#define VFORK_STACK_SIZE (2u << 20)

typedef struct VforkStart {
    LinuxThread *c;
    uint32_t child_settid;     /* CLONE_CHILD_SETTID address, or 0 */
    sigset_t mask;             /* the host mask to run with */
    /* AddressSanitizer keeps the current stack's bounds in the thread's
     * TLS, which the child shares: the stack switches are announced to
     * it as fiber switches, there and back. */
    const void *parent_stack;
    size_t parent_stack_size;
} VforkStart;

static int vfork_child_main(void *arg)
{
    /* The parent's frame holds *arg: it waits until we exec or exit. */
    VforkStart *st = arg;
#ifdef MIMIC_ASAN
    __sanitizer_finish_switch_fiber(NULL, &st->parent_stack, &st->parent_stack_size);
#endif
    LinuxThread *c = st->c;
    linux_current = c;
    c->tid = (int)syscall(SYS_gettid);
    if (st->child_settid)
        copy_to_guest(&c->proc->space, st->child_settid, &c->tid, 4);
    pthread_sigmask(SIG_SETMASK, &st->mask, NULL);
    linux_cpu_loop(c);
}

static abi_long do_vfork(LinuxThread *t, uint32_t flags, uint32_t newsp, uint32_t ptid,
                         uint32_t tls, uint32_t ctid)
{
    LinuxProcess *proc = t->proc;
    LinuxThread *c = linux_thread_new(proc);
    if (!c)
        return -EAGAIN;
    GuestSigAction *acts = malloc(sizeof(proc->sigact));
    void *stack = mmap(NULL, VFORK_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (!acts || stack == MAP_FAILED) {
        free(acts);
        if (stack != MAP_FAILED)
            munmap(stack, VFORK_STACK_SIZE);
        linux_thread_free(c);
        return -EAGAIN;
    }
    pthread_mutex_lock(&proc->sig_lock);
    memcpy(acts, proc->sigact, sizeof(proc->sigact));
    pthread_mutex_unlock(&proc->sig_lock);

    CPUExec *ex = c->cpu.parent.exec;
    int index = c->cpu.parent.cpu_index;
    c->cpu = t->cpu;
    c->cpu.parent.exec = ex;
    c->cpu.parent.cpu_index = index;
    c->cpu.parent.budget.u32 = 0;
    memcpy(c->gdt, t->gdt, sizeof(c->gdt));
    c->cpu.gdt = c->gdt;
    c->cpu.regs[R_EAX] = 0;
    if (newsp)
        c->cpu.regs[R_ESP] = newsp;
    c->blocked = t->blocked;
    c->ss_sp = t->ss_sp;
    c->ss_size = t->ss_size;
    c->ss_flags = t->ss_flags;
    c->vfork_child = true;
    c->sigact = acts;
    if (flags & CLONE_CHILD_CLEARTID)
        c->clear_child_tid = ctid;
    if ((flags & CLONE_SETTLS) && linux_tls_set(c, tls, false) < 0) {
        munmap(stack, VFORK_STACK_SIZE);
        free(acts);
        linux_thread_free(c);
        return -EINVAL;
    }
    VforkStart st = { .c = c, .child_settid = (flags & CLONE_CHILD_SETTID) ? ctid : 0 };

    log_flush();
    /* The child runs on this thread's TLS, linux_current included: no host
     * handler may run here until it is ours again (the child unblocks its
     * own signals once it has set linux_current). */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &st.mask);
#ifdef MIMIC_ASAN
    void *fake_stack = NULL;
    __sanitizer_start_switch_fiber(&fake_stack, stack, VFORK_STACK_SIZE);
#endif
    pid_t pid = clone(vfork_child_main, (char *)stack + VFORK_STACK_SIZE,
                      CLONE_VM | CLONE_VFORK | SIGCHLD, &st);
    int err = errno;
#ifdef MIMIC_ASAN
    /* Back on our own stack; the child's "fiber" is gone (or never
     * started, when clone failed). */
    if (pid >= 0 && st.parent_stack)
        __sanitizer_start_switch_fiber(NULL, st.parent_stack, st.parent_stack_size);
    __sanitizer_finish_switch_fiber(fake_stack, NULL, NULL);
#endif
    linux_current = t;
    pthread_sigmask(SIG_SETMASK, &st.mask, NULL);
    munmap(stack, VFORK_STACK_SIZE);
    free(acts);
    linux_thread_free(c);
    if (pid < 0)
        return host_to_guest_errno(err);
    if (flags & CLONE_PARENT_SETTID)
        copy_to_guest(&proc->space, ptid, &pid, 4);
    return pid;
}

/* ---- clone, fork, vfork -------------------------------------------------------- */

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
                         CLONE_VFORK | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | \
                         CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
                         CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO | CLONE_PTRACE)

SYSCALL_DECL(clone)
{
    /* i386 order: flags, newsp, parent_tidptr, tls, child_tidptr. */
    uint32_t flags = a[0], newsp = a[1], ptid = a[2], tls = a[3], ctid = a[4];
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if (flags & ~(uint32_t)CLONE_SUPPORTED)
        return -EINVAL;   /* namespaces, CLONE_PARENT, pidfds: not emulated */
    if (flags & CLONE_VM) {
        if (flags & CLONE_VFORK)
            return do_vfork(t, flags, newsp, ptid, tls, ctid);
        if (!(flags & CLONE_THREAD))
            return -EINVAL;   /* a process sharing memory without vfork's wait */
        return linux_clone_thread(t, flags, newsp, ptid, tls, ctid);
    }
    /* A fork cannot share descriptor tables or cwd with its parent. */
    if (flags & (CLONE_FILES | CLONE_FS))
        return -EINVAL;
    abi_long r = do_fork(t, flags, ptid, tls, ctid);
    if (r == 0 && newsp)
        t->cpu.regs[R_ESP] = newsp;
    return r;
}

SYSCALL_DECL(fork)
{
    (void)a;
    return do_fork(t, 0, 0, 0, 0);
}

SYSCALL_DECL(vfork)
{
    (void)a;
    return do_vfork(t, CLONE_VM | CLONE_VFORK, 0, 0, 0, 0);
}

/* ---- execve -------------------------------------------------------------------- */

/* A NULL-terminated guest array of strings, copied; NULL with *err. */
static char **get_string_array(LinuxThread *t, uint32_t addr, int *err)
{
    GuestSpace *gs = &t->proc->space;
    size_t n = 0, cap = 16;
    char **v = calloc(cap, sizeof(*v));
    if (!v) {
        *err = -ENOMEM;
        return NULL;
    }
    for (; addr; addr += 4) {
        uint32_t p;
        if ((*err = copy_from_guest(gs, &p, addr, 4)) < 0)
            goto fail;
        if (!p)
            break;
        if (n + 2 > cap) {
            if (cap >= 0x20000) {   /* MAX_ARG_STRINGS is far above; E2BIG long before */
                *err = -E2BIG;
                goto fail;
            }
            char **nv = realloc(v, cap * 2 * sizeof(*v));
            if (!nv) {
                *err = -ENOMEM;
                goto fail;
            }
            memset(nv + cap, 0, cap * sizeof(*nv));
            v = nv;
            cap *= 2;
        }
        v[n] = strdup_from_guest(gs, p, 128 * 1024, err);   /* MAX_ARG_STRLEN */
        if (!v[n]) {
            if (*err == -ENAMETOOLONG)
                *err = -E2BIG;
            goto fail;
        }
        n++;
    }
    v[n] = NULL;
    return v;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return NULL;
}

static void free_string_array(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

/* The host path for a guest path: under the sysroot when it exists. */
static char *host_path(const LinuxProcess *proc, const char *path)
{
    if (proc->sysroot && path[0] == '/') {
        size_t n = strlen(proc->sysroot) + strlen(path) + 1;
        char *p = malloc(n);
        if (p) {
            snprintf(p, n, "%s%s", proc->sysroot, path);
            if (access(p, F_OK) == 0)
                return p;
            free(p);
        }
    }
    return strdup(path);
}

/* Parses "#!interp [arg]" from the first line of a script. */
static bool parse_shebang(const char *path, char **interp, char **arg)
{
    char buf[256];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 3 || buf[0] != '#' || buf[1] != '!')
        return false;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    char *p = buf + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *end = p;
    while (*end && *end != ' ' && *end != '\t')
        end++;
    if (end == p)
        return false;
    char *rest = end;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    *end = '\0';
    /* Linux passes the rest of the line, trailing blanks removed, as one
     * argument. */
    size_t len = strlen(rest);
    while (len && (rest[len - 1] == ' ' || rest[len - 1] == '\t'))
        rest[--len] = '\0';
    *interp = strdup(p);
    *arg = len ? strdup(rest) : NULL;
    return *interp != NULL;
}

/* Guest variables the host's dynamic loader would act on when it starts
 * mimic (and complain about: they name i386 libraries): they travel as
 * -E options instead. */
static bool host_loader_variable(const char *e)
{
    return strncmp(e, "LD_PRELOAD=", 11) == 0 || strncmp(e, "LD_AUDIT=", 9) == 0;
}

/* Runs mimic on prog with the guest's argv[0], arguments and environment. */
static int exec_mimic(LinuxProcess *proc, const char *prog, const char *argv0,
                      char *const *args, char *const *envp)
{
    size_t nprefix = 0, nargs = 0, nenv = 0;
    while (proc->mimic_argv_prefix && proc->mimic_argv_prefix[nprefix])
        nprefix++;
    while (args && args[nargs])
        nargs++;
    while (envp && envp[nenv])
        nenv++;
    char **v = calloc(nprefix + nargs + 2 * nenv + 6, sizeof(*v));
    char **env = calloc(nenv + 1, sizeof(*env));
    if (!v || !env) {
        free(v);
        free(env);
        return -ENOMEM;
    }
    size_t k = 0, ke = 0;
    v[k++] = (char *)proc->mimic_path;
    for (size_t i = 0; i < nprefix; i++)
        v[k++] = proc->mimic_argv_prefix[i];
    for (size_t i = 0; i < nenv; i++) {
        if (host_loader_variable(envp[i])) {
            v[k++] = (char *)"-E";
            v[k++] = envp[i];
        } else {
            env[ke++] = envp[i];
        }
    }
    env[ke] = NULL;
    v[k++] = (char *)"-0";
    v[k++] = (char *)argv0;
    v[k++] = (char *)prog;
    for (size_t i = 0; i < nargs; i++)
        v[k++] = args[i];
    v[k] = NULL;
    execve(proc->mimic_path, v, env);
    int err = errno;
    free(v);
    free(env);
    return -err;
}

SYSCALL_DECL(execve)
{
    LinuxProcess *proc = t->proc;
    int err = 0;
    char *path = strdup_from_guest(&proc->space, a[0], 4096, &err);
    if (!path)
        return err;
    char **argv = get_string_array(t, a[1], &err);
    char **envp = argv ? get_string_array(t, a[2], &err) : NULL;
    char *hpath = NULL, *interp = NULL, *iarg = NULL, *hinterp = NULL;
    abi_long ret;
    if (!argv || !envp) {
        ret = err;
        goto out;
    }
    /* /proc/self/exe is the guest program (busybox runs its applets so),
     * not mimic. */
    hpath = proc_is_self_entry(path, "exe") ? strdup(proc->exe_path) : host_path(proc, path);
    if (!hpath) {
        ret = -ENOMEM;
        goto out;
    }
    /* What the kernel checks first: the file exists and may be run. */
    if (access(hpath, X_OK) < 0) {
        ret = host_to_guest_errno(errno);
        goto out;
    }
    const char *argv0 = argv[0] ? argv[0] : "";
    char *const *rest = argv[0] ? argv + 1 : argv;

    linux_signal_prepare_exec(t);
    log_flush();
    if (linux_is_i386_elf(hpath)) {
        ret = exec_mimic(proc, hpath, argv0, rest, envp);
    } else if (parse_shebang(hpath, &interp, &iarg) &&
               (hinterp = host_path(proc, interp)) && linux_is_i386_elf(hinterp)) {
        /* binfmt_script: interp [arg] path argv[1..], run under mimic. */
        size_t n = 0;
        while (rest[n])
            n++;
        char **v = calloc(n + 3, sizeof(*v));
        if (!v) {
            ret = -ENOMEM;
        } else {
            size_t k = 0;
            if (iarg)
                v[k++] = iarg;
            v[k++] = path;
            for (size_t i = 0; i < n; i++)
                v[k++] = rest[i];
            ret = exec_mimic(proc, hinterp, interp, v, envp);
            free(v);
        }
    } else {
        execve(hpath, argv, envp);
        ret = host_to_guest_errno(errno);
    }
    linux_signal_after_failed_exec(t);
out:
    free(path);
    free(hpath);
    free(interp);
    free(iarg);
    free(hinterp);
    free_string_array(argv);
    free_string_array(envp);
    return ret;
}
