/*
 * mimic-hwtrace [-o FILE] [-cpu MODEL] [-fpu N] PROGRAM ARGS: the
 * reference trace of a 32-bit program on the host CPU, with what a second
 * run (mimic -trace-follow) needs to stay in step with it
 * (docs/trace-format.md).  The program runs under ptrace, one
 * PTRACE_SINGLESTEP at a time, with address randomization off; before
 * each step one instruction record is written.
 *
 * So that the native run takes the paths mimic can: the auxiliary vector
 * loses AT_SYSINFO/AT_SYSINFO_EHDR (glibc then makes its system calls
 * with INT 0x80, as under mimic, which has no vDSO), CPUID is not run but
 * answered from mimic's CPU model, and rseq fails with ENOSYS as in
 * mimic.  System call results and the memory they wrote, RDTSC values and
 * the initial stack are recorded as items.
 *
 * Registers come from PTRACE_GETREGS: for a 32-bit tracee the 64-bit
 * user_regs_struct holds the i386 values in the low halves.  The kernel
 * hides the TF it sets for single-stepping.
 */
#include <asm/ldt.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall-outputs.h"
#include "targets/i386/cpuid.h"
#include "targets/i386/trace-format.h"

#define NR_MODIFY_LDT 123
#define NR_RSEQ 386
#define NR_EXIT 1
#define NR_EXIT_GROUP 252
#define ENOSYS_RESULT ((uint32_t)-38)
#define AT_IGNORE_ 1
#define AT_SYSINFO_ 32
#define AT_SYSINFO_EHDR_ 33
#define SEL_SLOTS 8192

typedef struct Tracer {
    pid_t pid;
    int memfd;
    TraceWriter *w;
    const char *out;
    /* Segment bases by descriptor index: the GDT's (TLS entries, asked of
     * the kernel once and again after each system call, which may have
     * changed them) and the LDT's (a shadow of modify_ldt writes). */
    uint32_t gdt_base[SEL_SLOTS], ldt_base[SEL_SLOTS];
    bool gdt_known[SEL_SLOTS];
    bool warned[512];
    bool warned_sysenter;
} Tracer;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mimic-hwtrace: error: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static uint32_t seg_base(Tracer *t, unsigned long long sel)
{
    unsigned idx = (unsigned)(sel >> 3) & (SEL_SLOTS - 1);
    if (sel & 4)
        return t->ldt_base[idx];
    if (idx == 0)
        return 0;
    if (!t->gdt_known[idx]) {
        struct user_desc d;
        memset(&d, 0, sizeof(d));
        t->gdt_base[idx] = 0;
        if (ptrace(PTRACE_GET_THREAD_AREA, t->pid, (void *)(uintptr_t)idx, &d) == 0)
            t->gdt_base[idx] = d.base_addr;
        t->gdt_known[idx] = true;
    }
    return t->gdt_base[idx];
}

static bool peek(void *ctx, uint32_t addr, void *buf, size_t len)
{
    Tracer *t = ctx;
    return pread(t->memfd, buf, len, addr) == (ssize_t)len;
}

/* The host CPU's model name, for the header. */
static void host_model(char *buf, size_t len)
{
    snprintf(buf, len, "host");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        char *c = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && c) {
            c[strcspn(c, "\n")] = 0;
            snprintf(buf, len, "host:%s", c + 1 + (c[1] == ' '));
            break;
        }
    }
    fclose(f);
}

/* Clears TF in the flags image a PUSHF just stored at esp. */
static void clear_pushed_tf(Tracer *t, uint32_t esp, unsigned size)
{
    uint32_t v = 0;
    if (pread(t->memfd, &v, size, esp) != (ssize_t)size)
        return;   /* the push faulted: nothing was stored */
    v &= ~0x100u;
    if (pwrite(t->memfd, &v, size, esp) != (ssize_t)size)
        fail("cannot write the pushed flags at %#x: %s", esp, strerror(errno));
}

static void add_item(Tracer *t, uint32_t kind, const void *data, uint32_t len)
{
    if (trace_writer_add_item(t->w, kind, data, len) < 0)
        fail("%s: write error", t->out);
}

/* At the first instruction: removes the vDSO entries from the auxiliary
 * vector (argc, argv, NULL, envp, NULL, then the auxv pairs from ESP) and
 * records the stack from ESP's page to the end of the stack mapping. */
