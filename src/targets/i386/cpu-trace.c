/*
 * The -trace-cpu recorder.  The cpu loop runs one instruction per
 * cpu_exec (an icount limit one past the current count: the exec layer
 * stops exactly there, shortening blocks as needed), and records the
 * state before each.  Only the first thread is traced, and only in the
 * process that asked (a forked child stops tracing: the file is the
 * parent's).
 */
#include "targets/i386/cpu-trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "targets/i386/trace-format.h"
#include "exec/exec.h"
#include "targets/i386/cpuid.h"
#include "util/error.h"

static struct {
    const char *path;
    char *cmdline;
    TraceWriter *w;
    I386CPU *cpu;          /* the traced CPU */
    pid_t pid;
    TraceStep step;        /* one record per instruction */
    uint32_t fpu_every;
    uint64_t records;
} tr;

void cpu_trace_set_fpu_interval(uint32_t n)
{
    tr.fpu_every = n;
}

void cpu_trace_request(const char *path, int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    tr.cmdline = calloc(1, len);
    if (!tr.cmdline)
        fatal_user_error("out of memory");
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(tr.cmdline, " ");
        strcat(tr.cmdline, argv[i]);
    }
    tr.path = path;
}

bool cpu_trace_active(I386CPU *cpu)
{
    if (!tr.path)
        return false;
    if (!tr.cpu) {
        char err[512];
        char model[128];
        snprintf(model, sizeof(model), "mimic:%s", cpu->model ? cpu->model->name : "default");
        tr.w = trace_writer_open(tr.path, model, tr.cmdline, err, sizeof(err));
        if (!tr.w)
            fatal_user_error("-trace-cpu: %s", err);
        tr.cpu = cpu;
        tr.pid = getpid();
    }
    return tr.cpu == cpu && tr.pid == getpid();
}

void cpu_trace_before_exec(I386CPU *cpu)
{
    CPUState *cs = &cpu->parent;
    uint64_t icount = cpu_icount(cs);
    if (trace_step_is_new(&tr.step, icount, cpu->eip)) {
        TraceRecord rec;
        memset(&rec, 0, sizeof(rec));
        rec.eip = cpu->eip;
        memcpy(rec.regs, cpu->regs, sizeof(rec.regs));
        rec.eflags = i386_get_eflags(cpu);
        rec.fs_base = cpu->segs[R_FS].base;
        rec.gs_base = cpu->segs[R_GS].base;
        CodeReadFn rd = cs->exec->ctx->cfg.code_read;
        for (unsigned i = 0; rd && i < TRACE_INSN_BYTES; i++)
            if (!rd(cs, (uint64_t)cpu->eip + i, rec.insn + i, 1))
                break;
        /* fxstate is current between blocks: the x87 thunks save it back. */
        if (tr.fpu_every && tr.records % tr.fpu_every == 0 &&
            trace_writer_add_item(tr.w, TRACE_ITEM_FPU, cpu->fxstate, TRACE_FXSAVE_BYTES) < 0)
            fatal_user_error("-trace-cpu: %s: write error", tr.path);
        tr.records++;
        if (trace_writer_add(tr.w, &rec) < 0)
            fatal_user_error("-trace-cpu: %s: write error", tr.path);
        memcpy(tr.step.insn, rec.insn, sizeof(tr.step.insn));
    }
    cpu_set_icount_limit(cs, icount + 1);
}

void cpu_trace_sync(void)
{
    if (tr.w && tr.pid == getpid() && trace_writer_flush(tr.w) < 0)
        fatal_user_error("-trace-cpu: %s: write error", tr.path);
}
