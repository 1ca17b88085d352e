/*
 * Flushing the translation cache while other vCPUs run.
 *
 * A flush recycles the block pool and the code buffer, so no vCPU may be
 * inside generated code, a helper, or holding a block pointer across it.
 * Every vCPU inside cpu_exec counts in ctx->nb_running, except while it
 * is parked at a safe point: the top of the cpu loop (it holds no block
 * pointer it will keep; the loop drops `last` when the flush count
 * changes) or inside tb_gen_code waiting for someone else's flush.
 *
 * The flusher, with ctx->lock held:
 *   1. sets flush_pending (read without the lock at every loop top);
 *   2. kicks every other vCPU: budget.u16.high = 0xffff makes its next
 *      block entry fail, so it returns to its loop top within one block
 *      (a vCPU in a helper gets there when the helper returns);
 *   3. waits on exclusive_cond until it is the only one running;
 *   4. flushes, clears flush_pending and wakes everybody.
 * A kick is told apart from cpu_exit() by exit_request, which cpu_exit
 * stores before the high half (cpu-exec.c consumes both).
 * A second vCPU that finds the cache full while a flush is pending parks
 * instead of flushing: the pending flush makes room for it too (though
 * the flusher may fill it again before the parked vCPU gets the lock, so
 * that one must be ready to find it full once more).
 *
 * Never call tb_flush() from a helper or from generated code: the caller
 * would wait for itself.
 */
#include "exec/exec-internal.h"

/* With the lock held: stop counting as running until the pending flush
 * is over. */
static void park_locked(ExecContext *ctx)
{
    ctx->nb_running--;
    pthread_cond_broadcast(&ctx->exclusive_cond);
    while (ctx->flush_pending)
        pthread_cond_wait(&ctx->exclusive_cond, &ctx->lock);
    ctx->nb_running++;
}

void exec_cpu_enter(CPUState *cpu)
{
    ExecContext *ctx = cpu->exec->ctx;
    pthread_mutex_lock(&ctx->lock);
    while (ctx->flush_pending)
        pthread_cond_wait(&ctx->exclusive_cond, &ctx->lock);
    ctx->nb_running++;
    cpu->exec->in_exec = true;
    pthread_mutex_unlock(&ctx->lock);
}

void exec_cpu_leave(CPUState *cpu)
{
    ExecContext *ctx = cpu->exec->ctx;
    pthread_mutex_lock(&ctx->lock);
    ctx->nb_running--;
    cpu->exec->in_exec = false;
    if (ctx->flush_pending)
        pthread_cond_broadcast(&ctx->exclusive_cond);
    pthread_mutex_unlock(&ctx->lock);
}

void exec_safe_point(CPUState *cpu)
{
    ExecContext *ctx = cpu->exec->ctx;
    if (!__atomic_load_n(&ctx->flush_pending, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&ctx->lock);
    park_locked(ctx);
    pthread_mutex_unlock(&ctx->lock);
}

bool tb_flush_exclusive_locked(ExecContext *ctx, CPUState *self)
{
    /* Only a caller inside cpu_exec is counted in nb_running. */
    int self_running = self && self->exec->in_exec ? 1 : 0;
    if (ctx->flush_pending) {
        if (self_running) {
            park_locked(ctx);
        } else {
            while (ctx->flush_pending)
                pthread_cond_wait(&ctx->exclusive_cond, &ctx->lock);
        }
        return false;
    }
    __atomic_store_n(&ctx->flush_pending, true, __ATOMIC_RELEASE);
    for (int i = 0; i < ctx->nb_cpus; i++) {
        if (ctx->cpus[i] != self)
            __atomic_store_n(&ctx->cpus[i]->budget.u16.high, (uint16_t)0xffff,
                             __ATOMIC_SEQ_CST);
    }
    while (ctx->nb_running > self_running)
        pthread_cond_wait(&ctx->exclusive_cond, &ctx->lock);
    tb_flush_locked(ctx);
    __atomic_store_n(&ctx->flush_pending, false, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&ctx->exclusive_cond);
    return true;
}