static void prepare_stack(Tracer *t, uint32_t esp)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)t->pid);
    FILE *f = fopen(path, "r");
    if (!f)
        fail("%s: %s", path, strerror(errno));
    unsigned long lo = 0, hi = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long a, b;
        if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &a, &b) == 2 && a <= esp &&
            esp < b) {
            lo = a;
            hi = b;
        }
    }
    fclose(f);
    if (!hi)
        fail("no [stack] mapping around ESP %#x", esp);
    lo = esp & ~0xfffu;
    uint32_t n = (uint32_t)(hi - lo);
    uint8_t *item = malloc(8 + (size_t)n);
    if (!item)
        fail("out of memory");
    uint32_t *words = (uint32_t *)(item + 8);
    if (!peek(t, (uint32_t)lo, words, n))
        fail("cannot read the stack at %#lx", lo);
    uint32_t i = (esp - (uint32_t)lo) / 4, end = n / 4;
    i += 1 + words[i] + 1;                       /* argc, argv, NULL */
    while (i < end && words[i])                  /* envp */
        i++;
    for (i++; i + 1 < end && words[i]; i += 2) {
        if (words[i] == AT_SYSINFO_ || words[i] == AT_SYSINFO_EHDR_) {
            words[i] = AT_IGNORE_;
            uint32_t at = (uint32_t)lo + 4 * i;
            if (pwrite(t->memfd, &words[i], 4, at) != 4)
                fail("cannot rewrite the auxiliary vector at %#x: %s", at, strerror(errno));
        }
    }
    memcpy(item, &(uint32_t){ (uint32_t)lo }, 4);
    memcpy(item + 4, &(uint32_t){ (uint32_t)hi }, 4);
    add_item(t, TRACE_ITEM_STACK, item, 8 + n);
    free(item);
}

static void warn_once(Tracer *t, uint32_t nr, const char *what)
{
    if (nr < 512 && t->warned[nr])
        return;
    if (nr < 512)
        t->warned[nr] = true;
    fprintf(stderr, "mimic-hwtrace: warning: system call %u: %s\n", nr, what);
}

/* After INT 0x80 ran (regs before it in b, after it in a): the result and
 * the memory the call wrote. */
static void record_syscall(Tracer *t, const struct user_regs_struct *b,
                           const struct user_regs_struct *a, uint32_t nr)
{
    uint32_t args[6] = { (uint32_t)b->rbx, (uint32_t)b->rcx, (uint32_t)b->rdx,
                         (uint32_t)b->rsi, (uint32_t)b->rdi, (uint32_t)b->rbp };
    uint32_t res = (uint32_t)a->rax;
    static SysOutput outs[SYSOUT_MAX];
    static TraceSyscallMem mem[SYSOUT_MAX];
    int n = syscall_outputs(nr, args, res, peek, t, outs);
    if (n == SYSOUT_UNKNOWN)
        warn_once(t, nr, "outputs unknown, memory not recorded");
    else if (n == SYSOUT_SKIPPED)
        warn_once(t, nr, "socketcall, memory not recorded");
    uint8_t *bufs[SYSOUT_MAX];
    int k = 0;
    for (int i = 0; i < n; i++) {
        uint8_t *p = malloc(outs[i].len);
        if (!p)
            fail("out of memory");
        if (!peek(t, outs[i].addr, p, outs[i].len)) {
            free(p);   /* the kernel did not write an unmapped buffer */
            continue;
        }
        bufs[k] = p;
        mem[k] = (TraceSyscallMem){ outs[i].addr, outs[i].len, p };
        k++;
    }
    TraceSyscall sc = { nr, res, (uint32_t)k, mem };
    if (trace_writer_add_syscall(t->w, &sc) < 0)
        fail("%s: write error", t->out);
    for (int i = 0; i < k; i++)
        free(bufs[i]);
    /* modify_ldt(1 or 0x11, struct user_desc *): an LDT entry is set. */
    if (nr == NR_MODIFY_LDT && res == 0 && (args[0] == 1 || args[0] == 0x11)) {
        uint32_t d[2];
        if (peek(t, args[1], d, sizeof(d)) && d[0] < SEL_SLOTS)
            t->ldt_base[d[0]] = d[1];
    }
    memset(t->gdt_known, 0, sizeof(t->gdt_known));
}

static void add_nondet(Tracer *t, uint32_t op, const struct user_regs_struct *u)
{
    uint32_t v[5] = { op, (uint32_t)u->rax, (uint32_t)u->rcx, (uint32_t)u->rdx,
                      (uint32_t)u->rbx };
    add_item(t, TRACE_ITEM_NONDET, v, sizeof(v));
}

