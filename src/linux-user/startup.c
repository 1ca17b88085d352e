/*
 * Starting an emulated process: the guest space and translation cache,
 * the program and its interpreter, the main thread with its initial
 * stack, the signal and fault handlers, then the cpu loop.
 *
 * The program path is used as given, relative to the current directory
 * (PATH is not searched, as QEMU does not either); /proc/self/exe for the
 * guest is its absolute path (proc->exe_path).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/gdb-user.h"
#include "linux-user/linux-user.h"
#include "linux-user/rr-user.h"
#include "linux-user/trace-follow.h"
#include "linux-user/user-internal.h"
#include "replay/host-random.h"
#include "replay/virtual-clock.h"
#include "targets/i386/cpuid.h"
#include "util/error.h"

/* -icount's clock counts the whole process (exact for one thread, and
 * with threads under -rr, which runs one at a time; otherwise other
 * threads' counts are read while they run). */
static uint64_t process_icount(CPUState *cpu)
{
    return linux_process_icount(linux_thread(cpu)->proc);
}

static bool linux_code_read(CPUState *cpu, uint64_t addr, void *buf, unsigned len)
{
    return guest_code_read(&linux_thread(cpu)->proc->space, addr, buf, len);
}

static char *self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return strdup(buf);
}

int linux_user_run(const LinuxUserOptions *opts, int argc, char **argv, char **envp)
{
    static LinuxProcess proc;
    /* Replay opens the recording first: it may name the program. */
    rr_user_open(opts, argc, argv);
    bool have_prog = opts->prog_index < argc;
    const char *prog = have_prog ? argv[opts->prog_index] : rr_user_recorded_program();
    char q[UTIL_QUOTE_MAX];
    util_quote(q, sizeof(q), prog, (unsigned)strlen(prog));

    struct stat st;
    if (stat(prog, &st) < 0)
        fatal_user_error("%s: %s", q, strerror(errno));
    if (!S_ISREG(st.st_mode))
        fatal_user_error("%s: not a regular file", q);

    int r = guest_space_init(&proc.space);
    if (r < 0)
        fatal_user_error("cannot reserve the guest address space: %s", strerror(-r));
    ExecConfig cfg = {
        .tb_size = opts->tb_size,
        .backend = opts->backend,
        .chain_cross_page = true,
        .optimize = true,
        .default_cflags = opts->one_insn_per_tb ? 1 : 0,
        .code_read = linux_code_read,
        .page_code_added = guest_page_code_added,
        .opaque = &proc.space,
    };
    r = exec_init(&proc.exec, &i386_target, &cfg);
    if (r < 0)
        fatal_user_error("cannot set up the translation cache: %s", strerror(-r));
    proc.space.exec = &proc.exec;
    pthread_mutex_init(&proc.sig_lock, NULL);
    pthread_mutex_init(&proc.thread_lock, NULL);
    proc.model = opts->model ? opts->model : i386_model_default();
    proc.ldt = calloc(LINUX_LDT_ENTRIES, sizeof(uint64_t));
    proc.exe_path = realpath(prog, NULL);
    proc.mimic_path = self_exe();
    if (!proc.ldt || !proc.exe_path || !proc.mimic_path)
        fatal_user_error("out of memory");
    proc.sysroot = opts->sysroot;
    proc.strace = opts->strace;
    proc.mimic_argv_prefix = opts->child_argv;
    proc.argv0 = (char *)opts->argv0;

    LinuxImage img;
    char err[512];
    if (!linux_load_program(&proc, prog, &img, err, sizeof(err)))
        fatal_user_error("%s: %s", q, err);

    LinuxThread *t = linux_thread_new(&proc);
    if (!t)
        fatal_user_error("out of memory");
    linux_current = t;
    t->tid = (int)syscall(SYS_gettid);
    t->host = pthread_self();
    if ((r = linux_thread_host_init(t)) < 0)
        fatal_user_error("cannot set up a signal stack: %s", strerror(-r));

    /* The guest's argv: argv[0] from -0 if given.  (Replay puts the
     * recorded stack over this one.) */
    int gargc = have_prog ? argc - opts->prog_index : 1;
    char **gargv = calloc((size_t)gargc + 1, sizeof(*gargv));
    if (!gargv)
        fatal_user_error("out of memory");
    for (int i = 0; i < gargc; i++)
        gargv[i] = have_prog ? argv[opts->prog_index + i] : (char *)prog;
    if (opts->argv0)
        gargv[0] = (char *)opts->argv0;
    char **genv = linux_user_environment(opts, envp);
    int genvc = 0;
    while (genv[genvc])
        genvc++;

    uint8_t rnd[16];
    if (!replay_host_random(rnd, sizeof(rnd)))   /* AT_RANDOM */
        fatal_user_error("cannot read random bytes: %s", strerror(errno));
    uint32_t cpuid1[4];
    i386_cpuid(proc.model, 1, 0, cpuid1);
    LinuxStackArgs sa = {
        .argc = gargc, .argv = gargv, .envc = genvc, .envp = genv,
        .execfn = prog, .hwcap = cpuid1[3], .random16 = rnd,
        .uid = getuid(), .euid = geteuid(), .gid = getgid(), .egid = getegid(),
    };
    uint32_t sp;
    r = linux_setup_stack(&proc.space, &img, &sa, &sp, &proc.auxv_addr, &proc.auxv_len);
    if (r == -E2BIG)
        fatal_user_error("%s: argument list too long", q);
    if (r < 0)
        fatal_user_error("%s: cannot set up the stack: %s", q, strerror(-r));
    free(gargv);
    free(genv);

    t->cpu.regs[R_ESP] = sp;
    t->cpu.eip = img.start;
    proc.entry = img.entry;

    if (opts->icount_shift >= 0) {
        replay_icount_enable((unsigned)opts->icount_shift);
        replay_set_icount_fn(process_icount);
    }
    trace_follow_start(t);   /* -trace-follow: the reference's stack and registers */
    rr_user_initial_stack(t);   /* -rr: logged, or the recording's put in place */
    linux_fault_init();
    linux_signal_init(&proc, t);
    linux_process_atfork_init(&proc);
    if (opts->gdb)
        linux_gdb_start(&proc, t, opts->gdb, opts->gdb_disconnect_stop);
    linux_cpu_loop(t);
}
