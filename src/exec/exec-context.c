/*
 * Creating and destroying an ExecContext and attaching vCPUs to it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec-internal.h"
#include "jit/translator.h"
#include "util/log.h"

#define EXEC_DEFAULT_TB_SIZE ((size_t)32 << 20)
/* Host code bytes per block on average, to size the block pool: blocks
 * smaller than this exhaust the pool first and cause an early flush. */
#define EXEC_BYTES_PER_TB 128
#define EXEC_MIN_TBS 16

uint32_t exec_base_cflags(const ExecContext *ctx)
{
    uint32_t cflags = ctx->cfg.default_cflags & (CF_COUNT_MASK | CF_NO_CHAIN);
    if (ctx->backend == &jit_backend_interp)
        cflags |= CF_INTERP;
    if (log_enabled(LOG_NOCHAIN))
        cflags |= CF_NO_CHAIN;
    if (ctx->nb_watchpoints)
        cflags |= CF_WATCH;
    return cflags;
}

static uint32_t round_up_pow2(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

int exec_init(ExecContext *ctx, const TargetInfo *target, const ExecConfig *cfg)
{
    static const ExecConfig default_cfg;
    memset(ctx, 0, sizeof(*ctx));
    if (!cfg)
        cfg = &default_cfg;
    if (target->disas_size < sizeof(DisasContextBase) || !target->translator)
        return -EINVAL;
    ctx->target = target;
    ctx->cfg = *cfg;
    ctx->backend = cfg->backend ? cfg->backend : &jit_backend_x86_64;
    if (ctx->cfg.tb_size == 0)
        ctx->cfg.tb_size = EXEC_DEFAULT_TB_SIZE;

    /* The metadata arena holds pc maps (a few bytes per instruction) for
     * generated code, or whole programs for the interpreter, so it gets
     * as much room as the code; untouched pages cost nothing. */
    int ret = codebuf_init(&ctx->cb, ctx->cfg.tb_size, ctx->cfg.tb_size);
    if (ret < 0)
        return ret;
    if (ctx->backend->init)
        ctx->backend->init(&ctx->cb);
    if (ctx->cb.reserved < ctx->cb.used)
        ctx->cb.reserved = ctx->cb.used;

    ctx->max_tbs = (uint32_t)(ctx->cfg.tb_size / EXEC_BYTES_PER_TB);
    if (ctx->max_tbs < EXEC_MIN_TBS)
        ctx->max_tbs = EXEC_MIN_TBS;
    ctx->nb_buckets = round_up_pow2(ctx->max_tbs / 2 < 64 ? 64 : ctx->max_tbs / 2);
    ctx->tbs = calloc(ctx->max_tbs, sizeof(*ctx->tbs));
    ctx->buckets = calloc(ctx->nb_buckets, sizeof(*ctx->buckets));
    ctx->insn_end = calloc(TB_MAX_INSNS, sizeof(*ctx->insn_end));
    ctx->disas = calloc(1, target->disas_size);
    if (!ctx->tbs || !ctx->buckets || !ctx->insn_end || !ctx->disas) {
        exec_destroy(ctx);
        return -ENOMEM;
    }
    ir_func_init(&ctx->ir, EXEC_IR_MAX_OPS, EXEC_IR_MAX_TEMPS);
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_cond_init(&ctx->exclusive_cond, NULL);
    return 0;
}

void exec_destroy(ExecContext *ctx)
{
    if (ctx->ir.ops) {
        ir_func_destroy(&ctx->ir);
        pthread_mutex_destroy(&ctx->lock);
        pthread_cond_destroy(&ctx->exclusive_cond);
    }
    codebuf_destroy(&ctx->cb);
    free(ctx->tbs);
    free(ctx->buckets);
    free(ctx->insn_end);
    free(ctx->disas);
    free(ctx->pages);
    free(ctx->breakpoints);
    memset(ctx, 0, sizeof(*ctx));
}

void exec_fork_child(ExecContext *ctx, CPUState *survivor)
{
    int n = 0;
    for (int i = 0; i < ctx->nb_cpus; i++) {
        if (ctx->cpus[i] == survivor)
            ctx->cpus[n++] = survivor;
    }
    ctx->nb_cpus = n;
    if (survivor)
        survivor->cpu_index = 0;
    ctx->nb_running = 0;
    ctx->flush_pending = false;
    /* The forking thread held the lock; in the child it is the same
     * thread, but re-creating the primitives is what POSIX allows. */
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_cond_init(&ctx->exclusive_cond, NULL);
}

int cpu_exec_init(CPUState *cpu, ExecContext *ctx)
{
    CPUExec *ex = calloc(1, sizeof(*ex));
    if (!ex)
        return -ENOMEM;
    ex->ctx = ctx;
    ex->icount_limit = UINT64_MAX;
    cpu->exec = ex;
    cpu->target = ctx->target;
    cpu->budget.u32 = 0;
    cpu->exception_index = EXCP_NONE;

    pthread_mutex_lock(&ctx->lock);
    int n = ctx->nb_cpus;
    if (n == (int)(sizeof(ctx->cpus) / sizeof(ctx->cpus[0]))) {
        pthread_mutex_unlock(&ctx->lock);
        free(ex);
        cpu->exec = NULL;
        return -ENOSPC;
    }
    ctx->cpus[n] = cpu;
    ctx->nb_cpus = n + 1;
    cpu->cpu_index = n;
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}

void cpu_exec_destroy(CPUState *cpu)
{
    CPUExec *ex = cpu->exec;
    if (!ex)
        return;
    ExecContext *ctx = ex->ctx;
    pthread_mutex_lock(&ctx->lock);
    for (int i = 0; i < ctx->nb_cpus; i++) {
        if (ctx->cpus[i] == cpu) {
            ctx->cpus[i] = ctx->cpus[--ctx->nb_cpus];
            break;
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    free(ex);
    cpu->exec = NULL;
}