static void usage(const char *why)
{
    fprintf(stderr, "mimic-hwtrace: error: %s (usage: mimic-hwtrace [-o FILE] [-cpu MODEL] "
            "[-fpu N] PROGRAM [ARGS...])\n", why);
    exit(2);
}

int main(int argc, char **argv)
{
    static Tracer t;
    t.out = "hwtrace.trace";
    const I386Model *cpu = i386_model_default();
    unsigned long fpu_every = 0;
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (i + 1 >= argc)
            usage("option without a value");
        if (strcmp(argv[i], "-o") == 0) {
            t.out = argv[i + 1];
        } else if (strcmp(argv[i], "-cpu") == 0) {
            cpu = i386_model_find(argv[i + 1]);
            if (!cpu)
                fail("unknown CPU model %s (mimic-i386 -cpu help lists them)", argv[i + 1]);
        } else if (strcmp(argv[i], "-fpu") == 0) {
            char *end;
            fpu_every = strtoul(argv[i + 1], &end, 10);
            if (*end || !argv[i + 1][0])
                usage("-fpu takes a number");
        } else {
            usage("unknown option");
        }
        i += 2;
    }
    if (i >= argc)
        usage("no program");

    char host[200], model[300], cmdline[4096] = "";
    host_model(host, sizeof(host));
    snprintf(model, sizeof(model), "%s; cpuid:mimic:%s", host, cpu->name);
    for (int j = i; j < argc; j++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof(cmdline) - l, "%s%s", j > i ? " " : "", argv[j]);
    }
    char err[512];
    t.w = trace_writer_open(t.out, model, cmdline, err, sizeof(err));
    if (!t.w)
        fail("%s", err);

    /* Tracer and tracee on one CPU: each step is a handoff between them,
     * several times cheaper without a cross-CPU wakeup. */
    int here = sched_getcpu();
    if (here >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(here, &set);
        sched_setaffinity(0, sizeof(set), &set);
    }

    pid_t pid = fork();
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    if (pid == 0) {
        personality(ADDR_NO_RANDOMIZE);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        execvp(argv[i], argv + i);
        fprintf(stderr, "mimic-hwtrace: error: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    t.pid = pid;
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            exit(2);   /* the child said why */
        fail("%s did not start", argv[i]);
    }
    /* Opened after the exec, so it is the new program's memory. */
    char mempath[64];
    snprintf(mempath, sizeof(mempath), "/proc/%d/mem", (int)pid);
    t.memfd = open(mempath, O_RDWR);
    if (t.memfd < 0)
        fail("%s: %s", mempath, strerror(errno));
    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(uintptr_t)PTRACE_O_EXITKILL);

    int sig = 0;
    unsigned long long n = 0;
    TraceRecord prev;
    memset(&prev, 0, sizeof(prev));
    /* What the step just made needs recorded after it (its result). */
    enum { AFTER_NONE, AFTER_SYSCALL, AFTER_RDTSC, AFTER_PUSHF } pending = AFTER_NONE;
    unsigned pushf_size = 4;
    uint32_t nr = 0;
    struct user_regs_struct u, before, after;
    memset(&before, 0, sizeof(before));
    for (;;) {
        if (sig)
            goto step;   /* a signal stop, not an instruction: no record */
        if (ptrace(PTRACE_GETREGS, pid, NULL, &u) < 0)
            fail("PTRACE_GETREGS: %s", strerror(errno));
        if (n == 0)
            prepare_stack(&t, (uint32_t)u.rsp);
        TraceRecord rec;
        memset(&rec, 0, sizeof(rec));
        rec.eip = (uint32_t)u.rip;
        rec.regs[0] = (uint32_t)u.rax;
        rec.regs[1] = (uint32_t)u.rcx;
        rec.regs[2] = (uint32_t)u.rdx;
        rec.regs[3] = (uint32_t)u.rbx;
        rec.regs[4] = (uint32_t)u.rsp;
        rec.regs[5] = (uint32_t)u.rbp;
        rec.regs[6] = (uint32_t)u.rsi;
        rec.regs[7] = (uint32_t)u.rdi;
        rec.eflags = (uint32_t)u.eflags & ~0x100u;   /* our TF (see PUSHF below) */
        rec.fs_base = seg_base(&t, u.fs);
        rec.gs_base = seg_base(&t, u.gs);
        /* Byte by byte at a page end: the next page may be unmapped. */
        if (!peek(&t, rec.eip, rec.insn, TRACE_INSN_BYTES)) {
            for (int b = 0; b < TRACE_INSN_BYTES; b++)
                if (!peek(&t, rec.eip + b, rec.insn + b, 1))
                    break;
        }
        if (n && rec.eip == prev.eip && trace_insn_is_rep_string(prev.insn))
            goto step;   /* another iteration of the same instruction */
        prev = rec;
        if (fpu_every && n % fpu_every == 0) {
            uint8_t fx[TRACE_FXSAVE_BYTES];
            if (ptrace(PTRACE_GETFPREGS, pid, NULL, fx) < 0)
                fail("PTRACE_GETFPREGS: %s", strerror(errno));
            add_item(&t, TRACE_ITEM_FPU, fx, sizeof(fx));
        }
        if (trace_writer_add(t.w, &rec) < 0)
            fail("%s: write error", t.out);
        n++;

        int p = 0;
        while (p < TRACE_INSN_BYTES - 2 && trace_insn_is_prefix(rec.insn[p]))
            p++;
        const uint8_t *op = rec.insn + p;
        if (op[0] == 0x0f && op[1] == 0xa2) {
            /* CPUID is answered, not run: the program sees mimic's model. */
            uint32_t r[4];
            i386_cpuid(cpu, (uint32_t)u.rax, (uint32_t)u.rcx, r);
            u.rax = r[0];
            u.rbx = r[1];
            u.rcx = r[2];
            u.rdx = r[3];
            u.rip += (unsigned)p + 2;
            if (ptrace(PTRACE_SETREGS, pid, NULL, &u) < 0)
                fail("PTRACE_SETREGS: %s", strerror(errno));
            add_nondet(&t, 0x0fa2, &u);
            continue;
        }
        if (op[0] == 0x0f && op[1] == 0x31)
            pending = AFTER_RDTSC;
        if (op[0] == 0x9c) {
            /* PUSHF stores the TF that single-stepping set (the kernel
             * hides it from PTRACE_GETREGS, though not after every POPF,
             * and never from the program): it is cleared in the pushed
             * image after the step, so the program sees the flags it
             * would without a tracer.  A program that sets TF itself
             * cannot be traced this way (docs/trace-format.md). */
            pending = AFTER_PUSHF;
            pushf_size = memchr(rec.insn, 0x66, (size_t)p) ? 2 : 4;
        }
        if (op[0] == 0xcd && op[1] == 0x80) {
            nr = (uint32_t)u.rax;
            before = u;
            /* exit and exit_group end the process: nothing after them. */
            if (nr == NR_EXIT || nr == NR_EXIT_GROUP)
                trace_writer_flush(t.w);
            else
                pending = AFTER_SYSCALL;
            if (nr == NR_RSEQ) {
                /* An invalid number, so the kernel fails it with ENOSYS: a
                 * registered rseq area is rewritten by the kernel at times
                 * no second run can reproduce, and mimic has no rseq. */
                u.rax = 0xffff;
                if (ptrace(PTRACE_SETREGS, pid, NULL, &u) < 0)
                    fail("PTRACE_SETREGS: %s", strerror(errno));
            }
        }
        if (op[0] == 0x0f && (op[1] == 0x34 || op[1] == 0x05) && !t.warned_sysenter) {
            t.warned_sysenter = true;
            fprintf(stderr, "mimic-hwtrace: warning: %s at %#x: the program uses the vDSO\n",
                    op[1] == 0x34 ? "SYSENTER" : "SYSCALL", rec.eip);
        }
    step:
        if (ptrace(PTRACE_SINGLESTEP, pid, NULL, (void *)(uintptr_t)sig) < 0)
            break;
        sig = 0;
        if (waitpid(pid, &status, 0) < 0)
            break;
        if (WIFEXITED(status) || WIFSIGNALED(status))
            break;
        /* A signal other than our step's SIGTRAP: delivered with the
         * next step, which enters the handler (or kills the program). */
        if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP)
            sig = WSTOPSIG(status);
        if (pending != AFTER_NONE) {
            if (ptrace(PTRACE_GETREGS, pid, NULL, &after) < 0)
                fail("PTRACE_GETREGS: %s", strerror(errno));
            if (pending == AFTER_SYSCALL)
                record_syscall(&t, &before, &after, nr);
            else if (pending == AFTER_RDTSC)
                add_nondet(&t, 0x0f31, &after);
            else
                clear_pushed_tf(&t, (uint32_t)after.rsp, pushf_size);
            pending = AFTER_NONE;
        }
    }
    if (trace_writer_close(t.w) < 0)
        fail("%s: write error", t.out);
    close(t.memfd);
    fprintf(stderr, "mimic-hwtrace: %llu instructions\n", n);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 2;
}
