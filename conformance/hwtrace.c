/*
 * mimic-hwtrace [-o FILE] PROGRAM ARGS: the reference trace of a 32-bit
 * program on the host CPU.  The program runs under ptrace, one
 * PTRACE_SINGLESTEP at a time, with address randomization off (so that
 * its addresses are repeatable); before each step one record is written.
 *
 * Registers come from PTRACE_GETREGS: for a 32-bit tracee the 64-bit
 * user_regs_struct holds the i386 values in the low halves.  The kernel
 * hides the TF it sets for single-stepping.  FS and GS bases: a selector
 * of a GDT TLS entry is looked up with PTRACE_GET_THREAD_AREA; a null
 * selector has base 0; LDT selectors are not resolved (recorded as 0).
 */
#include <asm/ldt.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "targets/i386/trace-format.h"

static uint32_t seg_base(pid_t pid, unsigned long long sel)
{
    if ((sel & ~3ull) == 0 || (sel & 4))
        return 0;
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    if (ptrace(PTRACE_GET_THREAD_AREA, pid, (void *)(uintptr_t)(sel >> 3), &d) < 0)
        return 0;
    return d.base_addr;
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
            snprintf(buf, len, "host:%s", c + 1);
            break;
        }
    }
    fclose(f);
}

/* A REP/REPNE string instruction: the CPU single-steps each iteration
 * (with EIP still on the instruction), while a trace has one record per
 * instruction, so hwtrace drops the records of the later iterations. */
static bool is_rep_string(const uint8_t *b)
{
    bool rep = false;
    for (int i = 0; i < TRACE_INSN_BYTES; i++) {
        switch (b[i]) {
        case 0xf2: case 0xf3:
            rep = true;
            break;
        case 0x66: case 0x67: case 0x26: case 0x2e: case 0x36: case 0x3e:
        case 0x64: case 0x65: case 0xf0:
            break;
        default:
            return rep && ((b[i] >= 0xa4 && b[i] <= 0xa7) || (b[i] >= 0xaa && b[i] <= 0xaf) ||
                           (b[i] >= 0x6c && b[i] <= 0x6f));
        }
    }
    return false;
}

static void usage(void)
{
    fprintf(stderr, "usage: mimic-hwtrace [-o FILE] PROGRAM [ARGS...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *out = "hwtrace.trace";
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
        out = argv[i + 1];
        i += 2;
    }
    if (i >= argc || argv[i][0] == '-')
        usage();

    char model[256], cmdline[4096] = "";
    host_model(model, sizeof(model));
    for (int j = i; j < argc; j++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof(cmdline) - l, "%s%s", j > i ? " " : "", argv[j]);
    }
    char err[512];
    TraceWriter *w = trace_writer_open(out, model, cmdline, err, sizeof(err));
    if (!w) {
        fprintf(stderr, "mimic-hwtrace: %s\n", err);
        return 2;
    }

    pid_t pid = fork();
    if (pid < 0) {
        perror("mimic-hwtrace: fork");
        return 2;
    }
    if (pid == 0) {
        personality(ADDR_NO_RANDOMIZE);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        execvp(argv[i], argv + i);
        fprintf(stderr, "mimic-hwtrace: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
        fprintf(stderr, "mimic-hwtrace: %s did not start\n", argv[i]);
        return 2;
    }
    /* Opened after the exec, so it is the new program's memory. */
    char mempath[64];
    snprintf(mempath, sizeof(mempath), "/proc/%d/mem", (int)pid);
    int memfd = open(mempath, O_RDONLY);
    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(uintptr_t)PTRACE_O_EXITKILL);

    int sig = 0;
    unsigned long long n = 0;
    TraceRecord prev;
    memset(&prev, 0, sizeof(prev));
    for (;;) {
        if (sig)
            goto step;   /* a signal stop, not an instruction: no record */
        struct user_regs_struct u;
        if (ptrace(PTRACE_GETREGS, pid, NULL, &u) < 0) {
            perror("mimic-hwtrace: PTRACE_GETREGS");
            break;
        }
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
        rec.eflags = (uint32_t)u.eflags;
        rec.fs_base = seg_base(pid, u.fs);
        rec.gs_base = seg_base(pid, u.gs);
        /* Byte by byte at a page end: the next page may be unmapped. */
        if (memfd < 0 || pread(memfd, rec.insn, TRACE_INSN_BYTES, rec.eip) != TRACE_INSN_BYTES) {
            for (int b = 0; b < TRACE_INSN_BYTES && memfd >= 0; b++)
                if (pread(memfd, rec.insn + b, 1, (off_t)rec.eip + b) != 1)
                    break;
        }
        if (n && rec.eip == prev.eip && is_rep_string(prev.insn))
            goto step;   /* another iteration of the same instruction */
        prev = rec;
        if (trace_writer_add(w, &rec) < 0) {
            fprintf(stderr, "mimic-hwtrace: %s: write error\n", out);
            return 2;
        }
        n++;
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
    }
    if (trace_writer_close(w) < 0) {
        fprintf(stderr, "mimic-hwtrace: %s: write error\n", out);
        return 2;
    }
    if (memfd >= 0)
        close(memfd);
    fprintf(stderr, "mimic-hwtrace: %llu instructions\n", n);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 2;
}
